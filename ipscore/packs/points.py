"""Score sheets (评分表) as offices write them: an item worth points (分值), given by its
评分标准 — tiers on a share of a target, points per unit, a bonus beyond full marks, a deduction
per unfinished unit, a fixed award when a condition holds — and vetoes (一票否决).

An item is a requirement with `points:`. Each of its parts has bands, best first; every band
is a condition over facts, built here from the part as the condition language writes it, and
decided by the engine like every verdict. Scoring (`decide.points`) only adds up the points of
the band each part is in: exact fractions, rounded for display alone. The requirement's own
check, when the pack leaves it out, is "every part in its best band": the item earns its full
分值.

"以上" and "以下" include the number itself (《民法典》第一千二百五十九条: 民法所称的"以上"、
"以下"、"以内"、"届满"，包括本数), so "90%以上得60%分" is a share of at least 0.9; where a sheet
also says "90%以下不得分", the tier above takes exactly 90%.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .base import ID_PATTERN, Citation, Strict

BandKind = Literal["tier", "below", "capped", "counted", "award", "none", "done", "short"]
# A per-unit part over several fields is decided by a disjunction over the first fields'
# counts; past this many terms its negation outgrows one engine rule (64 paths).
MAX_TERMS = 7


@dataclass(frozen=True)
class Band:
    """One band of a part: its condition (raw YAML until the loader parses it) and what it
    gives — a share of the part's value for a tier (1, 0.6, 0), nothing fixed otherwise."""

    kind: BandKind
    when: Any
    share: Fraction | None = None  # of the target reached (tiers), for the words
    earns: Fraction | None = None  # of the part's value (tiers)


def _fail(zh: str, en: str) -> PydanticCustomError:
    """A problem in the sheet's own words, in both languages (`validation.translate`)."""
    return PydanticCustomError("ipscore", "{en}", {"zh": zh, "en": en})


