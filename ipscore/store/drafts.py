"""What the web server was sent, kept in the archive's database: each upload's files as they
arrived and what is known of it. Any server process sharing the database can read an upload
another one took; each keeps a working copy of the files in its own folder."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, insert, select, update

from .schema import upload_files, uploads


class Drafts:
    def __init__(self, engine: Engine):
        self.engine = engine

    def save(
        self, upload_id: str, meta: dict[str, Any], files: Iterable[tuple[str, bytes]]
    ) -> None:
        """An upload and its files, in one transaction."""
        with self.engine.begin() as conn:
            conn.execute(
                insert(uploads).values(
                    id=upload_id, meta=json.dumps(meta, ensure_ascii=False), created_at=time.time()
                )
            )
            rows = [{"upload_id": upload_id, "name": n, "data": d} for n, d in files]
            if rows:
                conn.execute(insert(upload_files), rows)

    def meta(self, upload_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            text = conn.execute(select(uploads.c.meta).where(uploads.c.id == upload_id)).scalar()
        found: dict[str, Any] | None = None if text is None else json.loads(text)
        return found

    def update(self, upload_id: str, meta: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(uploads)
                .where(uploads.c.id == upload_id)
                .values(meta=json.dumps(meta, ensure_ascii=False))
            )

    def files(self, upload_id: str) -> list[tuple[str, bytes]]:
        query = (
            select(upload_files.c.name, upload_files.c.data)
            .where(upload_files.c.upload_id == upload_id)
            .order_by(upload_files.c.id)
        )
        with self.engine.connect() as conn:
            return [(name, bytes(data)) for name, data in conn.execute(query)]
