"""实力状况评价: a cohort of cities' figures → the engine's data checks → the composite index
(ipscore/index.py), each city's dimensions, index and rank within its tier; with an archive,
last year's index and rank from last year's stored figures; with draws, how robust each rank is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
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
from ..packs.index import IndexSpec, Indicator, Reference
from ..text import pick
from ..verdicts import UNMET
from .audit import Audit, audit, audit_dict
from .availability import Shortfall, shortfalls
from .comparable import bounds, comparable_index
from .index import Computed, compute, need_a_cohort
from .montecarlo import Spread, uncertainty
from .sensitivity import Sensitivity, sensitivity
from .treat import Treatment, treat

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
    comparable: float | None = None  # the index on the base year's scale (index.comparable)
    last_comparable: float | None = None  # last year's, on the same scale

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
    sensitivity: Sensitivity | None = None  # Sobol indices of the assumptions (--sensitivity)
    varied: tuple[str, ...] = ()  # the assumptions the draws varied
    audit: Audit | None = None  # `--audit`: the index's statistics (strength/audit.py)
    treatment: tuple[Treatment, ...] = ()  # each indicator's outlier statistics and treatment
    comparable_base: int | None = None  # the base year whose bounds the comparable index uses

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
            "comparable": None
            if self.comparable_base is None
            else {"base_year": self.comparable_base},
            "uncertainty": {"draws": self.draws, "seed": self.seed, "varied": list(self.varied)}
            if self.draws
            else None,
            "sensitivity": None if self.sensitivity is None else self.sensitivity.to_dict(),
            "cities": [
                {
                    "city": c.city,
                    "province": c.province,
                    "tier": c.tier,
                    "source": c.source,
                    "index": c.index,
                    "rank_in_tier": c.rank,
                    "comparable_index": c.comparable,
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
                        "comparable_index": c.last_comparable,
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
            "outliers": [
                {
                    "indicator": t.indicator,
                    "skew": t.skew,
                    "kurtosis": t.kurtosis,
                    "treatment": t.action,
                    "points": t.points,
                    "cities": list(t.cities),
                    "skew_after": t.skew_after,
                    "kurtosis_after": t.kurtosis_after,
                }
                for t in self.treatment
            ]
            if spec.outliers is not None
            else None,
            "inputs": [
                {"city": a.city, "file": i.path, "sha256": i.sha256, "note": i.note}
                for a in self.checked
                for i in a.inputs
            ],
            **({"audit": audit_dict(self.audit)} if self.audit is not None else {}),
            "ipscore_version": __version__,
            "produced_at": produced_at,
        }


def audited(s: Strength) -> Strength:
    """The evaluation with its audit: the ranked cities' values as reported, and as the index
    read them (outliers treated)."""
    raw = np.array(
        [
            [np.nan if (v := c.values[i.id]) is None else float(v) for i in s.spec.indicators]
            for c in s.cities
        ],
        dtype=float,
    ).reshape(len(s.cities), len(s.spec.indicators))
    treated, _ = treat(s.spec, raw)
    found = audit(s.spec, treated, [c.tier for c in s.cities], [c.city for c in s.cities], raw)
    return replace(s, audit=found)


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
    base: int = 0,
) -> Strength:
    """Every city in the files: its data checked by the engine, then the cohort indexed; with
    `draws`, each rank's interval over the assumptions; with `base`, their Sobol indices."""
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
        checked.append((a, s.values, _failed(a), _sparse(spec, s.values, pack)))
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
    reported = _raw(spec, values)
    raw, treated = treat(spec, reported)  # outliers treated before normalising
    names = [a.city for a, _ in kept]
    treatment = tuple(replace(t, cities=tuple(names[k] for k in t.rows)) for t in treated)
    computed = compute(spec, raw, tiers)
    # The draws start from the figures as reported: outlier treatment is one of the assumptions.
    spread = uncertainty(spec, reported, tiers, draws, seed) if draws else None
    sobol = sensitivity(spec, reported, tiers, base, seed) if base else None
    refs = _base_bounds(pack, year, raw, archive)
    last = _last_year(pack, year, archive, names, refs) if archive else None
    fixed = None if refs is None else comparable_index(spec, raw, tiers, refs)
    cities = [
        _city(spec, a, v, k, computed, tiers, spread, last, fixed) for k, (a, v) in enumerate(kept)
    ]
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
        sensitivity=sobol,
        varied=spread.factors if spread else (),
        treatment=treatment,
        comparable_base=None
        if refs is None or spec.comparable is None
        else spec.comparable.base_year,
    )


