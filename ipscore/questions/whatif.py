"""What-if: changed inputs, dropped or completed tasks, changed pack parameters; scenario files;
and threshold sensitivity across a cohort.

A changed input re-runs the engine for that one city (through `assess.evaluate`); a toggle only
rewrites the verdict table and re-scores it; a changed parameter compiles a variant pack once
and re-runs its rules. Every result is a frozen dataclass whose `to_dict()` is its JSON.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..decide.pipeline import Evaluation, OtherYears, build, decide, evaluate, with_other_years
from ..decide.points import forced, points_text, sheet_score, shown
from ..decide.results import Assessment, json_value
from ..decide.scoring import mandatory_tasks, summarize
from ..errors import InputError, Problem
from ..intake.files import Variant, read_all, read_one, read_scenario
from ..intake.submission import Submission
from ..intake.values import derive, parse_value
from ..packs import Pack
from ..packs.params import WEIGHTS, with_params
from ..provenance import Provenance
from ..text import pick
from ..verdicts import (
    LABELS,
    MET,
    NOT_APPLICABLE,
    TASK_LABELS,
    UNMET,
    TaskStatus,
    Verdict,
    Verdicts,
)
from .sheetplan import Margin, margins

__all__ = [
    "Comparison",
    "FieldSensitivity",
    "GradeChange",
    "Headline",
    "PointsChange",
    "Sensitivity",
    "SensitivityRow",
    "Simulation",
    "TaskChange",
    "Variant",
    "VerdictChange",
    "VetoChange",
    "command_line_variant",
    "compare",
    "field_sensitivity",
    "run",
    "sensitivity",
    "simulate",
    "toggle",
    "whatif",
]


def run(pack: Pack, submission: Submission, base: Verdicts, variant: Variant) -> Assessment:
    """The assessment of `submission` under `variant`, starting from its baseline verdicts."""
    vpack = with_params(pack, variant.params) if variant.params else pack
    values = dict(submission.values)
    for name, raw in variant.sets.items():
        value = parse_value(vpack, name, _text(raw))
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
    derive(vpack, values)
    changed = dataclasses.replace(submission, values=values)
    verdicts = base
    if vpack is not pack or values != submission.values:
        verdicts = evaluate(vpack, changed).verdicts
    verdicts = toggle(vpack, verdicts, variant.drop, variant.complete, variant.name)
    sheet = None
    if vpack.is_sheet and (variant.drop or variant.complete):
        # Items of a dropped task earn nothing; of a completed one, their full value.
        sheet = forced(
            vpack,
            sheet_score(vpack, verdicts, values, changed.claimed),
            values,
            _items_of(vpack, verdicts, variant.drop),
            _items_of(vpack, verdicts, variant.complete),
        )
    return build(vpack, changed, verdicts, sheet)


def _items_of(pack: Pack, verdicts: Verdicts, tasks: tuple[str, ...]) -> set[str]:
    return {
        r.id
        for t in pack.tasks
        if t.id in tasks
        for r in t.requirements
        if verdicts.statuses[r.id] != NOT_APPLICABLE
    }


def _text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return "" if raw is None else str(raw)


def toggle(
    pack: Pack, verdicts: Verdicts, drop: tuple[str, ...], complete: tuple[str, ...], why: str
) -> Verdicts:
    """Dropped tasks' applicable requirements become unmet, completed ones met."""
    known = {t.id for t in pack.tasks}
    for task_id in (*drop, *complete):
        if task_id not in known:
            raise InputError(
                [
                    Problem(
                        f"没有任务 {task_id}；可用：{'、'.join(sorted(known))}",
                        f"no task {task_id}; known: {', '.join(sorted(known))}",
                        field=task_id,
                    )
                ]
            )
    if not drop and not complete:
        return verdicts
    statuses, proved = dict(verdicts.statuses), dict(verdicts.proved_by)
    for task in pack.tasks:
        forced = UNMET if task.id in drop else MET if task.id in complete else None
        if forced is None:
            continue
        for req in task.requirements:
            if statuses[req.id] != NOT_APPLICABLE:
                statuses[req.id] = forced
                proved[req.id] = f"what-if: {why}"
    return dataclasses.replace(verdicts, statuses=statuses, proved_by=proved)


