"""The index recomputed under other assumptions: every assumption the pack's `uncertainty:`
lists, each a factor drawn from the unit interval, and the ranks each draw gives.

A draw is a row of uniform numbers in [0, 1), some columns per factor: a weight factor has a
column per weight (× U(1 − s, 1 + s)); a discrete factor (normalisation, aggregation, missing
policy, outlier treatment, the indicator left out) has one, mapped to its k alternatives by
⌊u·k⌋, as Saisana, Saltelli & Tarantola (2005) and COINr's `get_sensitivity` do. Plain random
rows give the rank intervals (`uncertainty`); Saltelli's design of rows gives the Sobol
indices (ipscore/strength/sensitivity.py). The pack's own method is always the first
alternative of every discrete factor, so the published index is always among the draws.

Arithmetic is vectorised over the draws: draws that share a normalisation, missing policy
and outlier treatment share one normalised table. The normalisation itself is index.py's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..packs.index import IndexSpec
from .index import Matrix, _need_a_cohort, _weights, compute, normalise, tier_ranks
from .treat import treat, treat_as


@dataclass(frozen=True)
class Factor:
    """One assumption varied: its name, its words, how many columns of a draw it takes, and
    its alternatives (discrete) or its spread (weights)."""

    name: str
    label: str
    label_en: str
    width: int
    choices: tuple[str, ...] = ()  # discrete: the alternatives, the pack's own first
    spread: float = 0.0  # weights: ± this share of each weight


@dataclass(frozen=True)
class Spread:
    """Each city's rank over the draws: median and the 5th and 95th percentiles."""

    draws: int
    seed: int
    median: NDArray[np.int64]
    low: NDArray[np.int64]
    high: NDArray[np.int64]
    factors: tuple[str, ...] = ()  # the assumptions varied


def _first(own: str, listed: Sequence[str]) -> tuple[str, ...]:
    """The pack's own choice, then the other listed ones (defect 1 of issue 34: a list that
    left the pack's own method out drew only other methods)."""
    return tuple(dict.fromkeys([own, *listed]))


def _own_outliers(spec: IndexSpec) -> str:
    return "none" if spec.outliers is None else spec.outliers.method


def factors(spec: IndexSpec) -> list[Factor]:
    """The assumptions the pack lists that vary, in a fixed order."""
    u = spec.uncertainty
    out: list[Factor] = []
    if u.weight_spread > 0:
        out.append(
            Factor(
                "dimension_weights",
                "方面权重",
                "dimension weights",
                len(spec.dimensions),
                spread=float(u.weight_spread),
            )
        )
    if u.indicator_weight_spread > 0:
        out.append(
            Factor(
                "indicator_weights",
                "指标权重",
                "indicator weights",
                len(spec.indicators),
                spread=float(u.indicator_weight_spread),
            )
        )
    discrete = [
        (
            "normalisation",
            "标准化方法",
            "normalisation",
            _first(spec.normalisation, u.normalisations),
        ),
        ("aggregation", "汇总方法", "aggregation", _first(spec.aggregation, u.aggregations)),
        ("missing", "缺报处理", "missing values", _first(spec.missing, u.missing)),
        ("outliers", "异常值处理", "outlier treatment", _first(_own_outliers(spec), u.outliers)),
    ]
    if u.leave_one_out:
        # An indicator alone in its dimension stays: leaving it out would empty the dimension.
        alone = {d.code for d in spec.dimensions} - {
            i.dimension
            for k, i in enumerate(spec.indicators)
            for j in spec.indicators[k + 1 :]
            if j.dimension == i.dimension
        }
        left = ("none", *(i.id for i in spec.indicators if i.dimension not in alone))
        discrete.append(("leave_one_out", "去掉一个指标", "one indicator left out", left))
    for name, label, label_en, choices in discrete:
        if len(choices) > 1:
            out.append(Factor(name, label, label_en, 1, choices=choices))
    return out


