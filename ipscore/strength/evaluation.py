"""实力状况评价: a cohort of cities' figures → the engine's data checks → the composite index
(ipscore/index.py), each city's dimensions, index and rank within its tier; with an archive,
last year's index and rank from last year's stored figures; with draws, how robust each rank is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._version import __version__
from ..decide.explain import show
from ..decide.pipeline import assess
from ..decide.results import Assessment, RequirementResult
from ..errors import InputError, Problem
from ..intake.files import read_all
from ..intake.submission import Submission
from ..packs import Pack
from ..packs.index import IndexSpec, Indicator
from ..text import pick
from ..verdicts import UNMET
from .availability import Shortfall, shortfalls
from .index import Computed, Spread, compute, need_a_cohort, uncertainty

# Submitted figures as the index reads them: numbers (a tier and a name besides).
Value = Any

if TYPE_CHECKING:  # the archive's libraries load only when an archive is used
    from ..record.history import Stores
    from ..store.records import Stored


@dataclass(frozen=True)
class CityStrength:
    city: str
    province: str | None
    tier: str | None
    source: str
    values: dict[str, Fraction | None]  # indicator id → its exact value (None: missing)
    normalised: dict[str, float]  # indicator id → normalised (absent: left out)
    dimensions: dict[str, float | None]  # dimension code → sub-index 0–100
    index: float | None
    rank: int | None  # within the tier
    of: int  # cities ranked in the tier
    warnings: tuple[dict[str, str], ...] = ()
    spread: tuple[int, int, int] | None = None  # 5%, median, 95% rank over the draws
    last_year: tuple[float | None, int | None] | None = None  # index, rank

    @property
    def missing(self) -> list[str]:
        return [k for k, v in self.values.items() if v is None]


@dataclass(frozen=True)
class Excluded:
    """A city whose figures fail a data check, or that reported too little (the pack's
    `availability`): not ranked, with the check or the shortfall and the gap."""

    city: str
    tier: str | None
    source: str
    failed: tuple[RequirementResult, ...]
    sparse: tuple[Shortfall, ...] = ()

    @property
    def reasons(self) -> tuple[RequirementResult | Shortfall, ...]:
        """Every reason the city is not ranked, each with an id, title, gap and remedy."""
        return (*self.failed, *self.sparse)

    def said(self) -> tuple[str, str]:
        """The city and its reasons in a line (Chinese, English)."""
        zh = "、".join(
            f"{r.id} {r.title}（{r.gap}）" if r.gap else f"{r.id} {r.title}" for r in self.reasons
        )
        en = ", ".join(
            f"{r.id} {r.title_en} ({r.gap_en})" if r.gap_en else f"{r.id} {r.title_en}"
            for r in self.reasons
        )
        return f"{self.city}——{zh}", f"{self.city}: {en}"


@dataclass(frozen=True)
class Strength:
    pack: Pack
    year: int
    cities: tuple[CityStrength, ...]  # ranked, tier by tier
    excluded: tuple[Excluded, ...]
    medians: dict[str, dict[str, float | None]]  # tier → dimension → median sub-index
    checked: tuple[Assessment, ...] = ()  # every city's data checks, excluded ones too
    draws: int = 0
    seed: int = 0
    last_year_of: int | None = None  # the year compared with, when the archive held it

    @property
    def spec(self) -> IndexSpec:
        assert self.pack.index is not None  # only index packs are evaluated
        return self.pack.index

    def to_dict(self, produced_at: str | None = None) -> dict[str, Any]:
        """The JSON shape: the method as stated, every city's values, sub-indices and ranks."""
        spec = self.spec
        return {
            "pack": self.pack.id,
            "pack_version": self.pack.pack.version,
            "pack_sha256": self.pack.content_hash,
            "year": self.year,
            "interpretation": spec.interpretation,
            "method": {
                "normalisation": spec.normalisation,
                "aggregation": spec.aggregation,
                "missing": spec.missing,
                "availability": {
                    "city": float(spec.availability.city),
                    "dimension": float(spec.availability.dimension),
                },
                "weights": {d.code: float(d.weight) for d in spec.dimensions},
            },
            "uncertainty": {"draws": self.draws, "seed": self.seed} if self.draws else None,
            "cities": [
                {
                    "city": c.city,
                    "province": c.province,
                    "tier": c.tier,
                    "source": c.source,
                    "index": c.index,
                    "rank_in_tier": c.rank,
                    "cities_in_tier": c.of,
                    "dimensions": c.dimensions,
                    "indicators": {k: None if v is None else float(v) for k, v in c.values.items()},
                    "normalised": c.normalised,
                    "missing": c.missing,
                    "warnings": [w["id"] for w in c.warnings],
                    "rank_interval": None
                    if c.spread is None
                    else {"p5": c.spread[0], "median": c.spread[1], "p95": c.spread[2]},
                    "last_year": None
                    if c.last_year is None
                    else {
                        "year": self.last_year_of,
                        "index": c.last_year[0],
                        "rank": c.last_year[1],
                    },
                }
                for c in self.cities
            ],
            "excluded": [
                {
                    "city": e.city,
                    "tier": e.tier,
                    "source": e.source,
                    "failed": [{"id": r.id, "gap": r.gap, "remedy": r.remedy} for r in e.reasons],
                }
                for e in self.excluded
            ],
            "inputs": [
                {"city": a.city, "file": i.path, "sha256": i.sha256, "note": i.note}
                for a in self.checked
                for i in a.inputs
            ],
            "ipscore_version": __version__,
            "produced_at": produced_at,
        }


