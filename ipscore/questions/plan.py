"""The least work that reaches a grade: a provably minimal set of concrete actions.

Each unmet or missing requirement is turned into the ways it could be met by changing only
what a city can act on (its achievement fields, never its profile or last year's figures):
one or more alternative sets of field values, each the least value that suffices. Because the
score is additive over requirements, choosing which requirements to meet is a small 0-1 integer
programme — fewest actions (or least declared cost), all mandatory requirements met where the
grade needs it, enough points for the grade line — which SciPy's HiGHS solves to proven
optimality. The chosen actions are then applied and the city is assessed again by the engine:
the score and grade reported are the engine's, not the optimiser's.

A points sheet is planned item by item instead (`questions.sheetplan`): the least work to a
score (`score=`) or a grade counts each item's tiers, units, bonuses and deductions exactly,
lifts a veto first where the city's own figures can, and reports each item's points before
and after, as the engine gives them once the figures are changed.

Page one of a city's report asks `next_grade`: the same programme from its assessment, over
what the city reported. One piece: both kinds of pack share the goal, the `Plan` every view
reads, and the engine's check of it; requirements past their deadline are left out of both.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp

from ..decide import kleene
from ..decide.explain import label, show
from ..decide.options import Option, merge, options
from ..decide.pipeline import OtherYears, assess, evaluate, with_other_years
from ..decide.points import points_text, shown
from ..decide.results import (
    Assessment,
    RequirementResult,
    TaskResult,
    deadline_text,
    json_value,
)
from ..decide.scoring import gains
from ..errors import InputError, Problem
from ..intake.submission import Submission
from ..intake.values import Value, derive
from ..packs import FieldDecl, Pack, Requirement
from ..packs.conditions import fields_read, normalise
from ..packs.model import GradeBand
from ..text import pick
from ..verdicts import MET, MISSING, NOT_APPLICABLE, UNMET
from . import sheetplan

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
class Change:
    """One figure changed: as filed (None: not filed) and as the plan sets it."""

    field: str
    before: Value | None
    after: Value

    def describe(self, pack: Pack, lang: str = "zh") -> str:
        """ "发明专利授权量 95件 → 100件"."""
        decl = pack.field(self.field)
        return (
            f"{label(decl, lang)} {show(decl, self.before, lang)} → {show(decl, self.after, lang)}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "from": None if self.before is None else json_value(self.before),
            "to": json_value(self.after),
        }


@dataclass(frozen=True)
class ItemAction:
    """A points sheet's item raised: the figures changed and its points before and after."""

    item: str
    title: str
    changes: tuple[Change, ...]
    before: Fraction
    after: Fraction

    def describe(self, pack: Pack, lang: str = "zh") -> str:
        """ "发明专利授权量 95件 → 100件：+6分（9分→15分）"."""
        decimals = pack.scoring.decimals
        gained, was, now = (
            points_text(v, decimals) for v in (self.after - self.before, self.before, self.after)
        )
        sign = "+" if self.after >= self.before else ""
        what = pick(lang, "，", ", ").join(c.describe(pack, lang) for c in self.changes)
        if lang == "en":
            return f"{what}: {sign}{gained} points ({was} → {now})"
        return f"{what}：{sign}{gained}分（{was}分→{now}分）"

    def to_dict(self, pack: Pack) -> dict[str, Any]:
        decimals = pack.scoring.decimals
        return {
            "item": self.item,
            "title": self.title,
            "changes": [c.to_dict() for c in self.changes],
            "points_before": shown(self.before, decimals),
            "points_after": shown(self.after, decimals),
            "gain": shown(self.after - self.before, decimals),
            "text": self.describe(pack),
        }


