"""Terminal tables (rich), Chinese by default."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from .explain import label, level_label, show
from .packs import find_pack
from .results import Assessment
from .scoring import batch_table
from .verdicts import LABELS, MET, MISSING, NOT_APPLICABLE, TASK_LABELS, UNMET
from .whatif import describe_changes

_STYLE = {MET: "green", UNMET: "red", MISSING: "yellow", NOT_APPLICABLE: "dim"}
_GRADE_STYLE = {"excellent": "bold green", "good": "green", "pass": "yellow", "fail": "bold red"}


def in_lang(lang: str, zh: str, en: str) -> str:
    """The Chinese or the English of a short text."""
    return en if lang == "en" else zh


def summary(assessments: list[Assessment], lang: str = "zh") -> Table:
    table = Table(
        title=in_lang(
            lang, "示范城市评估结果（按层级排名）", "Assessment results, ranked within tier"
        ),
        box=box.SIMPLE_HEAVY,
    )
    for head in (
        in_lang(lang, "城市", "City"),
        in_lang(lang, "省份", "Province"),
        in_lang(lang, "层级", "Tier"),
        in_lang(lang, "批次", "Batch"),
        in_lang(lang, "得分", "Score"),
        in_lang(lang, "等级", "Grade"),
        in_lang(lang, "必做任务", "Mandatory"),
        in_lang(lang, "层级内排名", "Rank in tier"),
        in_lang(lang, "未达到/缺报", "Unmet/missing"),
    ):
        table.add_column(head, justify="right" if head in ("得分", "Score") else "left")
    by_source = {(a.source, a.city): a for a in assessments}
    for row in batch_table(assessments).itertuples(index=False):
        a = by_source[(row.source, row.city)]
        pack = find_pack(a.pack)
        band = next(b for b in pack.scoring.grades if b.code == a.grade)
        statuses = a.requirement_statuses().values()
        unmet = sum(1 for s in statuses if s == UNMET)
        missing = sum(1 for s in statuses if s == MISSING)
        table.add_row(
            a.city,
            a.province or "—",
            level_label(pack, a.level, lang),
            str(a.batch or "—"),
            f"{a.score}",
            f"[{_GRADE_STYLE.get(a.grade, '')}]{band.label_en if lang == 'en' else band.label}[/]",
            in_lang(lang, "全部完成", "complete")
            if a.mandatory_complete
            else in_lang(lang, "未完成", "not complete"),
            str(row.rank_in_tier),
            f"{unmet}/{missing}",
        )
    return table


def detail(a: Assessment, lang: str = "zh") -> Table:
    table = Table(
        title=in_lang(
            lang,
            f"{a.city} {a.year}年度：{a.score}分，{a.grade_label}",
            f"{a.city} {a.year}: {a.score}, {a.grade}",
        ),
        box=box.SIMPLE,
        show_lines=False,
    )
    table.add_column(in_lang(lang, "要求", "Req."), no_wrap=True)
    table.add_column(in_lang(lang, "内容", "Requirement"), max_width=30, overflow="fold")
    table.add_column(in_lang(lang, "结论", "Verdict"), no_wrap=True)
    table.add_column(in_lang(lang, "差距 / 缺报", "Gap / missing"), max_width=40, overflow="fold")
    table.add_column(in_lang(lang, "依据", "Source"), no_wrap=True)
    for task in a.tasks:
        mark = (
            in_lang(lang, "必做", "mandatory")
            if task.mandatory
            else in_lang(lang, "选做", "optional")
        )
        frac = "—" if task.fraction is None else f"{float(task.fraction):.0%}"
        table.add_row(
            f"[bold]{task.id}[/]",
            f"[bold]{task.title}[/]",
            f"[bold]{TASK_LABELS[lang][task.status]}[/]",
            f"{mark} · {in_lang(lang, '完成比例', 'fraction')} {frac}",
            "",
        )
        for r in task.requirements:
            note = r.gap or ""
            if r.status == MISSING:
                absent = [f for f, v in r.inputs.items() if v is None]
                note = in_lang(lang, "缺报：", "missing: ") + "、".join(absent)
            table.add_row(
                r.id,
                r.title_en if lang == "en" and r.title_en else r.title,
                f"[{_STYLE[r.status]}]{LABELS[lang][r.status]}[/]",
                note,
                r.citation["section"],
            )
    return table


def for_assessments(assessments: list[Assessment], detailed: bool, lang: str) -> list[Table]:
    """The summary; for a single city first its requirement table and its to-do list."""
    out: list[Table] = []
    if detailed:
        for a in assessments:
            out.append(detail(a, lang))
            todo_table = todo(a, lang)
            if todo_table is not None:
                out.append(todo_table)
    out.append(summary(assessments, lang))
    return out


def console() -> Console:
    # A pipe or a CI log gets a readable fixed width instead of 80 columns.
    return Console(width=None if Console().is_terminal else 140, highlight=False)


def todo(a: Assessment, lang: str = "zh") -> Table | None:
    """What a city office still has to do: every unmet or missing requirement, with evidence."""
    open_items = [r for t in a.tasks for r in t.requirements if r.status in (UNMET, MISSING)]
    if not open_items:
        return None
    table = Table(
        title=in_lang(lang, f"{a.city}：待办事项（未达到或缺报）", f"{a.city}: still to do"),
        box=box.SIMPLE,
        show_lines=True,
    )
    table.add_column(in_lang(lang, "要求", "Req."), no_wrap=True)
    table.add_column(in_lang(lang, "填报值", "Inputs"), max_width=30, overflow="fold")
    table.add_column(in_lang(lang, "判定标准", "Expected"), max_width=30, overflow="fold")
    table.add_column(in_lang(lang, "怎么做", "Remedy"), max_width=40, overflow="fold")
    pack = find_pack(a.pack)
    for r in open_items:
        inputs = "\n".join(
            f"{label(pack.field(f), lang)}{in_lang(lang, '：', ': ')}{show(pack.field(f), v, lang)}"
            for f, v in r.inputs.items()
        )
        head = f"{r.id}\n[{_STYLE[r.status]}]{LABELS[lang][r.status]}[/]"
        if lang == "en":
            remedy = (r.remedy_en or r.remedy) + (f"\n({r.gap_en})" if r.gap_en else "")
            table.add_row(head, inputs, r.expected_en, remedy)
        else:
            remedy = r.remedy + (f"\n（{r.gap}）" if r.gap else "")
            table.add_row(head, inputs, r.expected, remedy)
    return table


def _grade_cell(code: str, label: str) -> str:
    return f"[{_GRADE_STYLE.get(code, '')}]{label}[/]"


def comparison(rows: list[dict], title: str, lang: str = "zh") -> Table:
    """Baseline and variants side by side: score, grade, mandatory tasks, what changed."""
    table = Table(title=title, box=box.SIMPLE_HEAVY, show_lines=True)
    table.add_column(in_lang(lang, "情形", "Case"))
    table.add_column(in_lang(lang, "得分", "Score"), justify="right")
    table.add_column(in_lang(lang, "变化", "Δ"), justify="right")
    table.add_column(in_lang(lang, "等级", "Grade"))
    table.add_column(in_lang(lang, "必做任务", "Mandatory"))
    table.add_column(
        in_lang(lang, "结论有变化的任务和要求", "Tasks and requirements that changed"),
        max_width=60,
        overflow="fold",
    )
    base = rows[0]["baseline"]
    table.add_row(
        in_lang(lang, "基准", "baseline"),
        f"{base['score']:.1f}",
        "",
        _grade_cell(base["grade"], base["grade_label"]),
        in_lang(lang, "全部完成", "complete")
        if base["mandatory_complete"]
        else in_lang(lang, "未完成", "not complete"),
        "",
    )
    for cmp in rows:
        after = cmp["variant"]
        table.add_row(
            cmp["name"],
            f"{after['score']:.1f}",
            f"{cmp['score_change']:+.1f}",
            _grade_cell(after["grade"], after["grade_label"]),
            in_lang(lang, "全部完成", "complete")
            if after["mandatory_complete"]
            else in_lang(lang, "未完成", "not complete"),
            ("；" if lang == "zh" else "; ").join(describe_changes(cmp, lang)) or "—",
        )
    return table


def plan_table(plan, lang: str = "zh") -> Table:
    """The least work for a grade: one row per action."""
    pack = find_pack(plan.before.pack)
    before = f"{plan.before.score} {plan.before.grade_label}"
    if not plan.reachable:
        title = in_lang(
            lang,
            f"{plan.before.city}：达不到{plan.target_label}",
            f"{plan.before.city}: {plan.target} cannot be reached",
        )
    elif not plan.actions:
        title = in_lang(
            lang,
            f"{plan.before.city}：已达到{plan.target_label}（{before}），无需再做",
            f"{plan.before.city}: {plan.target} already reached ({before})",
        )
    else:
        after = f"{plan.after.score} {plan.after.grade_label}"
        title = in_lang(
            lang,
            f"{plan.before.city}：达到{plan.target_label}最少要做的 {len(plan.actions)} 件事"
            f"（{before} → {after}）",
            f"{plan.before.city}: the least work for {plan.target}, {len(plan.actions)} actions "
            f"({before} → {after})",
        )
    table = Table(title=title, box=box.SIMPLE, show_lines=False, min_width=76)
    if not plan.reachable:
        table.add_column(in_lang(lang, "原因", "Why"), max_width=80, overflow="fold")
        table.add_row(plan.reason if lang == "zh" else plan.reason_en)
        return table
    table.add_column(in_lang(lang, "事项", "Field"), max_width=44, overflow="fold")
    table.add_column(in_lang(lang, "改为", "Set to"))
    table.add_column(in_lang(lang, "满足的要求", "Meets"))
    for action in plan.actions:
        decl = pack.field(action["field"])
        table.add_row(
            f"{label(decl, lang)}\n[dim]{action['field']}[/]",
            show(decl, action["value"], lang),
            "、".join(action["requirements"])
            if lang == "zh"
            else ", ".join(action["requirements"]),
        )
    return table


def sensitivity_table(results: list[dict], lang: str = "zh") -> Table:
    table = Table(
        title=in_lang(
            lang, f"参数 {results[0]['param']} 的敏感性", f"Sensitivity to {results[0]['param']}"
        ),
        box=box.SIMPLE_HEAVY,
        show_lines=True,
    )
    table.add_column(in_lang(lang, "取值", "Value"))
    table.add_column(in_lang(lang, "等级变化的城市", "Cities whose grade changes"), overflow="fold")
    for result in results:
        changes = [
            f"{c['city']} {c['from_label']}→{c['to_label']}"
            f"（{c['score_from']:.1f}→{c['score_to']:.1f}）"
            for c in result["changes"]
        ]
        table.add_row(str(result["value"]), "\n".join(changes) or in_lang(lang, "无", "none"))
    return table
