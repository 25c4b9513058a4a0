"""Plain words for a requirement: what it expects and, when unmet, how far the city is from it."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from ..packs import FieldDecl, Pack, Requirement, per_pack
from ..packs.conditions import (
    SYMBOL,
    AnyOf,
    Compare,
    Condition,
    FieldRef,
    Not,
    comparisons,
    fields_read,
    format_decimal,
    normalise,
    split_year,
)
from ..packs.model import NUMERIC
from ..text import pick
from .kleene import bound, compare, exact


def label(decl: FieldDecl, lang: str) -> str:
    return pick(lang, decl.label, decl.label_en)


PREV_HEAD = ("往年数与记录不符", "Last year's figures differ from the record")


def recorded_differs(
    pack: Pack, other_years: Mapping[str, Mapping[str, Any]], lang: str = "zh"
) -> list[str]:
    """Each last-year figure the city typed that differs from the figure on record (the
    archive, or its own `history`), both given: "2014年专利权质押融资金额：填报6,500万元，存档
    6,000万元". From an assessment's `other_years`, or a stored result's (numbers as JSON)."""
    out = []
    for used in other_years.values():
        if not used.get("differs"):
            continue
        decl = pack.field(used["field"])  # the `_prev` field: its label names last year
        recorded = used["recorded"]
        typed, known = (_exact(v) for v in (used["value"], recorded["value"]))
        where = {"archive": ("存档", "the archive"), "history": ("history", "history")}.get(
            recorded.get("from", ""), ("记录", "the record")
        )
        out.append(
            pick(
                lang,
                f"{label(decl, 'zh')}：填报{show(decl, typed)}，{where[0]}{show(decl, known)}",
                f"{label(decl, 'en')}: entered {show(decl, typed, 'en')}, {where[1]} "
                f"{show(decl, known, 'en')}",
            )
        )
    return out


def _exact(value: Any) -> Any:
    """A number from JSON as the exact decimal it was written as."""
    return Decimal(repr(value)) if isinstance(value, float) else value


def field_label(pack: Pack, name: str, lang: str = "zh", with_year: bool = False) -> str:
    """A field's label, with its year when it is another year's figure (财政资金（2009年）) or
    when asked for (beside other years' figures)."""
    decl = pack.field(name)
    text = label(decl, lang)
    year = split_year(name)[1] or (pack.pack.year if with_year else None)
    if year is None:
        return text
    assessed = str(pack.pack.year)
    if assessed in text:  # a label that names the pack's year (2015年…) names this one instead
        return text.replace(assessed, str(year))
    before = str(pack.pack.year - 1)
    if decl.role == "baseline" and before in text:  # last year's figure (2009年…) as of `year`
        return text.replace(before, str(year - 1))
    return pick(lang, f"{text}（{year}年）", f"{text} ({year})")


def unit(decl: FieldDecl, lang: str, value: Fraction | None = None) -> str:
    # Not `pick`: English without an English unit shows none rather than a Chinese one.
    text = (decl.unit_en if lang == "en" else decl.unit) or ""
    if lang == "en" and text and value == 1:
        text = singular(text)
    return f" {text}" if lang == "en" and text else text


def singular(noun: str) -> str:
    """An English unit for exactly one: 1 person, 1 study, 1 class (packs name them plural)."""
    if noun == "people":
        return "person"
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith("sses"):
        return noun[:-2]
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def show(decl: FieldDecl, value: Any, lang: str = "zh") -> str:
    """A value in the user's words: 是/否, option labels, numbers with their unit."""
    if value is None:
        return pick(lang, "（缺报）", "(missing)")
    if decl.type == "bool":
        if lang == "en":
            return "yes" if value else "no"
        return "是" if value else "否"
    if decl.type == "enum":
        # Not `pick`: English without English option names shows the codes.
        names = (decl.values_en if lang == "en" else decl.values) or {}
        return names.get(value, str(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Fraction) and decl.type == "ratio":
        return f"{rounded(value, decl.decimals)}{unit(decl, lang)}"
    if isinstance(value, (int, Decimal, Fraction)) and not isinstance(value, bool):
        return quantity(decl, Fraction(value), lang)
    return str(value)


YUAN = {"万元": 10_000, "亿元": 100_000_000}


def grouped(value: Fraction) -> str:
    """A number exactly, with thousands separators: 39,000 and 7,799.9999."""
    text = format_decimal(value)
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, decimals = digits.partition(".")
    return f"{sign}{int(whole):,}{dot}{decimals}"


def quantity(decl: FieldDecl, value: Fraction, lang: str) -> str:
    """A number with its unit. English has no word for 万元 or 亿元, so English money is in
    yuan (exact: 7,799.9999万元 is 77,999,999 yuan)."""
    if lang == "en" and decl.unit in YUAN:
        return f"{grouped(value * YUAN[decl.unit])} yuan"
    return f"{grouped(value)}{unit(decl, lang, value)}"


def show_input(pack: Pack, name: str, value: Any, uncomputable: Iterable[str], lang: str) -> str:
    """An input a requirement read, as shown beside it: a ratio over a zero says so."""
    if value is None and name in uncomputable:
        return pick(lang, "无法计算（分母为0）", "cannot be computed (divisor 0)")
    return show(pack.field(name), value, lang)


def rounded(value: Fraction, decimals: int) -> str:
    """A computed ratio to its declared decimals, half up, with ≈ where that is not exact."""
    shown = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP
    )
    return f"{'' if Fraction(shown) == value else '≈'}{shown}"


