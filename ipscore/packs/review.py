"""Review policies: how annual assessment results combine into a three-year review. A policy is
data (rules/reviews/*.yaml): which annual packs count, which grades count as failed, and the
outcomes in order, the first whose condition holds being the review's result. The plan says only
that annual results are "the important basis" of the review, so every policy states itself as
an interpretation, and every output prints that statement.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from ..errors import PackError, Problem, display_path
from ..resources import data_dir
from ..validation import problems_from
from ..yamlio import load_document

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]+$", min_length=1)]


def _fail(zh: str, en: str) -> PydanticCustomError:
    return PydanticCustomError("ipscore", "{en}", {"zh": zh, "en": en})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bound(_Strict):
    """A number's bound: each given side must hold."""

    gte: Decimal | None = None
    gt: Decimal | None = None
    lte: Decimal | None = None
    lt: Decimal | None = None

    @model_validator(mode="after")
    def _one_at_least(self) -> Bound:
        if self.gte is None and self.gt is None and self.lte is None and self.lt is None:
            raise _fail("应给出 gte、gt、lte 或 lt", "give gte, gt, lte or lt")
        return self

    def low_high(self) -> tuple[tuple[Decimal, bool] | None, tuple[Decimal, bool] | None]:
        """(lowest allowed, inclusive?) and (highest allowed, inclusive?)."""
        low = (self.gte, True) if self.gte is not None else None
        if self.gt is not None and (low is None or self.gt >= low[0]):
            low = (self.gt, False)
        high = (self.lte, True) if self.lte is not None else None
        if self.lt is not None and (high is None or self.lt <= high[0]):
            high = (self.lt, False)
        return low, high


class When(_Strict):
    """Every condition given must hold: counts of failed years, the mean and the lowest of the
    years' published scores, and the count of years in the top half of the city's tier."""

    failed_years: Bound | None = None
    mean_score: Bound | None = None
    min_score: Bound | None = None
    # Years the city ranked in the top half of its tier (same pack, year and city level): rank
    # ≤ n/2, n the tier's cities that year, so of 7 ranks 1–3 (the middle city is not in the top
    # half); tied cities share the best of their places, so a tie across the half is in it.
    top_half_years: Bound | None = None


class Outcome(_Strict):
    code: Code
    label: str
    label_en: str | None = None
    when: When | None = None  # none: the outcome when no earlier one applies


class Citation(_Strict):
    file: str
    section: str
    text: str


class About(_Strict):
    id: Code
    version: str
    title: str
    title_en: str | None = None
    years: int = Field(ge=1, le=10)
    source: Citation
    interpretation: str
    interpretation_en: str | None = None


class ReviewPolicy(_Strict):
    review: About
    annual_packs: list[Code] = Field(min_length=1)
    failed_grades: list[Code] = Field(min_length=1)
    max_score: Decimal = Decimal(100)  # the annual packs' score scale: bounds a missing year
    outcomes: list[Outcome] = Field(min_length=1)

    @field_validator("outcomes")
    @classmethod
    def _last_is_otherwise(cls, outcomes: list[Outcome]) -> list[Outcome]:
        # Without an outcome for "none of the above" some complete records would get none.
        if outcomes and outcomes[-1].when is not None:
            raise _fail(
                "最后一个结论不能有 when（其余情形都归它）",
                "the last outcome must have no `when` (it takes every other case)",
            )
        return outcomes

    @property
    def id(self) -> str:
        return self.review.id

    @property
    def reads_ranks(self) -> bool:
        """Whether an outcome reads the city's rank in its tier (then every year's is shown)."""
        return any(o.when is not None and o.when.top_half_years for o in self.outcomes)


def shipped_policies() -> dict[str, Path]:
    return {p.stem: p for p in sorted(data_dir("rules").glob("reviews/*.yaml"))}


DEFAULT_POLICY = "cnipa-demo-city-review"


def find_policy(id_or_path: str | None) -> ReviewPolicy:
    """A shipped review policy by id (the three-year review when none is named), or a file by
    path."""
    shipped = shipped_policies()
    if id_or_path is None:
        id_or_path = DEFAULT_POLICY
    path = Path(id_or_path)
    if not path.suffix:
        if id_or_path not in shipped:
            raise PackError(
                [
                    Problem(
                        f"没有编号为 {id_or_path} 的复核规则；已有：{'、'.join(shipped)}",
                        f"no review policy with id {id_or_path}; shipped: {', '.join(shipped)}",
                        field="--policy",
                    )
                ]
            )
        path = shipped[id_or_path]
    return load_policy(path)


def load_policy(path: Path) -> ReviewPolicy:
    data, lines = load_document(path, PackError)
    name = display_path(path)
    if not isinstance(data, dict):
        raise PackError(
            [Problem("复核规则应为一个映射", "a review policy must be a mapping", name)]
        )
    try:
        return ReviewPolicy.model_validate(data)
    except ValidationError as exc:
        raise PackError(problems_from(exc, name, lines)) from None


def as_dict(policy: ReviewPolicy) -> dict[str, Any]:
    """The policy as JSON data, its bounds as numbers."""
    data: dict[str, Any] = _numbers(policy.model_dump(exclude_none=True))
    return data


def _numbers(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _numbers(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_numbers(v) for v in data]
    if isinstance(data, Decimal):
        return int(data) if data == data.to_integral_value() else float(data)
    return data