@dataclass(frozen=True)
class Headline:
    score: Decimal
    grade: str
    grade_label: str
    mandatory_complete: bool

    @classmethod
    def of(cls, a: Assessment) -> Headline:
        return cls(a.score, a.grade, a.grade_label, a.mandatory_complete)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": float(self.score),
            "grade": self.grade,
            "grade_label": self.grade_label,
            "mandatory_complete": self.mandatory_complete,
        }


@dataclass(frozen=True)
class TaskChange:
    id: str
    before: TaskStatus
    after: TaskStatus
    fraction_before: Fraction | None
    fraction_after: Fraction | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "from": self.before,
            "to": self.after,
            "fraction_from": _fraction(self.fraction_before),
            "fraction_to": _fraction(self.fraction_after),
        }

    def describe(self, lang: str) -> str:
        """ "T8 未完成→完成", or "T7 44%→0%" where only the fraction moved."""
        if self.before != self.after:
            words = TASK_LABELS[lang]
            return f"{self.id} {words[self.before]}→{words[self.after]}"
        return f"{self.id} {_percent(self.fraction_before)}→{_percent(self.fraction_after)}"


@dataclass(frozen=True)
class VerdictChange:
    id: str
    before: Verdict
    after: Verdict

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "from": self.before, "to": self.after}

    def describe(self, lang: str) -> str:
        words = LABELS[lang]
        return f"{self.id} {words[self.before]}→{words[self.after]}"


@dataclass(frozen=True)
class PointsChange:
    """A points sheet's item whose points changed: before and after, exactly, and why now."""

    id: str
    title: str
    before: Fraction
    after: Fraction
    decimals: int
    why: str
    why_en: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "from": shown(self.before, self.decimals),
            "to": shown(self.after, self.decimals),
            "change": shown(self.after - self.before, self.decimals),
            "why": self.why,
        }

    def describe(self, lang: str) -> str:
        """ "invention-grants 发明专利授权 9分→15分（完成目标任务…）"."""
        before, after = (points_text(v, self.decimals) for v in (self.before, self.after))
        if lang == "en":
            return f"{self.id} {before} → {after} ({self.why_en})"
        return f"{self.id} {self.title} {before}分→{after}分（{self.why}）"


@dataclass(frozen=True)
class VetoChange:
    """A veto (一票否决) that holds in one case and not in the other."""

    id: str
    title: str
    holds: bool  # in the variant

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "holds": self.holds}

    def describe(self, lang: str) -> str:
        if lang == "en":
            return f"veto {self.id}: {'now holds' if self.holds else 'lifted'}"
        return f"一票否决“{self.title}”：{'成立' if self.holds else '解除'}"


