"""A city's report: page one's conclusion, each task and requirement with its evidence, documents
and reviewers' checks, last year beside this one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ...decide.explain import field_label, level_label, show, show_input
from ...decide.results import Assessment, RequirementResult, TaskResult
from ...decide.scoring import blocking, blocks_grade, gains
from ...intake.evidence import Attached
from ...packs import Pack
from ...record.history import YearOverYear
from ...record.verification import REJECTED, Checked, Scored, Standing, met_by_state, state_word
from ...text import batch_name, counted, pick
from ...verdicts import (
    COMPLETE,
    INCOMPLETE,
    INSUFFICIENT,
    LABELS,
    MET,
    MISSING,
    NOT_APPLICABLE,
    PREV,
    TASK_LABELS,
    UNMET,
    verdict_word,
)
from ...views.pageone import action_lines, deadline_words, fill_words, page_one, plan_head
from ...views.points import item_gains
from .. import charts
from .common import TEXT, SignOff, office, provenance, words
from .points import sheet_context


def _points(value: Fraction) -> str:
    return f"{float(value):.1f}"


def _requirement(
    pack: Pack,
    r: RequirementResult,
    lang: str,
    attached: Attached | None = None,
    standings: Mapping[str, Standing] | None = None,
) -> dict[str, Any]:
    source = next(s for s in pack.pack.sources if s.file == r.citation["source"])
    state = (standings or {}).get(r.id)
    return {
        "id": r.id,
        "title": pick(lang, r.title, r.title_en),
        "kind": TEXT[lang]["kind"][r.kind],
        "status": r.status,
        "status_label": LABELS[lang][r.status],
        "inputs": [
            {
                "field": f,
                "label": field_label(pack, f, lang),
                "value": show_input(pack, f, v, r.uncomputable, lang),
            }
            for f, v in r.inputs.items()
        ],
        "expected": pick(lang, r.expected, r.expected_en),
        "gap": r.gap_en if lang == "en" else r.gap,  # no Chinese gap in an English report
        "remedy": pick(lang, r.remedy, r.remedy_en),
        "citation": {**r.citation, "title": pick(lang, source.title, source.title_en)},
        "interpretive": pick(lang, r.interpretive, r.interpretive_en) if r.interpretive else None,
        "open": r.status in (UNMET, MISSING),
        "evidence": [p.words() for key in r.evidence for p in (attached or {}).get(key, ())],
        "state": None if state is None else state.state.value,
        "state_label": None if state is None else _state_label(state, lang),
    }


def _state_label(state: Standing, lang: str) -> str:
    """A check's state, and for a rejection who rejected it and why (驳回：无盖章（张三）)."""
    word = state_word(state.state, lang)
    check = state.check
    if state.state != REJECTED or check is None or not check.reason:
        return word
    colon, lp, rp = pick(lang, "：", ": "), pick(lang, "（", " ("), pick(lang, "）", ")")
    return f"{word}{colon}{check.reason}{lp}{check.checked_by}{rp}"


def _task(
    pack: Pack,
    t: TaskResult,
    lang: str,
    text: dict[str, Any],
    attached: Attached | None = None,
    standings: Mapping[str, Standing] | None = None,
) -> dict[str, Any]:
    return {
        "id": t.id,
        "title": pick(lang, t.title, t.title_en),
        "mandatory": text["mandatory_task"] if t.mandatory else text["optional_task"],
        "status": t.status,
        "status_label": TASK_LABELS[lang][t.status],
        "fraction": "—" if t.fraction is None else f"{float(t.fraction):.0%}",
        "requirements": [_requirement(pack, r, lang, attached, standings) for r in t.requirements],
    }


