"""Tables of what-if comparisons, least-work plans and sensitivity."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich import box
from rich.markup import escape
from rich.table import Table

from ...decide.explain import label, show
from ...decide.points import points_text, shown
from ...decide.results import deadline_text
from ...text import counted, pick
from .base import grade_cell, mandatory_cell, user_text

if TYPE_CHECKING:  # types only: the plan's solver (SciPy) loads when a plan is asked for
    from ...questions.plan import Plan
    from ...questions.whatif import Comparison, FieldSensitivity, Sensitivity


def comparison(rows: Iterable[Comparison], title: str, lang: str = "zh") -> Table:
    """Baseline and variants side by side: score, grade, mandatory tasks, what changed. The
    title and the variants' names are typed (a scenario file, --set): shown as text."""
    rows = list(rows)
    base = rows[0].baseline
    table = Table(title=user_text(title), box=box.SIMPLE_HEAVY, show_lines=True)
    table.add_column(pick(lang, "情形", "Case"))
    table.add_column(pick(lang, "得分", "Score"), justify="right")
    table.add_column(pick(lang, "变化", "Δ"), justify="right")
    table.add_column(pick(lang, "等级", "Grade"))
    table.add_column(pick(lang, "必做任务", "Mandatory"))
    changed = (
        pick(lang, "得分有变化的评分项", "Items whose points changed")
        if base.sheet is not None
        else pick(lang, "结论有变化的任务和要求", "Tasks and requirements that changed")
    )
    table.add_column(changed, max_width=60, overflow="fold")
    table.add_row(
        pick(lang, "基准", "baseline"),
        f"{base.score:.1f}",
        "",
        grade_cell(base.grade, base.grade_word(lang)),
        mandatory_cell(base, lang),
        "",
    )
    for cmp in rows:
        after = cmp.variant
        table.add_row(
            user_text(cmp.name),
            f"{after.score:.1f}",
            f"{cmp.score_change:+.1f}",
            grade_cell(after.grade, after.grade_word(lang)),
            mandatory_cell(after, lang),
            user_text(pick(lang, "；", "; ").join(cmp.changes(lang)) or "—"),
        )
    return table


def plan_table(plan: Plan, lang: str = "zh") -> Table:
    """The least work for a grade: one row per action."""
    pack = plan.before.pack
    if plan.before.sheet is not None or plan.target is None:
        return _sheet_plan_table(plan, lang)
    before = f"{plan.before.score} {plan.before.grade_word(lang)}"
    if not plan.reachable:
        title = pick(
            lang,
            f"{user_text(plan.before.city)}：达不到{plan.target_label}",
            f"{user_text(plan.before.city)}: {plan.before.pack.grade_label(plan.target, lang)} "
            "cannot be reached",
        )
    elif not plan.actions:
        title = pick(
            lang,
            f"{user_text(plan.before.city)}：已达到{plan.target_label}（{before}），无需再做",
            f"{user_text(plan.before.city)}: "
            f"{plan.before.pack.grade_label(plan.target, lang)} already reached ({before})",
        )
    else:
        assert plan.after is not None  # a reachable plan was assessed again
        after = f"{plan.after.score} {plan.after.grade_word(lang)}"
        title = pick(
            lang,
            f"{user_text(plan.before.city)}：达到{plan.target_label}"
            f"最少要做的 {len(plan.actions)} 件事"
            f"（{before} → {after}）",
            f"{user_text(plan.before.city)}: the least work for "
            f"{plan.before.pack.grade_label(plan.target, lang)}, "
            f"{counted(len(plan.actions), 'action')} ({before} → {after})",
        )
    table = _plan_frame(plan, title, lang)
    if not plan.reachable:
        return table
    table.add_column(pick(lang, "事项", "Field"), max_width=44, overflow="fold")
    table.add_column(pick(lang, "改为", "Set to"))
    table.add_column(pick(lang, "满足的要求", "Meets"))
    for action in plan.actions:
        decl = pack.field(action.field)
        table.add_row(
            f"{label(decl, lang)}\n[dim]{action.field}[/]",
            user_text(show(decl, action.value, lang)),
            pick(lang, "、", ", ").join(action.requirements),
        )
    return table


