"""The strength index's audit as people read it (`ipscore strength --audit`): the words, the
rows every format shares (report, Word, terminal), and the correlation heat map (SVG inline,
PNG for Word). The arithmetic is ipscore/strength/audit.py."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import numpy as np

from ..text import pick

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..strength.evaluation import Strength

WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "指数审计",
        "intro": "以下统计按经合组织—欧盟联合研究中心《合成指标编制手册》（OECD-JRC Handbook on "
        "Constructing Composite Indicators，2008）和联合研究中心的 COINr 软件的做法计算，"
        "供审核指数的统计人员参考；各方法的公式和出处见 docs/strength-audit.md。",
        "stats": "指标统计（按规则包定义的指标值，只计填报了的城市）",
        "stats_note": "均值、标准差、最小、最大取三位有效数字。偏度、峰度为样本估计"
        "（调整的 Fisher–Pearson 偏度 G1 和超额峰度 G2，与 "
        "COINr、Excel 相同）；|偏度|>2 且峰度>3.5 标为离群（COINr 的标准）。",
        "indicator": "指标",
        "n": "填报",
        "availability": "可得率",
        "mean": "均值",
        "sd": "标准差",
        "skew": "偏度",
        "kurtosis": "峰度",
        "min": "最小",
        "max": "最大",
        "outlier": "离群",
        "yes": "是",
        "correlation": "相关矩阵（标准化值的 Pearson 相关系数）",
        "correlation_note": "每对指标用两者都有值的城市计算。同一方面内相关很高（>0.9）的指标"
        "可能重复计算；与所属方面负相关的指标与方面的方向相反。",
        "with_dimensions": "指标与各方面、各方面与指数的相关",
        "index": "指数",
        "alpha": "Cronbach α（各方面及全部指标）",
        "alpha_note": "α = k/(k−1)·(1 − Σσ²ᵢ/σ²ₜ)，k 为指标数，σ²ᵢ 为各指标的方差，σ²ₜ 为其和的"
        "方差；用标准化值，只计各指标都有值的城市。α 高说明这些指标测的是同一种东西；通常以0.7为"
        "参考线。",
        "dimension": "方面",
        "all": "全部指标",
        "n_items": "指标数",
        "cities": "城市数",
        "components": "主成分：前{k}个主成分解释的方差为 {shares}（标准化后的指标，{n} 个指标齐全"
        "的城市）。第一主成分占比高，说明各指标大体随同一个因素变化（总量指标时常常是城市规模；按人口折算后仍高，则是别的共同因素，如发展水平）。",
        "weights": "有效权重（各方面对指数方差的贡献）",
        "weights_note": "有效权重 = cov(w·方面, 指数)/var(指数)，算术平均时各方面之和为1；"
        "主效应 = 方面与指数相关系数的平方（Paruolo、Saisana、Saltelli，2013）。"
        "名义权重不等于重要性：有效权重与名义权重相差大的方面，对排名的影响比权重所示的大或小。",
        "nominal": "名义权重",
        "effective": "有效权重",
        "main_effect": "主效应 r²",
        "movers": "影响各城市排名最大的指标",
        "movers_note": "把该城市的这一个指标换成全体城市的中位数（全体重新标准化），看同级排名和"
        "指数的变化；按排名变化、再按指数变化排序，每个城市列出最多{k}个。",
        "city": "城市",
        "moves": "指标：排名 → 取中位数时（指数变化）",
        "rank_move": "排名 → 取中位数时",
        "index_change": "指数变化",
        "none": "—",
    },
    "en": {
        "title": "Audit of the index",
        "intro": "The statistics below follow the OECD-JRC Handbook on Constructing Composite "
        "Indicators (2008) and the JRC's COINr, for the statistician who signs the index off; "
        "each method's formula and source is in docs/strength-audit.md.",
        "stats": "Indicator statistics (the indicator's value as the pack defines it, over the "
        "cities that reported it)",
        "stats_note": "Mean, SD, min and max to three significant figures. Skew and kurtosis "
        "are sample estimates (adjusted Fisher–Pearson G1 and "
        "excess kurtosis G2, as COINr and Excel); |skew| > 2 and kurtosis > 3.5 is flagged as "
        "outlying (COINr's rule).",
        "indicator": "Indicator",
        "n": "n",
        "availability": "Available",
        "mean": "Mean",
        "sd": "SD",
        "skew": "Skew",
        "kurtosis": "Kurtosis",
        "min": "Min",
        "max": "Max",
        "outlier": "Outlier",
        "yes": "yes",
        "correlation": "Correlation matrix (Pearson, normalised values)",
        "correlation_note": "Each pair over the cities with both values. Indicators of one "
        "dimension correlated above 0.9 may count the same thing twice; one correlated "
        "negatively with its dimension runs against it.",
        "with_dimensions": "Indicators with each dimension, dimensions with the index",
        "index": "Index",
        "alpha": "Cronbach's alpha (each dimension and every indicator)",
        "alpha_note": "α = k/(k−1)·(1 − Σσ²ᵢ/σ²ₜ): k indicators, σ²ᵢ each one's variance, σ²ₜ "
        "the variance of their sum; on normalised values, over the cities with all of them. A "
        "high alpha means the indicators measure one thing; 0.7 is the usual line.",
        "dimension": "Dimension",
        "all": "All indicators",
        "n_items": "Indicators",
        "cities": "Cities",
        "components": "Principal components: the first {k} explain {shares} of the variance "
        "(standardised indicators, the {n} cities with every value). A large first component "
        "means the indicators move mostly with one factor (often the city's size for totals; "
        "still large per head, another common factor, such as the level of development).",
        "weights": "Effective weights (each dimension's share of the index's variance)",
        "weights_note": "Effective weight = cov(w·dimension, index)/var(index), summing to 1 "
        "under arithmetic aggregation; main effect = the dimension's squared correlation with "
        "the index (Paruolo, Saisana & Saltelli, 2013). Nominal weights are not importance: a "
        "dimension whose effective weight differs from its nominal one moves the ranks more or "
        "less than its weight says.",
        "nominal": "Nominal weight",
        "effective": "Effective weight",
        "main_effect": "Main effect r²",
        "movers": "The indicators that move each city's rank most",
        "movers_note": "The city's one indicator set to the cohort's median (the cohort "
        "normalised afresh): its rank in the tier and its index then; by the rank's move, then "
        "the index's, at most {k} per city.",
        "city": "City",
        "moves": "Indicator: rank → at the median (index change)",
        "rank_move": "Rank → at the median",
        "index_change": "Index change",
        "none": "—",
    },
}


def _f(value: float | None, places: int = 2) -> str:
    return "—" if value is None or np.isnan(value) else f"{value:,.{places}f}"


def _sig(value: float | None) -> str:
    """Three significant figures, as COINr's `get_stats` (nsignif = 3): 2,160, 0.711, 13,300."""
    if value is None or np.isnan(value):
        return "—"
    if value == 0:
        return "0"
    rounded = float(f"{value:.3g}")
    places = max(0, 2 - int(np.floor(np.log10(abs(rounded)))))
    return f"{rounded:,.{places}f}"


