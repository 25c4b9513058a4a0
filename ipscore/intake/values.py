"""One value typed against its field's declaration, for every reader (YAML, JSON, a form, a
table, a what-if's --set): `checked()` with its messages in both languages, the range of a
count, text as typed on a command line (`parse_value`); and the values a pack derives from
others (computed ratios, defaults)."""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from ..errors import InputError, Problem
from ..packs import FieldDecl, Pack, per_pack
from ..packs.conditions import in_year
from ..packs.schema import largest
from ..text import (
    PERCENT,
    broken_character,
    clean_name,
    did_you_mean,
    iso_date,
    number_text,
    odd_in_name,
    odd_number,
    yes_no,
)

# A Fraction is a computed ratio, exact until it is shown.
Value = bool | int | Decimal | Fraction | dt.date | str


def _fail(zh: str, en: str) -> PydanticCustomError:
    return PydanticCustomError("ipscore", "{en}", {"zh": zh, "en": en})


def shown_value(value: Any) -> str:
    if isinstance(value, str):
        return f"文本“{value}”"
    if isinstance(value, bool):
        return f"是/否值 {'true' if value else 'false'}"
    return str(value)


def _want(decl: FieldDecl) -> tuple[str, str]:
    """What a count or an amount must be, in words (only worked out for a message)."""
    unit = decl.unit or ""
    kind_zh = "不小于0的整数" if decl.type == "count" else "不小于0的数"
    kind_en = "a whole number ≥ 0" if decl.type == "count" else "a number ≥ 0"
    return (
        f"应为{kind_zh}{f'（{unit}）' if unit else ''}",
        f"expected {kind_en}{f' ({decl.unit_en})' if decl.unit_en else ''}",
    )


def _number(decl: FieldDecl, value: Any) -> Decimal:
    if isinstance(value, str) and PERCENT.match(value):
        want_zh, want_en = _want(decl)
        raise _fail(f"{want_zh}，不能填写百分比“{value}”", f"{want_en}, not a percentage “{value}”")
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        want_zh, want_en = _want(decl)
        odd = odd_number(value) if isinstance(value, str) else None
        if odd is not None:
            raise _fail(f"{want_zh}，{odd[0]}，实际为“{value}”", f"{want_en}; {odd[1]}: {value!r}")
        unit = _with_unit(decl, value) if isinstance(value, str) else None
        if unit is not None:
            zh, en = unit
            raise _fail(
                f"{want_zh}，实际为{shown_value(value)}；{zh}", f"{want_en}, got {value!r}; {en}"
            )
        raise _fail(f"{want_zh}，实际为{shown_value(value)}", f"{want_en}, got {value!r}")
    number = Decimal(value) if isinstance(value, int) else Decimal(str(value))
    problem = _number_problem(decl, number)
    if problem is not None:
        want_zh, want_en = _want(decl)
        zh, en = problem
        raise _fail(zh.format(want=want_zh, value=value), en.format(want=want_en, value=value))
    return number


# A number typed with a word after it: 8200万元, 12 件, 3.5亿元.
_NUMBER_AND_WORD = re.compile(r"^\s*([+-]?[\d,，.]*\d)\s*([^\d\s]+)\s*$")


def _with_unit(decl: FieldDecl, text: str) -> tuple[str, str] | None:
    """The hint for a number typed with its unit (8200万元): only the number goes in, in the
    unit the form states; None if the text is not a number and a word."""
    match = _NUMBER_AND_WORD.match(text)
    if match is None:
        return None
    number, word = match.groups()
    if decl.unit is None:
        return "请只填数字", "enter the number only"
    unit_en = decl.unit_en or decl.unit
    if word == decl.unit:  # the form's own unit: the same number without it
        return (
            f"请只填数字（单位已是{decl.unit}），如 {number}",
            f"enter the number only (the unit is already {unit_en}), e.g. {number}",
        )
    return (
        f"请只填数字（单位已是{decl.unit}，{word}请换算成{decl.unit}）",
        f"enter the number only, converted to {unit_en} (the unit of this item)",
    )


def count_range(decl: FieldDecl) -> tuple[int | Decimal, int | Decimal]:
    """The whole numbers `_number_problem` finds nothing wrong with in a count, lowest and
    highest: told without a Decimal (most counts a city files)."""
    low: int | Decimal = 0 if decl.min is None else max(Decimal(0), decl.min)
    high: int | Decimal = 10**16 - 1 if decl.max is None else min(Decimal(10**16 - 1), decl.max)
    return low, high


