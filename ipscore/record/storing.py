"""Storing a batch (`archive add`): its records in one transaction with the packs that made
them, then, in the same transaction, every current result that reads a year the batch stored
assessed again (`replay.refresh`), so that no stored result goes stale."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Problem
from ..packs import Pack
from .archiving import Archived, same_as
from .replay import Packs, Refreshed, pack_row, refresh

if TYPE_CHECKING:
    from ..store.archive import Archive, Writing


def store(
    into: Archive,
    records: Iterable[dict[str, Any]],
    done: list[Archived],
    stored_at: str,
    by: str | None,
    choose: Callable[[str], Pack],
    locked: bool = True,
) -> tuple[list[Archived], list[Refreshed]]:
    """Store a batch's records (in `done`'s order) in one transaction with the packs that made
    them, then re-assess in it every current result that reads a year the batch stored
    (`replay.refresh`): what `archive add` says of each record, and of each result changed.
    A city's year whose file is under review in a season is refused (`locked`; the season's
    own steps store into it)."""
    rows = {}
    for a in done:
        if a.pack_sha256 not in rows:
            pack = choose(a.pack)
            if pack.content_hash != a.pack_sha256:
                raise InputError([_pack_changed(pack)])
            rows[a.pack_sha256] = pack_row(pack, stored_at)
    refreshed: list[Refreshed] = []

    def then(writing: Writing, placed: list[tuple[int, int, bool]]) -> None:
        if locked:
            from ..season.running import refuse_locked  # the database's own modules, loaded late

            pairs = zip(done, placed, strict=True)
            refuse_locked(writing, [(a.city, a.year) for a, (_, _, new) in pairs if new])
        changed: dict[tuple[str, int], str] = {}
        for a, (row, version, stored) in zip(done, placed, strict=True):
            if stored:  # what a result reading the year says of it: the row and its version
                changed[(a.city, a.year)] = f"{a.year}年数据更新（#{row}，版本{version}）"
        refreshed.extend(refresh(writing, changed, stored_at, by, Packs(writing.pack_document)))

    placed = into.add_changed(
        records, {(a.pack, a.city, a.year) for a in done}, same_as, rows.values(), then
    )
    now = {(r.pack, r.city, r.year): r for r in refreshed if r.in_place and r.after}
    out = []
    for a, (i, version, stored) in zip(done, placed, strict=True):
        a = replace(a, id=i, version=version, unchanged=not stored)
        fresh = now.get((a.pack, a.city, a.year))
        if fresh is not None and fresh.after is not None:
            score = fresh.after["score"]
            a = replace(
                a,
                score=Decimal(str(score)),
                grade=fresh.after["grade"],
                grade_label=fresh.after["grade_label"],
                differs=fresh.differs,
            )
        out.append(a)
    return out, [r for r in refreshed if not r.in_place]


def _pack_changed(pack: Pack) -> Problem:
    return Problem(
        f"规则包 {pack.id} 在存档过程中被修改：请重新存档",
        f"the pack {pack.id} changed while the batch was being stored: add it again",
    )


def imported(
    into: Archive, records: Iterable[dict[str, Any]], stored_at: str, by: str | None = None
) -> tuple[int, int, list[Refreshed]]:
    """`archive import`: the records stored as they were, then, in the same transaction,
    every current result that reads a year they brought assessed again (as `store` does).
    (stored, skipped, the results assessed again)."""
    from ..season.running import last_event, refuse_locked

    refreshed: list[Refreshed] = []
    # The lock is the one before this import: a backup restored brings its own steps.
    before = last_event(into)

    def then(writing: Writing, placed: list[tuple[str, int, int]]) -> None:
        refuse_locked(writing, [(city, year) for city, year, _ in placed], before)
        changed = {(city, year): f"{year}年数据导入（#{row}）" for city, year, row in placed}
        found = refresh(writing, changed, stored_at, by, Packs(writing.pack_document))
        refreshed.extend(found)

    stored, skipped = into.import_records(records, then)
    return stored, skipped, refreshed
