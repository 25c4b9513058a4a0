"""The season file: how the national office runs one year's assessment — the pack, the
provinces' cities, each stage's deadline, the notice period, quotas, and which expert scores
which cities. `ipscore season open FILE` stores it in the archive; the newest of a year stands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError

from ..errors import InputError, IpscoreError, Problem, display_path
from ..packs import Pack, find_pack, shipped_packs
from ..packs.base import Citation, Strict
from ..packs.quotas import Quota
from ..text import clean_name, did_you_mean, odd_in_name
from ..validation import dotted, problems_from
from ..yamlio import line_of, parse_document, read_text
from .calendar import (
    is_working_day,
    last_working_day,
    outside_years,
    weekday_en,
    weekday_zh,
    working_day_before,
)


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
    # Who scores which cities; whether experts score at all is the pack's to say (a pack with
    # an expert part is a pack of its own id).
    experts: dict[str, Assignment] = Field(default_factory=dict)


Path_ = tuple[str | int, ...]
Add = Callable[[Path_, str, str], None]


def load_season(path: Path) -> Season:
    """The season file at `path`, checked; every problem named with its line and field."""
    return season_from_document(read_text(path), display_path(path))


@lru_cache(maxsize=32)
def stored_season(document: str, file: str) -> Season:
    """A season file as the archive stores it, read once per process: every page, list and
    step of the season asks for it again."""
    return season_from_document(document, file)


def season_from_document(text: str, file: str) -> Season:
    """A season file's text (as stored in the archive, or read from `file`), checked alike."""
    data, lines = parse_document(text, file)
    if not isinstance(data, dict):
        raise InputError(
            [
                Problem(
                    "考核年度文件应为一个映射（year、pack、title、deadlines、notice 等键）",
                    "a season file must be a mapping (year, pack, title, deadlines, notice…)",
                    file,
                )
            ]
        )
    try:
        season = Season.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, file, lines)) from None
    problems: list[Problem] = []

    def add(at: Path_, zh: str, en: str) -> None:
        problems.append(Problem(zh, en, file, line_of(lines, at), dotted(at)))

    pack = _pack_of(season, add)
    if pack is not None:
        _check_with_pack(season, pack, add)
    _check_deadlines(season, add)
    _check_cities(season, add)
    _check_notice(season, add)
    if problems:
        raise InputError(problems)
    return season


def _pack_of(season: Season, add: Add) -> Pack | None:
    """The shipped pack the season names: a season is run for every city by one pack that every
    reader of the archive finds by its id, so a pack file of one's own is not one."""
    shipped = shipped_packs()
    if season.pack not in shipped:
        zh, en = did_you_mean(season.pack, shipped)
        add(
            ("pack",),
            f"没有编号为 {season.pack} 的规则包" + (zh or "；已有：" + "、".join(shipped)),
            f"no rule pack with id {season.pack}" + (en or "; shipped: " + ", ".join(shipped)),
        )
        return None
    return find_pack(season.pack)


def _check_with_pack(season: Season, pack: Pack, add: Add) -> None:
    if pack.pack.year != season.year:
        add(
            ("pack",),
            f"规则包 {season.pack} 评估的是{pack.pack.year}年度，不是本文件的{season.year}年度",
            f"the rule pack {season.pack} assesses {pack.pack.year}, not this file's {season.year}",
        )
    for problem in check_assignments(season, pack):
        add(tuple((problem.field or "experts").split(".")), problem.zh, problem.en)
    codes = [grade.code for grade in pack.scoring.grades]
    for i, quota in enumerate(season.quotas):
        if quota.grade is not None and quota.grade not in codes:
            zh, en = did_you_mean(quota.grade, codes)
            add(
                ("quotas", i, "grade"),
                f"规则包 {season.pack} 没有等级 {quota.grade}"
                + (zh or "；等级有：" + "、".join(codes)),
                f"the rule pack {season.pack} has no grade {quota.grade}"
                + (en or "; its grades: " + ", ".join(codes)),
            )


STEPS = {
    "submit": ("自评提交", "the cities' submissions"),
    "province": ("省局初审", "the provinces' first review"),
    "national": ("国家局复核", "the national review"),
}