def index_pack(pack: Pack) -> IndexSpec:
    if pack.index is None:
        raise InputError(
            [
                Problem(
                    f"规则包 {pack.id} 不是指数规则包（kind: index），不能用于实力状况评价；"
                    "可用 cnipa-2015-strength",
                    f"pack {pack.id} is not an index pack (kind: index); try cnipa-2015-strength",
                    field="--pack",
                )
            ]
        )
    return pack.index


def indicator_value(ind: Indicator, values: Mapping[str, Value]) -> Fraction | None:
    """An indicator exactly: its field (÷ its divisor) × its factor; None where a figure is
    missing or the divisor is 0."""
    top = values.get(ind.field)
    if top is None:
        return None
    value = Fraction(top)
    if ind.per is not None:
        bottom = values.get(ind.per)
        if bottom is None or Fraction(bottom) == 0:
            return None
        value /= Fraction(bottom)
    return value * Fraction(ind.times)


def evaluate(
    paths: Iterable[str | Path],
    pack_id: str | None = None,
    draws: int = 0,
    seed: int = 0,
    archive: Stores | None = None,
) -> Strength:
    """Every city in the files: its data checked by the engine, then the cohort indexed."""
    read = read_all(paths, pack_id)
    packs = {p.id: p for p, _ in read}
    if len(packs) != 1:
        raise InputError(
            [
                Problem(
                    f"实力状况评价一次只用一个规则包，这些文件用到 {len(packs)} 个："
                    f"{'、'.join(packs) or '（无）'}",
                    f"one index pack at a time; these files use {len(packs)}: "
                    f"{', '.join(packs) or '(none)'}",
                )
            ]
        )
    pack = next(iter(packs.values()))
    spec = index_pack(pack)
    checked = []
    for p, s in read:
        a = assess(p, s)
        checked.append((a, s.values, _failed(a), _sparse(spec, s.values)))
    kept = [(a, v) for a, v, failed, sparse in checked if not failed and not sparse]
    excluded = tuple(
        Excluded(a.city, _tier(spec, v), a.source, failed, sparse)
        for a, v, failed, sparse in checked
        if failed or sparse
    )
    years = {a.year for a, *_ in checked}
    if len(years) != 1:
        raise InputError(
            [
                Problem(
                    f"实力状况评价在同一年度的城市之间比较，这些文件有 {len(years)} 个年度："
                    f"{'、'.join(map(str, sorted(years)))}",
                    f"the index compares cities of one year; these files hold {len(years)}: "
                    f"{', '.join(map(str, sorted(years)))}",
                )
            ]
        )
    (year,) = years
    need_a_cohort(len(kept), [e.said() for e in excluded])
    values = [v for _, v in kept]
    tiers = [_tier(spec, v) for v in values]
    raw = _raw(spec, values)
    computed = compute(spec, raw, tiers)
    spread = uncertainty(spec, raw, tiers, draws, seed) if draws else None
    last = _last_year(pack, year, archive, [a.city for a, _ in kept]) if archive else None
    cities = [_city(spec, a, v, k, computed, tiers, spread, last) for k, (a, v) in enumerate(kept)]
    cities.sort(key=lambda c: (_tier_order(spec, pack, c.tier), c.rank or 10**9, c.city))
    return Strength(
        pack,
        year,
        tuple(cities),
        excluded,
        _medians(spec, cities),
        tuple(a for a, *_ in checked),
        draws,
        seed,
        year - 1 if last else None,
    )


def _sparse(spec: IndexSpec, values: Mapping[str, Value]) -> tuple[Shortfall, ...]:
    return shortfalls(spec, [indicator_value(i, values) is not None for i in spec.indicators])


