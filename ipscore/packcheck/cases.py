"""Pack test cases written in YAML (rules/tests/<pack>.yaml), and the coverage they give.

A file holds a `base` submission and `cases`; each case changes a few fields (`set`, `unset`)
and lists the verdicts, score, grade and warnings it expects; on a points sheet also an item's
exact points (`points: {item: 9}`), the exact total (`total: 67.2`) and the vetoes that hold
(`vetoes: [id]`). Coverage counts, for every requirement, which of the verdicts it can take
(met, unmet, missing, and not_applicable where it has an applicability condition) some case
actually produced; on a points sheet also every band of every part of every item, and every
veto both held and not held.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from ..decide.pipeline import assess
from ..decide.results import Assessment
from ..errors import InputError, Problem, display_path
from ..intake.submission import parse_submission
from ..packs import Pack, find_pack
from ..packs.conditions import format_decimal
from ..packs.model import parts_of
from ..resources import data_dir
from ..verdicts import MET, MISSING, NOT_APPLICABLE, UNMET


def cases_file(pack_id_or_path: str) -> Path:
    path = Path(pack_id_or_path)
    if path.suffix:
        return path
    return data_dir("rules") / "tests" / f"{pack_id_or_path}.yaml"


def load_cases(path: Path) -> dict[str, Any]:
    try:
        cases: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        return cases
    except FileNotFoundError:
        raise InputError(
            [Problem("测试用例文件不存在", "no test-case file", display_path(path))]
        ) from None


def build(base: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    """The base submission with the case's changes: `facts` replaces every fact, then `set`
    and `unset` change single fields (dotted names)."""
    data = copy.deepcopy(base)
    if "facts" in case:
        data["facts"] = copy.deepcopy(case["facts"])
    data.setdefault("facts", {})
    for name in [*(case.get("set") or {}), *(case.get("unset") or [])]:
        if "." not in str(name):
            raise InputError(
                [
                    Problem(
                        f"用例“{case.get('name')}”的字段名 {name} 应写成 组.字段"
                        "（另一年度：组.字段@年份）",
                        f"case “{case.get('name')}”: field {name} must be group.field "
                        "(another year's: group.field@year)",
                    )
                ]
            )
    for name, value in (case.get("set") or {}).items():
        _holder(data, name, create=True)[name.partition("@")[0].split(".", 1)[1]] = value
    for name in case.get("unset") or []:
        _holder(data, name, create=False).pop(name.partition("@")[0].split(".", 1)[1], None)
    return data


def _holder(data: dict[str, Any], name: str, create: bool) -> dict[str, Any]:
    """The mapping a dotted name lives in: city, this year's facts, or a year of history."""
    plain, _, year = name.partition("@")
    group = plain.split(".", 1)[0]
    if group == "city":
        holder: dict[str, Any] = data["city"]
        return holder
    if year:
        history = data.setdefault("history", {})
        # The base's years may be read as numbers: find the one this name means.
        key = next((k for k in history if str(k) == year), year)
        facts = history.setdefault(key, {})
    else:
        facts = data["facts"]
    if create:
        found: dict[str, Any] = facts.setdefault(group, {})
        return found
    return facts.get(group, {}) if isinstance(facts.get(group), dict) else {}


def run_case(pack: Pack, base: dict[str, Any], case: dict[str, Any]) -> Assessment:
    return assess(pack, parse_submission(build(base, case), pack, case["name"], {}))


CASE_KEYS = (
    "name",
    "facts",
    "set",
    "unset",
    "expect",
    "score",
    "grade",
    "warnings",
    "points",
    "total",
    "vetoes",
)
SHEET_KEYS = ("points", "total", "vetoes")


def mismatches(case: dict[str, Any], result: Assessment) -> dict[str, tuple[Any, Any]]:
    """What the case expected and did not get: key → (expected, got). A key the runner does not
    know fails the case: a misspelt `set` would otherwise test nothing."""
    statuses = result.requirement_statuses()
    wrong: dict[str, tuple[Any, Any]] = {
        rid: (want, statuses.get(rid))
        for rid, want in (case.get("expect") or {}).items()
        if statuses.get(rid) != want
    }
    for key in case:
        if key not in CASE_KEYS:
            wrong[key] = (f"one of {', '.join(CASE_KEYS)}", key)
    if "score" in case and float(result.score) != case["score"]:
        wrong["score"] = (case["score"], float(result.score))
    if "grade" in case and result.grade != case["grade"]:
        wrong["grade"] = (case["grade"], result.grade)
    fired = sorted(w["id"] for w in result.warnings)
    if sorted(case.get("warnings") or []) != fired:
        wrong["warnings"] = (sorted(case.get("warnings") or []), fired)
    wrong.update(_sheet_mismatches(case, result))
    return wrong


