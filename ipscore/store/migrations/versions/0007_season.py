"""The season as it is run by many hands: the season files, each city's stage events, and the
experts' scores, all appended, never updated.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seasons",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("file", sa.String(500), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("stored_at", sa.String(32), nullable=False),
        sa.Column("stored_by", sa.String(200), nullable=False),
    )
    op.create_index("seasons_year", "seasons", ["year"])
    op.create_table(
        "season_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("city", sa.String(200), nullable=False),
        sa.Column("pack", sa.String(100), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("stage", sa.String(30), nullable=False),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=True),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("opinion", sa.Text, nullable=True),
        sa.Column("details_json", sa.Text, nullable=False),
        sa.Column("late", sa.Boolean, nullable=False),
    )
    op.create_index("season_events_key", "season_events", ["year", "city"])
    op.create_table(
        "expert_scores",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pack", sa.String(100), nullable=False),
        sa.Column("city", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("expert", sa.String(200), nullable=False),
        sa.Column("points", sa.String(40), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=True),
        sa.Column("scored_at", sa.String(32), nullable=False),
    )
    op.create_index("expert_scores_key", "expert_scores", ["pack", "city", "year"])
