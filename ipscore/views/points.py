"""A points sheet (评分表) as every view shows it: each item's row as the office's sheet has
it (考核内容, 分值, 评分标准, 得分 and why, 自评分, 差异), the vetoes that hold with their
citations, the total line, and the CSV's per-item columns. The terminal table, the reports,
the Excel sheet and the CSV all read these, so that a number reads the same everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..decide.points import SheetScore, shown
from ..decide.results import Assessment
from ..packs import Pack
from ..packs.conditions import format_decimal
from ..text import pick
from ..verdicts import Verdict


@dataclass(frozen=True)
class ItemRow:
    """One row of the sheet, its numbers as the sheet shows them (to its decimals)."""

    id: str
    task: str  # the task's id
    task_title: str
    title: str
    value: str  # 分值: 15
    criteria: str  # 评分标准, the sheet's words
    points: str  # 得分: 9.0
    words: str  # why, each part's reason joined by "；"
    claimed: str | None  # 自评分: 15.0
    difference: Fraction | None  # 自评分 − 得分
    status: Verdict


@dataclass(frozen=True)
class VetoRow:
    """A veto that holds: its title, what it does and where the rule is written."""

    id: str
    title: str
    effect: str  # "lowest_grade" or "zero"
    effect_words: str  # 等级定为最低（不列为候选） / 总分计为0
    source: str  # the source's title
    section: str
    text: str  # the quoted rule


def amount(value: Fraction) -> str:
    """A 分值 or a maximum as the sheet writes it: 15, 2.5 (no trailing zeros)."""
    text = shown(value, 6)
    return text.rstrip("0").rstrip(".") if "." in text else text


def sheet_of(a: Assessment) -> SheetScore:
    assert a.sheet is not None, "a points pack's assessment carries its sheet"
    return a.sheet


def item_rows(a: Assessment, lang: str) -> list[ItemRow]:
    """Every item of the sheet in the pack's order."""
    pack, sheet = a.pack, sheet_of(a)
    decimals = pack.scoring.decimals
    where = {r.id: (t, r) for t, r in pack.requirements()}
    rows = []
    for item in sheet.items:
        task, req = where[item.id]
        points = req.points
        assert points is not None  # every requirement of a sheet is an item (pointscheck)
        rows.append(
            ItemRow(
                id=item.id,
                task=task.id,
                task_title=pick(lang, task.title, task.title_en),
                title=pick(lang, req.title, req.title_en),
                value=amount(item.value),
                criteria=pick(lang, points.criteria, points.criteria_en),
                points=shown(item.points, decimals),
                words=pick(lang, "；", "; ").join(  # an item that does not apply says so once
                    dict.fromkeys(p.words_en if lang == "en" else p.words for p in item.parts)
                ),
                claimed=None if item.claimed is None else shown(item.claimed, decimals),
                difference=item.difference,
                status=item.status,
            )
        )
    return rows


def veto_rows(a: Assessment, lang: str) -> list[VetoRow]:
    """The vetoes that hold, in the pack's order."""
    pack, held = a.pack, set(sheet_of(a).vetoes)
    lowest = pack.scoring.grades[-1]
    grade = pick(lang, lowest.label, lowest.label_en)
    rows = []
    for veto in pack.scoring.vetoes:
        if veto.id not in held:
            continue
        source = next(s for s in pack.pack.sources if s.file == veto.citation.source)
        effect = (
            pick(lang, f"总分计为0，等级定为最低（{grade}）", f"the total counts as 0; {grade}")
            if veto.effect == "zero"
            else pick(lang, f"等级定为最低（{grade}）", f"the grade is the lowest: {grade}")
        )
        rows.append(
            VetoRow(
                id=veto.id,
                title=pick(lang, veto.title, veto.title_en),
                effect=veto.effect,
                effect_words=effect,
                source=pick(lang, source.title, source.title_en),
                section=veto.citation.section,
                text=veto.citation.text,
            )
        )
    return rows


