"""Experts' scores in the archive (`expert_scores`, appended, never updated: a changed score is
a new row, and the newest by one expert for one item stands), and the season file that assigns
them (`seasons`: the newest row of a year stands)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert, select
from sqlalchemy import exc as sa_exc

from ..errors import InputError
from .connect import database_problem
from .schema import expert_scores

if TYPE_CHECKING:
    from .archive import Archive, Reading


@dataclass(frozen=True)
class ExpertScore:
    """One expert's points on one item of a city's year, as stored."""

    id: int
    pack: str
    city: str
    year: int
    item: str
    expert: str
    points: Decimal
    note: str | None
    submission_id: int | None  # the version of the city's file the expert scored
    scored_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "pack": self.pack,
            "city": self.city,
            "year": self.year,
            "item": self.item,
            "expert": self.expert,
            "points": str(self.points),
            "note": self.note,
            "submission_id": self.submission_id,
            "scored_at": self.scored_at,
        }


def add_score(archive: Archive, row: dict[str, Any]) -> int:
    """Store one score (the keys of `ExpertScore` but `id`; points exact, written as given);
    its row id."""
    values = {**row, "points": str(row["points"])}
    writing = archive.engine.connect().execution_options(ipscore_write=True)
    with _failing_clearly(archive), writing as conn, conn.begin():
        key = conn.execute(insert(expert_scores).values(**values)).inserted_primary_key
        assert key is not None
        return int(key[0])


def scores_of(
    source: Archive | Reading, pack: str, city: str | None, year: int
) -> list[ExpertScore]:
    """Every score stored for a pack's year (of one city, or of every city when `city` is
    None), oldest first."""
    query = (
        select(expert_scores)
        .where(expert_scores.c.pack == pack, expert_scores.c.year == year)
        .order_by(expert_scores.c.id)
    )
    if city is not None:
        query = query.where(expert_scores.c.city == city)
    with _connection(source) as conn:
        return [
            ExpertScore(
                r.id,
                r.pack,
                r.city,
                r.year,
                r.item,
                r.expert,
                Decimal(r.points),
                r.note,
                r.submission_id,
                r.scored_at,
            )
            for r in conn.execute(query)
        ]


@contextmanager
def _connection(source: Archive | Reading) -> Iterator[Connection]:
    """A reader's own connection (a writer's transaction sees what it stored), else a new one."""
    conn = getattr(source, "conn", None)
    if conn is not None:
        yield conn
        return
    archive: Archive = source  # type: ignore[assignment]
    with _failing_clearly(archive), archive.engine.connect() as own:
        yield own


@contextmanager
def _failing_clearly(archive: Archive) -> Iterator[None]:
    try:
        yield
    except sa_exc.DBAPIError as exc:
        raise InputError([database_problem(archive.url, exc)]) from None