# The outlier treatment of a draw: the table as reported, and the alternative's name → the
# table the draw normalises (treat.treat_as).
Treat = Callable[[IndexSpec, Matrix, str], Matrix]


def ranks_of(
    spec: IndexSpec,
    raw: Matrix,
    tiers: Sequence[str | None],
    draws: Matrix,
    treat: Treat = treat_as,
) -> NDArray[np.int64]:
    """Every city's rank in its tier under each draw (cities × draws; 0: no index)."""
    return tier_ranks(indices_of(spec, raw, draws, treat), tiers)


def indices_of(spec: IndexSpec, raw: Matrix, draws: Matrix, treat: Treat = treat_as) -> Matrix:
    """Every city's index under each draw (cities × draws): rows of `draws` are in [0, 1),
    their columns the factors' in `factors(spec)` order."""
    _need_a_cohort(raw)
    picked = _columns(spec, draws)
    dim_w = picked.get("dimension_weights")
    dim_w = np.tile(_weights(spec), (len(draws), 1)) if dim_w is None else dim_w
    ind_base = np.array([float(i.weight) for i in spec.indicators])
    ind_w = picked.get("indicator_weights")
    ind_w = np.tile(ind_base, (len(draws), 1)) if ind_w is None else ind_w
    chosen = {f.name: picked[f.name] for f in factors(spec) if f.choices}
    left = chosen.get("leave_one_out")
    if left is not None:
        ids = [i.id for i in spec.indicators]
        names = next(f.choices for f in factors(spec) if f.name == "leave_one_out")
        position = np.array([-1, *(ids.index(n) for n in names[1:])])
        rows = np.flatnonzero(left > 0)
        ind_w[rows, position[left[rows]]] = 0.0  # alternative k ≥ 1 leaves its indicator out
    own = {"normalisation": 0, "aggregation": 0, "missing": 0, "outliers": 0}
    keys = [chosen.get(name, np.full(len(draws), own[name])) for name in own]
    choices = {f.name: f.choices for f in factors(spec) if f.choices}
    index = np.empty((raw.shape[0], len(draws)))
    combos = np.stack(keys[:1] + keys[2:], axis=1)  # normalisation, missing, outliers
    for combo in np.unique(combos, axis=0):
        rows = np.flatnonzero(np.all(combos == combo, axis=1))
        method, missing, outliers = (
            _choice(choices, name, int(k), fallback)
            for name, k, fallback in zip(
                ("normalisation", "missing", "outliers"),
                combo,
                (spec.normalisation, spec.missing, _own_outliers(spec)),
                strict=True,
            )
        )
        variant = spec if missing == spec.missing else spec.model_copy(update={"missing": missing})
        normalised = normalise(variant, treat(spec, raw, outliers), method)  # type: ignore[arg-type]
        dims = _dimension_scores(spec, normalised, ind_w[rows])
        geometric = np.array(
            [
                _choice(choices, "aggregation", int(k), spec.aggregation) == "geometric"
                for k in keys[1][rows]
            ]
        )
        index[:, rows] = _aggregate(dims, dim_w[rows], geometric)
    return index


def _choice(choices: dict[str, tuple[str, ...]], name: str, k: int, fallback: str) -> str:
    return choices[name][k] if name in choices else fallback


def _columns(spec: IndexSpec, draws: Matrix) -> dict[str, NDArray[np.float64]]:
    """Each factor's value in each draw: weights (draws × weights) or the alternative's
    position (draws)."""
    out: dict[str, NDArray[np.float64]] = {}
    at = 0
    for f in factors(spec):
        u = draws[:, at : at + f.width]
        at += f.width
        if f.choices:
            out[f.name] = np.minimum(
                (u[:, 0] * len(f.choices)).astype(np.int64), len(f.choices) - 1
            )
            continue
        base = _weights(spec) if f.name == "dimension_weights" else None
        if base is None:
            base = np.array([float(i.weight) for i in spec.indicators])
        w = base * (1 - f.spread + 2 * f.spread * u)
        if f.name == "dimension_weights":
            w = w / w.sum(axis=1, keepdims=True)
        out[f.name] = w
    if at != draws.shape[1]:
        raise ValueError(f"a draw has {draws.shape[1]} columns; the factors take {at}")
    return out


