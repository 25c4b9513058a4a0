"""Scoring: a pure function of the verdicts and the pack's declared policy; batch tables."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..errors import InputError, Problem
from ..packs import Pack, Requirement, per_pack
from ..packs.model import GradeBand
from ..regions import pinyin_key
from ..verdicts import (
    COMPLETE,
    INCOMPLETE,
    INSUFFICIENT,
    MET,
    MISSING,
    NOT_APPLICABLE,
    UNMET,
    TaskStatus,
    Verdict,
    Verdicts,
)
from .points import SheetScore, forced, gain_if_met
from .results import Assessment, RequirementResult, TaskResult

if TYPE_CHECKING:
    import pandas as pd

LEVEL_ORDER = ("sub_provincial", "prefecture", "county_level", "municipal_district")
_TIERS = {level: i for i, level in enumerate(LEVEL_ORDER)}


def tier_place(level: str | None) -> int:
    """A tier's place in every listing: sub-provincial first, a tier the contract does not
    name last."""
    return _TIERS.get(level or "", len(_TIERS))


def requirement_weight(pack: Pack, req: Requirement) -> Fraction:
    if req.weight is not None:
        return Fraction(req.weight)
    weights = pack.scoring.requirement_weight
    return Fraction(weights.required if req.kind == "required" else weights.advisory)


def mandatory_tasks(pack: Pack, fired: tuple[int, ...]) -> set[str]:
    return {t for k in fired for t in pack.mandatory[k].tasks}


def task_weight(pack: Pack, mandatory: bool) -> Fraction:
    weights = pack.scoring.task_weight
    return Fraction(weights.mandatory if mandatory else weights.optional)


def score_terms(
    weights: Sequence[int], applicable: Sequence[int], met: Sequence[int]
) -> tuple[list[int], int]:
    """100 × Σ(task weight × met/applicable) / Σ task weight over the tasks that apply at all,
    exactly, in whole numbers: each task's term over one common denominator, and that
    denominator (0 when no task applies). Weights are whole multiples of one unit."""
    counted = [k for k, a in enumerate(applicable) if a]
    common = math.lcm(*(applicable[k] for k in counted)) if counted else 1
    terms = [
        100 * weights[k] * met[k] * (common // applicable[k]) if applicable[k] else 0
        for k in range(len(weights))
    ]
    return terms, common * sum(weights[k] for k in counted)


def rounded(score: Fraction, decimals: int) -> Decimal:
    exact = Decimal(score.numerator) / Decimal(score.denominator)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def grade(pack: Pack, score: Decimal, mandatory_complete: bool) -> GradeBand:
    for band in pack.scoring.grades:
        if band.min_score is not None and score < band.min_score:
            continue
        if band.mandatory_complete and not mandatory_complete:
            continue
        return band
    return pack.scoring.grades[-1]


@dataclass(frozen=True)
class Summary:
    """Everything scoring derives from a verdict table."""

    exact: Fraction
    score: Decimal
    band: GradeBand
    mandatory_complete: bool
    task_status: dict[str, TaskStatus]
    task_fraction: dict[str, Fraction | None]
    task_weight: dict[str, Fraction]


@per_pack
def _layout(pack: Pack) -> tuple[int, list[tuple[str, list[tuple[str, bool, int]]]]]:
    """Requirement weights as whole multiples of one unit, so sums need no fractions."""
    weights = {r.id: requirement_weight(pack, r) for _, r in pack.requirements()}
    unit = math.lcm(*(w.denominator for w in weights.values()))
    return unit, [
        (
            task.id,
            [(r.id, r.kind == "required", int(weights[r.id] * unit)) for r in task.requirements],
        )
        for task in pack.tasks
    ]


def _tally(
    reqs: list[tuple[str, bool, int]], statuses: Mapping[str, Verdict]
) -> tuple[int, int, TaskStatus, bool]:
    """A task's applicable and met weight (in units), its status, and whether a required
    requirement of it applies: complete when every applicable required one is met,
    insufficient when none is unmet but one is missing, incomplete otherwise."""
    applicable = met = 0
    unmet = missing = required_applies = False
    for rid, required, w in reqs:
        verdict = statuses[rid]
        if verdict == NOT_APPLICABLE:
            continue
        applicable += w
        required_applies |= required
        if verdict == MET:
            met += w
        elif required:
            unmet |= verdict == UNMET
            missing |= verdict == MISSING
    status = INCOMPLETE if unmet else INSUFFICIENT if missing else COMPLETE
    return applicable, met, status, required_applies


@per_pack
def _task_weights(pack: Pack) -> dict[bool, Fraction]:
    return {mandatory: task_weight(pack, mandatory) for mandatory in (True, False)}


@per_pack
def _whole_task_weights(pack: Pack) -> dict[bool, int]:
    """The task weights as whole multiples of one unit (they are only ever compared)."""
    weights = _task_weights(pack)
    unit = math.lcm(*(w.denominator for w in weights.values()))
    return {mandatory: int(w * unit) for mandatory, w in weights.items()}


def summarize(
    pack: Pack,
    statuses: Mapping[str, Verdict],
    mandatory: set[str],
    sheet: SheetScore | None = None,
) -> Summary:
    """Task statuses, fractions, score and grade from the verdicts alone: what-if toggles and
    threshold sweeps call this without running the rules again.

    A task is complete when every applicable required requirement is met, has insufficient
    data when none is unmet but one is missing, and is incomplete otherwise; its fraction is
    met weight over applicable weight (missing counts as not met; None if nothing applies).
    """
    _, layout = _layout(pack)
    task_weights, whole = _task_weights(pack), _whole_task_weights(pack)
    status: dict[str, TaskStatus] = {}
    fraction: dict[str, Fraction | None] = {}
    weight: dict[str, Fraction] = {}
    tallies: list[tuple[int, int, int]] = []  # whole weight, applicable, met
    for task_id, reqs in layout:
        applicable, met, status[task_id], _ = _tally(reqs, statuses)
        fraction[task_id] = Fraction(met, applicable) if applicable else None
        weight[task_id] = task_weights[task_id in mandatory]
        tallies.append((whole[task_id in mandatory], applicable, met))
    # In whole numbers, one Fraction at the end: summing Fractions reduced each term by a gcd.
    complete = all(status[t] == COMPLETE for t in status if t in mandatory)
    if sheet is not None:  # a points sheet: its total, and the lowest grade under a veto
        score = rounded(sheet.exact, pack.scoring.decimals)
        band = pack.scoring.grades[-1] if sheet.vetoes else grade(pack, score, complete)
        return Summary(sheet.exact, score, band, complete, status, fraction, weight)
    terms, denominator = score_terms(*zip(*tallies, strict=True))
    exact = Fraction(sum(terms), denominator) if denominator else Fraction(0)
    score = rounded(exact, pack.scoring.decimals)
    return Summary(exact, score, grade(pack, score, complete), complete, status, fraction, weight)


def gains(a: Assessment) -> dict[str, Fraction]:
    """Points each unmet or missing requirement would add to the exact score once met. On a
    points sheet, an item met has every part in its best band: its full value, no bonus."""
    if a.sheet is not None:
        return {
            item.id: gain_if_met(a.pack, item)
            for item in a.sheet.items
            if item.status in (UNMET, MISSING)
        }
    counted = sum((t.weight for t in a.tasks if t.fraction is not None), Fraction(0))
    out = {}
    for task in a.tasks:
        applicable = sum(
            (r.weight for r in task.requirements if r.status != NOT_APPLICABLE), Fraction(0)
        )
        for r in task.requirements:
            if r.status in (UNMET, MISSING):
                out[r.id] = 100 * task.weight * r.weight / applicable / counted
    return out


def blocks_grade(task: TaskResult, req: RequirementResult) -> bool:
    """Whether the requirement stands between the city and every grade above the lowest."""
    return task.mandatory and req.kind == "required" and req.status in (UNMET, MISSING)


@dataclass(frozen=True)
class Blocking:
    """What keeps a city at its grade: the mandatory tasks' required requirements not met (every
    grade above the lowest needs them), and the summary once all of them are met."""

    requirements: tuple[RequirementResult, ...]
    if_met: Summary | None
    grade: str  # the grade as it is

    @property
    def lifts_grade(self) -> bool:
        return self.if_met is not None and self.if_met.band.code != self.grade


def blocking(a: Assessment) -> Blocking:
    """The requirements blocking the grade and what meeting them gives: a what-if of the
    verdicts (scoring again, nothing re-decided)."""
    reqs = tuple(r for t in a.tasks for r in t.requirements if blocks_grade(t, r))
    if not reqs:
        return Blocking((), None, a.grade)
    statuses = {**a.requirement_statuses(), **{r.id: MET for r in reqs}}
    mandatory = {t.id for t in a.tasks if t.mandatory}
    sheet = None if a.sheet is None else forced(a.pack, a.sheet, {}, set(), {r.id for r in reqs})
    return Blocking(reqs, summarize(a.pack, statuses, mandatory, sheet), a.grade)


@dataclass(frozen=True)
class Ranked:
    assessment: Assessment
    rank_in_tier: int
    tied: bool = False  # another city of the tier has the same grade and score


# What ranking needs of a city: pack id, year, tier (city level), the grade's place among the
# pack's grades (0 for the best), score, city name.
RankKey = tuple[str, int, str | None, int, Decimal, str]
# The 2015 pack's grades, best first: the order of a stored result whose pack is not installed.
GRADE_ORDER = ("excellent", "good", "pass", "fail")


def grade_places(pack: Pack | None) -> dict[str, int]:
    """Each grade's place, 0 for the best: the pack's grades are listed best first."""
    return _places(pack) if pack is not None else {code: i for i, code in enumerate(GRADE_ORDER)}


@per_pack
def _places(pack: Pack) -> dict[str, int]:
    return {band.code: i for i, band in enumerate(pack.scoring.grades)}


def ranks(keys: Sequence[RankKey]) -> list[tuple[int, int, bool]]:
    """(index into `keys`, rank in tier, tied) in ranking order: by pack, year, tier
    (sub-provincial first), rank, then city name in pinyin. A city ranks by its grade first,
    then its score, so no lower grade ever stands above a higher one (a 94.2 that failed a
    mandatory task is below a 63.2 that passed); the same grade and score share a rank. Only
    the keys are needed, so a batch too large to hold its results is ranked from its scores."""
    groups: dict[tuple[str, int, str | None], list[tuple[int, Decimal]]] = {}
    for pack, year, level, place, score, _ in keys:
        groups.setdefault((pack, year, level), []).append((place, -score))
    for standings in groups.values():
        standings.sort()
    rank, tied = [], []
    for pack, year, level, place, score, _ in keys:
        standings = groups[(pack, year, level)]
        ahead = bisect.bisect_left(standings, (place, -score))
        rank.append(1 + ahead)
        tied.append(bisect.bisect_right(standings, (place, -score)) - ahead > 1)

    def order(i: int) -> tuple[Any, ...]:
        pack, year, level, _, _, city = keys[i]
        # Only tied cities share a place, so only their names are ever compared: pypinyin
        # loads, and a name is spelled out, only for them.
        name = pinyin_key(city) if tied[i] else ()
        return (pack, year, tier_place(level), level or "", rank[i], name)

    return [(i, rank[i], tied[i]) for i in sorted(range(len(keys)), key=order)]


def rank_key(a: Assessment) -> RankKey:
    return (a.pack.id, a.year, a.level, grade_places(a.pack)[a.grade], a.score, a.city)


def ranking(assessments: Iterable[Assessment]) -> list[Ranked]:
    """Every city ranked by grade, then score, within its pack, year and tier (city level);
    ties share a rank. Ordered by pack, year, tier (sub-provincial first), rank, then city
    name in pinyin.
    """
    cities = list(assessments)
    return [Ranked(cities[i], rank, tied) for i, rank, tied in ranks([rank_key(a) for a in cities])]


def status_row(a: Assessment) -> dict[str, Any]:
    """A city's headline and each task's and requirement's status: a row of the batch CSV and
    of the Excel score sheet (the rank is added once every city is scored)."""
    row: dict[str, Any] = {
        "city": a.city,
        "province": a.province,
        "level": a.level,
        "batch": a.batch,
        "pack": a.pack.id,
        "score": float(a.score),
        "grade": a.grade,
        "grade_label": a.grade_label,
        "mandatory_complete": a.mandatory_complete,
        "source": a.source,
    }
    row.update((task.id, str(task.status)) for task in a.tasks)
    row.update((k, str(v)) for k, v in a.requirement_statuses().items())
    return row


def batch_table(assessments: Iterable[Assessment]) -> pd.DataFrame:
    """One row per city in ranking order: headline, each task's and requirement's status."""
    import pandas as pd  # loads only when a table is asked for

    return pd.DataFrame(
        [
            {
                **status_row(ranked.assessment),
                "rank_in_tier": ranked.rank_in_tier,
                "rank_tied": ranked.tied,
            }
            for ranked in ranking(assessments)
        ]
    )


@dataclass(frozen=True)
class DropGrid:
    """Score and grade of every city under every combination of dropped tasks, as
    `summarize(toggle(…))` gives them one by one: `rounded[i, j]` is city i's score with
    combination j dropped, in units of the pack's last decimal; `grade[i, j]` the band's
    index in `pack.scoring.grades`; `exact(i, j)` the unrounded score."""

    combos: tuple[tuple[str, ...], ...]
    rounded: Any  # numpy int64 array, cities × combinations
    grade: Any  # numpy int array, cities × combinations
    numerator: Any  # exact score = numerator / denominator
    denominator: Any

    def exact(self, city: int, combo: int) -> Fraction:
        den = int(self.denominator[city])
        return Fraction(int(self.numerator[city, combo]), den) if den else Fraction(0)


def drop_grid(
    pack: Pack, verdicts: Sequence[Verdicts], combos: Sequence[tuple[str, ...]]
) -> DropGrid:
    """Every combination of dropped tasks for every city at once, in exact integer arithmetic
    on NumPy arrays (a loop over `summarize` takes seconds for 300 cities × 512 combinations).

    A dropped task's applicable requirements count as unmet, so its fraction is 0 and the
    tasks counted (and so the denominator) do not change: a city's score is a fixed integer
    vector times the 0/1 vector of tasks kept. A points sheet is refused: its items' points
    come from the figures, not from the verdicts alone (ask `whatif --drop` city by city)."""
    if pack.is_sheet:
        raise InputError(
            [
                Problem(
                    f"规则包 {pack.id} 是评分表（method: points）：各项得分取决于填报值，不能只凭"
                    "结论批量推算放弃任务的组合；请对每个县区用 ipscore whatif --drop",
                    f"{pack.id} is a points sheet: its items' points come from the figures, not "
                    "from the verdicts alone; ask ipscore whatif --drop city by city",
                )
            ]
        )
    import numpy as np  # loads only when a grid is asked for

    _, layout = _layout(pack)
    task_index = {task_id: k for k, (task_id, _) in enumerate(layout)}
    kept = np.ones((len(combos), len(layout)), dtype=np.int64)
    for j, dropped in enumerate(combos):
        for task_id in dropped:
            kept[j, task_index[task_id]] = 0
    numerators, denominators, base_complete, breakable = [], [], [], []
    whole = _whole_task_weights(pack)
    for v in verdicts:
        mandatory = mandatory_tasks(pack, v.mandatory_rules)
        weights = [whole[task_id in mandatory] for task_id, _ in layout]
        tallies = [_tally(reqs, v.statuses) for _, reqs in layout]
        applicable = [a for a, _, _, _ in tallies]
        met = [m for _, m, _, _ in tallies]
        complete = [status == COMPLETE for _, _, status, _ in tallies]
        required = [r for _, _, _, r in tallies]
        terms, common = score_terms(weights, applicable, met)
        numerators.append(terms)
        denominators.append(common)
        mandatory_mask = [task_id in mandatory for task_id, _ in layout]
        base_complete.append(all(c for c, m in zip(complete, mandatory_mask, strict=True) if m))
        # Dropping a mandatory task with a required requirement leaves it incomplete.
        breakable.append([int(m and r) for m, r in zip(mandatory_mask, required, strict=True)])
    ten = 10**pack.scoring.decimals
    # 64-bit integers where every intermediate fits (always, for real packs); else Python's.
    biggest = 2 * ten * max((sum(n) for n in numerators), default=0) + max(denominators, default=0)
    exact = np.int64 if biggest < 2**62 else object
    numerator = (
        np.array(numerators, dtype=exact).reshape(len(verdicts), len(layout)) @ kept.astype(exact).T
    )
    denominator = np.array(denominators, dtype=exact)
    safe = np.where(denominator == 0, 1, denominator)[:, None]
    rounded = np.where(
        denominator[:, None] == 0, 0, (2 * ten * numerator + safe) // (2 * safe)
    ).astype(np.int64)  # half up, exactly
    broken = np.array(breakable, dtype=np.int64).reshape(len(verdicts), len(layout)) @ (1 - kept).T
    complete_grid = np.array(base_complete, dtype=bool)[:, None] & (broken == 0)
    bands = pack.scoring.grades
    grade = np.full(rounded.shape, len(bands) - 1)
    for b in reversed(range(len(bands))):
        band = bands[b]
        fits = np.ones(rounded.shape, dtype=bool)
        if band.min_score is not None:
            fits &= rounded >= math.ceil(Fraction(band.min_score) * ten)
        if band.mandatory_complete:
            fits &= complete_grid
        grade = np.where(fits, b, grade)
    return DropGrid(tuple(combos), rounded, grade, numerator, denominator)
