"""What the report templates see: plain dicts built from the same Assessment the JSON output
serialises, in the reader's language. No verdict or score is decided here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .._version import __version__
from ..decide.explain import field_label, level_label, show, show_input
from ..decide.results import Assessment, RequirementResult, TaskResult
from ..decide.scoring import LEVEL_ORDER, blocking, blocks_grade, gains, ranking
from ..intake.evidence import Attached
from ..packs import Pack, grade_word, installed_pack
from ..provenance import notes_by_text
from ..questions.whatif import Simulation
from ..record.history import YearOverYear
from ..record.publish import Published
from ..record.review import Review
from ..record.verification import REJECTED, Checked, Scored, Standing, met_by_state, state_word
from ..text import counted, pick
from ..verdicts import (
    COMPLETE,
    LABELS,
    MET,
    MISSING,
    NOT_APPLICABLE,
    TASK_LABELS,
    UNMET,
    verdict_word,
)
from . import charts
from .render import punct

# {title}, {noun}, {plural} and {Noun} are who the pack assesses: see `words`.
TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "city_report": "{title}年度评估报告",
        "data_note": "数据说明",
        "files": "{{n}}个文件",  # {{n}}: filled in after `words`
        "self_check": "{title}自查报告",
        "cohort_report": "{title}年度评估汇总",
        "province": "省份",
        "level": "层级",
        "batch": "批次",
        "year": "年度",
        "pack": "规则包",
        "score": "得分",
        "grade": "等级",
        "mandatory": "必做任务",
        "all_complete": "全部完成",
        "no_mandatory": "不分必做选做",
        "not_complete": "未全部完成",
        "summary": "概要",
        "chart": "各项任务完成比例",
        "chart_star": "带 * 的为必做任务；",
        "chart_note": "绿色为完成，红色为未完成，橙色为数据不全。",
        "task": "任务",
        "requirement": "要求",
        "verdict": "结论",
        "inputs": "填报值",
        "expected": "判定标准",
        "gap": "差距",
        "remedy": "怎么做",
        "source": "原文依据",
        "mandatory_task": "必做",
        "optional_task": "选做",
        "fraction": "完成比例",
        "kind": {"required": "必需", "advisory": "建议"},
        "missing_inputs": "缺报的数据",
        "conclusion": "结论",
        "cities_range": "第{{first}}–{{last}}个城市（共{{count}}个）",
        "basis": "评估依据",
        "signoff": "评估单位",
        "reviewer": "审核人",
        "signature": "签字（盖章）",
        "date": "日期",
        "blocked_by": "卡在",
        "blocked_note": "以下必做要求未完成，等级只能是最低一档：",
        "unmet_word": "未达到",
        "blocked_head": "卡在（必做要求）",
        "to_fill": "请补报",
        "to_fill_note": "以下数据没有填报，所以无法判定（不等于没做）：",
        "responsible": "责任单位",
        "once_fixed": "补足后",
        "to_next": "离{{grade}}还差{{points}}分；可加分最多的几项：",
        "top_grade": "已是最高等级。",
        "nothing_open": "没有未完成的要求。",
        "evidence": "佐证材料",
        "evidence_title": "佐证材料与核验",
        "evidence_none": "提交中没有附佐证材料。",
        "evidence_for": "附于",
        "evidence_file": "文件",
        "evidence_absent": "文件缺失",
        "declared_score": "申报得分",
        "verified_score": "核验得分",
        "checks_none": "归档中还没有审核人对本年度的核验记录。",
        "met_states": "“达到”{{n}}项：已核实{{verified}}、已驳回{{rejected}}、"
        "待核验{{unverified}}、无佐证材料{{no_evidence}}",
        "no_missing": "没有影响结论的缺报。",
        "warnings": "数据核对提示（不影响结论）",
        "other_years": "往年数据及来源",
        "origin": "来源",
        "by_unit": "按责任单位",
        "met_of": "达到 / 适用",
        "unit": "责任单位",
        "open_items": "未达到或缺报",
        "all_done": "全部达到",
        "notes": "说明",
        "interpretive": "计划没有给出数字的要求，本规则包的读法：",
        "scoring_policy": "计分办法",
        "todo": "待办事项（按对等级的影响排序）",
        "todo_none": "全部要求均已达到，没有待办事项。",
        "blocks": "必做任务未完成：不改正则只能评最低等级",
        "points": "可加分",
        "ranking": "分层排名",
        "spread": "得分分布（每5分一档，颜色为等级）",
        "rank": "名次",
        "city": "{noun}",
        "distribution": "等级分布",
        "count_head": "数量",
        "heatmap": "各{noun}各要求结论",
        "pass_rate": "达到率",
        "most_unmet": "未达到最多的要求",
        "unmet_count": "未达到或缺报的{noun}",
        "report_link": "报告",
        "cities": "个{noun}",
        "generated": "ipscore 生成",
        "provenance": "来源信息",
        "provenance_note": "规则包指纹和文件指纹都相同，评估结果必然相同；"
        "指纹不同，说明规则包或填报数据有改动。",
        "pack_sha256": "规则包指纹（SHA-256）",
        "pack_version": "规则包版本",
        "ipscore_version": "ipscore 版本",
        "produced_at": "生成时间（UTC）",
        "not_recorded": "未记录",
        "input_file": "填报文件",
        "input_sha256": "文件指纹（SHA-256）",
        "field": "字段",
        "case": "情形",
        "change": "变化",
        "changed": "结论有变化的任务和要求",
        "baseline": "基准",
    },
    "en": {
        "city_report": "Annual assessment of a {title}",
        "data_note": "About the data",
        "files": "{{n}} files",
        "self_check": "Self-check of a {title}",
        "cohort_report": "Annual assessment of the {plural}",
        "province": "Province",
        "level": "Tier",
        "batch": "Batch",
        "year": "Year",
        "pack": "Rule pack",
        "score": "Score",
        "grade": "Grade",
        "mandatory": "Mandatory tasks",
        "all_complete": "all complete",
        "no_mandatory": "no mandatory tasks",
        "not_complete": "not all complete",
        "summary": "Summary",
        "chart": "Completion of each task",
        "chart_star": "* mandatory; ",
        "chart_note": "green complete, red incomplete, orange insufficient data.",
        "task": "Task",
        "requirement": "Requirement",
        "verdict": "Verdict",
        "inputs": "Inputs",
        "expected": "Expected",
        "gap": "Gap",
        "remedy": "Remedy",
        "source": "Source",
        "mandatory_task": "mandatory",
        "optional_task": "optional",
        "fraction": "fraction",
        "kind": {"required": "required", "advisory": "advisory"},
        "missing_inputs": "Missing inputs",
        "conclusion": "Conclusion",
        "cities_range": "Cities {{first}}–{{last}} of {{count}}",
        "basis": "Assessed against",
        "signoff": "Assessed by",
        "reviewer": "Reviewer",
        "signature": "Signature (seal)",
        "date": "Date",
        "blocked_by": "Blocked by",
        "blocked_note": "these mandatory requirements are not met, so the grade can only be "
        "the lowest:",
        "unmet_word": "unmet",
        "blocked_head": "Blocked by (mandatory)",
        "to_fill": "Please report",
        "to_fill_note": "these figures were not reported, so nothing could be decided (which "
        "is not the same as not done):",
        "responsible": "responsible",
        "once_fixed": "Once fixed",
        "to_next": "{{points}} points short of {{grade}}; the requirements worth most:",
        "top_grade": "Already the highest grade.",
        "nothing_open": "No requirement is open.",
        "evidence": "Evidence",
        "evidence_title": "Supporting documents and checks",
        "evidence_none": "The submission attaches no supporting documents.",
        "evidence_for": "For",
        "evidence_file": "File",
        "evidence_absent": "file absent",
        "declared_score": "Score as declared",
        "verified_score": "Score as verified",
        "checks_none": "The archive holds no reviewer's check for this year yet.",
        "met_states": "{{n}} met: {{verified}} verified, {{rejected}} rejected, "
        "{{unverified}} unverified, {{no_evidence}} without evidence",
        "no_missing": "No missing input affects a verdict.",
        "warnings": "Figures to check (verdicts unaffected)",
        "other_years": "Other years' figures and where they came from",
        "origin": "From",
        "by_unit": "By responsible unit",
        "met_of": "met / applicable",
        "unit": "Responsible unit",
        "open_items": "unmet or missing",
        "all_done": "all met",
        "notes": "Notes",
        "interpretive": "Where the plan gives no number, this pack reads it as follows:",
        "scoring_policy": "Scoring",
        "todo": "Still to do (by effect on the grade)",
        "todo_none": "Every requirement is met: nothing to do.",
        "blocks": "Mandatory: the grade stays lowest until this is fixed",
        "points": "points",
        "ranking": "Ranking within tier",
        "spread": "Scores (cities per five points, coloured by grade)",
        "rank": "Rank",
        "city": "{Noun}",
        "distribution": "Grades",
        "count_head": "Count",
        "heatmap": "Verdicts by {noun} and requirement",
        "pass_rate": "met",
        "most_unmet": "Requirements most often unmet",
        "unmet_count": "{plural} unmet or missing",
        "report_link": "report",
        "cities": "{plural}",
        "generated": "generated by ipscore",
        "provenance": "Provenance",
        "provenance_note": "The same pack hash and the same input hashes always give the same "
        "results; a different hash means the pack or the submitted data changed.",
        "pack_sha256": "Pack content hash (SHA-256)",
        "pack_version": "Pack version",
        "ipscore_version": "ipscore version",
        "produced_at": "Produced at (UTC)",
        "not_recorded": "not recorded",
        "input_file": "Input file",
        "input_sha256": "SHA-256",
        "field": "field",
        "case": "Case",
        "change": "Δ",
        "changed": "Tasks and requirements that changed",
        "baseline": "baseline",
    },
}


MARKS = {MET: "✓", UNMET: "✗", MISSING: "?", NOT_APPLICABLE: "–"}


def words(pack: Pack, lang: str) -> dict[str, Any]:
    """The report's words, with who the pack assesses put in (示范城市, 省（区）或地区)."""
    who = pack.pack.subject
    names = (
        {"title": who.title_en, "noun": who.noun_en, "plural": who.plural_en}
        if lang == "en"
        else {"title": who.title, "noun": who.noun, "plural": who.noun}
    )
    names["Noun"] = names["noun"][:1].upper() + names["noun"][1:]
    out = {k: v.format(**names) if isinstance(v, str) else v for k, v in TEXT[lang].items()}
    if not pack.mandatory:  # a plan with no mandatory tasks labels none of them 选做
        out.update(mandatory_task="", optional_task="", all_complete=out["no_mandatory"])
    return out


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


