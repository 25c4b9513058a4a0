"""The strength evaluation as people read it: a ranked table per tier, a radar per city (its
five dimensions against its tier's median), the cities left out by a data check, the method
stated as the pack's interpretation; and the same table for CSV and Excel."""

from __future__ import annotations

import io
import math
from typing import Any, cast

from ..decide.explain import show
from ..packs.index import IndexSpec
from ..strength.evaluation import CityStrength, Strength, shown_value
from ..strength.montecarlo import factors
from ..strength.sensitivity import Sensitivity, shown_with
from ..text import pick
from ..views.output import csv_writer
from .audit import context as audit_context
from .charts import svg_text
from .contexts.common import SignOff, office, provenance, words
from .robustness import rank_intervals_svg, sobol_bars_svg
from .treatment import outlier_table, revision_line

WORDS: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "实力状况评价",
        "index": "指数",
        "rank": "同级排名",
        "tier": "层级",
        "city": "城市",
        "province": "省份",
        "interval": "排名区间（5%–95%）",
        "median_rank": "排名中位数",
        "last_year": "上年",
        "comparable": "可比指数（{year}年界限）",
        "change": "变化",
        "method": "评价方法（本规则包的解释）",
        "indicators": "指标",
        "indicator": "指标",
        "dimension": "方面",
        "weight": "权重",
        "value": "数值",
        "normalised": "标准化值",
        "source": "依据",
        "missing": "缺报",
        "excluded": "未参加排名的城市（数据核对未通过或缺报过多）",
        "check": "核对",
        "radar_note": "实线：本城市；虚线：同级中位数。刻度0–100。",
        "uncertainty": "排名的稳健性：每次随机变动{varied}（权重在原值 ±{spread}% 内均匀变动；"
        "方法在规则包列出的方案中等概率选取，本规则包的方法总在其中），"
        "共 {draws} 次（种子 {seed}）；区间不重叠的两个城市，名次差别才有意义。",
        "intervals": "排名区间",
        "intervals_note": "条：5%–95%排名区间；圆点：中位数；菱形：公布的排名。",
        "sobol": "哪些假设影响排名（Sobol 敏感性指数）",
        "sobol_note": "输出为各城市排名相对公布排名的平均变动（平均 {shift} 位）。"
        "一阶指数：该假设单独解释的方差份额；总指数：连同它与其他假设的交互。"
        "Saltelli 设计，基础样本 N={base}，"
        "共 {runs} 次（种子 {seed}）；方法见 Saisana、Saltelli、Tarantola（2005）及 COINr。"
        "±为95%置信区间的半宽（自助法），相差不到它的两个指数分不出大小。"
        "深色：一阶；浅色：总指数。",
        "assumption": "假设",
        "first_order": "一阶指数",
        "total_order": "总指数",
        "warnings": "数据提示",
        "of": "/",
        "none_excluded": "",
        "normalisation": {
            "min_max": "最小—最大值标准化",
            "distance_to_best": "与最优值之比",
            "z_score": "z 分数",
            "reference": "按参照年标准化",
        },
        "aggregation": {
            "arithmetic": "算术平均",
            "geometric": "几何平均（各方面的分项指数先换算到1—100：1 + 0.99 × 分项指数）",
        },
        "missing_policy": {
            "worst": "缺报按全体最低计（标准化值0）",
            "reweight": "缺报的指标不计，其权重由同一方面的其他指标分担（某一方面全部缺报的城市"
            "不参加排名）",
        },
        "availability": "填报的指标不足全部的{city}、或某一方面不足{dimension}的城市不参加排名",
    },
    "en": {
        "title": "Strength evaluation",
        "index": "Index",
        "rank": "Rank in tier",
        "tier": "Tier",
        "city": "City",
        "province": "Province",
        "interval": "Rank interval (5–95%)",
        "median_rank": "Median rank",
        "last_year": "Last year",
        "comparable": "Comparable ({year} bounds)",
        "change": "Change",
        "method": "Method (the pack's interpretation)",
        "indicators": "Indicators",
        "indicator": "Indicator",
        "dimension": "Dimension",
        "weight": "Weight",
        "value": "Value",
        "normalised": "Normalised",
        "source": "Source",
        "missing": "missing",
        "excluded": "Cities not ranked (a data check failed or too little reported)",
        "check": "Check",
        "radar_note": "Solid: this city; dashed: the tier's median. Scale 0–100.",
        "uncertainty": "How robust the ranks are: each draw varies {varied} at random "
        "(weights uniformly within ±{spread}% of their own; methods drawn with equal chance "
        "from those the pack lists, the pack's own always among them), {draws} draws "
        "(seed {seed}); two cities' ranks differ meaningfully only where their intervals do "
        "not overlap.",
        "intervals": "Rank intervals",
        "intervals_note": "Bar: the 5–95% rank interval; dot: the median; diamond: the "
        "published rank.",
        "sobol": "Which assumptions move the ranks (Sobol sensitivity indices)",
        "sobol_note": "The output is the cities' mean absolute rank shift from the published "
        "ranks ({shift} places on average). First-order: the share of its variance an "
        "assumption explains alone; total: with its interactions. Saltelli design, base "
        "sample N={base}, {runs} runs (seed {seed}); after Saisana, Saltelli & Tarantola "
        "(2005) and COINr. ± is the 95% confidence half-width (bootstrap): two indices closer "
        "than that cannot be told apart. Dark: first-order; light: total.",
        "assumption": "Assumption",
        "first_order": "First-order",
        "total_order": "Total",
        "warnings": "Data notes",
        "of": "/",
        "none_excluded": "",
        "normalisation": {
            "min_max": "min-max",
            "distance_to_best": "distance to the best",
            "z_score": "z-score",
            "reference": "against a reference year",
        },
        "aggregation": {
            "arithmetic": "arithmetic mean",
            "geometric": "geometric mean (each sub-index first rescaled to 1–100: 1 + 0.99 × "
            "sub-index)",
        },
        "missing_policy": {
            "worst": "a missing value counts as the cohort's lowest (normalised 0)",
            "reweight": "a missing indicator is left out, its weight shared by its dimension's "
            "others (a city with nothing in a dimension is not ranked)",
        },
        "availability": "a city reporting less than {city} of all indicators, or less than "
        "{dimension} of any dimension's, is not ranked",
    },
}


