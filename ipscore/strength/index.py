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
# Two indices closer than this are a tie: float arithmetic must not break one (0.1 + 0.2).
TIE = 1e-9


@dataclass(frozen=True)
class Computed:
    normalised: Matrix  # cities × indicators; NaN where missing and `missing: reweight`
    dimensions: Matrix  # cities × dimensions, 0–1 (NaN: nothing to weigh)
    index: NDArray[np.float64]  # 0–100 (NaN: nothing to weigh)
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
    if raw.shape[0] < 2:
        raise InputError(
            [
                Problem(
                    f"实力状况评价要在城市之间比较，至少需要2个城市，实际为{raw.shape[0]}个"
                    "（只有一个城市时标准化没有意义）",
                    f"the index compares cities: it needs at least 2, got {raw.shape[0]} "
                    "(normalising one city means nothing)",
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
    """The index, 0–100: the dimensions' weighted arithmetic or geometric mean, over those
    with a value (their weights rescaled). With weights as draws × dimensions, one column of
    indices per draw."""
    w = weights if weights.ndim == 2 else weights[None, :]
    present = ~np.isnan(dims)
    share = present.astype(float) @ w.T  # cities × draws: weight present
    with np.errstate(invalid="ignore", divide="ignore"):
        if spec.aggregation == "geometric":
            logs = np.log(np.where(present, np.maximum(dims, 0.0), 1.0))
            value = np.exp(logs @ w.T / share)
        else:
            value = np.where(present, dims, 0.0) @ w.T / share
    out = np.where(share == 0, np.nan, value * 100)
    return out if weights.ndim == 2 else out[:, 0]


def tier_ranks(index: Matrix, tiers: Sequence[str | None]) -> NDArray[np.int64]:
    """Ranks within each tier for every column (1 is the highest index; equal indices share
    a rank, the next skipped); 0 where a city has no index."""
    ranks = np.zeros(index.shape, dtype=np.int64)
    labels = np.array([t or "" for t in tiers], dtype=object)
    for tier in dict.fromkeys(labels):
        rows = np.flatnonzero(labels == tier)
        values = index[rows]
        valid = ~np.isnan(values)
        filled = np.where(valid, values, -np.inf)
        # For every city: 1 + the number of its tier's cities with a clearly higher index.
        for start in range(0, index.shape[1], 64):  # a slab of draws at a time bounds memory
            part = filled[:, start : start + 64]
            higher = (part[None, :, :] > part[:, None, :] + TIE).sum(axis=1)
            ranks[rows, start : start + 64] = np.where(valid[:, start : start + 64], higher + 1, 0)
    return ranks
