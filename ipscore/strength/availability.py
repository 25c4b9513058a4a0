"""Data availability: whether a city reported enough of the index to be ranked.

A composite of mostly missing figures says little about a city, and under `missing: reweight`
it can reward not reporting: a city that files nothing in its weakest dimension would be
ranked on its strong ones alone. So, as COINr screens units below a data-availability
threshold before building an index (`Screen(dat_thresh = 0.66)`, and `Aggregate(dat_thresh)`
within each group) and as the OECD-JRC Handbook on Constructing Composite Indicators (2008,
step 3, imputation of missing data) asks that missing data be dealt with before aggregation,
a pack states the share of all indicators (`availability.city`) and of each dimension's
(`availability.dimension`) that a city must report. Under `missing: reweight` a dimension
with nothing reported has no other indicator to take its weight, whatever the threshold: the
city is not ranked either.

Each shortfall is shaped like a failed data check (an id, a title, the gap and the remedy in
both languages), so the terminal, the report and JSON list it with the city as they list a
check the city failed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..packs.index import IndexSpec, Indicator


@dataclass(frozen=True)
class Shortfall:
    """Too little reported to be ranked: the whole index (`availability`) or one dimension
    (`availability.<code>`)."""

    id: str
    title: str
    title_en: str
    gap: str
    gap_en: str
    remedy: str
    remedy_en: str


def shortfalls(
    spec: IndexSpec, reported: Sequence[bool], why: Mapping[str, tuple[str, str]] | None = None
) -> tuple[Shortfall, ...]:
    """Why a city that reported the indicators marked True (in the pack's order) cannot be
    ranked; () when it can. Shares are compared exactly (8 of 12 is 2/3, above 0.66). `why`:
    an indicator id → what is wrong when the city filed its figure but not its divisor (in
    Chinese and English), so that the remedy names the figure to fix, not ten indicators."""
    why = why or {}
    inds = spec.indicators
    out: list[Shortfall] = []
    need = spec.availability.city
    if Fraction(sum(reported), len(inds)) < Fraction(need):
        out.append(
            Shortfall(
                "availability",
                f"填报的指标不少于全部的{_share(need)}",
                f"at least {_share(need)} of all indicators reported",
                f"{len(inds)}个指标填报了{sum(reported)}个",
                f"{sum(reported)} of {len(inds)} indicators reported",
                *_remedy([i for i, r in zip(inds, reported, strict=True) if not r], why),
            )
        )
    need = spec.availability.dimension
    for dim in spec.dimensions:
        own = [k for k, i in enumerate(inds) if i.dimension == dim.code]
        got = sum(reported[k] for k in own)
        aspect = dim.label if dim.label.endswith("方面") else f"{dim.label}方面"
        empty = spec.missing == "reweight" and got == 0
        if not empty and Fraction(got, len(own)) >= Fraction(need):
            continue
        title, title_en = (
            (
                f"{aspect}至少填报1个指标（缺报的权重由同一方面的其他指标分担）",
                f"at least one {dim.label_en} indicator reported (a missing one's weight "
                "goes to its dimension's others)",
            )
            if empty and Fraction(1, len(own)) >= Fraction(need)
            else (
                f"{aspect}填报的指标不少于{_share(need)}",
                f"at least {_share(need)} of the {dim.label_en} indicators reported",
            )
        )
        out.append(
            Shortfall(
                f"availability.{dim.code}",
                title,
                title_en,
                f"{aspect}{len(own)}个指标填报了{got}个",
                f"{got} of {len(own)} {dim.label_en} indicators reported",
                *_remedy([inds[k] for k in own if not reported[k]], why),
            )
        )
    return tuple(out)


def _share(threshold: Decimal) -> str:
    return f"{float(threshold) * 100:g}%"


def _remedy(missing: Sequence[Indicator], why: Mapping[str, tuple[str, str]]) -> tuple[str, str]:
    """What to file: the indicators missing outright, then each divisor missing or 0 with the
    indicators it divides (`why`: indicator id → the divisor's state, Chinese and English)."""
    plain = [i for i in missing if i.id not in why]
    zh, en = [], []
    if plain:
        zh.append(f"补报缺报的指标：{'、'.join(f'{i.id} {i.label}' for i in plain)}")
        en.append(
            f"report the missing indicators: {', '.join(f'{i.id} {i.label_en}' for i in plain)}"
        )
    for state in dict.fromkeys(why[i.id] for i in missing if i.id in why):
        ids = [i.id for i in missing if why.get(i.id) == state]
        zh.append(f"{state[0]}，{'、'.join(ids)} 无法计算，请核对补填")
        en.append(f"{state[1]}, so {', '.join(ids)} cannot be computed: check and file it")
    return "；".join(zh), "; ".join(en)
