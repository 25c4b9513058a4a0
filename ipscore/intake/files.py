"""From paths to submissions: files, directories, spreadsheets and scenario files.

Every command that reads submissions comes through here, so they all accept the same inputs,
report every bad file in one pass, and choose the pack the same way (`--pack`, else the file's
own `pack:` key).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, IpscoreError, Problem, display_path
from ..packs import Pack, find_pack
from ..text import bad_name, control_character
from ..yamlio import line_of, load_document, within
from .submission import PackChooser, Submission, read_submission

SHEET_SUFFIXES = (".xlsx", ".csv")
SUBMISSION_SUFFIXES = (".yaml", ".yml", ".json", *SHEET_SUFFIXES)
# A what-if scenario kept beside the city file it starts from; not a submission.
SCENARIO_SUFFIX = ".whatif.yaml"
# The national office's plan of a year (`ipscore season open`); not a submission either.
SEASON_SUFFIX = ".season.yaml"


def is_scenario(path: Path) -> bool:
    return path.name.lower().endswith(SCENARIO_SUFFIX)


def is_season(path: Path) -> bool:
    return path.name.lower().endswith(SEASON_SUFFIX)


def scenario_files(paths: Iterable[str | Path]) -> list[Path]:
    """The scenario files named, a folder standing for the *.whatif.yaml files in it (sorted);
    a folder with none, or a path that is not there, is a clear error."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and is_scenario(p))
            if not found:
                raise InputError(
                    [
                        Problem(
                            f"目录中没有情景文件（*{SCENARIO_SUFFIX}）",
                            f"no scenario file (*{SCENARIO_SUFFIX}) in the folder",
                            display_path(path),
                        )
                    ]
                )
            out += found
        else:
            out.append(path)
    return out


def submission_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the submissions directly inside each directory, sorted by name."""
    files: list[Path] = []
    problems = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.iterdir()
                if p.suffix.lower() in SUBMISSION_SUFFIXES
                and not is_scenario(p)
                and not is_season(p)
            )
            if not found:
                problems.append(
                    Problem(
                        "目录中没有 .yaml、.yml、.json、.xlsx 或 .csv 提交文件",
                        "no .yaml, .yml, .json, .xlsx or .csv submission in this directory",
                        display_path(path),
                    )
                )
        else:
            found = [path]
        for file in found:
            problem = _unusable(file)
            if problem is None:
                files.append(file)
            else:
                problems.append(problem)
    if problems:
        raise InputError(problems)
    return files


def _unusable(path: Path) -> Problem | None:
    """Why a path given (or found in a folder) is no submission to read; None if it may be."""
    if path.is_symlink() and not path.exists():
        return Problem(
            "符号链接无法解析（指向的文件不存在，或链接绕成了圈）",
            "a symbolic link that leads nowhere (its target is missing, or it loops)",
            display_path(path),
        )
    if not path.exists():
        return Problem("文件不存在", "file not found", display_path(path))
    if path.is_dir():  # in a folder, named like a submission
        return Problem(
            "这是一个目录，不是文件", "this is a directory, not a file", display_path(path)
        )
    if is_scenario(path):
        return Problem(
            "这是假设分析情景文件（*.whatif.yaml），不是提交文件：请用 ipscore simulate",
            "this is a what-if scenario (*.whatif.yaml), not a submission: use ipscore simulate",
            display_path(path),
        )
    if is_season(path):
        return Problem(
            "这是考核年度文件（*.season.yaml），不是提交文件：请用 ipscore season open",
            "this is a season file (*.season.yaml), not a submission: use ipscore season open",
            display_path(path),
        )
    return None


def is_batch(paths: Iterable[str | Path]) -> bool:
    """Whether the paths name a cohort (a directory or several files), not one city's file."""
    given = [Path(p) for p in paths]
    return not (len(given) == 1 and given[0].is_file())


def pack_chooser(pack_override: str | None) -> PackChooser:
    """The pack for a file: --pack if given, else the file's own `pack:` key. Each pack is
    found once per chooser (a batch asks for it once per city)."""
    found: dict[str, Pack] = {}

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
        if chosen not in found:
            found[chosen] = find_pack(chosen)
        return found[chosen]

    return choose


