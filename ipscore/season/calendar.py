"""Working days and deadlines in China: public holidays off, the make-up working days (调休) on,
as the State Council's yearly notices set them, read from the maintained `chinesecalendar`
library (never a list kept here). A deadline is the whole of its last day in Beijing time."""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from ..errors import InputError, Problem

BEIJING = dt.timezone(dt.timedelta(hours=8), "UTC+8")
WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def covered() -> tuple[int, int]:
    """The first and last year whose holidays the installed library knows."""
    years = [day.year for day in chinese_calendar.holidays]
    return min(years), max(years)


def outside_years(day: dt.date) -> tuple[str, str] | None:
    """Why the library cannot say whether `day` is a working day (Chinese, English), or None."""
    first, last = covered()
    if first <= day.year <= last:
        return None
    return (
        f"{day.isoformat()} 不在节假日库 chinesecalendar 所含的年份（{first}–{last}年）内，"
        "无法判断是否工作日：国务院公布新一年的放假安排后，请更新该库"
        "（pip install -U chinesecalendar）",
        f"{day.isoformat()} is outside the years the holiday library chinesecalendar covers "
        f"({first}–{last}): whether it is a working day is unknown; once the State Council "
        "publishes the new year's holidays, update the library (pip install -U chinesecalendar)",
    )


def _known(day: dt.date) -> dt.date:
    why = outside_years(day)
    if why is not None:
        raise InputError([Problem(*why)])
    return day


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday unless a public holiday, and a make-up Saturday or Sunday."""
    return bool(chinese_calendar.is_workday(_known(day)))


def last_working_day(start: dt.date, n: int) -> dt.date:
    """The n-th working day counting from `start`, which counts when it is one itself: a notice
    of 5 working days from 2024-01-04 (a Thursday) ends on 2024-01-10."""
    if n < 1:
        raise ValueError("n counts working days from 1")
    day, counted = start, 0
    while True:
        if is_working_day(day):
            counted += 1
            if counted == n:
                return day
        day += dt.timedelta(days=1)


def working_day_before(day: dt.date) -> dt.date:
    """The nearest working day before `day` (offered for a deadline that falls on a day off)."""
    day -= dt.timedelta(days=1)
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def working_days_between(first: dt.date, last: dt.date) -> int:
    """How many working days from `first` to `last`, both included (0 if `last` is earlier)."""
    count, day = 0, first
    while day <= last:
        count += is_working_day(day)
        day += dt.timedelta(days=1)
    return count


def beijing_date(at_utc_iso: str) -> dt.date:
    """The day in Beijing of a moment stored in UTC (`2016-03-31T16:00:00Z` is 04-01 there);
    a moment written without a zone is read as UTC, as ipscore stores every one."""
    try:
        moment = dt.datetime.fromisoformat(at_utc_iso)
    except ValueError:
        raise InputError(
            [
                Problem(
                    f"时间应为 ISO 8601 格式，如 2016-03-31T08:00:00Z，实际为“{at_utc_iso}”",
                    f"a time must be ISO 8601, such as 2016-03-31T08:00:00Z; got “{at_utc_iso}”",
                )
            ]
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(BEIJING).date()
    except OverflowError:  # the last moment Python has, 9999-12-31: a day beyond it in Beijing
        raise InputError(
            [Problem(f"时间超出可用范围：{at_utc_iso}", f"a time out of range: {at_utc_iso}")]
        ) from None


def is_late(at_utc_iso: str, deadline: dt.date) -> bool:
    """Whether a moment falls after the deadline's last day, in Beijing time."""
    return beijing_date(at_utc_iso) > deadline


def weekday_zh(day: dt.date) -> str:
    """星期一 … 星期日."""
    return "星期" + WEEKDAYS_ZH[day.weekday()]


def weekday_en(day: dt.date) -> str:
    """Monday … Sunday, whatever the machine's locale."""
    return WEEKDAYS_EN[day.weekday()]