@dataclass(frozen=True)
class Comparison:
    """What changed between the baseline and one variant: score, grade, tasks, requirements;
    on a points sheet, the items whose points changed and the vetoes."""

    name: str
    baseline: Assessment
    variant: Assessment
    tasks: tuple[TaskChange, ...]
    requirements: tuple[VerdictChange, ...]
    points: tuple[PointsChange, ...] = ()
    vetoes: tuple[VetoChange, ...] = ()

    @property
    def score_change(self) -> Decimal:
        return self.variant.score - self.baseline.score

    def changes(self, lang: str = "zh") -> list[str]:
        """The changes in words: "T8 未完成→完成", "T7 44%→0%", "T8.R1 未达到→达到"; on a
        points sheet, the vetoes and the items whose points changed."""
        if self.baseline.sheet is not None:
            sheet: list[VetoChange | PointsChange] = [*self.vetoes, *self.points]
            return [c.describe(lang) for c in sheet]
        changed: list[TaskChange | VerdictChange] = [*self.tasks, *self.requirements]
        return [c.describe(lang) for c in changed]

    def to_dict(self, produced_at: str | None = None) -> dict[str, Any]:
        """The JSON of `ipscore whatif`: the comparison and where its baseline came from."""
        return {**self.body(), "provenance": self.baseline.provenance(produced_at).to_dict()}

    def body(self) -> dict[str, Any]:
        """The comparison alone, as each variant of a scenario file prints it."""
        out = {
            "name": self.name,
            "baseline": Headline.of(self.baseline).to_dict(),
            "variant": Headline.of(self.variant).to_dict(),
            "score_change": float(self.score_change),
            "tasks": [t.to_dict() for t in self.tasks],
            "requirements": [r.to_dict() for r in self.requirements],
        }
        before, after = self.baseline.sheet, self.variant.sheet
        if before is not None and after is not None:
            decimals = self.baseline.pack.scoring.decimals
            out["points"] = {
                "total_from": shown(before.exact, decimals),
                "total_to": shown(after.exact, decimals),
                "items": [p.to_dict() for p in self.points],
                "vetoes": [v.to_dict() for v in self.vetoes],
            }
        if self.variant.pack is not self.baseline.pack:
            # Changed parameters make another pack: name the one that decided this variant.
            out["pack_sha256"] = self.variant.pack.content_hash
        return out


def compare(name: str, base: Assessment, variant: Assessment) -> Comparison:
    base_tasks = {t.id: t for t in base.tasks}
    tasks = tuple(
        TaskChange(t.id, base_tasks[t.id].status, t.status, base_tasks[t.id].fraction, t.fraction)
        for t in variant.tasks
        if (t.status, t.fraction) != (base_tasks[t.id].status, base_tasks[t.id].fraction)
    )
    before = base.requirement_statuses()
    requirements = tuple(
        VerdictChange(rid, before[rid], status)
        for rid, status in variant.requirement_statuses().items()
        if status != before[rid]
    )
    points, vetoes = _sheet_changes(base, variant)
    return Comparison(name, base, variant, tasks, requirements, points, vetoes)


def _sheet_changes(
    base: Assessment, variant: Assessment
) -> tuple[tuple[PointsChange, ...], tuple[VetoChange, ...]]:
    if base.sheet is None or variant.sheet is None:
        return (), ()
    pack, decimals = variant.pack, variant.pack.scoring.decimals
    was = {i.id: i for i in base.sheet.items}
    points = tuple(
        PointsChange(
            item.id,
            pack.requirement(item.id).title,
            was[item.id].points,
            item.points,
            decimals,
            "；".join(p.words for p in item.parts),
            "; ".join(p.words_en for p in item.parts),
        )
        for item in variant.sheet.items
        if item.points != was[item.id].points
    )
    titles = {v.id: v.title for v in pack.scoring.vetoes}
    held, holds = set(base.sheet.vetoes), set(variant.sheet.vetoes)
    vetoes = tuple(
        VetoChange(v, titles.get(v, v), v in holds)
        for v in [*base.sheet.vetoes, *variant.sheet.vetoes]
        if (v in held) != (v in holds)
    )
    return points, vetoes


def _percent(value: Fraction | None) -> str:
    return "—" if value is None else f"{float(value):.0%}"


def _fraction(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 4)


def command_line_variant(
    sets: dict[str, str],
    drop: tuple[str, ...],
    complete: tuple[str, ...],
    params: dict[str, str],
    lang: str = "zh",
) -> Variant:
    """A variant from command-line options, named by the options themselves."""
    name = " ".join(
        [
            *(f"--set {k}={v}" for k, v in sets.items()),
            *(f"--drop {t}" for t in drop),
            *(f"--complete {t}" for t in complete),
            *(f"--param {k}={v}" for k, v in params.items()),
        ]
    ) or pick(lang, "不变", "unchanged")
    return Variant(name, dict(sets), tuple(drop), tuple(complete), dict(params))


