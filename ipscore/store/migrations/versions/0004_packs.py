"""The packs that made stored results, each stored once by its content hash: what `archive
replay` re-evaluates a result with. An archive from before has none; a result whose pack is
still installed unchanged is replayed with that one, and `archive add` stores it then.

Also two indexes for reading other years while a batch is stored: a city's submissions of a
year, and a submission's figures (both were read by scanning the whole table).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "packs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("pack", sa.String(100), nullable=False),
        sa.Column("pack_version", sa.String(50), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("stored_at", sa.String(32), nullable=False),
    )
    op.create_index("submissions_city_year", "submissions", ["city", "year"])
    op.create_index("figures_submission", "figures", ["submission_id"])