def _plan_frame(plan: Plan, title: str, lang: str) -> Table:
    """A plan's table with its title and the overdue caption; for a plan that cannot reach its
    goal, the reason as its one row."""
    table = Table(
        title=title,
        box=box.SIMPLE,
        show_lines=False,
        min_width=76,
        caption=_overdue_caption(plan, lang),
        caption_justify="left",
    )
    if not plan.reachable:
        table.add_column(pick(lang, "原因", "Why"), max_width=80, overflow="fold")
        table.add_row(pick(lang, plan.reason or "", plan.reason_en))
    return table


def _overdue_caption(plan: Plan, lang: str) -> str | None:
    """The requirements left out of a plan: not reported (to report first, as page one's
    请补报 says), and unmet past their deadline."""
    lines = []
    if plan.unreported:
        listed = pick(lang, "、", ", ").join(plan.unreported)
        lines.append(
            pick(
                lang,
                f"未填报、请先补报（不列入计划）：{listed}",
                f"Not reported, to be reported first (not planned): {listed}",
            )
        )
    late = _late_caption(plan, lang)
    return "\n".join([escape(x) for x in lines] + ([late] if late else [])) or None


def _late_caption(plan: Plan, lang: str) -> str | None:
    """The unmet requirements left out of a plan because their deadline has passed."""
    if not plan.overdue:
        return None
    due = {r.id: r.deadline for t in plan.before.tasks for r in t.requirements}
    listed = pick(lang, "、", ", ").join(
        pick(
            lang, f"{rid}（期限：{due[rid]}）", f"{rid} (due {deadline_text(due[rid] or '', lang)})"
        )
        for rid in plan.overdue
    )
    return escape(
        pick(
            lang,
            f"已过期限、不列入计划：{listed}",
            f"Past the deadline, not planned: {listed}",
        )
    )


def sensitivity_table(result: Sensitivity, lang: str = "zh") -> Table:
    table = Table(
        title=pick(lang, f"参数 {result.param} 的敏感性", f"Sensitivity to {result.param}"),
        box=box.SIMPLE_HEAVY,
        show_lines=True,
    )
    table.add_column(pick(lang, "取值", "Value"))
    sheet = any(a.sheet is not None for a in result.baseline)
    if sheet:  # a sheet's total moves with a threshold more often than its grade
        subject = result.baseline[0].pack.pack.subject
        heading = pick(
            lang,
            f"得分或等级变化的{subject.noun}",
            f"{subject.plural_en.capitalize()} whose score or grade changes",
        )
    else:
        heading = pick(lang, "等级变化的城市", "Cities whose grade changes")
    table.add_column(heading, overflow="fold")
    lp, rp = pick(lang, "（", " ("), pick(lang, "）", ")")
    for row in result.rows:
        changes = []
        for c in row.changes:
            before, after = (
                c.before.grade_word(lang),
                c.before.pack.grade_label(c.after.grade, lang),
            )
            scores = f"{c.before.score:.1f}→{c.after.score:.1f}"
            if sheet:  # 舒城县 27.0→18.0（先进单位候选）
                grades = before if before == after else f"{before}→{after}"
                changes.append(f"{user_text(c.city)} {scores}{lp}{grades}{rp}")
            else:
                changes.append(f"{user_text(c.city)} {before}→{after}{lp}{scores}{rp}")
        table.add_row(row.value, "\n".join(changes) or pick(lang, "无", "none"))
    return table


