"""The least work that reaches a grade: a provably minimal set of concrete actions.

Each unmet or missing requirement is turned into the ways it could be met by changing only
what a city can act on (its achievement fields, never its profile or last year's figures):
one or more alternative sets of field values, each the least value that suffices. Because the
score is additive over requirements, choosing which requirements to meet is a small 0-1 integer
programme — fewest actions (or least declared cost), all mandatory requirements met where the
grade needs it, enough points for the grade line — which SciPy's HiGHS solves to proven
optimality. The chosen actions are then applied and the city is assessed again by the engine:
the score and grade reported are the engine's, not the optimiser's.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp

from ..decide import kleene
from ..decide.options import Option, merge, options
from ..decide.pipeline import OtherYears, assess, evaluate, with_other_years
from ..decide.results import Assessment, RequirementResult, TaskResult, json_value
from ..decide.scoring import gains
from ..errors import InputError, Problem
from ..intake.submission import Submission
from ..intake.values import Value, derive
from ..packs import FieldDecl, Pack, Requirement
from ..packs.conditions import fields_read, normalise, split_year
from ..packs.model import GradeBand
from ..verdicts import MET, MISSING, UNMET

OpenRequirements = dict[str, tuple[TaskResult, RequirementResult, list[Option]]]


@dataclass(frozen=True)
class Action:
    """Set one field to one value; the requirements that this makes met."""

    field: str
    value: Value
    requirements: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "value": json_value(self.value),
            "requirements": list(self.requirements),
        }


@dataclass(frozen=True)
class Plan:
    target: str
    target_label: str
    reachable: bool
    actions: tuple[Action, ...]
    before: Assessment
    after: Assessment | None
    reason: str | None = None
    reason_en: str | None = None

    def to_dict(self, produced_at: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "city": self.before.city,
            "target": self.target,
            "target_label": self.target_label,
            "reachable": self.reachable,
            "actions": [a.to_dict() for a in self.actions],
            "score_before": float(self.before.score),
            "grade_before": self.before.grade,
        }
        if self.after is not None:
            out["score_after"] = float(self.after.score)
            out["grade_after"] = self.after.grade
            out["grade_after_label"] = self.after.grade_label
        if self.reason:
            out["reason"] = self.reason
        out["provenance"] = self.before.provenance(produced_at).to_dict()
        return out


def least_work(
    pack: Pack, submission: Submission, target: str, other_years: OtherYears | None = None
) -> Plan:
    bands = [b.code for b in pack.scoring.grades]
    if target not in bands:
        raise InputError(
            [
                Problem(
                    f"没有等级 {target}；可用：{'、'.join(bands)}",
                    f"no grade {target}; known: {', '.join(bands)}",
                    field="--target",
                )
            ]
        )
    band = pack.scoring.grades[bands.index(target)]
    submission = with_other_years(pack, submission, other_years)
    before = assess(pack, submission)
    if bands.index(before.grade) <= bands.index(target):
        return Plan(target, band.label, True, (), before, before)

    values = submission.values
    open_reqs: OpenRequirements = {}
    unplannable: list[tuple[TaskResult, RequirementResult]] = []
    for task in before.tasks:
        for r in task.requirements:
            if r.status not in (UNMET, MISSING):
                continue
            req = pack.requirement(r.id)
            found = _requirement_options(pack, req, values)
            if found:
                open_reqs[r.id] = (task, r, found)
            else:
                unplannable.append((task, r))

    blocking = [
        (t, r)
        for t, r in unplannable
        if band.mandatory_complete and t.mandatory and r.kind == "required"
    ]
    if blocking:
        ids = "、".join(r.id for _, r in blocking)
        absent = {f for _, r in blocking for f, v in r.inputs.items() if v is None}
        fixed = {f for _, r in blocking for f in r.inputs if pack.field(f).role != "achievement"}
        why = "、".join(sorted(absent & fixed or absent or fixed))
        return _unreachable(
            band,
            before,
            f"必做要求 {ids} 无法仅靠工作达到：它取决于城市情况或上年数据（{why}），请先核实或补报",
            f"mandatory requirements {ids} cannot be met by work alone: they depend on the "
            f"city's profile or last year's figures ({why})",
        )

    chosen = _solve(pack, before, band, open_reqs)
    if chosen is None:
        best = sum((g for rid, g in gains(before).items() if rid in open_reqs), Fraction(0))
        ceiling = float(before.exact_score + best)
        return _unreachable(
            band,
            before,
            f"即使完成所有能做的工作，最高约 {ceiling:.1f} 分，"
            f"达不到{band.label}的 {band.min_score} 分",
            f"even doing everything that can be done gives about {ceiling:.1f}, short of "
            f"{band.min_score} for {band.code}",
        )
    return _verify(pack, submission, before, band, chosen)


def _inputs(pack: Pack, req_id: str) -> set[str]:
    """The fields a requirement reads, a ratio's own inputs included."""
    read = set(fields_read(pack.requirement(req_id).check))
    return read | {f for name in read for f in (pack.field(name).of or [])}


