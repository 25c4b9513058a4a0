"""A stored version's reason: why it was stored (a correction, last year's figures arriving,
a re-assessment under a new pack). Null for what was stored before there was one.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("submissions", sa.Column("reason", sa.Text, nullable=True))