@dataclass(frozen=True)
class VetoAction:
    """A veto (一票否决) lifted first: its remedy, and the figures that lift it."""

    veto: str
    title: str
    remedy: str | None
    changes: tuple[Change, ...]

    def describe(self, pack: Pack, lang: str = "zh") -> str:
        what = pick(lang, "，", ", ").join(c.describe(pack, lang) for c in self.changes)
        if lang == "en":
            return f"lift the veto “{self.title}”: {what}"
        remedy = f"（整改：{self.remedy}）" if self.remedy else ""
        return f"先解除一票否决“{self.title}”：{what}{remedy}"

    def to_dict(self, pack: Pack) -> dict[str, Any]:
        return {
            "veto": self.veto,
            "title": self.title,
            "remedy": self.remedy,
            "changes": [c.to_dict() for c in self.changes],
            "text": self.describe(pack),
        }


@dataclass(frozen=True)
class Plan:
    target: str | None  # the grade asked for; None when a score is
    target_label: str
    reachable: bool
    actions: tuple[Action, ...]
    before: Assessment
    after: Assessment | None
    reason: str | None = None
    reason_en: str | None = None
    target_score: Decimal | None = None  # the total asked for (`--score`)
    items: tuple[ItemAction, ...] = ()  # a points sheet's items raised
    vetoes: tuple[VetoAction, ...] = ()  # a points sheet's vetoes lifted first
    # Open requirements left out of the plan: their deadline fell in an earlier year.
    overdue: tuple[str, ...] = ()
    # Requirements not reported: to report first, never worked for (page one's 请补报).
    unreported: tuple[str, ...] = ()

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
        if self.target_score is not None:
            out["target_score"] = float(self.target_score)
        if self.after is not None:
            out["score_after"] = float(self.after.score)
            out["grade_after"] = self.after.grade
            out["grade_after_label"] = self.after.grade_label
        if self.reason:
            out["reason"] = self.reason
        if self.overdue:
            out["overdue"] = list(self.overdue)
        if self.unreported:
            out["unreported"] = list(self.unreported)
        if self.before.sheet is not None:
            pack = self.before.pack
            decimals = pack.scoring.decimals
            after = None if self.after is None or self.after.sheet is None else self.after.sheet
            out["points"] = {
                "total_before": shown(self.before.sheet.exact, decimals),
                "total_after": None if after is None else shown(after.exact, decimals),
                "vetoes_lifted": [v.to_dict(pack) for v in self.vetoes],
                "vetoes_holding": [] if after is None else list(after.vetoes),
                "items": [i.to_dict(pack) for i in self.items],
            }
        out["provenance"] = self.before.provenance(produced_at).to_dict()
        return out


def least_work(
    pack: Pack,
    submission: Submission,
    target: str | None,
    other_years: OtherYears | None = None,
    score: Decimal | None = None,
) -> Plan:
    """The least work to the grade `target`, or to the total `score` (one of the two). A
    requirement whose deadline fell in a year before the assessed one is never planned: unmet,
    it can no longer be met on time (`Plan.overdue` names it). A requirement not reported is
    to be reported, not worked for: the plan is made over what the city reported, as page
    one's is, and names it apart (`Plan.unreported`)."""
    band = _goal(pack, target, score)
    submission = with_other_years(pack, submission, other_years)
    before = assess(pack, submission)
    if _reached(pack, before, band):
        return _plan(band, True, (), before, before)
    if pack.is_sheet:
        return _sheet_plan(pack, submission, before, band)
    return _least(pack, submission, before, band, reported_only=True)


def next_grade(a: Assessment) -> Plan | None:
    """Page one's plan: the least work from `a` to the grade just above its own, planned over
    what the city reported (a requirement left unreported is to be reported first, not
    worked for: it stays as it is) and never over a requirement past its deadline. None at the
    top grade, on a points sheet, or where the next grade has no score line."""
    pack = a.pack
    codes = [b.code for b in pack.scoring.grades]
    at = codes.index(a.grade) if a.grade in codes else 0
    if at == 0 or a.sheet is not None:
        return None
    band = pack.scoring.grades[at - 1]
    if band.min_score is None:
        return None
    submission = Submission(pack.id, a.year, dict(a.values), a.source)
    return _least(pack, submission, a, band, reported_only=True)


