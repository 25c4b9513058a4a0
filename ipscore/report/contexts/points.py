"""A points sheet (评分表) in a city's report: page one names any veto that holds first, with
its effect and citation, then the total out of the sheet's maximum; the item table as the
office's sheet has it (考核内容 | 分值 | 评分标准 | 得分 | 自评分 | 差异), each item's points
with why and the city's 自评分 marked where it differs. None for a weighted pack."""

from __future__ import annotations

from typing import Any

from ...decide.points import shown
from ...decide.results import Assessment
from ...text import pick
from ...verdicts import MISSING, UNMET
from ...views import points

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "sheet": "评分表",
        "item": "考核内容",
        "value": "分值",
        "criteria": "评分标准",
        "points": "得分",
        "self_score": "自评分",
        "difference": "差异",
        "total": "总分",
        "sum_row": "合计",
        "veto": "一票否决",
        "veto_note": "以下一票否决事项成立，不论各项得分：",
        "effect": "后果",
        "cited": "依据",
        "out_of": "分（满分{most}分）",
        "from_start": "分（起评{start}分，满分{most}分）",
        "self_total": "自评分合计{claimed}分",
        "short": "{n}项未得满分或被扣分：",
        "short_item": "{title}（{points}/{value}分）",
        "deducted": "{title}（扣{points}分）",
        "missing": "{n}项缺报数据，暂不得分：",
        "differ": "{n}项自评分与计算得分不一致：",
        "differ_item": "{title}（{words}）",
        "summary": "{city}{year}年度总分{total}分（满分{most}分），等级为{grade}。",
        "vetoed": "一票否决事项成立：{titles}。",
    },
    "en": {
        "sheet": "Score sheet",
        "item": "Item",
        "value": "Worth",
        "criteria": "Scoring rule",
        "points": "Points",
        "self_score": "Self-score",
        "difference": "Difference",
        "total": "Total",
        "sum_row": "Total",
        "veto": "Veto",
        "veto_note": "These vetoes hold, whatever the points:",
        "effect": "effect",
        "cited": "rule",
        "out_of": " of {most}",
        "from_start": " (from {start}, of {most})",
        "self_total": "self-score {claimed}",
        "short": "{n} short of full marks or deducted: ",
        "short_item": "{title} ({points} of {value})",
        "deducted": "{title} ({points} deducted)",
        "missing": "{n} lacking figures, no points yet: ",
        "differ": "{n} self-scored differently: ",
        "differ_item": "{title} ({words})",
        "summary": "{city} scored {total} of {most} in {year}: {grade}.",
        "vetoed": "Vetoed: {titles}.",
    },
}


def sheet_context(a: Assessment, lang: str, grade: str) -> dict[str, Any] | None:
    """The sheet's part of a city report: `sheet` in the context (None for a weighted pack)."""
    if a.sheet is None:
        return None
    t = TEXT["en" if lang == "en" else "zh"]
    sheet, decimals = a.sheet, a.pack.scoring.decimals
    most, start = points.amount(points.full_marks(a)), points.amount(sheet.start)
    out_of = (
        t["from_start"].format(start=start, most=most)
        if sheet.start
        else t["out_of"].format(most=most)
    )
    total = points.total(a)
    vetoes = points.veto_rows(a, lang)
    items = points.item_rows(a, lang)
    rows: list[dict[str, Any]] = []
    task = None
    for item in items:
        if item.task != task:
            task = item.task
            rows.append({"group": True, "title": item.task_title})
        rows.append(
            {
                "group": False,
                "id": item.id,
                "title": item.title,
                "value": item.value,
                "criteria": item.criteria,
                "points": item.points,
                "words": item.words,
                "status": item.status,
                "claimed": item.claimed or "",
                "difference": points.difference_words(item.difference, decimals, lang),
                "differs": bool(item.difference),
            }
        )
    claimed = points.claimed_total(a)
    gap = None if claimed is None else claimed - sheet.exact
    return {
        "t": t,
        "vetoes": [
            {
                "id": v.id,
                "title": v.title,
                "effect": v.effect_words,
                "source": v.source,
                "section": v.section,
                "text": v.text,
            }
            for v in vetoes
        ],
        "total": total,
        "out_of": out_of,
        "total_line": f"{t['total']} {total}{out_of}",
        "capped": points.capped_words(a, lang),
        "rows": rows,
        "sum": {
            "value": points.amount(sheet.maximum - sheet.start),
            "points": total,
            "claimed": "" if claimed is None else shown(claimed, decimals),
            "difference": points.difference_words(gap, decimals, lang),
            "differs": bool(gap),
        },
        "summary": _summary(a, items, vetoes, total, most, grade, lang),
    }


def _summary(
    a: Assessment,
    items: list[points.ItemRow],
    vetoes: list[points.VetoRow],
    total: str,
    most: str,
    grade: str,
    lang: str,
) -> str:
    """Page one's sentence: the total and grade, the vetoes, the items short of full marks,
    those lacking figures, and where the city's 自评分 differs."""
    t = TEXT["en" if lang == "en" else "zh"]
    sep, end = pick(lang, "、", ", "), pick(lang, "。", ". ")
    decimals = a.pack.scoring.decimals
    parts = [t["summary"].format(city=a.city, year=a.year, total=total, most=most, grade=grade)]
    if vetoes:
        parts.append(t["vetoed"].format(titles=sep.join(v.title for v in vetoes)))
    if (undecided := points.undecided_line(a, lang)) is not None:
        parts.append(undecided + end)
    short = [i for i in items if i.status == UNMET]
    if short:
        listed = sep.join(
            t["deducted"].format(title=i.title, points=i.points.removeprefix("-"))
            if i.value == "0"
            else t["short_item"].format(title=i.title, points=i.points, value=i.value)
            for i in short
        )
        parts.append(t["short"].format(n=len(short)) + listed + end)
    missing = [i for i in items if i.status == MISSING]
    if missing:
        parts.append(t["missing"].format(n=len(missing)) + sep.join(i.title for i in missing) + end)
    differ = [i for i in items if i.difference]
    if differ:
        listed = sep.join(
            t["differ_item"].format(
                title=i.title, words=points.difference_words(i.difference, decimals, lang)
            )
            for i in differ
        )
        parts.append(t["differ"].format(n=len(differ)) + listed + end)
    return pick(lang, "", " ").join(p.strip() for p in parts)