def whatif(
    path: str | Path,
    variant: Variant,
    pack_id: str | None = None,
    other_years: OtherYears | None = None,
) -> Comparison:
    """One city's file under one variant, beside its baseline."""
    pack, submission = read_one(path, pack_id)
    submission = with_other_years(pack, submission, other_years)
    base = evaluate(pack, submission)
    return _compared(pack, submission, base, variant)


def _compared(pack: Pack, submission: Submission, base: Evaluation, v: Variant) -> Comparison:
    return compare(v.name, base.assessment, run(pack, submission, base.verdicts, v))


@dataclass(frozen=True)
class Simulation:
    """A scenario file run: its baseline and one comparison per named variant."""

    name: str
    baseline: Assessment
    comparisons: tuple[Comparison, ...]

    def to_dict(self, produced_at: str | None = None) -> dict[str, Any]:
        return {
            "scenario": self.name,
            "city": self.baseline.city,
            "baseline": Headline.of(self.baseline).to_dict(),
            "variants": [c.body() for c in self.comparisons],
            "provenance": self.baseline.provenance(produced_at).to_dict(),
        }


def simulate(
    path: Path, pack_id: str | None = None, other_years: OtherYears | None = None
) -> Simulation:
    scenario = read_scenario(path)
    pack, submission = read_one(scenario.base, pack_id)
    submission = with_other_years(pack, submission, other_years)
    base = evaluate(pack, submission)
    comparisons = tuple(_compared(pack, submission, base, v) for v in scenario.variants)
    return Simulation(scenario.name, base.assessment, comparisons)


@dataclass(frozen=True)
class GradeChange:
    city: str
    source: str
    before: Assessment
    after: Headline  # a sweep works out the score and grade only

    def to_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "source": self.source,
            "from": self.before.grade,
            "to": self.after.grade,
            "from_label": self.before.grade_label,
            "to_label": self.after.grade_label,
            "score_from": float(self.before.score),
            "score_to": float(self.after.score),
        }


@dataclass(frozen=True)
class SensitivityRow:
    """One value of the parameter, and the cities whose grade it changes."""

    param: str
    value: str
    changes: tuple[GradeChange, ...]
    pack_sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "param": self.param,
            "value": self.value,
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass(frozen=True)
class Sensitivity:
    param: str
    rows: tuple[SensitivityRow, ...]
    baseline: tuple[Assessment, ...]

    def provenance(self, produced_at: str | None) -> list[Provenance]:
        return [a.provenance(produced_at) for a in self.baseline]

    def to_dict(self, produced_at: str | None = None) -> list[dict[str, Any]]:
        """A list, one entry per value (as before); each names the inputs it was worked out
        from and the hash of the changed pack."""
        inputs = [
            {"city": a.city, **p.to_dict()}
            for a, p in zip(self.baseline, self.provenance(produced_at), strict=True)
        ]
        return [
            {**row.to_dict(), "provenance": {"pack_sha256": row.pack_sha256, "inputs": inputs}}
            for row in self.rows
        ]


def sensitivity(
    paths: Iterable[str | Path],
    param: str,
    values: list[str],
    pack_id: str | None = None,
    other_years: OtherYears | None = None,
) -> Sensitivity:
    """For each value of one pack parameter, the cities whose grade changes from the baseline."""
    cities = [(p, with_other_years(p, s, other_years)) for p, s in read_all(paths, pack_id)]
    return sweep(cities, param, values)