def _decimal(raw: Any) -> Decimal | None:
    """A number as a sheet writes it (1, 0.9, "0.95"); None for anything else ("90%", "2/3",
    "full", a list)."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _target(raw: Any) -> Any:
    """A target (`of`): a field's name, or a constant — written as a number or quoted ("150.5"
    as the pack writes points): a quoted number is a constant, not a field of that name."""
    if isinstance(raw, str):
        number = _decimal(raw)
        if number is None:
            return raw
        raw = number
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool) and raw < 0:
        raise _fail(f"目标 of 应≥0，实际为 {raw}", f"the target (of) must be ≥ 0, not {raw}")
    return raw


class Tiers(Strict):
    """Points by the share of a target reached: `at_least` maps a share (1 for the whole
    target) to the share of the part's value it earns (`full` for all of it); below the
    lowest share, none."""

    field: str
    of: str | Decimal  # the target: a field the city files (its own target) or a constant
    at_least: dict[str, Any] = Field(min_length=1)

    _of = field_validator("of", mode="before")(_target)

    @field_validator("at_least", mode="before")
    @classmethod
    def _steps(cls, raw: Any) -> Any:
        """Each step a share of the target above 0 (1, 0.9) earning a share of the value from
        0 to 1, or `full`: anything else is said before any band is built from it."""
        if not isinstance(raw, dict):
            return raw
        for share, earns in raw.items():
            reached, got = _decimal(share), None if earns == "full" else _decimal(earns)
            if (
                reached is None
                or reached <= 0
                or (earns != "full" and (got is None or not 0 <= got <= 1))
            ):
                raise _fail(
                    f"at_least 写作 {{完成目标的比例: 得分比例}}，比例写小数，例如 "
                    f"{{1: full, 0.9: 0.6}}（完成目标得满分，90%以上得60%分）；"
                    f"“{share}: {earns}”不是",
                    f"at_least maps a share of the target to a share of the value, as decimals, "
                    f"e.g. {{1: full, 0.9: 0.6}}; “{share}: {earns}” is not one",
                )
        steps = [_decimal(k) for k in raw]
        if len(set(steps)) < len(steps):
            raise _fail(
                "at_least 中同一个完成比例写了两次",
                "at_least gives the same share of the target twice",
            )
        return {str(k): v for k, v in zip(steps, raw.values(), strict=True)}


class Bonus(Strict):
    """Points beyond full marks for every `per` units over the target ("每超1件，加0.1分",
    "每超100万元加1分"), up to `cap` where the sheet states one."""

    points: Decimal = Field(gt=0)
    per: Decimal = Field(default=Decimal(1), gt=0)
    cap: Decimal | None = Field(default=None, gt=0)


class Deduct(Strict):
    """Points taken off for every `per` units short of a target ("未完成的专利申报任务每件扣
    0.1分"), up to `cap` where the sheet states one."""

    field: str
    of: str | Decimal
    points: Decimal = Field(gt=0)
    per: Decimal = Field(default=Decimal(1), gt=0)
    cap: Decimal | None = Field(default=None, gt=0)

    _of = field_validator("of", mode="before")(_target)


class Part(Strict):
    """One way an item gives points: exactly one of tiers, per_unit, when (an award) or
    deduct."""

    value: Decimal | None = Field(default=None, ge=0)
    label: str | None = None
    label_en: str | None = None
    tiers: Tiers | None = None
    bonus: Bonus | None = None
    # Points a unit of each field ("纠纷案件每完成1件得5分"), capped at `cap` (the part's value
    # unless stated): counts past the cap earn nothing more.
    per_unit: dict[str, Decimal] | None = None
    cap: Decimal | None = Field(default=None, gt=0)
    when: Any = None
    deduct: Deduct | None = None
    # Filled by the loader: each band's condition, best first (`bands_of`).
    bands: tuple[Band, ...] = ()

    @field_validator("per_unit")
    @classmethod
    def _rates(cls, rates: dict[str, Decimal] | None) -> dict[str, Decimal] | None:
        if rates is not None and not rates:
            raise _fail(
                "per_unit 写作 {字段: 每单位分值}，不能为空",
                "per_unit maps fields to points a unit; it must not be empty",
            )
        bad = [f for f, r in (rates or {}).items() if r <= 0]
        if bad:
            raise _fail(
                f"每单位分值应大于0：{bad[0]} 是 {rates and rates[bad[0]]}",
                f"points a unit must be greater than 0: {bad[0]} has {rates and rates[bad[0]]}",
            )
        return rates

    @model_validator(mode="after")
    def _one_way(self) -> Part:
        ways = [w for w in ("tiers", "per_unit", "when", "deduct") if getattr(self, w) is not None]
        if len(ways) != 1:
            raise _fail(
                "一个得分部分只写 tiers、per_unit、when、deduct 中的一个"
                + (f"，这里写了 {'、'.join(ways)}" if ways else ""),
                "a part gives points one way: tiers, per_unit, when or deduct"
                + (f"; this one has {', '.join(ways)}" if ways else ""),
            )
        if self.bonus is not None and self.tiers is None:
            raise _fail("bonus（超出目标加分）只能与 tiers 同用", "a bonus goes with tiers only")
        if self.cap is not None and self.per_unit is None:
            raise _fail(
                "cap 是按件计分（per_unit）的上限：加分的上限写在 bonus.cap，扣分的上限写在 "
                "deduct.cap",
                "cap bounds points per unit (per_unit): a bonus's cap goes under bonus.cap, a "
                "deduction's under deduct.cap",
            )
        if self.deduct is None and self.value is None:
            raise _fail("得分部分需要分值 value", "a part needs its value")
        return self

    @property
    def kind(self) -> str:
        return next(
            w for w in ("tiers", "per_unit", "when", "deduct") if getattr(self, w) is not None
        )

    @property
    def worth(self) -> Fraction:
        """The part's full points (a deduction's is 0: it only takes away)."""
        return Fraction(self.value or 0) if self.deduct is None else Fraction(0)


PART_KEYS = ("tiers", "bonus", "per_unit", "cap", "when", "deduct", "label", "label_en")


class Points(Strict):
    """An item's points: its 分值, its 评分标准 in the sheet's words, and its parts."""

    value: Decimal = Field(ge=0)
    criteria: str = Field(min_length=1)
    criteria_en: str | None = None
    parts: list[Part] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _single_part(cls, data: Any) -> Any:
        """A one-part item writes the part's keys beside value and criteria."""
        if not isinstance(data, dict) or "parts" in data:
            return data
        inline = {k: data[k] for k in PART_KEYS if k in data}
        if not inline:
            return data
        rest = {k: v for k, v in data.items() if k not in PART_KEYS}
        value = data.get("value")
        number = _decimal(value)
        if number is None or number < 0:  # said once, of the item's own `value`
            value = 0
        part = {**inline, "value": value} if "deduct" not in inline else inline
        return {**rest, "parts": [part]}

    @property
    def worth(self) -> Fraction:
        return Fraction(self.value)


class Veto(Strict):
    """一票否决: when the condition holds, the grade is the lowest (or the score 0), whatever
    the points; named first on page one with its citation."""

    id: str = Field(pattern=ID_PATTERN)
    title: str
    title_en: str | None = None
    when: Any
    effect: Literal["lowest_grade", "zero"] = "lowest_grade"
    remedy: str | None = None
    remedy_en: str | None = None
    citation: Citation


class Sheet(Strict):
    """How a points sheet adds up: the score a city starts from (100 where every unit starts
    at 100 and loses points), the most it may reach (where the sheet caps bonuses in total)
    and the least (where deductions stop)."""

    start: Decimal = Decimal(0)
    max: Decimal | None = None
    floor: Decimal | None = None

    @model_validator(mode="after")
    def _in_order(self) -> Sheet:
        if self.max is not None and self.floor is not None and self.floor > self.max:
            raise _fail(
                f"总分下限 floor {self.floor} 高于上限 max {self.max}："
                "每个单位的总分都会是同一个数",
                f"the floor {self.floor} is above the cap {self.max}: "
                "every total would be the same",
            )
        return self


def target_ref(of: str | Decimal, times: Fraction) -> Any:
    """The right side of `x ≥ times × target` in the condition language."""
    if isinstance(of, str):
        return {"field": of, "times": _text(times)}
    return of * Decimal(times.numerator) / Decimal(times.denominator)


def at_least(field: str, of: str | Decimal, times: Fraction, decimals: int) -> dict[str, Any]:
    """`field ≥ times × target`; against a constant, the constant rounded up to the field's
    decimals (for a count, x ≥ 13.5 is x ≥ 14: the same cities)."""
    if isinstance(of, str):
        return {"field": field, "gte": target_ref(of, times)}
    scale = 10**decimals
    bound = Fraction(of) * times * scale
    return {"field": field, "gte": _text(Fraction(math.ceil(bound), scale))}


def negated(cond: Any) -> dict[str, Any]:
    return {"not": cond}


def shares(tiers: Tiers) -> list[tuple[Fraction, Fraction]]:
    """(share of the target, share of the value) best first; `full` is 1."""
    out = []
    for share, earns in tiers.at_least.items():
        out.append(
            (Fraction(Decimal(str(share))), Fraction(1 if earns == "full" else Decimal(str(earns))))
        )
    return sorted(out, reverse=True)


def bands_of(part: Part, decimals_of: Any) -> tuple[Band, ...]:
    """A part's bands, best first, each with its condition in the condition language. Each
    band excludes the ones above it, so exactly one holds once its figures are known.
    `decimals_of(field)` gives a field's declared decimals."""
    if part.tiers is not None:
        t = part.tiers
        steps = shares(t)
        reached = [at_least(t.field, t.of, share, decimals_of(t.field)) for share, _ in steps]
        out = []
        for k, (share, earns) in enumerate(steps):
            cond = reached[k] if k == 0 else {"all": [reached[k], negated(reached[k - 1])]}
            out.append(Band("tier", cond, share, earns))
        out.append(Band("below", negated(reached[-1]), steps[-1][0], Fraction(0)))
        return tuple(out)
    if part.per_unit is not None:
        cap = Fraction(part.cap if part.cap is not None else part.value or 0)
        capped = reaches(rates_of(part), cap, decimals_of)
        return (Band("capped", capped), Band("counted", negated(capped)))
    if part.when is not None:
        return (Band("award", part.when), Band("none", negated(part.when)))
    assert part.deduct is not None
    d = part.deduct
    done = at_least(d.field, d.of, Fraction(1), decimals_of(d.field))
    return (Band("done", done), Band("short", negated(done)))


def rates_of(part: Part) -> list[tuple[str, Fraction]]:
    """A per-unit part's fields with their points a unit, the highest first (the fewest
    steps when several are expanded)."""
    rates = [(f, Fraction(r)) for f, r in (part.per_unit or {}).items()]
    return sorted(rates, key=lambda fr: -fr[1])


def reaches(rates: list[tuple[str, Fraction]], cap: Fraction, decimals_of: Any) -> dict[str, Any]:
    """Σ rate × field ≥ cap in the condition language. One field: field ≥ cap / rate (rounded
    up to its decimals). Several: the first field's count k from 0 up to what reaches the cap
    alone, each with the rest reaching what is left: exact for counts, which is all a
    several-field part may read (checked at load)."""
    (field, rate), rest = rates[0], rates[1:]
    scale = 10 ** decimals_of(field)
    alone = Fraction(math.ceil(cap / rate * scale), scale)
    if not rest:
        return {"field": field, "gte": _text(alone)}
    terms: list[dict[str, Any]] = []
    for k in range(int(alone)):
        left = reaches(rest, cap - k * rate, decimals_of)
        terms.append(left if k == 0 else {"all": [{"field": field, "gte": k}, left]})
    terms.append({"field": field, "gte": _text(alone)})
    return {"any": terms}


def terms_needed(rates: list[tuple[str, Fraction]], cap: Fraction) -> int:
    """How many terms `reaches` writes: one for the last field, and for each earlier one its
    steps towards the cap, each with the rest's."""
    (_, rate), rest = rates[0], rates[1:]
    if not rest:
        return 1
    steps = math.ceil(cap / rate)
    return 1 + sum(terms_needed(rest, cap - k * rate) for k in range(steps))


def _text(value: Fraction) -> Any:
    return (
        value.numerator
        if value.denominator == 1
        else str(Decimal(value.numerator) / value.denominator)
    )
