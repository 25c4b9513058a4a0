"""Terminal tables (rich), Chinese by default: every table a command prints is built here."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..decide.explain import (
    describe,
    expected,
    field_label,
    label,
    level_label,
    show,
    show_input,
    uncomputable,
)
from ..decide.results import Assessment
from ..decide.scoring import ranking
from ..packs import Pack, grade_word, installed_pack
from ..packs.conditions import fields_read, split_year
from ..packs.model import Subject
from ..provenance import notes_by_text
from ..text import counted, pick
from ..verdicts import (
    LABELS,
    MET,
    MISSING,
    NOT_APPLICABLE,
    TASK_LABELS,
    UNMET,
    Verdict,
    verdict_word,
)
from .fit import fit

if TYPE_CHECKING:  # types only: the plan's solver (SciPy) loads when a plan is asked for
    from ..packcheck.cases import Report
    from ..packcheck.proofs import Proof
    from ..questions.plan import Plan
    from ..questions.whatif import Comparison, Sensitivity
    from ..record.archiving import Archived
    from ..record.history import History, YearRow
    from ..record.review import Review
    from ..record.verification import Pending, Scored, Verification
    from ..store.archive import Stored
    from ..strength.evaluation import Strength

_STYLE = {MET: "green", UNMET: "red", MISSING: "yellow", NOT_APPLICABLE: "dim"}
_GRADE_STYLE = {"excellent": "bold green", "good": "green", "pass": "yellow", "fail": "bold red"}
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
    table = Table(
        title=title,
        box=box.SIMPLE_HEAVY,
        caption=_notes(assessments, lang),
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
    for row in ranking(assessments):
        a = row.assessment
        pack = a.pack
        band = next(b for b in pack.scoring.grades if b.code == a.grade)
        statuses = a.requirement_statuses().values()
        unmet = sum(1 for s in statuses if s == UNMET)
        missing = sum(1 for s in statuses if s == MISSING)
        table.add_row(
            *([a.pack.id, str(a.year)] if mixed else []),
            _user(a.city),
            _user(a.province or "—"),
            level_label(pack, a.level, lang),
            str(a.batch or "—"),
            f"{a.score}",
            _grade_cell(a.grade, pick(lang, band.label, band.label_en)),
            _mandatory_cell(a, lang),
            str(row.rank_in_tier),
            f"{unmet}/{missing}",
        )
    return table


def _user(text: object) -> str:
    """Submitted text (a city's name, a typed value, a file name) for the terminal: shown as
    typed, never read as rich markup (`[/]` would end a batch) nor as a control sequence
    (an escape or a newline could forge lines)."""
    return escape(_TERMINAL.sub(" ", str(text)))


_TERMINAL = re.compile(r"[\x00-\x1f\x7f]")


def _echo(text: str) -> str:
    """Submitted text on a plain output line: no control sequence reaches the terminal."""
    return _TERMINAL.sub(" ", text)


def _notes(assessments: Iterable[Assessment], lang: str) -> str | None:
    """What the input files say of their own data (an example, a published source), shown
    under the table so that it is never only a comment in a file."""
    head = pick(lang, "数据说明", "About the data")
    lines = [
        pick(lang, f"{head} {files[0]}：{note}", f"{head} {files[0]}: {note}")
        if len(files) == 1
        else pick(
            lang,
            f"{head}（{len(files)}个文件）：{note}",
            f"{head} ({counted(len(files), 'file')}): {note}",
        )
        for note, files in notes_by_text(i for a in assessments for i in a.inputs).items()
    ]
    return "\n".join(_user(line) for line in lines) or None


def detail(a: Assessment, lang: str = "zh") -> Table:
    table = Table(
        title=pick(
            lang,
            f"{_user(a.city)} {a.year}年度：{a.score}分，{a.grade_label}",
            f"{_user(a.city)} {a.year}: {a.score}, {a.grade_word(lang)}",
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
                note = pick(lang, "缺报：", "missing: ") + "、".join(absent)
            table.add_row(
                r.id,
                pick(lang, r.title, r.title_en),
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


class _Folding(Console):
    """A console whose tables wrap a long cell onto more lines instead of cutting it with "…":
    a Chinese name has no space to wrap at, so at 80 columns 北京市朝阳区 became "北京 …"."""

    def print(self, *objects: Any, **options: Any) -> None:
        for item in objects:
            if isinstance(item, Table):
                for column in item.columns:
                    column.overflow = "fold"
                fit(item, self)
        super().print(*objects, **options)


def console() -> Console:
    # A pipe or a CI log gets a readable fixed width instead of 80 columns.
    return _Folding(width=None if Console().is_terminal else 140, highlight=False)


def as_text(items: Iterable[Table]) -> str:
    """Tables as plain text, for a file named with -o."""
    recorder = _Folding(record=True, width=140, file=io.StringIO())
    for table in items:
        recorder.print(table)
    return recorder.export_text()


def _input_line(label: str, value: str) -> str:
    """A label and its value on one line where they fit the column, else the value on a line
    of its own: folding at the edge cut 7,799.9999万元 into "7,79" and "9.9999万元"."""
    return label + value if cell_len(label + value) <= INPUTS_WIDTH else f"{label}\n{value}"


def validation_lines(a: Assessment, lang: str = "zh") -> list[str]:
    """`ipscore validate`: the file is usable; the missing inputs that change a verdict;
    the plausibility warnings."""
    missing = a.missing
    if lang == "en":
        line = f"OK {_echo(a.source)}: {_echo(a.city)}"
        line += f"; missing inputs: {', '.join(missing)}" if missing else "; nothing missing"
    else:
        line = f"✓ {_echo(a.source)}：{_echo(a.city)}，格式无误"
        line += (
            f"；影响结论的缺报 {len(missing)} 项：{'、'.join(missing)}" if missing else "，无缺报"
        )
    if a.uncomputable:
        line += pick(lang, "；", "; ") + uncomputable(a.pack, a.uncomputable, lang)
    warnings = [f"  ! {w['id']} {pick(lang, w['message'], w['message_en'])}" for w in a.warnings]
    return [line, *warnings]


def todo(a: Assessment, lang: str = "zh") -> Table | None:
    """What a city office still has to do: every unmet or missing requirement, with evidence."""
    open_items = [r for t in a.tasks for r in t.requirements if r.status in (UNMET, MISSING)]
    if not open_items:
        return None
    table = Table(
        title=pick(
            lang, f"{_user(a.city)}：待办事项（未达到或缺报）", f"{_user(a.city)}: still to do"
        ),
        box=box.SIMPLE,
        show_lines=True,
    )
    table.add_column(pick(lang, "要求", "Req."), no_wrap=True)
    table.add_column(pick(lang, "填报值", "Inputs"), max_width=INPUTS_WIDTH, overflow="fold")
    table.add_column(pick(lang, "判定标准", "Expected"), max_width=30, overflow="fold")
    table.add_column(pick(lang, "怎么做", "Remedy"), max_width=40, overflow="fold")
    pack = a.pack
    for r in open_items:
        inputs = "\n".join(
            _input_line(
                f"{field_label(pack, f, lang)}{pick(lang, '：', ': ')}",
                _user(show_input(pack, f, v, r.uncomputable, lang)),
            )
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


def _mandatory_cell(a: Assessment, lang: str) -> str:
    """Whether the mandatory tasks are done; a plan with no mandatory tasks says so."""
    if not a.pack.mandatory:
        return pick(lang, "不分必做选做", "no mandatory tasks")
    return (
        pick(lang, "全部完成", "complete")
        if a.mandatory_complete
        else pick(lang, "未完成", "not complete")
    )


def _stored_title(pack_id: str | None, req_id: str, title: str, lang: str) -> str:
    """A stored requirement's title in the reader's language (results store the Chinese)."""
    pack = installed_pack(pack_id) if lang == "en" and pack_id else None
    try:
        return pick(lang, title, pack.requirement(req_id).title_en) if pack else title
    except StopIteration:  # a requirement the pack no longer has
        return title


def _grade_cell(code: str, label: str) -> str:
    """A grade word, coloured where the grade is one of the usual four (an index pack's
    数据可用 has no colour: `[]` would be broken markup)."""
    style = _GRADE_STYLE.get(code)
    return f"[{style}]{escape(label)}[/]" if style else escape(label)


def comparison(rows: Iterable[Comparison], title: str, lang: str = "zh") -> Table:
    """Baseline and variants side by side: score, grade, mandatory tasks, what changed."""
    table = Table(title=title, box=box.SIMPLE_HEAVY, show_lines=True)
    table.add_column(pick(lang, "情形", "Case"))
    table.add_column(pick(lang, "得分", "Score"), justify="right")
    table.add_column(pick(lang, "变化", "Δ"), justify="right")
    table.add_column(pick(lang, "等级", "Grade"))
    table.add_column(pick(lang, "必做任务", "Mandatory"))
    table.add_column(
        pick(lang, "结论有变化的任务和要求", "Tasks and requirements that changed"),
        max_width=60,
        overflow="fold",
    )
    rows = list(rows)
    base = rows[0].baseline
    table.add_row(
        pick(lang, "基准", "baseline"),
        f"{base.score:.1f}",
        "",
        _grade_cell(base.grade, base.grade_word(lang)),
        _mandatory_cell(base, lang),
        "",
    )
    for cmp in rows:
        after = cmp.variant
        table.add_row(
            cmp.name,
            f"{after.score:.1f}",
            f"{cmp.score_change:+.1f}",
            _grade_cell(after.grade, after.grade_word(lang)),
            _mandatory_cell(after, lang),
            pick(lang, "；", "; ").join(cmp.changes(lang)) or "—",
        )
    return table


def plan_table(plan: Plan, lang: str = "zh") -> Table:
    """The least work for a grade: one row per action."""
    pack = plan.before.pack
    before = f"{plan.before.score} {plan.before.grade_word(lang)}"
    if not plan.reachable:
        title = pick(
            lang,
            f"{_user(plan.before.city)}：达不到{plan.target_label}",
            f"{_user(plan.before.city)}: {plan.before.pack.grade_label(plan.target, lang)} "
            "cannot be reached",
        )
    elif not plan.actions:
        title = pick(
            lang,
            f"{_user(plan.before.city)}：已达到{plan.target_label}（{before}），无需再做",
            f"{_user(plan.before.city)}: "
            f"{plan.before.pack.grade_label(plan.target, lang)} already reached ({before})",
        )
    else:
        assert plan.after is not None  # a reachable plan was assessed again
        after = f"{plan.after.score} {plan.after.grade_word(lang)}"
        title = pick(
            lang,
            f"{_user(plan.before.city)}：达到{plan.target_label}最少要做的 {len(plan.actions)} 件事"
            f"（{before} → {after}）",
            f"{_user(plan.before.city)}: the least work for "
            f"{plan.before.pack.grade_label(plan.target, lang)}, "
            f"{counted(len(plan.actions), 'action')} ({before} → {after})",
        )
    table = Table(title=title, box=box.SIMPLE, show_lines=False, min_width=76)
    if not plan.reachable:
        table.add_column(pick(lang, "原因", "Why"), max_width=80, overflow="fold")
        table.add_row(pick(lang, plan.reason or "", plan.reason_en))
        return table
    table.add_column(pick(lang, "事项", "Field"), max_width=44, overflow="fold")
    table.add_column(pick(lang, "改为", "Set to"))
    table.add_column(pick(lang, "满足的要求", "Meets"))
    for action in plan.actions:
        decl = pack.field(action.field)
        table.add_row(
            f"{label(decl, lang)}\n[dim]{action.field}[/]",
            _user(show(decl, action.value, lang)),
            pick(lang, "、", ", ").join(action.requirements),
        )
    return table


def sensitivity_table(result: Sensitivity, lang: str = "zh") -> Table:
    table = Table(
        title=pick(lang, f"参数 {result.param} 的敏感性", f"Sensitivity to {result.param}"),
        box=box.SIMPLE_HEAVY,
        show_lines=True,
    )
    table.add_column(pick(lang, "取值", "Value"))
    table.add_column(pick(lang, "等级变化的城市", "Cities whose grade changes"), overflow="fold")
    for row in result.rows:
        lp, rp = pick(lang, "（", " ("), pick(lang, "）", ")")
        changes = [
            f"{_user(c.city)} {c.before.grade_word(lang)}→"
            f"{c.before.pack.grade_label(c.after.grade, lang)}"
            f"{lp}{c.before.score:.1f}→{c.after.score:.1f}{rp}"
            for c in row.changes
        ]
        table.add_row(row.value, "\n".join(changes) or pick(lang, "无", "none"))
    return table


def packs_table(packs: Iterable[Pack], lang: str = "zh") -> Table:
    """`rules list`: one row per pack, with the content hash that tells two editions apart."""
    table = Table(title=pick(lang, "规则包", "Rule packs"))
    for head in (
        pick(lang, "编号", "id"),
        pick(lang, "版本", "version"),
        pick(lang, "内容指纹", "sha256"),
        pick(lang, "年度", "year"),
        pick(lang, "任务", "tasks"),
        pick(lang, "要求", "reqs"),
        pick(lang, "标题", "title"),
    ):
        table.add_column(head)
    for pack in packs:
        table.add_row(
            pack.id,
            pack.pack.version,
            pack.content_hash[:12],
            str(pack.pack.year),
            str(len(pack.tasks)),
            str(len(pack.requirements())),
            pick(lang, pack.pack.title, pack.pack.title_en),
        )
    return table


def pack_diff_table(a: Pack, b: Pack, lang: str = "zh") -> Table:
    """`rules diff`: what differs between two packs, with both tests where a check changed."""
    from ..packs.diff import differences

    table = Table(
        title=pick(
            lang,
            f"{a.id} {a.pack.version} → {b.id} {b.pack.version} 的差异",
            f"From {a.id} {a.pack.version} to {b.id} {b.pack.version}",
        ),
        show_lines=True,
    )
    for zh, en in (("变化", "Change"), ("对象", "What"), ("内容", "Detail")):
        table.add_column(pick(lang, zh, en))
    kinds = {
        "added": ("新增", "added"),
        "removed": ("删除", "removed"),
        "changed": ("修改", "changed"),
    }
    whats = {
        "requirement": ("要求", "requirement"),
        "task": ("任务", "task"),
        "field": ("字段", "field"),
        "mandatory": ("必做任务", "mandatory tasks"),
        "grade": ("等级线", "grade"),
        "weights": ("权重", "weights"),
        "pack": ("规则包", "pack"),
    }
    ra = {r.id: r for _, r in a.requirements()}
    rb = {r.id: r for _, r in b.requirements()}
    for d in differences(a, b):
        detail = pick(lang, "、", ", ").join(d.parts)
        if d.what == "requirement" and d.kind == "changed" and "check" in d.parts:
            before = describe(a, ra[d.target].check, lang)
            detail += f"\n{before}\n→ {describe(b, rb[d.target].check, lang)}"
        elif d.what == "requirement" and d.kind == "added":
            detail = describe(b, rb[d.target].check, lang)
        table.add_row(
            pick(lang, *kinds[d.kind]), f"{pick(lang, *whats[d.what])} {d.target}", detail
        )
    return table


_KIND_WORDS = {"required": ("必需", "required"), "advisory": ("建议", "advisory")}


def pack_table(pack: Pack, lang: str = "zh") -> Table:
    """`rules show`: every requirement with its test and the plan's words."""
    table = Table(
        title=pick(
            lang,
            f"{pack.pack.title}（{pack.id} {pack.pack.version}，sha256 {pack.content_hash[:12]}）",
            f"{pack.pack.title_en} ({pack.id} {pack.pack.version}, "
            f"sha256 {pack.content_hash[:12]})",
        ),
        show_lines=True,
    )
    for zh, en in (
        ("要求", "Requirement"),
        ("类别", "Kind"),
        ("判定标准", "Expected"),
        ("原文（章节）", "Original words (section)"),
    ):
        table.add_column(pick(lang, zh, en))
    amended = {a.target for a in pack.amendments}
    for _, req in pack.requirements():
        kind = [pick(lang, *_KIND_WORDS[req.kind])]
        kind += [pick(lang, "解读", "interpretive")] if req.interpretive else []
        kind += [pick(lang, "已修订", "amended")] if req.id in amended else []
        table.add_row(
            f"{req.id}\n{pick(lang, req.title, req.title_en)}",
            pick(lang, "·", " · ").join(kind),
            expected(pack, req, lang),
            # The plan's own words stay as written; only what frames them follows the reader.
            f"{req.citation.text}{pick(lang, '（', ' (')}{req.citation.section}"
            f"{pick(lang, '）', ')')}",
        )
    return table


def fields_table(pack: Pack, lang: str = "zh") -> Table:
    """`rules show --fields`: every field a submission may fill in, and what reads it."""
    table = Table(
        title=pick(lang, f"{pack.id} 的填报字段", f"Fields of {pack.id}"), show_lines=False
    )
    for zh, en in (
        ("字段代码", "Field"),
        ("名称", "Label"),
        ("类型", "Type"),
        ("单位", "Unit"),
        ("读取它的要求和规则", "Read by"),
    ):
        table.add_column(pick(lang, zh, en), overflow="fold")
    for row in field_list(pack, lang):
        table.add_row(
            row["field"],
            row["label"],
            row["type"] + (pick(lang, "（算出）", " (computed)") if row["computed"] else ""),
            row["unit"] or "",
            pick(lang, "、", ", ").join(row["read_by"]) or "—",
        )
    return table


def field_list(pack: Pack, lang: str = "zh") -> list[dict[str, Any]]:
    """Each field: code, label, type, unit, whether it is computed, and what reads it — the
    requirements (directly, in any year, or through a ratio computed from it), the mandatory
    sets, the plausibility checks."""
    readers: dict[str, list[str]] = {}
    users: list[tuple[str, list[Any]]] = [
        (req.id, [c for c in (req.check, req.applies_if) if c is not None])
        for _, req in pack.requirements()
    ]
    users += [(pick(lang, "必做任务", "mandatory"), [m.when for m in pack.mandatory])]
    users += [(check.id, [check.when]) for check in pack.plausibility]
    for reader, conditions in users:
        for name in sorted({split_year(f)[0] for c in conditions for f in fields_read(c)}):
            for each in (name, *(pack.field(name).of or [])):
                readers.setdefault(each, [])
                if reader not in readers[each]:
                    readers[each].append(reader)
    return [
        {
            "field": name,
            "label": label(pack.field(name), lang),
            "type": pack.field(name).type,
            "unit": pick(lang, pack.field(name).unit or "", pack.field(name).unit_en),
            "computed": pack.field(name).type == "ratio",
            "read_by": readers.get(name, []),
        }
        for name in pack.field_names()
    ]


def pack_test_line(report: Report, lang: str = "zh") -> str:
    passed, failed = len(report.passed), len(report.failed)
    return pick(
        lang,
        f"{report.pack.id}：{passed} 个用例通过，{failed} 个失败，"
        f"要求和结论的覆盖率 {report.coverage:.1f}%",
        f"{report.pack.id}: {counted(passed, 'case')} passed, {failed} failed, "
        f"coverage of requirements and verdicts {report.coverage:.1f}%",
    )


def pack_test_table(report: Report, lang: str = "zh") -> Table | None:
    """`ipscore test`: the failing cases and the verdicts no case reaches (None if neither)."""
    if not report.failed and not report.uncovered:
        return None
    table = Table()
    table.add_column(pick(lang, "用例 / 要求", "Case / requirement"))
    table.add_column(pick(lang, "预期", "Expected"))
    table.add_column(pick(lang, "实际 / 未覆盖的结论", "Actual / verdict not reached"))
    for case, wrong in report.failed.items():
        for key, (want, got) in wrong.items():
            table.add_row(f"{case}{pick(lang, '：', ': ')}{key}", str(want), str(got))
    for rid, verdict in report.uncovered:
        table.add_row(rid, "", pick(lang, f"没有用例得到 {verdict}", f"no case reaches {verdict}"))
    return table


def archived_lines(done: Iterable[Archived], lang: str = "zh") -> list[str]:
    """`archive add`: one line per stored submission, saying what was stored."""
    out = []
    for item in done:
        city = _echo(item.city)
        if item.score is not None:
            out.append(
                pick(
                    lang,
                    f"✓ #{item.id} {city} {item.year}年度（{item.pack}）：已评估并存档，"
                    f"{item.score}分，{item.grade_label}",
                    f"OK #{item.id} {city} {item.year} ({item.pack}): assessed and stored, "
                    f"{item.score}, {grade_word(item.pack, item.grade, item.grade_label, lang)}",
                )
            )
        else:
            out.append(
                pick(
                    lang,
                    f"✓ #{item.id} {city} {item.year}年度（{item.pack}）：本规则包评估的是"
                    f"{item.pack_year}年度，只存数据（{item.figures}项），供其他年度引用",
                    f"OK #{item.id} {city} {item.year} ({item.pack}): the pack assesses "
                    f"{item.pack_year}, so only its {item.figures} figures are stored",
                )
            )
    return out


def archive_table(stored: Iterable[Stored], lang: str = "zh") -> Table:
    """`archive list`: one row per stored submission (current ones unless --all)."""
    table = Table(title=pick(lang, "归档", "Archive"), box=box.SIMPLE_HEAVY)
    for zh, en in (
        ("编号", "id"),
        ("规则包", "Pack"),
        ("城市", "City"),
        ("年度", "Year"),
        ("内容", "Kind"),
        ("版本", "Version"),
        ("得分", "Score"),
        ("等级", "Grade"),
        ("存档时间", "Stored at"),
        ("存档人", "By"),
        ("输入指纹", "Input SHA-256"),
    ):
        table.add_column(pick(lang, zh, en))
    for s in stored:
        result = s.result or {}
        kind = pick(lang, "评估", "assessment") if s.assessed else pick(lang, "只存数据", "figures")
        version = f"{s.version}" + (pick(lang, "（当前）", " (current)") if s.current else "")
        table.add_row(
            str(s.id),
            s.pack,
            _user(s.city),
            str(s.year),
            kind,
            version,
            "" if "score" not in result else f"{result['score']}",
            grade_word(s.pack, result.get("grade"), result.get("grade_label"), lang),
            s.stored_at,
            s.stored_by or "—",
            s.input_sha256[:12],
        )
    return table


def stored_table(s: Stored, lang: str = "zh") -> Table:
    """`archive show`: one stored submission — where it came from, its result, its figures."""
    result = s.result or {}
    headline = (
        pick(
            lang,
            f"，{result['score']}分，{result['grade_label']}",
            f", {result['score']}, "
            f"{grade_word(s.pack, result.get('grade'), result.get('grade_label'), 'en')}",
        )
        if result
        else pick(lang, "，只存数据", ", figures only")
    )
    table = Table(
        title=pick(
            lang,
            f"{_user(s.city)} {s.year}年度（{s.pack}，第{s.version}版"
            f"{'，当前' if s.current else ''}）{headline}",
            f"{_user(s.city)} {s.year} ({s.pack}, version {s.version}"
            f"{', current' if s.current else ''}){headline}",
        ),
        box=box.SIMPLE,
    )
    table.add_column(pick(lang, "项目", "Item"))
    table.add_column(pick(lang, "值", "Value"), overflow="fold")
    for zh, en, value in (
        ("填报文件", "Input file", _user(s.source)),
        ("文件指纹", "Input SHA-256", s.input_sha256),
        ("规则包版本", "Pack version", s.pack_version),
        ("规则包指纹", "Pack SHA-256", s.pack_sha256),
        ("存档时间", "Stored at", s.stored_at),
        ("存档人", "Stored by", s.stored_by or "—"),
        ("ipscore 版本", "ipscore version", s.ipscore_version),
    ):
        table.add_row(pick(lang, zh, en), value)
    for name, figure in s.figures.items():
        table.add_row(f"[dim]{name}[/]", str(figure))
    return table


def amendments_table(pack: Pack, lang: str = "zh") -> Table | None:
    """`rules show` of an amending pack: each change to the pack it extends, with its text."""
    if not pack.amendments:
        return None
    table = Table(
        title=pick(lang, f"对 {pack.extends} 的修订", f"Amendments to {pack.extends}"),
        show_lines=True,
    )
    for zh, en in (("修订", "Change"), ("对象", "Target"), ("修订依据（章节）", "Text (section)")):
        table.add_column(pick(lang, zh, en))
    for a in pack.amendments:
        change = a.change + (f" = {a.value}" if a.value is not None else "")
        table.add_row(
            change, a.target, f"{a.citation.text}（{a.citation.source} {a.citation.section}）"
        )
    return table


def proof_lines(
    name: str, pack: Pack, proofs: Sequence[Proof], witness: bool, lang: str = "zh"
) -> list[str]:
    """`rules check` of a pack that passed: what was proved, and each witness if asked."""
    reached = Counter(r.verdict for p in proofs for r in p.reaches if r.answer == "sat")
    counts = pick(lang, "、", ", ").join(
        f"{LABELS[lang][v]}{reached[v]}" for v in (MET, UNMET, NOT_APPLICABLE)
    )
    tasks, reqs = len(pack.tasks), len(proofs)
    lines = [
        pick(
            lang,
            f"✓ {name}：{tasks}项任务、{reqs}条要求，检查通过。z3 证明：可得到的结论各有见证"
            f"（{counts}），引擎对每份见证的判定一致；“达到”与“未达到”无重叠、无遗漏",
            f"OK {name}: {counted(tasks, 'task')}, {counted(reqs, 'requirement')}. "
            f"Proved with z3: a witness for every reachable verdict ({counts}), each decided "
            "alike by the engine; met and unmet never overlap and leave no gap",
        )
    ]
    if witness:
        for proof in proofs:
            for reach in proof.reaches:
                if reach.answer != "sat":
                    continue
                shown = pick(lang, "，", ", ").join(
                    f"{f}={_user(show(pack.field(f), v, lang))}" for f, v in reach.witness.items()
                )
                verdict = LABELS[lang][reach.verdict]
                lines.append(f"  {proof.requirement} {verdict}{pick(lang, '：', ': ')}{shown}")
    return lines


_STATE_WORDS = {
    "figures": ("只存数据，未考核", "figures only, not assessed"),
    "absent": ("无存档", "nothing stored"),
}


def history_table(h: History, lang: str = "zh") -> Table:
    """`history`: one row per year — score, grade, rank in tier, mandatory tasks, and what
    changed since the year before."""
    table = Table(
        title=_user(
            pick(lang, f"{h.city} {h.first}–{h.last}年度", f"{h.city}, {h.first}–{h.last}")
        ),
        caption=_data_notes(h.notes, lang),
        caption_justify="left",
        box=box.SIMPLE_HEAVY,
        show_lines=True,
    )
    for zh, en in (
        ("年度", "Year"),
        ("规则包", "Pack"),
        ("得分", "Score"),
        ("等级", "Grade"),
        ("同级排名", "Rank in tier"),
        ("必做任务", "Mandatory"),
        ("与上年相比", "Since the year before"),
    ):
        table.add_column(pick(lang, zh, en))
    for row in h.rows:
        if row.state != "assessed":
            zh, en = _STATE_WORDS[row.state]
            fell = _fell_lines(row, lang)
            table.add_row(str(row.year), row.pack or "—", "—", pick(lang, zh, en), "", "", fell)
            continue
        mandatory = (
            ""
            if row.mandatory_complete is None
            else pick(lang, "全部完成", "complete")
            if row.mandatory_complete
            else pick(lang, "未完成", "not complete")
        )
        table.add_row(
            str(row.year),
            row.pack or "",
            str(row.score),
            _grade_cell(row.grade or "", grade_word(row.pack, row.grade, row.grade_label, lang)),
            f"{row.rank}/{row.tier_size}" if row.rank is not None else "—",
            mandatory,
            "\n".join(
                [
                    f"{c.id} {_user(c.title)}：{verdict_word(c.before, lang)} → "
                    f"{verdict_word(c.after, lang)}"
                    for c in row.changed
                ]
                + [_fell_lines(row, lang)]
            ).strip(),
        )
    return table


def _lines(*texts: str | None) -> str:
    return "\n".join(t for t in texts if t)


def _data_notes(notes: Iterable[str], lang: str) -> str | None:
    head = pick(lang, "数据说明：", "About the data: ")
    return "\n".join(_user(head + n) for n in notes) or None


def _fell_lines(row: YearRow, lang: str) -> str:
    return "\n".join(
        pick(
            lang,
            f"{_user(f.label)}下降：{f.before} → {f.after}",
            f"{_user(f.label)} fell: {f.before} → {f.after}",
        )
        for f in row.fell
    )


def review_table(r: Review, lang: str = "zh") -> Table:
    """`review`: each city's years and the outcome, or the outcomes a missing year leaves open."""
    about = r.policy.review
    table = Table(
        title=pick(
            lang,
            f"{about.title}（{r.first}–{r.last}）",
            f"{about.title_en} ({r.first}–{r.last})",
        ),
        caption=_lines(
            pick(lang, about.interpretation, about.interpretation_en), _data_notes(r.notes, lang)
        ),
        caption_justify="left",
        box=box.SIMPLE_HEAVY,
        show_lines=True,
    )
    table.add_column(pick(lang, "城市", "City"))
    for year in range(r.first, r.last + 1):
        table.add_column(str(year))
    table.add_column(pick(lang, "平均分", "Mean"))
    table.add_column(pick(lang, "复核结论", "Outcome"))
    for c in r.cities:
        cells = []
        for y in c.years:
            if y.state == "assessed":
                word = grade_word(y.pack, y.grade, y.grade_label, lang)
                cells.append(f"{y.score} {_grade_cell(y.grade or '', word)}")
            else:
                cells.append(pick(lang, *_STATE_WORDS[y.state]))
        mean = c.mean_score
        if c.outcome is not None:
            verdict = f"[bold]{pick(lang, c.outcome.label, c.outcome.label_en)}[/]"
        else:
            missing = "、".join(str(y) for y in c.missing)
            verdict = pick(
                lang,
                f"无法判定：缺{missing}年度考核结果；可能为"
                + "、".join(o.label for o in c.possible),
                f"undecided: no result for {', '.join(str(y) for y in c.missing)}; could be "
                + ", ".join(o.label_en or o.label for o in c.possible),
            )
        table.add_row(_user(c.city), *cells, "—" if mean is None else f"{float(mean):.1f}", verdict)
    return table


_STATE_STYLE = {
    "verified": "green",
    "rejected": "bold red",
    "unverified": "yellow",
    "no_evidence": "dim",
}


def _scored(s: Scored, lang: str) -> str:
    return f"{s.score} {_grade_cell(s.grade, pick(lang, s.grade_label, s.grade_label_en))}"


def verification_table(v: Verification, lang: str = "zh") -> Table:
    """`verify CITY YEAR`: each requirement's verdict, documents and check; the score as
    declared and as verified."""
    from ..record.verification import state_word

    policy = v.pack.scoring.verification
    counts = v.counts()
    head = pick(
        lang,
        f"申报得分 {_scored(v.declared, lang)}；核验得分 {_scored(v.verified, lang)}"
        f"（“达到”{sum(counts.values())}项：已核实{counts['verified']}、"
        f"已驳回{counts['rejected']}、待核验{counts['unverified']}、"
        f"无佐证材料{counts['no_evidence']}）",
        f"declared {_scored(v.declared, lang)}; verified {_scored(v.verified, lang)} "
        f"({sum(counts.values())} met: {counts['verified']} verified, "
        f"{counts['rejected']} rejected, {counts['unverified']} unverified, "
        f"{counts['no_evidence']} without evidence)",
    )
    table = Table(
        title=_user(
            pick(
                lang,
                f"{v.city} {v.year}年度佐证材料核验（第{v.version}版存档）",
                f"{v.city} {v.year}: checks of supporting documents (stored version {v.version})",
            )
        ),
        caption=_lines(
            head,
            pick(lang, policy.note or "", policy.note_en)
            or pick(
                lang,
                "未核验的“达到”在核验得分中"
                + ("照计" if policy.unverified == "counts" else "按未达到计"),
                "an unverified met "
                + ("counts" if policy.unverified == "counts" else "counts as unmet")
                + " in the verified score",
            ),
            _data_notes(v.notes, lang),
        ),
        caption_justify="left",
        box=box.SIMPLE_HEAVY,
    )
    for zh, en in (
        ("要求", "Req."),
        ("内容", "Requirement"),
        ("结论", "Verdict"),
        ("佐证材料", "Evidence"),
        ("核验", "Check"),
    ):
        table.add_column(pick(lang, zh, en))
    for r in v.requirements:
        docs = "\n".join(_user(_document(e, lang)) for e in r.evidence)
        check = f"[{_STATE_STYLE[r.state]}]{state_word(r.state, lang)}[/]"
        if r.status != MET and r.check is None and not r.evidence:
            check = "—"  # nothing claimed, nothing to check
        elif r.check is not None:
            check += "\n" + _user(
                f"{r.check.checked_by} {r.check.checked_at}"
                + (f"：{r.check.reason}" if r.check.reason else "")
            )
        elif r.outdated is not None:
            check += "\n" + pick(
                lang,
                f"（{r.outdated.checked_by}的核验之后结论或材料已变，需重新核验）",
                f"(checked by {_user(r.outdated.checked_by)}; verdict or documents changed since)",
            )
        table.add_row(
            r.id,
            _user(pick(lang, r.title, v.pack.requirement(r.id).title_en)),
            f"[{_STYLE[Verdict(r.status)]}]{verdict_word(r.status, lang)}[/]",
            docs,
            check,
        )
    return table


def _document(e: dict[str, Any], lang: str) -> str:
    parts = [p for p in (e.get("doc"), e.get("title"), e.get("date")) if p]
    file = e.get("file")
    if file:
        parts.append(
            file
            if e.get("present", True)
            else pick(lang, f"{file}（文件缺失）", f"{file} (absent)")
        )
    return " · ".join(parts)


def pending_table(items: Sequence[Pending], notes: Iterable[str], lang: str = "zh") -> Table:
    """`verify --pending`: what still needs a check, what changes the grade first."""
    from ..record.verification import state_word

    table = Table(
        title=pick(lang, f"待核验（{len(items)}项）", f"Still to check ({len(items)})"),
        caption=_lines(
            pick(
                lang,
                "按核验结果的影响排序：先列核实与驳回会得出不同等级的，再按分数差；"
                "“核实则”“驳回则”按其他未核验的“达到”照申报计算。",
                "Ordered by effect: first those whose check decides a grade, then by points; "
                "“if verified” and “if rejected” take every other unchecked claim as declared.",
            ),
            _data_notes(notes, lang),
        ),
        caption_justify="left",
        box=box.SIMPLE_HEAVY,
    )
    for zh, en in (
        ("城市", "City"),
        ("年度", "Year"),
        ("要求", "Req."),
        ("内容", "Requirement"),
        ("状态", "State"),
        ("核实则", "If verified"),
        ("驳回则", "If rejected"),
        ("影响", "Effect"),
    ):
        table.add_column(pick(lang, zh, en))
    for p in items:
        effect = f"{float(p.points):.1f}" + pick(lang, "分", " pts")
        if p.changes_grade:
            effect = f"[bold]{effect}{pick(lang, '；决定等级', '; decides the grade')}[/]"
        table.add_row(
            _user(p.city),
            str(p.year),
            p.requirement,
            _user(_stored_title(p.pack, p.requirement, p.title, lang)),
            state_word(p.state, lang),
            _scored(p.if_verified, lang),
            _scored(p.if_rejected, lang),
            effect,
        )
    return table


def strength_tables(s: Strength, lang: str = "zh") -> list[Table]:
    """`strength`: the ranking tier by tier (index, each dimension, the rank's spread and last
    year where known), then the cities a data check left out, with the check and the gap."""
    from ..report.strength import WORDS, table_rows

    w = WORDS["en" if lang == "en" else "zh"]
    spec = s.spec
    heads, rows = table_rows(s, lang, indicators=False)
    # A table per tier, named by it, rather than a tier column: at 80 columns the ranking
    # then keeps every dimension's name and figure whole.
    out: list[Table] = []
    for tier in dict.fromkeys(row[0] for row in rows) or [""]:  # none ranked: the heads
        ranking = Table(title=_user(tier), title_justify="left", box=box.SIMPLE_HEAVY)
        for k, head in enumerate(heads[1:], start=1):
            ranking.add_column(head, justify="right" if k == 1 or k >= 4 else "left")
        for row in rows:
            if row[0] == tier:
                ranking.add_row(*("—" if v is None else _user(v) for v in row[1:]))
        out.append(ranking)
    out[0].title = f"{pick(lang, s.pack.pack.title, s.pack.pack.title_en)}\n{out[0].title}"
    out[-1].caption = _lines(
        pick(lang, spec.interpretation, spec.interpretation_en), _notes(s.checked, lang)
    )
    out[-1].caption_justify = "left"
    if s.excluded:
        left = Table(title=w["excluded"], box=box.SIMPLE, show_lines=True)
        left.add_column(w["city"])
        left.add_column(w["check"], max_width=60, overflow="fold")
        for e in s.excluded:
            left.add_row(
                _user(e.city),
                "\n".join(
                    f"[red]{r.id}[/] {_user(pick(lang, r.title, r.title_en))}"
                    + (f"{pick(lang, '：', ': ')}{_user(pick(lang, r.gap or '', r.gap_en))}")
                    for r in e.failed
                ),
            )
        out.append(left)
    return out


def excluded_lines(s: Strength, lang: str = "zh") -> list[str]:
    """`strength` beside a file or JSON: a line per city a data check left out of the ranking."""
    out = []
    for left in s.excluded:
        checks = pick(lang, "、", ", ").join(
            f"{r.id} {pick(lang, r.title, r.title_en)}" for r in left.failed
        )
        out.append(
            pick(
                lang,
                f"提示：{_echo(left.city)} 的数据未通过核对（{checks}），未参加排名",
                f"note: {_echo(left.city)} failed a data check ({checks}) and is not ranked",
            )
        )
    return out