def _number_problem(decl: FieldDecl, number: Decimal) -> tuple[str, str] | None:
    """What is wrong with a number for this field, as message templates; None if nothing."""
    if not number.is_finite():
        shown = "NaN" if number.is_nan() else "{value}"
        return f"{{want}}，实际为 {shown}", f"{{want}}, got {shown}"
    out_of_range = "{want}，实际为超出范围的 {value}", "{want}, got the out-of-range {value}"
    if number != 0 and number.adjusted() < -12:  # 1e-999999999 would hang exact arithmetic
        return out_of_range
    if number < 0:
        return "{want}，不能为负数 {value}", "{want}, not the negative {value}"
    if decl.type == "count" and number != number.to_integral_value():
        return "{want}，实际为 {value}", "{want}, got {value}"
    if decl.type == "amount":
        exponent = number.normalize().as_tuple().exponent  # an int: the number is finite
        if isinstance(exponent, int) and -exponent > decl.decimals:
            return (
                f"{{want}}，最多保留{decl.decimals}位小数，实际为 {{value}}",
                f"{{want}} with at most {decl.decimals} decimals, got {{value}}",
            )
    if decl.min is not None and number < decl.min:
        return f"应不小于 {decl.min}，实际为 {{value}}", f"must be ≥ {decl.min}, got {{value}}"
    if decl.max is not None and number > decl.max:
        return (
            f"超出合理上限 {decl.max}{decl.unit or ''}，实际为 {{value}}",
            f"exceeds the plausible maximum {decl.max}, got {{value}}",
        )
    # No field needs more; the engine's 64-bit integers would overflow: it sees an amount
    # in its least unit (15 digits with 4 decimals are 19 digits).
    if number > largest(decl):
        return out_of_range
    return None


def validator(decl: FieldDecl, year: int | None = None) -> BeforeValidator:
    return BeforeValidator(lambda value: checked(decl, value, year))


def checked(decl: FieldDecl, value: Any, year: int | None = None) -> Value | None:
    """A submitted value as the declared type, or a PydanticCustomError in both languages.

    Every reader goes through this: YAML and JSON (in the model), spreadsheets, `--set`.
    """
    result = _typed(decl, value)
    if decl.within_year and isinstance(result, dt.date) and result.year != year:
        raise _fail(
            f"应为{year}年内的日期，实际为 {result.isoformat()}",
            f"must be a date in {year}, got {result.isoformat()}",
        )
    return result


def _named(decl: FieldDecl, text: str) -> str:
    """One of the pack's names (`names`), however it is written; anything else refused."""
    spellings = decl.spellings()
    if text in spellings:
        return spellings[text]
    hint_zh, hint_en = did_you_mean(text, spellings)
    raise _fail(
        f"不是本规则包认识的{decl.label}：{text}{hint_zh}（可写：{'、'.join(spellings)}）",
        f"not a {decl.label_en.lower()} this pack knows: {text!r}{hint_en} "
        f"(known: {', '.join(spellings)})",
    )


# Text fields hold names (a city, a province): a megabyte of name would only stall the reports.
MAX_TEXT = 200


def _one_identity(text: str) -> str:
    """A name as its one clean spelling: 湘潭市 with a zero-width space, an inner or full-width
    space or a full-width letter is refused with the clean name offered, so no reader, batch,
    archive or list ever holds two spellings of one city."""
    odd = odd_in_name(text)
    if odd is None:
        return clean_name(text)  # at most composed (NFC): the same text to every eye
    clean = clean_name(text)
    hint_zh, hint_en = (f"，是否想写 {clean}？", f"; did you mean {clean}?") if clean else ("", "")
    raise _fail(f"名称中{odd[0]}{hint_zh or '，请删去'}", f"the name {odd[1]}{hint_en}")


_DATE_PARTS = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*")


def _no_such_date(value: Any) -> tuple[str, str] | None:
    """Why a text written as a date names no day (2015-11-31: November has 30), in both
    languages; None for a text that is not written as a date at all."""
    found = _DATE_PARTS.fullmatch(value) if isinstance(value, str) else None
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups())
    if not 1 <= month <= 12:
        return (
            f"日期 {value.strip()} 不存在：一年只有12个月",
            f"the date {value.strip()} does not exist: a year has 12 months",
        )
    try:
        dt.date(year, month, day)
    except ValueError:
        days = calendar.monthrange(year, month)[1]
        return (
            f"日期 {value.strip()} 不存在：{year}年{month}月只有{days}天",
            f"the date {value.strip()} does not exist: {calendar.month_name[month]} {year} "
            f"has {days} days",
        )
    return None