def _summary(a: Assessment, grade: str, lang: str) -> str:
    statuses = Counter(a.requirement_statuses().values())
    open_tasks = [t for t in a.tasks if t.status != COMPLETE]
    mandatory = pick(lang, "、", ", ").join(t.id for t in open_tasks if t.mandatory)
    optional = pick(lang, "、", ", ").join(t.id for t in open_tasks if not t.mandatory)
    parts = [
        pick(
            lang,
            f"{a.city}{a.year}年度得分{a.score}分，等级为{grade}。",
            f"{a.city} scored {a.score} in {a.year}: {grade}.",
        )
    ]
    if not a.pack.mandatory:
        if optional:
            parts.append(pick(lang, f"{optional}尚未完成。", f"Not complete: {optional}."))
    else:
        parts.append(
            pick(
                lang,
                f"必做任务中{mandatory}尚未完成，因此等级只能是最低一档。",
                f"Mandatory tasks not complete: {mandatory}.",
            )
            if mandatory
            else pick(lang, "必做任务全部完成。", "Every mandatory task is complete.")
        )
        if optional:
            parts.append(
                pick(
                    lang,
                    f"选做任务中{optional}尚未完成。",
                    f"Optional tasks not complete: {optional}.",
                )
            )
    parts.append(
        pick(
            lang,
            f"共有{statuses[UNMET]}条要求未达到，{statuses[MISSING]}条因缺报无法判定。",
            f"{counted(statuses[UNMET], 'requirement')} unmet, "
            f"{counted(statuses[MISSING], 'requirement')} lacking data.",
        )
    )
    return pick(lang, "", " ").join(parts)


