"""The composite strength index over a cohort of cities, vectorised (NumPy): normalisation,
weighting, aggregation and ranks within each tier (the Monte Carlo over the assumptions is
ipscore/strength/montecarlo.py).

Pure arithmetic on a cities × indicators table of values (NaN where a city has none); which
cities enter and what their figures are is decided before (ipscore/strength.py, the engine's
data checks). Methods after the OECD/JRC Handbook on Constructing Composite Indicators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError, Problem
from ..packs.index import IndexSpec, Normalisation

Matrix = NDArray[np.float64]
# Two indices less than this apart are a tie: float arithmetic must not break one (0.1 + 0.2
# is 0.30000000000000004). Ties are clusters (tier_ranks), so they are transitive.
TIE = 1e-9


@dataclass(frozen=True)
class Computed:
    normalised: Matrix  # cities × indicators; NaN where missing and `missing: reweight`
    dimensions: Matrix  # cities × dimensions, 0–1 (NaN: nothing to weigh)
    index: NDArray[np.float64]  # 0–100 (NaN: a dimension with nothing to weigh)
    rank: NDArray[np.int64]  # within the tier, 1 best, ties share; 0 for no index


def compute(
    spec: IndexSpec,
    raw: Matrix,
    tiers: Sequence[str | None],
    method: Normalisation | None = None,
    weights: NDArray[np.float64] | None = None,
) -> Computed:
    """The index of every city of the cohort; `method` and `weights` override the pack's."""
    _need_a_cohort(raw)
    normalised = normalise(spec, raw, method or spec.normalisation)
    dims = dimension_scores(spec, normalised)
    index = aggregate(spec, dims, _weights(spec) if weights is None else weights)
    return Computed(normalised, dims, index, tier_ranks(index[:, None], tiers)[:, 0])


def _need_a_cohort(raw: Matrix) -> None:
    need_a_cohort(raw.shape[0])


def need_a_cohort(count: int, left_out: Sequence[tuple[str, str]] = ()) -> None:
    """At least two cities to compare; else one message that names every city left out and
    why (`left_out`: each city's reasons in Chinese and English), so that a user who filed
    two files and sees "1" knows which one to fix."""
    if count >= 2:
        return
    zh = "；".join(z for z, _ in left_out)
    en = "; ".join(e for _, e in left_out)
    raise InputError(
        [
            Problem(
                f"实力状况评价要在城市之间比较，至少需要2个城市，实际为{count}个"
                "（只有一个城市时标准化没有意义）" + (f"。未参加排名：{zh}" if zh else ""),
                f"the index compares cities: it needs at least 2, got {count} "
                "(normalising one city means nothing)" + (f". Not ranked: {en}" if en else ""),
            )
        ]
    )


def _weights(spec: IndexSpec) -> NDArray[np.float64]:
    return np.array([float(d.weight) for d in spec.dimensions])


def normalise(spec: IndexSpec, raw: Matrix, method: Normalisation) -> Matrix:
    """Each indicator column on a common scale, higher always better. Statistics are taken
    over the cities that reported it; a missing value then counts as the worst there is (0,
    or the cohort's lowest where that is lower) unless the pack reweights instead."""
    lower = np.array([i.direction == "lower" for i in spec.indicators])
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "min_max":
            low, high = _nan_stat(np.nanmin, raw), _nan_stat(np.nanmax, raw)
            span = high - low
            out = np.where(lower, high - raw, raw - low) / np.where(span == 0, 1, span)
            out = np.where(span == 0, 1.0, out)  # every city alike: every city at the best
        elif method == "distance_to_best":
            high, low = _nan_stat(np.nanmax, raw), _nan_stat(np.nanmin, raw)
            up = np.where(high == 0, 1.0, raw / np.where(high == 0, 1, high))
            down = np.where(raw == 0, 1.0, low / np.where(raw == 0, 1, raw))
            out = np.where(lower, down, up)
        elif method == "z_score":
            mean, sd = _nan_stat(np.nanmean, raw), _nan_stat(np.nanstd, raw)
            z = (raw - mean) / np.where(sd == 0, 1, sd)
            out = np.where(sd == 0, 0.0, np.where(lower, -z, z))
        else:
            worst = np.array([float(spec.reference[i.id].worst) for i in spec.indicators])
            best = np.array([float(spec.reference[i.id].best) for i in spec.indicators])
            out = (raw - worst) / (best - worst)
    out = np.where(np.isnan(raw), np.nan, out)
    if spec.missing == "worst":
        floor = np.minimum(0.0, _nan_stat(np.nanmin, out))
        out = np.where(np.isnan(raw), floor, out)
    return out


