"""The one pipeline every command calls: submission → engine → scoring → Assessment.

`evaluate` is the single entry for "the verdicts and the assessment of this submission";
what-if, plan and the CLI go through it (or through `build`, for verdicts they changed
themselves) and never reach for the engine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..intake.evidence import Attached
from ..intake.files import read_all
from ..intake.submission import Submission
from ..intake.values import Value, derive
from ..packs import Pack, per_pack
from ..packs.conditions import YEAR, fields_read, in_year, split_year
from ..verdicts import MISSING, PREV, UNMET, Verdicts
from . import explain, scoring
from .engine import engine_for
from .points import SheetScore, item_gap, sheet_score
from .results import Assessment, Gap, RequirementFacts, RequirementResult, TaskResult

if TYPE_CHECKING:
    from ..store.records import Stored


@per_pack
def _facts(pack: Pack) -> dict[str, RequirementFacts]:
    out = {}
    for task, req in pack.requirements():
        read = fields_read(req.check)
        if req.applies_if is not None:
            read = list(dict.fromkeys([*fields_read(req.applies_if), *read]))
        out[req.id] = RequirementFacts(
            id=req.id,
            task=task.id,
            kind=req.kind,
            title=req.title,
            title_en=req.title_en,
            weight=scoring.requirement_weight(pack, req),
            read=tuple(read),
            expected=explain.expected(pack, req),
            expected_en=explain.expected(pack, req, "en"),
            remedy=req.remedy,
            remedy_en=req.remedy_en,
            citation=req.citation.model_dump(),
            interpretive=req.interpretive,
            interpretive_en=req.interpretive_en,
            deadline=None if req.deadline is None else str(req.deadline),
            responsible=tuple(req.responsible),
            evidence_keys=_evidence_keys(pack, req.id, read),
        )
    return out


def _evidence_keys(pack: Pack, req_id: str, read: Iterable[str]) -> tuple[str, ...]:
    keys = [req_id]
    for name in read:
        if split_year(name)[1] is None:  # another year's figure was filed that year
            keys += pack.ratio_inputs(name) or [name]
    return tuple(dict.fromkeys(keys))


@dataclass(frozen=True)
class Evaluation:
    """A submission's verdicts, as the engine decided them, and the assessment built on them."""

    verdicts: Verdicts
    assessment: Assessment


class OtherYears(Protocol):
    """Where figures of other years are found beyond the submission: an archive."""

    def figures_of(self, city: str, year: int) -> Mapping[str, tuple[Value, Stored]]: ...


def evaluate(
    pack: Pack, submission: Submission, other_years: OtherYears | None = None
) -> Evaluation:
    submission = with_other_years(pack, submission, other_years)
    verdicts = engine_for(pack).verdicts(submission)
    return Evaluation(verdicts, build(pack, submission, verdicts))


def decide(pack: Pack, submission: Submission) -> Verdicts:
    """The engine's verdicts alone, for questions that need only a score and a grade (a
    sensitivity sweep): no explanations, no result objects."""
    return engine_for(pack).verdicts(with_other_years(pack, submission, None))


def assess(pack: Pack, submission: Submission, other_years: OtherYears | None = None) -> Assessment:
    return evaluate(pack, submission, other_years).assessment


def assess_paths(
    paths: Iterable[str | Path], pack: str | None = None, other_years: OtherYears | None = None
) -> list[Assessment]:
    return [assess(p, s, other_years) for p, s in read_all(paths, pack)]


@per_pack
def other_years_read(pack: Pack) -> tuple[str, ...]:
    """Every figure of another year the pack's rules read, and what those are made of: a
    ratio's inputs of that year, and for `x_prev` of a year, `x` of the year before."""
    read = {f for c in pack.conditions() for f in fields_read(c)}
    twins = pack.previous_pairs()
    # Every typed x_prev is checked against last year's x on record (the engine's prev: rules).
    read |= {in_year(base, pack.pack.year - 1) for base in twins.values()}
    pending, seen = list(read), set(read)
    while pending:
        base, year = split_year(pending.pop())
        made_of = [in_year(f, year) for f in pack.field(base).of or []]
        if base in twins:
            made_of.append(in_year(twins[base], (year or pack.pack.year) - 1))
        for name in made_of:
            if name not in seen:
                seen.add(name)
                pending.append(name)
    return tuple(sorted(n for n in seen if split_year(n)[1] is not None))