def level_label(pack: Pack, code: str | None, lang: str = "zh") -> str:
    """The city's tier in words (副省级, 地级 …), or a dash where the pack has no levels."""
    if not code or "level" not in pack.fields.get("city", {}):
        return "—"
    return show(pack.field("city.level"), code, lang)


def describe(pack: Pack, cond: Condition, lang: str = "zh", years: bool | None = None) -> str:
    """The condition in words; where it reads other years, every field names its year."""
    if years is None:
        years = any(split_year(f)[1] is not None for f in fields_read(cond))
    if isinstance(cond, Compare):
        return _describe_compare(pack, cond, lang, years)
    if isinstance(cond, Not):
        return pick(lang, "并非：", "not: ") + describe(pack, cond.item, lang, years)
    joiner = {"zh": ("；且", "；或"), "en": ("; and ", "; or ")}[lang][isinstance(cond, AnyOf)]
    return joiner.join(describe(pack, c, lang, years) for c in cond.items)


def _describe_compare(pack: Pack, cmp: Compare, lang: str, years: bool) -> str:
    decl = pack.field(cmp.field)
    name = field_label(pack, cmp.field, lang, years)
    if decl.type == "bool" and cmp.op in ("eq", "ne"):
        wanted = cmp.value if cmp.op == "eq" else not cmp.value
        return (
            f"{name}：{show(decl, wanted, lang)}"
            if lang == "zh"
            else f"{name}: {show(decl, wanted, lang)}"
        )
    if isinstance(cmp.value, FieldRef):
        other = field_label(pack, cmp.value.field, lang, years)
        factor = "" if cmp.value.times == 1 else f" × {format_decimal(cmp.value.times)}"
        return f"{name} {SYMBOL[cmp.op]} {other}{factor}"
    if cmp.op in ("in", "not_in"):
        sep = pick(lang, "、", ", ")
        options = sep.join(show(decl, v, lang) for v in cmp.value)
        return f"{name} {SYMBOL[cmp.op]} {{{options}}}"
    return f"{name} {SYMBOL[cmp.op]} {show(decl, cmp.value, lang)}"


def expected(pack: Pack, req: Requirement, lang: str = "zh") -> str:
    # Not `pick`: without an English text, English describes the condition itself.
    given = req.expected_en if lang == "en" else req.expected
    if not given and req.points is not None:  # an item: its 评分标准, and full marks
        words = req.points.criteria_en if lang == "en" else req.points.criteria
        if words:
            value = format_decimal(req.points.worth)
            return pick(lang, f"{words}（满分{value}分）", f"{words} (full marks {value})")
    return given or describe(pack, req.check, lang)


def requirement_list(pack: Pack, lang: str = "zh") -> list[dict[str, Any]]:
    """Every requirement of a pack in plain words, with its citation (`rules show`)."""
    return [
        {
            "task": task.id,
            "id": req.id,
            "kind": req.kind,
            "title": req.title,
            "expected": expected(pack, req, lang),
            "interpretive": req.interpretive,
            "citation": req.citation.model_dump(),
        }
        for task, req in pack.requirements()
    ]


def gap(pack: Pack, req: Requirement, values: Mapping[str, Any], lang: str = "zh") -> str | None:
    """How an unmet requirement falls short: "还差1人", "增长18.0%，要求≥20%" (in English,
    "1 person short").

    Only comparisons on fields the city can act on are explained: profile flags that merely
    select a branch (batch, level, "already running before 2015") are not shortfalls.
    """
    parts = dict.fromkeys(
        _shortfall(pack, cmp, decl, values, lang)
        for cmp, decl in _actionable(pack)[req.id]
        if compare(cmp, values) is False
    )
    return pick(lang, "；", "; ").join(parts) or None


@per_pack
def _actionable(pack: Pack) -> dict[str, list[tuple[Compare, FieldDecl]]]:
    """Each requirement's comparisons on fields a city acts on, worked out once per pack."""
    return {
        req.id: [
            (cmp, decl)
            for cmp in comparisons(normalise(req.check))
            if (decl := pack.field(cmp.field)).role == "achievement"
        ]
        for _, req in pack.requirements()
    }


