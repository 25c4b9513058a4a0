"""JSON Schema (draft 2020-12) of a pack's submission and of an assessment result, for the
systems that send cities' figures to ipscore or read its verdicts (`ipscore schema`, the JSON
API's `/api/v1/packs/{id}/schema`).

Built from the pack's field declarations, not from the pydantic model: the model takes any
value and checks it in `intake.values`, so its own schema says nothing of types. The schema
says what the readers accept of a YAML or JSON document; the readers stay the judge (a
document the schema accepts can still name an evidence file that is not there). An amount's
decimals are in `x-decimals`, a keyword of ipscore's own: a checker that knows it reads the
number's text (`Decimal(str(n))`) and counts the digits after the point. Not `multipleOf`:
validators divide binary floats, and refuse 0.07 as a multiple of 0.01."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..text import FALSE_WORDS, TRUE_WORDS
from ..verdicts import LABELS, TASK_LABELS
from .model import FieldDecl, Pack

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# A path inside the submission's folder: not absolute, no `..`, no control character (a NUL
# names no file); the readers refuse the rest.
INSIDE = r"^(?![/\\])(?![A-Za-z]:)(?!.*(^|[/\\])\.\.([/\\]|$))(?!.*[\x00-\x1f\x7f])"
DATE = r"^\d{4}-\d{2}-\d{2}$"
MAX_TEXT = 200  # intake.values.MAX_TEXT
DECIMALS = "x-decimals"
# A name is one identity (text.clean_name): no space of any kind, nothing invisible, no control
# character, no full-width letter or digit and no compatibility form of a character (Ａ for A,
# ⾦ for 金); full-width punctuation is the ordinary kind in Chinese (哈尔滨市（初报稿）).
NAME = (
    r"^[^\s\x00-\x1f\x7f\u00ad\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff"
    r"\u2f00-\u2fdf\uf900-\ufaff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+$"
)
LARGEST = 10**16 - 1  # intake.values.count_range: beyond it a number is refused


def largest(decl: FieldDecl) -> Decimal:
    """The largest number intake takes for a count or amount: 16 digits, fewer for an amount
    of over 2 decimals, which the engine sees in its least unit as a 64-bit integer."""
    if decl.type != "amount":
        return Decimal(LARGEST)
    return min(
        Decimal(LARGEST), Decimal(10) ** (18 - decl.decimals) - Decimal(10) ** -decl.decimals
    )


def submission_schema(pack: Pack, year: int | None = None) -> dict[str, Any]:
    """What a city's YAML or JSON file for `pack` may hold: by default a file of the year the
    pack assesses; of another `year`, a file of that year's figures (kept in the archive for
    the years after it)."""
    year = pack.pack.year if year is None else year
    facts = {
        group: _group(decls, year)
        for group, decls in pack.fields.items()
        if group != "city" and _group(decls, year)["properties"]
    }
    earlier = {
        group: _group(decls, None) for group, decls in pack.fields.items() if group != "city"
    }
    keys = [req.id for _, req in pack.requirements()]
    keys += [n for n in pack.field_names() if pack.field(n).type != "ratio"]
    city = _group(pack.fields["city"], year)
    return {
        "$schema": DRAFT,
        "$id": f"urn:ipscore:{pack.id}:{pack.pack.version}:submission:{year}",
        "title": f"{pack.pack.title}：提交文件",
        "description": (
            f"规则包 {pack.id} {pack.pack.version}（{year}年度）的提交文件（YAML 或 JSON）。"
            "缺报的项不写或写 null；是否项可写 true/false 或 是/否。"
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["pack", "city"],
        "properties": {
            "pack": {"enum": [p for p in (pack.id, pack.extends) if p]},
            "year": {"const": year},
            "note": {"type": ["string", "null"], "description": "数据说明（如“示例数据”）"},
            "reference": {
                "type": "string",
                "pattern": INSIDE,
                "description": "参考数据文件（提交文件所在文件夹内）",
            },
            "city": city,
            "facts": _object(facts, nullable=True),
            "history": {
                "type": "object",
                "description": "往年数据：{年份: {组: {字段: 值}}}",
                "propertyNames": {"pattern": r"^(19|20)\d{2}$"},
                "additionalProperties": _object(earlier, nullable=True),
            },
            "evidence": {
                "type": "object",
                "description": "佐证材料：{要求编号或字段: [{doc, title, date, file}]}",
                "propertyNames": {"enum": keys},
                "additionalProperties": {
                    "anyOf": [_document(), {"type": "array", "items": _document()}]
                },
            },
            **({"self_scores": _self_scores(pack)} if pack.is_sheet else {}),
        },
    }


def _self_scores(pack: Pack) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "自评分：{评分项编号: 分数}，只供核对，不参与计分",
        "propertyNames": {"enum": [req.id for _, req in pack.requirements()]},
        "additionalProperties": {
            "type": "number",
            "exclusiveMinimum": -1000,
            "exclusiveMaximum": 1000,
        },
    }


def _points(pack: Pack) -> dict[str, Any]:
    """The `points` block of a points sheet's result."""
    text = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
    part = {
        "type": "object",
        "required": ["kind", "band", "points", "bonus", "explanation"],
        "properties": {
            "kind": {"enum": ["tiers", "per_unit", "when", "deduct"]},
            "band": {
                "type": ["integer", "null"],
                "description": "所在档（0为最好的一档；null：缺报）",
            },
            "points": text,
            "bonus": text,
            "explanation": {"type": "string"},
        },
    }
    item = {
        "type": "object",
        "required": ["id", "task", "value", "points", "points_exact", "status", "parts"],
        "properties": {
            "id": {"enum": [req.id for _, req in pack.requirements()]},
            "value": {"type": "number", "description": "分值"},
            "points": {**text, "description": "得分（按规则包的小数位）"},
            "points_exact": {"type": "string", "description": "精确得分（分数）"},
            "status": {"enum": list(LABELS["en"])},
            "self_score": {"type": ["number", "null"], "description": "自评分"},
            "difference": {"type": ["string", "null"], "description": "自评分 − 得分"},
            "parts": {"type": "array", "items": part},
        },
    }
    return {
        "type": "object",
        "description": "评分表：各项分值、得分、自评分，一票否决，总分",
        "required": ["start", "maximum", "total", "total_exact", "vetoes", "items"],
        "properties": {
            "total": text,
            "total_exact": {"type": "string"},
            "vetoes": {"type": "array", "items": {"type": "object", "required": ["id", "title"]}},
            "vetoes_undecided": {
                "type": "array",
                "description": "缺报数据、无法判定的一票否决事项（只在有时写出）",
                "items": {"type": "object", "required": ["id", "title"]},
            },
            "items": {"type": "array", "items": item},
        },
    }


