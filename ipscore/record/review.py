"""The three-year review: each city's stored annual results over the review's years, combined
by a review policy (`packs.review`). A year with no stored assessment is missing, never skipped:
the outcome is decided only where it holds whatever the missing years' results would be (a score
anywhere from 0 to the scale's top, failed or not); otherwise the possible outcomes are listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..errors import InputError, Problem
from ..packs.review import Bound, Outcome, ReviewPolicy, When, as_dict
from ..regions import meant
from ..store.records import Stored
from .history import State, Stores, data_notes, headline_score, tier_ranks


@dataclass(frozen=True)
class ReviewYear:
    year: int
    state: State
    pack: str | None = None
    score: Decimal | None = None
    grade: str | None = None
    grade_label: str | None = None
    failed: bool | None = None
    stored_id: int | None = None
    version: int | None = None
    # Read only for a policy that reads ranks: the rank in its tier, the tier's size, and
    # whether the rank is in the top half (2 × rank ≤ tier size).
    rank: int | None = None
    tier_size: int | None = None
    top_half: bool | None = None

    def to_dict(self, ranks: bool = False) -> dict[str, Any]:
        return {
            "year": self.year,
            "state": self.state,
            "pack": self.pack,
            "score": None if self.score is None else float(self.score),
            "grade": self.grade,
            "grade_label": self.grade_label,
            "failed": self.failed,
            "stored_id": self.stored_id,
            "version": self.version,
            **(
                {"rank": self.rank, "tier_size": self.tier_size, "top_half": self.top_half}
                if ranks
                else {}
            ),
        }


@dataclass(frozen=True)
class CityReview:
    city: str
    province: str | None
    level: str | None
    years: tuple[ReviewYear, ...]
    possible: tuple[Outcome, ...]  # one: decided; more: what the missing years could give

    @property
    def decided(self) -> bool:
        return len(self.possible) == 1

    @property
    def outcome(self) -> Outcome | None:
        return self.possible[0] if self.decided else None

    @property
    def missing(self) -> tuple[int, ...]:
        return tuple(y.year for y in self.years if y.state != "assessed")

    @property
    def failed_years(self) -> int:
        return sum(1 for y in self.years if y.failed)

    @property
    def top_half_years(self) -> int:
        return sum(1 for y in self.years if y.top_half)

    @property
    def mean_score(self) -> Fraction | None:
        """The exact mean of the years' published scores; None while a year is missing."""
        if self.missing:
            return None
        return sum((Fraction(y.score or 0) for y in self.years), Fraction(0)) / len(self.years)

    def to_dict(self, ranks: bool = False) -> dict[str, Any]:
        mean = self.mean_score
        return {
            "city": self.city,
            "province": self.province,
            "level": self.level,
            "decided": self.decided,
            "outcome": None if self.outcome is None else _outcome(self.outcome),
            "possible": [_outcome(o) for o in self.possible],
            "missing_years": list(self.missing),
            "failed_years": self.failed_years,
            "mean_score": None if mean is None else round(float(mean), 2),
            **({"top_half_years": self.top_half_years} if ranks else {}),
            "years": [y.to_dict(ranks) for y in self.years],
        }


@dataclass(frozen=True)
class Review:
    policy: ReviewPolicy
    first: int
    last: int
    cities: tuple[CityReview, ...]
    notes: tuple[str, ...] = ()  # what the input files say of their data

    def to_dict(self) -> dict[str, Any]:
        about = self.policy.review
        return {
            "data_notes": list(self.notes),
            "policy": about.id,
            "policy_version": about.version,
            "title": about.title,
            "from": self.first,
            "to": self.last,
            "interpretation": about.interpretation,
            "interpretation_en": about.interpretation_en,
            "source": about.source.model_dump(),
            "annual_packs": list(self.policy.annual_packs),
            "rules": as_dict(self.policy)["outcomes"],
            "cities": [c.to_dict(self.policy.reads_ranks) for c in self.cities],
        }


def review(
    archive: Stores,
    policy: ReviewPolicy,
    years: tuple[int, int] | None = None,
    cities: Sequence[str] = (),
) -> Review:
    """Every city with a stored result or figures in the years (or the cities named)."""
    stored = [s for s in _stored(archive, policy, years) if s.pack in policy.annual_packs]
    if years is None:
        if not stored:
            raise InputError([_empty(policy)])
        last = max(s.year for s in stored)
        years = (last - policy.review.years + 1, last)
        stored = [s for s in stored if years[0] <= s.year <= years[1]]
    first, last = years
    span = last - first + 1
    if span != policy.review.years:
        raise InputError(
            [
                Problem(
                    f"复核规则 {policy.id} 按{policy.review.years}个年度复核，"
                    f"--years {first}-{last} 是{span}个年度",
                    f"review policy {policy.id} reviews {policy.review.years} years; "
                    f"--years {first}-{last} spans {span}",
                    field="--years",
                )
            ]
        )
    by_city: dict[str, list[Stored]] = {}
    for s in stored:
        by_city.setdefault(s.city, []).append(s)
    unknown = [c for c in cities if c not in by_city]
    if unknown:
        raise InputError(
            [
                Problem(
                    f"{first}–{last}年度的归档中没有 {city}" + meant(city, by_city)[0],
                    f"the archive holds nothing for {city} in {first}–{last}"
                    + meant(city, by_city)[1],
                    field="CITY",
                )
                for city in unknown
            ]
        )
    names = list(cities) or sorted(by_city)
    tiers = _Tiers(archive) if policy.reads_ranks else None
    reviewed = tuple(_city(policy, c, by_city[c], first, last, tiers) for c in names)
    return Review(policy, first, last, reviewed, data_notes(s for c in names for s in by_city[c]))


