"""The least changes of field values that make a condition true.

`plan` asks this with only a city's achievements settable; `rules check` with every field
settable, to find requirements that no input could ever meet.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction

from ..intake.values import Value, derive
from ..packs import FieldDecl, Pack
from ..packs.conditions import AnyOf, Compare, Condition, Not, split_year
from . import kleene

Option = dict[str, Value]
MAX_OPTIONS = 16


Settable = Callable[[str, FieldDecl], bool]  # may this field (by name, in its year) be changed?


def options(
    pack: Pack, cond: Condition, values: Mapping[str, Value], settable: Settable
) -> list[Option]:
    """Alternative least changes to settable fields that make a normalised `cond` true."""
    if isinstance(cond, Compare):
        if kleene.compare(cond, values) is True:
            return [{}]
        decl = pack.field(cond.field)
        if decl.type == "ratio" and decl.of:
            top_name, _ = pack.ratio_inputs(cond.field)
            if not settable(top_name, pack.field(top_name)):
                return []
            top = _least_numerator(pack, decl, cond, values)
            return [] if top is None else [{top_name: top}]
        if not settable(cond.field, decl):
            return []
        target = _least(decl, cond, values)
        return [] if target is None else [{cond.field: target}]
    if isinstance(cond, AnyOf):
        found = [o for c in cond.items for o in options(pack, c, values, settable)]
        return _prune(found)
    if isinstance(cond, Not):
        raise TypeError("options() takes a normalised condition (no `not` left)")
    combined: list[Option] = [{}]
    for child in cond.items:
        branch = options(pack, child, values, settable)
        merged = []
        for left in combined:
            for right in branch:
                option = merge(left, right)
                if option is not None:
                    merged.append(option)
        combined = _prune(merged)
        if not combined:
            return []
    return [o for o in combined if kleene.evaluate(cond, _changed(pack, values, o)) is True]


def _changed(pack: Pack, values: Mapping[str, Value], option: Option) -> dict[str, Value]:
    """The values with an option applied, and the ratios it changes worked out again."""
    out = {**values, **option}
    for year in {split_year(name)[1] for name in option}:
        derive(pack, out, year)
    return out


def merge(left: Option, right: Option) -> Option | None:
    """Two sets of changes together, the larger value where both set a number or date."""
    out = dict(left)
    for name, value in right.items():
        if name in out and out[name] != value:
            if isinstance(value, (bool, str)):
                return None
            out[name] = max(out[name], value)
        else:
            out[name] = value
    return out


def _prune(found: list[Option]) -> list[Option]:
    unique = []
    for option in sorted(found, key=len):
        if option not in unique:
            unique.append(option)
    return unique[:MAX_OPTIONS]


def _least_numerator(
    pack: Pack, decl: FieldDecl, cmp: Compare, values: Mapping[str, Value]
) -> Value | None:
    """The least numerator that lifts a ratio (a growth rate, a share) over its threshold.

    A ratio grows with its numerator, so only ≥ and > can be reached this way; the ratio is
    exact, as the engine compares it.
    """
    top_name, bottom_name = pack.ratio_inputs(cmp.field)
    bottom = values.get(bottom_name)
    bound = kleene.bound(cmp, values)
    if cmp.op not in ("gt", "gte") or bottom is None or bottom == 0 or bound is None:
        return None
    top = pack.field(top_name)
    step = Fraction(1, 10**top.decimals)
    divisor = kleene.exact(bottom)

    def reaches(units: int) -> bool:
        ratio = units * step / divisor * Fraction(decl.times) - Fraction(decl.minus)
        return bool(ratio > bound if cmp.op == "gt" else ratio >= bound)

    high = int((Fraction(top.max) if top.max is not None else Fraction(10**12)) / step)
    if not reaches(high):
        return None
    low = 0
    while low < high:  # least units that reach the bound
        middle = (low + high) // 2
        if reaches(middle):
            high = middle
        else:
            low = middle + 1
    number = low * step
    if top.type == "count":
        return int(number)
    return Decimal(number.numerator) / Decimal(number.denominator)


def _least(decl: FieldDecl, cmp: Compare, values: Mapping[str, Value]) -> Value | None:
    """The value of the compared field closest to 'nothing done' that satisfies `cmp`."""
    if decl.type == "bool":
        return cmp.value if cmp.op == "eq" else (not cmp.value if cmp.op == "ne" else None)
    if decl.type == "enum":
        allowed = [
            v
            for v in (decl.values or {})
            if kleene.compare(Compare(cmp.field, cmp.op, cmp.value), {cmp.field: v}) is True
        ]
        return allowed[0] if allowed else None
    if decl.type == "text":
        return None
    bound = kleene.bound(cmp, values)
    if bound is None:
        return None
    if decl.type == "date":
        day = dt.timedelta(days=1)
        return {"gte": bound, "gt": bound + day, "lte": bound, "lt": bound - day, "eq": bound}.get(
            cmp.op
        )
    step = Fraction(1, 10**decl.decimals)
    units = bound / step
    least = {
        "gte": math.ceil(units),
        "gt": math.floor(units) + 1,
        "lte": math.floor(units),
        "lt": math.ceil(units) - 1,
        "eq": units if units.denominator == 1 else None,
        "ne": math.floor(units) + 1,
    }.get(cmp.op)
    if least is None or (least < 0 and decl.type != "ratio"):
        return None
    number = Fraction(least) * step
    if decl.max is not None and number > decl.max:
        return None
    if decl.type == "count":
        return int(number)
    return Decimal(number.numerator) / Decimal(number.denominator)
