"""The audit of a strength index, as a statistician signing it off would ask for it: each
indicator's statistics and outlier flag, the correlations (indicator–indicator, indicator–
dimension, dimension–index), Cronbach's alpha per dimension and overall, the principal
components' shares of the variance, each dimension's effective weight, and for each city the
indicators that move its rank most.

Pure NumPy over the cohort's table of values and the normalised matrix the index computes
(`index.compute`). Methods after the OECD-JRC Handbook on Constructing Composite Indicators
(2008) and the JRC's COINr (`get_stats`, `get_corr`, `get_cronbach`, `get_PCA`); each is stated
with its estimator in docs/strength-audit.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..packs.index import IndexSpec
from .index import Matrix, compute

# COINr's outlier flag (get_stats: t_skew = 2, t_kurt = 3.5): |skew| > 2 and kurtosis > 3.5.
SKEW_LIMIT = 2.0
KURT_LIMIT = 3.5
# How many indicators are listed per city as moving its rank most.
MOVERS = 3
# Correlation, alpha, components and effective weights need 3 cities with the figures: with 2,
# every r is ±1, α of min-max values 1, the first component 100%, the effective weights the
# nominal ones, whatever the figures (shown as "—").
MIN_CITIES = 3


@dataclass(frozen=True)
class IndicatorStats:
    """One indicator over the cities that reported it (its value as the pack defines it)."""

    id: str
    n: int  # cities that reported it
    availability: float  # n ÷ cities in the cohort
    mean: float | None
    sd: float | None  # sample (n − 1)
    skew: float | None  # adjusted Fisher–Pearson G1 (Excel SKEW, e1071 type 2; n ≥ 3)
    kurtosis: float | None  # excess G2 (Excel KURT, e1071 type 2; n ≥ 4)
    low: float | None
    high: float | None

    @property
    def outlier(self) -> bool:
        """COINr's flag: |skew| > 2 and kurtosis > 3.5."""
        return (
            self.skew is not None
            and self.kurtosis is not None
            and abs(self.skew) > SKEW_LIMIT
            and self.kurtosis > KURT_LIMIT
        )


@dataclass(frozen=True)
class Alpha:
    """Cronbach's alpha of a group of indicators, over the cities with all of them."""

    value: float | None  # None: fewer than 2 indicators or 3 cities, or no variance
    items: int
    cities: int


@dataclass(frozen=True)
class Mover:
    """City `city`'s rank and index with indicator `indicator` at the cohort's median."""

    indicator: str
    rank: int  # as computed
    rank_at_median: int
    index: float
    index_at_median: float


@dataclass(frozen=True)
class Audit:
    indicators: tuple[str, ...]
    dimensions: tuple[str, ...]
    cities: tuple[str, ...]
    stats: tuple[IndicatorStats, ...]
    correlation: Matrix  # indicators × indicators, Pearson, pairwise complete
    with_dimensions: Matrix  # indicators × dimensions
    with_index: NDArray[np.float64]  # dimensions: each dimension with the index
    alpha: dict[str, Alpha]  # dimension code → alpha; "" → every indicator
    components: NDArray[np.float64]  # variance shares of the principal components, largest first
    components_cities: int  # the cities PCA used (all values present)
    nominal: NDArray[np.float64]  # the pack's dimension weights
    effective: NDArray[np.float64]  # cov(w_d·D_d, I) / var(I)
    main_effect: NDArray[np.float64]  # corr(D_d, I)² (the linear correlation ratio)
    movers: dict[str, tuple[Mover, ...]]  # city → its indicators that move its rank most


def audit(
    spec: IndexSpec,
    raw: Matrix,
    tiers: Sequence[str | None],
    cities: Sequence[str],
    reported: Matrix | None = None,
) -> Audit:
    """The audit of the index `compute` gives for this cohort (cities × indicators as the
    index reads them, outliers treated; NaN where a city reported nothing). The indicator
    statistics describe the figures `reported`, before any outlier treatment, so that the
    outlier flag says what the treatment was for."""
    done = compute(spec, raw, tiers)
    ids = tuple(i.id for i in spec.indicators)
    codes = tuple(d.code for d in spec.dimensions)
    nominal = np.array([float(d.weight) for d in spec.dimensions])
    index = done.index / 100
    alphas = {
        d.code: cronbach(
            done.normalised[:, [k for k, i in enumerate(spec.indicators) if i.dimension == d.code]]
        )
        for d in spec.dimensions
    }
    alphas[""] = cronbach(done.normalised)
    shares, used = components(done.normalised)
    return Audit(
        ids,
        codes,
        tuple(cities),
        tuple(
            indicator_stats(i, (raw if reported is None else reported)[:, k])
            for k, i in enumerate(ids)
        ),
        correlation(done.normalised, done.normalised),
        correlation(done.normalised, done.dimensions),
        correlation(done.dimensions, index[:, None])[:, 0],
        alphas,
        shares,
        used,
        nominal,
        effective_weights(done.dimensions, nominal, index),
        correlation(done.dimensions, index[:, None])[:, 0] ** 2,
        movers(spec, raw, tiers, cities),
    )