def _missing(a: Assessment) -> tuple[str, ...]:
    """The requirements of `a` that cannot be decided for want of a figure."""
    return tuple(r.id for t in a.tasks for r in t.requirements if r.status == MISSING)


def _least(
    pack: Pack,
    submission: Submission,
    before: Assessment,
    band: GradeBand,
    reported_only: bool = False,
) -> Plan:
    """The least work on a weighted pack, from `before` (the submission assessed); planned
    over the figures reported (`reported_only`), it names the unreported requirements."""
    plan = _least_work(pack, submission, before, band, reported_only)
    return dataclasses.replace(plan, unreported=_missing(before)) if reported_only else plan


def _least_work(
    pack: Pack,
    submission: Submission,
    before: Assessment,
    band: GradeBand,
    reported_only: bool,
) -> Plan:
    values = submission.values
    open_reqs: OpenRequirements = {}
    unplannable: list[tuple[TaskResult, RequirementResult]] = []
    overdue: list[tuple[TaskResult, RequirementResult]] = []
    unreported: list[tuple[TaskResult, RequirementResult]] = []
    for task in before.tasks:
        for r in task.requirements:
            if r.status not in (UNMET, MISSING):
                continue
            late = r.overdue(before.year)
            if r.status == UNMET and late:
                overdue.append((task, r))
                continue
            # Not reported: to report, not to work for (and never a date past its deadline).
            if r.status == MISSING and (reported_only or late):
                unreported.append((task, r))
                continue
            req = pack.requirement(r.id)
            found = _requirement_options(pack, req, values)
            if found:
                open_reqs[r.id] = (task, r, found)
            else:
                unplannable.append((task, r))
    left_out = tuple(r.id for _, r in overdue)

    def needed(found: list[tuple[TaskResult, RequirementResult]]) -> list[RequirementResult]:
        return [
            r for t, r in found if band.mandatory_complete and t.mandatory and r.kind == "required"
        ]

    if past := needed(overdue):
        return _unreachable(
            band,
            before,
            "必做要求的期限已过，本年度无法按期达到："
            + "、".join(f"{r.id}（期限：{r.deadline}）" for r in past),
            "mandatory requirements past their deadline cannot be met on time this year: "
            + ", ".join(f"{r.id} (due {deadline_text(r.deadline or '', 'en')})" for r in past),
            left_out,
        )
    if waiting := needed(unreported):
        ids = "、".join(r.id for r in waiting)
        return _unreachable(
            band,
            before,
            f"必做要求 {ids} 缺报：请先补报，补报后才能判定还要做什么",
            f"mandatory requirements {', '.join(r.id for r in waiting)} are not reported: "
            "report them first, then what is left to do can be worked out",
            left_out,
        )
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
            left_out,
        )

    chosen = _solve(pack, before, band, open_reqs)
    if chosen is None:
        best = sum((g for rid, g in gains(before).items() if rid in open_reqs), Fraction(0))
        ceiling = float(before.exact_score + best)
        return _unreachable(
            band,
            before,
            f"即使完成所有能做的工作，最高约 {ceiling:.1f} 分，"
            + (f"达不到{band.label}的 {band.min_score} 分" if band.code else f"达不到{band.label}"),
            f"even doing everything that can be done gives about {ceiling:.1f}, short of "
            + (f"{band.min_score} for {band.code}" if band.code else f"{band.min_score}"),
            left_out,
        )
    return dataclasses.replace(_verify(pack, submission, before, band, chosen), overdue=left_out)


