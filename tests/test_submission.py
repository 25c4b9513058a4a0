"""Reading submissions: what counts as missing, and what is accepted as written."""

from __future__ import annotations

import pytest

from ipscore import InputError
from ipscore.submission import parse_submission

CITY = {"name": "湘潭市", "level": "prefecture", "batch": 3, "counties": 5}


def read(pack, facts=None, **city):
    return parse_submission({"city": {**CITY, **city}, "facts": facts or {}}, pack, "x.yaml", {})


def test_absent_and_empty_fields_are_missing_not_false(pack):
    sub = read(pack, {"plan": {"in_city_fyp": "", "issued": None}})
    assert "plan.in_city_fyp" not in sub.values
    assert "plan.issued" not in sub.values


def test_chinese_option_labels_are_accepted(pack):
    assert read(pack, level="地级").values["city.level"] == "prefecture"


def test_json_dates_arrive_as_text(pack):
    sub = read(pack, {"plan": {"issued_on": "2015-12-31"}})
    assert sub.values["plan.issued_on"].isoformat() == "2015-12-31"


@pytest.mark.parametrize("name, zone", [("苏州", True), ("苏州市", True), ("湘潭市", False)])
def test_pilot_zone_defaults_follow_the_cities_the_plan_names(pack, name, zone):
    assert read(pack, name=name).values["city.navigation_pilot_zone"] is zone


def test_a_city_may_override_the_default(pack):
    assert (
        read(pack, name="苏州市", navigation_pilot_zone=False).values["city.navigation_pilot_zone"]
        is False
    )


def test_every_problem_is_reported_at_once(pack):
    with pytest.raises(InputError) as caught:
        read(pack, {"enforcement": {"city_staff": -1, "trainings": "两次"}}, level="city")
    assert len(caught.value.problems) == 3


def test_another_packs_submission_is_refused(pack):
    data = {"pack": "other-pack", "city": CITY}
    with pytest.raises(InputError) as caught:
        parse_submission(data, pack, "x.yaml", {})
    assert "提交文件写的规则包是 other-pack，但本次用 cnipa-2015-demo-city 评估" in str(
        caught.value
    )
