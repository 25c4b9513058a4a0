"""A city's years as the archive holds them: one row per year — score, grade, rank in its tier,
mandatory tasks — with the verdicts that changed and the figures that fell since the year
before. Built on stored results (what was assessed and filed then), never re-decided.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Protocol

from ..decide.results import Assessment
from ..decide.scoring import RankKey, grade_places, ranks
from ..errors import InputError, Problem
from ..packs import Pack, installed_pack
from ..regions import meant
from ..store.records import Stored, Value, odd_city

State = Literal["assessed", "figures", "absent"]


class Stores(Protocol):
    """What history and review read of the archive."""

    def submissions(
        self,
        city: str | None = None,
        year: int | None = None,
        pack: str | None = None,
        every_version: bool = False,
        details: bool = False,
        years: tuple[int, int] | None = None,
    ) -> list[Stored]: ...

    def pack_document(self, sha256: str) -> str | None: ...


@dataclass(frozen=True)
class Change:
    """A requirement whose verdict differs from the year before."""

    id: str
    title: str
    before: str
    after: str
    title_en: str | None = None  # the pack's English title, for --lang en (never stored)

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class Fell:
    """A filed figure lower than the year before."""

    field: str
    label: str
    before: Value
    after: Value

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "label": self.label,
            "before": _json(self.before),
            "after": _json(self.after),
        }


@dataclass(frozen=True)
class YearRow:
    year: int
    state: State  # assessed; figures only (filed, not assessed); absent from the archive
    pack: str | None = None
    score: Decimal | None = None
    grade: str | None = None
    grade_label: str | None = None
    level: str | None = None
    rank: int | None = None  # in its tier: same pack, year and city level
    tier_size: int | None = None
    rank_tied: bool = False  # another city of the tier has the same grade and score
    mandatory_complete: bool | None = None
    changed: tuple[Change, ...] = ()
    fell: tuple[Fell, ...] = ()
    stored_id: int | None = None
    version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "state": self.state,
            "pack": self.pack,
            "score": None if self.score is None else float(self.score),
            "grade": self.grade,
            "grade_label": self.grade_label,
            "level": self.level,
            "rank": self.rank,
            "rank_tied": self.rank_tied,
            "tier_size": self.tier_size,
            "mandatory_complete": self.mandatory_complete,
            "changed": [c.to_dict() for c in self.changed],
            "fell": [f.to_dict() for f in self.fell],
            "stored_id": self.stored_id,
            "version": self.version,
        }


@dataclass(frozen=True)
class History:
    city: str
    first: int
    last: int
    rows: tuple[YearRow, ...]
    notes: tuple[str, ...] = ()  # what the input files say of their data

    def to_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "from": self.first,
            "to": self.last,
            "data_notes": list(self.notes),
            "years": [r.to_dict() for r in self.rows],
        }


def history(
    archive: Stores,
    city: str,
    pack: str | None = None,
    first: int | None = None,
    last: int | None = None,
) -> History:
    """The city's years from `first` to `last` (by default, those the archive holds)."""
    every = [
        s
        for s in archive.submissions(city=city, pack=pack, details=True)
        if (first is None or s.year >= first) and (last is None or s.year <= last)
    ]
    if not every and (first is None or last is None):
        known = {s.city for s in archive.submissions(pack=pack)}
        raise InputError([_nothing_for(city, pack, known)])
    years = [s.year for s in every]
    first = min(years) if first is None else first
    last = max(years) if last is None else last
    if first > last:
        raise InputError(
            [
                Problem(
                    f"起止年度颠倒：{first} 在 {last} 之后",
                    f"the years are the wrong way round: {first} is after {last}",
                    field="--from/--to",
                )
            ]
        )
    by_year: dict[int, list[Stored]] = {}
    for s in every:
        by_year.setdefault(s.year, []).append(s)
    rows: list[YearRow] = []
    for year in range(first, last + 1):
        found = by_year.get(year, [])
        assessed = [s for s in found if s.assessed]
        if len(assessed) > 1:
            raise InputError([_several_packs(city, year, [s.pack for s in assessed])])
        earlier = by_year.get(year - 1, [])
        fell = _fell(_figures(earlier), _figures(found), _labels(found or earlier))
        if assessed:
            # Last year's may be another year's pack (annual plans differ); a requirement
            # keeps its id across amendments, so verdicts are compared by id.
            before = [s for s in earlier if s.assessed]  # one at most: checked a year ago
            rows.append(_assessed_row(archive, assessed[0], before[0] if before else None, fell))
        elif found:
            rows.append(YearRow(year, "figures", pack=found[-1].pack, fell=fell))
        else:
            rows.append(YearRow(year, "absent"))
    return History(city, first, last, tuple(rows), data_notes(every))


