"""A city's own score per item of a points sheet (自评分, the sheet's last column):
`self_scores: {invention-applications: 15, enforcement: 25}`. Kept beside the figures, never
used to score: the result lists it against the points computed, item by item."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import Problem
from ..packs import Pack
from ..text import did_you_mean
from ..yamlio import Lines, line_of

KEY = "self_scores"
MOST = Decimal(1000)  # no sheet gives or takes this many points on one item


def read_claims(
    raw: Any, pack: Pack, name: str, lines: Lines
) -> tuple[dict[str, Decimal], list[Problem]]:
    """The self-scores a submission files, each a number for an item of the pack's sheet."""
    if raw is None:
        return {}, []
    where = line_of(lines, (KEY,))
    if not pack.is_sheet:
        return {}, [
            Problem(
                f"规则包 {pack.id} 不是评分表，没有自评分（{KEY}）",
                f"pack {pack.id} is not a points sheet: it has no self-scores ({KEY})",
                name,
                where,
                KEY,
            )
        ]
    if not isinstance(raw, dict):
        return {}, [
            Problem(
                f"{KEY} 应为“评分项编号: 自评分”的映射",
                f"{KEY} must map item ids to self-scores",
                name,
                where,
                KEY,
            )
        ]
    items = [req.id for _, req in pack.requirements()]
    out: dict[str, Decimal] = {}
    problems: list[Problem] = []
    for item, value in raw.items():
        at = line_of(lines, (KEY, item))
        field = f"{KEY}.{item}"
        if item not in items:
            hint = did_you_mean(str(item), items)
            problems.append(
                Problem(
                    f"没有评分项 {item}{hint[0]}",
                    f"no item {item}{hint[1]}",
                    name,
                    at,
                    field,
                )
            )
            continue
        number = _number(value)
        if number is None or not number.is_finite():
            zh, en = _given(value)
            problems.append(
                Problem(
                    f"自评分应为一个数（如 12.5），实际为{zh}",
                    f"a self-score must be a number (e.g. 12.5), got {en}",
                    name,
                    at,
                    field,
                )
            )
            continue
        if abs(number) >= MOST:
            problems.append(
                Problem(
                    f"自评分 {number} 超出范围：一项的自评分应在 −{MOST} 到 {MOST} 分之间",
                    f"the self-score {number} is out of range: an item's is between "
                    f"−{MOST} and {MOST}",
                    name,
                    at,
                    field,
                )
            )
            continue
        out[str(item)] = number
    return out, problems


def _number(value: Any) -> Decimal | None:
    """The number a self-score cell holds (Infinity and NaN included, said apart), or None."""
    if (
        value is None
        or isinstance(value, bool)
        or not isinstance(value, (int, float, str, Decimal))
    ):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


def _given(value: Any) -> tuple[str, str]:
    """What was filed instead of a number, as a reader writes it: 空, 是, 文本“十五”."""
    if value is None:
        return "空", "nothing"
    if isinstance(value, bool):
        return ("“是”", "true") if value else ("“否”", "false")
    if isinstance(value, str):
        return f"文本“{value}”", f"the text “{value}”"
    if isinstance(value, (list, dict)):
        return "一个列表" if isinstance(value, list) else "一个映射", type(value).__name__
    return f"“{value}”", f"“{value}”"
