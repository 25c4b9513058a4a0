"""The condition language of rule packs: parsing, negation and plain-words description.

A condition is YAML data a reviewer can read:

    {field: enforcement.city_staff, gte: 3}
    {field: finance.pledge_amount, gte: {field: finance.pledge_amount_prev, times: "1.2"}}
    {field: finance.fund, gt: {field: finance.fund, year: -1}}      # last year's value
    {all: [...]}, {any: [...]}, {not: ...}, {if: ..., then: ..., else: ...}

The engine compiles the tree and its De Morgan negation; nothing here evaluates it.

A threshold that changed mid-period is dated: `{field: x, gte: {from: {2009: 5500, 2010: 6000}}}`
holds 5500 from 2009 and 6000 from 2010 on (a factor too: `times: {from: {2015: "1.2"}}`); each
year a condition is read for takes the value in force that year.

A field of another year is written with `year:` — a negative offset (-1: the year before) or a
year (2014) — and becomes the name `field@year`: its own key in the fact the engine sees, so a
year with no figure is absent and leaves the comparison unknown. Offsets are kept as written
(`field@-1`) until the loader resolves them against the year a requirement is read for.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

OPS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "not_in")
NEGATED = {
    "eq": "ne",
    "ne": "eq",
    "gt": "lte",
    "lte": "gt",
    "gte": "lt",
    "lt": "gte",
    "in": "not_in",
    "not_in": "in",
}
SYMBOL = {
    "eq": "=",
    "ne": "≠",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "in": "∈",
    "not_in": "∉",
}


@dataclass(frozen=True)
class FieldRef:
    """Another field times an exact factor, e.g. last year's amount × 1.2."""

    field: str
    times: Fraction = Fraction(1)


@dataclass(frozen=True)
class Dated:
    """A value by the year from which it holds: ((2009, 5500), (2010, 6000))."""

    values: tuple[tuple[int, Any], ...]

    def at(self, year: int) -> Any:
        """The value in force in `year`; a Dated one (raising DatedError) before the first."""
        in_force = [value for since, value in self.values if since <= year]
        if not in_force:
            raise DatedError(year, self.values[0][0])
        return in_force[-1]


class DatedError(Exception):
    def __init__(self, year: int, first: int):
        super().__init__(f"no value for {year}; the first holds from {first}")
        self.year, self.first = year, first


@dataclass(frozen=True)
class Compare:
    field: str
    op: str
    value: Any  # a constant of the field's type, a tuple of them for in/not_in, or a FieldRef


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


Condition = Compare | All | AnyOf | Not

Path = tuple[str | int, ...]


class ConditionError(Exception):
    """A malformed condition; `path` points inside the pack document."""

    def __init__(self, path: Path, zh: str, en: str):
        super().__init__(en)
        self.path, self.zh, self.en = path, zh, en


YEAR = "@"


def split_year(name: str) -> tuple[str, int | None]:
    """`finance.fund@2014` → ("finance.fund", 2014); a plain name → (name, None)."""
    base, sep, year = name.partition(YEAR)
    return (base, int(year)) if sep else (name, None)


def in_year(name: str, year: int | None) -> str:
    return name if year is None else f"{name}{YEAR}{year}"


def _year_of(raw: Any, path: Path) -> int:
    """A `year:` as written: an offset from -50 to 0, or a year from 1900 to 2100."""
    if (
        isinstance(raw, int)
        and not isinstance(raw, bool)
        and (-50 <= raw <= 0 or 1900 <= raw <= 2100)
    ):
        return raw
    raise ConditionError(
        path,
        f"year 应为相对年数（如 -1 表示上一年）或年份（如 2014），实际为 {raw!r}",
        f"year must be an offset (-1 for the year before) or a year (2014), got {raw!r}",
    )


def _named(field: str, raw_year: Any, path: Path) -> str:
    if raw_year is None:
        return field
    year = _year_of(raw_year, path)
    return f"{field}{YEAR}{year:+d}" if year <= 0 else in_year(field, year)


