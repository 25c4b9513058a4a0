"""A city's strength index year by year from the archive (`ipscore history CITY --pack` with an
index pack): each year's index and rank within that year's tier, computed from that year's
stored cohort as `ipscore strength` computes it, and, where the pack fixes comparable bounds
(`index.comparable`), the index on the base year's scale, which can be compared across years.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..packs import Pack
from .comparable import comparable_index
from .evaluation import _base_bounds, _raw, _stored, _tier, index_pack
from .index import compute
from .treat import treat

if TYPE_CHECKING:
    from ..record.history import Stores


@dataclass(frozen=True)
class IndexYear:
    year: int
    index: float | None
    rank: int | None  # within the year's tier
    of: int  # cities ranked in the tier that year
    comparable: float | None  # on the base year's scale (None: the pack fixes none)
    ranked: bool = True  # False: stored that year but failed a data check or reported too little

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "index": self.index,
            "rank_in_tier": self.rank,
            "cities_in_tier": self.of,
            "comparable_index": self.comparable,
            "ranked": self.ranked,
        }


def index_years(pack: Pack, archive: Stores, city: str) -> list[IndexYear]:
    """Every year the archive holds the city and at least two cities of the pack whose data
    checks pass, oldest first; a year the city's own figures failed a check (or reported too
    little) is listed as not ranked, with the tier's ranked cities, not left out."""
    spec = index_pack(pack)
    years = sorted({s.year for s in archive.submissions(city=city, pack=pack.id)})
    out = []
    for year in years:
        passed = _stored(pack, year, archive)
        names = [s.city for s, _ in passed]
        if len(passed) < 2:
            continue
        values = [v for _, v in passed]
        tiers = [_tier(spec, v) for v in values]
        if city not in names:
            own = archive.submissions(city=city, year=year, pack=pack.id, details=True)
            tier = _tier(spec, own[0].figures) if own else None
            out.append(IndexYear(year, None, None, tiers.count(tier), None, ranked=False))
            continue
        raw = treat(spec, _raw(spec, values))[0]
        computed = compute(spec, raw, tiers)
        refs = _base_bounds(pack, year, raw, archive)
        fixed = None if refs is None else comparable_index(spec, raw, tiers, refs)
        k = names.index(city)
        out.append(
            IndexYear(
                year,
                None if np.isnan(computed.index[k]) else float(computed.index[k]),
                int(computed.rank[k]) or None,
                sum(1 for t, r in zip(tiers, computed.rank, strict=True) if t == tiers[k] and r),
                None if fixed is None or np.isnan(fixed[k]) else float(fixed[k]),
            )
        )
    return out