def _goal(pack: Pack, target: str | None, score: Decimal | None) -> GradeBand:
    """What the plan must reach, as a grade band: the grade asked for, or a band of its own
    (code "") whose least score is the total asked for."""
    if (target is None) == (score is None):
        raise InputError(
            [
                Problem(
                    "请给出一个目标：--target 等级，或 --score 总分（只写其中一个）",
                    "give one target: --target GRADE or --score TOTAL (not both)",
                    field="--target",
                )
            ]
        )
    if score is not None:
        if not score.is_finite():
            raise InputError(
                [Problem("--score 应为一个数", "--score takes a number", field="--score")]
            )
        return GradeBand(code="", label=f"{score}分", label_en=f"{score}", min_score=score)
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
    return pack.scoring.grades[bands.index(target)]


def _reached(pack: Pack, a: Assessment, band: GradeBand) -> bool:
    if not band.code:  # a total asked for: the score as shown reaches it
        return band.min_score is not None and a.score >= band.min_score
    bands = [b.code for b in pack.scoring.grades]
    return bands.index(a.grade) <= bands.index(band.code)


def _plan(
    band: GradeBand,
    reachable: bool,
    actions: tuple[Action, ...],
    before: Assessment,
    after: Assessment | None,
    reason: tuple[str, str] | None = None,
    items: tuple[ItemAction, ...] = (),
    vetoes: tuple[VetoAction, ...] = (),
) -> Plan:
    score = None if band.code else band.min_score
    zh, en = reason or (None, None)
    return Plan(
        band.code or None,
        band.label,
        reachable,
        actions,
        before,
        after,
        zh,
        en,
        score,
        items,
        vetoes,
    )


def _inputs(pack: Pack, req_id: str) -> set[str]:
    """The fields a requirement reads, a ratio's own inputs included."""
    read = set(fields_read(pack.requirement(req_id).check))
    return read | {f for name in read for f in (pack.field(name).of or [])}


def _unreachable(
    band: GradeBand, before: Assessment, zh: str, en: str, overdue: tuple[str, ...] = ()
) -> Plan:
    return dataclasses.replace(_plan(band, False, (), before, None, (zh, en)), overdue=overdue)


def _requirement_options(pack: Pack, req: Requirement, values: Mapping[str, Value]) -> list[Option]:
    if req.applies_if is not None and kleene.evaluate(req.applies_if, values) is not True:
        return []
    return options(pack, normalise(req.check), values, _actionable)


def _actionable(name: str, decl: FieldDecl) -> bool:
    """What work can change: a city's achievements this year, never its profile or another
    year's figures."""
    return sheetplan.actionable(name, decl)


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
    if not _reached(pack, after, band):
        raise RuntimeError(f"plan for {submission.city} did not reach {band.label}: {after.grade}")
    was = before.requirement_statuses()
    now = after.requirement_statuses()
    gained = [rid for rid, s in now.items() if s == MET and was[rid] != MET]
    listed = tuple(
        Action(name, value, tuple(rid for rid in gained if name in _inputs(pack, rid)))
        for name, value in sorted(actions.items())
    )
    return _plan(band, True, listed, before, after)