def with_other_years(
    pack: Pack, submission: Submission, other_years: OtherYears | None
) -> Submission:
    """The submission with the other years' figures its pack reads: from its own `history`
    first, then the archive's current figures for that city and year. A `_prev` figure left
    blank is last year's figure, where one is known."""
    nothing_to_read = other_years is None and not submission.other_years
    aliases = {a: t for a, t in pack.aliases().items() if a in submission.values}
    if nothing_to_read and not aliases and not any(YEAR in k for k in submission.values):
        return submission  # no other year to read and none to fill from
    values = dict(submission.values)
    origins = dict(submission.other_years)  # filled before: keep where they came from
    origins.update(
        (k, {"from": "history"})
        for k in values
        if split_year(k)[1] is not None and k not in origins
    )
    found_by_year: dict[int, Mapping[str, tuple[Value, Stored]]] = {}
    for name in other_years_read(pack):
        base, year = split_year(name)
        if name in values or other_years is None or year is None:
            continue
        if year not in found_by_year:
            found_by_year[year] = other_years.figures_of(submission.city, year)
        if base in found_by_year[year]:
            value, stored = found_by_year[year][base]
            values[name] = value
            origins[name] = {
                "from": "archive",
                "id": stored.id,
                "file": stored.source,
                "sha256": stored.input_sha256,
                "stored_at": stored.stored_at,
            }
    for alias, target in aliases.items():  # a figure typed under its older name is used
        origin: dict[str, Any] = {"from": "submission", "field": alias}
        if target in values:
            origin["recorded"] = {"value": values[target], **origins.get(target, {})}
        values[target], origins[target] = values[alias], origin
    years = sorted({split_year(n)[1] or submission.year for n in values} | {submission.year})
    for year in years:  # x_prev of a year left blank is x of the year before
        for prev, base in pack.previous_pairs().items():
            mine, last = in_year(prev, _other(year, submission)), in_year(base, year - 1)
            if mine not in values and last in values:
                values[mine] = values[last]
                origins[mine] = {**origins.get(last, {}), "as": last}
    if values == submission.values and origins == submission.other_years:
        return submission
    for year in years:
        derive(pack, values, _other(year, submission))
    return dataclasses.replace(submission, values=values, other_years=origins)


def build(
    pack: Pack, submission: Submission, verdicts: Verdicts, sheet: SheetScore | None = None
) -> Assessment:
    """The Assessment for verdicts already decided (by the engine, or toggled by what-if). A
    points sheet is added up from the verdicts' bands, unless a what-if gives it (`sheet`:
    items taken as dropped or met)."""
    values = submission.values
    attached = submission.evidence
    facts = _facts(pack)
    proved_by = verdicts.proved_by
    mandatory = scoring.mandatory_tasks(pack, verdicts.mandatory_rules)
    if sheet is None and pack.is_sheet:
        sheet = sheet_score(pack, verdicts, values, submission.claimed)
    items = {i.id: i for i in sheet.items} if sheet is not None else {}
    tasks = []
    missing: dict[str, None] = {}
    uncomputable: dict[str, None] = {}
    for task in pack.tasks:
        reqs = []
        for req in task.requirements:
            status = verdicts.statuses[req.id]
            known = facts[req.id]
            result = RequirementResult(known, status, values, None, proved_by.get(req.id))
            if status == UNMET and req.id in items:  # an item short of full marks
                result.gap_words = Gap(partial(item_gap, pack, req, items[req.id], values))
            elif status == UNMET:
                result.gap_words = Gap(partial(explain.gap, pack, req, values))
            elif status == MISSING:
                zero = _zero_divisor(pack, known.read, values)
                uncomputable.update((f, None) for f in zero)
                missing.update((f, None) for f in _absent_inputs(pack, known.read, values))
                if zero:  # why it cannot be decided, where the gap would go
                    result.gap_words = Gap(partial(explain.uncomputable, pack, zero))
                    result.uncomputable = zero
            if attached:
                result.evidence = tuple(k for k in known.evidence_keys if k in attached)
            reqs.append(result)
        tasks.append((task, reqs))
    for veto in pack.scoring.vetoes:  # a veto not decided: what it reads is missing too
        if veto.id in verdicts.undecided_vetoes:
            missing.update((f, None) for f in _absent_inputs(pack, fields_read(veto.when), values))
    summary = scoring.summarize(pack, verdicts.statuses, mandatory, sheet)
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
        uncomputable=tuple(uncomputable),
        source=submission.source,
        scoring_note=pack.scoring.note,
        warnings=tuple(
            {"id": c.id, "message": c.message, "message_en": c.message_en}
            for c in pack.plausibility
            if c.id in verdicts.warnings
        )
        + tuple(_disagreement(pack, submission, w) for w in verdicts.warnings if w.startswith(PREV))
        + _renamed_disagreements(pack, submission)
        + _absent_files(submission.evidence),
        inputs=submission.inputs,
        evidence=submission.evidence,
        other_years=_other_years_used(pack, submission),
        sheet=sheet,
    )