def sweep(cities: list[tuple[Pack, Submission]], param: str, values: list[str]) -> Sensitivity:
    """`sensitivity` for cities already read (with their other years' figures filled in).
    Each value is worked out to score and grade only: the explanations of a full assessment
    are most of its time, and a sweep shows none of them."""
    evaluated = [evaluate(p, s) for p, s in cities]
    # Grade lines and weights change the scoring only: the baseline verdicts still hold.
    rules_change = not (param.startswith("bands.") or param in WEIGHTS)
    rows = []
    for value in values:
        changes = []
        variants: dict[int, Pack] = {}
        for (pack, submission), base in zip(cities, evaluated, strict=True):
            if id(pack) not in variants:
                variants[id(pack)] = with_params(pack, {param: value})
            vpack = variants[id(pack)]
            verdicts = decide(vpack, submission) if rules_change else base.verdicts
            mandatory = mandatory_tasks(vpack, verdicts.mandatory_rules)
            sheet = None
            if vpack.is_sheet:
                sheet = sheet_score(vpack, verdicts, submission.values, submission.claimed)
            summary = summarize(vpack, verdicts.statuses, mandatory, sheet)
            # A sheet's grade seldom moves with a threshold (六安's never does): its total does.
            moved = sheet is not None and summary.score != base.assessment.score
            if moved or summary.band.code != base.assessment.grade:
                after = Headline(
                    summary.score, summary.band.code, summary.band.label, summary.mandatory_complete
                )
                changes.append(
                    GradeChange(submission.city, submission.source, base.assessment, after)
                )
        hashes = sorted({p.content_hash for p in variants.values()})
        rows.append(SensitivityRow(param, value, tuple(changes), ",".join(hashes)))
    return Sensitivity(param, tuple(rows), tuple(e.assessment for e in evaluated))


@dataclass(frozen=True)
class FieldSensitivity:
    """How a points sheet's total moves with each figure one city files: per item, the next
    tiers and what each brings, the points a unit, an award's settings (`sheetplan.margins`)."""

    assessment: Assessment
    margins: tuple[Margin, ...]
    values: dict[str, Any]

    def to_dict(self, produced_at: str | None = None) -> dict[str, Any]:
        a, pack = self.assessment, self.assessment.pack
        decimals = pack.scoring.decimals
        assert a.sheet is not None
        return {
            "city": a.city,
            "total": shown(a.sheet.exact, decimals),
            "items": [
                {
                    "item": m.item,
                    "title": m.title,
                    "points": shown(m.points, decimals),
                    "value": shown(m.value, decimals),
                    "edges": [
                        {
                            "kind": e.kind(),
                            "field": e.field,
                            "to": None if e.value is None else json_value(e.value),
                            "per": None if e.per is None else json_value(e.per),
                            "gain": shown(e.gain, decimals),
                            "room": None if e.room is None else shown(e.room, decimals),
                            "text": e.describe(pack, self.values),
                        }
                        for e in m.edges
                    ],
                }
                for m in self.margins
            ],
            "provenance": a.provenance(produced_at).to_dict(),
        }


def field_sensitivity(
    paths: Iterable[str | Path], pack_id: str | None = None, other_years: OtherYears | None = None
) -> list[FieldSensitivity]:
    """For each city of a points sheet, how its total moves with each figure it files."""
    out = []
    for pack, submission in read_all(paths, pack_id):
        if not pack.is_sheet:
            raise InputError(
                [
                    Problem(
                        f"--fields 只用于评分表（method: points）：规则包 {pack.id} 按要求达到的"
                        "比例计分，请用 --param 扫描阈值",
                        f"--fields is for points sheets (method: points); {pack.id} scores the "
                        "share of requirements met: sweep a threshold with --param",
                        field="--fields",
                    )
                ]
            )
        submission = with_other_years(pack, submission, other_years)
        a = evaluate(pack, submission).assessment
        assert a.sheet is not None
        items = tuple(i for i in a.sheet.items if i.status != NOT_APPLICABLE)
        found = margins(pack, items, submission.values)
        out.append(FieldSensitivity(a, tuple(found), dict(submission.values)))
    return out
