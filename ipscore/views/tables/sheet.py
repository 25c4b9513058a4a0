"""Tables and lines of a points sheet: `rules show` read like the sheet (考核内容, 分值, 评分标准,
how it is scored, the citation; the vetoes; how it adds up; what the pack does not encode) and
`rules check`'s ranges (each item's least and most points, the sheet's maximum, witnesses)."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from ...decide.explain import describe, show
from ...decide.sheetwords import effect_words, item_rule, pts
from ...packs import Pack
from ...text import counted, pick
from .base import pack_title, user_text

if TYPE_CHECKING:
    from ...packcheck.sheetproofs import End, ItemRange, SheetProof, SheetRange


def range_words(item: ItemRange, lang: str = "zh") -> str:
    """An item's reachable points: "0–15分，另加分不封顶", "−1–0分", "至多0分，扣分不封顶"."""
    if item.never:
        return pick(lang, "无论填什么都不适用", "applies to no figures")
    if item.most is None:
        return pick(lang, "求解器未能求出", "the solver could not settle it")
    most = item.most.points
    if item.least is None:
        text = pick(
            lang, f"至多{pts(most)}分，扣分不封顶", f"at most {pts(most)}, deductions uncapped"
        )
    else:
        text = pick(
            lang, f"{pts(item.least.points)}–{pts(most)}分", f"{pts(item.least.points)}–{pts(most)}"
        )
    if most > item.worth:
        text += pick(
            lang,
            f"（分值{pts(item.worth)}分，加分至多{pts(most - item.worth)}分）",
            f" (worth {pts(item.worth)}, bonus up to {pts(most - item.worth)})",
        )
    if item.open_bonus:
        text += pick(lang, "，另加分不封顶", ", plus an uncapped bonus")
    return text


def sheet_words(pack: Pack, total: SheetRange, lang: str = "zh") -> str:
    """The sheet's maximum (and its least where it deducts): "满分70分（起评0分）；加分不封顶，
    总分可超过70分", or the number every cap gives."""
    cap, floor = pack.scoring.sheet.max, pack.scoring.sheet.floor
    full, start = pts(total.full), pts(total.start)
    out = [pick(lang, f"满分{full}分（起评{start}分）", f"full marks {full} (from {start})")]
    top = total.top
    if total.open_bonus:
        out.append(
            pick(
                lang,
                f"加分不封顶，总分以{pts(Fraction(cap))}分为限",
                f"bonuses uncapped, the total at most {pts(Fraction(cap))}",
            )
            if cap is not None
            else pick(
                lang,
                f"加分不封顶，总分可超过{full}分",
                f"bonuses uncapped: the total may pass {full}",
            )
        )
    elif top is not None and top.points > total.full:
        capped = cap is not None and (total.raw_top or 0) > Fraction(cap)
        out.append(
            pick(lang, f"含加分最高{pts(top.points)}分", f"at most {pts(top.points)} with bonuses")
            + (pick(lang, "（总分上限）", " (the sheet's cap)") if capped else "")
        )
    elif top is not None and top.points < total.full:
        out.append(
            pick(
                lang,
                f"各项不能同时得满分，最高{pts(top.points)}分",
                f"the items cannot all earn full marks at once: at most {pts(top.points)}",
            )
        )
    bottom = total.bottom
    if total.open_deduction:
        out.append(
            pick(lang, "扣分不封顶", "deductions uncapped")
            + (
                pick(
                    lang,
                    f"，总分最低{pts(Fraction(floor))}分",
                    f", the total at least {pts(Fraction(floor))}",
                )
                if floor is not None
                else ""
            )
        )
    elif (
        total.deductions
        and bottom is not None
        and total.raw_bottom is not None
        and total.raw_bottom < total.start
    ):
        floored = floor is not None and total.raw_bottom < Fraction(floor)
        out.append(
            pick(
                lang,
                f"扣分后最低{pts(bottom.points)}分",
                f"at least {pts(bottom.points)} after deductions",
            )
            + (pick(lang, "（总分下限）", " (the sheet's floor)") if floored else "")
        )
    return pick(lang, "；", "; ").join(out)


