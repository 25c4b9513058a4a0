"""What every report's context shares: the report's words in both languages and who the pack
assesses, the provenance table, the sign-off block, what holds a city at its grade."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..._version import __version__
from ...decide.results import Assessment
from ...decide.scoring import blocking
from ...packs import Pack
from ...provenance import notes_by_text
from ...record.history import YearOverYear
from ...text import doc_number, pick
from ...verdicts import MANDATORY_LABELS, MET, MISSING, NOT_APPLICABLE, TASK_LABELS, UNMET
from ..official import DEFAULT_TZ, Official, local_day
from ..official import context as official_context
from ..render import punct

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
        "all_complete": MANDATORY_LABELS["zh"][True],
        "no_mandatory": "不分必做选做",
        "not_complete": MANDATORY_LABELS["zh"][False],
        "summary": "概要",
        "chart": "各项任务完成比例",
        "chart_star": "带 * 的为必做任务；",
        "chart_note": "绿色为{}，红色为{}，橙色为{}。".format(*TASK_LABELS["zh"].values()),
        "task": "任务",
        "requirement": "要求",
        "verdict": "结论",
        "inputs": "填报值",
        "figure_used": "评估所用的数",
        "expected": "判定标准",
        "gap": "差距",
        "remedy": "怎么做",
        "source": "原文依据",
        "mandatory_task": "必做",
        "optional_task": "选做",
        "fraction": "完成比例",
        "fraction_of": "完成比例 {{}}",
        "kind": {"required": "必需", "advisory": "建议"},
        "missing_inputs": "缺报的数据",
        "conclusion": "结论",
        "cities_range": "第{{first}}–{{last}}个城市（共{{count}}个）",
        "rows_range": "要求 {{first}}–{{last}}",
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
        "to_fill_blocks": "必做，补报前等级只能是最低一档",
        "overdue": "已过期限",
        "overdue_note": "以下要求的期限在本年度之前，已无法按期达到，不列为建议：",
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
        "all_complete": MANDATORY_LABELS["en"][True],
        "no_mandatory": "no mandatory tasks",
        "not_complete": MANDATORY_LABELS["en"][False],
        "summary": "Summary",
        "chart": "Completion of each task",
        "chart_star": "* mandatory; ",
        "chart_note": "green {}, red {}, orange {}.".format(*TASK_LABELS["en"].values()),
        "task": "Task",
        "requirement": "Requirement",
        "verdict": "Verdict",
        "inputs": "Inputs",
        "figure_used": "Figure used",
        "expected": "Expected",
        "gap": "Gap",
        "remedy": "Remedy",
        "source": "Source",
        "mandatory_task": "mandatory",
        "optional_task": "optional",
        "fraction": "share done",
        "fraction_of": "{{}} done",
        "kind": {"required": "required", "advisory": "advisory"},
        "missing_inputs": "Missing inputs",
        "conclusion": "Conclusion",
        "cities_range": "Cities {{first}}–{{last}} of {{count}}",
        "rows_range": "requirements {{first}}–{{last}}",
        "basis": "Assessed against",
        "signoff": "Assessed by",
        "reviewer": "Reviewer",
        "signature": "Signature (seal)",
        "date": "Date",
        "blocked_by": "Grade held at the lowest",
        "blocked_note": "these mandatory requirements are not met:",
        "unmet_word": "unmet",
        "blocked_head": "Blocked by (mandatory)",
        "to_fill": "Please report",
        "to_fill_note": "these figures were not reported, so nothing could be decided (which "
        "is not the same as not done):",
        "responsible": "responsible",
        "once_fixed": "Once fixed",
        "to_next": "{{points}} points short of {{grade}}; the requirements worth most:",
        "to_fill_blocks": "mandatory: the grade is the lowest until it is reported",
        "overdue": "Past the deadline",
        "overdue_note": "these requirements were due before this year and can no longer be met "
        "on time; they are not suggested:",
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
        "produced_at": produced_at,  # the Word document's created time; none, none
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
    """Who signs a report off (`--org`, `--reviewer`); blank lines to fill in where not given.
    The date is the day in the office's time zone (`--tz`); `official` (`--official`) makes
    the document an official one (`report.official`)."""

    org: str | None = None
    reviewer: str | None = None
    tz: str = DEFAULT_TZ
    official: Official | None = None


def signature(signoff: SignOff | None, produced_at: str | None, lang: str) -> dict[str, Any]:
    """The sign-off block: the office, the reviewer, the date (the office's day), and the
    official form's block where asked for (None otherwise)."""
    chosen = signoff or SignOff()
    day = local_day(produced_at, chosen.tz)
    return {
        "org": chosen.org or "",
        "reviewer": chosen.reviewer or "",
        "date": day.isoformat() if day else "",
        "official": official_context(chosen.org, chosen.official, produced_at, chosen.tz, lang),
    }


def office(
    pack: Pack, produced_at: str | None, signoff: SignOff | None, lang: str
) -> dict[str, Any]:
    """What an office files a report with: the documents it is assessed against (title,
    issuer, number, date from the pack's sources) and the sign-off block with the date."""
    basis = []
    for src in pack.pack.sources:
        # In English the title names the issuer (CNIPA, Xuancheng municipal government); its
        # Chinese name is not put inside English text. The 文号 stays: it is the document's id.
        issuer = None if lang == "en" and src.title_en else src.issuer
        number = doc_number(src.doc_number) if src.doc_number else None
        details = [d for d in (issuer, number, src.date, src.url) if d]
        title = pick(lang, src.title, src.title_en)
        basis.append(
            f"{title}（{'，'.join(details)}）"
            if details and lang != "en"
            else f"{title} ({', '.join(details)})"
            if details
            else title
        )
    return {
        "basis": basis,
        # What the pack leaves out of its source, and why: the reader knows it is not whole.
        "not_encoded": [
            pick(
                lang,
                f"未编码的内容：{n.item}，原因：{n.reason}",
                f"Not encoded: {n.item}; why: {n.reason_en or n.reason}",
            )
            for n in pack.pack.not_encoded
        ],
        **signature(signoff, produced_at, lang),
    }


def blocked_by(a: Assessment, lang: str) -> str:
    """What blocks the grade, in a cell: "T4.R2 未达到；T3.R4 缺报" (empty when nothing does)."""
    words = {UNMET: pick(lang, "未达到", "unmet"), MISSING: pick(lang, "缺报", "not reported")}
    return pick(lang, "；", "; ").join(
        f"{r.id} {words[r.status]}" for r in blocking(a).requirements
    )


def rank_since(yoy: YearOverYear | None, rank: int, lang: str) -> str:
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
