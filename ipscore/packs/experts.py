"""The items of a pack scored by experts (the plan's "主观努力": 工作思路、工作措施、工作投入): each
item's points range, guidance and citation, the field its aggregate fills, how several experts'
scores are combined and what spread is discussed. Scores and their aggregation are
`season.experts`; the aggregate reaches the engine as the field's value, like any figure."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

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
