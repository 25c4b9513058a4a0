"""Plain-Python Kleene evaluation of pack conditions.

This is not how ipscore decides a verdict — the durable-rules engine does that. It is the
independent oracle the engine is tested and benchmarked against, and what the explanations use
to say which comparison fell short and by how much.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..packs.conditions import All, Compare, Condition, FieldRef, Not

_CMP = {
    "eq": operator.eq,
    "ne": operator.ne,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def exact(value: Any) -> Any:
    kind = type(value)  # not isinstance: Fraction's is an ABC check, and bool is no number
    if kind is int or kind is Decimal:
        return Fraction(value)
    return value  # a Fraction already, or no number


def evaluate(cond: Condition, values: Mapping[str, Any]) -> bool | None:
    """True, False, or None (unknown because an input is missing)."""
    if isinstance(cond, Compare):
        return compare(cond, values)
    if isinstance(cond, Not):
        inner = evaluate(cond.item, values)
        return None if inner is None else not inner
    results = [evaluate(c, values) for c in cond.items]
    if isinstance(cond, All):
        if False in results:
            return False
        return None if None in results else True
    if True in results:
        return True
    return None if None in results else False


def compare(cmp: Compare, values: Mapping[str, Any]) -> bool | None:
    left = values.get(cmp.field)
    if left is None:
        return None
    left = exact(left)
    if cmp.op in ("in", "not_in"):
        inside = left in cmp.value
        return inside if cmp.op == "in" else not inside
    right = bound(cmp, values)
    if right is None:
        return None
    return bool(_CMP[cmp.op](left, right))


def bound(cmp: Compare, values: Mapping[str, Any]) -> Any:
    """What a comparison compares with: its constant, or the other field times its factor
    (None when that field is absent)."""
    if not isinstance(cmp.value, FieldRef):
        return exact(cmp.value)
    other = values.get(cmp.value.field)
    return None if other is None else exact(other) * cmp.value.times


def verdict(check: Condition, applies_if: Condition | None, values: Mapping[str, Any]) -> str:
    """The verdict the engine must reach for these values (met/unmet/missing/not_applicable)."""
    applies = True if applies_if is None else evaluate(applies_if, values)
    if applies is False:
        return "not_applicable"
    result = evaluate(check, values)
    if applies is None or result is None:
        return "missing"
    return "met" if result else "unmet"


def band(
    bands: Sequence[Condition], applies_if: Condition | None, values: Mapping[str, Any]
) -> int | None:
    """The band of an item's part the engine must prove (the first whose condition is true),
    or None where the part does not apply or a figure it needs is missing."""
    if applies_if is not None and evaluate(applies_if, values) is not True:
        return None
    held = [k for k, cond in enumerate(bands) if evaluate(cond, values) is True]
    if len(held) > 1:
        raise AssertionError(f"bands {held} hold at once")
    return held[0] if held else None
