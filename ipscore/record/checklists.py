"""What reviewers work through: the declared "met" verdicts still to check, ordered by what
a check decides, and a year's cities with their score as declared and as verified (what
`publish` must choose between)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..decide import scoring
from ..errors import InputError, Problem
from ..packs import Pack, find_pack, installed_pack
from ..regions import place_key
from ..store.records import Check, Stored
from .history import data_notes
from .replay import pack_of
from .verification import (
    REJECTED,
    VERIFIED,
    Checks,
    Records,
    Scored,
    State,
    checked,
    claimed_items,
    declared,
    met_by_state,
    score,
    scored_dict,
    standing,
)


@dataclass(frozen=True)
class Pending:
    """A declared "met" still to check, with what its check decides: the score and grade if it
    is verified and if it is rejected, every other unchecked claim taken as declared (so the
    claims a grade rests on come first, whatever the pack's verified score counts)."""

    city: str
    year: int
    pack: str
    requirement: str
    title: str
    state: State
    evidence: int  # how many documents it has
    if_verified: Scored
    if_rejected: Scored

    @property
    def points(self) -> Fraction:
        return self.if_verified.exact - self.if_rejected.exact

    @property
    def changes_grade(self) -> bool:
        return self.if_verified.grade != self.if_rejected.grade

    def to_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "year": self.year,
            "pack": self.pack,
            "requirement": self.requirement,
            "title": self.title,
            "state": self.state,
            "evidence": self.evidence,
            "if_verified": scored_dict(self.if_verified),
            "if_rejected": scored_dict(self.if_rejected),
            "points": round(float(self.points), 4),
            "changes_grade": self.changes_grade,
        }


def pending(
    archive: Checks,
    year: int | None = None,
    cities: Sequence[str] = (),
    pack: str | None = None,
) -> tuple[list[Pending], tuple[str, ...]]:
    """Every declared "met" of the archive's current results not yet verified or rejected:
    those whose check would change a grade first, then by the points it moves. Also the
    stored inputs' notes (example data says so)."""
    chosen = None if pack is None else find_pack(pack)
    wanted = set(cities)
    stored = [
        s
        for s in archive.submissions(year=year, pack=None if chosen is None else chosen.id)
        if s.result is not None and (not wanted or s.city in wanted)
    ]
    missing = wanted - {s.city for s in stored}
    if missing:
        raise InputError(
            [
                Problem(
                    f"归档中没有 {c}" + (f" {year}年度" if year else "") + "的考核结果",
                    f"the archive holds no assessment of {c}" + (f" for {year}" if year else ""),
                )
                for c in sorted(missing)
            ]
        )
    by_key: dict[tuple[str, str, int], list[Check]] = {}
    for check in archive.checks(None if chosen is None else chosen.id, None, year):
        by_key.setdefault((check.pack, check.city, check.year), []).append(check)
    out = []
    for s in stored:
        one = pack_of(archive, s, chosen)
        result = s.result or {}
        declared(one, result)
        standings = standing(result, by_key.get((s.pack, s.city, s.year), []))
        claims = claimed_items(one, result)  # a points sheet's: every item earning points
        for r in standings:
            if r.id not in claims or r.state in (VERIFIED, REJECTED):
                continue
            out.append(
                Pending(
                    s.city,
                    s.year,
                    s.pack,
                    r.id,
                    r.title,
                    r.state,
                    len(r.evidence),
                    score(one, result, standings, {r.id: True}, unverified=True),
                    score(one, result, standings, {r.id: False}, unverified=True),
                )
            )
    out.sort(key=lambda p: (not p.changes_grade, -p.points, p.city, p.year, p.requirement))
    return out, data_notes(stored)


@dataclass(frozen=True)
class CityChecks:
    """A city's score as declared and as verified, and where its claims stand."""

    city: str
    province: str | None
    level: str | None
    declared: Scored
    verified: Scored | None  # None where only the declared score was asked for
    claims: dict[str, int]  # declared "met" verdicts by state

    @property
    def differs(self) -> bool:
        return self.verified is not None and (self.declared.score, self.declared.grade) != (
            self.verified.score,
            self.verified.grade,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "province": self.province,
            "level": self.level,
            "declared": scored_dict(self.declared),
            "verified": None if self.verified is None else scored_dict(self.verified),
            "met_by_state": self.claims,
        }


def year_results(
    archive: Records, year: int, pack: str | None = None
) -> tuple[Pack | None, list[Stored]]:
    """A year's current assessed results, and the pack named where it is a file: a reviewer's
    own pack, which scores the results stored under its id (`pack` may also be an id)."""
    chosen = find_pack(pack) if pack is not None and Path(pack).suffix else None
    if chosen is not None:
        pack = chosen.id
    stored = [s for s in archive.submissions(year=year, pack=pack) if s.assessed and s.result]
    if not stored:
        raise InputError(
            [
                Problem(
                    f"归档中没有{year}年度的考核结果" + (f"（规则包 {pack}）" if pack else ""),
                    f"the archive holds no results for {year}" + (f" under {pack}" if pack else ""),
                    field="--year",
                )
            ]
        )
    return chosen, stored


def cohort_checks(archive: Records, year: int, pack: str | None = None) -> tuple[CityChecks, ...]:
    """Every current result of a year with both scores (`verify --summary`)."""
    chosen, stored = year_results(archive, year, pack)
    return checks_of(archive, year, stored, chosen)


def checks_of(
    archive: Records,
    year: int,
    stored: Sequence[Stored],
    chosen: Pack | None = None,
    verified: bool = True,
) -> tuple[CityChecks, ...]:
    """Stored results of a year with their claims' states and both scores (what `publish`
    must choose between), by tier, province and name; the checks read once per pack. Each is
    scored again under `chosen`, else its own pack. Without `verified`, the declared score as
    stored only: no pack is needed to work out the score as verified."""
    found: dict[tuple[str, str], list[Check]] = {}
    for pack_id in sorted({s.pack for s in stored}):
        for c in archive.checks(pack_id, None, year):
            found.setdefault((pack_id, c.city), []).append(c)
    out = []
    for s in sorted(
        stored,
        key=lambda s: (
            scoring.tier_place((s.result or {}).get("level")),
            place_key((s.result or {}).get("province"), s.city),
        ),
    ):
        result = s.result or {}
        checks = found.get((s.pack, s.city), [])
        if verified:
            both = checked(pack_of(archive, s, chosen), result, checks)
            scores: tuple[Scored, Scored | None] = (both.declared, both.verified)
            standings = both.standings
        else:
            scores, standings = (_as_stored(s.pack, result), None), standing(result, checks)
        out.append(
            CityChecks(
                s.city,
                result.get("province"),
                result.get("level"),
                *scores,
                met_by_state(standings),
            )
        )
    return tuple(out)


def _as_stored(pack_id: str, result: Mapping[str, Any]) -> Scored:
    """A stored result's score and grade as it was published (one decimal)."""
    pack = installed_pack(pack_id)
    band = (
        next((b for b in pack.scoring.grades if b.code == result["grade"]), None) if pack else None
    )
    score = Decimal(str(result["score"]))
    label = str(result.get("grade_label") or result["grade"])
    return Scored(
        score,
        Fraction(score),
        str(result["grade"]),
        label,
        band.label_en if band and band.label_en else label,
    )