def _states(tasks: list[TaskResult], lang: str) -> str:
    """Open tasks by state, in the words every view uses (`verdicts.TASK_LABELS`):
    "T4、T5未完成，T6数据不全"; "incomplete: T4, T5; insufficient data: T6"."""
    groups: dict[str, list[str]] = {}
    for t in tasks:
        groups.setdefault(TASK_LABELS[lang][t.status], []).append(t.id)
    sep = pick(lang, "、", ", ")
    if lang == "en":
        return "; ".join(f"{word}: {sep.join(ids)}" for word, ids in groups.items())
    return "，".join(f"{sep.join(ids)}{word}" for word, ids in groups.items())


def _summary(a: Assessment, grade: str, lang: str) -> str:
    statuses = Counter(a.requirement_statuses().values())
    # Incomplete before insufficient data, each in the pack's order.
    order = {INCOMPLETE: 0, INSUFFICIENT: 1}
    open_tasks = sorted((t for t in a.tasks if t.status != COMPLETE), key=lambda t: order[t.status])
    mandatory = [t for t in open_tasks if t.mandatory]
    optional = [t for t in open_tasks if not t.mandatory]
    parts = [
        pick(
            lang,
            f"{a.city}{a.year}年度得分{a.score}分，等级为{grade}。",
            f"{a.city} scored {a.score} in {a.year}: {grade}.",
        )
    ]
    if not a.pack.mandatory:
        if optional:
            words = _states(optional, lang)
            parts.append(pick(lang, f"{words}。", f"Tasks {words}."))
    else:
        parts.append(
            pick(
                lang,
                f"必做任务中{_states(mandatory, lang)}，因此等级只能是最低一档。",
                f"Mandatory tasks {_states(mandatory, lang)}.",
            )
            if mandatory
            else pick(lang, "必做任务全部完成。", "Every mandatory task is complete.")
        )
        if optional:
            words = _states(optional, lang)
            parts.append(pick(lang, f"选做任务中{words}。", f"Optional tasks {words}."))
    parts.append(
        pick(
            lang,
            f"共有{statuses[UNMET]}条要求未达到，{statuses[MISSING]}条因缺报无法判定。",
            f"{counted(statuses[UNMET], 'requirement')} unmet, "
            f"{counted(statuses[MISSING], 'requirement')} lacking data.",
        )
    )
    return pick(lang, "", " ").join(parts)


def city_context(
    a: Assessment,
    lang: str = "zh",
    mode: str = "full",
    produced_at: str | None = None,
    yoy: YearOverYear | None = None,
    checked: Checked | None = None,
    signoff: SignOff | None = None,
) -> dict[str, Any]:
    """The city report; `checked`, the reviewers' checks from the archive, where there are any."""
    pack = a.pack
    text = words(pack, lang)
    grade = pack.grade_label(a.grade, lang)
    standings = None if checked is None else {s.id: s for s in checked.standings}
    tasks = [_task(pack, t, lang, text, a.evidence, standings) for t in a.tasks]
    point_gains = _gains(a)
    sheet = sheet_context(a, lang, grade)
    todo = []
    for task in a.tasks:
        for r in task.requirements:
            if r.status in (UNMET, MISSING):
                late = r.status == UNMET and r.overdue(a.year)
                todo.append(
                    {
                        **_requirement(pack, r, lang),
                        "task": task.id,
                        "blocks": blocks_grade(task, r),
                        "points": _points(point_gains[r.id]),
                        "overdue": deadline_words(r, lang) if late else None,
                    }
                )
    # What blocks the grade, then the rest by the points it adds; past their deadline last.
    todo.sort(
        key=lambda item: (
            not item["blocks"],
            item["overdue"] is not None,
            -point_gains[item["id"]],
            item["id"],
        )
    )
    interpretive = [
        {"id": r["id"], "text": r["interpretive"]}
        for t in tasks
        for r in t["requirements"]
        if r["interpretive"]
    ]
    return {
        "t": text,
        "lang": lang,
        "mode": mode,
        "title": text["self_check"] if mode == "self-check" else text["city_report"],
        "city": a.city,
        "profile": _profile(a, text, lang),
        "conclusion": _conclusion(a, lang, text),
        "year": a.year,
        "pack_id": pack.id,
        "pack_title": pick(lang, pack.pack.title, pack.pack.title_en),
        "pack_version": a.pack_version,
        "provenance": provenance(pack, [a], produced_at, lang),
        "office": office(pack, produced_at, signoff, lang),
        "score": str(a.score),
        "grade": a.grade,
        "grade_label": grade,
        "mandatory_complete": a.mandatory_complete,
        "has_mandatory": bool(pack.mandatory),
        "summary": _summary(a, grade, lang) if sheet is None else sheet["summary"],
        "sheet": sheet,
        "chart": charts.task_fractions(a, lang),
        "tasks": tasks,
        "todo": todo,
        "missing": [{"field": f, "label": field_label(pack, f, lang)} for f in a.missing],
        "warnings": [
            {"id": _warning_id(w["id"], lang), "text": pick(lang, w["message"], w["message_en"])}
            for w in a.warnings
        ],
        "interpretive": interpretive,
        "other_years": _other_years(a, lang),
        "yoy": None if yoy is None else _year_over_year(a, yoy, lang),
        "documents": _documents(a, lang),
        "checked": None if checked is None else _checked(pack, checked, text, lang),
        "by_unit": _by_unit(a, lang),
        "scoring_note": pick(lang, pack.scoring.note, pack.scoring.note_en),
    }


