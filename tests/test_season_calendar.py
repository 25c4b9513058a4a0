"""Working days from China's holiday calendar, checked against dates worked out by hand from the
State Council's notices and a real notice period."""

from __future__ import annotations

import datetime as dt

import pytest

from ipscore.errors import InputError
from ipscore.season.calendar import (
    beijing_date,
    covered,
    is_late,
    is_working_day,
    last_working_day,
    weekday_zh,
    working_day_before,
    working_days_between,
)

D = dt.date.fromisoformat


def test_a_five_day_notice_from_a_thursday_ends_the_wednesday_after():
    # real-schemes E5: 公示期5个工作日 (2024-01-04 至 01-10): Thu, Fri, Mon, Tue, Wed.
    assert last_working_day(D("2024-01-04"), 5) == D("2024-01-10")
    assert working_days_between(D("2024-01-04"), D("2024-01-10")) == 5


def test_national_day_2015_and_its_make_up_saturday():
    # 国务院办公厅关于2015年部分节假日安排的通知: 10月1日至7日放假调休, 10月10日（星期六）上班.
    off = [D("2015-10-01") + dt.timedelta(days=i) for i in range(7)]
    assert [is_working_day(d) for d in off] == [False] * 7
    assert weekday_zh(D("2015-10-10")) == "星期六"
    assert is_working_day(D("2015-10-10"))
    assert not is_working_day(D("2015-10-11"))  # the Sunday after stays off
    assert is_working_day(D("2015-09-30")) and is_working_day(D("2015-10-08"))
    # Five working days from Wednesday 09-30: 09-30, 10-08, 10-09, 10-10 (Sat), 10-12.
    assert last_working_day(D("2015-09-30"), 5) == D("2015-10-12")


def test_spring_festival_2016_and_its_make_up_weekend():
    # 国务院办公厅关于2016年部分节假日安排的通知: 2月7日至13日放假调休,
    # 2月6日（星期六）、2月14日（星期日）上班.
    assert is_working_day(D("2016-02-06")) and weekday_zh(D("2016-02-06")) == "星期六"
    assert is_working_day(D("2016-02-14")) and weekday_zh(D("2016-02-14")) == "星期日"
    span = [D("2016-02-07") + dt.timedelta(days=i) for i in range(7)]
    assert not any(is_working_day(d) for d in span)
    assert working_days_between(D("2016-02-05"), D("2016-02-15")) == 4  # 02-05, 06, 14, 15
    assert last_working_day(D("2016-02-07"), 1) == D("2016-02-14")
    assert working_day_before(D("2016-02-14")) == D("2016-02-06")


def test_qingming_2016_moves_a_deadline_back_to_friday():
    # 2016 清明: 4月2日至4日放假 (Saturday to Monday).
    assert working_day_before(D("2016-04-04")) == D("2016-04-01")
    assert working_day_before(D("2016-04-05")) == D("2016-04-01")


def test_start_counts_when_it_is_a_working_day():
    assert last_working_day(D("2016-03-31"), 1) == D("2016-03-31")
    assert last_working_day(D("2016-04-02"), 1) == D("2016-04-05")
    assert working_days_between(D("2016-04-05"), D("2016-04-01")) == 0


def test_a_deadline_is_the_whole_day_in_beijing():
    assert beijing_date("2016-03-31T15:59:59Z") == D("2016-03-31")
    assert beijing_date("2016-03-31T16:00:00Z") == D("2016-04-01")
    assert not is_late("2016-03-31T15:59:59Z", D("2016-03-31"))
    assert is_late("2016-03-31T16:00:00Z", D("2016-03-31"))
    assert beijing_date("2016-03-31T16:00:00") == D("2016-04-01")  # no zone: UTC
    assert beijing_date("2016-04-01T00:30:00+08:00") == D("2016-04-01")


def test_a_time_that_is_not_iso_is_refused_in_words():
    with pytest.raises(InputError) as caught:
        beijing_date("2016年3月31日")
    assert caught.value.problems[0].zh == (
        "时间应为 ISO 8601 格式，如 2016-03-31T08:00:00Z，实际为“2016年3月31日”"
    )


def test_a_year_the_library_does_not_know_is_refused_never_guessed():
    first, last = covered()
    assert first == 2004 and last >= 2026
    beyond = dt.date(last + 1, 3, 31)
    for call in (
        lambda: is_working_day(beyond),
        lambda: last_working_day(dt.date(last, 12, 31), 3),
        lambda: working_day_before(dt.date(first, 1, 1)),
    ):
        with pytest.raises(InputError) as caught:
            call()
        problem = caught.value.problems[0]
        assert f"不在节假日库 chinesecalendar 所含的年份（2004–{last}年）内" in problem.zh
        assert "pip install -U chinesecalendar" in problem.zh
        assert f"outside the years the holiday library chinesecalendar covers (2004–{last})" in (
            problem.en
        )
