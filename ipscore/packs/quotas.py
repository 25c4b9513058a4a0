"""A cap on how many cities may get a grade or a recommendation ("每年不超过3家", "不超过30%"),
as a pack or a season file states it. The cut itself is made in `season.quotas`."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from .base import Citation, Strict


class Quota(Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    # What is capped: a grade (its code, e.g. excellent) or the province's recommendations.
    what: Literal["grade", "recommend"]
    grade: str | None = None
    # Counted within each tier, each province, or the whole year's cohort.
    per: Literal["tier", "province", "all"] = "all"
    # A count ("不超过3家") or a share of the cities counted ("不超过30%"), rounded down.
    at_most: int | None = Field(default=None, ge=0)
    share: Decimal | None = Field(default=None, gt=0, le=1)
    # Cities tied (same grade and score) across the cut: all kept (the cap is exceeded and said),
    # all cut, or the earlier 自评提交 first.
    ties: Literal["all_kept", "all_cut", "earlier_submission"] = "all_cut"
    # Where the cut leaves a city cut from a grade: the next grade down, by default.
    label: str
    label_en: str | None = None
    citation: Citation

    @model_validator(mode="after")
    def _one_cap(self) -> Quota:
        if (self.at_most is None) == (self.share is None):
            raise ValueError("write either at_most (a count) or share (a fraction), not both")
        if (self.what == "grade") != (self.grade is not None):
            raise ValueError("a grade quota names its grade; a recommendation quota none")
        return self
