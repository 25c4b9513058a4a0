"""The items of a pack scored by experts (the plan's "主观努力": 工作思路、工作措施、工作投入): each
item's points range, guidance and citation, the field its aggregate fills, how several experts'
scores are combined and what spread is discussed. Scores and their aggregation are
`season.experts`; the aggregate reaches the engine as the field's value, like any figure."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal, Protocol

from pydantic import Field, model_validator

from ..errors import Problem
from .base import ID_PATTERN, Citation, Strict


class ExpertItem(Strict):
    id: str = Field(pattern=ID_PATTERN)
    field: str  # "group.key", declared in the pack's fields (type amount or count)
    title: str
    title_en: str | None = None
    min: Decimal = Decimal(0)
    max: Decimal
    guidance: str
    guidance_en: str | None = None
    citation: Citation

    @model_validator(mode="after")
    def _range(self) -> ExpertItem:
        if self.max <= self.min:
            raise ValueError("max must be above min")
        return self


class ExpertPart(Strict):
    items: list[ExpertItem] = Field(min_length=1)
    # mean; median; trimmed_mean drops one highest and one lowest score (needs 3 or more).
    aggregate: Literal["mean", "median", "trimmed_mean"] = "mean"
    min_experts: int = Field(default=3, ge=1)
    # Highest minus lowest score of an item above this: flagged for the experts to discuss.
    spread: Decimal = Field(gt=0)
    # Decimals the aggregate keeps (rounded half up), before it enters the engine.
    decimals: int = Field(default=1, ge=0, le=4)
    # Said on every page that shows the part: whose reading this is.
    note: str
    note_en: str | None = None


class Filed(Protocol):
    """A city's file as read (`intake.submission.Submission`)."""

    @property
    def values(self) -> Mapping[str, Any]: ...

    @property
    def source(self) -> str: ...


def filed_expert_fields(part: ExpertPart | None, filed: Filed) -> list[Problem]:
    """A city's own file that sets a field experts fill: refused when it is stored (a city does
    not score itself); the national office stores the experts' aggregate (`season.experts`)."""
    if part is None:
        return []
    return [
        Problem(
            f"{item.field}（{item.title}）由专家评分汇总填入，城市提交的文件不能自填；请删去这一项",
            f"{item.field} ({item.title_en or item.title}) is filled from the experts' scores: "
            "a city's own file cannot set it; remove it",
            filed.source,
            field=item.field,
        )
        for item in part.items
        if item.field in filed.values
    ]