def sheet_lines(pack: Pack, sheet: SheetProof, witness: bool, lang: str = "zh") -> list[str]:
    """`rules check` of a points sheet: the sheet's maximum, each item's range, what z3 proved,
    and each end's witness if asked."""
    colon = pick(lang, "：", ": ")
    lines = [f"  {pick(lang, '评分表', 'Sheet')}{colon}{sheet_words(pack, sheet.sheet, lang)}"]
    titles = {req.id: pick(lang, req.title, req.title_en) for _, req in pack.requirements()}
    for item in sheet.items:
        lines.append(
            f"  {item.item} {user_text(titles[item.item])}{colon}{range_words(item, lang)}"
        )
    vetoes = len(pack.scoring.vetoes)
    lines.append(
        pick(
            lang,
            "  z3 证明：每个评分项各部分的档互不重叠，数据齐全且适用时总有一档成立；"
            "每个范围的两端各有见证，评分与证明一致"
            + (f"；已检查{vetoes}个否决项" if vetoes else ""),
            "  Proved with z3: no two bands of a part hold at once, and with every figure present "
            "one always holds; each end of each range has a witness, scored alike"
            + (f"; {counted(vetoes, 'veto', 'vetoes')} checked" if vetoes else ""),
        )
    )
    if not witness:
        return lines
    ends: list[tuple[str, str, str, End | None]] = []
    for item in sheet.items:
        ends += [(item.item, "最低", "least", item.least), (item.item, "最高", "most", item.most)]
    name = pick(lang, "评分表", "sheet")
    ends += [(name, "最低", "least", sheet.sheet.bottom), (name, "最高", "most", sheet.sheet.top)]
    for who, zh, en, end in ends:
        if end is None:
            continue
        shown = pick(lang, "，", ", ").join(
            f"{f}={user_text(show(pack.field(f), v, lang))}" for f, v in end.witness.items()
        )
        got = pick(lang, f"{zh}{pts(end.points)}分", f"{en} {pts(end.points)}")
        lines.append(f"  {who} {got}{colon}{shown}")
    return lines


def _where(pack: Pack, citation: dict[str, str], lang: str) -> str:
    """An item's section, with its source's title where the items cite more than one."""
    cited = {req.citation.source for _, req in pack.requirements()}
    if len(cited) == 1:
        return citation["section"]
    source = next((s for s in pack.pack.sources if s.file == citation["source"]), None)
    title = citation["source"] if source is None else pick(lang, source.title, source.title_en)
    return f"{title}{pick(lang, '：', ': ')}{citation['section']}"


def sheet_table(pack: Pack, lang: str = "zh") -> Table:
    """`rules show` of a points sheet, read like the sheet: 考核内容 (the task, the item), 分值,
    评分标准 as written, how ipscore scores it, and where it is written."""
    table = Table(title=pack_title(pack, lang), show_lines=True)
    for zh, en in (
        ("考核内容", "Item"),
        ("分值", "Points"),
        ("评分标准", "Criteria"),
        ("计分方法", "How it is scored"),
        ("出处", "Source"),
    ):
        table.add_column(pick(lang, zh, en))
    for row in sheet_list(pack, lang):
        table.add_row(
            f"{user_text(row['task_title'])}\n{user_text(row['title'])}\n{row['id']}"
            + (pick(lang, "\n·已修订", "\n· amended") if row["amended"] else ""),
            row["value"],
            user_text(row["criteria"]),
            escape(row["rule"]),  # its line breaks kept
            user_text(_where(pack, row["citation"], lang)),
        )
    return table


def sheet_list(pack: Pack, lang: str = "zh") -> list[dict[str, Any]]:
    """Every item of a points sheet: 考核内容, 分值, 评分标准 as written, how it is scored,
    and its citation."""
    out = []
    amended = {a.target for a in pack.amendments}
    for task, req in pack.requirements():
        assert req.points is not None  # every requirement of a sheet is an item
        criteria = req.points.criteria_en if lang == "en" else None
        out.append(
            {
                "task": task.id,
                "task_title": pick(lang, task.title, task.title_en),
                "id": req.id,
                "title": pick(lang, req.title, req.title_en),
                "value": pts(req.points.worth),
                "criteria": criteria or req.points.criteria,
                "rule": item_rule(pack, req, lang),
                "interpretive": pick(lang, req.interpretive or "", req.interpretive_en) or None,
                "citation": req.citation.model_dump(),
                "amended": req.id in amended,
            }
        )
    return out


