"""Pack parameters a what-if can change: a requirement's threshold, a grade line, a weight.

`T3.R4=3` sets the first threshold of T3.R4 (its least number of compliant firms);
`T4.R2=1.15` its growth factor; `T2.R1#2=2` the second threshold of T2.R1. Thresholds are
counted in reading order, a factor such as 1.2 or a number or date compared with. Pack-level
names: `bands.<grade>` (a grade's least score) and `weights.mandatory|optional|required|advisory`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Literal

from ..errors import InputError, Problem
from .conditions import (
    Compare,
    Condition,
    FieldRef,
    Not,
    comparisons,
    format_decimal,
    parse,
    resolve_years,
)
from .model import Pack, Requirement, parts_of
from .points import bands_of
from .pointscheck import full_marks

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
    """Every parameter name the pack accepts, for help and error messages. A points sheet's
    items have their own thresholds (`item_thresholds`) and the sheet no weights."""
    out = []
    for _, req in pack.requirements():
        count = len(item_thresholds(req)) if req.points is not None else len(thresholds(req.check))
        out += [req.id if i == 0 else f"{req.id}#{i + 1}" for i in range(count)]
    out += [f"bands.{b.code}" for b in pack.scoring.grades if b.min_score is not None]
    return out if pack.is_sheet else out + list(WEIGHTS)


@dataclass(frozen=True)
class ItemThreshold:
    """A threshold of a points sheet's item: a tier's share of the target ("90%以上"), a
    constant target, or a per-unit part's cap. `part` is its index among the item's parts."""

    part: int
    what: Literal["share", "target", "cap"]
    value: Fraction
    share: str | None = None  # the share's key as written in `at_least`
    earns: str | None = None  # what it earns, as written: full, 0.6

    def describe(self) -> str:
        shown = format_decimal(self.value)
        if self.what == "share":
            earns = (
                "满分"
                if self.earns == "full"
                else f"{format_decimal(Fraction(Decimal(str(self.earns))) * 100)}%分"
            )
            return f"档位：完成目标任务的{format_decimal(self.value * 100)}%以上得{earns}"
        if self.what == "target":
            return f"目标任务：{shown}"
        return f"按件得分上限：{shown}分"


def item_thresholds(req: Requirement) -> list[ItemThreshold]:
    """An item's thresholds in reading order: for each part, its constant target and its
    tiers' shares as written, a per-unit part's cap, a deduction's constant target."""
    out: list[ItemThreshold] = []
    for k, part in enumerate(parts_of(req)):
        if part.tiers is not None:
            if not isinstance(part.tiers.of, str):
                out.append(ItemThreshold(k, "target", Fraction(part.tiers.of)))
            out += [
                ItemThreshold(k, "share", Fraction(Decimal(str(key))), str(key), str(earns))
                for key, earns in part.tiers.at_least.items()
            ]
        elif part.per_unit is not None:
            cap = part.cap if part.cap is not None else part.value or 0
            out.append(ItemThreshold(k, "cap", Fraction(cap)))
        elif part.deduct is not None and not isinstance(part.deduct.of, str):
            out.append(ItemThreshold(k, "target", Fraction(part.deduct.of)))
    return out


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
        if pack.is_sheet:
            raise _bad(
                name,
                f"评分表（method: points）按各项得分相加，不用权重：没有参数 {name}",
                f"a points sheet adds up its items' points and has no weights: no {name}",
            )
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
    position = int(index) - 1 if index.isdigit() else 0 if not index else -1
    if req.points is not None:
        items = item_thresholds(req)
        if not 0 <= position < len(items):
            raise _unknown(pack, name)
        return _with_item(pack, req, items[position], _number(name, value), name)
    found = thresholds(req.check)
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


def _with_item(
    pack: Pack, req: Requirement, threshold: ItemThreshold, value: Fraction, name: str
) -> Pack:
    """The pack with one threshold of an item changed: the part's bands built and parsed again
    (as the loader builds them), and the item's own check too where the pack left it out."""
    assert req.points is not None
    part = req.points.parts[threshold.part]
    if threshold.what == "share":
        assert part.tiers is not None
        if value <= 0:
            raise _bad(name, "档位的完成比例应大于0", "a tier's share must be greater than 0")
        keys = {Fraction(Decimal(str(k))) for k in part.tiers.at_least} - {threshold.value}
        if value in keys:
            raise _bad(
                name,
                f"该项已有完成比例为{format_decimal(value)}的档位",
                f"the item already has a tier at {format_decimal(value)}",
            )
        at_least = {
            (_key(value) if k == threshold.share else k): v for k, v in part.tiers.at_least.items()
        }
        changed = part.model_copy(
            update={"tiers": part.tiers.model_copy(update={"at_least": at_least})}
        )
    elif threshold.what == "cap":
        if value <= 0:
            raise _bad(name, "上限应大于0", "the cap must be greater than 0")
        changed = part.model_copy(update={"cap": _decimal(value)})
    else:
        if value < 0:
            raise _bad(name, "目标任务不能小于0", "a target cannot be below 0")
        way = "tiers" if part.tiers is not None else "deduct"
        changed = part.model_copy(
            update={way: getattr(part, way).model_copy(update={"of": _decimal(value)})}
        )
    year = pack.pack.year

    def decimals_of(field: str) -> int:
        return pack.field(field).decimals

    def parsed(raw: Any) -> Condition:
        return resolve_years(parse(raw, ()), year, year)

    shapes = bands_of(changed, decimals_of)
    bands = tuple(dataclasses.replace(band, when=parsed(band.when)) for band in shapes)
    changed = changed.model_copy(update={"bands": bands})
    parts = list(req.points.parts)
    parts[threshold.part] = changed
    points = req.points.model_copy(update={"parts": parts})
    update: dict[str, Any] = {"points": points}
    if req.check == parsed(full_marks(pack, req)):  # the check the loader wrote: full marks
        update["check"] = parsed(full_marks(pack, req.model_copy(update={"points": points})))
    tasks = [
        t.model_copy(
            update={
                "requirements": [
                    r.model_copy(update=update) if r.id == req.id else r for r in t.requirements
                ]
            }
        )
        for t in pack.tasks
    ]
    return pack.model_copy(update={"tasks": tasks})


def _key(value: Fraction) -> str:
    return format_decimal(value)


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


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