def _unreachable(band: GradeBand, before: Assessment, zh: str, en: str) -> Plan:
    return Plan(band.code, band.label, False, (), before, None, zh, en)


def _requirement_options(pack: Pack, req: Requirement, values: Mapping[str, Value]) -> list[Option]:
    if req.applies_if is not None and kleene.evaluate(req.applies_if, values) is not True:
        return []
    return options(pack, normalise(req.check), values, _actionable)


def _actionable(name: str, decl: FieldDecl) -> bool:
    """What work can change: a city's achievements this year, never its profile or another
    year's figures."""
    return decl.role == "achievement" and decl.type != "ratio" and split_year(name)[1] is None


def _solve(
    pack: Pack, before: Assessment, band: GradeBand, open_reqs: OpenRequirements
) -> dict[str, Option] | None:
    """Which option to take for which requirement: the 0-1 programme, solved exactly."""
    point = gains(before)
    fields = sorted({f for *_, found in open_reqs.values() for o in found for f in o})
    pairs = [(rid, k) for rid, (*_, found) in open_reqs.items() for k in range(len(found))]
    n_x, n_y = len(fields), len(pairs)
    if n_y == 0:
        return None
    # Points in integers: every gain times the least common denominator is whole.
    need = Fraction(0)
    if band.min_score is not None:
        half = Fraction(1, 2 * 10**pack.scoring.decimals)
        need = max(Fraction(0), Fraction(band.min_score) - half - before.exact_score)
    scale = math.lcm(*(g.denominator for g in point.values()), need.denominator)
    rows: list[npt.NDArray[np.float64]] = []
    lower: list[float] = []
    upper: list[float] = []

    def row() -> npt.NDArray[np.float64]:
        return np.zeros(n_x + n_y)

    def add(r: npt.NDArray[np.float64], low: float, high: float) -> None:
        rows.append(r)
        lower.append(low)
        upper.append(high)

    for j, (rid, k) in enumerate(pairs):  # an option needs each of its fields set
        for name in open_reqs[rid][2][k]:
            r = row()
            r[n_x + j], r[fields.index(name)] = 1, -1
            add(r, -np.inf, 0)
    for rid in open_reqs:  # at most one option per requirement
        r = row()
        for j, (other, _) in enumerate(pairs):
            if other == rid:
                r[n_x + j] = 1
        task, req, _ = open_reqs[rid]
        must = band.mandatory_complete and task.mandatory and req.kind == "required"
        add(r, 1 if must else 0, 1)
    if need > 0:
        r = row()
        for j, (rid, _) in enumerate(pairs):
            r[n_x + j] = int(point[rid] * scale)
        add(r, math.ceil(need * scale), np.inf)
    cost = np.concatenate([np.ones(n_x), np.zeros(n_y)])
    costs = {rid: pack.requirement(rid).cost for rid in open_reqs}
    if any(c is not None for c in costs.values()):
        # Least declared effort first, fewest actions among equally cheap plans.
        units = math.lcm(*(Fraction(c).denominator for c in costs.values() if c is not None))
        for j, (rid, _) in enumerate(pairs):
            cost[n_x + j] = int(Fraction(costs[rid] or 0) * units) * (n_x + 1)
    result = milp(
        cost,
        constraints=LinearConstraint(np.array(rows), lower, upper),
        integrality=np.ones(n_x + n_y),
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0},
    )
    if result.status != 0:
        return None
    picks = np.round(result.x[n_x:]).astype(int)
    return {rid: open_reqs[rid][2][k] for (rid, k), on in zip(pairs, picks, strict=True) if on}


def _verify(
    pack: Pack,
    submission: Submission,
    before: Assessment,
    band: GradeBand,
    chosen: dict[str, Option],
) -> Plan:
    """Apply the actions and let the engine assess the city again."""
    actions: dict[str, Value] = {}
    for option in chosen.values():
        merged = merge(actions, option)
        if merged is None:
            raise RuntimeError(f"conflicting actions: {actions} and {option}")
        actions = merged
    values = {**submission.values, **actions}
    derive(pack, values)
    changed = dataclasses.replace(submission, values=values)
    after = evaluate(pack, changed).assessment
    bands = [b.code for b in pack.scoring.grades]
    if bands.index(after.grade) > bands.index(band.code):
        raise RuntimeError(f"plan for {submission.city} did not reach {band.code}: {after.grade}")
    was = before.requirement_statuses()
    now = after.requirement_statuses()
    gained = [rid for rid, s in now.items() if s == MET and was[rid] != MET]
    listed = tuple(
        Action(name, value, tuple(rid for rid in gained if name in _inputs(pack, rid)))
        for name, value in sorted(actions.items())
    )
    return Plan(band.code, band.label, True, listed, before, after)