def _sparse(
    spec: IndexSpec, values: Mapping[str, Value], pack: Pack | None = None
) -> tuple[Shortfall, ...]:
    return shortfalls(
        spec,
        [indicator_value(i, values) is not None for i in spec.indicators],
        None if pack is None else _divisors_lacking(pack, spec, values),
    )


def _divisors_lacking(
    pack: Pack, spec: IndexSpec, values: Mapping[str, Value]
) -> dict[str, tuple[str, str]]:
    """Each indicator whose own figure was filed but whose divisor (`per`) was not, or is 0:
    the divisor's label and what is wrong with it (a city that left out its population lacks
    every per-capita indicator, and must be told to file the population)."""
    out = {}
    for ind in spec.indicators:
        if ind.per is None or values.get(ind.field) is None:
            continue
        per = pack.field(ind.per)
        if values.get(ind.per) is None:
            out[ind.id] = (f"缺{per.label}", f"{per.label_en} missing")
        elif Fraction(values[ind.per]) == 0:
            out[ind.id] = (f"{per.label}为0", f"{per.label_en} is 0")
    return out


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
    last: dict[str, tuple[float | None, int | None, float | None]] | None,
    fixed: np.ndarray | None = None,
) -> CityStrength:
    index = float(computed.index[k])
    before = None if last is None else last.get(a.city)
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
        None if before is None else before[:2],
        None if fixed is None or np.isnan(fixed[k]) else float(fixed[k]),
        None if before is None else before[2],
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


def _stored(pack: Pack, year: int, archive: Stores) -> list[tuple[Stored, dict[str, Value]]]:
    """A year's stored figures of the pack whose data checks pass, decided by the engine (they
    are checks of figures within one year, so they are asked as of the pack's year), and that
    report enough to be ranked (the pack's availability thresholds)."""
    spec = index_pack(pack)
    found = archive.submissions(year=year, pack=pack.id, details=True)
    figures: list[tuple[Stored, dict[str, Value]]] = [
        (s, {**s.figures, "city.name": s.city}) for s in found
    ]
    return [
        (s, v)
        for s, v in figures
        if not _failed(assess(pack, Submission(pack.id, pack.pack.year, v)))
        and not _sparse(spec, v)
    ]


def _base_bounds(
    pack: Pack, year: int, treated: np.ndarray, archive: Stores | None
) -> dict[str, Reference] | None:
    """The comparable index's bounds (index.comparable): the base year's cohort, this one's
    when it is the year evaluated, else the archive's; None without them."""
    spec = index_pack(pack)
    if spec.comparable is None:
        return None
    base = spec.comparable.base_year
    if base == year:
        return bounds(spec, treated)
    passed = _stored(pack, base, archive) if archive else []
    if len(passed) < 2:
        return None
    return bounds(spec, treat(spec, _raw(spec, [v for _, v in passed]))[0])


def _last_year(
    pack: Pack,
    year: int,
    archive: Stores,
    cities: Sequence[str],
    refs: dict[str, Reference] | None = None,
) -> dict[str, tuple[float | None, int | None, float | None]] | None:
    """Last year's index and rank, computed the same way from last year's stored figures of
    the same pack, and its comparable index on the bounds `refs`; None when the archive holds
    fewer than two cities for that year."""
    spec = index_pack(pack)
    passed = _stored(pack, year - 1, archive)
    if len(passed) < 2:
        return None
    stored = [s for s, _ in passed]
    values = [v for _, v in passed]
    tiers = [_tier(spec, v) for v in values]
    raw = treat(spec, _raw(spec, values))[0]
    computed = compute(spec, raw, tiers)
    fixed = None if refs is None else comparable_index(spec, raw, tiers, refs)
    return {
        s.city: (
            None if np.isnan(computed.index[k]) else float(computed.index[k]),
            int(computed.rank[k]) or None,
            None if fixed is None or np.isnan(fixed[k]) else float(fixed[k]),
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