def uncomputable(pack: Pack, ratios: Iterable[str], lang: str = "zh") -> str:
    """Why a ratio the city filed both inputs of has no value: "无法计算：分母为0"."""
    parts = []
    for name in ratios:
        divisor = field_label(pack, pack.ratio_inputs(name)[1], lang)
        ratio = field_label(pack, name, lang)
        parts.append(
            pick(
                lang,
                f"{ratio}无法计算：分母为0（{divisor}填报为0）",
                f"{ratio} cannot be computed: the divisor is 0 ({divisor} filed as 0)",
            )
        )
    return pick(lang, "；", "; ").join(parts)


def _shortfall(
    pack: Pack, cmp: Compare, decl: FieldDecl, values: Mapping[str, Any], lang: str
) -> str:
    en = lang == "en"
    value = values[cmp.field]
    if decl.type == "bool":
        shown = show(decl, value, lang)
        return f"currently “{shown}”" if en else f"目前填报为“{shown}”"
    if decl.type == "ratio" and cmp.op in ("gte", "gt"):
        return _ratio_short(decl, bound(cmp, values) - exact(value), lang)
    if decl.type in NUMERIC and cmp.op in ("gte", "gt"):
        have = exact(value)
        need = _least(bound(cmp, values), decl.decimals, strict=cmp.op == "gt")
        short = _short(decl, need - have, lang)
        base = exact(values[cmp.value.field]) if isinstance(cmp.value, FieldRef) else None
        if base and cmp.value.times != 1:
            growth = _pct((have / base - 1) * 100)
            want = format_decimal((cmp.value.times - 1) * 100)
            if en:
                return f"grew {growth}%, {want}% required, {short}"
            return f"增长{growth}%，要求≥{want}%，{short}"
        return short
    if decl.type in ("count", "amount") and cmp.op in ("lte", "lt"):
        return _excess(pack, cmp, decl, values, lang)
    name, shown = field_label(pack, cmp.field, lang), show(decl, value, lang)
    if decl.type == "date":
        return f"{name} is {shown}: out of range" if en else f"{name}为{shown}，不符合要求"
    return f"{name} is “{shown}”: not accepted" if en else f"{name}为“{shown}”，不符合要求"


def _excess(pack: Pack, cmp: Compare, decl: FieldDecl, values: Mapping[str, Any], lang: str) -> str:
    """How far a figure is over its ceiling: 比办案量多15件 (the most it may be, to its
    declared decimals, subtracted from it)."""
    step = Fraction(1, 10**decl.decimals)
    limit = bound(cmp, values) / step
    most = (math.floor(limit) if cmp.op == "lte" else math.ceil(limit) - 1) * step
    over = quantity(decl, exact(values[cmp.field]) - most, lang)
    en = lang == "en"
    if isinstance(cmp.value, FieldRef):
        other = field_label(pack, cmp.value.field, lang)
        return f"{over} more than {other}" if en else f"比{other}多{over}"
    return f"{over} over" if en else f"超出{over}"


def _short(decl: FieldDecl, short: Fraction, lang: str) -> str:
    """A numeric shortfall in the field's unit; under 1万元 in 元 (还差1元, not 还差0.0001万元)."""
    if lang == "en":
        return f"{quantity(decl, short, 'en')} short"
    if decl.unit == "万元" and short < 1:
        return f"还差{grouped(short * 10_000)}元"
    return f"还差{quantity(decl, short, 'zh')}"


def _ratio_short(decl: FieldDecl, short: Fraction, lang: str) -> str:
    """An exact ratio's shortfall, rounded up to what can be shown: a ratio 0.0004 below
    its bound is "less than 0.01 short", never "0.01 short" nor "0.00 short"."""
    en = lang == "en"
    step = Fraction(1, 10**decl.decimals)
    if short == 0:
        return (
            "level with the requirement, which must be beaten" if en else "与要求持平，须高于要求"
        )
    if short < step:
        shown = show(decl, step, lang)
        return f"less than {shown} short" if en else f"还差不足{shown}"
    shown = show(decl, math.ceil(short / step) * step, lang)
    return f"{shown} short" if en else f"还差{shown}"


def _least(target: Fraction, decimals: int, strict: bool) -> Fraction | int:
    """The least number of `decimals` decimals that is ≥ target (or > target); a whole number
    (without a Fraction's arithmetic) for a field of none."""
    units = target * 10**decimals if decimals else target
    least = math.floor(units) + 1 if strict else math.ceil(units)
    return Fraction(least, 10**decimals) if decimals else least


def _pct(value: Fraction) -> str:
    """One decimal, rounded down: 19.99998% reads 19.9%, never a misleading 20.0%."""
    tenths = math.floor(value * 10)
    return f"{Decimal(tenths) / 10:.1f}"
