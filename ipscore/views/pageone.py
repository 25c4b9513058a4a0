"""What page one says of a city, for the report and the terminal's to-do list alike, in this
order: what blocks the grade (a mandatory task's required requirement unmet), 请补报 (what
was not reported, apart: reporting it is not work, and it may well have been done), the least
set of actions that reaches the next grade (the `plan` answer, with the score it gives), and
the requirements past their deadline (due in a year before the one assessed: listed, never
suggested)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..decide.explain import field_label, unit
from ..decide.results import Assessment, RequirementResult, deadline_text
from ..decide.scoring import blocking, blocks_grade
from ..packs.conditions import split_year
from ..text import pick
from ..verdicts import MISSING, UNMET

if TYPE_CHECKING:
    from ..questions.plan import Plan


@dataclass(frozen=True)
class ToFill:
    """A requirement not decided for want of figures: the figures to report, by the form's
    names (none where every figure was filed and a ratio's divisor is 0: its gap says so)."""

    requirement: RequirementResult
    fields: tuple[str, ...]
    blocks: bool  # a mandatory task's required requirement: the grade waits on it


@dataclass(frozen=True)
class PageOne:
    blockers: tuple[RequirementResult, ...]
    to_fill: tuple[ToFill, ...]
    plan: Plan | None  # None at the top grade, on a points sheet, or while blockers decide
    overdue: tuple[RequirementResult, ...]  # unmet, past their deadline, not blockers
    rest: tuple[RequirementResult, ...]  # unmet, in none of the above


def page_one(a: Assessment, with_plan: bool = True) -> PageOne:
    """Page one of `a`. The plan is asked only where meeting the blockers would not by itself
    lift the grade (where it would, page one says what meeting them gives instead)."""
    blockers, to_fill, overdue, unmet = [], [], [], []
    for task in a.tasks:
        for r in task.requirements:
            if r.status == MISSING:
                to_fill.append(ToFill(r, figures_to_report(a, r), blocks_grade(task, r)))
            elif r.status != UNMET:
                continue
            elif blocks_grade(task, r):
                blockers.append(r)
            elif r.overdue(a.year):
                overdue.append(r)
            else:
                unmet.append(r)
    plan = None
    if with_plan and not _blockers_lift(a, blockers, to_fill):
        from ..questions.plan import next_grade  # SciPy, loaded only when a plan is asked for

        plan = next_grade(a)
    planned = set() if plan is None else {rid for x in plan.actions for rid in x.requirements}
    return PageOne(
        tuple(blockers),
        tuple(to_fill),
        plan,
        tuple(overdue),
        tuple(r for r in unmet if r.id not in planned),
    )


def _blockers_lift(a: Assessment, blockers: list[RequirementResult], to_fill: list[ToFill]) -> bool:
    """Whether meeting (or reporting) what blocks the grade would by itself lift it: page one
    then says what it gives (`scoring.blocking`), and plans nothing further."""
    if not blockers and not any(f.blocks for f in to_fill):
        return False
    return blocking(a).lifts_grade


def figures_to_report(a: Assessment, r: RequirementResult) -> tuple[str, ...]:
    """The figures a missing requirement waits on, as filed (a ratio by its inputs, a `_prev`
    by last year's figure), each once: the absent ones among those it reads, in the form's
    order, a figure's years oldest first."""
    pack = a.pack
    absent = set(a.missing)
    out: dict[str, None] = {}
    for name, value in r.inputs.items():
        if value is not None or name in r.uncomputable:
            continue
        for f in pack.ratio_inputs(name) or [name]:
            filed = pack.filed_as(f)
            if filed in absent:
                out[filed] = None
    return tuple(sorted(out, key=lambda name: _form_place(a, name)))


def _form_place(a: Assessment, name: str) -> tuple[int, int]:
    """Where a figure stands on the form, and its year: last year's figure typed as `x_prev`
    beside `x` of that year."""
    pack = a.pack
    base, year = split_year(name)
    order = pack.field_names()
    twin = pack.previous_pairs().get(base)
    if twin is not None:
        return order.index(twin), (year or a.year) - 1
    return (order.index(base) if base in order else len(order)), year or a.year


def form_label(a: Assessment, name: str, lang: str) -> str:
    """A figure as the form asks for it: its name (with its year) and its unit,
    2009年地区生产总值（亿元）."""
    decl = a.pack.field(name)
    text = field_label(a.pack, name, lang)
    shown = unit(decl, lang).strip()
    return pick(lang, f"{text}（{shown}）", f"{text} ({shown})") if shown else text


def fill_words(a: Assessment, item: ToFill, lang: str) -> list[str]:
    """What to report for one requirement, by the form's names, each once."""
    return list(dict.fromkeys(form_label(a, f, lang) for f in item.fields))


def plan_head(a: Assessment, plan: Plan, lang: str) -> str:
    """ "离良好还差11.8分：做完以下5项可达76.3分，良好", or why the next grade cannot be
    reached by work on what was reported."""
    pack = a.pack
    band = next(b for b in pack.scoring.grades if b.code == plan.target)
    grade = pick(lang, band.label, band.label_en)
    short = "" if band.min_score is None else f"{float(band.min_score - a.score):.1f}"
    if not plan.reachable or plan.after is None:
        reason = pick(lang, plan.reason or "", plan.reason_en)
        return pick(
            lang,
            f"离{grade}还差{short}分，仅靠工作达不到：{reason}。",
            f"{short} points short of {grade}, which work alone cannot reach: {reason}.",
        )
    after = plan.after
    got = pack.grade_label(after.grade, lang)
    n = len(plan.actions)
    if lang == "en":
        what = "the action below gives" if n == 1 else f"the {n} actions below give"
        return f"{short} points short of {grade}: {what} {after.score}, {got}"
    return f"离{grade}还差{short}分：做完以下{n}项可达{after.score}分，{got}"


@dataclass(frozen=True)
class ActionLine:
    """One action of a plan: the figure as filed and as the plan sets it ("外观设计专利培训班
    0期 → 1期"), and the requirements it meets, each as "T8.R2 至少1期外观设计培训班"."""

    field: str
    change: str
    requirements: tuple[str, ...]
    meets: tuple[str, ...]


def action_lines(a: Assessment, plan: Plan, lang: str) -> list[ActionLine]:
    """Each action of the plan, in the plan's order."""
    from ..questions.plan import Change

    titles = {r.id: pick(lang, r.title, r.title_en) for t in a.tasks for r in t.requirements}
    return [
        ActionLine(
            x.field,
            Change(x.field, a.values.get(x.field), x.value).describe(a.pack, lang),
            x.requirements,
            tuple(f"{rid} {titles[rid]}" for rid in x.requirements),
        )
        for x in plan.actions
    ]


def deadline_words(r: RequirementResult, lang: str) -> str:
    """ "期限：2009年3月" for a requirement past its deadline."""
    return pick(lang, f"期限：{r.deadline}", f"due {deadline_text(r.deadline or '', lang)}")