def _group(decls: dict[str, FieldDecl], year: int | None) -> dict[str, Any]:
    members = {k: _field(d, year) for k, d in decls.items() if d.type != "ratio"}
    required = [k for k, d in decls.items() if d.required and d.type != "ratio"]
    shape = _object(members, nullable=not required)
    return {**shape, "required": required} if required else shape


def _object(properties: dict[str, Any], nullable: bool) -> dict[str, Any]:
    return {
        "type": ["object", "null"] if nullable else "object",
        "additionalProperties": False,
        "properties": properties,
    }


def _field(decl: FieldDecl, year: int | None) -> dict[str, Any]:
    described = {
        "title": decl.label + (f"（{decl.unit}）" if decl.unit else ""),
        **({"description": decl.help} if decl.help else {}),
    }
    typed: dict[str, Any]
    if decl.type == "bool":
        words = sorted(TRUE_WORDS | FALSE_WORDS)
        typed = {"anyOf": [{"type": "boolean"}, {"enum": words}]}
    elif decl.type in ("count", "amount"):
        typed = {
            "type": "integer" if decl.type == "count" else "number",
            "minimum": _number(max(Decimal(0), decl.min or Decimal(0))),
            "maximum": _number(min(largest(decl), decl.max or largest(decl))),
        }
        if decl.type == "amount":
            # Not `multipleOf`: validators divide binary floats, and 0.07 / 0.01 is not whole
            # there, so figures the readers take would be refused. Said in a keyword of its own.
            typed[DECIMALS] = decl.decimals
            typed["description"] = f"最多{decl.decimals}位小数"
    elif decl.type == "date":
        pattern = rf"^{year}-\d{{2}}-\d{{2}}$" if decl.within_year and year else DATE
        typed = {"type": "string", "format": "date", "pattern": pattern}
    elif decl.type == "enum":
        values = decl.values or {}
        typed = {"enum": [*values, *values.values()]}
    elif decl.names is not None:
        typed = {"enum": list(decl.spellings())}
    else:
        typed = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT, "pattern": NAME}
    if not decl.required:  # an absent or empty figure is missing, never false or zero
        typed = {"anyOf": [typed, {"type": "null"}]}
    return {**described, **typed}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _document() -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "doc": {"type": "string", "description": "文号", "maxLength": MAX_TEXT},
            "title": {"type": "string", "description": "标题", "maxLength": MAX_TEXT},
            "date": {"type": "string", "pattern": DATE, "description": "日期，如 2015-11-20"},
            "file": {"type": "string", "pattern": INSIDE, "description": "文件（所在文件夹内）"},
        },
    }


