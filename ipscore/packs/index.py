"""Index packs (`kind: index`): a composite index of objective results across a cohort of
cities, the plan's 实力状况评价 (四（二）). The pack's fields, data checks and plausibility
warnings are an ordinary pack's, decided by the engine; `index:` declares the arithmetic —
indicators, the dimensions they form, how values are normalised over the cohort, how they are
weighted and aggregated, and what a missing value counts as — after the OECD/JRC Handbook on
Constructing Composite Indicators. Every choice is the pack's and says so (`interpretation`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from .base import ID_PATTERN, Citation, Strict

Normalisation = Literal["min_max", "distance_to_best", "z_score", "reference"]
NORMALISATIONS: tuple[Normalisation, ...] = ("min_max", "distance_to_best", "z_score", "reference")


class Reference(Strict):
    """A fixed reference for one indicator (normalisation `reference`): the worst and best
    values of the reference year, so that an index can be compared across years."""

    worst: Decimal
    best: Decimal


class Indicator(Strict):
    id: str = Field(pattern=ID_PATTERN)
    dimension: str
    label: str
    label_en: str
    # The value is `field` (÷ `per`) × `times`: 发明专利拥有量 ÷ 常住人口（万人） is per 10,000
    # people; a share of a whole is × 100.
    field: str
    per: str | None = None
    times: Decimal = Decimal(1)
    unit: str = ""
    unit_en: str = ""
    direction: Literal["higher", "lower"] = "higher"
    weight: Decimal = Field(default=Decimal(1), gt=0)  # within its dimension
    citation: Citation
    note: str | None = None  # why this indicator measures the dimension (an interpretation)
    note_en: str | None = None


class Dimension(Strict):
    code: str = Field(pattern=ID_PATTERN)
    label: str
    label_en: str
    weight: Decimal = Field(ge=0)


class Uncertainty(Strict):
    """What a Monte Carlo draw varies: each dimension's weight by up to ± `weight_spread`
    of itself (uniform, then the weights rescaled to sum to 1), and where `normalisations`
    names several, the normalisation too."""

    weight_spread: Decimal = Field(default=Decimal("0.25"), ge=0, lt=1)
    normalisations: list[Normalisation] = Field(default_factory=list)


class Availability(Strict):
    """How much a city must report to be ranked (COINr's `Screen()`, whose `dat_thresh`
    defaults to 0.66, and `Aggregate(dat_thresh = …)` for each group of indicators; the
    Handbook, 2008, step 3: imputation of missing data): the share of all indicators a city
    reported (`city`) and of each dimension's indicators (`dimension`). Below either, the city
    is not ranked and is listed apart with the shares, as a failed data check is."""

    city: Decimal = Field(default=Decimal(0), ge=0, le=1)
    dimension: Decimal = Field(default=Decimal(0), ge=0, le=1)


class IndexSpec(Strict):
    title: str
    title_en: str
    source: Citation
    interpretation: str
    interpretation_en: str
    indicators: list[Indicator] = Field(min_length=1)
    dimensions: list[Dimension] = Field(min_length=1)
    normalisation: Normalisation = "min_max"
    # Indicator id → its reference (normalisation: reference).
    reference: dict[str, Reference] = Field(default_factory=dict)
    aggregation: Literal["arithmetic", "geometric"] = "arithmetic"
    # A missing value counts as the cohort's worst (`worst`: normalised 0, so reporting less
    # never helps) or is left out with its weight shared by the dimension's others (`reweight`;
    # a dimension with nothing reported then has no others, and the city is not ranked).
    missing: Literal["worst", "reweight"] = "worst"
    availability: Availability = Availability()
    tier: str | None = "city.level"  # the profile field whose values cities are ranked within
    decimals: int = Field(default=1, ge=0, le=4)  # as shown; ranks use the exact values
    uncertainty: Uncertainty = Uncertainty()

    def dimension(self, code: str) -> Dimension:
        return next(d for d in self.dimensions if d.code == code)

    def indicators_of(self, code: str) -> list[Indicator]:
        return [i for i in self.indicators if i.dimension == code]
