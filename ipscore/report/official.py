"""The official form of a document (GB/T 9704-2012 党政机关公文格式), shared by the HTML (PDF)
and Word paths: who issues it (发文机关标志, `--org`), its number (文号, `--doc-number`, its
year in 〔〕), to whom (主送, `--to`), and its date (成文日期) in Chinese form, "2016年1月11日",
on the day it is in the office's time zone (`--tz`, Asia/Shanghai unless said)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import InputError, Problem

DEFAULT_TZ = "Asia/Shanghai"

# The year of a 文号 in any bracket a keyboard gives: [2016], (2016), （2016）, 【2016】, ［2016］.
_YEAR = re.compile(r"[\[(（【［〔]\s*(\d{4})\s*[\])）】］〕]")


@dataclass(frozen=True)
class Official:
    """What makes a document official besides its issuer: its number and its addressee."""

    doc_number: str | None = None
    to: str | None = None


def doc_number(text: str) -> str:
    """A 文号 as the standard writes it: "皖知[2016]3号" → "皖知〔2016〕3号"."""
    return _YEAR.sub(r"〔\1〕", text.strip())


@cache
def zone(name: str) -> ZoneInfo:
    """The time zone an office dates its documents in, by its IANA name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            [
                Problem(
                    f"不认识的时区“{name}”：请写时区名，如 Asia/Shanghai、Asia/Urumqi",
                    f"unknown time zone “{name}”: give its name, such as Asia/Shanghai",
                    field="--tz",
                )
            ]
        ) from None


def local_day(produced_at: str | None, tz: str = DEFAULT_TZ) -> dt.date | None:
    """The day a moment (ISO, UTC) is in the office's time zone: 2016-01-10T20:00Z is the 11th
    in Beijing. None without a time (`--no-timestamp`)."""
    if not produced_at:
        return None
    moment = dt.datetime.fromisoformat(produced_at.replace("Z", "+00:00"))
    return moment.astimezone(zone(tz)).date()


def date_text(day: dt.date | None, lang: str = "zh") -> str:
    """成文日期 in Arabic numerals, the year whole and no month or day padded (§7.3.5.3):
    "2016年1月11日"; with no day, the form's blanks to write it in by hand."""
    if lang == "en":
        return f"{day.day} {day:%B} {day.year}" if day else "____ (date)"
    return f"{day.year}年{day.month}月{day.day}日" if day else "　　　　年　　月　　日"


def context(
    org: str | None,
    official: Official | None,
    produced_at: str | None,
    tz: str,
    lang: str,
) -> dict[str, Any] | None:
    """The official block of a document's context, or None for the ordinary form."""
    if official is None:
        return None
    return {
        "org": org or "",
        "number": doc_number(official.doc_number) if official.doc_number else "",
        "to": (official.to or "").strip(),
        "date": date_text(local_day(produced_at, tz), lang),
        "tz": tz,
    }