def provenance(
    pack: Pack, assessments: Sequence[Assessment], produced_at: str | None, lang: str
) -> dict[str, Any]:
    """The footer line and the appendix that say where a report came from."""
    text = words(pack, lang)
    when = produced_at or text["not_recorded"]
    inputs = [
        {"city": a.city, "file": i.path, "sha256": i.sha256, "note": i.note or ""}
        for a in assessments
        for i in a.inputs
    ]
    footer = (
        f"ipscore {__version__} · {pack.id} {pack.pack.version} · "
        f"sha256 {pack.content_hash[:12]} · {when}"
    )
    return {
        "footer": footer,
        "rows": [
            (text["pack"], pack.id),
            (text["pack_version"], pack.pack.version),
            (text["pack_sha256"], pack.content_hash),
            (text["ipscore_version"], __version__),
            (text["produced_at"], when),
        ],
        "inputs": inputs,
        "notes": [
            f"{files[0] if len(files) == 1 else text['files'].format(n=len(files))}"
            f"{punct(lang)['colon']}{note}"
            for note, files in notes_by_text(i for a in assessments for i in a.inputs).items()
        ],
    }


@dataclass(frozen=True)
class SignOff:
    """Who signs a report off (`--org`, `--reviewer`); blank lines to fill in where not given."""

    org: str | None = None
    reviewer: str | None = None


