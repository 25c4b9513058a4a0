"""The one pipeline every command calls: submission → engine → scoring → Assessment.

`evaluate` is the single entry for "the verdicts and the assessment of this submission";
what-if, plan and the CLI go through it (or through `build`, for verdicts they changed
themselves) and never reach for the engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from . import explain, scoring
from .engine import engine_for
from .intake import read_all
from .packs import Pack, per_pack
from .packs.conditions import fields_read, in_year, split_year
from .results import Assessment, RequirementResult, TaskResult
from .submission import Submission, Value
from .verdicts import MISSING, UNMET, Verdicts


@dataclass(frozen=True)
class _Static:
    """What a requirement contributes to every result, worked out once per pack."""

    read: tuple[str, ...]
    expected: str
    expected_en: str
    weight: Fraction


@per_pack
def _static(pack: Pack) -> dict[str, _Static]:
    out = {}
    for _, req in pack.requirements():
        read = fields_read(req.check)
        if req.applies_if is not None:
            read = list(dict.fromkeys([*fields_read(req.applies_if), *read]))
        out[req.id] = _Static(
            tuple(read),
            explain.expected(pack, req),
            explain.expected(pack, req, "en"),
            scoring.requirement_weight(pack, req),
        )
    return out


@dataclass(frozen=True)
class Evaluation:
    """A submission's verdicts, as the engine decided them, and the assessment built on them."""

    verdicts: Verdicts
    assessment: Assessment


def evaluate(pack: Pack, submission: Submission) -> Evaluation:
    verdicts = engine_for(pack).verdicts(submission)
    return Evaluation(verdicts, build(pack, submission, verdicts))


def assess(pack: Pack, submission: Submission) -> Assessment:
    return evaluate(pack, submission).assessment


def assess_paths(paths: Iterable[str | Path], pack: str | None = None) -> list[Assessment]:
    return [assess(p, s) for p, s in read_all(paths, pack)]


def build(pack: Pack, submission: Submission, verdicts: Verdicts) -> Assessment:
    """The Assessment for verdicts already decided (by the engine, or toggled by what-if)."""
    values = submission.values
    static = _static(pack)
    mandatory = scoring.mandatory_tasks(pack, verdicts.mandatory_rules)
    tasks = []
    missing: dict[str, None] = {}
    for task in pack.tasks:
        reqs = []
        for req in task.requirements:
            status = verdicts.statuses[req.id]
            known = static[req.id]
            if status == MISSING:
                missing.update((f, None) for f in _absent_inputs(pack, known.read, values))
            reqs.append(
                RequirementResult(
                    id=req.id,
                    task=task.id,
                    kind=req.kind,
                    title=req.title,
                    title_en=req.title_en,
                    status=status,
                    weight=known.weight,
                    inputs={f: values.get(f) for f in known.read},
                    expected=known.expected,
                    expected_en=known.expected_en,
                    gap=explain.gap(pack, req, values) if status == UNMET else None,
                    gap_en=explain.gap(pack, req, values, "en") if status == UNMET else None,
                    remedy=req.remedy,
                    remedy_en=req.remedy_en,
                    citation=req.citation.model_dump(),
                    interpretive=req.interpretive,
                    interpretive_en=req.interpretive_en,
                    proved_by=verdicts.proved_by.get(req.id),
                    deadline=None if req.deadline is None else str(req.deadline),
                    responsible=tuple(req.responsible),
                )
            )
        tasks.append((task, reqs))
    summary = scoring.summarize(pack, verdicts.statuses, mandatory)
    return Assessment(
        pack=pack,
        year=pack.pack.year,
        city=submission.city,
        province=_text(values.get("city.province")),
        level=_text(values.get("city.level")),
        batch=_batch(values.get("city.batch")),
        score=summary.score,
        exact_score=summary.exact,
        grade=summary.band.code,
        grade_label=summary.band.label,
        mandatory_complete=summary.mandatory_complete,
        tasks=tuple(
            TaskResult(
                id=task.id,
                title=task.title,
                title_en=task.title_en,
                mandatory=task.id in mandatory,
                status=summary.task_status[task.id],
                weight=summary.task_weight[task.id],
                fraction=summary.task_fraction[task.id],
                requirements=tuple(reqs),
            )
            for task, reqs in tasks
        ),
        missing=tuple(missing),
        source=submission.source,
        scoring_note=pack.scoring.note,
        warnings=tuple(
            {"id": c.id, "message": c.message, "message_en": c.message_en}
            for c in pack.plausibility
            if c.id in verdicts.warnings
        ),
        inputs=submission.inputs,
    )


def _absent_inputs(pack: Pack, read: Iterable[str], values: Mapping[str, Value]) -> list[str]:
    """The absent fields a city could fill in: for a computed ratio, its absent inputs."""
    out = []
    for name in read:
        if name in values:
            continue
        _, year = split_year(name)
        inputs = [in_year(f, year) for f in pack.field(name).of or []]
        absent = [f for f in inputs if f not in values]
        out += absent or [name]
    return out


def _text(value: Value | None) -> str | None:
    return None if value is None else str(value)


def _batch(value: Value | None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
