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


class Outliers(Strict):
    """Outlier treatment before normalisation, as COINr's `Treat()`: an indicator whose
    reported values have |skew| ≥ `skew` and kurtosis ≥ `kurtosis` (sample skewness and
    excess kurtosis, as Excel's SKEW and KURT) is winsorised one point at a time, up to
    `max_points`, until it passes; if it still fails, its original values are log-transformed
    instead (`otherwise: log`) or left winsorised (`otherwise: none`)."""

    method: Literal["winsorise"] = "winsorise"
    max_points: int = Field(default=5, ge=1, le=1000)  # cities winsorised at the most
    skew: Decimal = Field(default=Decimal(2), gt=0)
    kurtosis: Decimal = Field(default=Decimal("3.5"))
    otherwise: Literal["log", "none"] = "log"


class Comparable(Strict):
    """Bounds fixed across years, so that one year's index and another's are on one scale:
    each indicator's min-max bounds are those of the base year's cohort (the files when the
    base year is evaluated, else the archive); a year outside them normalises below 0 or
    above 1."""

    base_year: int


class Indicator(Strict):
    id: str = Field(pattern=ID_PATTERN)
    dimension: str
    label: str
    label_en: str
    # The value is `field` (÷ `per`) × `times`: 发明专利拥有量 ÷ 常住人口（万人） is per 10,000
    # people; a share of a whole is × 100; a population in 人 × 10000 is again per 万人. The
    # unit of such a value is no field's own: the pack states it (`unit`, `unit_en`).
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


Aggregation = Literal["arithmetic", "geometric"]
Missing = Literal["worst", "reweight"]
OutlierChoice = Literal["none", "winsorise", "log"]


class Uncertainty(Strict):
    """What a Monte Carlo draw varies (COINr's get_sensitivity; Saisana, Saltelli & Tarantola
    2005): each dimension's weight by up to ± `weight_spread` of itself (uniform, then the
    weights rescaled to sum to 1), each indicator's weight within its dimension by up to
    ± `indicator_weight_spread`, and where the lists name alternatives, the normalisation,
    the aggregation, what a missing value counts as and the outlier treatment; with
    `leave_one_out`, one indicator (or none) left out. The pack's own method is always among
    the draws, whether a list names it or not (ipscore/strength/montecarlo.py)."""

    weight_spread: Decimal = Field(default=Decimal("0.25"), ge=0, lt=1)
    indicator_weight_spread: Decimal = Field(default=Decimal(0), ge=0, lt=1)
    normalisations: list[Normalisation] = Field(default_factory=list)
    aggregations: list[Aggregation] = Field(default_factory=list)
    missing: list[Missing] = Field(default_factory=list)
    outliers: list[OutlierChoice] = Field(default_factory=list)
    leave_one_out: bool = False


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
    # Outlier treatment before normalisation (ipscore/strength/treat.py); none when absent.
    outliers: Outliers | None = None
    # Min-max bounds of a base year, shared by every year's index (comparable years).
    comparable: Comparable | None = None

    def problems(self) -> list[tuple[tuple[str | int, ...], str, str]]:
        """What the pack loader refuses beyond the model (place, zh, en): a divided or scaled
        value without its stated unit; a log transform or bounds that a fixed scale cannot
        keep."""
        out: list[tuple[tuple[str | int, ...], str, str]] = []
        for k, ind in enumerate(self.indicators):
            if (ind.per is not None or ind.times != 1) and not (ind.unit and ind.unit_en):
                out.append(
                    (
                        ("index", "indicators", k),
                        f"指标 {ind.id} 是除以 {ind.per or '—'}、乘以 {ind.times} 后的值，"
                        "须写明结果的单位（unit 和 unit_en，如 件/万人）",
                        f"indicator {ind.id} is divided or scaled: state the unit of the "
                        "result (unit and unit_en, e.g. per 10k people)",
                    )
                )
        fixed = self.comparable is not None or self.normalisation == "reference"
        if fixed and self.outliers is not None and self.outliers.otherwise == "log":
            out.append(
                (
                    ("index", "outliers", "otherwise"),
                    "固定的标准化界限（comparable 或 reference）不能配对数变换：对数取决于当年"
                    "的最小值，各年不再同一尺度；请用 otherwise: none",
                    "fixed bounds (comparable or reference) cannot go with a log transform, "
                    "which depends on each year's minimum; use otherwise: none",
                )
            )
        if self.comparable is not None and self.normalisation != "min_max":
            out.append(
                (
                    ("index", "comparable"),
                    "comparable 固定的是最小—最大值界限，须配 normalisation: min_max",
                    "comparable fixes min-max bounds: it needs normalisation: min_max",
                )
            )
        return out

    def dimension(self, code: str) -> Dimension:
        return next(d for d in self.dimensions if d.code == code)

    def indicators_of(self, code: str) -> list[Indicator]:
        return [i for i in self.indicators if i.dimension == code]
