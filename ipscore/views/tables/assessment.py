"""Tables of assessments: the ranked summary, one city's requirements and its to-do list,
validation lines."""

from __future__ import annotations

from rich import box
from rich.cells import cell_len
from rich.markup import escape
from rich.table import Table

from ...decide.explain import (
    PREV_HEAD,
    field_label,
    level_label,
    recorded_differs,
    show_input,
    uncomputable,
)
from ...decide.results import Assessment, RequirementResult, deadline_text
from ...decide.scoring import ranking
from ...packs.model import Subject
from ...text import pick
from ...verdicts import LABELS, MISSING, TASK_LABELS, UNMET
from .. import points
from ..pageone import action_lines, fill_words, page_one, plan_head
from .base import STYLE, file_notes, grade_cell, mandatory_cell, plain_line, user_text

INPUTS_WIDTH = 30  # the to-do table's inputs column, in terminal cells


def summary(assessments: list[Assessment], lang: str = "zh") -> Table:
    # Cities assessed under different packs or years are ranked apart, and the table says so.
    mixed = len({(a.pack.id, a.year) for a in assessments}) > 1
    packs = {a.pack.pack.subject for a in assessments}
    who = packs.pop() if len(packs) == 1 else Subject()
    title = (
        pick(
            lang,
            "评估结果（按规则包、年度和层级分别排名）",
            "Assessment results, ranked within pack, year and tier",
        )
        if mixed
        else pick(
            lang, f"{who.title}评估结果（按层级排名）", "Assessment results, ranked within tier"
        )
    )
    standing = ranking(assessments)
    # A shared rank is marked "3*" and said once under the table: at 80 columns "3（并列）" in
    # every tied row would squeeze the names.
    tie_note = (
        pick(lang, "* 并列：等级和得分相同的城市名次相同", "* tied: the same grade and score")
        if any(row.tied for row in standing)
        else None
    )
    notes = [n for n in (tie_note, file_notes(assessments, lang)) if n]
    table = Table(
        title=title,
        box=box.SIMPLE_HEAVY,
        caption="\n".join(notes) or None,
        caption_justify="left",
    )
    if mixed:
        table.add_column(pick(lang, "规则包", "Pack"))
        table.add_column(pick(lang, "年度", "Year"))
    for head in (
        pick(lang, who.noun, who.noun_en.capitalize()),
        pick(lang, "省份", "Province"),
        pick(lang, "层级", "Tier"),
        pick(lang, "批次", "Batch"),
        pick(lang, "得分", "Score"),
        pick(lang, "等级", "Grade"),
        pick(lang, "必做任务", "Mandatory"),
        pick(lang, "层级内排名", "Rank in tier"),
        pick(lang, "未达到/缺报", "Unmet / missing"),
    ):
        table.add_column(head, justify="right" if head in ("得分", "Score") else "left")
    # Only where a city typed a last-year figure other than the one on record: the column a
    # reviewer reads to catch a growth target passed on an understated base.
    differs = {id(a): recorded_differs(a.pack, a.other_years, lang) for a in assessments}
    if any(differs.values()):
        table.add_column(pick(lang, *PREV_HEAD), style="yellow")
    for row in standing:
        a = row.assessment
        pack = a.pack
        band = next(b for b in pack.scoring.grades if b.code == a.grade)
        statuses = a.requirement_statuses().values()
        unmet = sum(1 for s in statuses if s == UNMET)
        missing = sum(1 for s in statuses if s == MISSING)
        table.add_row(
            *([a.pack.id, str(a.year)] if mixed else []),
            user_text(a.city),
            user_text(a.province or "—"),
            level_label(pack, a.level, lang),
            str(a.batch or "—"),
            f"{a.score}",
            grade_cell(a.grade, pick(lang, band.label, band.label_en)),
            mandatory_cell(a, lang),
            f"{row.rank_in_tier}*" if row.tied else str(row.rank_in_tier),
            f"{unmet}/{missing}",
            *(["\n".join(differs[id(a)])] if any(differs.values()) else []),
        )
    return table