def width(spec: IndexSpec) -> int:
    """Columns of a draw."""
    return sum(f.width for f in factors(spec))


def _dimension_scores(spec: IndexSpec, normalised: Matrix, weights: Matrix) -> Matrix:
    """index.py's `dimension_scores` with a row of indicator weights per draw: cities ×
    dimensions × draws (NaN: nothing to weigh)."""
    present = ~np.isnan(normalised)
    values = np.where(present, normalised, 0.0)
    out = np.empty((normalised.shape[0], len(spec.dimensions), weights.shape[0]))
    for d, dim in enumerate(spec.dimensions):
        picked = [k for k, i in enumerate(spec.indicators) if i.dimension == dim.code]
        w = weights[:, picked].T  # indicators × draws
        total = present[:, picked] @ w
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, d, :] = np.where(total == 0, np.nan, values[:, picked] @ w / total)
    return out


def _aggregate(dims: NDArray[np.float64], weights: Matrix, geometric: NDArray[np.bool_]) -> Matrix:
    """index.py's `aggregate` with dimensions and weights per draw: a geometric draw rescales
    each sub-index s to 1 + 99 s as the published index does (the loader refuses geometric
    beside a normalisation that can go negative), so the pack's own draw is the published
    index; a city with a weighted dimension empty has no index."""
    absent = np.isnan(dims)
    w = weights.T[None, :, :]  # 1 × dimensions × draws
    unweighable = (absent * w).sum(axis=1) > 0
    filled = np.where(absent, 0.0, dims)
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        arithmetic = (filled * w).sum(axis=1) / total * 100
        scaled = 1 + 99 * filled
        logs = np.where(scaled > 0, np.log(np.where(scaled > 0, scaled, 1.0)), np.nan)
        geometric_mean = np.exp((logs * w).sum(axis=1) / total)
    value = np.where(geometric[None, :], geometric_mean, arithmetic)
    return np.where(unweighable, np.nan, value)


def uncertainty(
    spec: IndexSpec, raw: Matrix, tiers: Sequence[str | None], draws: int, seed: int
) -> Spread:
    """Monte Carlo over every assumption the pack lists, as COINr's uncertainty analysis:
    `draws` random rows, each city's median rank and its 5–95% interval. Seeded."""
    _need_a_cohort(raw)
    rng = np.random.default_rng(seed)
    ranks = ranks_of(spec, raw, tiers, rng.random((draws, width(spec))))
    # A draw that gives a city no index (rank 0) has no rank to count: the quantiles are over
    # the draws that rank it (0 only where none does), never "0–3".
    ranked = np.where(ranks > 0, ranks, np.nan).astype(float)
    low, median, high = (
        np.nan_to_num(q, nan=0.0) for q in _nanquantiles(ranked, (0.05, 0.5, 0.95))
    )
    return Spread(
        draws,
        seed,
        median.astype(np.int64),
        low.astype(np.int64),
        high.astype(np.int64),
        tuple(f.name for f in factors(spec)),
    )


def _nanquantiles(values: Matrix, qs: Sequence[float]) -> Matrix:
    """Each row's quantiles (inverted CDF: always a rank that occurred) over its non-NaN
    values; NaN for a row with none."""
    out = np.full((len(qs), values.shape[0]), np.nan)
    rows = ~np.all(np.isnan(values), axis=1)
    if rows.any():
        out[:, rows] = np.nanquantile(values[rows], list(qs), axis=1, method="inverted_cdf")
    return out


def published_ranks(spec: IndexSpec, raw: Matrix, tiers: Sequence[str | None]) -> NDArray[np.int64]:
    """The ranks as published: the figures as reported, treated as the pack says, indexed."""
    return compute(spec, treat(spec, raw)[0], tiers).rank
