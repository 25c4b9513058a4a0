"""Pack parameters a what-if can change: a requirement's threshold, a grade line, a weight.

`T3.R4=3` sets the first threshold of T3.R4 (its least number of compliant firms);
`T4.R2=1.15` its growth factor; `T2.R1#2=2` the second threshold of T2.R1. Thresholds are
counted in reading order, a factor such as 1.2 or a number or date compared with. Pack-level
names: `bands.<grade>` (a grade's least score) and `weights.mandatory|optional|required|advisory`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from ..errors import InputError, Problem
from .conditions import Compare, Condition, FieldRef, Not, comparisons
from .model import Pack

WEIGHTS = {
    "weights.mandatory": ("task_weight", "mandatory"),
    "weights.optional": ("task_weight", "optional"),
    "weights.required": ("requirement_weight", "required"),
    "weights.advisory": ("requirement_weight", "advisory"),
}


def _bad(name: str, zh: str, en: str) -> InputError:
    return InputError([Problem(zh, en, field=name)])


def thresholds(cond: Condition) -> list[Compare]:
    """The distinct thresholds of a condition in reading order (factors, numbers, dates)."""
    out: list[Compare] = []
    for cmp in comparisons(cond):
        value = cmp.value
        is_threshold = (isinstance(value, FieldRef) and value.times != 1) or (
            isinstance(value, (Fraction, dt.date)) and cmp.op not in ("eq", "ne")
        )
        if is_threshold and cmp not in out:
            out.append(cmp)
    return out


def names(pack: Pack) -> list[str]:
    """Every parameter name the pack accepts, for help and error messages."""
    out = []
    for _, req in pack.requirements():
        found = thresholds(req.check)
        out += [req.id if i == 0 else f"{req.id}#{i + 1}" for i in range(len(found))]
    out += [f"bands.{b.code}" for b in pack.scoring.grades if b.min_score is not None]
    return out + list(WEIGHTS)


def _number(name: str, text: Any) -> Fraction:
    try:
        number = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise _bad(
            name, f"参数值“{text}”不是数", f"parameter value “{text}” is not a number"
        ) from None
    # Infinity, NaN or 1e-999999999 would hang or break exact arithmetic: no threshold needs them.
    if not number.is_finite() or (number != 0 and not -12 <= number.adjusted() <= 12):
        raise _bad(
            name,
            f"参数值“{text}”超出范围（应为有限的数，量级在10的±12次方以内）",
            f"parameter value “{text}” is out of range (a finite number within 10^±12)",
        )
    return Fraction(number)


def with_params(pack: Pack, params: dict[str, Any]) -> Pack:
    """A copy of the pack with the parameters changed; the original is untouched."""
    for name, value in params.items():
        pack = _with(pack, name, value)
    return pack


def _with(pack: Pack, name: str, value: Any) -> Pack:
    if name.startswith("bands."):
        code = name.removeprefix("bands.")
        if not any(b.code == code and b.min_score is not None for b in pack.scoring.grades):
            raise _unknown(pack, name)
        bands = [
            b.model_copy(update={"min_score": Decimal(str(_number(name, value)))})
            if b.code == code and b.min_score is not None
            else b
            for b in pack.scoring.grades
        ]
        return pack.model_copy(
            update={"scoring": pack.scoring.model_copy(update={"grades": bands})}
        )
    if name in WEIGHTS:
        part, key = WEIGHTS[name]
        weights = getattr(pack.scoring, part).model_copy(
            update={key: Decimal(str(_number(name, value)))}
        )
        return pack.model_copy(update={"scoring": pack.scoring.model_copy(update={part: weights})})
    req_id, _, index = name.partition("#")
    try:
        req = pack.requirement(req_id)
    except StopIteration:
        raise _unknown(pack, name) from None
    found = thresholds(req.check)
    position = int(index) - 1 if index.isdigit() else 0 if not index else -1
    if not 0 <= position < len(found):
        raise _unknown(pack, name)
    old = found[position]
    new = _replace_value(pack, name, old, value)
    check = _map(req.check, {old: new})
    tasks = [
        t.model_copy(
            update={
                "requirements": [
                    r.model_copy(update={"check": check}) if r.id == req_id else r
                    for r in t.requirements
                ]
            }
        )
        for t in pack.tasks
    ]
    return pack.model_copy(update={"tasks": tasks})


def _replace_value(pack: Pack, name: str, old: Compare, value: Any) -> Compare:
    if isinstance(old.value, FieldRef):
        factor = _number(name, value)
        if factor <= 0:
            raise _bad(name, "倍数应大于0", "the factor must be greater than 0")
        return Compare(old.field, old.op, FieldRef(old.value.field, factor))
    if isinstance(old.value, dt.date):
        try:
            return Compare(old.field, old.op, dt.date.fromisoformat(str(value).strip()))
        except ValueError:
            raise _bad(
                name, f"“{value}”不是日期（如 2015-12-31）", f"“{value}” is not a date"
            ) from None
    number = _number(name, value)
    decl = pack.field(old.field)
    if (number * 10**decl.decimals).denominator != 1 or number < 0:
        raise _bad(
            name,
            f"{old.field} 的阈值须为不小于0、最多{decl.decimals}位小数的数",
            f"the threshold of {old.field} must be ≥ 0 with at most {decl.decimals} decimals",
        )
    return Compare(old.field, old.op, number)


def _map(cond: Condition, mapping: dict[Compare, Compare]) -> Condition:
    if isinstance(cond, Compare):
        return mapping.get(cond, cond)
    if isinstance(cond, Not):
        return Not(_map(cond.item, mapping))
    return type(cond)(tuple(_map(c, mapping) for c in cond.items))


def _unknown(pack: Pack, name: str) -> InputError:
    known = "、".join(names(pack))
    return _bad(name, f"没有参数 {name}；可用：{known}", f"no parameter {name}; known: {known}")