def _sheet_plan_table(plan: Plan, lang: str) -> Table:
    """The least work on a points sheet, or to a total: one row per item raised (a veto lifted
    first), each "发明专利授权量 95件 → 100件：+6分（9分→15分）"; a plain plan to a total
    lists its actions."""
    pack, city = plan.before.pack, user_text(plan.before.city)
    sheet = plan.before.sheet is not None
    goal = (
        pick(lang, f"总分达到{plan.target_score}分", f"a total of {plan.target_score}")
        if plan.target is None
        else pick(lang, f"达到{plan.target_label}", pack.grade_label(plan.target, lang))
    )
    points = "" if lang == "en" else "分"
    before = f"{plan.before.score}{points}"
    count = len(plan.items) + len(plan.vetoes) if sheet else len(plan.actions)
    if not plan.reachable:
        title = pick(lang, f"{city}：{goal}做不到", f"{city}: {goal} cannot be reached")
    elif plan.after is None or not count:
        was = f"{before} {plan.before.grade_word(lang)}"
        done = (
            f"总分已达到{plan.target_score}分"
            if plan.target is None
            else f"已达到{plan.target_label}"
        )
        title = pick(
            lang, f"{city}：{done}（{was}），无需再做", f"{city}: {goal} already reached ({was})"
        )
    else:
        now = f"{plan.after.score}{points}"
        if plan.after.grade != plan.before.grade:
            before += f" {plan.before.grade_word(lang)}"
            now += f" {plan.after.grade_word(lang)}"
        what = "项" if sheet else "件事"
        many = counted(count, "item" if sheet else "action")
        title = pick(
            lang,
            f"{city}：{goal}最少要改的 {count} {what}（{before} → {now}）",
            f"{city}: the least work for {goal}, {many} ({before} → {now})",
        )
    table = _plan_frame(plan, title, lang)
    if not plan.reachable:
        return table
    if not sheet:  # a weighted pack to a total
        table.add_column(pick(lang, "事项", "Field"), max_width=44, overflow="fold")
        table.add_column(pick(lang, "改为", "Set to"))
        table.add_column(pick(lang, "满足的要求", "Meets"))
        for action in plan.actions:
            decl = pack.field(action.field)
            table.add_row(
                f"{label(decl, lang)}\n[dim]{action.field}[/]",
                user_text(show(decl, action.value, lang)),
                pick(lang, "、", ", ").join(action.requirements),
            )
        return table
    table.add_column(pick(lang, "评分项", "Item"), max_width=30, overflow="fold")
    table.add_column(
        pick(lang, "怎么做，得分", "What to do, points"), max_width=70, overflow="fold"
    )
    for veto in plan.vetoes:
        table.add_row(pick(lang, "一票否决", "veto"), user_text(veto.describe(pack, lang)))
    for item in plan.items:
        table.add_row(f"{item.title}\n[dim]{item.item}[/]", user_text(item.describe(pack, lang)))
    if plan.after is not None and plan.after.sheet is not None:  # a total asked, a veto left
        titles = {v.id: (v.title, v.title_en or v.title) for v in pack.scoring.vetoes}
        for held in plan.after.sheet.vetoes:
            zh, en = titles[held]
            table.add_row(
                pick(lang, "一票否决", "veto"),
                pick(
                    lang,
                    f"“{zh}”仍成立：等级为{plan.after.grade_word(lang)}",
                    f"“{en}” still holds: the grade is {plan.after.grade_word(lang)}",
                ),
            )
    return table


def margins_table(found: FieldSensitivity, lang: str = "zh") -> Table:
    """A points sheet's items, each with its points and how the figures could raise them."""
    a, pack = found.assessment, found.assessment.pack
    decimals = pack.scoring.decimals
    assert a.sheet is not None
    title = pick(
        lang,
        f"{user_text(a.city)}：各项填报值怎样改变总分（现{a.score}分）",
        f"{user_text(a.city)}: how each figure moves the total (now {a.score})",
    )
    table = Table(title=title, box=box.SIMPLE_HEAVY, show_lines=True)
    table.add_column(pick(lang, "评分项", "Item"), max_width=24, overflow="fold")
    table.add_column(pick(lang, "得分/分值", "Points"), justify="right")
    table.add_column(pick(lang, "怎样再得分", "How to gain"), max_width=64, overflow="fold")
    for m in found.margins:
        ways = [user_text(e.describe(pack, found.values, lang)) for e in m.edges]
        title_of = pick(lang, m.title, pack.requirement(m.item).title_en)
        table.add_row(
            f"{title_of}\n[dim]{m.item}[/]",
            f"{shown(m.points, decimals)}/{points_text(m.value, decimals)}",
            "\n".join(ways) or pick(lang, "已无可再得的分", "nothing more to gain"),
        )
    return table