def resolve_years(cond: Condition, year: int, assessed: int) -> Condition:
    """The condition as read for `year`: offsets become years, a plain field is that year's,
    and the year the pack assesses is written plainly (its figures are the submission's own)."""

    def name(field: str) -> str:
        base, sep, written = field.partition(YEAR)
        if not sep:
            target = year
        elif written[0] in "+-":
            target = year + int(written)
        else:
            target = int(written)
        return base if target == assessed else in_year(base, target)

    def walk(node: Condition) -> Condition:
        if isinstance(node, Compare):
            value = node.value
            if isinstance(value, FieldRef):
                times = value.times.at(year) if isinstance(value.times, Dated) else value.times
                value = FieldRef(name(value.field), times)
            elif isinstance(value, Dated):
                value = value.at(year)
            return Compare(name(node.field), node.op, value)
        if isinstance(node, Not):
            return Not(walk(node.item))
        return type(node)(tuple(walk(c) for c in node.items))

    return walk(cond)


def parse(data: Any, path: Path) -> Condition:
    if not isinstance(data, dict) or not data:
        raise ConditionError(
            path,
            "条件应为一个映射，例如 {field: 字段名, gte: 3} 或 {all: [...]}",
            "a condition must be a mapping, e.g. {field: name, gte: 3} or {all: [...]}",
        )
    keys = set(data)
    if keys in ({"all"}, {"any"}):
        key = next(iter(keys))
        items = data[key]
        if not isinstance(items, list) or not items:
            raise ConditionError(
                (*path, key), f"{key} 需要一个非空列表", f"{key} needs a non-empty list"
            )
        parsed = tuple(parse(item, (*path, key, i)) for i, item in enumerate(items))
        return All(parsed) if key == "all" else AnyOf(parsed)
    if keys == {"not"}:
        return Not(parse(data["not"], (*path, "not")))
    if keys == {"if", "then", "else"}:
        cond = parse(data["if"], (*path, "if"))
        then = parse(data["then"], (*path, "then"))
        other = parse(data["else"], (*path, "else"))
        return AnyOf((All((cond, then)), All((Not(cond), other))))
    if "field" in keys:
        ops = keys - {"field", "year"}
        if len(ops) != 1 or not ops <= set(OPS):
            raise ConditionError(
                path,
                f"比较条件需要 field 和一个运算符（{', '.join(OPS)}），实际为 {sorted(keys)}",
                f"a comparison needs field and one operator ({', '.join(OPS)}), got {sorted(keys)}",
            )
        op = ops.pop()
        field = data["field"]
        if not isinstance(field, str):
            raise ConditionError((*path, "field"), "field 应为字段名", "field must be a field name")
        named = _named(field, data.get("year"), (*path, "year"))
        return Compare(named, op, _value(op, data[op], (*path, op)))
    raise ConditionError(
        path,
        f"无法识别的条件键 {sorted(keys)}；可用 field/all/any/not/if-then-else",
        f"unrecognised condition keys {sorted(keys)}; use field/all/any/not/if-then-else",
    )


def _value(op: str, raw: Any, path: Path) -> Any:
    if op in ("in", "not_in"):
        if not isinstance(raw, list) or not raw:
            raise ConditionError(path, f"{op} 需要一个非空列表", f"{op} needs a non-empty list")
        return tuple(raw)
    if isinstance(raw, dict) and "from" in raw:
        return Dated(_dated(raw, path))
    if isinstance(raw, dict):
        if set(raw) - {"field", "times", "year"} or not isinstance(raw.get("field"), str):
            raise ConditionError(
                path,
                '引用另一字段时写作 {field: 字段名, times: "1.2"}，另一年度的加 year: -1',
                'a reference to another field is written {field: name, times: "1.2"}, '
                "another year's with year: -1",
            )
        named = _named(raw["field"], raw.get("year"), (*path, "year"))
        times = raw.get("times", 1)
        if isinstance(times, dict):
            dated = _dated(times, (*path, "times"))
            factors = tuple((y, exact_fraction(v, (*path, "times", "from", y))) for y, v in dated)
            # Resolved to a Fraction by resolve_years before anything reads a factor.
            return FieldRef(named, Dated(factors))  # type: ignore[arg-type]
        return FieldRef(named, exact_fraction(times, (*path, "times")))
    return raw


