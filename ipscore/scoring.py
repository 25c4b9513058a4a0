"""Scoring: a pure function of the verdicts and the pack's declared policy; batch tables."""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .packs import Pack, Requirement, per_pack
from .packs.model import GradeBand
from .results import Assessment, RequirementResult, TaskResult
from .verdicts import (
    COMPLETE,
    INCOMPLETE,
    INSUFFICIENT,
    MET,
    MISSING,
    NOT_APPLICABLE,
    UNMET,
    TaskStatus,
    Verdict,
)

if TYPE_CHECKING:
    import pandas as pd

LEVEL_ORDER = ("sub_provincial", "prefecture", "county_level", "municipal_district")


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


def total(weighted_fractions: list[tuple[Fraction, Fraction | None]]) -> Fraction:
    """100 × Σ(task weight × fraction) / Σ task weight, over tasks that apply at all."""
    counted = [(w, f) for w, f in weighted_fractions if f is not None]
    denominator = sum((w for w, _ in counted), Fraction(0))
    if denominator == 0:
        return Fraction(0)
    return 100 * sum((w * f for w, f in counted), Fraction(0)) / denominator


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


@per_pack
def _task_weights(pack: Pack) -> dict[bool, Fraction]:
    return {mandatory: task_weight(pack, mandatory) for mandatory in (True, False)}


def summarize(pack: Pack, statuses: Mapping[str, Verdict], mandatory: set[str]) -> Summary:
    """Task statuses, fractions, score and grade from the verdicts alone: what-if toggles and
    threshold sweeps call this without running the rules again.

    A task is complete when every applicable required requirement is met, has insufficient
    data when none is unmet but one is missing, and is incomplete otherwise; its fraction is
    met weight over applicable weight (missing counts as not met; None if nothing applies).
    """
    _, layout = _layout(pack)
    task_weights = _task_weights(pack)
    status: dict[str, TaskStatus] = {}
    fraction: dict[str, Fraction | None] = {}
    weight: dict[str, Fraction] = {}
    for task_id, reqs in layout:
        applicable = met = 0
        unmet = missing = False
        for rid, required, w in reqs:
            verdict = statuses[rid]
            if verdict == NOT_APPLICABLE:
                continue
            applicable += w
            if verdict == MET:
                met += w
            elif required:
                unmet |= verdict == UNMET
                missing |= verdict == MISSING
        status[task_id] = INCOMPLETE if unmet else INSUFFICIENT if missing else COMPLETE
        fraction[task_id] = Fraction(met, applicable) if applicable else None
        weight[task_id] = task_weights[task_id in mandatory]
    exact = total([(weight[t], fraction[t]) for t in status])
    score = rounded(exact, pack.scoring.decimals)
    complete = all(status[t] == COMPLETE for t in status if t in mandatory)
    return Summary(exact, score, grade(pack, score, complete), complete, status, fraction, weight)


def gains(a: Assessment) -> dict[str, Fraction]:
    """Points each unmet or missing requirement would add to the exact score once met."""
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
class Ranked:
    assessment: Assessment
    rank_in_tier: int


# What ranking needs of a city: pack id, year, tier (city level), score, city name.
RankKey = tuple[str, int, str | None, Decimal, str]


def ranks(keys: Sequence[RankKey]) -> list[tuple[int, int]]:
    """(index into `keys`, rank in tier) in ranking order: by pack, year, tier (sub-provincial
    first), rank, then city name. Ties share a rank. Only the keys are needed, so a batch too
    large to hold its results is ranked from its scores."""
    groups: dict[tuple[str, int, str | None], list[Decimal]] = {}
    for pack, year, level, score, _ in keys:
        groups.setdefault((pack, year, level), []).append(score)
    for scores in groups.values():
        scores.sort()
    tiers = {level: i for i, level in enumerate(LEVEL_ORDER)}
    rank = [
        1 + len(scores) - bisect.bisect_right(scores, score)
        for pack, year, level, score, _ in keys
        for scores in [groups[(pack, year, level)]]
    ]
    order = sorted(
        range(len(keys)),
        key=lambda i: (
            keys[i][0],
            keys[i][1],
            tiers.get(keys[i][2] or "", len(tiers)),
            rank[i],
            keys[i][4],
        ),
    )
    return [(i, rank[i]) for i in order]


def rank_key(a: Assessment) -> RankKey:
    return (a.pack.id, a.year, a.level, a.score, a.city)


def ranking(assessments: Iterable[Assessment]) -> list[Ranked]:
    """Every city ranked by score within its pack, year and tier (city level); ties share a
    rank. Ordered by pack, year, tier (sub-provincial first), rank, then city name.
    """
    cities = list(assessments)
    return [Ranked(cities[i], rank) for i, rank in ranks([rank_key(a) for a in cities])]


def batch_table(assessments: Iterable[Assessment]) -> pd.DataFrame:
    """One row per city in ranking order: headline, each task's and requirement's status."""
    import pandas as pd  # loads only when a table is asked for

    rows = []
    for ranked in ranking(assessments):
        a = ranked.assessment
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
        for task in a.tasks:
            row[task.id] = task.status
        row.update(a.requirement_statuses())
        row["rank_in_tier"] = ranked.rank_in_tier
        rows.append(row)
    return pd.DataFrame(rows)