def office(
    pack: Pack, produced_at: str | None, signoff: SignOff | None, lang: str
) -> dict[str, Any]:
    """What an office files a report with: the documents it is assessed against (title,
    issuer, number, date from the pack's sources) and the sign-off block with the date."""
    basis = []
    for src in pack.pack.sources:
        details = [d for d in (src.issuer, src.doc_number, src.date) if d]
        title = pick(lang, src.title, src.title_en)
        basis.append(
            f"{title}（{'，'.join(details)}）"
            if details and lang != "en"
            else f"{title} ({', '.join(details)})"
            if details
            else title
        )
    chosen = signoff or SignOff()
    return {
        "basis": basis,
        "org": chosen.org or "",
        "reviewer": chosen.reviewer or "",
        "date": (produced_at or "")[:10],
    }


def city(
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
    point_gains = gains(a)
    todo = []
    for task in a.tasks:
        for r in task.requirements:
            if r.status in (UNMET, MISSING):
                todo.append(
                    {
                        **_requirement(pack, r, lang),
                        "task": task.id,
                        "blocks": blocks_grade(task, r),
                        "points": _points(point_gains[r.id]),
                    }
                )
    todo.sort(key=lambda item: (not item["blocks"], -point_gains[item["id"]], item["id"]))
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
        "summary": _summary(a, grade, lang),
        "chart": charts.task_fractions(a),
        "tasks": tasks,
        "todo": todo,
        "missing": [{"field": f, "label": field_label(pack, f, lang)} for f in a.missing],
        "warnings": [
            {"id": w["id"], "text": pick(lang, w["message"], w["message_en"])} for w in a.warnings
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
        (text["batch"], None if a.batch is None else str(a.batch)),
        (text["year"], str(a.year)),
    ]
    return [{"label": label, "value": value} for label, value in rows if value]


def _conclusion(a: Assessment, lang: str, text: Mapping[str, Any]) -> dict[str, Any]:
    """Page one: what blocks the grade (the gap in plain units, who is responsible), what
    meeting it gives, the figures to report; or, with nothing blocking, how far the next grade
    is and the requirements worth most."""
    pack = a.pack
    found = blocking(a)
    blockers: list[dict[str, Any]] = []
    to_fill: list[dict[str, Any]] = []
    for r in found.requirements:
        item = {
            "id": r.id,
            "title": pick(lang, r.title, r.title_en),
            "gap": r.gap_en if lang == "en" else r.gap,
            "responsible": pick(lang, "、", ", ").join(r.responsible),
            "fields": [field_label(pack, f, lang) for f, v in r.inputs.items() if v is None],
        }
        (to_fill if r.status == MISSING else blockers).append(item)
    fixed = None
    if found.if_met is not None and found.lifts_grade:
        band = found.if_met.band
        fixed = f"{found.if_met.score} {pick(lang, band.label, band.label_en)}"
    better = _next_band(pack, a.grade)
    ahead = None
    if not found.requirements and better is not None and better.min_score is not None:
        worth = sorted(gains(a).items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        titles = {r.id: pick(lang, r.title, r.title_en) for t in a.tasks for r in t.requirements}
        ahead = {
            "head": text["to_next"].format(
                grade=pick(lang, better.label, better.label_en),
                points=f"{float(better.min_score - a.score):.1f}",
            ),
            "best": [{"id": k, "title": titles[k], "points": _points(v)} for k, v in worth],
        }
    return {
        "blockers": blockers,
        "to_fill": to_fill,
        "fixed": fixed,
        "ahead": ahead,
        "top": better is None,
    }


GRID_CITIES = 10  # cities per table of the verdict grid: ten columns fit A4 portrait beside
# the requirement's name, so every cell reaches paper


def _grid_parts(cities: list[str], grid: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The requirement × city grid as tables of at most GRID_CITIES cities each, every one
    repeating the requirement column; the 达到率 (over all cities) stays in the first."""
    parts = []
    for start in range(0, len(cities), GRID_CITIES):
        end = start + GRID_CITIES
        parts.append(
            {
                "first": start == 0,
                "from": start + 1,
                "to": min(end, len(cities)),
                "cities": cities[start:end],
                "rows": [{**row, "cells": row["cells"][start:end]} for row in grid],
            }
        )
    return parts


def blocked_by(a: Assessment, lang: str) -> str:
    """What blocks the grade, in a cell: "T4.R2 未达到；T3.R4 缺报" (empty when nothing does)."""
    words = {UNMET: pick(lang, "未达到", "unmet"), MISSING: pick(lang, "缺报", "not reported")}
    return pick(lang, "；", "; ").join(
        f"{r.id} {words[r.status]}" for r in blocking(a).requirements
    )


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


def _since(yoy: YearOverYear | None, rank: int, lang: str) -> str:
    """Last year's grade and the move in rank: "上年 良好 第3名，↑2"."""
    if yoy is None or yoy.last_grade is None:
        return ""
    text = pick(lang, f"上年 {yoy.last_grade}", f"last year {yoy.last_grade}")
    if yoy.last_rank is None:
        return text
    move = yoy.last_rank - rank
    arrow = "↑" if move > 0 else "↓" if move < 0 else "→"
    return (
        text
        + pick(lang, f" 第{yoy.last_rank}名，", f", rank {yoy.last_rank}; ")
        + (f"{arrow}{abs(move)}" if move else arrow)
    )


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
                "title": c.title,
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


def _other_years(a: Assessment, lang: str) -> list[dict[str, str]]:
    """Each figure of another year the assessment used, and where it came from."""
    rows = []
    for name, used in a.other_years.items():
        decl = a.pack.field(name)
        if used["from"] == "archive":
            origin = pick(
                lang,
                f"存档 #{used['id']}（{used['file']}，{used['stored_at']} 存档）",
                f"archive #{used['id']} ({used['file']}, stored {used['stored_at']})",
            )
        else:
            origin = pick(lang, "本提交文件的 history", "this submission's history")
        if "as" in used:
            origin += pick(lang, f"，即 {used['as']}", f", as {used['as']}")
        rows.append(
            {
                "field": name,
                "label": field_label(a.pack, name, lang),
                "value": show(decl, used["value"], lang),
                "origin": origin,
            }
        )
    return rows


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


def cohort(
    pack: Pack,
    assessments: list[Assessment],
    links: dict[str, str],
    lang: str = "zh",
    produced_at: str | None = None,
    earlier: Mapping[str, YearOverYear] | None = None,
    signoff: SignOff | None = None,
) -> dict[str, Any]:
    """The cohort view: ranking per tier, grade counts, the verdict grid, the weakest points.

    `links` maps an assessment's source file to the relative address of its city report;
    `earlier`, its year over year from the archive (last year's grade and rank), where known.
    """
    earlier = earlier or {}
    text = words(pack, lang)
    ranked = ranking(assessments)
    tiers = []
    for level in [*LEVEL_ORDER, None]:
        rows = [
            r
            for r in ranked
            if (r.assessment.level == level if level else r.assessment.level not in LEVEL_ORDER)
        ]
        if not rows:
            continue
        name = level_label(pack, level, lang)
        tiers.append(
            {
                "name": None if name == "—" else name,
                "chart": charts.score_histogram(
                    [(float(r.assessment.score), r.assessment.grade) for r in rows],
                    [b.code for b in pack.scoring.grades],
                ),
                "rows": [
                    {
                        "rank": row.rank_in_tier,
                        "city": row.assessment.city,
                        "province": row.assessment.province or "",
                        "batch": "" if row.assessment.batch is None else row.assessment.batch,
                        "score": f"{float(row.assessment.score):.1f}",
                        "grade": row.assessment.grade,
                        "grade_label": pack.grade_label(row.assessment.grade, lang),
                        "mandatory": text["all_complete"]
                        if row.assessment.mandatory_complete
                        else text["not_complete"],
                        "blocked": blocked_by(row.assessment, lang),
                        "link": links.get(row.assessment.source),
                        "since": _since(earlier.get(row.assessment.source), row.rank_in_tier, lang),
                    }
                    for row in rows
                ],
            }
        )
    grades = Counter(a.grade for a in assessments)
    distribution = [
        {
            "code": band.code,
            "label": pick(lang, band.label, band.label_en),
            "count": grades[band.code],
            "percent": round(100 * grades[band.code] / len(assessments)),
        }
        for band in pack.scoring.grades
    ]
    requirement_ids = [r.id for _, r in pack.requirements()]
    cities = [r.assessment for r in ranked]
    columns = [a.requirement_statuses() for a in cities]
    grid: list[dict[str, Any]] = []
    unmet: list[dict[str, Any]] = []
    for _, req in pack.requirements():
        statuses = [column[req.id] for column in columns]
        applicable = [s for s in statuses if s != NOT_APPLICABLE]
        met = sum(1 for s in applicable if s == MET)
        failing = len(applicable) - met
        grid.append(
            {
                "id": req.id,
                "title": pick(lang, req.title, req.title_en),
                "cells": [
                    {"status": s, "label": LABELS[lang][s], "mark": MARKS[s]} for s in statuses
                ],
                "rate": f"{met / len(applicable):.0%}" if applicable else "—",
            }
        )
        if failing:
            unmet.append(
                {
                    "id": req.id,
                    "title": pick(lang, req.title, req.title_en),
                    "count": failing,
                    "of": len(applicable),
                    "section": req.citation.section,
                }
            )
    unmet.sort(key=lambda item: (-item["count"], requirement_ids.index(item["id"])))
    return {
        "t": text,
        "lang": lang,
        "title": text["cohort_report"],
        "pack_title": pick(lang, pack.pack.title, pack.pack.title_en),
        "pack_id": pack.id,
        "pack_version": pack.pack.version,
        "year": pack.pack.year,
        "count": len(assessments),
        "tiers": tiers,
        "has_mandatory": bool(pack.mandatory),
        "with_province": any(a.province for a in assessments),
        "with_batch": any(a.batch is not None for a in assessments),
        "with_since": bool(earlier),
        "since_head": pick(lang, "与上年相比", "Since last year"),
        "distribution": distribution,
        "cities": [a.city for a in cities],
        "grid": grid,
        "grid_parts": _grid_parts([a.city for a in cities], grid),
        "legend": [{"mark": MARKS[s], "label": LABELS[lang][s], "status": s} for s in MARKS],
        "most_unmet": unmet[:10],
        "scoring_note": pick(lang, pack.scoring.note, pack.scoring.note_en),
        "provenance": provenance(pack, cities, produced_at, lang),
        "office": office(pack, produced_at, signoff, lang),
    }


def simulation(sim: Simulation, lang: str = "zh", produced_at: str | None = None) -> dict[str, Any]:
    """A scenario file's comparison: the baseline and each named variant."""
    base = sim.baseline
    pack = base.pack
    text = words(pack, lang)

    def headline(a: Assessment) -> dict[str, Any]:
        return {
            "score": float(a.score),
            "grade": a.grade,
            "grade_label": a.pack.grade_label(a.grade, lang),
            "mandatory_complete": a.mandatory_complete,
        }

    return {
        "t": text,
        "lang": lang,
        "name": sim.name,
        "city": base.city,
        "pack_id": pack.id,
        "pack_title": pick(lang, pack.pack.title, pack.pack.title_en),
        "pack_version": pack.pack.version,
        "baseline": headline(base),
        "variants": [
            {
                "name": cmp.name,
                "variant": headline(cmp.variant),
                "change": f"{cmp.score_change:+.1f}",
                "changes": cmp.changes(lang),
            }
            for cmp in sim.comparisons
        ],
        "scoring_note": pick(lang, pack.scoring.note, pack.scoring.note_en),
        "provenance": provenance(pack, [base], produced_at, lang),
    }


_REVIEW_WORDS = {
    "zh": {
        "city": "城市",
        "province": "省份",
        "mean": "三年平均分",
        "outcome": "复核结论",
        "undecided": "无法判定",
        "missing": "缺{years}年度考核结果，可能为：{outcomes}",
        "figures": "只存数据，未考核",
        "absent": "无存档",
        "interpretation": "复核规则（解释性）",
        "source": "依据",
        "basis": "所用存档",
        "stored": "存档编号 #{id}，第{version}版",
        "policy": "复核规则",
        "annual_packs": "计入的年度规则包",
        "produced_at": "生成时间",
        "not_recorded": "未记录",
        "counts": "结论分布",
        "data_note": "数据说明：",
    },
    "en": {
        "city": "City",
        "province": "Province",
        "mean": "Mean of three years",
        "outcome": "Outcome",
        "undecided": "Undecided",
        "missing": "no result for {years}; could be: {outcomes}",
        "figures": "figures only, not assessed",
        "absent": "nothing stored",
        "interpretation": "Review policy (an interpretation)",
        "source": "Basis",
        "basis": "Stored results used",
        "stored": "stored #{id}, version {version}",
        "policy": "Review policy",
        "annual_packs": "Annual packs counted",
        "produced_at": "Produced at",
        "not_recorded": "not recorded",
        "counts": "Outcomes",
        "data_note": "About the data: ",
    },
}


def review(r: Review, lang: str = "zh", produced_at: str | None = None) -> dict[str, Any]:
    """The three-year review: each city's years and outcome, the policy stated as an
    interpretation, and the stored results it was drawn from."""
    t = _REVIEW_WORDS["en" if lang == "en" else "zh"]
    about = r.policy.review
    cities = []
    counts: dict[str, int] = {}
    for c in r.cities:
        years = []
        for y in c.years:
            if y.state == "assessed":
                years.append(
                    {
                        "text": f"{y.score}",
                        "grade": y.grade or "",
                        "grade_label": grade_word(y.pack, y.grade, y.grade_label, lang),
                        "stored": t["stored"].format(id=y.stored_id, version=y.version),
                    }
                )
            else:
                years.append({"text": t[y.state], "grade": "", "grade_label": "", "stored": ""})
        if c.outcome is not None:
            outcome = pick(lang, c.outcome.label, c.outcome.label_en)
            why = ""
        else:
            outcome = t["undecided"]
            why = t["missing"].format(
                years=("、" if lang != "en" else ", ").join(str(y) for y in c.missing),
                outcomes=("、" if lang != "en" else ", ").join(
                    pick(lang, o.label, o.label_en) for o in c.possible
                ),
            )
        counts[outcome] = counts.get(outcome, 0) + 1
        mean = c.mean_score
        cities.append(
            {
                "city": c.city,
                "province": c.province or "",
                "years": years,
                "mean": "—" if mean is None else f"{float(mean):.1f}",
                "outcome": outcome,
                "code": c.outcome.code if c.outcome else "undecided",
                "why": why,
            }
        )
    when = produced_at or t["not_recorded"]
    footer = f"ipscore {__version__} · {about.id} {about.version} · {when}"
    return {
        "lang": lang,
        "t": t,
        "title": pick(lang, about.title, about.title_en),
        "first": r.first,
        "last": r.last,
        "year_list": list(range(r.first, r.last + 1)),
        "interpretation": pick(lang, about.interpretation, about.interpretation_en),
        "source": f"{about.source.file} {about.source.section}：{about.source.text}",
        "cities": cities,
        "counts": sorted(counts.items(), key=lambda kv: -kv[1]),
        "annual_packs": "、".join(r.policy.annual_packs),
        "provenance": {
            "footer": footer,
            "notes": r.notes,
            "rows": [
                (t["policy"], f"{about.id} {about.version}"),
                (t["annual_packs"], "、".join(r.policy.annual_packs)),
                ("ipscore", __version__),
                (t["produced_at"], when),
            ],
        },
    }


def publish(p: Published, lang: str = "zh", produced_at: str | None = None) -> dict[str, Any]:
    """The published list: tiers of cities with their grades (and scores when asked for)."""
    pack = installed_pack(p.pack)
    title = pick(
        lang,
        f"{pack.pack.title if pack else p.pack}：{p.year}年度考核结果",
        f"{pack.pack.title_en if pack and pack.pack.title_en else p.pack}: results for {p.year}",
    )
    t = {
        "city": pick(lang, "城市", "City"),
        "province": pick(lang, "省份", "Province"),
        "grade": pick(lang, "等级", "Grade"),
        "score": pick(lang, "得分", "Score"),
        "rank": pick(lang, "同级排名", "Rank"),
        "order": pick(
            lang, "同一等级内按城市名称排列。", "Within a grade, cities are listed by name."
        )
        if not p.with_scores
        else pick(lang, "按得分排列，同分同名次。", "Ranked by score; ties share a rank."),
        "data_note": pick(lang, "数据说明：", "About the data: "),
    }
    when = produced_at or pick(lang, "未记录", "not recorded")
    footer = f"ipscore {__version__} · {p.pack} · {when}"
    grades = {b.code: pick(lang, b.label, b.label_en) for b in pack.scoring.grades} if pack else {}
    return {
        "lang": lang,
        "t": t,
        "title": title,
        "with_scores": p.with_scores,
        "tiers": [
            {
                "name": (level_label(pack, tier.level, lang) if pack and tier.level else None)
                or tier.level
                or pick(lang, "其他", "Other"),
                "cities": [
                    {
                        "city": c.city,
                        "province": c.province or "",
                        "grade": c.grade,
                        "grade_label": grades.get(c.grade, c.grade_label),
                        "score": "" if c.score is None else str(c.score),
                        "rank": c.rank,
                    }
                    for c in tier.cities
                ],
            }
            for tier in p.tiers
        ],
        "provenance": {"footer": footer, "notes": p.notes},
    }
