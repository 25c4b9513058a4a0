"""What-if: changed inputs, dropped or completed tasks, changed pack parameters; and threshold
sensitivity across a cohort.

A changed input re-runs the engine for that one city; a toggle only rewrites the verdict table
and re-scores it; a changed parameter compiles a variant pack once and re-runs its rules.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .assess import build, read_all, read_one
from .engine import Verdicts, engine_for
from .errors import InputError, Problem, display_path
from .packs import Pack
from .packs.params import WEIGHTS, with_params
from .results import Assessment
from .submission import Submission, derive, parse_value
from .verdicts import LABELS, MET, NOT_APPLICABLE, TASK_LABELS, UNMET
from .yamlio import line_of, load_document


@dataclass(frozen=True)
class Variant:
    name: str
    sets: dict[str, Any] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    complete: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)


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
        verdicts = engine_for(vpack).verdicts(changed)
    verdicts = toggle(vpack, verdicts, variant.drop, variant.complete, variant.name)
    return build(vpack, changed, verdicts)


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
    return Verdicts(statuses, proved, verdicts.mandatory_rules, verdicts.warnings)


def compare(name: str, base: Assessment, variant: Assessment) -> dict[str, Any]:
    """What changed between the baseline and a variant: score, grade, tasks, requirements."""
    base_tasks = {t.id: t for t in base.tasks}
    tasks = [
        {
            "id": t.id,
            "from": base_tasks[t.id].status,
            "to": t.status,
            "fraction_from": _fraction(base_tasks[t.id].fraction),
            "fraction_to": _fraction(t.fraction),
        }
        for t in variant.tasks
        if (t.status, t.fraction) != (base_tasks[t.id].status, base_tasks[t.id].fraction)
    ]
    before = base.requirement_statuses()
    requirements = [
        {"id": rid, "from": before[rid], "to": status}
        for rid, status in variant.requirement_statuses().items()
        if status != before[rid]
    ]
    return {
        "name": name,
        "baseline": _headline(base),
        "variant": _headline(variant),
        "score_change": float(variant.score - base.score),
        "tasks": tasks,
        "requirements": requirements,
    }


def describe_changes(cmp: dict[str, Any], lang: str = "zh") -> list[str]:
    """A comparison's changes in words: "T8 未完成→完成", "T7 44%→0%", "T8.R1 未达到→达到"."""
    task, verdict = TASK_LABELS[lang], LABELS[lang]
    out = [
        f"{t['id']} {task[t['from']]}→{task[t['to']]}"
        if t["from"] != t["to"]
        else f"{t['id']} {_percent(t['fraction_from'])}→{_percent(t['fraction_to'])}"
        for t in cmp["tasks"]
    ]
    return out + [f"{r['id']} {verdict[r['from']]}→{verdict[r['to']]}" for r in cmp["requirements"]]


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _headline(a: Assessment) -> dict[str, Any]:
    return {
        "score": float(a.score),
        "grade": a.grade,
        "grade_label": a.grade_label,
        "mandatory_complete": a.mandatory_complete,
    }


def _fraction(value) -> float | None:
    return None if value is None else round(float(value), 4)


@dataclass(frozen=True)
class Scenario:
    name: str
    base: Path
    variants: tuple[Variant, ...]


_VARIANT_KEYS = {"name", "set", "drop", "complete", "params"}


def read_scenario(path: Path) -> Scenario:
    """A scenario file: a base submission (path relative to the file) and named variants."""
    name = display_path(path)
    data, lines = load_document(path)
    problems = []

    def problem(where: tuple, zh: str, en: str) -> None:
        problems.append(Problem(zh, en, name, line_of(lines, where), ".".join(map(str, where))))

    if not isinstance(data, dict) or not isinstance(data.get("base"), str):
        raise InputError(
            [
                Problem(
                    "情景文件须写明 base（基准提交文件）和 variants",
                    "a scenario needs base and variants",
                    name,
                )
            ]
        )
    raw_variants = data.get("variants")
    if not isinstance(raw_variants, list) or not raw_variants:
        problem(("variants",), "variants 应为非空列表", "variants must be a non-empty list")
        raw_variants = []
    for key in set(data) - {"name", "base", "variants"}:
        problem((key,), "不认识的键", "unknown key")
    variants = []
    for i, raw in enumerate(raw_variants):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            problem(("variants", i), "每个变化须有 name", "every variant needs a name")
            continue
        for key in set(raw) - _VARIANT_KEYS:
            problem(
                ("variants", i, key),
                "不认识的键（可用：name、set、drop、complete、params）",
                "unknown key (use name, set, drop, complete, params)",
            )
        variants.append(
            Variant(
                raw["name"],
                dict(raw.get("set") or {}),
                tuple(raw.get("drop") or ()),
                tuple(raw.get("complete") or ()),
                dict(raw.get("params") or {}),
            )
        )
    if problems:
        raise InputError(problems)
    return Scenario(str(data.get("name") or path.stem), path.parent / data["base"], tuple(variants))


def simulate(
    path: Path, pack_id: str | None = None
) -> tuple[str, Assessment, list[dict[str, Any]]]:
    """The scenario's name, the baseline and one comparison per variant of a scenario file."""
    scenario = read_scenario(path)
    pack, submission = read_one(scenario.base, pack_id)
    verdicts = engine_for(pack).verdicts(submission)
    base = build(pack, submission, verdicts)
    rows = [compare(v.name, base, run(pack, submission, verdicts, v)) for v in scenario.variants]
    return scenario.name, base, rows


def sensitivity(
    paths, param: str, values: list[str], pack_id: str | None = None
) -> list[dict[str, Any]]:
    """For each value of one pack parameter, the cities whose grade changes from the baseline."""
    cities = read_all(paths, pack_id)
    verdicts = {s.source: engine_for(p).verdicts(s) for p, s in cities}
    baseline = {s.source: build(p, s, verdicts[s.source]) for p, s in cities}
    # Grade lines and weights change the scoring only: the baseline verdicts still hold.
    rules_change = not (param.startswith("bands.") or param in WEIGHTS)
    out = []
    for value in values:
        changes = []
        variants: dict[int, Pack] = {}
        for pack, submission in cities:
            if id(pack) not in variants:
                variants[id(pack)] = with_params(pack, {param: value})
            vpack = variants[id(pack)]
            decided = (
                engine_for(vpack).verdicts(submission)
                if rules_change
                else verdicts[submission.source]
            )
            after = build(vpack, submission, decided)
            before = baseline[submission.source]
            if after.grade != before.grade:
                changes.append(
                    {
                        "city": submission.city,
                        "source": submission.source,
                        "from": before.grade,
                        "to": after.grade,
                        "from_label": before.grade_label,
                        "to_label": after.grade_label,
                        "score_from": float(before.score),
                        "score_to": float(after.score),
                    }
                )
        out.append({"param": param, "value": value, "changes": changes})
    return out
