"""Outlier treatment before normalisation, as COINr's `Treat()` does it (`qTreat` defaults:
winsorise up to 5 points, |skew| 2, kurtosis 3.5, else `log_CT_plus`); the OECD/JRC Handbook
on Constructing Composite Indicators (2008), step 5 (normalisation), has highly skewed
indicators transformed first: under min-max one extreme value becomes everyone's benchmark.

One indicator column at a time, over the cities that reported it (NaN stays NaN):

- skewness is the sample skewness G1 = n / ((n−1)(n−2)) · Σ((x − x̄)/s)³ and kurtosis the
  sample excess kurtosis G2 = n(n+1) / ((n−1)(n−2)(n−3)) · Σ((x − x̄)/s)⁴ − 3(n−1)² /
  ((n−2)(n−3)), s the sample standard deviation (n − 1): Excel's SKEW and KURT, e1071's type 2,
  as COINr's `skew()` and `kurt()`. Fewer than 4 values, or all alike: no statistic, no
  treatment.
- a column passes (COINr's `check_SkewKurt`) when |skew| < the pack's `skew` or kurtosis <
  its `kurtosis`; one that fails is winsorised: the most extreme value on the side of the skew
  takes the next value inward, one step at a time, until it passes or `max_points` values have
  changed.
- still failing, the original column is log-transformed instead (COINr applies `f2` to the
  original values): ln(x − min + a) for a positive skew, −ln(max + a − x) for a negative one,
  a = (max − min) / 100 (COINr's `log_CT_plus`), shifted so the lowest value is 0 (see
  `_log`); order is kept, so ranks within the indicator never change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from ..packs.index import IndexSpec, Outliers

Matrix = NDArray[np.float64]
Action = Literal["none", "winsorised", "log", "failed"]


@dataclass(frozen=True)
class Treatment:
    """One indicator's statistics before and after, and what was done: `none` (it passed),
    `winsorised` (`points` values moved to the next inward, the `rows` listed), `log`, or
    `failed` (winsorised to the limit and still failing, with `otherwise: none`)."""

    indicator: str
    skew: float | None
    kurtosis: float | None
    skew_after: float | None
    kurtosis_after: float | None
    action: Action
    points: int = 0
    rows: tuple[int, ...] = ()
    cities: tuple[str, ...] = ()  # the rows' cities, where the caller names them


def moments(column: NDArray[np.float64]) -> tuple[float | None, float | None]:
    """Sample skewness and excess kurtosis (Excel's SKEW and KURT) of the reported values;
    None where fewer than 4 are reported or all are alike."""
    x = column[~np.isnan(column)]
    n = x.size
    if n < 4:
        return None, None
    sd = float(np.std(x, ddof=1))
    if sd == 0:
        return None, None
    z = (x - x.mean()) / sd
    skew = n / ((n - 1) * (n - 2)) * float(np.sum(z**3))
    kurt = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * float(np.sum(z**4)) - 3 * (n - 1) ** 2 / (
        (n - 2) * (n - 3)
    )
    return skew, kurt


def passes(stats: tuple[float | None, float | None], outliers: Outliers) -> bool:
    skew, kurt = stats
    if skew is None or kurt is None:
        return True
    return abs(skew) < float(outliers.skew) or kurt < float(outliers.kurtosis)


def treat(spec: IndexSpec, raw: Matrix) -> tuple[Matrix, tuple[Treatment, ...]]:
    """The pack's own treatment (`index.outliers`) of a cities × indicators table."""
    return treat_with(spec.outliers, raw, [i.id for i in spec.indicators])


def treat_with(
    outliers: Outliers | None, raw: Matrix, ids: Sequence[str]
) -> tuple[Matrix, tuple[Treatment, ...]]:
    """A cities × indicators table treated column by column with `outliers` (None: left as
    it is, the statistics still given), and each column's statistics before and after."""
    out = raw.copy()
    done = []
    for j, name in enumerate(ids):
        column, treatment = _column(outliers, raw[:, j], name)
        out[:, j] = column
        done.append(treatment)
    return out, tuple(done)


def _column(
    outliers: Outliers | None, x: NDArray[np.float64], name: str
) -> tuple[NDArray[np.float64], Treatment]:
    before = moments(x)
    if outliers is None or passes(before, outliers):
        return x, Treatment(name, *before, *before, "none")
    won, rows = _winsorise(x, outliers)
    after = moments(won)
    if passes(after, outliers):
        return won, Treatment(name, *before, *after, "winsorised", len(rows), rows)
    if outliers.otherwise == "none":
        return won, Treatment(name, *before, *after, "failed", len(rows), rows)
    logged = _log(x, before[0] or 0.0)
    return logged, Treatment(name, *before, *moments(logged), "log")


def _winsorise(
    x: NDArray[np.float64], outliers: Outliers
) -> tuple[NDArray[np.float64], tuple[int, ...]]:
    """Winsorised one step at a time on the side of the skew: every city at the extreme takes
    the next value inward; stops once the column passes or `max_points` values moved."""
    won = x.copy()
    moved: set[int] = set()
    while len(moved) < outliers.max_points:
        skew, _ = stats = moments(won)
        if passes(stats, outliers) or skew is None:
            break
        reported = won[~np.isnan(won)]
        extreme = reported.max() if skew > 0 else reported.min()
        at = np.flatnonzero(won == extreme)
        if len(moved | set(at.tolist())) > outliers.max_points:
            break  # moving every tied city would exceed the limit
        rest = reported[reported != extreme]
        won[at] = rest.max() if skew > 0 else rest.min()
        moved |= set(at.tolist())
    return won, tuple(sorted(moved))


def _log(x: NDArray[np.float64], skew: float) -> NDArray[np.float64]:
    """COINr's `log_CT_plus` (ln(x − min + a), or −ln(max + a − x) for a negative skew, with
    a = (max − min)/100), shifted so that the lowest value is 0: the shift changes no min-max or
    z-score, and keeps every value ≥ 0, which a ratio to the best (distance_to_best) and a
    geometric mean of 1 + 99 s need (COINr's own can go below 0 when the range is under 100)."""
    low, high = np.nanmin(x), np.nanmax(x)
    a = (high - low) / 100
    if skew >= 0:
        result: NDArray[np.float64] = np.log((x - low + a) / a)
    else:
        result = np.log((high - low + a) / (high + a - x))
    return result


def treat_as(spec: IndexSpec, raw: Matrix, how: str) -> Matrix:
    """One Monte Carlo draw's outlier treatment (`uncertainty.outliers`): `none` leaves the
    figures as reported; `winsorise` is the pack's own `outliers` (COINr's defaults where the
    pack sets none), with its fallback; `log` log-transforms every column that fails the
    test, without winsorising."""
    if how == "none":
        return raw
    rule = spec.outliers or Outliers()
    if how == "winsorise":
        return treat_with(rule, raw, [i.id for i in spec.indicators])[0]
    out = raw.copy()
    for j in range(raw.shape[1]):
        before = moments(raw[:, j])
        if not passes(before, rule):
            out[:, j] = _log(raw[:, j], before[0] or 0.0)
    return out