def statuses(result: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """Requirement id → (status, title) of a stored result."""
    return {
        r["id"]: (r["status"], r.get("title", ""))
        for t in result.get("tasks", [])
        for r in t.get("requirements", [])
    }


def headline_score(result: Mapping[str, Any]) -> Decimal:
    """The published score of a stored result, exactly as shown (one decimal, from JSON)."""
    return Decimal(str(result["score"]))


def data_notes(stored: Iterable[Stored]) -> tuple[str, ...]:
    """What the stored results' input files say of their own data ("示例数据…"), each once: a
    list or review drawn from example data says so in the output itself."""
    notes = (((s.result or {}).get("provenance") or {}).get("input_note") for s in stored)
    return tuple(dict.fromkeys(n for n in notes if n))


def stored_pack(archive: Stores, s: Stored) -> Pack | None:
    from .replay import stored_pack as found  # the engine loads only when a pack is replayed

    return found(archive, s)


def stored_rank_key(s: Stored, pack: Pack | None = None) -> RankKey:
    """What ranking needs of a stored result: its grade's place among the grades of the pack
    that made it (`pack`, else the installed one of its id; the 2015 pack's order where there
    is neither), then its score."""
    result = s.result or {}
    places = grade_places(pack or installed_pack(s.pack))
    place = places.get(str(result.get("grade")), len(places))
    return (s.pack, s.year, result.get("level"), place, headline_score(result), s.city)


def tier_ranks(archive: Stores, pack: str, year: int) -> dict[str, tuple[int, int, bool]]:
    """City → (rank, tier size, tied) among the current assessments of a pack and year."""
    stored = [s for s in archive.submissions(year=year, pack=pack) if s.assessed and s.result]
    keys = [stored_rank_key(s, stored_pack(archive, s)) for s in stored]
    sizes: dict[str | None, int] = {}
    for key in keys:
        sizes[key[2]] = sizes.get(key[2], 0) + 1
    return {keys[i][5]: (rank, sizes[keys[i][2]], tied) for i, rank, tied in ranks(keys)}


def _assessed_row(
    archive: Stores, s: Stored, before: Stored | None, fell: tuple[Fell, ...]
) -> YearRow:
    """A year assessed, its verdicts compared with those of the year before."""
    result = s.result or {}
    rank, size, tied = tier_ranks(archive, s.pack, s.year).get(s.city, (None, None, False))
    then, now = statuses(before.result or {} if before else {}), statuses(result)
    changed = tuple(
        Change(rid, title, then[rid][0], status)
        for rid, (status, title) in now.items()
        if rid in then and then[rid][0] != status
    )
    if changed:
        changed = _in_english(changed, stored_pack(archive, s))
    return YearRow(
        s.year,
        "assessed",
        pack=s.pack,
        score=headline_score(result),
        grade=result.get("grade"),
        grade_label=result.get("grade_label"),
        level=result.get("level"),
        rank=rank,
        tier_size=size,
        rank_tied=tied,
        mandatory_complete=result.get("mandatory_complete"),
        changed=changed,
        fell=fell,
        stored_id=s.id,
        version=s.version,
    )


def _in_english(changed: tuple[Change, ...], pack: Pack | None) -> tuple[Change, ...]:
    """The changes with their requirements' English titles from the pack that made them."""
    if pack is None:
        return changed
    english = {r.id: r.title_en for _, r in pack.requirements()}
    return tuple(dataclasses.replace(c, title_en=english.get(c.id)) for c in changed)


def _figures(stored: Iterable[Stored]) -> dict[str, Value]:
    """A year's filed figures, each from the newest current submission holding it."""
    out: dict[str, Value] = {}
    for s in sorted(stored, key=lambda s: s.id):
        out.update(s.figures)
    return out


def _fell(
    before: Mapping[str, Value], after: Mapping[str, Value], labels: Mapping[str, str]
) -> tuple[Fell, ...]:
    """Numbers filed both years that are lower now. A `_prev` figure restates last year's, so
    it is not compared."""
    return tuple(
        Fell(name, labels.get(name, name), before[name], value)
        for name, value in sorted(after.items())
        if not name.endswith("_prev")
        and _number(value)
        and name in before
        and _number(before[name])
        and value < before[name]  # type: ignore[operator]  # both numbers, checked above
    )


def _number(value: Value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _labels(stored: Iterable[Stored]) -> dict[str, str]:
    """Field labels from the pack the figures were filed under, where it is at hand (an
    archive imported from elsewhere may name a pack this installation lacks)."""
    for s in stored:
        pack = installed_pack(s.pack)  # not installed here: show the field codes
        return {name: pack.field(name).label for name in pack.field_names()} if pack else {}
    return {}


def _json(value: Value) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _nothing_for(city: str, pack: str | None, known: set[str]) -> Problem:
    odd = odd_city(city)
    if odd is not None:  # typed with a space or an invisible character: the clean name offered
        return Problem(*odd, field="CITY")
    zh, en = meant(city, known)  # 武汉 typed for 武汉市
    return Problem(
        f"归档中没有 {city}" + (f"（规则包 {pack}）" if pack else "") + " 的存档" + zh,
        f"the archive holds nothing for {city}" + (f" under {pack}" if pack else "") + en,
        field="CITY",
    )


def _several_packs(city: str, year: int, packs: list[str]) -> Problem:
    return Problem(
        f"{city} {year}年度有多个规则包的评估，请用 --pack 指定：" + "、".join(sorted(packs)),
        f"{city} {year} is assessed under several packs; name one with --pack: "
        + ", ".join(sorted(packs)),
        field="--pack",
    )


@dataclass(frozen=True)
class YearOverYear:
    """A city's assessment beside the archive's earlier years: the score trend, the verdicts
    changed and the figures fallen since the year before, and last year's grade and rank."""

    trend: tuple[tuple[int, Decimal], ...]  # (year, published score), this year last
    changed: tuple[Change, ...]
    fell: tuple[Fell, ...]
    last_grade: str | None = None  # last year's grade label, if it was assessed
    last_rank: int | None = None  # in its tier


def year_over_year(
    archive: Stores,
    a: Assessment,
    tiers: dict[tuple[str, int], dict[str, tuple[int, int, bool]]] | None = None,
) -> YearOverYear | None:
    """None when the archive holds no earlier year of the city. `tiers` keeps each year's
    ranks for the next city of a cohort (reading them is reading every result of the year)."""
    earlier = [s for s in archive.submissions(city=a.city, details=True) if s.year < a.year]
    if not earlier:
        return None
    assessed = {s.year: s for s in sorted(earlier, key=lambda s: s.id) if s.assessed and s.result}
    trend = (
        *((year, headline_score(s.result or {})) for year, s in sorted(assessed.items())),
        (a.year, a.score),
    )
    last = assessed.get(a.year - 1)
    now = {r.id: (str(r.status), r.title) for t in a.tasks for r in t.requirements}
    english = {r.id: r.title_en for t in a.tasks for r in t.requirements}
    then = statuses(last.result or {}) if last else {}
    changed = tuple(
        Change(rid, title, then[rid][0], status, english.get(rid))
        for rid, (status, title) in now.items()
        if rid in then and then[rid][0] != status
    )
    read = {
        name: value
        for t in a.tasks
        for r in t.requirements
        for name, value in r.inputs.items()
        if value is not None and "@" not in name
    }
    figures = _figures(s for s in earlier if s.year == a.year - 1)
    labels = {name: a.pack.field(name).label for name in read if name in a.pack.field_names()}
    rank = None
    if last is not None:
        tiers = {} if tiers is None else tiers
        key = (last.pack, last.year)
        if key not in tiers:
            tiers[key] = tier_ranks(archive, *key)
        rank = tiers[key].get(a.city, (None, None, False))[0]
    return YearOverYear(
        trend,
        changed,
        _fell(figures, read, labels),
        (last.result or {}).get("grade_label") if last else None,
        rank,
    )