def _stored(archive: Stores, policy: ReviewPolicy, years: tuple[int, int] | None) -> list[Stored]:
    if years is not None and years[0] > years[1]:
        raise InputError(
            [
                Problem(
                    f"起止年度颠倒：{years[0]} 在 {years[1]} 之后",
                    f"the years are the wrong way round: {years[0]} is after {years[1]}",
                    field="--years",
                )
            ]
        )
    return archive.submissions(years=years)


class _Tiers:
    """Each pack-year's ranks in tier, read once (reading them reads every result of the year):
    from the stored results, grade first, then score (`history.tier_ranks`)."""

    def __init__(self, archive: Stores) -> None:
        self.archive = archive
        self.read: dict[tuple[str, int], dict[str, tuple[int, int, bool]]] = {}

    def of(self, s: Stored) -> tuple[int, int]:
        key = (s.pack, s.year)
        if key not in self.read:
            self.read[key] = tier_ranks(self.archive, *key)
        rank, size, _ = self.read[key][s.city]
        return rank, size


def _city(
    policy: ReviewPolicy,
    city: str,
    stored: Iterable[Stored],
    first: int,
    last: int,
    tiers: _Tiers | None = None,
) -> CityReview:
    order = {pack: i for i, pack in enumerate(policy.annual_packs)}
    by_year: dict[int, list[Stored]] = {}
    for s in sorted(stored, key=lambda s: order[s.pack]):  # the first listed pack counts
        by_year.setdefault(s.year, []).append(s)
    years = []
    latest: dict[str, Any] = {}
    for year in range(first, last + 1):
        found = by_year.get(year, [])
        assessed = [s for s in found if s.assessed and s.result is not None]
        if not assessed:
            state: State = "figures" if found else "absent"
            years.append(ReviewYear(year, state, pack=found[0].pack if found else None))
            continue
        s = assessed[0]
        result = s.result or {}
        latest = result
        rank, size = tiers.of(s) if tiers else (None, None)
        years.append(
            ReviewYear(
                year,
                "assessed",
                pack=s.pack,
                score=headline_score(result),
                grade=result.get("grade"),
                grade_label=result.get("grade_label"),
                failed=result.get("grade") in policy.failed_grades,
                stored_id=s.id,
                version=s.version,
                rank=rank,
                tier_size=size,
                top_half=None if rank is None or size is None else 2 * rank <= size,
            )
        )
    return CityReview(
        city,
        latest.get("province"),
        latest.get("level"),
        tuple(years),
        _possible(policy, years),
    )


def _possible(policy: ReviewPolicy, years: Sequence[ReviewYear]) -> tuple[Outcome, ...]:
    """The outcomes that some completion of the missing years gives, in the policy's order:
    the first that surely holds ends the list, those that may hold before it join it."""
    out: list[Outcome] = []
    for outcome in policy.outcomes:
        holds = True if outcome.when is None else _holds(outcome.when, years, policy.max_score)
        if holds is False:
            continue
        if all(o.code != outcome.code for o in out):
            out.append(outcome)
        if holds is True:
            break
    return tuple(out)


def _holds(when: When, years: Sequence[ReviewYear], top: Decimal) -> bool | None:
    """True, False, or None when the missing years decide (Kleene conjunction)."""
    known = [Fraction(y.score) for y in years if y.score is not None]
    missing = sum(1 for y in years if y.score is None)
    failed = sum(1 for y in years if y.failed)
    halves = sum(1 for y in years if y.top_half)
    ranges: list[tuple[Bound | None, Fraction, Fraction]] = [
        (when.failed_years, Fraction(failed), Fraction(failed + missing)),
        (when.top_half_years, Fraction(halves), Fraction(halves + missing)),
        (
            when.mean_score,
            sum(known, Fraction(0)) / len(years),
            (sum(known, Fraction(0)) + Fraction(top) * missing) / len(years),
        ),
        (
            when.min_score,
            Fraction(0) if missing else min(known),
            min(known) if known else Fraction(top),
        ),
    ]
    verdicts = [_within(bound, low, high) for bound, low, high in ranges if bound is not None]
    if False in verdicts:
        return False
    return None if None in verdicts else True


def _within(bound: Bound, low: Fraction, high: Fraction) -> bool | None:
    """Whether every value from low to high meets the bound (True), none does (False), or some."""
    least, most = bound.low_high()
    every = some = True
    if least is not None:
        edge, inclusive = Fraction(least[0]), least[1]
        every &= low >= edge if inclusive else low > edge
        some &= high >= edge if inclusive else high > edge
    if most is not None:
        edge, inclusive = Fraction(most[0]), most[1]
        every &= high <= edge if inclusive else high < edge
        some &= low <= edge if inclusive else low < edge
    if every:
        return True
    return None if some else False


def _outcome(o: Outcome) -> dict[str, str | None]:
    return {"code": o.code, "label": o.label, "label_en": o.label_en}


def _empty(policy: ReviewPolicy) -> Problem:
    return Problem(
        f"归档中没有 {'、'.join(policy.annual_packs)} 的考核结果，无从复核；"
        "先用 ipscore archive add 存档",
        f"the archive holds no results of {', '.join(policy.annual_packs)} to review; "
        "store them first with ipscore archive add",
    )