def context(s: Strength, lang: str = "zh") -> dict[str, Any] | None:
    """The audit's rows and sentences for every format; None without an audit."""
    from ..strength.audit import MOVERS

    a = s.audit
    if a is None:
        return None
    w = WORDS["en" if lang == "en" else "zh"]
    spec = s.spec
    label = {i.id: pick(lang, i.label, i.label_en) for i in spec.indicators}
    dims = [pick(lang, d.label, d.label_en) for d in spec.dimensions]
    shares = a.components[:3]
    sep = pick(lang, "、", ", ")
    return {
        "t": w,
        "indicators": list(a.indicators),
        "dimension_names": dims,
        "stats": [
            [
                f"{x.id} {label[x.id]}",
                str(x.n),
                f"{x.availability:.0%}",
                _sig(x.mean),
                _sig(x.sd),
                _f(x.skew),
                _f(x.kurtosis),
                _sig(x.low),
                _sig(x.high),
                w["yes"] if x.outlier else "",
            ]
            for x in a.stats
        ],
        "stats_head": [
            w[k]
            for k in (
                "indicator",
                *("n", "availability", "mean", "sd", "skew", "kurtosis"),
                *("min", "max", "outlier"),
            )
        ],
        "correlation": [
            [i, *(_f(v) for v in a.correlation[k])] for k, i in enumerate(a.indicators)
        ],
        "heatmap": heatmap_svg(list(a.indicators), a.correlation),
        "heatmap_png": lambda: heatmap_png(list(a.indicators), a.correlation),
        "with_dimensions": [
            [f"{i} {label[i]}", *(_f(v) for v in a.with_dimensions[k])]
            for k, i in enumerate(a.indicators)
        ]
        + [[w["index"], *(_f(v) for v in a.with_index)]],
        "alpha": [
            [
                w["all"] if not code else dims[a.dimensions.index(code)],
                str(x.items),
                str(x.cities),
                _f(x.value),
            ]
            for code, x in a.alpha.items()
        ],
        "components": w["components"].format(
            k=len(shares),
            shares=sep.join(f"{x:.1%}" for x in shares),
            n=a.components_cities,
        )
        if len(shares)
        else "",
        "weights": [
            [dims[m], _f(a.nominal[m]), _f(a.effective[m]), _f(a.main_effect[m])]
            for m in range(len(a.dimensions))
        ],
        "movers": [
            [
                city,
                pick(lang, "；", "; ").join(
                    f"{m.indicator} {label[m.indicator]}{pick(lang, '：', ': ')}{m.rank} → "
                    f"{m.rank_at_median}{pick(lang, '（', ' (')}"
                    f"{m.index_at_median - m.index:+.1f}{pick(lang, '）', ')')}"
                    for m in moved
                )
                or w["none"],
            ]
            for city, moved in a.movers.items()
        ],
        "mover_rows": [
            [
                city if k == 0 else "",
                m.indicator,
                f"{m.rank} → {m.rank_at_median}",
                f"{m.index_at_median - m.index:+.1f}",
            ]
            for city, moved in a.movers.items()
            for k, m in enumerate(moved)
        ],
        "movers_note": w["movers_note"].format(k=MOVERS),
    }


