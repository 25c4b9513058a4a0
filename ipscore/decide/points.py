"""A points sheet added up: each item's points from the band the engine put each of its parts
in, exactly (`Fraction`), with the words that say why ("完成目标任务的93%，得60%分：9分";
"超出目标12件，加1.2分"); the vetoes that hold; the total from the sheet's start, within its
cap and floor. Nothing here decides a band: `Verdicts.bands` holds what the engine proved."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from ..packs import Pack, Requirement
from ..packs.conditions import format_decimal
from ..packs.model import parts_of
from ..packs.points import Part
from ..verdicts import MET, NOT_APPLICABLE, UNMET, Verdict, Verdicts
from . import explain
from .sheetwords import pct


@dataclass(frozen=True)
class PartScore:
    """One part of an item: how it gives points (tiers, per_unit, when, deduct), the band it
    is in (None while a figure is missing) and that band's kind (tier, below, capped, …), its
    points (a bonus included; a deduction negative), and why, in both languages."""

    kind: str
    band: int | None
    points: Fraction
    bonus: Fraction
    words: str
    words_en: str
    band_kind: str | None = None


@dataclass(frozen=True)
class ItemScore:
    id: str
    task: str
    value: Fraction  # 分值
    points: Fraction  # 得分
    parts: tuple[PartScore, ...]
    status: Verdict
    claimed: Fraction | None = None  # 自评分, as the city filed it

    @property
    def difference(self) -> Fraction | None:
        """自评分 − 得分: what the city claimed beyond the points computed."""
        return None if self.claimed is None else self.claimed - self.points


@dataclass(frozen=True)
class SheetScore:
    items: tuple[ItemScore, ...]
    vetoes: tuple[str, ...]  # the ids of the vetoes that hold
    start: Fraction
    added: Fraction  # Σ of the items' points
    exact: Fraction  # the total: start + added within the sheet's cap and floor, 0 if vetoed
    maximum: Fraction  # start + Σ 分值 (full marks, no bonus)
    capped: bool = False  # the sheet's cap or floor took effect
    # The vetoes neither proved to hold nor not to: a figure they read is missing, so the grade
    # stands only until it is filed.
    undecided: tuple[str, ...] = ()


def sheet_score(
    pack: Pack,
    verdicts: Verdicts,
    values: Mapping[str, Any],
    claimed: Mapping[str, Any] | None = None,
) -> SheetScore:
    """The sheet added up for the bands and vetoes the engine decided."""
    claimed = claimed or {}
    items = []
    for task, req in pack.requirements():
        found = verdicts.bands.get(req.id, ())
        parts = tuple(
            part_score(pack, part, found[k] if k < len(found) else None, values, req.title)
            for k, part in enumerate(parts_of(req))
        )
        if verdicts.statuses[req.id] == NOT_APPLICABLE and req.applies_if is not None:
            zh, en = _not_applicable(pack, req)
            parts = tuple(dataclasses.replace(p, words=zh, words_en=en) for p in parts)
        own = claimed.get(req.id)
        items.append(
            ItemScore(
                id=req.id,
                task=task.id,
                value=_worth(req),
                points=sum((p.points for p in parts), Fraction(0)),
                parts=parts,
                status=verdicts.statuses[req.id],
                claimed=None if own is None else Fraction(own),
            )
        )
    total = totalled(pack, tuple(items), verdicts.vetoes)
    return dataclasses.replace(total, undecided=verdicts.undecided_vetoes)


def totalled(pack: Pack, items: tuple[ItemScore, ...], vetoes: tuple[str, ...]) -> SheetScore:
    """The sheet's total for these items and vetoes: from its start, within its cap and floor,
    0 under a veto whose effect is `zero`."""
    sheet = pack.scoring.sheet
    start = Fraction(sheet.start)
    added = sum((i.points for i in items), Fraction(0))
    total = start + added
    within = total
    if sheet.max is not None:
        within = min(within, Fraction(sheet.max))
    if sheet.floor is not None:
        within = max(within, Fraction(sheet.floor))
    zero = any(v.effect == "zero" for v in pack.scoring.vetoes if v.id in vetoes)
    return SheetScore(
        items=items,
        vetoes=vetoes,
        start=start,
        added=added,
        exact=Fraction(0) if zero else within,
        maximum=start + sum((i.value for i in items), Fraction(0)),
        capped=within != total,
    )


def gain_if_met(pack: Pack, item: ItemScore) -> Fraction:
    """Points the item would add if it were met: each part not in its best band at its full
    value (no bonus; a deduction taken back), the parts already there as they are."""
    parts = parts_of(pack.requirement(item.id))
    return sum(
        (
            part.worth - got.points
            for part, got in zip(parts, item.parts, strict=True)
            if got.band != 0
        ),
        Fraction(0),
    )


def forced(
    pack: Pack,
    sheet: SheetScore,
    values: Mapping[str, Any],
    dropped: set[str],
    completed: set[str],
) -> SheetScore:
    """The sheet with some items taken as not done or as met, without deciding anything again
    (a what-if's `--drop` and `--complete`, the blocking items met).

    A dropped item earns nothing: each part 0 points, and a deduction takes off what it would
    for the whole task unfinished. A completed item has every part in its best band: its full
    value, no bonus (a part already there keeps its points, bonus included); a deduction takes
    nothing. A dropped item that is also completed counts as dropped."""
    if not dropped and not completed:
        return sheet
    items = []
    for item in sheet.items:
        how = "drop" if item.id in dropped else "complete" if item.id in completed else None
        if how is None:
            items.append(item)
            continue
        parts = tuple(
            _forced_part(pack, part, got, values, how)
            for part, got in zip(parts_of(pack.requirement(item.id)), item.parts, strict=True)
        )
        items.append(
            dataclasses.replace(
                item,
                parts=parts,
                points=sum((p.points for p in parts), Fraction(0)),
                status=UNMET if how == "drop" else MET,
            )
        )
    return totalled(pack, tuple(items), sheet.vetoes)


def _forced_part(
    pack: Pack, part: Part, got: PartScore, values: Mapping[str, Any], how: str
) -> PartScore:
    decimals = pack.scoring.decimals
    if how == "complete":
        if got.band == 0:
            return got
        worth = _pts(part.worth, decimals)
        if part.deduct is not None:
            return PartScore(
                "done",
                0,
                Fraction(0),
                Fraction(0),
                "假设完成：不扣分",
                "what-if: done, nothing deducted",
            )
        return PartScore(
            part.bands[0].kind,
            0,
            part.worth,
            Fraction(0),
            f"假设完成：得满分{worth}分（不计加分）",
            f"what-if: met, full marks {worth} (no bonus)",
        )
    last = len(part.bands) - 1
    if part.deduct is None:
        return PartScore(
            part.bands[last].kind,
            last,
            Fraction(0),
            Fraction(0),
            "假设不做：按0分计",
            "what-if: not done, no points",
        )
    d = part.deduct
    target = target_of(d.of, values)
    if target is None:
        return PartScore("short", None, Fraction(0), Fraction(0), *_missing(pack, part, values))
    taken = math.ceil(target / Fraction(d.per)) * Fraction(d.points) if target > 0 else Fraction(0)
    if d.cap is not None:
        taken = min(taken, Fraction(d.cap))
    decl = pack.field(d.field)
    return PartScore(
        "short",
        last if taken else 0,
        -taken,
        Fraction(0),
        f"假设不做：任务{explain.show(decl, target)}全部未完成，扣{_pts(taken, decimals)}分",
        f"what-if: not done, the whole task of {explain.show(decl, target, 'en')} unfinished: "
        f"{_pts(taken, decimals)} deducted",
    )


def _not_applicable(pack: Pack, req: Requirement) -> tuple[str, str]:
    """Why an item gives nothing: it does not apply, and when it would."""
    return (
        f"本项不适用（适用条件：{explain.describe(pack, req.applies_if)}），不计分",
        f"does not apply (it applies when {explain.describe(pack, req.applies_if, 'en')}): "
        "no points",
    )


def _worth(req: Requirement) -> Fraction:
    return req.points.worth if req.points is not None else Fraction(0)


def _number(values: Mapping[str, Any], name: str) -> Fraction | None:
    value = values.get(name)
    if value is None or isinstance(value, bool):
        return None
    return Fraction(value)


def target_of(of: str | Decimal, values: Mapping[str, Any]) -> Fraction | None:
    return _number(values, of) if isinstance(of, str) else Fraction(of)


def part_score(
    pack: Pack, part: Part, band: int | None, values: Mapping[str, Any], title: str = ""
) -> PartScore:
    """A part's points in the band it is in, and why (an award named by its label, else by
    the item's `title`)."""
    found = _scored(pack, part, band, values, title)
    band_kind = None if band is None else part.bands[band].kind
    return dataclasses.replace(found, kind=part.kind, band_kind=band_kind)


def _scored(
    pack: Pack, part: Part, band: int | None, values: Mapping[str, Any], title: str
) -> PartScore:
    if band is None:
        zh, en = _missing(pack, part, values)
        return PartScore(part.kind, None, Fraction(0), Fraction(0), zh, en)
    kind = part.bands[band].kind
    decimals = pack.scoring.decimals
    if part.tiers is not None:
        return _tier(pack, part, band, values)
    if part.per_unit is not None:
        cap = Fraction(part.cap if part.cap is not None else part.value or 0)
        counts = [(f, Fraction(r), _number(values, f)) for f, r in part.per_unit.items()]
        total = sum((r * x for _, r, x in counts if x is not None), Fraction(0))
        pieces_zh = " + ".join(
            f"{explain.label(pack.field(f), 'zh')}{explain.show(pack.field(f), x)}"
            f"×{_pts(r, decimals)}分"
            if x is not None
            else f"{explain.label(pack.field(f), 'zh')}（未填报）"
            for f, r, x in counts
        )
        pieces_en = " + ".join(
            f"{explain.label(pack.field(f), 'en')} {explain.show(pack.field(f), x, 'en')} × "
            f"{_pts(r, decimals)}"
            if x is not None
            else f"{explain.label(pack.field(f), 'en')} (not reported)"
            for f, r, x in counts
        )
        if kind == "capped":
            most, got = _pts(cap, decimals), _pts(total, decimals)
            # A figure left out counts for nothing here: the ones filed reach the cap already.
            some = any(x is None for _, _, x in counts)
            return PartScore(
                kind,
                band,
                cap,
                Fraction(0),
                f"{pieces_zh}{'，已填报的合计' if some else ' = '}{got}分，"
                f"以{most}分为限：得{most}分",
                f"{pieces_en}{', those reported: ' if some else ' = '}{got}, capped at {most}: "
                f"{most} points",
            )
        return PartScore(
            kind,
            band,
            total,
            Fraction(0),
            f"{pieces_zh}：得{_pts(total, decimals)}分",
            f"{pieces_en}: {_pts(total, decimals)} points",
        )
    if part.when is not None:
        worth = part.worth
        what_zh = part.label or title or "条件"
        what_en = part.label_en or part.label or title or "condition"
        if kind == "award":
            return PartScore(
                kind,
                band,
                worth,
                Fraction(0),
                f"{what_zh}：达到，得{_pts(worth, decimals)}分",
                f"{what_en}: met, {_pts(worth, decimals)} points",
            )
        return PartScore(
            kind,
            band,
            Fraction(0),
            Fraction(0),
            f"{what_zh}：未达到，不得分",
            f"{what_en}: not met, no points",
        )
    return _deduction(pack, part, band, values)


def _tier(pack: Pack, part: Part, band: int, values: Mapping[str, Any]) -> PartScore:
    assert part.tiers is not None
    t, decimals = part.tiers, pack.scoring.decimals
    chosen = part.bands[band]
    decl = pack.field(t.field)
    done = _number(values, t.field) or Fraction(0)
    target = target_of(t.of, values) or Fraction(0)
    share = _share_words(done, target)
    earns = chosen.earns or Fraction(0)
    points = earns * part.worth
    if chosen.kind == "below":
        zh = f"完成目标任务的{share[0]}，不足{pct(chosen.share or Fraction(0))}，不得分"
        en = f"{share[1]} of the target, short of {pct(chosen.share or Fraction(0))}: no points"
        return PartScore(chosen.kind, band, Fraction(0), Fraction(0), zh, en)
    if earns == 1 and done < target:  # full marks short of the target ("95%以上得满分")
        got = _pts(points, decimals)
        need = pct(chosen.share or Fraction(0))
        zh = f"完成目标任务的{share[0]}，达到{need}，得满分：{got}分"
        en = f"{share[1]} of the target, {need} reached: full marks, {got} points"
    elif earns == 1:
        got = _pts(points, decimals)
        of = f"{explain.show(decl, done)}，目标{explain.show(decl, target)}"
        zh = f"完成目标任务（{of}），得满分：{got}分"
        en = (
            f"target met ({explain.show(decl, done, 'en')} of "
            f"{explain.show(decl, target, 'en')}): full marks, {got} points"
        )
    else:
        zh = f"完成目标任务的{share[0]}，得{pct(earns)}分：{_pts(points, decimals)}分"
        en = f"{share[1]} of the target: {pct(earns)} of the points, {_pts(points, decimals)}"
    bonus = Fraction(0)
    if part.bonus is not None and band == 0 and done > target:
        b = part.bonus
        steps = math.floor((done - target) / Fraction(b.per))
        bonus = steps * Fraction(b.points)
        if b.cap is not None:
            bonus = min(bonus, Fraction(b.cap))
        over = explain.show(decl, done - target)
        over_en = explain.show(decl, done - target, "en")
        capped = b.cap is not None and steps * Fraction(b.points) > Fraction(b.cap)
        zh += f"；超出目标{over}，加{_pts(bonus, decimals)}分" + (
            "（已达加分上限）" if capped else ""
        )
        en += f"; {over_en} over the target: {_pts(bonus, decimals)} bonus" + (
            " (at the cap)" if capped else ""
        )
        points += bonus
    return PartScore(chosen.kind, band, points, bonus, zh, en)


def _deduction(pack: Pack, part: Part, band: int, values: Mapping[str, Any]) -> PartScore:
    assert part.deduct is not None
    d, decimals = part.deduct, pack.scoring.decimals
    decl = pack.field(d.field)
    done = _number(values, d.field) or Fraction(0)
    target = target_of(d.of, values) or Fraction(0)
    if part.bands[band].kind == "done":
        return PartScore(
            "done",
            band,
            Fraction(0),
            Fraction(0),
            f"完成任务（{explain.show(decl, done)}，任务{explain.show(decl, target)}），不扣分",
            f"task done ({explain.show(decl, done, 'en')} of "
            f"{explain.show(decl, target, 'en')}): nothing deducted",
        )
    short = target - done
    steps = math.ceil(short / Fraction(d.per))
    taken = steps * Fraction(d.points)
    if d.cap is not None:
        taken = min(taken, Fraction(d.cap))
    return PartScore(
        "short",
        band,
        -taken,
        Fraction(0),
        f"未完成{explain.show(decl, short)}（任务{explain.show(decl, target)}，"
        f"完成{explain.show(decl, done)}），扣{_pts(taken, decimals)}分",
        f"{explain.show(decl, short, 'en')} short of the task ({explain.show(decl, done, 'en')} of "
        f"{explain.show(decl, target, 'en')}): {_pts(taken, decimals)} deducted",
    )


def _missing(pack: Pack, part: Part, values: Mapping[str, Any]) -> tuple[str, str]:
    read = []
    if part.tiers is not None:
        read = [part.tiers.field, *([part.tiers.of] if isinstance(part.tiers.of, str) else [])]
    elif part.deduct is not None:
        read = [part.deduct.field, *([part.deduct.of] if isinstance(part.deduct.of, str) else [])]
    elif part.per_unit is not None:
        read = list(part.per_unit)
    absent = [f for f in read if values.get(f) is None]
    if not absent:
        return "不适用或数据不全，本项不计分", "not applicable or incomplete: no points"
    names_zh = "、".join(explain.label(pack.field(f), "zh") for f in absent)
    names_en = ", ".join(explain.label(pack.field(f), "en") for f in absent)
    if part.deduct is not None:  # not reporting must not pass for having nothing deducted
        return (
            f"缺少数据（{names_zh}），无法计算扣分：请补报",
            f"figures missing ({names_en}): the deduction cannot be worked out; report them",
        )
    return f"缺少数据（{names_zh}），本项暂不得分", f"figures missing ({names_en}): no points yet"


def _share_words(done: Fraction, target: Fraction) -> tuple[str, str]:
    """The share of the target reached, to one decimal, rounded down (89.96% shows as 89.9%,
    never as a 90% it did not reach)."""
    if target <= 0:
        return "100%", "100%"
    tenths = math.floor(done / target * 1000)
    text = f"{tenths // 10}" if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"
    return f"{text}%", f"{text}%"


def _pts(value: Fraction, decimals: int) -> str:
    """Points to the sheet's decimals (half up), trailing zeros dropped: 9, 1.2, 0.1."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    shown = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{shown:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def shown(value: Fraction, decimals: int) -> str:
    """Points to the sheet's decimals exactly as the sheet shows them (15.0 with one decimal)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):f}"


def points_text(value: Fraction, decimals: int) -> str:
    """Points as an item's words show them: 9, 1.2, 0.1 (the sheet's decimals, half up)."""
    return _pts(value, decimals)


def item_gap(
    pack: Pack, req: Requirement, item: ItemScore, values: Mapping[str, Any], lang: str = "zh"
) -> str:
    """What an item lacks for its full 分值, part by part, in the sheet's terms: the quantity
    short of the target ("还差10件"), the points short of a per-unit cap and what earns them
    ("离25分还差7分：每件专利纠纷案件5分、假冒专利案件1分"), an award's condition not met. A part
    in its best band (as the engine put it) lacks nothing."""
    out = []
    for part, scored in zip(parts_of(req), item.parts, strict=True):
        words = None if scored.band == 0 else _part_gap(pack, part, values, lang, req.title)
        if words:
            out.append(words)
    return ("；" if lang != "en" else "; ").join(out)


def _part_gap(
    pack: Pack, part: Part, values: Mapping[str, Any], lang: str, title: str
) -> str | None:
    spec = part.tiers or part.deduct
    if spec is not None:
        decl = pack.field(spec.field)
        done, target = _number(values, spec.field), target_of(spec.of, values)
        if done is None or target is None:
            return None
        # The least figure of the best band: full marks may ask less than the whole target
        # ("95%以上得满分") or more; to the figure's own decimals, as the band compares it.
        share = part.bands[0].share if part.tiers is not None else None
        step = Fraction(1, 10**decl.decimals)
        least = math.ceil(target * (share or 1) / step) * step
        if done >= least:
            return None
        short = explain.show(decl, least - done, lang)
        return f"还差{short}" if lang != "en" else f"{short} short"
    if part.per_unit is not None:
        cap = Fraction(part.cap if part.cap is not None else part.value or 0)
        got = sum(
            (Fraction(r) * (_number(values, f) or 0) for f, r in part.per_unit.items()), Fraction(0)
        )
        if got >= cap:
            return None
        # Exact: a rate of 0.125 is not 0.13, and 4.998 of 5 is 0.002 short, not 0.
        each = ("、" if lang != "en" else ", ").join(
            f"{explain.label(pack.field(f), lang)}{' ' if lang == 'en' else ''}"
            + (
                f"每{pack.field(f).unit or '个'}{format_decimal(Fraction(r))}分"
                if lang != "en"
                else f"{format_decimal(Fraction(r))} each"
            )
            for f, r in part.per_unit.items()
        )
        need, most = format_decimal(cap - got), format_decimal(cap)
        if lang == "en":
            return f"{need} short of {most}: {each}"
        return f"离{most}分还差{need}分：{each}"
    label = part.label_en if lang == "en" and part.label_en else part.label or title
    return f"{label}：未达到" if lang != "en" else f"{label}: not met"