def _dated(raw: dict[str, Any], path: Path) -> tuple[tuple[int, Any], ...]:
    """`{from: {2009: 5500, 2010: 6000}}` as ((2009, 5500), (2010, 6000))."""
    values = raw.get("from")
    if set(raw) != {"from"} or not isinstance(values, dict) or not values:
        raise ConditionError(
            path,
            "按年度变化的值写作 {from: {2009: 5500, 2010: 6000}}（从哪一年起取什么值）",
            "a value that changes by year is written {from: {2009: 5500, 2010: 6000}}",
        )
    out = []
    for key, value in values.items():
        year = int(key) if str(key).isdigit() else None
        if year is None or not 1900 <= year <= 2100:
            raise ConditionError((*path, "from", key), f"“{key}”不是年份", f"“{key}” is not a year")
        out.append((year, value))
    return tuple(sorted(out))


FACTOR_DIGITS = 12  # a factor's magnitude, as `--param` allows


def exact_fraction(raw: Any, path: Path) -> Fraction:
    """A decimal written in the pack, read exactly (never through a binary float)."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        raise ConditionError(path, '应为一个数，例如 "1.2"', 'expected a number, e.g. "1.2"')
    try:
        number = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise ConditionError(path, f"“{raw}”不是数", f"“{raw}” is not a number") from None
    if number <= 0:
        raise ConditionError(path, "倍数应大于0", "the factor must be greater than 0")
    # 1e-999999 read exactly is a million-digit fraction: every check after it would crawl.
    if not number.is_finite() or not -FACTOR_DIGITS <= number.adjusted() <= FACTOR_DIGITS:
        raise ConditionError(
            path,
            f"倍数 times“{raw}”超出范围（应为有限的数，量级在10的±{FACTOR_DIGITS}次方以内）",
            f"the factor (times) “{raw}” is out of range "
            f"(a finite number within 10^±{FACTOR_DIGITS})",
        )
    return Fraction(number)


def negate(cond: Condition) -> Condition:
    """De Morgan negation pushed down to the comparisons (no Not left in the result)."""
    if isinstance(cond, Compare):
        return Compare(cond.field, NEGATED[cond.op], cond.value)
    if isinstance(cond, All):
        return AnyOf(tuple(negate(c) for c in cond.items))
    if isinstance(cond, AnyOf):
        return All(tuple(negate(c) for c in cond.items))
    return normalise(cond.item)


def normalise(cond: Condition) -> Condition:
    """The same condition with every Not pushed down into the comparisons."""
    if isinstance(cond, Not):
        return negate(cond.item)
    if isinstance(cond, All):
        return All(tuple(normalise(c) for c in cond.items))
    if isinstance(cond, AnyOf):
        return AnyOf(tuple(normalise(c) for c in cond.items))
    return cond


def comparisons(cond: Condition) -> list[Compare]:
    if isinstance(cond, Compare):
        return [cond]
    if isinstance(cond, Not):
        return comparisons(cond.item)
    return [c for item in cond.items for c in comparisons(item)]


def fields_read(cond: Condition) -> list[str]:
    """Every field the condition reads, in order of first appearance."""
    seen: dict[str, None] = {}
    for c in comparisons(cond):
        seen.setdefault(c.field, None)
        if isinstance(c.value, FieldRef):
            seen.setdefault(c.value.field, None)
    return list(seen)


def format_decimal(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{Decimal(value.numerator) / Decimal(value.denominator):.6f}".rstrip("0")
    return text.rstrip(".")