def _other_years_used(pack: Pack, submission: Submission) -> dict[str, dict[str, Any]]:
    """Each other year's figure the assessment used, with where it came from. Where the city
    typed last year's figure itself (`x_prev`), that is the figure used: the entry says so,
    and gives the figure on record beside it (`recorded`) and whether the two differ."""
    values = submission.values
    typed_twins = {
        in_year(base, submission.year - 1): prev
        for prev, base in pack.previous_pairs().items()
        if prev in values and prev not in submission.other_years
    }
    out = {}
    for name, origin in sorted(submission.other_years.items()):
        prev = typed_twins.get(name)
        if prev is None:
            out[name] = {"value": values[name], **origin}
            if "recorded" in origin:  # typed under an older name (`same_as`)
                out[name]["differs"] = values[name] != origin["recorded"]["value"]
            continue
        out[name] = {
            "value": values[prev],
            "from": "submission",
            "field": prev,
            "recorded": {"value": values[name], **origin},
            "differs": values[prev] != values[name],
        }
    return out


def _absent_inputs(pack: Pack, read: Iterable[str], values: Mapping[str, Value]) -> list[str]:
    """The absent fields a city could fill in: for a computed ratio, its absent inputs (a
    ratio whose inputs were all filed, over a zero, is uncomputable, not missing)."""
    out = []
    for name in read:
        if name in values:
            continue
        absent = [pack.filed_as(f) for f in pack.ratio_inputs(name) if f not in values]
        if absent or pack.field(name).type != "ratio":
            out += absent or [pack.filed_as(name)]
    return out


def _zero_divisor(pack: Pack, read: Iterable[str], values: Mapping[str, Value]) -> tuple[str, ...]:
    """The ratios read that cannot be computed because their divisor was filed as 0."""
    return tuple(
        name
        for name in read
        if name not in values and (inputs := pack.ratio_inputs(name)) and values.get(inputs[1]) == 0
    )


def _other(year: int, submission: Submission) -> int | None:
    """A year as named in values: None for the submission's own year."""
    return None if year == submission.year else year


def _disagreement(pack: Pack, submission: Submission, warning: str) -> dict[str, str]:
    """The warning that a typed `_prev` figure differs from last year's figure on record."""
    prev = warning.removeprefix(PREV)
    year = submission.year - 1
    last = in_year(prev.removesuffix("_prev"), year)
    decl = pack.field(prev)  # its label names last year: 2014年专利权质押融资金额
    typed, known = submission.values[prev], submission.values[last]
    where = submission.other_years.get(last, {}).get("from")
    record = {"archive": ("存档", "the archive"), "history": ("history 中", "history")}.get(
        where or "", ("记录", "the record")
    )
    return {
        "id": warning,
        "message": f"{explain.label(decl, 'zh')}填报{explain.show(decl, typed)}，"
        f"而{year}年度{record[0]}为{explain.show(decl, known)}；评估用填报的数，请核对",
        "message_en": f"{explain.label(decl, 'en')} is entered as "
        f"{explain.show(decl, typed, 'en')}, but {record[1]} holds "
        f"{explain.show(decl, known, 'en')} for {year}; the entered figure is used",
    }


def _renamed_disagreements(pack: Pack, submission: Submission) -> tuple[dict[str, str], ...]:
    """A warning for each other year's figure typed under its older name (`same_as`) that
    differs from the figure on record: the typed one is used."""
    out = []
    for alias, target in pack.aliases().items():
        recorded = submission.other_years.get(target, {}).get("recorded")
        if recorded is None or recorded["value"] == submission.values[target]:
            continue
        decl = pack.field(alias)
        where = {"archive": ("存档", "the archive"), "history": ("history 中", "history")}.get(
            recorded.get("from", ""), ("记录", "the record")
        )
        typed, known = submission.values[target], recorded["value"]
        year = split_year(target)[1]
        out.append(
            {
                "id": f"renamed:{alias}",
                "message": f"{explain.label(decl, 'zh')}填报{explain.show(decl, typed)}，"
                f"而{year}年度{where[0]}为{explain.show(decl, known)}；评估用填报的数，请核对",
                "message_en": f"{explain.label(decl, 'en')} is entered as "
                f"{explain.show(decl, typed, 'en')}, but {where[1]} holds "
                f"{explain.show(decl, known, 'en')} for {year}; the entered figure is used",
            }
        )
    return tuple(out)


def _absent_files(attached: Attached) -> tuple[dict[str, str], ...]:
    """A warning for each supporting document whose file is named but not there."""
    return tuple(
        {
            "id": f"evidence:{key}",
            "message": f"佐证材料文件不存在或无法读取：{piece.path}（附于 {key}）",
            "message_en": f"evidence file absent or unreadable: {piece.path} (for {key})",
        }
        for key, pieces in attached.items()
        for piece in pieces
        if piece.absent
    )


def _text(value: Value | None) -> str | None:
    return None if value is None else str(value)


def _batch(value: Value | None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