def _availability(spec: IndexSpec, w: dict[str, Any]) -> list[str]:
    """The pack's data-availability thresholds in words; none where it sets none."""
    need = spec.availability
    if not need.city and not need.dimension:
        return []
    return [
        w["availability"].format(
            city=f"{float(need.city) * 100:g}%", dimension=f"{float(need.dimension) * 100:g}%"
        )
    ]


def _number(value: float | None, decimals: int) -> str:
    return "—" if value is None else f"{value:.{decimals}f}"


def _tier(s: Strength, code: str | None, lang: str) -> str:
    """The tier in words (副省级), from the options of the field the pack ranks within."""
    tier = s.spec.tier
    return show(s.pack.field(tier), code, lang) if tier and code else "—"


def table_rows(
    s: Strength, lang: str = "zh", indicators: bool = True
) -> tuple[list[str], list[list[Any]]]:
    """One row per ranked city, tier by tier: what CSV, Excel and (without the indicators)
    the terminal show."""
    w = WORDS["en" if lang == "en" else "zh"]
    spec, dec = s.spec, s.spec.decimals
    heads = [w["tier"], w["rank"], w["city"], w["province"], w["index"]]
    heads += [pick(lang, d.label, d.label_en) for d in spec.dimensions]
    if s.draws:
        heads += [w["median_rank"], w["interval"]]
    if s.last_year_of:
        heads += [f"{w['last_year']}{w['index']}", f"{w['last_year']}{w['rank']}"]
    comparable = w["comparable"].format(year=s.comparable_base)
    if s.comparable_base is not None:  # the index on the base year's scale, both years
        heads += [comparable] + ([f"{w['last_year']}{comparable}"] if s.last_year_of else [])
    if indicators:
        heads += [pick(lang, i.label, i.label_en) for i in spec.indicators]
    rows = []
    for c in s.cities:
        row: list[Any] = [
            _tier(s, c.tier, lang),
            c.rank,
            c.city,
            c.province or "",
            _round(c.index, dec),
        ]
        row += [_round(c.dimensions[d.code], dec) for d in spec.dimensions]
        if s.draws:
            row += [c.spread[1] if c.spread else None, _interval(c)]
        if s.last_year_of:
            last = c.last_year or (None, None)
            row += [_round(last[0], dec), last[1]]
        if s.comparable_base is not None:
            row += [_round(c.comparable, dec)]
            row += [_round(c.last_comparable, dec)] if s.last_year_of else []
        if indicators:
            row += [shown_value(s.pack, i, c.values[i.id], lang) for i in spec.indicators]
        rows.append(row)
    return heads, rows


def _round(value: float | None, decimals: int) -> float | None:
    return None if value is None else round(value, decimals)


def _interval(c: CityStrength) -> str:
    return "" if c.spread is None else f"{c.spread[0]}–{c.spread[2]}"


def csv_text(s: Strength, lang: str = "zh") -> str:
    heads, rows = table_rows(s, lang)
    handle = io.StringIO()
    write = csv_writer(handle)
    for row in [heads, *rows]:
        write(row)
    return handle.getvalue()