def detail(a: Assessment, lang: str = "zh") -> Table:
    table = Table(
        title=pick(
            lang,
            f"{user_text(a.city)} {a.year}年度：{a.score}分，{a.grade_label}",
            f"{user_text(a.city)} {a.year}: {a.score}, {a.grade_word(lang)}",
        ),
        box=box.SIMPLE,
        show_lines=False,
    )
    table.add_column(pick(lang, "要求", "Req."), no_wrap=True)
    table.add_column(pick(lang, "内容", "Requirement"), max_width=30, overflow="fold")
    table.add_column(pick(lang, "结论", "Verdict"), no_wrap=True)
    table.add_column(pick(lang, "差距 / 缺报", "Gap / missing"), max_width=40, overflow="fold")
    table.add_column(pick(lang, "依据", "Source"), no_wrap=True)
    for task in a.tasks:
        mark = (
            "—"
            if not a.pack.mandatory
            else pick(lang, "必做", "mandatory")
            if task.mandatory
            else pick(lang, "选做", "optional")
        )
        frac = "—" if task.fraction is None else f"{float(task.fraction):.0%}"
        table.add_row(
            f"[bold]{task.id}[/]",
            f"[bold]{pick(lang, task.title, task.title_en)}[/]",
            f"[bold]{TASK_LABELS[lang][task.status]}[/]",
            f"{mark} · {pick(lang, '完成比例', 'fraction')} {frac}",
            "",
        )
        for r in task.requirements:
            note = pick(lang, r.gap or "", r.gap_en)
            absent = [f for f, v in r.inputs.items() if v is None and f not in r.uncomputable]
            if r.status == MISSING and absent:
                # By the pack's names (2007年专利申请量), never keys (patents.applications@2007).
                names = [field_label(a.pack, f, lang) for f in absent]
                note = pick(lang, "缺报：", "missing: ") + pick(lang, "、", ", ").join(names)
            table.add_row(
                r.id,
                pick(lang, r.title, r.title_en),
                f"[{STYLE[r.status]}]{LABELS[lang][r.status]}[/]",
                note,
                r.citation["section"],
            )
    return table


def sheet_detail(a: Assessment, lang: str = "zh") -> Table:
    """A points sheet as the office's sheet: under the headline any veto that holds, then each
    item's 分值, 得分, 自评分, 差异 and why, grouped by task; the total line under it."""
    decimals = a.pack.scoring.decimals
    headline = pick(
        lang,
        f"{user_text(a.city)} {a.year}年度：{a.score}分，{a.grade_label}",
        f"{user_text(a.city)} {a.year}: {a.score}, {a.grade_word(lang)}",
    )
    vetoes = [
        f"[bold red]{escape(points.veto_line(v, lang))}[/]" for v in points.veto_rows(a, lang)
    ]
    if (undecided := points.undecided_line(a, lang)) is not None:
        vetoes.append(f"[bold yellow]{escape(undecided)}[/]")
    claimed = points.claimed_line(a, lang)
    table = Table(
        title="\n".join([headline, *vetoes]),
        box=box.SIMPLE,
        # The last line left blank: the to-do table's title follows.
        caption="\n".join(
            [escape(line) for line in (points.total_line(a, lang), claimed) if line] + [""]
        ),
        caption_justify="left",
    )
    table.add_column(pick(lang, "考核内容", "Item"), max_width=24, overflow="fold")
    for head in (
        pick(lang, "分值", "Worth"),
        pick(lang, "得分", "Points"),
        pick(lang, "自评分", "Self-score"),
        pick(lang, "差异", "Difference"),
    ):
        table.add_column(head, justify="right", no_wrap=True)
    table.add_column(pick(lang, "说明", "Why"), max_width=50, overflow="fold")
    task = None
    for row in points.item_rows(a, lang):
        if row.task != task:
            task = row.task
            table.add_row(f"[bold]{escape(row.task_title)}[/]", "", "", "", "", "")
        difference = (
            "" if row.difference is None else points.difference_text(row.difference, decimals)
        )
        table.add_row(
            escape(row.title),
            row.value,
            f"[{STYLE[row.status]}]{row.points}[/]",
            row.claimed or "—",
            f"[yellow]{difference}[/]" if row.difference else difference or "—",
            escape(row.words),
        )
    return table


def for_assessments(assessments: list[Assessment], detailed: bool, lang: str) -> list[Table]:
    """The summary; for a single city first its requirement table (a points sheet's item
    table) and its to-do list."""
    out: list[Table] = []
    if detailed:
        for a in assessments:
            out.append(sheet_detail(a, lang) if a.sheet is not None else detail(a, lang))
            out.extend(todo(a, lang))
    out.append(summary(assessments, lang))
    return out


def _input_line(label: str, value: str) -> str:
    """A label and its value on one line where they fit the column, else the value on a line
    of its own: folding at the edge cut 7,799.9999万元 into "7,79" and "9.9999万元"."""
    return label + value if cell_len(label + value) <= INPUTS_WIDTH else f"{label}\n{value}"


def validation_lines(a: Assessment, lang: str = "zh") -> list[str]:
    """`ipscore validate`: the file is usable; the missing inputs that change a verdict;
    the plausibility warnings."""
    missing = a.missing
    if lang == "en":
        line = f"OK {plain_line(a.source)}: {plain_line(a.city)}"
        line += f"; missing inputs: {', '.join(missing)}" if missing else "; nothing missing"
    else:
        line = f"✓ {plain_line(a.source)}：{plain_line(a.city)}，格式无误"
        line += (
            f"；影响结论的缺报 {len(missing)} 项：{'、'.join(missing)}" if missing else "，无缺报"
        )
    if a.uncomputable:
        line += pick(lang, "；", "; ") + uncomputable(a.pack, a.uncomputable, lang)
    warnings = [f"  ! {w['id']} {pick(lang, w['message'], w['message_en'])}" for w in a.warnings]
    return [line, *warnings]