def veto_line(v: VetoRow, lang: str) -> str:
    """一票否决：存在弄虚作假（考评办法，第五条）"""
    return pick(
        lang,
        f"一票否决：{v.title}（{v.source}，{v.section}）",
        f"Veto: {v.title} ({v.source}, {v.section})",
    )


def undecided_line(a: Assessment, lang: str) -> str | None:
    """一票否决事项无法判定（缺报数据）：发生泄密事件 — where a figure a veto reads is missing:
    the grade holds only until it is filed."""
    undecided = sheet_of(a).undecided
    if not undecided:
        return None
    titles = {v.id: pick(lang, v.title, v.title_en) for v in a.pack.scoring.vetoes}
    return pick(
        lang,
        f"一票否决事项无法判定（缺报数据）：{'、'.join(titles[v] for v in undecided)}",
        f"Vetoes not decided (figures missing): {', '.join(titles[v] for v in undecided)}",
    )


def total(a: Assessment) -> str:
    """The total as the sheet shows it: 67.2."""
    return shown(sheet_of(a).exact, a.pack.scoring.decimals)


def full_marks(a: Assessment) -> Fraction:
    """满分: the start and every item's 分值, or the sheet's cap where that is lower."""
    sheet, cap = sheet_of(a), a.pack.scoring.sheet.max
    return sheet.maximum if cap is None else min(sheet.maximum, Fraction(cap))


def total_line(a: Assessment, lang: str) -> str:
    """总分 67.2（满分70，起评0）: the terminal's line under the item table."""
    sheet = sheet_of(a)
    most, start = amount(full_marks(a)), amount(sheet.start)
    return pick(
        lang,
        f"总分 {total(a)}（满分{most}，起评{start}）",
        f"Total {total(a)} (of {most}, from {start})",
    ) + (pick(lang, "；", "; ") + capped if (capped := capped_words(a, lang)) else "")


def capped_words(a: Assessment, lang: str) -> str:
    """Where the sheet's cap or floor changed the sum: what the items added up to."""
    sheet = sheet_of(a)
    if not sheet.capped or _zeroed(a):
        return ""
    decimals = a.pack.scoring.decimals
    summed = shown(sheet.start + sheet.added, decimals)
    if sheet.start:
        added, start = shown(sheet.added, decimals), amount(sheet.start)
        return pick(
            lang,
            f"起评{start}加各项{added}，合计{summed}，按评分表的上下限计",
            f"{start} to start and {added} from the items make {summed}, held within the "
            "sheet's limits",
        )
    return pick(
        lang,
        f"各项合计{summed}，按评分表的上下限计",
        f"the items add up to {summed}, held within the sheet's limits",
    )


def _zeroed(a: Assessment) -> bool:
    held = set(sheet_of(a).vetoes)
    return any(v.effect == "zero" for v in a.pack.scoring.vetoes if v.id in held)


def claimed_total(a: Assessment) -> Fraction | None:
    """The city's 自评分 added up as the sheet adds up its points (its start included, within
    its cap and floor), or None when it filed none."""
    sheet, limits = sheet_of(a), a.pack.scoring.sheet
    filed = [i.claimed for i in sheet.items if i.claimed is not None]
    if not filed:
        return None
    total = sheet.start + sum(filed, Fraction(0))
    if limits.max is not None:
        total = min(total, Fraction(limits.max))
    if limits.floor is not None:
        total = max(total, Fraction(limits.floor))
    return total


def claimed_line(a: Assessment, lang: str) -> str | None:
    """自评分合计 73.2，比计算的总分高6.0: beside the total, where the city filed any."""
    claimed = claimed_total(a)
    if claimed is None:
        return None
    decimals = a.pack.scoring.decimals
    gap = claimed - sheet_of(a).exact
    line = pick(
        lang, f"自评分合计 {shown(claimed, decimals)}", f"Self-score {shown(claimed, decimals)}"
    )
    # Items left without a 自评分 count for nothing in it: said, not passed off as a total.
    blank = sum(1 for i in sheet_of(a).items if i.claimed is None)
    if blank:
        line += pick(lang, f"（{blank}项未填自评分）", f" ({blank} items not self-scored)")
    if gap == 0:
        return line + pick(lang, "，与计算的总分一致", ", as computed")
    size = _size(gap, decimals)
    return line + (
        pick(lang, f"，比计算的总分高{size}", f", {size} above the total computed")
        if gap > 0
        else pick(lang, f"，比计算的总分低{size}", f", {size} below the total computed")
    )


