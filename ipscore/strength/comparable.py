"""Comparable years (`index.comparable`): each indicator's min-max bounds fixed from a base
year's cohort, so that one year's index and another's are on one scale.

Min-max over each year's own cohort makes this year's 1 the best city of this year and last
year's 1 the best of last year: the two indices measure different things. With the bounds of
one base year kept for every year (the OECD/JRC Handbook on Constructing Composite Indicators,
2008, step 5: over time, min-max takes one minimum and maximum for every year, not each
year's own), a year whose value passes the base year's best normalises above 1, one below
its worst below 0, and the index moves with the figures, not with the cohort. The within-year
index and rank stay as they are; the comparable index is given beside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from ..packs.index import IndexSpec, Reference
from .index import compute

Matrix = NDArray[np.float64]


def bounds(spec: IndexSpec, treated: Matrix) -> dict[str, Reference]:
    """Each indicator's worst and best over the base year's (treated) cohort: the lowest and
    the highest reported value, the other way round where lower is better. An indicator all
    alike, or reported by no city, gets a span of 1 ending at its value, so that the base
    year's cities sit at its best (1) as min-max has them."""
    out = {}
    for j, ind in enumerate(spec.indicators):
        column = treated[:, j][~np.isnan(treated[:, j])]
        low = float(column.min()) if column.size else 0.0
        high = float(column.max()) if column.size else 0.0
        if high == low:
            low, high = (high - 1, high) if ind.direction == "higher" else (low, low + 1)
        worst, best = (low, high) if ind.direction == "higher" else (high, low)
        out[ind.id] = Reference(worst=Decimal(worst), best=Decimal(best))
    return out


def on_fixed_scale(spec: IndexSpec, refs: dict[str, Reference]) -> IndexSpec:
    """The pack's method with the base year's bounds in place of each year's min-max."""
    return spec.model_copy(update={"normalisation": "reference", "reference": refs})


def comparable_index(
    spec: IndexSpec, treated: Matrix, tiers: Sequence[str | None], refs: dict[str, Reference]
) -> NDArray[np.float64]:
    """Every city's index on the base year's scale (NaN: nothing to weigh)."""
    return compute(on_fixed_scale(spec, refs), treated, tiers).index
