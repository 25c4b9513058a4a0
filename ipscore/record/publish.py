"""The published list (2015 plan, 四（一）: "考核结果以一定方式公布"): each tier's cities and their
grades, from the archive's current results of a year. Nothing internal goes out: no figures, no
verdicts, no evidence, no reviewer names, and scores only when asked for. Without scores the list
is ordered by grade, then province (by its GB/T 2260 code) and city name in pinyin, so that it
does not disclose a ranking either; with scores, by rank (grade first, then score).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..decide.scoring import LEVEL_ORDER, RankKey, grade_places, ranks
from ..errors import InputError, Problem
from ..packs import Pack
from ..packs.quotas import Quota
from ..regions import place_key
from ..season.quotas import Cut, Entrant, Outcome, apply_quotas, combined, within
from .checklists import CityChecks, checks_of, year_results
from .history import data_notes, stored_pack
from .verification import NO_EVIDENCE, REJECTED, UNVERIFIED, VERIFIED, Records, Scored, State

DECLARED, VERIFIED_BASIS = "declared", "verified"  # the scores a list can publish
CLAIM_STATES = tuple(state.value for state in State)


@dataclass(frozen=True)
class Listed:
    city: str
    province: str | None
    grade: str
    grade_label: str
    score: Decimal | None  # only with scores
    rank: int | None  # only with scores
    rank_tied: bool = False  # another city of the tier has the same grade and score
    cut_by: tuple[str, ...] = ()  # the quotas that moved it down, in the order applied
    before: str | None = None  # its grade before the quotas (only when cut)
    before_label: str | None = None


@dataclass(frozen=True)
class Tier:
    level: str | None
    cities: tuple[Listed, ...]


@dataclass(frozen=True)
class Published:
    pack: str
    year: int
    with_scores: bool
    tiers: tuple[Tier, ...]
    notes: tuple[str, ...] = ()  # what the input files say of their data
    basis: str = "declared"  # which score and grade: as declared, or as verified
    claims: dict[str, int] = field(default_factory=dict)  # declared "met" verdicts by state
    quotas: tuple[Quota, ...] = ()  # the quotas applied: the pack's, then the season's
    cuts: tuple[Cut, ...] = ()  # each grade quota's cut in each group

    def to_dict(self) -> dict[str, Any]:
        # The quota keys only where quotas apply: a list without them is as it always was.
        quotas = {"quotas": [c.to_dict() for c in self.cuts]} if self.quotas else {}
        return {
            "data_notes": list(self.notes),
            "pack": self.pack,
            "year": self.year,
            "with_scores": self.with_scores,
            "score_basis": self.basis,
            "met_by_state": self.claims,
            "tiers": [
                {
                    "level": t.level,
                    "cities": [
                        {
                            "city": c.city,
                            "province": c.province,
                            "grade": c.grade,
                            "grade_label": c.grade_label,
                            **(
                                {
                                    "score": float(c.score or 0),
                                    "rank": c.rank,
                                    "rank_tied": c.rank_tied,
                                }
                                if self.with_scores
                                else {}
                            ),
                            **(
                                {"cut_by": list(c.cut_by), "grade_before_quota": c.before}
                                if self.quotas
                                else {}
                            ),
                        }
                        for c in t.cities
                    ],
                }
                for t in self.tiers
            ],
            **quotas,
        }


def published(
    archive: Records,
    year: int,
    pack: str | None = None,
    with_scores: bool = False,
    basis: str | None = None,
    *,
    quotas: Sequence[Quota] = (),
    submitted: Mapping[str, dt.datetime] | None = None,
    only: Collection[str] | None = None,
    note: str | None = None,
    counted: Callable[[str], bool] = lambda _: True,
) -> Published:
    """The list of a year. `basis` says which score and grade go out: "declared" (as the
    cities filed them) or "verified" (as the reviewers' checks leave them). Left unsaid, the
    list is made only where the two agree for every city: a reviewer who signs it must know
    which one it is.

    The grade quotas of the pack that made the results, then `quotas` (a season file's), cut
    the grades before the list is ranked (`season.quotas.apply_quotas`); `submitted` gives
    each city's 自评提交 time for a quota whose ties go to the earlier submission. The list
    names the quotas that cut each city and says each quota's cut. `only`: the cities whose
    results may go out (a season's final ones), `note` saying who was left out; `counted`: the
    cities whose claims the list counts (those its reader may see); the cut and the
    ranks are still made over every city's result, so that a final result does not change as
    others become final."""
    chosen, stored = year_results(archive, year, pack)
    if only is not None and not {s.city for s in stored} & set(only):
        raise InputError(
            [
                Problem(
                    f"{year}年度按阶段办理，还没有定稿的城市：定稿后才能公布",
                    f"{year} is run in stages and no city's result is final yet",
                )
            ]
        )
    packs = sorted({s.pack for s in stored})
    if len(packs) > 1:
        raise InputError(
            [
                Problem(
                    f"{year}年度有多个规则包的考核结果，请用 --pack 指定：" + "、".join(packs),
                    f"{year} has results under several packs; name one with --pack: "
                    + ", ".join(packs),
                    field="--pack",
                )
            ]
        )
    both = {c.city: c for c in checks_of(archive, year, stored, chosen, basis != DECLARED)}
    going_out = [c for c in both.values() if (only is None or c.city in only) and counted(c.city)]
    claims = {state: sum(c.claims[state] for c in going_out) for state in CLAIM_STATES}
    if basis is None:
        if any(c.differs for c in both.values()):
            raise InputError([_choose(year, claims, sum(c.differs for c in both.values()))])
        basis = DECLARED
    scored = {
        city: c.verified if basis == VERIFIED_BASIS and c.verified else c.declared
        for city, c in both.items()
    }
    made_by = chosen or stored_pack(archive, stored[0])
    places = grade_places(made_by)
    applied = combined(made_by.quotas if made_by else [], quotas)
    cut = _cut(made_by, applied, both, scored, submitted or {})
    grade = {city: cut.grades.get(city, s.grade) for city, s in scored.items()}
    keys: list[RankKey] = [
        (
            s.pack,
            s.year,
            (s.result or {}).get("level"),
            places.get(grade[s.city], len(places)),
            scored[s.city].score,
            s.city,
        )
        for s in stored
    ]
    rank_of = {keys[i][5]: (rank, tied) for i, rank, tied in ranks(keys)}
    tiers = []
    for level in [*LEVEL_ORDER, None]:
        members = [
            c
            for c in both.values()
            if (c.level == level or (level is None and c.level not in LEVEL_ORDER))
            and (only is None or c.city in only)
        ]
        if not members:
            continue
        listed = [
            _listed(c.city, c.province, scored, cut, made_by, with_scores, rank_of) for c in members
        ]
        listed.sort(
            key=(lambda c: (c.rank or 0, place_key(c.province, c.city)))
            if with_scores
            else (lambda c: (places.get(c.grade, len(places)), place_key(c.province, c.city)))
        )
        tiers.append(Tier(level, tuple(listed)))
    return Published(
        packs[0],
        year,
        with_scores,
        tuple(tiers),
        (note, *data_notes(stored)) if note else data_notes(stored),
        basis,
        claims,
        tuple(applied),
        cut.cuts if only is None else _shown(cut.cuts, only),
    )


def _shown(cuts: Sequence[Cut], only: Collection[str]) -> tuple[Cut, ...]:
    """The quotas' cuts as a list of `only` these cities may say them."""
    found = (within(c, lambda city: city in only) for c in cuts)
    return tuple(c for c in found if c is not None)


def _cut(
    pack: Pack | None,
    quotas: Sequence[Quota],
    both: Mapping[str, CityChecks],
    scored: Mapping[str, Scored],
    submitted: Mapping[str, dt.datetime],
) -> Outcome:
    """The year's cohort after its grade quotas (none: every grade as scored)."""
    if not quotas:
        return Outcome({})
    if pack is None:  # a stored result's pack is in the archive: only a very old one lacks it
        raise InputError(
            [
                Problem(
                    "找不到作出这些结果的规则包，无从按名额确定等级",
                    "the pack that made these results is not at hand: the quotas cannot be "
                    "applied without its grades",
                    field="--pack",
                )
            ]
        )
    cohort = [
        Entrant(
            city,
            c.province,
            c.level,
            scored[city].grade,
            scored[city].score,
            submitted.get(city),
        )
        for city, c in both.items()
    ]
    return apply_quotas(cohort, quotas, [b.code for b in pack.scoring.grades])


def _listed(
    city: str,
    province: str | None,
    scored: Mapping[str, Scored],
    cut: Outcome,
    pack: Pack | None,
    with_scores: bool,
    rank_of: Mapping[str, tuple[int, bool]],
) -> Listed:
    s = scored[city]
    by = cut.cut_by.get(city, ())
    grade = cut.grades.get(city, s.grade)
    return Listed(
        city,
        province,
        grade,
        pack.grade_label(grade, "zh") if by and pack else s.grade_label,
        s.score if with_scores else None,
        rank_of[city][0] if with_scores else None,
        with_scores and rank_of[city][1],
        by,
        s.grade if by else None,
        s.grade_label if by else None,
    )


def _choose(year: int, claims: dict[str, int], cities: int) -> Problem:
    """Why the list waits for --score: the counts a reviewer weighs before choosing."""
    unchecked = claims[UNVERIFIED] + claims[NO_EVIDENCE]
    return Problem(
        f"{year}年度有 {cities} 个城市的核验得分或等级与申报的不同（申报“达到”的要求中，"
        f"尚未核验 {unchecked} 条，已驳回 {claims[REJECTED]} 条，已核实 {claims[VERIFIED]} 条）："
        "请用 --score declared 公布申报的得分和等级，或用 --score verified 公布核验后的",
        f"{cities} cities of {year} score or grade otherwise as verified than as declared "
        f"(of the requirements declared met, {unchecked} are unchecked, {claims[REJECTED]} "
        f"rejected, {claims[VERIFIED]} verified): publish the declared scores and grades with "
        "--score declared, or the verified ones with --score verified",
        field="--score",
    )
