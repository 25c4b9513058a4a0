"""The rules of each step (`season.stages.decide`): who may take it, from which stage, with
what; each refusal in words. Events are made by hand, so each rule is seen alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ipscore.errors import InputError
from ipscore.season.people import User
from ipscore.season.seasonfile import load_season
from ipscore.season.stages import Objector, Step, decide, standing
from ipscore.store.stages import Event

from .conftest import SCENARIOS

SEASON = load_season(SCENARIOS / "season-2015" / "2015.season.yaml")
CITY = User("武汉市局", "city", city="武汉市")
OTHER_CITY = User("宜昌市局", "city", city="宜昌市")
HUBEI = User("湖北省局", "province", province="湖北省")
NATION = User("国家局", "national")
KNOWN = {"T4.R2": "质押融资增长", "finance.pledge_amount": "质押融资额"}


def _at(day: str) -> str:
    """Midnight UTC of a day: 08:00 in Beijing, the same day."""
    return f"{day}T00:00:00Z"


def _event(n: int, action: str, stage: str, version: int = 1, **details: Any) -> Event:
    return Event(
        n, 2015, "武汉市", SEASON.pack, action, stage, version, "x", "x",
        "2016-03-28T02:00:00Z", None, False, details,
    )  # fmt: skip


def _take(step: Step, user: User, events: list[Event], at: str, version: int = 1) -> Event:
    now = standing("武汉市", "湖北省", events)
    return decide(step, user, SEASON, now, version, at, KNOWN)


def _refused(step: Step, user: User, events: list[Event], at: str, version: int = 1) -> str:
    with pytest.raises(InputError) as caught:
        _take(step, user, events, at, version)
    return caught.value.render("zh")


SUBMITTED = [_event(1, "submit", "province")]
REVIEWED = [
    *SUBMITTED,
    _event(2, "recommend", "national"),
    _event(3, "review", "notice", notice_start="2016-06-01", notice_end="2016-06-07"),
]


def test_a_city_submits_its_own_file_once_and_late_is_flagged():
    on_time = _take(Step("submit"), CITY, [], "2016-03-31T15:59:59Z")
    assert (on_time.stage, on_time.late, on_time.by) == ("province", False, "武汉市局")
    late = _take(Step("submit"), CITY, [], "2016-03-31T16:00:00Z")  # 04-01 00:00 in Beijing
    assert late.late
    assert "自评只能由城市本身提交" in _refused(Step("submit"), OTHER_CITY, [], _at("2016-03-01"))
    assert "不能提交" in _refused(Step("submit"), CITY, SUBMITTED, _at("2016-03-01"))
    assert "请先用 ipscore archive add 存入" in _refused(
        Step("submit"), CITY, [], _at("2016-03-01"), version=None
    )


def test_a_return_names_what_to_correct_and_the_city_resubmits_a_new_version():
    assert "退回要写明理由" in _refused(Step("return"), HUBEI, SUBMITTED, _at("2016-04-08"))
    wrong = Step("return", reasons={"T4.R9": "?"})
    assert "T4.R9" in _refused(wrong, HUBEI, SUBMITTED, _at("2016-04-08"))
    sent = _take(
        Step("return", reasons={"finance.pledge_amount": "与银行备案不符"}),
        HUBEI,
        SUBMITTED,
        _at("2016-04-08"),
    )
    assert sent.stage == "city" and sent.details["reasons"] == {
        "finance.pledge_amount": "与银行备案不符"
    }
    back = [*SUBMITTED, sent]
    same = _refused(Step("submit"), CITY, back, _at("2016-04-10"), version=1)
    assert "还没有存入修改后的新版本（仍是#1）" in same
    again = _take(Step("submit"), CITY, back, _at("2016-04-10"), version=2)
    assert again.submission_id == 2 and again.details["deadline"] == "2016-04-29"


def test_only_the_province_recommends_and_only_from_its_review():
    assert _take(Step("recommend"), HUBEI, SUBMITTED, _at("2016-04-20")).stage == "national"
    guangdong = User("广东省局", "province", province="广东省")
    assert "只有湖北省的省局能推荐" in _refused(
        Step("recommend"), guangdong, SUBMITTED, _at("2016-04-20")
    )
    assert "现在处于“待城市提交”阶段，不能推荐" in _refused(
        Step("recommend"), HUBEI, [], _at("2016-04-20")
    )


def test_the_review_puts_the_file_on_notice_for_five_working_days():
    recommended = [*SUBMITTED, _event(2, "recommend", "national")]
    asked = Step("review", notice_start=dt.date(2016, 9, 30))
    made = _take(asked, NATION, recommended, _at("2016-09-29"))
    # 2016 National Day: 10-01..10-07 off, Saturday 10-08 and Sunday 10-09 worked: from
    # Friday 09-30 the five working days are 09-30, 10-08, 10-09, 10-10 and 10-11.
    assert made.details["notice_end"] == "2016-10-11"
    assert made.late  # after the national deadline, 2016-05-31
    backdated = Step("review", notice_start=dt.date(2016, 9, 28))
    said = _refused(backdated, NATION, recommended, _at("2016-09-29"))
    assert "公示开始日期 2016-09-28 早于今天（2016-09-29），公示期不能倒签" in said
    assert "请给出公示开始日期" in _refused(Step("review"), NATION, recommended, _at("2016-05-01"))


def test_objections_need_an_identity_and_the_notice_period():
    sealed = Objector("某公司", "organisation", sealed=True)
    asked = Step("object", objector=sealed, text="x", received=dt.date(2016, 6, 7))
    assert _take(asked, NATION, REVIEWED, _at("2016-06-07")).action == "object"
    unsealed = Objector("某公司", "organisation")
    said = _take(Step("object", objector=unsealed, text="x"), NATION, REVIEWED, _at("2016-06-02"))
    assert (
        said.action == "object_refused" and said.details["why"] == "匿名异议（单位异议未加盖公章）"
    )
    person = Objector("张某", "person", signed=True)  # no contact
    said = _take(Step("object", objector=person, text="x"), NATION, REVIEWED, _at("2016-06-02"))
    assert said.details["why"] == "匿名异议（个人异议未署名或未留联系方式）"
    late = Step("object", objector=sealed, text="x", received=dt.date(2016, 6, 8))
    said = _take(late, NATION, REVIEWED, _at("2016-06-08"))
    assert said.action == "object_refused" and said.late and "超期异议" in said.details["why"]


def test_final_waits_for_the_notice_to_end_and_every_objection_answered():
    at_end = "2016-06-07T15:59:59Z"  # 23:59:59 on the last day, Beijing
    assert "期满后才能定稿" in _refused(Step("final"), NATION, REVIEWED, at_end)
    objected = [*REVIEWED, _event(4, "object", "notice")]
    after = "2016-06-07T16:00:00Z"
    assert "还有未答复的异议（编号4）" in _refused(Step("final"), NATION, objected, after)
    answered = _take(Step("answer", "不成立", objection=4, upheld=False), NATION, objected, after)
    assert answered.stage == "notice"
    made = _take(Step("final"), NATION, [*objected, answered], after)
    assert made.stage == "final"
    upheld = _take(Step("answer", "成立", objection=4, upheld=True), NATION, objected, after)
    assert upheld.stage == "national"


def test_the_national_office_undoes_a_final_only_by_a_new_return():
    final = [*REVIEWED, _event(4, "final", "final")]
    back = _take(
        Step("return", reasons={"*": "复查"}, to="national"), NATION, final, _at("2016-07-01")
    )
    assert (back.action, back.stage, back.details["from"]) == ("return", "national", "final")
    assert "省局只能退回城市" in _refused(
        Step("return", reasons={"*": "x"}, to="national"), HUBEI, SUBMITTED, _at("2016-04-08")
    )


def test_objections_are_the_national_offices_and_need_words_a_name_and_a_day_come():
    sealed = Objector("某公司", "organisation", sealed=True)
    asked = Step("object", objector=sealed, text="x", received=dt.date(2016, 6, 2))
    assert "异议由国家局登记" in _refused(asked, HUBEI, REVIEWED, _at("2016-06-02"))
    early = Step("object", objector=sealed, text="x", received=dt.date(2016, 6, 6))
    assert "收到日期 2016-06-06 还没有到" in _refused(early, NATION, REVIEWED, _at("2016-06-02"))
    empty = Step("object", objector=sealed, text=" ", received=dt.date(2016, 6, 2))
    assert "请写明异议内容" in _refused(empty, NATION, REVIEWED, _at("2016-06-02"))
    invisible = Objector("\u200b", "person", contact="\u200b", signed=True)
    said = _take(Step("object", objector=invisible, text="x"), NATION, REVIEWED, _at("2016-06-02"))
    assert said.action == "object_refused" and said.details["why"] == "匿名异议（未署名）"


def test_a_notice_begins_on_a_working_day_and_a_city_sent_back_is_due_by_the_province():
    recommended = [*SUBMITTED, _event(2, "recommend", "national")]
    saturday = Step("review", notice_start=dt.date(2016, 4, 2))
    said = _refused(saturday, NATION, recommended, _at("2016-04-01"))
    assert "公示开始日期 2016-04-02 不是工作日：最近的工作日是 2016-04-05" in said  # 04-04 清明
    back = [*SUBMITTED, _event(2, "return", "city", reasons={"*": "x"})]
    now = standing("武汉市", "湖北省", back)
    assert now.deadline(SEASON) == dt.date(2016, 4, 29)
    assert not now.overdue(SEASON, dt.date(2016, 4, 10))
    assert standing("武汉市", "湖北省", []).overdue(SEASON, dt.date(2016, 4, 10))