def _typed(decl: FieldDecl, value: Any) -> Value | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if decl.required:
            raise _fail("必填，不能为空", "required, cannot be empty")
        return None  # an empty entry is missing, like an absent one
    if decl.type == "bool":
        if isinstance(value, bool):
            return value
        word = yes_no(value) if isinstance(value, str) else None
        if word is not None:
            return word
        raise _fail(
            f"应为 true 或 false（是/否），实际为{shown_value(value)}",
            f"expected true or false, got {value!r}",
        )
    if decl.type in ("count", "amount"):
        if type(value) is int and decl.type == "count":
            low, high = count_range(decl)
            if low <= value <= high:
                return value
        number = _number(decl, value)
        return int(number) if decl.type == "count" else number
    if decl.type == "date":
        found = iso_date(value)
        if found is not None:
            return found
        no_such = _no_such_date(value)
        if no_such is not None:
            raise _fail(*no_such)
        raise _fail(
            f"应为日期，格式如 2015-12-31，实际为{shown_value(value)}",
            f"expected a date such as 2015-12-31, got {value!r}",
        )
    if decl.type == "enum":
        values = decl.values or {}
        if isinstance(value, str) and value in values:
            return value
        if isinstance(value, str) and value in values.values():
            return next(code for code, label in values.items() if label == value)
        choices_zh = "、".join(f"{code}（{label}）" for code, label in values.items())
        raise _fail(
            f"应为以下之一：{choices_zh}，实际为{shown_value(value)}",
            f"expected one of {', '.join(values)}, got {value!r}",
        )
    if isinstance(value, str) and value.strip():
        if len(value.strip()) > MAX_TEXT:
            raise _fail(
                f"文字太长（{len(value.strip()):,}个字符），最多{MAX_TEXT}个",
                f"the text is too long ({len(value.strip()):,} characters); at most {MAX_TEXT}",
            )
        broken = broken_character(value)
        if broken is not None:
            raise _fail(
                f"文字中有无法保存的字符 {broken}"
                "（复制时损坏的文字，或 \\ud800 这样的转义），请删去",
                f"the text holds a character no file can hold ({broken}); remove it",
            )
        name = _one_identity(value.strip())
        if decl.names is not None:
            return _named(decl, name)
        return name
    raise _fail(f"应为文本，实际为{shown_value(value)}", f"expected text, got {value!r}")


def parse_value(pack: Pack, name: str, text: str) -> Value | None:
    """A value typed on the command line (`--set plan.issued=是`), checked like a submission's.

    An empty text makes the field missing.
    """
    if name not in pack.field_names():
        zh, en = did_you_mean(name, pack.field_names())
        raise InputError([Problem(f"未知字段{zh}", f"unknown field{en}", field=name)])
    decl = pack.field(name)
    if decl.type == "ratio":
        raise InputError(
            [
                Problem(
                    "这是算出的值，请改它所依据的字段",
                    "this is computed; set its inputs",
                    field=name,
                )
            ]
        )
    raw: Any = text.strip()
    number = number_text(raw) if decl.type in ("count", "amount") else None
    if number is not None:
        with contextlib.suppress(ArithmeticError):
            raw = Decimal(number)
    try:
        return checked(decl, raw, pack.pack.year)
    except PydanticCustomError as exc:
        ctx = exc.context or {}
        raise InputError([Problem(ctx["zh"], ctx["en"], field=name)]) from None


def derive(pack: Pack, values: dict[str, Value], year: int | None = None) -> None:
    """Add every ratio field the pack declares (of `year`, if given), computed exactly: a
    Fraction, compared exactly and rounded only where it is shown."""
    for plain, of, decl in _ratios(pack):
        name = in_year(plain, year)
        top, bottom = (values.get(in_year(f, year)) for f in of)
        values.pop(name, None)
        # A ratio's inputs are counts or amounts; absent ones (None) leave it absent.
        if not isinstance(top, (int, Decimal)) or not isinstance(bottom, (int, Decimal)):
            continue
        if bottom == 0:
            continue
        values[name] = Fraction(top) / Fraction(bottom) * Fraction(decl.times) - Fraction(
            decl.minus
        )


@per_pack
def _ratios(pack: Pack) -> tuple[tuple[str, list[str], FieldDecl], ...]:
    """The computed ratios: name, what they are computed of, declaration."""
    return tuple(
        (name, decl.of, decl)
        for name in pack.field_names()
        if (decl := pack.field(name)).type == "ratio" and decl.of is not None
    )


@per_pack
def _defaults(pack: Pack) -> tuple[tuple[str, FieldDecl, frozenset[str]], ...]:
    """The fields with a default: name, declaration, the cities (without 市) it is for."""
    return tuple(
        (
            f"{group}.{key}",
            decl,
            frozenset(c.removesuffix("市") for c in decl.default_for.cities)
            if decl.default_for
            else frozenset(),
        )
        for group, decls in pack.fields.items()
        for key, decl in decls.items()
        if decl.default_for or decl.default is not None
    )


def apply_defaults(pack: Pack, values: dict[str, Value]) -> None:
    """Fill absent profile flags from the pack, e.g. the five pilot-zone cities it names."""
    short = str(values.get("city.name", "")).removesuffix("市")
    for name, decl, cities in _defaults(pack):
        if name in values:
            continue
        if decl.default_for and short in cities:
            values[name] = decl.default_for.value
        elif decl.default is not None:
            values[name] = decl.default
