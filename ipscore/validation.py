"""Turning pydantic's validation errors into Problems that name file, line and field."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from .errors import Problem
from .yamlio import Lines, line_of

_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("缺少必填项", "this key is required"),
    "extra_forbidden": ("不认识的键，请检查拼写", "unknown key; check the spelling"),
    "string_type": ("应为文本", "expected text"),
    "int_type": ("应为整数", "expected a whole number"),
    "int_parsing": ("应为整数", "expected a whole number"),
    "int_from_float": ("应为整数", "expected a whole number"),
    "bool_type": ("应为 true 或 false", "expected true or false"),
    "bool_parsing": ("应为 true 或 false", "expected true or false"),
    "list_type": ("应为列表", "expected a list"),
    "dict_type": ("应为映射（键: 值）", "expected a mapping (key: value)"),
    "model_type": ("应为映射（键: 值）", "expected a mapping (key: value)"),
    "model_attributes_type": ("应为映射（键: 值）", "expected a mapping (key: value)"),
    "decimal_type": ("应为数", "expected a number"),
    "decimal_parsing": ("应为数", "expected a number"),
    "too_short": ("不能为空", "must not be empty"),
    "string_pattern_mismatch": (
        "格式不符：只能用字母、数字、点、下划线和连字符",
        "wrong format: use letters, digits, dots, underscores and hyphens",
    ),
}

_DATES = ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact")


def translate(error: Mapping[str, Any]) -> tuple[str, str]:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "ipscore":
        return ctx["zh"], ctx["en"]
    if kind == "literal_error":
        # pydantic words it "'required' or 'advisory'"
        words = str(ctx.get("expected", "")).replace(" or ", ", ").split(", ")
        options = [o.strip().strip("'") for o in words]
        return f"应为以下之一：{'、'.join(options)}", f"expected one of: {', '.join(options)}"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        sign = "≥" if kind == "greater_than_equal" else "≤"
        return f"应{sign}{bound}", f"must be {sign} {bound}"
    if kind in ("greater_than", "less_than"):
        bound = ctx.get("gt", ctx.get("lt"))
        zh, en = ("大于", "greater than") if kind == "greater_than" else ("小于", "less than")
        return f"应{zh}{bound}", f"must be {en} {bound}"
    if kind in _DATES:
        given = error.get("input")
        return (
            f"应为日期，格式如 2016-03-31，实际为“{given}”",
            f"expected a date such as 2016-03-31; got “{given}”",
        )
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    return error["msg"], error["msg"]


def problems_from(
    exc: ValidationError,
    file: str,
    lines: Lines,
    root: tuple[str | int, ...] = (),
    field_of: Callable[[tuple[str | int, ...]], str] | None = None,
    relocate: Callable[[tuple[str | int, ...]], tuple[str | int, ...]] | None = None,
) -> list[Problem]:
    """One Problem per pydantic error; `field_of` maps an error location to a field name,
    `relocate` the model's location to where the document writes it."""
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        if relocate is not None:
            loc = relocate(loc)
        zh, en = translate(error)
        field = field_of(loc) if field_of else dotted(loc)
        problems.append(Problem(zh, en, file=file, line=line_of(lines, (*root, *loc)), field=field))
    return _unique(problems)


def dotted(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