def indicator_stats(id: str, column: NDArray[np.float64]) -> IndicatorStats:
    """COINr's `get_stats` columns: n, share available, mean, sd (n − 1), skew and excess
    kurtosis (its `skew`/`kurt`, e1071 type 2, as Excel's SKEW and KURT), min, max."""
    x = column[~np.isnan(column)]
    n = x.size
    if n == 0:
        return IndicatorStats(id, 0, 0.0, None, None, None, None, None, None)
    mean = float(x.mean())
    d = x - mean
    m2 = float((d**2).mean())
    skew = kurt = None
    if m2 > 0 and n >= 3:
        g1 = float((d**3).mean()) / m2**1.5
        skew = g1 * (n * (n - 1)) ** 0.5 / (n - 2)
    if m2 > 0 and n >= 4:
        g2 = float((d**4).mean()) / m2**2 - 3
        kurt = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))
    return IndicatorStats(
        id,
        n,
        n / column.size,
        mean,
        float(x.std(ddof=1)) if n >= 2 else None,
        skew,
        kurt,
        float(x.min()),
        float(x.max()),
    )


def correlation(a: Matrix, b: Matrix) -> Matrix:
    """Pearson's r of every column of `a` with every column of `b`, each pair over the rows
    where both have a value (COINr: `use = "pairwise.complete.obs"`); NaN where fewer than 2
    rows or a column does not vary. Two rows are too few: any two cities that differ give
    r = ±1 (two points always lie on a line), a figure about nothing; so NaN below 3."""
    out = np.full((a.shape[1], b.shape[1]), np.nan)
    for j in range(a.shape[1]):
        for k in range(b.shape[1]):
            both = ~np.isnan(a[:, j]) & ~np.isnan(b[:, k])
            x, y = a[both, j], b[both, k]
            if x.size < MIN_CITIES:
                continue
            dx, dy = x - x.mean(), y - y.mean()
            scale = np.sqrt((dx**2).sum() * (dy**2).sum())
            if scale > 0:
                out[j, k] = float((dx * dy).sum() / scale)
    return out


def cronbach(values: Matrix) -> Alpha:
    """α = k/(k − 1) · (1 − Σσ²ᵢ / σ²ₜ): k indicators, σ²ᵢ each one's variance, σ²ₜ the
    variance of their sum, over the cities with all k (COINr `get_cronbach`)."""
    complete = values[~np.isnan(values).any(axis=1)]
    k, n = values.shape[1], complete.shape[0]
    if k < 2 or n < MIN_CITIES:
        return Alpha(None, k, n)
    total = float(complete.sum(axis=1).var(ddof=1))
    if total == 0:
        return Alpha(None, k, n)
    items = float(complete.var(axis=0, ddof=1).sum())
    return Alpha(k / (k - 1) * (1 - items / total), k, n)


def components(values: Matrix) -> tuple[NDArray[np.float64], int]:
    """The principal components' shares of the variance of the standardised indicators (the
    correlation matrix), largest first, by singular value decomposition; over the cities with
    every value, indicators that do not vary left out."""
    complete = values[~np.isnan(values).any(axis=1)]
    n = complete.shape[0]
    if n < MIN_CITIES:  # two cities: one component, 100% whatever the figures
        return np.array([]), n
    sd = complete.std(axis=0, ddof=1)
    varying = complete[:, sd > 0]
    if varying.shape[1] == 0:
        return np.array([]), n
    z = (varying - varying.mean(axis=0)) / varying.std(axis=0, ddof=1)
    singular = np.linalg.svd(z, compute_uv=False)[: n - 1]  # centred: at most n − 1 components
    power = singular**2
    return power / power.sum(), n


