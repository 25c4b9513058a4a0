"""A review policy that reads ranks over years (issue 31 part 5): `top_half_years` counts the
years a city ranked in the top half of its tier — 2 × rank ≤ the tier's cities that year, tied
cities sharing the best of their places — from the stored results, grade first, then score.
The archive below is written by hand; every rank is worked out beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ipscore.packs.review import find_policy, shipped_policies
from ipscore.record.review import review
from ipscore.report import review_report
from ipscore.store.archive import Archive, Entry

PACK = "cnipa-2015-demo-city"
POLICY = find_policy("cnipa-strong-city-eligibility")


def _entry(city: str, year: int, score: str, grade: str, level: str = "prefecture") -> Entry:
    labels = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
    result: dict[str, Any] = {
        "score": float(score),
        "grade": grade,
        "grade_label": labels[grade],
        "level": level,
        "province": "某省",
        "mandatory_complete": grade != "fail",
        "tasks": [],
    }
    return Entry(PACK, "1", "0" * 64, city, year, f"{city}-{year}.yaml", "1" * 64, {}, result)


# 2014, 地级, 4 cities: 甲 1; 乙 and 壬 tied at 2; 丁 4 (95.0 but 不合格: grade first).
#   Top half: 2 × rank ≤ 4, so ranks 1–2: 甲, 乙, 壬 (the tie at 2 is in it), not 丁.
# 2015, 地级, 7 cities: 丙 1 (优秀); 甲 2, 丁 3, 戊 4, 庚 5 (良好); 乙 6; 己 7.
#   Top half: 2 × rank ≤ 7, so ranks 1–3: 丙, 甲, 丁; 戊, the middle city, is not.
# 2015, 副省级, 1 city: 武汉 1 of 1, and 2 × 1 > 1: a tier's lone city is not in its top half.
ROWS = [
    ("甲市", 2014, "90.0", "good"),
    ("乙市", 2014, "85.0", "good"),
    ("壬市", 2014, "85.0", "good"),
    ("丁市", 2014, "95.0", "fail"),
    ("丙市", 2015, "90.0", "excellent"),
    ("甲市", 2015, "88.0", "good"),
    ("丁市", 2015, "86.0", "good"),
    ("戊市", 2015, "84.0", "good"),
    ("庚市", 2015, "82.0", "good"),
    ("乙市", 2015, "70.0", "pass"),
    ("己市", 2015, "60.0", "fail"),
]


@pytest.fixture
def archive(tmp_path: Path):
    opened = Archive(f"sqlite:///{tmp_path / 'a.sqlite'}")
    opened.add(
        [_entry(*row) for row in ROWS]
        + [_entry("武汉市", 2015, "96.0", "excellent", "sub_provincial")],
        "2016-01-10T00:00:00Z",
        "张三",
    )
    yield opened
    opened.close()


def test_two_years_in_the_top_half_of_the_tier(archive):
    done = review(archive, POLICY, (2014, 2015))
    got = {
        c.city: (
            [(y.rank, y.tier_size, y.top_half) for y in c.years],
            [o.code for o in c.possible],
        )
        for c in done.cities
    }
    assert got == {
        "甲市": ([(1, 4, True), (2, 7, True)], ["eligible_by_rank"]),
        "乙市": ([(2, 4, True), (6, 7, False)], ["not_eligible_by_rank"]),
        "壬市": ([(2, 4, True), (None, None, None)], ["eligible_by_rank", "not_eligible_by_rank"]),
        "丁市": ([(4, 4, False), (3, 7, True)], ["not_eligible_by_rank"]),
        # Missing 2014 and not in the top half of 2015: whatever 2014 was, not two years.
        "戊市": ([(None, None, None), (4, 7, False)], ["not_eligible_by_rank"]),
        "丙市": ([(None, None, None), (1, 7, True)], ["eligible_by_rank", "not_eligible_by_rank"]),
        "庚市": ([(None, None, None), (5, 7, False)], ["not_eligible_by_rank"]),
        "己市": ([(None, None, None), (7, 7, False)], ["not_eligible_by_rank"]),
        "武汉市": ([(None, None, None), (1, 1, False)], ["not_eligible_by_rank"]),
    }


def test_ranks_are_in_the_outputs_of_a_policy_that_reads_them_only(archive):
    data = review(archive, POLICY, (2014, 2015)).to_dict()
    jia = next(c for c in data["cities"] if c["city"] == "甲市")
    assert jia["top_half_years"] == 2
    assert jia["years"][1] | {"stored_id": 0} == {
        "year": 2015,
        "state": "assessed",
        "pack": PACK,
        "score": 88.0,
        "grade": "good",
        "grade_label": "良好",
        "failed": False,
        "stored_id": 0,
        "version": 1,
        "rank": 2,
        "tier_size": 7,
        "top_half": True,
    }
    assert "secondhand, not verified against the original" in data["source"]["text"]
    markdown = review_report(review(archive, POLICY, (2014, 2015)), ".md")
    assert isinstance(markdown, str)
    assert "88.0，同级第2/7名（前一半） 良好" in markdown
    three_years = review(archive, find_policy(None), (2013, 2015)).to_dict()
    assert "top_half_years" not in three_years["cities"][0]
    assert "rank" not in three_years["cities"][0]["years"][2]


def test_the_three_year_review_stays_the_default_beside_the_example():
    assert list(shipped_policies()) == ["cnipa-demo-city-review", "cnipa-strong-city-eligibility"]
    assert find_policy(None).id == "cnipa-demo-city-review"
    assert POLICY.reads_ranks and not find_policy(None).reads_ranks