def read_file(path: Path, choose: PackChooser, any_year: bool = False) -> list[Submission]:
    """The cities of one file; its problems name the file."""
    try:
        if path.suffix.lower() in SHEET_SUFFIXES:
            from . import sheets  # openpyxl loads only when a spreadsheet is read

            return sheets.read(path, choose, any_year)
        return [read_submission(path, choose, any_year)]
    except IpscoreError as exc:
        raise located(exc, path) from None


def located(exc: IpscoreError, path: Path) -> InputError:
    """The error with the file named in every problem that does not name one."""
    return InputError(
        [
            p if p.file else Problem(p.zh, p.en, display_path(path), p.line, p.field)
            for p in exc.problems
        ]
    )


def twice(city: str, source: str, first: str) -> Problem:
    """A city-year submitted a second time, from `source` (the first time from `first`)."""
    return Problem(
        f"城市 {city} 重复提交（另见 {first}）",
        f"city {city} is submitted twice (see also {first})",
        source,
        field="city.name",
    )


def read_all(
    paths: Iterable[str | Path], pack: str | None = None, any_year: bool = False
) -> list[tuple[Pack, Submission]]:
    """Read and validate every submission first, reporting every bad file in one pass.

    With `any_year`, submissions for years their pack does not assess are read too (the
    archive stores them as figures); a city may then appear once per year.
    """
    out, problems = read_each(paths, pack, any_year)
    if problems:
        raise InputError(problems)
    return out


def read_each(
    paths: Iterable[str | Path], pack: str | None = None, any_year: bool = False
) -> tuple[list[tuple[Pack, Submission]], list[Problem]]:
    """Every submission of the files that read cleanly, and every problem of those that do
    not: `validate` confirms the good files beside the bad, reading each once."""
    choose = pack_chooser(pack)
    out: list[tuple[Pack, Submission]] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str, int], str] = {}
    for path in submission_files(paths):
        try:
            found = read_file(path, choose, any_year)
        except IpscoreError as exc:
            # A broken --pack fails every file alike: said once, not once per file.
            problems.extend(p for p in exc.problems if p not in problems)
            continue
        for submission in found:
            key = (submission.pack_id, submission.city, submission.year)
            if key in seen:
                problems.append(twice(submission.city, submission.source, seen[key]))
                continue
            seen[key] = submission.source
            out.append((choose(submission.pack_id), submission))
    return out, problems


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


@dataclass(frozen=True)
class Variant:
    """One what-if: changed inputs (`sets`, text as typed; empty makes a field missing), tasks
    dropped or completed, changed pack parameters. Named, as in a scenario file."""

    name: str
    sets: dict[str, Any] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    complete: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)


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

    def problem(where: tuple[str | int, ...], zh: str, en: str) -> None:
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
        shapes = {"set": dict, "drop": list, "complete": list, "params": dict}
        for key, shape in shapes.items():
            value = raw.get(key)
            if isinstance(value, str) and shape is list:
                raw[key] = [value]  # `drop: T7` means the one task
            elif value is not None and not isinstance(value, shape):
                want_zh, want_en = (
                    ("任务编号列表，如 [T7]", "a list of task ids, e.g. [T7]")
                    if shape is list
                    else ("映射，如 {字段: 值}", "a mapping")
                )
                problem(("variants", i, key), f"{key} 应为{want_zh}", f"{key} must be {want_en}")
                raw[key] = None
        variants.append(
            Variant(
                raw["name"],
                dict(raw.get("set") or {}),
                tuple(str(t) for t in raw.get("drop") or ()),
                tuple(str(t) for t in raw.get("complete") or ()),
                dict(raw.get("params") or {}),
            )
        )
    base = path.parent / data["base"]
    if code := control_character(data["base"]):
        problem(("base",), *bad_name(code))
    elif not within(path.parent, base):
        problem(
            ("base",),
            f"基准提交文件须在情景文件所在的文件夹（或其子文件夹）内，实际为 {data['base']}"
            "（自己的文件可加 --allow-outside）",
            f"the base submission must be inside the scenario's folder (or below it), got "
            f"{data['base']} (for your own files: --allow-outside)",
        )
    if problems:
        raise InputError(problems)
    return Scenario(str(data.get("name") or path.stem), base, tuple(variants))