def _size(difference: Fraction, decimals: int) -> str:
    """A difference's size to the sheet's decimals, or exactly where they would round it to
    nothing: a claim of 16.22 against 16.2 is 0.02 higher, not "0.0 higher"."""
    if 0 < abs(difference) < Fraction(1, 10**decimals) / 2:
        return format_decimal(abs(difference))
    return shown(abs(difference), decimals)


def difference_text(difference: Fraction, decimals: int) -> str:
    """自评分 − 得分 as the terminal's 差异 column shows it: 6.0, -2.0, 0.02."""
    return ("-" if difference < 0 else "") + _size(difference, decimals)


def difference_words(difference: Fraction | None, decimals: int, lang: str) -> str:
    """A report's 差异 cell: 自评高6.0分, 自评低2.0分, 一致, or empty without a 自评分."""
    if difference is None:
        return ""
    if difference == 0:
        return pick(lang, "一致", "as computed")
    size = _size(difference, decimals)
    if difference > 0:
        return pick(lang, f"自评高{size}分", f"{size} above")
    return pick(lang, f"自评低{size}分", f"{size} below")


def item_gains(a: Assessment) -> dict[str, Fraction]:
    """What each item short of full marks would add once it earns its 分值 (its bonus
    aside): the points a city's to-do list is ordered by."""
    return {i.id: max(i.value - i.points, Fraction(0)) for i in sheet_of(a).items}


# The CSV's columns of a points sheet: each item's points and 自评分, then the 自评分 total.
POINTS_PREFIX = "points."
SELF_PREFIX = "self_score."
SELF_TOTAL = "self_score_total"


def csv_points(a: Assessment) -> dict[str, Any]:
    """A points sheet's CSV cells (none for a weighted pack): `points.<item>` and
    `self_score.<item>` for every item, shown to the sheet's decimals, and the 自评分 total."""
    if a.sheet is None:
        return {}
    decimals = a.pack.scoring.decimals
    row: dict[str, Any] = {}
    # Numbers, not text: a deduction's −1.5 is a number a spreadsheet adds up, where text
    # starting with "-" would be written as '-1.5 (never a formula).
    for item in a.sheet.items:
        row[POINTS_PREFIX + item.id] = Decimal(shown(item.points, decimals))
    for item in a.sheet.items:
        row[SELF_PREFIX + item.id] = (
            None if item.claimed is None else Decimal(shown(item.claimed, decimals))
        )
    claimed = claimed_total(a)
    row[SELF_TOTAL] = None if claimed is None else Decimal(shown(claimed, decimals))
    return row


def csv_head_zh(column: str) -> str | None:
    """The Chinese heading of a points column: invention-grants 得分, invention-grants 自评分,
    自评分合计; None for any other column."""
    if column.startswith(POINTS_PREFIX):
        return f"{column.removeprefix(POINTS_PREFIX)} 得分"
    if column.startswith(SELF_PREFIX):
        return f"{column.removeprefix(SELF_PREFIX)} 自评分"
    return "自评分合计" if column == SELF_TOTAL else None


def item_heads(pack: Pack, lang: str) -> list[str]:
    """The cohort's and the Excel sheet's item columns: 发明专利申请（15分）."""
    out = []
    for _, req in pack.requirements():
        value = amount(req.points.worth) if req.points is not None else "0"
        title = pick(lang, req.title, req.title_en)
        out.append(pick(lang, f"{title}（{value}分）", f"{title} ({value})"))
    return out