def _check_cities(season: Season, add: Add) -> None:
    """Each city once, under one province, written as one name (no invisible characters)."""
    seen: dict[str, str] = {}
    for province, cities in season.cities.items():
        for i, city in enumerate(cities):
            odd = odd_in_name(city)
            if not clean_name(city):
                add(("cities", province, i), "城市名不能为空", "a city's name cannot be empty")
            elif odd is not None:
                add(
                    ("cities", province, i),
                    f"城市名{odd[0]}，应写作“{clean_name(city)}”",
                    f"a city's name {odd[1]}: write “{clean_name(city)}”",
                )
            elif city in seen:
                add(
                    ("cities", province, i),
                    f"{city} 已列在{seen[city]}，一个城市只属于一个省",
                    f"{city} is listed under {seen[city]} already: a city is of one province",
                )
            seen.setdefault(city, province)


def _check_deadlines(season: Season, add: Add) -> None:
    """Each deadline a working day of a year the calendar knows, in the order of the steps,
    the first after the assessed year (a year's work is reported once it is over)."""
    days = season.deadlines.model_dump()
    for step, day in days.items():
        at, (word, word_en) = ("deadlines", step), STEPS[step]
        outside = outside_years(day)
        if outside is not None:
            add(at, *outside)
        elif not is_working_day(day):
            before = working_day_before(day)
            add(
                at,
                f"{word}截止日 {day}（{weekday_zh(day)}）不是工作日：截止日须为工作日，"
                f"最近的前一个工作日是 {before}（{weekday_zh(before)}）",
                f"the deadline for {word_en}, {day} ({weekday_en(day)}), is not a working "
                f"day: a deadline must be one; the nearest working day before it is {before} "
                f"({weekday_en(before)})",
            )
    if days["submit"].year <= season.year:
        add(
            ("deadlines", "submit"),
            f"自评提交截止日 {days['submit']} 应在考核年度（{season.year}年）结束之后",
            f"the submission deadline {days['submit']} must fall after the assessed year "
            f"({season.year}) is over",
        )
    for earlier, later in (("submit", "province"), ("province", "national")):
        if days[later] < days[earlier]:
            add(
                ("deadlines", later),
                f"{STEPS[later][0]}截止日 {days[later]} 早于{STEPS[earlier][0]}截止日 "
                f"{days[earlier]}：各截止日应依次为 submit ≤ province ≤ national",
                f"the deadline for {STEPS[later][1]}, {days[later]}, is before the one for "
                f"{STEPS[earlier][1]}, {days[earlier]}: deadlines go submit ≤ province ≤ national",
            )


def _check_notice(season: Season, add: Add) -> None:
    """A notice set to start begins after the national review and ends in a known year."""
    start, national = season.notice.start, season.deadlines.national
    if start is None:
        return
    if start <= national:
        add(
            ("notice", "start"),
            f"公示开始日 {start} 应在国家局复核截止日 {national} 之后",
            f"the notice must start after the national review's deadline {national}; "
            f"it starts {start}",
        )
        return
    try:
        last_working_day(start, season.notice.working_days)
    except IpscoreError as exc:
        for problem in exc.problems:
            add(("notice", "start"), problem.zh, problem.en)


def check_assignments(season: Season, pack: Pack) -> list[Problem]:
    """What a season file's expert assignments ask of its pack: a part to score, with every
    item an assignment names. (Whether experts score at all is the pack's to say.)"""
    if season.experts and pack.experts is None:
        return [
            Problem(
                f"规则包 {pack.id} 没有专家评分部分（experts:），不能分配专家；"
                "2015年的专家评分部分在 cnipa-2015-experts",
                f"the pack {pack.id} has no expert part (experts:): no expert can be "
                "assigned; the 2015 part is cnipa-2015-experts",
                field="experts",
            )
        ]
    problems = []
    known = [i.id for i in pack.experts.items] if pack.experts else []
    for name, assigned in season.experts.items():
        for item in assigned.items or []:
            if item not in known:
                zh, en = did_you_mean(item, known)
                problems.append(
                    Problem(
                        f"专家 {name} 分配的评分项 {item} 不在规则包 {pack.id} 中{zh}",
                        f"the expert {name} is assigned {item}, not an item of {pack.id}{en}",
                        field=f"experts.{name}.items",
                    )
                )
    return problems
