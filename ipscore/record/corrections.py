"""What a correction changed: two stored versions of a city-year compared — the figures that
differ, the verdicts that changed, the score and the grade, and why each version was stored.
Nothing is decided again: both sides are what the archive holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ..errors import InputError, Problem
from ..store.records import Stored, Value
from .history import statuses


class Finds(Protocol):
    def find(
        self, city: str, year: int, pack: str | None = None, version: int | None = None
    ) -> Stored: ...


@dataclass(frozen=True)
class VersionDiff:
    before: Stored
    after: Stored
    figures: tuple[tuple[str, Value | None, Value | None], ...]  # field, before, after
    verdicts: tuple[tuple[str, str, str | None, str | None], ...]  # id, title, before, after

    def headline(self, side: Stored) -> tuple[Any, Any, Any]:
        """Score, grade code and grade word of a side (None for figures only)."""
        result = side.result or {}
        return result.get("score"), result.get("grade"), result.get("grade_label")

    def to_dict(self) -> dict[str, Any]:
        def side(s: Stored) -> dict[str, Any]:
            score, grade, label = self.headline(s)
            return {
                "version": s.version,
                "id": s.id,
                "stored_at": s.stored_at,
                "stored_by": s.stored_by,
                "reason": s.reason,
                "score": score,
                "grade": grade,
                "grade_label": label,
            }

        return {
            "city": self.after.city,
            "year": self.after.year,
            "pack": self.after.pack,
            "from": side(self.before),
            "to": side(self.after),
            "figures": [
                {"field": f, "before": _json(a), "after": _json(b)} for f, a, b in self.figures
            ],
            "verdicts": [
                {"id": rid, "title": title, "before": a, "after": b}
                for rid, title, a, b in self.verdicts
            ],
        }


def _json(value: Value | None) -> Any:
    return value if value is None or isinstance(value, bool | int | str) else str(value)


def version_diff(
    archive: Finds,
    city: str,
    year: int,
    pack: str | None = None,
    first: int | None = None,
    last: int | None = None,
) -> VersionDiff:
    """Version `first` against version `last` (by default the one before the current, and the
    current)."""
    after = archive.find(city, year, pack, last)
    wanted = after.version - 1 if first is None else first
    if wanted < 1 or wanted == after.version:
        raise InputError(
            [
                Problem(
                    f"{city} {year}年度只有第{after.version}版，没有可比较的另一版"
                    if first is None
                    else f"请写两个不同的版本（--from {first} --to {after.version}）",
                    f"{city} {year} has only version {after.version}: nothing to compare"
                    if first is None
                    else f"name two different versions (--from {first} --to {after.version})",
                    field="--from",
                )
            ]
        )
    before = archive.find(city, year, after.pack, wanted)
    names = dict.fromkeys([*before.figures, *after.figures])
    figures = tuple(
        (name, before.figures.get(name), after.figures.get(name))
        for name in names
        if before.figures.get(name) != after.figures.get(name)
        or (name in before.figures) != (name in after.figures)
    )
    then, now = statuses(before.result or {}), statuses(after.result or {})
    verdicts = []
    for rid in dict.fromkeys([*then, *now]):
        was, was_title = then.get(rid, (None, ""))
        is_, title = now.get(rid, (None, was_title))
        if was != is_:
            verdicts.append((rid, title, was, is_))
    return VersionDiff(before, after, figures, tuple(verdicts))