def _failed(a: Assessment) -> tuple[RequirementResult, ...]:
    return tuple(
        r for t in a.tasks for r in t.requirements if r.kind == "required" and r.status == UNMET
    )


def _tier(spec: IndexSpec, values: Mapping[str, Value]) -> str | None:
    return None if spec.tier is None else values.get(spec.tier)


def _tier_order(spec: IndexSpec, pack: Pack, tier: str | None) -> int:
    """Tiers in the order the pack declares their values (副省级 before 地级)."""
    order = list((pack.field(spec.tier).values or {}) if spec.tier else {})
    return order.index(tier) if tier in order else len(order)


def _raw(spec: IndexSpec, values: Sequence[Mapping[str, Value]]) -> np.ndarray:
    rows = [[indicator_value(i, v) for i in spec.indicators] for v in values]
    return np.array(
        [[np.nan if x is None else float(x) for x in row] for row in rows], dtype=float
    ).reshape(len(rows), len(spec.indicators))


def _city(
    spec: IndexSpec,
    a: Assessment,
    values: Mapping[str, Value],
    k: int,
    computed: Computed,
    tiers: list[str | None],
    spread: Spread | None,
    last: dict[str, tuple[float | None, int | None]] | None,
) -> CityStrength:
    index = float(computed.index[k])
    return CityStrength(
        a.city,
        a.province,
        tiers[k],
        a.source,
        {i.id: indicator_value(i, values) for i in spec.indicators},
        {
            i.id: float(computed.normalised[k, j])
            for j, i in enumerate(spec.indicators)
            if not np.isnan(computed.normalised[k, j])
        },
        {
            d.code: None
            if np.isnan(computed.dimensions[k, j])
            else float(computed.dimensions[k, j]) * 100
            for j, d in enumerate(spec.dimensions)
        },
        None if np.isnan(index) else index,
        int(computed.rank[k]) or None,
        sum(1 for t, r in zip(tiers, computed.rank, strict=True) if t == tiers[k] and r),
        a.warnings,
        None
        if spread is None
        else (int(spread.low[k]), int(spread.median[k]), int(spread.high[k])),
        None if last is None else last.get(a.city),
    )


def _medians(spec: IndexSpec, cities: Sequence[CityStrength]) -> dict[str, dict[str, float | None]]:
    """Each tier's median sub-index per dimension: what a city's radar is drawn against."""
    out: dict[str, dict[str, float | None]] = {}
    for tier in dict.fromkeys(c.tier or "" for c in cities):
        members = [c for c in cities if (c.tier or "") == tier]
        out[tier] = {}
        for d in spec.dimensions:
            scores = [s for c in members if (s := c.dimensions[d.code]) is not None]
            out[tier][d.code] = float(np.median(scores)) if scores else None
    return out


def _last_year(
    pack: Pack, year: int, archive: Stores, cities: Sequence[str]
) -> dict[str, tuple[float | None, int | None]] | None:
    """Last year's index and rank, computed the same way from last year's stored figures of
    the same pack; None when the archive holds fewer than two cities for that year."""
    spec = index_pack(pack)
    found = archive.submissions(year=year - 1, pack=pack.id, details=True)
    # Last year's cities pass the same data checks, decided by the engine (they are checks of
    # figures within one year, so they are asked as of the pack's year).
    figures: list[tuple[Stored, dict[str, Value]]] = [
        (s, {**s.figures, "city.name": s.city}) for s in found
    ]
    passed = [
        (s, v)
        for s, v in figures
        if not _failed(assess(pack, Submission(pack.id, pack.pack.year, v)))
        and not _sparse(spec, v)
    ]
    if len(passed) < 2:
        return None
    stored = [s for s, _ in passed]
    values = [v for _, v in passed]
    tiers = [_tier(spec, v) for v in values]
    computed = compute(spec, _raw(spec, values), tiers)
    return {
        s.city: (
            None if np.isnan(computed.index[k]) else float(computed.index[k]),
            int(computed.rank[k]) or None,
        )
        for k, s in enumerate(stored)
        if s.city in cities
    }


def shown_value(pack: Pack, ind: Indicator, value: Fraction | None, lang: str) -> str:
    """An indicator's value as a reader sees it: its own field's way for a plain figure,
    else two decimals and the indicator's unit."""
    if value is None:
        return pick(lang, "缺报", "missing")
    if ind.per is None and ind.times == 1:
        return show(pack.field(ind.field), value, lang)
    unit = pick(lang, ind.unit, ind.unit_en)
    return f"{float(value):,.2f}{'' if lang != 'en' or unit == '%' else ' '}{unit}"
