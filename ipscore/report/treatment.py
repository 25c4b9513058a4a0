"""The strength evaluation's outlier table, as the report and the terminal show it: for each
indicator its skewness and kurtosis before and after, and what was done (ipscore/strength/
treat.py, after COINr's `Treat()`); with the pack's revision, why the method is what it is."""

from __future__ import annotations

from typing import Any

from ..strength.evaluation import Strength
from ..text import pick

WORDS: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "异常值处理（标准化之前）",
        "heads": ["指标", "偏度", "峰度", "处理", "处理后偏度", "处理后峰度"],
        "none": "无需处理",
        "winsorised": "缩尾{points}个：{cities}",
        "log": "取对数",
        "failed": "缩尾{points}个后仍超限：{cities}",
        "rule": "偏度绝对值不小于{skew}且峰度不小于{kurtosis}的指标，最多逐点缩尾{points}个城市"
        "（最极端的值改为向内的下一个值）{otherwise}。偏度、峰度为样本偏度和样本超额峰度"
        "（与 Excel 的 SKEW、KURT 及 COINr 相同），少于4个城市填报时不计算。",
        "otherwise_log": "，仍不达标则改为对原值取对数",
        "otherwise_none": "，仍不达标则保留缩尾结果",
        "revision": "规则包 {version} 版的改动：{reason}",
    },
    "en": {
        "title": "Outlier treatment (before normalisation)",
        "heads": ["Indicator", "Skew", "Kurtosis", "Treatment", "Skew after", "Kurtosis after"],
        "none": "none needed",
        "winsorised": "{points} winsorised: {cities}",
        "log": "log-transformed",
        "failed": "still outside after {points} winsorised: {cities}",
        "rule": "An indicator with |skew| ≥ {skew} and kurtosis ≥ {kurtosis} is winsorised one "
        "city at a time (its most extreme value takes the next value inward), up to {points} "
        "cities{otherwise}. Skew and kurtosis are the sample skewness and sample excess kurtosis "
        "(Excel's SKEW and KURT, as COINr); not computed for fewer than 4 reporting cities.",
        "otherwise_log": "; still failing, the original values are log-transformed instead",
        "otherwise_none": "; still failing, the winsorised values are kept",
        "revision": "What version {version} of the pack changed: {reason}",
    },
}


def _stat(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def outlier_table(s: Strength, lang: str = "zh", short: bool = False) -> dict[str, Any] | None:
    """Heads, rows and the rule in words (`short`: indicators by id alone, for 80 columns);
    None when the pack treats no outliers."""
    outliers = s.spec.outliers
    if outliers is None:
        return None
    w = WORDS["en" if lang == "en" else "zh"]
    labels = {i.id: pick(lang, i.label, i.label_en) for i in s.spec.indicators}
    rows = []
    for t in s.treatment:
        said = w[t.action].format(
            points=t.points, cities=pick(lang, "、", ", ").join(t.cities) or "—"
        )
        rows.append(
            [
                t.indicator if short else f"{t.indicator} {labels[t.indicator]}",
                _stat(t.skew),
                _stat(t.kurtosis),
                said,
                _stat(t.skew_after),
                _stat(t.kurtosis_after),
            ]
        )
    rule = w["rule"].format(
        skew=outliers.skew,
        kurtosis=outliers.kurtosis,
        points=outliers.max_points,
        otherwise=w[f"otherwise_{outliers.otherwise}"],
    )
    return {"title": w["title"], "heads": w["heads"], "rows": rows, "rule": rule}


def revision_line(s: Strength, lang: str = "zh") -> str | None:
    """Why the pack's current version differs from the one before, where the pack says."""
    info = s.pack.pack
    said = next((r for r in info.revisions if r.version == info.version), None)
    if said is None:
        return None
    w = WORDS["en" if lang == "en" else "zh"]
    reason = pick(lang, said.reason, said.reason_en)
    return str(w["revision"].format(version=said.version, reason=reason))
