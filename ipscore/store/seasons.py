"""The season files the national office opened (`ipscore season open`), each stored whole with
its hash, who opened it and when: appended, never updated; the newest of a year stands, and
every earlier one stays readable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from .archive import Archive
from .schema import seasons


@dataclass(frozen=True)
class StoredSeason:
    id: int
    year: int
    file: str  # the name it was opened from, as shown to whoever opened it
    document: str  # the whole text (`season.seasonfile.season_from_document` reads it)
    sha256: str  # of the text in UTF-8
    stored_at: str  # UTC, ISO 8601
    stored_by: str


def add_season(archive: Archive, row: Mapping[str, Any]) -> tuple[int, bool]:
    """Store a season file (`row`: the columns of `seasons` but id) unless the standing season
    of its year is the same text: (its id, whether it was stored). Decided under the write
    lock, so two offices opening the same file store it once."""
    with archive.connected(writes=True) as conn:
        if conn.dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE does this
            conn.exec_driver_sql("LOCK TABLE seasons IN SHARE ROW EXCLUSIVE MODE")
        standing = _versions(conn, row["year"])[-1:]
        if standing and standing[0].sha256 == row["sha256"]:
            return standing[0].id, False
        query = insert(seasons).values(**row).returning(seasons.c.id)
        return int(conn.execute(query).scalar_one()), True


def standing_season(archive: Archive, year: int) -> StoredSeason | None:
    """The season file that stands for a year: the newest opened, or None."""
    with archive.connected() as conn:
        found = _versions(conn, year)
    return found[-1] if found else None


def seasons_of(archive: Archive, year: int) -> list[StoredSeason]:
    """Every season file opened for a year, oldest first."""
    with archive.connected() as conn:
        return _versions(conn, year)


def _versions(conn: Connection, year: int) -> list[StoredSeason]:
    query = select(seasons).where(seasons.c.year == year).order_by(seasons.c.id)
    return [StoredSeason(**row) for row in conn.execute(query).mappings()]


def season_years(archive: Archive) -> list[int]:
    """The years a season was opened for, newest first."""
    with archive.connected() as conn:
        found = conn.execute(select(seasons.c.year).distinct()).scalars()
        return sorted(found, reverse=True)