def vetoes_table(pack: Pack, lang: str = "zh") -> Table | None:
    """`rules show` of a sheet: its vetoes (一票否决), each with its condition, its effect and
    its citation; None where it has none."""
    if not pack.scoring.vetoes:
        return None
    table = Table(title=pick(lang, "一票否决", "Vetoes"), show_lines=True)
    for zh, en in (
        ("否决项", "Veto"),
        ("条件", "Condition"),
        ("后果", "Effect"),
        ("原文（章节）", "Original words (section)"),
    ):
        table.add_column(pick(lang, zh, en))
    for row in veto_list(pack, lang):
        table.add_row(
            f"{user_text(row['title'])}\n{row['id']}",
            escape(row["condition"]),
            row["effect"],
            user_text(
                f"{row['citation']['text']}{pick(lang, '（', ' (')}"
                f"{row['citation']['section']}{pick(lang, '）', ')')}"
            ),
        )
    return table


def veto_list(pack: Pack, lang: str = "zh") -> list[dict[str, Any]]:
    return [
        {
            "id": veto.id,
            "title": pick(lang, veto.title, veto.title_en),
            "condition": describe(pack, veto.when, lang),
            "effect": effect_words(pack, veto, lang),
            "citation": veto.citation.model_dump(),
        }
        for veto in pack.scoring.vetoes
    ]


def sheet_rules(pack: Pack, lang: str = "zh") -> str:
    """How the sheet adds up: "起评0分，各项分值合计70分；总分不设上限；不设最低分"."""
    sheet = pack.scoring.sheet
    start = pts(Fraction(sheet.start))
    full = pts(sum((r.points.worth for _, r in pack.requirements() if r.points), Fraction(0)))
    top = (
        pick(lang, "总分不设上限", "no cap on the total")
        if sheet.max is None
        else pick(
            lang,
            f"总分以{pts(Fraction(sheet.max))}分为限",
            f"the total at most {pts(Fraction(sheet.max))}",
        )
    )
    bottom = (
        pick(lang, "不设最低分", "no floor")
        if sheet.floor is None
        else pick(
            lang,
            f"总分最低{pts(Fraction(sheet.floor))}分",
            f"the total at least {pts(Fraction(sheet.floor))}",
        )
    )
    return pick(
        lang,
        f"评分表：起评{start}分，各项分值合计{full}分；{top}；{bottom}",
        f"Sheet: from {start}, the items worth {full} in all; {top}; {bottom}",
    )


def not_encoded_table(pack: Pack, lang: str = "zh") -> Table | None:
    """What of the source the pack does not encode, and why; None where it encodes all."""
    if not pack.pack.not_encoded:
        return None
    table = Table(title=pick(lang, "未编码的内容", "Not encoded"), show_lines=True)
    table.add_column(pick(lang, "内容", "What"))
    table.add_column(pick(lang, "原因", "Why"))
    for each in pack.pack.not_encoded:
        table.add_row(user_text(each.item), user_text(pick(lang, each.reason, each.reason_en)))
    return table


def sheet_json(pack: Pack, lang: str = "zh") -> dict[str, Any]:
    """`rules show --format json` of a points sheet: its items, vetoes, how it adds up and
    what it does not encode."""
    sheet = pack.scoring.sheet
    return {
        "pack": pack.id,
        "method": "points",
        "items": sheet_list(pack, lang),
        "vetoes": veto_list(pack, lang),
        "sheet": {
            "start": pts(Fraction(sheet.start)),
            "max": None if sheet.max is None else pts(Fraction(sheet.max)),
            "floor": None if sheet.floor is None else pts(Fraction(sheet.floor)),
        },
        "not_encoded": [
            {"item": e.item, "reason": pick(lang, e.reason, e.reason_en)}
            for e in pack.pack.not_encoded
        ],
    }
