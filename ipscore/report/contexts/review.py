"""The three-year review's report: each city's years, the policy applied and its outcome."""

from __future__ import annotations

from typing import Any

from ..._version import __version__
from ...errors import PackError
from ...packs import find_pack, grade_word
from ...record.review import Review, ReviewYear
from ...text import pick
from ..render import punct

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


def review_context(r: Review, lang: str = "zh", produced_at: str | None = None) -> dict[str, Any]:
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
                        "text": f"{y.score}" + _rank(y, lang),
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
        "source": f"{_basis(r, lang)} {about.source.section}"
        f"{punct(lang)['colon']}{about.source.text}",
        "cities": cities,
        "counts": sorted(counts.items(), key=lambda kv: -kv[1]),
        "annual_packs": "、".join(r.policy.annual_packs),
        "provenance": {
            "footer": footer,
            "produced_at": produced_at,
            "notes": r.notes,
            "rows": [
                (t["policy"], f"{about.id} {about.version}"),
                (t["annual_packs"], "、".join(r.policy.annual_packs)),
                ("ipscore", __version__),
                (t["produced_at"], when),
            ],
        },
    }


def _rank(y: ReviewYear, lang: str) -> str:
    """ ", 同级第2/5名（前一半）" where the policy reads ranks; nothing otherwise."""
    if y.rank is None:
        return ""
    half = pick(lang, *(("前一半", "top half") if y.top_half else ("后一半", "lower half")))
    return pick(
        lang,
        f"，同级第{y.rank}/{y.tier_size}名（{half}）",
        f", rank {y.rank}/{y.tier_size} ({half})",
    )


def _basis(r: Review, lang: str) -> str:
    """The document a review rests on, by its title as an annual pack names the same source
    (国家知识产权局《2015年国家知识产权示范城市工作计划》及通知), never by the name of the file
    it was read from (003_4b9b….txt); a source no annual pack names, as the policy gives it."""
    cited = r.policy.review.source.file
    for pack_id in r.policy.annual_packs:
        try:
            pack = find_pack(pack_id)
        except PackError:
            continue
        for src in pack.pack.sources:
            if src.file == cited:
                return pick(lang, src.title, src.title_en)
    return cited
