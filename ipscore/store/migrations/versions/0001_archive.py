"""The archive: stored submissions and their figures.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("pack", sa.String(100), nullable=False),
        sa.Column("pack_version", sa.String(50), nullable=False),
        sa.Column("pack_sha256", sa.String(64), nullable=False),
        sa.Column("city", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("input_sha256", sa.String(64), nullable=False),
        sa.Column("references_json", sa.Text, nullable=False),
        sa.Column("stored_at", sa.String(32), nullable=False),
        sa.Column("stored_by", sa.String(200), nullable=True),
        sa.Column("ipscore_version", sa.String(50), nullable=False),
        sa.Column("result_json", sa.Text, nullable=True),
    )
    op.create_index("submissions_key", "submissions", ["pack", "city", "year"])
    op.create_table(
        "figures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False),
        sa.Column("city", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("field", sa.String(200), nullable=False),
        sa.Column("type", sa.String(10), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_index("figures_key", "figures", ["city", "year", "field"])