def _heatmap(labels: list[str], matrix: np.ndarray, size: float) -> Figure:
    """The correlation matrix as coloured cells with their values, −1 blue to +1 red."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(size, size * 0.85))
    ax = fig.subplots()
    shown = np.ma.masked_invalid(matrix)
    image = ax.imshow(shown, cmap="RdBu_r", vmin=-1, vmax=1)
    ax.set_xticks(range(len(labels)), labels, fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.tick_params(top=True, labeltop=True, bottom=False, labelbottom=False)
    for j in range(matrix.shape[0]):
        for k in range(matrix.shape[1]):
            if not np.isnan(matrix[j, k]):
                ink = "white" if abs(matrix[j, k]) > 0.6 else "#1a1a1a"
                ax.text(k, j, f"{matrix[j, k]:.2f}", ha="center", va="center", fontsize=6,
                        color=ink)  # fmt: skip
    fig.colorbar(image, ax=ax, shrink=0.8).ax.tick_params(labelsize=8)
    fig.tight_layout()
    return fig


def heatmap_svg(labels: list[str], matrix: np.ndarray) -> str:
    from .charts import _svg

    return _svg(_heatmap(labels, matrix, 6.4))


def heatmap_png(labels: list[str], matrix: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    _heatmap(labels, matrix, 6.4).savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    return buffer.getvalue()


def docx_section(doc: Any, ctx: dict[str, Any]) -> None:
    """The audit in a Word document (`report.docx._Doc`): its tables, the heat map as PNG."""
    from docx.shared import Mm

    a, t = ctx["audit"], ctx["audit"]["t"]
    doc.heading(t["title"], 1)
    doc.para(t["intro"], size=9)
    doc.heading(t["stats"], 2)
    doc.table(a["stats_head"], a["stats"])
    doc.para(t["stats_note"], size=8)
    doc.heading(t["correlation"], 2)
    doc.doc.add_picture(io.BytesIO(a["heatmap_png"]()), width=Mm(150))
    doc.para(t["correlation_note"], size=8)
    doc.heading(t["with_dimensions"], 2)
    doc.table([t["indicator"], *a["dimension_names"]], a["with_dimensions"])
    doc.heading(t["alpha"], 2)
    doc.table([t["dimension"], t["n_items"], t["cities"], "α"], a["alpha"])
    doc.para(t["alpha_note"], size=8)
    if a["components"]:
        doc.para(a["components"])
    doc.heading(t["weights"], 2)
    doc.table([t["dimension"], t["nominal"], t["effective"], t["main_effect"]], a["weights"])
    doc.para(t["weights_note"], size=8)
    doc.heading(t["movers"], 2)
    doc.table([t["city"], t["moves"]], a["movers"])
    doc.para(a["movers_note"], size=8)