def todo(a: Assessment, lang: str = "zh") -> list[Table]:
    """What a city office still has to do, in page one's order (`views.pageone`), a table
    each: what blocks the grade, 请补报 (not reported, apart), the least work to the next grade
    with the score it gives, the other unmet requirements, and those past their deadline."""
    page = page_one(a)
    city = user_text(a.city)
    lp, rp = pick(lang, "（", " ("), pick(lang, "）", ")")

    def title(head: str) -> str:
        return pick(lang, f"{city}：待办事项 · {head}", f"{city}: still to do · {head}")

    tables = []
    if page.blockers:
        tables.append(
            _todo_table(
                a,
                title(pick(lang, "卡在（必做要求，不改正只能评最低等级）", "blocking the grade")),
                [(r, _overdue_note(a, r, lang)) for r in page.blockers],
                lang,
            )
        )
    if page.to_fill:
        fill = pick(lang, "请补报：", "report: ")
        rows = []
        for item in page.to_fill:
            figures = pick(lang, "、", ", ").join(fill_words(a, item, lang))
            rows.append((item.requirement, fill + figures if figures else None))
        tables.append(
            _todo_table(
                a,
                title(pick(lang, "请补报（没有填报，所以无法判定；不等于没做）", "please report")),
                rows,
                lang,
            )
        )
    planned: list[str] = []
    if page.plan is not None:
        changes: dict[str, list[str]] = {}
        for line in action_lines(a, page.plan, lang):
            for rid in line.requirements:
                changes.setdefault(rid, []).append(line.change)
        planned = list(changes)
        by_id = {r.id: r for t in a.tasks for r in t.requirements}
        head = plan_head(a, page.plan, lang)
        if planned:
            tables.append(
                _todo_table(
                    a,
                    title(head),
                    [(by_id[rid], "\n".join(changes[rid])) for rid in planned],
                    lang,
                )
            )
        else:
            tables.append(_todo_table(a, title(head), [], lang))
    if page.rest:
        head = (
            pick(lang, "其余未达到", "other unmet requirements")
            if page.plan is not None or page.blockers
            else pick(lang, "未达到", "unmet requirements")
        )
        tables.append(_todo_table(a, title(head), [(r, None) for r in page.rest], lang))
    if page.overdue:
        head = pick(
            lang,
            f"已过期限{lp}期限在本年度之前，已无法按期达到，不列为建议{rp}",
            f"past the deadline{lp}due before this year, no longer met on time{rp}",
        )
        tables.append(
            _todo_table(
                a, title(head), [(r, _overdue_note(a, r, lang)) for r in page.overdue], lang
            )
        )
    return tables


def _overdue_note(a: Assessment, r: RequirementResult, lang: str) -> str | None:
    if not r.overdue(a.year):
        return None
    return pick(lang, "已过期限：", "past the deadline: ") + deadline_text(r.deadline or "", lang)


def _todo_table(
    a: Assessment, title: str, rows: list[tuple[RequirementResult, str | None]], lang: str
) -> Table:
    """One group of the to-do list: each requirement with what it read, what it needs and how
    to meet it; `rows` pairs each with a first line for its 怎么做 (the plan's change, the
    figures to report, a deadline passed)."""
    table = Table(title=title, box=box.SIMPLE, show_lines=True)
    table.add_column(pick(lang, "要求", "Req."), no_wrap=True)
    table.add_column(pick(lang, "填报值", "Inputs"), max_width=INPUTS_WIDTH, overflow="fold")
    table.add_column(pick(lang, "判定标准", "Expected"), max_width=30, overflow="fold")
    table.add_column(pick(lang, "怎么做", "Remedy"), max_width=40, overflow="fold")
    pack = a.pack
    for r, first in rows:
        inputs = "\n".join(
            _input_line(
                f"{field_label(pack, f, lang)}{pick(lang, '：', ': ')}",
                user_text(show_input(pack, f, v, r.uncomputable, lang)),
            )
            for f, v in r.inputs.items()
        )
        head = f"{r.id}\n[{STYLE[r.status]}]{LABELS[lang][r.status]}[/]"
        lead = "" if first is None else f"[bold]{escape(user_text(first))}[/]\n"
        if lang == "en":
            remedy = (r.remedy_en or r.remedy) + (f"\n({r.gap_en})" if r.gap_en else "")
            table.add_row(head, inputs, r.expected_en, lead + remedy)
        else:
            remedy = r.remedy + (f"\n（{r.gap}）" if r.gap else "")
            table.add_row(head, inputs, r.expected, lead + remedy)
    return table
