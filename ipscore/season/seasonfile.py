"""The season file: how the national office runs one year's assessment — the pack, the
provinces' cities, each stage's deadline, the notice period, quotas, and which expert scores
which cities. `ipscore season open FILE` stores it in the archive; the newest of a year stands."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from ..packs.base import Citation, Strict
from ..packs.quotas import Quota


class Deadlines(Strict):
    """The last day (inclusive, Beijing time) of each step."""

    submit: dt.date  # 自评提交: the city submits
    province: dt.date  # 省局初审: the province sends back or recommends
    national: dt.date  # 国家局复核: evidence verified, expert scores in


class Notice(Strict):
    """公示: the list is on notice for this many working days from `start`; objections after
    the last day, or without the objector's identity, are refused with `rule` quoted."""

    start: dt.date | None = None  # None: set when the national office opens the notice
    working_days: int = Field(default=5, ge=1, le=60)
    rule: str
    citation: Citation


class Assignment(Strict):
    """What one expert scores: the cities (and, if named, only these items)."""

    cities: list[str] = Field(min_length=1)
    items: list[str] | None = None


class Season(Strict):
    year: int = Field(ge=1990, le=2100)
    pack: str
    title: str
    # The example marker every output shows, for a season file that is an example.
    example: str | None = None
    # The year's cities by province, as the national office lists them: the cities the season
    # waits on (a city that never stored anything is still listed) and the province each
    # belongs to, whatever a file claims.
    cities: dict[str, list[str]] = Field(default_factory=dict)
    deadlines: Deadlines
    notice: Notice
    quotas: list[Quota] = Field(default_factory=list)
    experts: dict[str, Assignment] = Field(default_factory=dict)
    # Whether the pack's expert-scored part is on this year (off by default).
    expert_part: bool = False