def _profile(a: Assessment, text: Mapping[str, Any], lang: str) -> list[dict[str, str]]:
    """The profile line under the title: only what the pack has and the city filled in."""
    level = level_label(a.pack, a.level, lang) if a.level else None
    rows = [
        (text["province"], a.province),
        (text["level"], None if level == "—" else level),
        (text["batch"], None if a.batch is None else batch_name(a.batch, lang)),
        (text["year"], str(a.year)),
    ]
    return [{"label": label, "value": value} for label, value in rows if value]


def _conclusion(a: Assessment, lang: str, text: Mapping[str, Any]) -> dict[str, Any]:
    """Page one (`views.pageone`): what blocks the grade (the gap in plain units, who is
    responsible) and what meeting it gives; 请补报, the figures not reported, apart; the
    least set of actions that reaches the next grade and the score it gives (a points sheet:
    the items worth most); the requirements past their deadline, never suggested."""
    pack = a.pack
    found = blocking(a)
    page = page_one(a)

    def item(r: RequirementResult) -> dict[str, Any]:
        return {
            "id": r.id,
            "title": pick(lang, r.title, r.title_en),
            "gap": r.gap_en if lang == "en" else r.gap,
            "responsible": pick(lang, "、", ", ").join(r.responsible),
            "overdue": deadline_words(r, lang) if r.overdue(a.year) else None,
        }

    to_fill = [
        {
            **item(f.requirement),
            "fields": fill_words(a, f, lang),
            "blocks": f.blocks,
        }
        for f in page.to_fill
    ]
    fixed = None
    # A sheet's grade once its blockers are met would need its points again: not shown.
    if found.if_met is not None and found.lifts_grade and a.sheet is None:
        band = found.if_met.band
        fixed = f"{found.if_met.score} {pick(lang, band.label, band.label_en)}"
    better = _next_band(pack, a.grade)
    ahead = None
    if page.plan is not None:
        ahead = {
            "head": plan_head(a, page.plan, lang),
            "actions": [
                {
                    "field": line.field,
                    "change": line.change,
                    "meets": pick(lang, "；", "; ").join(line.meets),
                }
                for line in action_lines(a, page.plan, lang)
            ],
            "best": [],
        }
    elif (
        a.sheet is not None
        and not found.requirements
        and better is not None
        and better.min_score is not None
        and not a.sheet.vetoes  # no points lift a vetoed grade
    ):
        statuses = a.requirement_statuses()
        late = {r.id for r in page.overdue}
        open_items = {k: v for k, v in _gains(a).items() if statuses[k] == UNMET and k not in late}
        worth = sorted(open_items.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        titles = {r.id: pick(lang, r.title, r.title_en) for t in a.tasks for r in t.requirements}
        ahead = {
            "head": text["to_next"].format(
                grade=pick(lang, better.label, better.label_en),
                points=f"{float(better.min_score - a.score):.1f}",
            ),
            "actions": [],
            "best": [{"id": k, "title": titles[k], "points": _points(v)} for k, v in worth],
        }
    return {
        "blockers": [item(r) for r in page.blockers],
        "to_fill": to_fill,
        "fixed": fixed,
        "ahead": ahead,
        "overdue": [item(r) for r in page.overdue],
        "top": better is None,
    }


def _gains(a: Assessment) -> dict[str, Fraction]:
    """What each open requirement would add once met: a weighted pack's share of 100, a
    sheet's points short of the item's 分值."""
    if a.sheet is None:
        return gains(a)
    statuses = a.requirement_statuses()
    return {k: v for k, v in item_gains(a).items() if statuses[k] in (UNMET, MISSING)}


def _next_band(pack: Pack, grade: str) -> Any:
    """The grade just above `grade`, or None at the top."""
    codes = [b.code for b in pack.scoring.grades]
    at = codes.index(grade) if grade in codes else 0
    return pack.scoring.grades[at - 1] if at > 0 else None


def _documents(a: Assessment, lang: str) -> list[dict[str, Any]]:
    """Every supporting document of the submission, with what it is attached to and its file."""
    reqs = {r.id: r for _, r in a.pack.requirements()}
    return [
        {
            "key": key,
            "label": f"{key} {pick(lang, reqs[key].title, reqs[key].title_en)}"
            if key in reqs
            else f"{field_label(a.pack, key, lang)}（{key}）",
            "words": p.words(),
            "file": p.file,
            "sha256": p.sha256,
            "absent": p.absent,
        }
        for key, pieces in a.evidence.items()
        for p in pieces
    ]


def _checked(pack: Pack, checked: Checked, text: Mapping[str, Any], lang: str) -> dict[str, Any]:
    policy = pack.scoring.verification
    counts = met_by_state(checked.standings)
    return {
        "declared": _scored(checked.declared, lang),
        "verified": _scored(checked.verified, lang),
        "states": text["met_states"].format(n=sum(counts.values()), **counts),
        "policy": pick(lang, policy.note or "", policy.note_en),
        "any": bool(checked.checks),
    }


def _scored(s: Scored, lang: str) -> str:
    return f"{s.score} {pick(lang, s.grade_label, s.grade_label_en)}"


def _year_over_year(a: Assessment, yoy: YearOverYear, lang: str) -> dict[str, Any]:
    return {
        "t": {
            "title": pick(
                lang, "与往年相比（据归档）", "Compared with earlier years (from the archive)"
            ),
            "trend": pick(lang, "历年得分", "Score by year"),
            "changed": pick(lang, "与上年相比变化的要求", "Requirements changed since last year"),
            "fell": pick(lang, "比上年下降的数据", "Figures lower than last year"),
            "none": pick(lang, "无", "none"),
            "last": pick(lang, "上年", "Last year"),
            "rank": pick(lang, "同级第{rank}名", "rank {rank} in its tier"),
        },
        "chart": charts.score_trend(yoy.trend) if len(yoy.trend) > 1 else None,
        "last": yoy.last_grade,
        "last_rank": yoy.last_rank,
        "changed": [
            {
                "id": c.id,
                "title": pick(lang, c.title, c.title_en),
                "before": verdict_word(c.before, lang),
                "after": verdict_word(c.after, lang),
            }
            for c in yoy.changed
        ],
        "fell": [
            {
                "label": field_label(a.pack, f.field, lang),
                "field": f.field,
                "before": show(a.pack.field(f.field), f.before, lang),
                "after": show(a.pack.field(f.field), f.after, lang),
            }
            for f in yoy.fell
        ],
    }


def _other_years(a: Assessment, lang: str) -> list[dict[str, Any]]:
    """Each figure of another year the assessment used, and where it came from; where the
    city typed last year's figure, the figure on record beside it, and a warning where they
    differ (the typed one is used)."""
    rows = []
    for name, used in a.other_years.items():
        decl = a.pack.field(name)
        origin = _origin(a.pack, used, lang, field_label(a.pack, name, lang))
        recorded = used.get("recorded")
        if recorded is not None:
            origin += pick(
                lang,
                f"；{_origin(a.pack, recorded, lang)}为{show(decl, recorded['value'], lang)}",
                f"; {_origin(a.pack, recorded, lang)} holds {show(decl, recorded['value'], lang)}",
            )
        if used.get("differs"):
            origin += pick(
                lang,
                "。两者不一致：评估用填报的数，请核对",
                ". They differ: the entered figure is used; check it",
            )
        rows.append(
            {
                "field": name,
                "label": field_label(a.pack, name, lang),
                "value": show(decl, used["value"], lang),
                "origin": origin,
                "differs": bool(used.get("differs")),
            }
        )
    # One figure read under two keys (economy.gdp@2006, and as economy.gdp_prev@2007) is one
    # row: by name they are the same.
    seen: set[tuple[object, ...]] = set()
    once = []
    for row in rows:
        if (key := (row["label"], row["value"], row["origin"])) not in seen:
            seen.add(key)
            once.append(row)
    return once


def _origin(pack: Pack, used: dict[str, Any], lang: str, shown: str = "") -> str:
    """Where one figure came from, in words: a field by its name in the pack (2014年专利权质押
    融资金额), never its key."""
    if used["from"] == "archive":
        origin = pick(
            lang,
            f"存档 #{used['id']}（{used['file']}，{used['stored_at']} 存档）",
            f"archive #{used['id']} ({used['file']}, stored {used['stored_at']})",
        )
    elif used["from"] == "submission":
        # The row names the figure; its key (finance.pledge_amount_prev) is no reader's word.
        origin = pick(lang, "本提交文件填报", "entered in this submission")
    else:
        origin = pick(lang, "本提交文件的 history", "this submission's history")
    if "as" in used:
        named = field_label(pack, used["as"], lang)
        if named != shown:  # the same figure by another name; none where the row says it
            origin += pick(lang, f"，即{named}", f", as {named}")
    return origin


def _by_unit(a: Assessment, lang: str) -> list[dict[str, Any]]:
    """Each responsible unit with its requirements, the unit with most left to do first."""
    units: dict[str, list[RequirementResult]] = {}
    for task in a.tasks:
        for r in task.requirements:
            for unit in r.responsible:
                units.setdefault(unit, []).append(r)
    rows = []
    for unit, reqs in units.items():
        applicable = [r for r in reqs if r.status != NOT_APPLICABLE]
        open_items = [r for r in applicable if r.status in (UNMET, MISSING)]
        rows.append(
            {
                "unit": unit,
                "met": sum(1 for r in applicable if r.status == MET),
                "of": len(applicable),
                "open": [
                    {
                        "id": r.id,
                        "title": pick(lang, r.title, r.title_en),
                        "status": r.status,
                        "status_label": LABELS[lang][r.status],
                    }
                    for r in open_items
                ],
            }
        )
    return sorted(rows, key=lambda row: (-len(row["open"]), row["unit"]))


def _warning_id(code: str, lang: str) -> str:
    """A data check's id as shown (D.R4); a typed last-year figure that differs from the
    record is said in words, not by its field's key (prev:finance.insured_firms_prev): the
    message names the figure."""
    return pick(lang, "上年数据", "Last year's figure") if code.startswith(PREV) else code
