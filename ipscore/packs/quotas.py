"""A cap on how many cities may get a grade or a recommendation ("每年不超过3家", "不超过30%"),
as a pack or a season file states it. The cut itself is made in `season.quotas`."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from .base import ID_PATTERN, Citation, Strict


class Quota(Strict):
    id: str = Field(pattern=ID_PATTERN)
    # What is capped: a grade (its code, e.g. excellent) or the province's recommendations.
    what: Literal["grade", "recommend"]
    grade: str | None = None
    # Counted within each tier, each province, or the whole year's cohort. Recommendations are
    # always counted per province (推荐名额 is a province's).
    per: Literal["tier", "province", "all"] = "all"
    # A count ("不超过3家") or a share of the cities counted ("不超过30%"), rounded down.
    at_most: int | None = Field(default=None, ge=0)
    share: Decimal | None = Field(default=None, gt=0, le=1)
    # Cities tied (same grade and score) across the cut: all kept (the cap is exceeded and said),
    # all cut, or the earlier 自评提交 first. A city cut from a grade gets the next grade down.
    ties: Literal["all_kept", "all_cut", "earlier_submission"] = "all_cut"
    # The quota in the source's words, as every output names it ("优秀每类不超过1家").
    label: str
    label_en: str | None = None
    citation: Citation

    @model_validator(mode="after")
    def _one_cap(self) -> Quota:
        if (self.at_most is None) == (self.share is None):
            raise ValueError("write either at_most (a count) or share (a fraction), not both")
        if (self.what == "grade") != (self.grade is not None):
            raise ValueError("a grade quota names its grade; a recommendation quota none")
        if self.what == "recommend" and self.per != "province":
            raise ValueError("a recommendation quota is counted per province: write per: province")
        return self


def quota_problems(quotas: Sequence[Quota], grades: Sequence[str]) -> list[tuple[int, str, str]]:
    """What is wrong with quotas against a pack's grades (codes, best first): (index, zh, en)
    for each id used twice, each grade the pack lacks, and each quota on the lowest grade
    (a city cut from it would have no grade to go to)."""
    out: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for k, q in enumerate(quotas):
        if q.id in seen:
            out.append((k, f"名额编号 {q.id} 重复", f"duplicate quota id {q.id}"))
        seen.add(q.id)
        if q.grade is None:
            continue
        if q.grade not in grades:
            out.append(
                (
                    k,
                    f"名额 {q.id} 的等级 {q.grade} 不在规则包的等级中：{'、'.join(grades)}",
                    f"quota {q.id}: grade {q.grade} is not one of the pack's: {', '.join(grades)}",
                )
            )
        elif q.grade == grades[-1]:
            out.append(
                (
                    k,
                    f"名额 {q.id} 限制的是最低等级 {q.grade}：超出名额的城市没有更低的等级可降",
                    f"quota {q.id} caps the lowest grade {q.grade}: a city cut from it has no "
                    "lower grade to go to",
                )
            )
    return out