def _sheet_plan(pack: Pack, submission: Submission, before: Assessment, band: GradeBand) -> Plan:
    """The least work on a points sheet: vetoes lifted first, then the fewest items raised."""
    assert before.sheet is not None
    values = dict(submission.values)
    lifted: list[VetoAction] = []
    what = ("等级", "the grade") if band.code else ("总分", "the total")
    for veto in pack.scoring.vetoes:
        if veto.id not in before.sheet.vetoes or not (band.code or veto.effect == "zero"):
            continue
        lifts = sheetplan.veto_options(pack, veto, values)
        if not lifts:
            read = "、".join(label(pack.field(f), "zh") for f in fields_read(veto.when))
            remedy = f"{veto.remedy}。" if veto.remedy else ""
            return _unreachable(
                band,
                before,
                f"一票否决“{veto.title}”成立，它取决于{pack.pack.subject.noun}不能靠工作改变的"
                f"情况（{read}）：否决成立期间，{what[0]}无法提高。{remedy}",
                f"the veto “{veto.title_en or veto.title}” holds and depends on what work "
                f"cannot change ({', '.join(fields_read(veto.when))}): while it holds, "
                f"{what[1]} cannot rise",
            )
        changes = lifts[0]  # the fewest figures that lift it
        lifted.append(
            VetoAction(
                veto.id,
                veto.title,
                veto.remedy,
                tuple(Change(f, values.get(f), v) for f, v in sorted(changes.items())),
            )
        )
        values.update(changes)
    if lifted:
        derive(pack, values)
    current = evaluate(pack, dataclasses.replace(submission, values=values)).assessment
    assert current.sheet is not None
    need = Fraction(0)
    if band.min_score is not None:
        half = Fraction(1, 2 * 10**pack.scoring.decimals)
        need = max(Fraction(0), Fraction(band.min_score) - half - current.exact_score)
    required = set()
    if band.mandatory_complete:
        for task in current.tasks:
            for r in task.requirements:
                if task.mandatory and r.kind == "required" and r.status != MET:
                    item = next(i for i in current.sheet.items if i.id == r.id)
                    required |= {(r.id, k) for k, p in enumerate(item.parts) if p.band != 0}
    found: list[sheetplan.Move] = []
    most: list[sheetplan.Move] = []
    for item in current.sheet.items:
        if item.status == NOT_APPLICABLE:
            continue
        found += sheetplan.moves(pack, item, values, need)
        most += sheetplan.moves(pack, item, values, sheetplan.NO_MAX)
    costs = {r.id: None if r.cost is None else Fraction(r.cost) for _, r in pack.requirements()}
    chosen = None if not need and not required else sheetplan.solve(found, need, required, costs)
    if chosen is None and (need or required):
        stuck = sorted(
            {
                i
                for i, k in required
                if not any(m.item == i and m.part == k and m.best for m in found)
            }
        )
        if stuck:
            ids = "、".join(stuck)
            return _unreachable(
                band,
                before,
                f"必做评分项 {ids} 无法仅靠工作得满分：它取决于目标任务、城市情况或缺报的数据，"
                "请先核实或补报",
                f"mandatory items {', '.join(stuck)} cannot reach full marks by work alone: they "
                "depend on a target, the city's profile or figures not filed",
            )
        top = current.sheet.exact + sheetplan.ceiling(most)
        decimals = pack.scoring.decimals
        return _unreachable(
            band,
            before,
            f"即使各项都做到填报值的上限，最高 {shown(top, decimals)} 分，达不到{band.label}"
            + (f"的 {band.min_score} 分" if band.code and band.min_score is not None else ""),
            f"even every item raised as far as its figures go gives {shown(top, decimals)}, "
            f"short of {band.min_score}",
        )
    by_item = chosen.changes() if chosen is not None else {}
    for changes in by_item.values():
        merged = merge(values, changes)
        if merged is None:
            raise RuntimeError(f"conflicting changes: {changes}")
        values = merged
    derive(pack, values)
    after = evaluate(pack, dataclasses.replace(submission, values=values)).assessment
    if not _reached(pack, after, band) or after.sheet is None:
        raise RuntimeError(f"plan for {submission.city} did not reach {band.label}: {after.score}")
    was = {i.id: i.points for i in before.sheet.items}
    now = {i.id: i.points for i in after.sheet.items}
    filed = submission.values
    items = tuple(
        ItemAction(
            r.id,
            r.title,
            tuple(
                Change(f, filed.get(f), values[f])
                for f in sorted(by_item[r.id])
                if filed.get(f) != values[f]
            ),
            was[r.id],
            now[r.id],
        )
        for _, r in pack.requirements()
        if r.id in by_item
    )
    raised = [i.item for i in items if i.after > i.before]
    actions = tuple(
        Action(name, value, tuple(i for i in raised if name in _inputs(pack, i)))
        for name, value in sorted(values.items())
        if filed.get(name) != value and pack.field(name).role == "achievement"
    )
    return _plan(band, True, actions, before, after, None, items, tuple(lifted))