def _nan_stat(stat: object, raw: Matrix) -> NDArray[np.float64]:
    """A column statistic over the reported values; 0 for a column nobody reported."""
    empty = np.all(np.isnan(raw), axis=0)
    result: NDArray[np.float64] = stat(np.where(empty, 0.0, raw), axis=0)  # type: ignore[operator]
    return result


def dimension_scores(spec: IndexSpec, normalised: Matrix) -> Matrix:
    """Each dimension: the weighted mean of its indicators that have a value."""
    columns = []
    for dim in spec.dimensions:
        picked = [k for k, i in enumerate(spec.indicators) if i.dimension == dim.code]
        values = normalised[:, picked]
        weights = np.array([float(spec.indicators[k].weight) for k in picked])
        present = ~np.isnan(values)
        total = (present * weights).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(present, values, 0.0) @ weights / total
        columns.append(np.where(total == 0, np.nan, mean))
    return np.column_stack(columns)


def aggregate(spec: IndexSpec, dims: Matrix, weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """The index: the dimensions' weighted arithmetic mean × 100 (0–100), or their weighted
    geometric mean once each sub-index s (0–1) is rescaled to 1 + 99 s (1–100), as COINr
    normalises to [1, 100] before `a_gmean`: a sub-index of 0 would otherwise make the index 0
    whatever the other dimensions (and two such cities tie). Nothing is clamped: a value the
    logarithm cannot take gives no index (the pack loader refuses the normalisations that
    can go negative with a geometric mean). A city with a dimension that has no value has no
    index (NaN), never the other dimensions' mean. With weights as draws × dimensions, one
    column of indices per draw."""
    w = weights if weights.ndim == 2 else weights[None, :]
    absent = np.isnan(dims)
    unweighable = absent.astype(float) @ w.T > 0  # cities × draws: a weighted dimension empty
    filled = np.where(absent, 0.0, dims)
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if spec.aggregation == "geometric":
            scaled = 1 + 99 * filled
            logs = np.where(scaled > 0, np.log(np.where(scaled > 0, scaled, 1.0)), np.nan)
            value = np.exp(logs @ w.T / total)
        else:
            value = filled @ w.T / total * 100
    out = np.where(unweighable, np.nan, value)
    return out if weights.ndim == 2 else out[:, 0]


def tier_ranks(index: Matrix, tiers: Sequence[str | None]) -> NDArray[np.int64]:
    """Ranks within each tier for every column (1 is the highest index; tied cities share a
    rank, the next ones skipped); 0 where a city has no index.

    A tie is a cluster: the tier's indices sorted from the highest, each one less than TIE
    below the one before joins its cluster, and every city of a cluster takes the rank of
    its first. So two indices less than TIE apart always share a rank (float noise never
    breaks a tie), and sharing a rank is transitive: three cities 6e-10 apart rank 1, 1, 1,
    where "1 + the cities more than TIE higher" gave 1, 1, 2 (a tie that is and is not one).
    The exact index cannot decide instead: under z-scores (a square root) or a geometric
    mean it is not a rational number of the exact figures."""
    ranks = np.zeros(index.shape, dtype=np.int64)
    labels = np.array([t or "" for t in tiers], dtype=object)
    for tier in dict.fromkeys(labels):
        rows = np.flatnonzero(labels == tier)
        values = index[rows]
        valid = ~np.isnan(values)
        filled = np.where(valid, values, -np.inf)
        order = np.argsort(-filled, axis=0, kind="stable")  # per column, highest first
        ranked = np.take_along_axis(filled, order, axis=0)
        starts = np.ones(ranked.shape, dtype=bool)  # where a new cluster starts
        with np.errstate(invalid="ignore"):  # −inf − (−inf): cities without an index
            starts[1:] = ~(ranked[:-1] - ranked[1:] < TIE)
        position = np.arange(1, rows.size + 1)[:, None]
        first = np.maximum.accumulate(np.where(starts, position, 0), axis=0)
        rank = np.empty_like(first)
        np.put_along_axis(rank, order, first, axis=0)
        ranks[rows] = np.where(valid, rank, 0)
    return ranks
