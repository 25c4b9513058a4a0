"""The published list: each tier's cities and grades, scores only when asked for."""

from __future__ import annotations

from typing import Any

from ..._version import __version__
from ...decide.explain import level_label
from ...packs import installed_pack
from ...record.publish import Published
from ...text import pick, ranked


def publish_context(
    p: Published, lang: str = "zh", produced_at: str | None = None
) -> dict[str, Any]:
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
            lang,
            "同一等级内按省份（行政区划代码）、再按城市名称的拼音排列。",
            "Within a grade, cities are listed by province (its division code), then by name.",
        )
        if not p.with_scores
        else pick(
            lang,
            "先按等级、再按得分排列，等级和得分相同的名次并列。",
            "Ranked by grade, then score; the same grade and score share a rank.",
        ),
        "basis": basis_line(p, lang),
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
                        "rank": None if c.rank is None else ranked(c.rank, c.rank_tied, lang),
                        "rank_number": c.rank,
                        "rank_tied": c.rank_tied,
                    }
                    for c in tier.cities
                ],
            }
            for tier in p.tiers
        ],
        "provenance": {"footer": footer, "notes": p.notes},
    }


def basis_line(p: Published, lang: str) -> str:
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
        f"得分和等级：各城市申报的（{counts}）。",
        f"Scores and grades as declared ({counts}).",
    )
