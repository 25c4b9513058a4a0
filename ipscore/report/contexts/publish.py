"""The published list: each tier's cities and grades, scores only when asked for."""

from __future__ import annotations

from typing import Any

from ..._version import __version__
from ...decide.explain import level_label
from ...packs import Pack, installed_pack
from ...packs.model import Subject
from ...record.publish import Listed, Published
from ...season.quotas import Cut
from ...text import pick, ranked
from .common import SignOff, signature


def publish_context(
    p: Published, lang: str = "zh", produced_at: str | None = None, signoff: SignOff | None = None
) -> dict[str, Any]:
    """The published list: tiers of cities with their grades (and scores when asked for),
    signed off by the office that publishes it (`signoff`)."""
    pack = installed_pack(p.pack)
    who = pack.pack.subject if pack else Subject()  # 县区 on a county sheet's list
    title = pick(
        lang,
        f"{pack.pack.title if pack else p.pack}：{p.year}年度考核结果",
        f"{pack.pack.title_en if pack and pack.pack.title_en else p.pack}: results for {p.year}",
    )
    t = {
        "city": pick(lang, who.noun, who.noun_en.capitalize()),
        "province": pick(lang, "省份", "Province"),
        "grade": pick(lang, "等级", "Grade"),
        "score": pick(lang, "得分", "Score"),
        "rank": pick(lang, "同级排名", "Rank"),
        "order": pick(
            lang,
            f"同一等级内按省份（行政区划代码）、再按{who.noun}名称的拼音排列。",
            f"Within a grade, {who.plural_en} are listed by province (its division code), "
            "then by name.",
        )
        if not p.with_scores
        else pick(
            lang,
            "先按等级、再按得分排列，等级和得分相同的名次并列。",
            "Ranked by grade, then score; the same grade and score share a rank.",
        ),
        "basis": basis_line(p, lang, who),
        "data_note": pick(lang, "数据说明：", "About the data: "),
        "quota": pick(lang, "名额", "Quota"),
        "quotas": pick(lang, "名额限制", "Quotas"),
        "kept": pick(lang, "保留", "Kept"),
        "cut": pick(lang, "超出名额", "Cut"),
        "tie": pick(lang, "并列", "Tie"),
        "group": pick(lang, "范围", "Counted in"),
        "cap": pick(lang, "上限", "Cap"),
        "cited": pick(lang, "依据", "Source"),
        "signoff": pick(lang, "公布单位", "Published by"),
        "reviewer": pick(lang, "审核人", "Reviewer"),
        "signature": pick(lang, "签字（盖章）", "Signature (seal)"),
        "date": pick(lang, "日期", "Date"),
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
                        "rank": None if c.rank is None else ranked(c.rank, c.rank_tied, lang),
                        "rank_number": c.rank,
                        "rank_tied": c.rank_tied,
                        "cut": _cut_note(p, c, grades, lang),
                    }
                    for c in tier.cities
                ],
            }
            for tier in p.tiers
        ],
        "quotas": [_cut_context(c, pack, lang) for c in p.cuts] if p.quotas else None,
        "office": signature(signoff, produced_at, lang),
        "provenance": {"footer": footer, "notes": p.notes, "produced_at": produced_at},
    }


def _cut_note(p: Published, c: Listed, grades: dict[str, str], lang: str) -> str:
    """ "原为优秀，因名额 one（优秀每类1家）降为良好" beside a city a quota cut."""
    if not c.cut_by:
        return ""
    by = {q.id: q for q in p.quotas}
    names = pick(lang, "、", ", ").join(
        f"{q}" + pick(lang, f"（{by[q].label}）", f" ({by[q].label_en or by[q].label})")
        for q in c.cut_by
    )
    before = grades.get(c.before or "", c.before_label or "")
    now = grades.get(c.grade, c.grade_label)
    return pick(
        lang,
        f"原为{before}，因名额 {names}降为{now}",
        f"was {before}; cut to {now} by quota {names}",
    )


def _cut_context(c: Cut, pack: Pack | None, lang: str) -> dict[str, str]:
    """One quota in one group as the list says it."""
    q = c.quota
    who = pack.pack.subject if pack else Subject()
    sep = pick(lang, "、", ", ")
    group = (
        (level_label(pack, c.group, lang) if pack and q.per == "tier" else None)
        or c.group
        or pick(lang, f"全部{who.noun}", f"all {who.plural_en}")
    )
    return {
        "label": pick(lang, q.label, q.label_en or q.label),
        "id": q.id,
        "group": group,
        "cap": pick(lang, c.cap_zh, c.cap_en),
        "kept": sep.join(c.kept) or pick(lang, "无", "none"),
        "cut": sep.join(c.cut) or pick(lang, "无", "none"),
        "tie": pick(lang, c.tie.zh, c.tie.en) if c.tie else "",
        "citation": f"{q.citation.source} {q.citation.section}{pick(lang, '：', ': ')}"
        + q.citation.text,
    }


def basis_line(p: Published, lang: str, who: Subject | None = None) -> str:
    """Which score and grade the list gives, and where the claims behind them stand."""
    c = p.claims
    unchecked = c.get("unverified", 0) + c.get("no_evidence", 0)
    counts = pick(
        lang,
        f"申报“达到”的要求中已核实 {c.get('verified', 0)} 条、已驳回 {c.get('rejected', 0)} 条、"
        f"尚未核验 {unchecked} 条",
        f"of the requirements declared met, {c.get('verified', 0)} verified, "
        f"{c.get('rejected', 0)} rejected, {unchecked} unchecked",
    )
    if p.basis == "verified":
        return pick(
            lang,
            f"得分和等级：核验后的（{counts}）。",
            f"Scores and grades as verified ({counts}).",
        )
    return pick(
        lang,
        f"得分和等级：各{(who or Subject()).noun}申报的（{counts}）。",
        f"Scores and grades as declared ({counts}).",
    )
