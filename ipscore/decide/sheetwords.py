"""A points sheet's rules in the sheet's own words, for `rules show`, `rules check` and
`ipscore test`: how each part gives points ("≥100%：满分；≥90%：60%；其余0分；每超1件加0.1分",
"办结专利纠纷案件每件5分、办结假冒专利案件每件1分，以25分为限", "每少1件扣0.1分"), each band's
name ("≥90%（60%）"), an item's range ("0–15分，另加分不封顶") and a veto's effect."""

from __future__ import annotations

import math
from fractions import Fraction

from ..packs import Pack, Requirement
from ..packs.conditions import format_decimal
from ..packs.model import parts_of
from ..packs.points import Part, Veto, shares
from ..text import pick
from .explain import describe, label, quantity

MINUS = "−"  # U+2212, as a sheet prints a deduction


def pts(value: Fraction) -> str:
    """Points exactly, a minus sign before a deduction: 15, 0.1, −1."""
    text = format_decimal(abs(value))
    return f"{MINUS}{text}" if value < 0 else text


def pct(share: Fraction) -> str:
    return f"{format_decimal(share * 100)}%"


def _reached(pack: Pack, part: Part, share: Fraction, lang: str) -> str:
    """How much of the target a tier asks: a share of a target the city files (≥90%), or the
    number itself against a constant target (≥45件)."""
    assert part.tiers is not None
    of = part.tiers.of
    if isinstance(of, str):
        return f"≥{pct(share)}"
    # As the band compares it: to the figure's decimals, rounded up (⅔ of 45件 is ≥30件, and
    # 0.6667 of it ≥31件, never "≥30.0015件").
    decl = pack.field(part.tiers.field)
    step = Fraction(1, 10**decl.decimals)
    least = math.ceil(Fraction(of) * share / step) * step
    return f"≥{quantity(decl, least, lang)}"


def _earned(share: Fraction, lang: str) -> str:
    return pick(lang, "满分", "full marks") if share == 1 else pct(share)


def part_rule(pack: Pack, part: Part, lang: str = "zh") -> str:
    """How a part gives points, in words."""
    sep = pick(lang, "；", "; ")
    colon = pick(lang, "：", ": ")
    if part.tiers is not None:
        steps = [
            f"{_reached(pack, part, share, lang)}{colon}{_earned(earns, lang)}"
            for share, earns in shares(part.tiers)
        ]
        steps.append(pick(lang, "其余0分", "otherwise 0"))
        if part.bonus is not None:
            b, decl = part.bonus, pack.field(part.tiers.field)
            per = quantity(decl, Fraction(b.per), lang)
            steps.append(
                pick(
                    lang,
                    f"每超{per}加{pts(Fraction(b.points))}分",
                    f"{pts(Fraction(b.points))} more for every {per} over the target",
                )
                + (
                    pick(
                        lang,
                        f"，加分以{pts(Fraction(b.cap))}分为限",
                        f", at most {pts(Fraction(b.cap))}",
                    )
                    if b.cap is not None
                    else ""
                )
            )
        return sep.join(steps)
    if part.per_unit is not None:
        cap = Fraction(part.cap if part.cap is not None else part.value or 0)
        each = pick(lang, "、", "; ").join(
            pick(
                lang,
                f"{label(pack.field(f), lang)}每{pack.field(f).unit or '个'}{pts(Fraction(r))}分",
                f"{label(pack.field(f), lang)}: {pts(Fraction(r))} each",
            )
            for f, r in part.per_unit.items()
        )
        return each + pick(lang, f"，以{pts(cap)}分为限", f"; at most {pts(cap)}")
    if part.when is not None:
        what = (part.label_en or part.label) if lang == "en" else part.label
        what = what or describe(pack, part.bands[0].when, lang)  # the award band, parsed
        return pick(
            lang,
            f"{what}：{pts(part.worth)}分；其余0分",
            f"{what}: {pts(part.worth)}; otherwise 0",
        )
    assert part.deduct is not None
    d = part.deduct
    per = quantity(pack.field(d.field), Fraction(d.per), lang)
    most = "" if d.cap is None else pts(Fraction(d.cap))
    rule = pick(
        lang,
        f"每少{per}扣{pts(Fraction(d.points))}分",
        f"{pts(Fraction(d.points))} off for every {per} short",
    )
    return rule + (pick(lang, f"，至多扣{most}分", f", at most {most} off") if most else "")


def _part_label(part: Part, lang: str) -> str | None:
    return (part.label_en or part.label) if lang == "en" else part.label


def item_rule(pack: Pack, req: Requirement, lang: str = "zh") -> str:
    """How an item gives points: its one part's rule, or each part's on a line of its own,
    named with its points (an award names itself)."""
    parts = parts_of(req)
    if len(parts) == 1:
        return part_rule(pack, parts[0], lang)
    lines = []
    for k, part in enumerate(parts, 1):
        rule = part_rule(pack, part, lang)
        if part.when is not None:
            lines.append(rule)
            continue
        name = _part_label(part, lang) or pick(lang, f"第{k}部分", f"part {k}")
        worth = pick(lang, f"{pts(part.worth)}分", f"{pts(part.worth)}")
        lines.append(
            pick(lang, f"{name}（{worth}）：{rule}", f"{name} ({worth}): {rule}")
            if part.deduct is None
            else pick(lang, f"{name}：{rule}", f"{name}: {rule}")
        )
    return "\n".join(lines)


def band_name(pack: Pack, req: Requirement, p: int, b: int, lang: str = "zh") -> str:
    """One band of one part of an item, as a reader names it: ≥90%（60%）, 不足90%（0分）,
    达到25分上限; the part's label before it where the item has several."""
    parts = parts_of(req)
    part = parts[p]
    band = part.bands[b]
    if band.kind in ("tier", "below"):
        share = band.share or Fraction(0)
        reached = _reached(pack, part, share, lang)
        if band.kind == "tier":
            earned = _earned(band.earns or Fraction(0), lang)
            text = pick(lang, f"{reached}（{earned}）", f"{reached} ({earned})")
        else:
            text = pick(lang, f"不足{reached[1:]}（0分）", f"below {reached[1:]} (0)")
    elif band.kind in ("capped", "counted"):
        cap = pts(Fraction(part.cap if part.cap is not None else part.value or 0))
        text = {
            "capped": pick(lang, f"达到{cap}分上限", f"at the cap of {cap}"),
            "counted": pick(lang, f"按件计分、未达{cap}分上限", f"counted, below the cap of {cap}"),
        }[band.kind]
    else:
        text = {
            "award": pick(lang, "条件成立", "condition holds"),
            "none": pick(lang, "条件不成立（0分）", "condition fails (0)"),
            "done": pick(lang, "完成任务（不扣分）", "task done (nothing off)"),
            "short": pick(lang, "未完成（扣分）", "short of the task (points off)"),
        }[band.kind]
    name = _part_label(part, lang)
    if len(parts) == 1 or not name:
        return (
            text if len(parts) == 1 else pick(lang, f"第{p + 1}部分 {text}", f"part {p + 1} {text}")
        )
    return f"{name} {text}"


def effect_words(pack: Pack, veto: Veto, lang: str = "zh") -> str:
    """What a veto does: the lowest grade (named) or a total of 0."""
    if veto.effect == "zero":
        return pick(lang, "总分计0分", "the total is 0")
    lowest = pack.scoring.grades[-1]
    return pick(
        lang,
        f"等级为最低一档（{lowest.label}）",
        f"the lowest grade ({lowest.label_en or lowest.label})",
    )