REQUIRED = [
    "pack",
    "pack_version",
    "year",
    "city",
    "score",
    "grade",
    "grade_label",
    "mandatory_complete",
    "tasks",
    "missing",
    "provenance",
]


def result_schema(pack: Pack) -> dict[str, Any]:
    """What `ipscore assess --format json` (and `/api/v1/assess`) gives for one city."""
    grades = [g.code for g in pack.scoring.grades]
    requirement = {
        "type": "object",
        "required": ["id", "kind", "title", "status", "weight", "inputs", "citation"],
        "properties": {
            "id": {"enum": [req.id for _, req in pack.requirements()]},
            "kind": {"enum": ["required", "advisory"]},
            "title": {"type": "string"},
            "status": {"enum": list(LABELS["en"])},
            "weight": {"type": "number"},
            "inputs": {"type": "object", "description": "判定读过的填报值"},
            "expected": {"type": ["string", "null"]},
            "gap": {"type": ["string", "null"], "description": "差距，如“还差1人”"},
            "remedy": {"type": ["string", "null"]},
            "citation": {
                "type": "object",
                "required": ["source", "section", "text"],
                "properties": {k: {"type": "string"} for k in ("source", "section", "text")},
            },
        },
    }
    task = {
        "type": "object",
        "required": ["id", "title", "mandatory", "status", "requirements"],
        "properties": {
            "id": {"enum": [t.id for t in pack.tasks]},
            "title": {"type": "string"},
            "mandatory": {"type": "boolean"},
            "status": {"enum": list(TASK_LABELS["en"])},
            "weight": {"type": "number"},
            "fraction": {"type": ["number", "null"]},
            "requirements": {"type": "array", "items": requirement},
        },
    }
    return {
        "$schema": DRAFT,
        "$id": f"urn:ipscore:{pack.id}:{pack.pack.version}:result",
        "title": f"{pack.pack.title}：评估结果",
        "type": "object",
        "required": REQUIRED,
        "properties": {
            "pack": {"const": pack.id},
            "pack_version": {"const": pack.pack.version},
            "year": {"type": "integer"},
            "city": {"type": "string"},
            "province": {"type": ["string", "null"]},
            "source": {"type": "string", "description": "提交文件（按其本名）"},
            "score": {"type": ["number", "null"], "description": "得分（一位小数）"},
            "grade": {"enum": [*grades, None]},
            "grade_label": {"type": ["string", "null"]},
            "mandatory_complete": {"type": ["boolean", "null"]},
            "tasks": {"type": "array", "items": task},
            "missing": {"type": "array", "items": {"type": "string"}},
            "uncomputable": {"type": "array", "items": {"type": "string"}},
            "warnings": {"type": "array", "items": {"type": "object"}},
            "other_years": {"type": "object"},
            "evidence": {"type": "object"},
            **({"points": _points(pack)} if pack.is_sheet else {}),
            "provenance": {
                "type": "object",
                "required": ["pack", "pack_version", "pack_sha256", "input_sha256"],
                "properties": {
                    "pack_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "input_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "produced_at": {"type": ["string", "null"]},
                },
            },
        },
    }
