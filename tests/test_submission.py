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


def test_a_date_outside_the_assessment_year_where_one_is_required():
    from pathlib import Path

    from ipscore import load_pack

    tiny = load_pack(Path(__file__).parent / "tiny-pack.yaml")
    city = {"name": "甲市"}
    ok = parse_submission(
        {"city": city, "facts": {"work": {"started_on": "2015-03-01"}}}, tiny, "x", {}
    )
    assert ok.values["work.started_on"].year == 2015
    with pytest.raises(InputError) as caught:
        parse_submission(
            {"city": city, "facts": {"work": {"started_on": "2016-01-01"}}}, tiny, "x", {}
        )
    assert "字段 work.started_on：应为2015年内的日期，实际为 2016-01-01" in str(caught.value)


def test_a_workbook_of_several_cities_is_refused_by_one_city_commands(tmp_path):
    import csv

    from ipscore.assess import read_one

    path = tmp_path / "two.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["pack", "year", "city.name", "city.level", "city.batch", "city.counties"])
        writer.writerow(["cnipa-2015-demo-city", 2015, "甲市", "prefecture", 1, 0])
        writer.writerow(["cnipa-2015-demo-city", 2015, "乙市", "prefecture", 1, 0])
    with pytest.raises(InputError, match="这个命令一次只处理一个城市，文件中有 2 个"):
        read_one(path)