def _sheet_mismatches(case: dict[str, Any], result: Assessment) -> dict[str, tuple[Any, Any]]:
    """A points sheet's expectations: each item's exact points, the exact total, the vetoes
    that hold (exactly those). The written decimal is read exactly: 16.2 is 81/5."""
    asked = [k for k in SHEET_KEYS if k in case]
    sheet = result.sheet
    if sheet is None:
        return {k: (case[k], "not a points sheet (scoring.method: points)") for k in asked}
    wrong: dict[str, tuple[Any, Any]] = {}
    items = {i.id: i for i in sheet.items}
    points = case.get("points") or {}
    if not isinstance(points, dict):
        wrong["points"] = ("{item-id: points}", points)
        points = {}
    for rid, want in points.items():
        item = items.get(str(rid))
        if item is None:
            wrong[f"points.{rid}"] = (want, f"no such item; one of {', '.join(items)}")
        elif _exact(want) != item.points:
            wrong[f"points.{rid}"] = (want, _shown(item.points))
    if "total" in case and _exact(case["total"]) != sheet.exact:
        wrong["total"] = (case["total"], _shown(sheet.exact))
    if "vetoes" in case and sorted(map(str, case["vetoes"] or [])) != sorted(sheet.vetoes):
        wrong["vetoes"] = (sorted(map(str, case["vetoes"] or [])), sorted(sheet.vetoes))
    return wrong


def _exact(written: Any) -> Fraction | None:
    """The number a case writes, exactly as written (16.2 is 81/5); None if it is not one."""
    if isinstance(written, bool):
        return None
    try:
        return Fraction(Decimal(str(written)))
    except (InvalidOperation, ValueError):
        return None


def _shown(value: Fraction) -> str:
    """Points exactly as a case would write them: 9, 16.2 (a fraction that no decimal
    writes, as a fraction: 1/3)."""
    text = format_decimal(value)
    return text if Fraction(Decimal(text)) == value else str(value)


def possible_verdicts(pack: Pack) -> dict[str, set[str]]:
    return {
        req.id: {MET, UNMET, MISSING} | ({NOT_APPLICABLE} if req.applies_if is not None else set())
        for _, req in pack.requirements()
    }


def possible_bands(pack: Pack) -> list[tuple[str, int, int]]:
    """(item, part, band) for every band of every part of every item of a points sheet."""
    return [
        (req.id, p, b)
        for _, req in pack.requirements()
        for p, part in enumerate(parts_of(req))
        for b in range(len(part.bands))
    ]


def possible_vetoes(pack: Pack) -> list[tuple[str, bool]]:
    """(veto, held) for every veto, held and not held."""
    return [(v.id, held) for v in pack.scoring.vetoes for held in (True, False)]


@dataclass
class Report:
    pack: Pack
    passed: list[str] = field(default_factory=list)
    failed: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    seen: dict[str, set[str]] = field(default_factory=dict)
    bands_seen: set[tuple[str, int, int]] = field(default_factory=set)
    vetoes_seen: set[tuple[str, bool]] = field(default_factory=set)

    @property
    def uncovered(self) -> list[tuple[str, str]]:
        return [
            (rid, verdict)
            for rid, verdicts in possible_verdicts(self.pack).items()
            for verdict in sorted(verdicts - self.seen.get(rid, set()))
        ]

    @property
    def uncovered_bands(self) -> list[tuple[str, int, int]]:
        """Bands no case put a part in: (item, part, band)."""
        return [b for b in possible_bands(self.pack) if b not in self.bands_seen]

    @property
    def uncovered_vetoes(self) -> list[tuple[str, bool]]:
        """A veto no case made hold, or none left not holding: (veto, held)."""
        return [v for v in possible_vetoes(self.pack) if v not in self.vetoes_seen]

    @property
    def coverage(self) -> float:
        total = sum(len(v) for v in possible_verdicts(self.pack).values())
        total += len(possible_bands(self.pack)) + len(possible_vetoes(self.pack))
        missed = len(self.uncovered) + len(self.uncovered_bands) + len(self.uncovered_vetoes)
        return 100 * (total - missed) / total


def run_file(path: Path) -> Report:
    spec = load_cases(path)
    pack = find_pack(spec["pack"])
    report = Report(pack)
    for case in spec["cases"]:
        result = run_case(pack, spec["base"], case)
        for rid, status in result.requirement_statuses().items():
            report.seen.setdefault(rid, set()).add(status)
        if result.sheet is not None:
            report.bands_seen |= {
                (item.id, p, part.band)
                for item in result.sheet.items
                for p, part in enumerate(item.parts)
                if part.band is not None
            }
            held = set(result.sheet.vetoes)
            report.vetoes_seen |= {(v.id, v.id in held) for v in pack.scoring.vetoes}
        wrong = mismatches(case, result)
        if wrong:
            report.failed[case["name"]] = wrong
        else:
            report.passed.append(case["name"])
    return report
