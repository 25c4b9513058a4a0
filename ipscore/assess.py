"""The one pipeline every command calls: submission → engine → scoring → Assessment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from . import explain, scoring
from .engine import Verdicts, engine_for
from .errors import InputError, IpscoreError, Problem, display_path
from .packs import Pack, find_pack, per_pack
from .packs.conditions import fields_read
from .results import Assessment, RequirementResult, TaskResult
from .sheets import SHEET_SUFFIXES
from .sheets import read as read_sheet
from .submission import Submission, read_submission
from .verdicts import MISSING, UNMET

SUBMISSION_SUFFIXES = (".yaml", ".yml", ".json", *SHEET_SUFFIXES)


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


def assess(pack: Pack, submission: Submission) -> Assessment:
    return build(pack, submission, engine_for(pack).verdicts(submission))


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
        pack=pack.id,
        pack_version=pack.pack.version,
        year=pack.pack.year,
        city=submission.city,
        province=_text(values.get("city.province")),
        level=_text(values.get("city.level")),
        batch=values.get("city.batch"),
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
    )


def _absent_inputs(pack: Pack, read, values) -> list[str]:
    """The absent fields a city could fill in: for a computed ratio, its absent inputs."""
    out = []
    for name in read:
        if name in values:
            continue
        inputs = pack.field(name).of or []
        absent = [f for f in inputs if f not in values]
        out += absent or [name]
    return out


def _text(value) -> str | None:
    return None if value is None else str(value)


def submission_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the submissions directly inside each directory, sorted by name."""
    files: list[Path] = []
    problems = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in SUBMISSION_SUFFIXES)
            if not found:
                problems.append(
                    Problem(
                        "目录中没有 .yaml、.yml、.json、.xlsx 或 .csv 提交文件",
                        "no .yaml, .yml, .json, .xlsx or .csv submission in this directory",
                        display_path(path),
                    )
                )
            files.extend(found)
        elif not path.exists():
            problems.append(Problem("文件不存在", "file not found", display_path(path)))
        else:
            files.append(path)
    if problems:
        raise InputError(problems)
    return files


def pack_chooser(pack_override: str | None):
    """The pack for a file: --pack if given, else the file's own `pack:` key."""

    def choose(pack_id: str | None) -> Pack:
        chosen = pack_override or pack_id
        if chosen is None:
            raise InputError(
                [
                    Problem(
                        "提交文件没有写 pack（规则包编号），请在文件中写明或使用 --pack",
                        "the submission names no pack; add `pack:` or use --pack",
                        field="pack",
                    )
                ]
            )
        return find_pack(chosen)

    return choose


def read_all(paths: Iterable[str | Path], pack: str | None = None) -> list[tuple[Pack, Submission]]:
    """Read and validate every submission first, reporting every bad file in one pass."""
    choose = pack_chooser(pack)
    out, problems = [], []
    seen: dict[tuple[str, str], str] = {}
    for path in submission_files(paths):
        try:
            if path.suffix.lower() in SHEET_SUFFIXES:
                found = read_sheet(path, choose)
            else:
                found = [read_submission(path, choose)]
        except IpscoreError as exc:
            problems.extend(
                p if p.file else Problem(p.zh, p.en, display_path(path), p.line, p.field)
                for p in exc.problems
            )
            continue
        for submission in found:
            key = (submission.pack_id, submission.city)
            if key in seen:
                problems.append(
                    Problem(
                        f"城市 {submission.city} 重复提交（另见 {seen[key]}）",
                        f"city {submission.city} is submitted twice (see also {seen[key]})",
                        submission.source,
                        field="city.name",
                    )
                )
                continue
            seen[key] = submission.source
            out.append((choose(submission.pack_id), submission))
    if problems:
        raise InputError(problems)
    return out


def read_one(path: str | Path, pack: str | None = None) -> tuple[Pack, Submission]:
    """The single city a command about one city needs (whatif, plan, a scenario's base)."""
    found = read_all([path], pack)
    if len(found) != 1:
        raise InputError(
            [
                Problem(
                    f"这个命令一次只处理一个城市，文件中有 {len(found)} 个",
                    f"this command takes one city; the file holds {len(found)}",
                    display_path(Path(path)),
                )
            ]
        )
    return found[0]


def assess_paths(paths: Iterable[str | Path], pack: str | None = None) -> list[Assessment]:
    return [assess(p, s) for p, s in read_all(paths, pack)]