def effective_weights(
    dims: Matrix, nominal: NDArray[np.float64], index: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Each dimension's share of the index's variance, cov(w_d·D_d, I) / var(I) over the
    cities with every dimension (Paruolo, Saisana & Saltelli 2013 compare such shares with the
    nominal weights). Under arithmetic aggregation with weights summing to 1 the shares sum
    to 1; a share can be negative when a dimension runs against the others."""
    rows = ~np.isnan(dims).any(axis=1) & ~np.isnan(index)
    d, i = dims[rows], index[rows]
    if i.size < MIN_CITIES or i.var() == 0:
        return np.full(nominal.size, np.nan)
    centred = i - i.mean()
    cov = ((d - d.mean(axis=0)) * centred[:, None]).mean(axis=0) * nominal
    result: NDArray[np.float64] = cov / (centred**2).mean()
    return result


def movers(
    spec: IndexSpec, raw: Matrix, tiers: Sequence[str | None], cities: Sequence[str]
) -> dict[str, tuple[Mover, ...]]:
    """For each city, the indicators whose value, set to the cohort's median of that indicator
    (the cohort then normalised afresh), moves its rank within its tier most — at most
    `MOVERS`, by the rank's move and then the index's, those that change neither left out."""
    base = compute(spec, raw, tiers)
    medians = [
        float(np.median(col[~np.isnan(col)])) if (~np.isnan(col)).any() else np.nan for col in raw.T
    ]
    out: dict[str, tuple[Mover, ...]] = {}
    for c, city in enumerate(cities):
        if not base.rank[c]:
            out[city] = ()
            continue
        found = []
        for j, ind in enumerate(spec.indicators):
            if np.isnan(medians[j]) or raw[c, j] == medians[j]:
                continue
            changed = raw.copy()
            changed[c, j] = medians[j]
            after = compute(spec, changed, tiers)
            move = Mover(
                ind.id,
                int(base.rank[c]),
                int(after.rank[c]),
                float(base.index[c]),
                float(after.index[c]),
            )
            # Its own index may stay while others' move past it: either counts.
            if move.rank_at_median != move.rank or abs(move.index_at_median - move.index) > 1e-9:
                found.append(move)
        found.sort(
            key=lambda m: (-abs(m.rank_at_median - m.rank), -abs(m.index_at_median - m.index))
        )
        out[city] = tuple(found[:MOVERS])
    return out


def _num(value: float | None, places: int = 4) -> float | None:
    return None if value is None or np.isnan(value) else round(float(value), places)


def audit_dict(a: Audit) -> dict[str, object]:
    """The audit in the JSON shape: every figure rounded to 4 places (NaN as null)."""
    return {
        "estimators": {
            "skew": "adjusted Fisher-Pearson G1 (COINr skew, e1071 type 2)",
            "kurtosis": "excess G2 (COINr kurt, e1071 type 2)",
            "outlier": f"|skew| > {SKEW_LIMIT:g} and kurtosis > {KURT_LIMIT:g} (COINr get_stats)",
            "correlation": "Pearson on the normalised values, pairwise complete",
            "alpha": "k/(k-1)*(1 - sum var_i / var_total), cities with all values",
            "components": "variance shares of the standardised indicators (SVD)",
            "effective_weight": "cov(w_d*D_d, I) / var(I)",
            "main_effect": "corr(D_d, I)^2",
            "movers": "rank in tier with the indicator at the cohort median",
        },
        "indicators": [
            {
                "id": s.id,
                "n": s.n,
                "availability": _num(s.availability),
                "mean": _num(s.mean),
                "sd": _num(s.sd),
                "skew": _num(s.skew),
                "kurtosis": _num(s.kurtosis),
                "min": _num(s.low),
                "max": _num(s.high),
                "outlier": s.outlier,
            }
            for s in a.stats
        ],
        "correlation": {
            i: {j: _num(a.correlation[k, m]) for m, j in enumerate(a.indicators)}
            for k, i in enumerate(a.indicators)
        },
        "indicator_dimension": {
            i: {d: _num(a.with_dimensions[k, m]) for m, d in enumerate(a.dimensions)}
            for k, i in enumerate(a.indicators)
        },
        "dimension_index": {d: _num(a.with_index[m]) for m, d in enumerate(a.dimensions)},
        "alpha": {
            (code or "overall"): {"alpha": _num(x.value), "indicators": x.items, "cities": x.cities}
            for code, x in a.alpha.items()
        },
        "components": {
            "shares": [_num(x) for x in a.components],
            "cities": a.components_cities,
        },
        "weights": {
            d: {
                "nominal": _num(a.nominal[m]),
                "effective": _num(a.effective[m]),
                "main_effect": _num(a.main_effect[m]),
            }
            for m, d in enumerate(a.dimensions)
        },
        "movers": {
            city: [
                {
                    "indicator": m.indicator,
                    "rank": m.rank,
                    "rank_at_median": m.rank_at_median,
                    "index": _num(m.index),
                    "index_at_median": _num(m.index_at_median),
                }
                for m in moved
            ]
            for city, moved in a.movers.items()
        },
    }
