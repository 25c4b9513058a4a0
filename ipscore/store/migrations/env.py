"""Alembic runs migrations on the connection the archive hands it (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from ipscore.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