def sheet(s: Strength, lang: str = "zh", produced_at: str | None = None) -> bytes:
    """The ranking as a workbook: a title row, the method stated, the table, printed
    landscape one page wide with the heading row repeated."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

    from .xlsx import append_row, print_setup

    w = WORDS["en" if lang == "en" else "zh"]
    heads, rows = table_rows(s, lang)
    book = Workbook()
    ws = cast(Worksheet, book.active)
    ws.title = w["title"]
    date = (produced_at or "")[:10]
    title = f"{pick(lang, s.pack.pack.title, s.pack.pack.title_en)} · {w['title']}"
    append_row(ws, [title + (f" · {date}" if date else "")])
    append_row(ws, [pick(lang, s.spec.interpretation, s.spec.interpretation_en)])
    for note in provenance(s.pack, list(s.checked), produced_at, lang)["notes"]:
        append_row(ws, [note])
    append_row(ws, heads)
    head_row = ws.max_row
    for row in rows:
        append_row(ws, row)
    ws["A1"].font = Font(bold=True, size=13)
    for cell in ws[head_row]:
        cell.font = Font(bold=True)
    print_setup(ws, f"{head_row}:{head_row}", "C:C")
    ws.freeze_panes = f"D{head_row + 1}"
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


def radar_svg(labels: list[str], city: list[float | None], median: list[float | None]) -> str:
    """A radar of 0–100 values, drawn directly: five axes and two polygons need no plotting
    library, and 300 cities draw in milliseconds."""
    size, centre, radius = 220, 110, 72
    n = len(labels)

    def point(k: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * k / n
        r = radius * max(0.0, min(value, 100.0)) / 100
        return centre + r * math.cos(angle), centre + r * math.sin(angle)

    def polygon(values: list[float | None], style: str) -> str:
        points = " ".join(
            f"{x:.1f},{y:.1f}" for k, v in enumerate(values) for x, y in [point(k, v or 0)]
        )
        return f'<polygon points="{points}" {style}/>'

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'width="{size}" height="{size}" role="img">'
    ]
    for ring in (25, 50, 75, 100):
        ring_points = " ".join(f"{x:.1f},{y:.1f}" for k in range(n) for x, y in [point(k, ring)])
        parts.append(f'<polygon points="{ring_points}" fill="none" stroke="#cfd8dc"/>')
    for k, label in enumerate(labels):
        x, y = point(k, 100)
        lx, ly = point(k, 128)
        parts.append(
            f'<line x1="{centre}" y1="{centre}" x2="{x:.1f}" y2="{y:.1f}" stroke="#cfd8dc"/>'
        )
        parts.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="11" text-anchor="middle" '
            f'fill="#1a1a1a">{svg_text(label)}</text>'
        )
    parts.append(polygon(median, 'fill="none" stroke="#546e7a" stroke-dasharray="4 3"'))
    parts.append(
        polygon(city, 'fill="#1565c0" fill-opacity="0.25" stroke="#1565c0" stroke-width="2"')
    )
    parts.append("</svg>")
    return "".join(parts)


def context(
    s: Strength, lang: str = "zh", produced_at: str | None = None, signoff: SignOff | None = None
) -> dict[str, Any]:
    w = WORDS["en" if lang == "en" else "zh"]
    text = words(s.pack, lang)
    spec, dec = s.spec, s.spec.decimals
    dims = [pick(lang, d.label, d.label_en) for d in spec.dimensions]
    tiers: dict[str, list[dict[str, Any]]] = {}
    for c in s.cities:
        own = [c.dimensions[d.code] for d in spec.dimensions]
        median = [s.medians[c.tier or ""][d.code] for d in spec.dimensions]
        tiers.setdefault(_tier(s, c.tier, lang), []).append(
            {
                "city": c.city,
                "province": c.province or "",
                "rank": c.rank or "—",
                "of": c.of,
                "index": _number(c.index, dec),
                "dimensions": [_number(v, dec) for v in own],
                "interval": _interval(c),
                "median_rank": c.spread[1] if c.spread else "",
                "comparable": _number(c.comparable, dec),
                "last": None
                if c.last_year is None
                else {
                    "index": _number(c.last_year[0], dec),
                    "rank": c.last_year[1] or "—",
                    "change": _change(c, dec, lang),
                    "comparable": _number(c.last_comparable, dec),
                },
                "radar": radar_svg(dims, own, median),
                "radar_values": own,
                "radar_median": median,
                "indicators": [
                    {
                        "label": pick(lang, i.label, i.label_en),
                        "value": shown_value(s.pack, i, c.values[i.id], lang),
                        "normalised": _number(c.normalised.get(i.id), 2),
                        "missing": c.values[i.id] is None,
                    }
                    for i in spec.indicators
                ],
                "warnings": [pick(lang, x["message"], x["message_en"]) for x in c.warnings],
            }
        )
    varied = {f.name: pick(lang, f.label, f.label_en) for f in factors(spec)}
    return {
        "lang": lang,
        "t": {**text, **w},
        "title": f"{pick(lang, s.pack.pack.title, s.pack.pack.title_en)}",
        "index_title": pick(lang, spec.title, spec.title_en),
        "year": s.year,
        "interpretation": pick(lang, spec.interpretation, spec.interpretation_en),
        "source": f"{spec.source.section} “{spec.source.text}”",
        "method": [
            w["normalisation"][spec.normalisation],
            w["aggregation"][spec.aggregation],
            w["missing_policy"][spec.missing],
            *_availability(spec, w),
        ],
        "dimension_names": dims,
        "comparable_head": None
        if s.comparable_base is None
        else w["comparable"].format(year=s.comparable_base),
        "outliers": outlier_table(s, lang),
        "revision": revision_line(s, lang),
        "dimensions": [
            {
                "label": pick(lang, d.label, d.label_en),
                "weight": f"{d.weight}",
                "indicators": [
                    {
                        "id": i.id,
                        "label": pick(lang, i.label, i.label_en),
                        "unit": pick(lang, i.unit, i.unit_en),
                        "direction": pick(
                            lang,
                            "越高越好" if i.direction == "higher" else "越低越好",
                            "higher is better" if i.direction == "higher" else "lower is better",
                        ),
                        "note": pick(lang, i.note or "", i.note_en),
                        "citation": f"{i.citation.section} “{i.citation.text}”",
                    }
                    for i in spec.indicators_of(d.code)
                ],
            }
            for d in spec.dimensions
        ],
        "tiers": [{"name": name, "cities": cities} for name, cities in tiers.items()],
        "uncertainty": w["uncertainty"].format(
            varied=pick(lang, "、", ", ").join(varied[n] for n in s.varied),
            spread=int(spec.uncertainty.weight_spread * 100),
            draws=s.draws,
            seed=s.seed,
        )
        if s.draws
        else "",
        "intervals": [
            rank_intervals_svg([(c.city, c.rank, c.spread) for c in members if c.spread])
            for members in _by_tier(s)
        ]
        if s.draws
        else [],
        "sobol": None if s.sensitivity is None else _sobol(s.sensitivity, lang, w),
        "last_year_of": s.last_year_of,
        "excluded": [
            {
                "city": e.city,
                "tier": _tier(s, e.tier, lang),
                "failed": [
                    {
                        "id": r.id,
                        "title": pick(lang, r.title, r.title_en),
                        "gap": pick(lang, r.gap or "", r.gap_en),
                        "remedy": pick(lang, r.remedy, r.remedy_en),
                    }
                    for r in e.reasons
                ],
            }
            for e in s.excluded
        ],
        "provenance": provenance(s.pack, list(s.checked), produced_at, lang),
        "office": office(s.pack, produced_at, signoff, lang),
        "audit": audit_context(s, lang),
    }


def _change(c: CityStrength, decimals: int, lang: str) -> str:
    """The index's change since last year and the rank's move (↑2: two places up)."""
    if c.last_year is None or c.last_year[0] is None or c.index is None:
        return "—"
    delta = f"{c.index - c.last_year[0]:+.{decimals}f}"
    if c.comparable is not None and c.last_comparable is not None:  # on one scale: that change
        delta = f"{c.comparable - c.last_comparable:+.{decimals}f}"
    if c.last_year[1] is None or c.rank is None or c.last_year[1] == c.rank:
        return delta
    move = c.last_year[1] - c.rank
    return f"{delta}{pick(lang, '，', ', ')}{'↑' if move > 0 else '↓'}{abs(move)}"


def _by_tier(s: Strength) -> list[list[CityStrength]]:
    tiers: dict[str, list[CityStrength]] = {}
    for c in s.cities:
        tiers.setdefault(c.tier or "", []).append(c)
    return list(tiers.values())


def _sobol(sens: Sensitivity, lang: str, w: dict[str, Any]) -> dict[str, Any]:
    """The Sobol indices as a note, bars and rows (three decimals: the estimates are good to
    about ±0.05 at N = 1024; a small negative first-order index is noise around 0)."""
    names = [pick(lang, x.factor.label, x.factor.label_en) for x in sens.shares]
    return {
        "note": w["sobol_note"].format(
            shift=f"{sens.mean_shift:.2f}", base=sens.base, runs=sens.runs, seed=sens.seed
        ),
        "svg": sobol_bars_svg(
            [(n, x.first, x.total) for n, x in zip(names, sens.shares, strict=True)]
        ),
        "rows": [
            [n, shown_with(x.first, x.first_conf), shown_with(x.total, x.total_conf)]
            for n, x in zip(names, sens.shares, strict=True)
        ],
    }
