"""What the season commands say: a season file's summary (`season open`, `season show`) — its
year and pack, each deadline with its weekday, the notice rule, the quotas, how many experts —
and who opened it when."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table

from ...season.calendar import last_working_day, weekday_en, weekday_zh
from ...text import pick
from .base import plain_line, user_text

if TYPE_CHECKING:
    from ...packs.quotas import Quota
    from ...season.seasonfile import Season
    from ...store.seasons import StoredSeason

_STEPS = (
    ("submit", "自评提交截止", "Cities submit by"),
    ("province", "省局初审截止", "Provinces review by"),
    ("national", "国家局复核截止", "National review by"),
)
_PER = {
    "tier": ("每档", "per tier"),
    "province": ("每省", "per province"),
    "all": ("全部", "in all"),
}
_TIES = {
    "all_kept": ("同分者全部保留（超出名额并写明）", "ties all kept (the cap exceeded, and said)"),
    "all_cut": ("同分者全部划出", "ties all cut"),
    "earlier_submission": ("同分者先提交的在前", "ties: the earlier submission first"),
}


def _day(day: dt.date, lang: str) -> str:
    return pick(lang, f"{day}（{weekday_zh(day)}）", f"{day} ({weekday_en(day)})")


def _notice(season: Season, lang: str) -> str:
    notice = season.notice
    days = pick(lang, f"{notice.working_days}个工作日", f"{notice.working_days} working days")
    if notice.start is None:
        return pick(
            lang,
            f"{days}，开始日期由国家局开始公示时确定",
            f"{days}, from the day the national office opens the notice",
        )
    last = last_working_day(notice.start, notice.working_days)
    return pick(
        lang,
        f"{days}，{_day(notice.start, lang)}至{_day(last, lang)}",
        f"{days}, {_day(notice.start, lang)} to {_day(last, lang)}",
    )


def _quota(quota: Quota, lang: str) -> str:
    what = quota.grade if quota.what == "grade" else pick(lang, "推荐", "recommended")
    if quota.at_most is not None:
        cap = pick(lang, f"不超过{quota.at_most}家", f"at most {quota.at_most}")
    else:  # a quota holds a count or a share (`Quota._one_cap`)
        share = f"{((quota.share or Decimal(0)) * 100).normalize():f}%"
        cap = pick(lang, f"不超过{share}", f"at most {share}")
    per, per_en = _PER[quota.per]
    ties, ties_en = _TIES[quota.ties]
    return pick(
        lang,
        f"{quota.id}：{what} {per}{cap}，{ties}",
        f"{quota.id}: {what}, {cap} {per_en}; {ties_en}",
    )


def season_rows(season: Season, stored: StoredSeason, version: int, lang: str) -> list[list[str]]:
    """(what, value) for each part of the season and its record; user text as typed."""
    rows = [
        [pick(lang, "年度", "Year"), str(season.year)],
        [pick(lang, "名称", "Title"), season.title],
        [pick(lang, "规则包", "Rule pack"), season.pack],
    ]
    if season.example:
        rows.append([pick(lang, "示例", "Example"), season.example])
    deadlines = season.deadlines.model_dump()
    for step, word, word_en in _STEPS:
        rows.append([pick(lang, word, word_en), _day(deadlines[step], lang)])
    citation = season.notice.citation
    rows += [
        [pick(lang, "公示", "Notice"), _notice(season, lang)],
        [pick(lang, "公示规则", "Notice rule"), season.notice.rule],
        [
            pick(lang, "出处", "Source"),
            pick(
                lang,
                f"{citation.source}，{citation.section}：“{citation.text}”",
                f"{citation.source}, {citation.section}: “{citation.text}”",
            ),
        ],
        [
            pick(lang, "名额", "Quotas"),
            "\n".join(_quota(q, lang) for q in season.quotas) or pick(lang, "无", "none"),
        ],
        [
            pick(lang, "专家", "Experts"),
            pick(lang, f"{len(season.experts)}人", f"{len(season.experts)}"),
        ],
        [
            pick(lang, "开启", "Opened"),
            pick(
                lang,
                f"第{version}版（#{stored.id}），{stored.stored_by} 于 {stored.stored_at}，"
                f"文件 {stored.file}",
                f"version {version} (#{stored.id}), by {stored.stored_by} at {stored.stored_at}, "
                f"from {stored.file}",
            ),
        ],
        ["SHA-256", stored.sha256],
    ]
    return rows


def opened_lines(
    season: Season, stored: StoredSeason, version: int, added: bool, lang: str
) -> list[str]:
    """`season open`: what was stored (or that the standing season is this very text), then
    the season line by line."""
    head = (
        pick(
            lang,
            f"已开启 {season.year}年度考核（第{version}版）",
            f"opened the {season.year} season (version {version})",
        )
        if added
        else pick(
            lang,
            f"= {season.year}年度考核未变化：与当前的第{version}版相同，没有再存",
            f"= the {season.year} season is unchanged: the same as the standing version "
            f"{version}; nothing stored",
        )
    )
    colon = pick(lang, "：", ": ")
    return [head] + [
        plain_line(f"  {what}{colon}{value}".replace("\n", "\n    "))
        for what, value in season_rows(season, stored, version, lang)
    ]


def season_table(season: Season, stored: StoredSeason, version: int, lang: str) -> Table:
    """`season show`: the standing season of a year, and who opened it when."""
    table = Table(
        title=pick(lang, f"{season.year}年度考核", f"The {season.year} season"),
        box=box.SIMPLE_HEAVY,
        show_header=False,
    )
    table.add_column(style="bold")
    table.add_column()
    for what, value in season_rows(season, stored, version, lang):
        table.add_row(what, user_text(value))
    return table


def season_json(season: Season, stored: StoredSeason, version: int) -> dict[str, Any]:
    """`season show --format json`: the season as its file says, each deadline's weekday, the
    notice's last day once it has started, and the stored record."""
    notice = season.notice
    return {
        "season": season.model_dump(mode="json"),
        "weekdays": {step: weekday_en(day) for step, day in season.deadlines.model_dump().items()},
        "notice_ends": None
        if notice.start is None
        else last_working_day(notice.start, notice.working_days).isoformat(),
        "stored": {
            "id": stored.id,
            "version": version,
            "file": stored.file,
            "sha256": stored.sha256,
            "stored_at": stored.stored_at,
            "stored_by": stored.stored_by,
        },
    }
