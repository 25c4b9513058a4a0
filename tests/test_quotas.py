"""Quotas (issue 31 part 5): the cut a grade quota makes by rank, ties at the cut settled by the
quota's rule, shares rounded down, per tier, per province and in all, a province's
recommendations, and the published list saying who was cut by which quota. Every expected
value is worked out by hand from the cohort written beside it."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from openpyxl import load_workbook
from pydantic import ValidationError

from ipscore import InputError
from ipscore.packs import installed_pack, load_pack
from ipscore.packs.quotas import Quota
from ipscore.record.publish import published
from ipscore.report import published_report
from ipscore.season.quotas import Entrant, apply_quotas, cap_of, combined, recommend
from ipscore.store.archive import Archive, Entry

from .conftest import ROOT

GRADES = ["excellent", "good", "pass", "fail"]
PACK = "cnipa-2015-demo-city"
CITE = {"source": "season-2015.yaml", "section": "quotas", "text": "优秀每类不超过1家"}
EARLY, LATE = dt.datetime(2016, 1, 4, 16, 0), dt.datetime(2016, 1, 5, 9, 30)


def quota(**kw: Any) -> Quota:
    fields: dict[str, Any] = {
        "id": "one-per-tier",
        "what": "grade",
        "grade": "excellent",
        "per": "tier",
        "at_most": 1,
        "label": "优秀每类不超过1家",
        "citation": CITE,
        **kw,
    }
    return Quota.model_validate(fields)


def city(
    name: str,
    score: str,
    grade: str = "excellent",
    tier: str = "sub_provincial",
    province: str = "湖北省",
    submitted: dt.datetime | None = None,
) -> Entrant:
    return Entrant(name, province, tier, grade, Decimal(score), submitted)


# Two cities tied at the top of the 副省级 tier (92.0), a third below them; one 地级 city.
TIED = [
    city("武汉市", "92.0", submitted=LATE),
    city("广州市", "92.0", province="广东省", submitted=EARLY),
    city("成都市", "90.0", province="四川省", submitted=EARLY),
    city("宜昌市", "95.0", tier="prefecture"),
]


def test_one_excellent_per_tier_goes_to_the_earlier_submission():
    out = apply_quotas(TIED, [quota(ties="earlier_submission")], GRADES)
    assert out.grades == {
        "武汉市": "good",
        "广州市": "excellent",
        "成都市": "good",
        "宜昌市": "excellent",
    }
    assert out.cut_by == {"武汉市": ("one-per-tier",), "成都市": ("one-per-tier",)}
    sub, pref = out.cuts  # 副省级 first, as every listing
    assert (sub.group, sub.counted, sub.cap, sub.kept, sub.cut) == (
        "sub_provincial",
        3,
        1,
        ("广州市",),
        ("武汉市", "成都市"),
    )
    assert sub.cap_zh == "不超过1家"
    assert sub.tie is not None and sub.tie.cities == ("广州市", "武汉市") and sub.tie.places == 1
    assert sub.tie.zh == (
        "广州市、武汉市同为92.0分，并列争1个名额；规则：并列者按自评提交时间先后，先提交者优先；"
        "提交时间仍相同或缺少提交时间的全部不保留。提交时间：广州市 2016-01-04 16:00:00；"
        "武汉市 2016-01-05 09:30:00。保留：广州市"
    )
    assert (pref.group, pref.counted, pref.kept, pref.cut, pref.tie) == (
        "prefecture",
        1,
        ("宜昌市",),
        (),
        None,
    )


def test_the_same_tie_all_cut_and_all_kept():
    cut = apply_quotas(TIED, [quota(ties="all_cut")], GRADES).cuts[0]
    # None of the tied keep it, and the place is not passed down to 成都 below them.
    assert (cut.kept, cut.cut, cut.over) == ((), ("广州市", "武汉市", "成都市"), 0)
    assert cut.tie is not None and cut.tie.zh.endswith("规则：并列者全部不保留。全部不保留")
    kept = apply_quotas(TIED, [quota(ties="all_kept")], GRADES).cuts[0]
    assert (kept.kept, kept.cut, kept.over) == (("广州市", "武汉市"), ("成都市",), 1)
    assert kept.tie is not None and kept.tie.zh.endswith("全部保留，超出名额1家")


def test_an_earlier_submission_rule_still_tied_or_without_times_cuts_all_the_tied():
    same = [city("武汉市", "92.0", submitted=EARLY), city("广州市", "92.0", submitted=EARLY)]
    tie = apply_quotas(same, [quota(ties="earlier_submission")], GRADES).cuts[0].tie
    assert tie is not None and (tie.kept, tie.still_tied) == ((), ("广州市", "武汉市"))
    assert "广州市、武汉市提交时间相同，仍然并列：全部不保留" in tie.zh
    untimed = [city("武汉市", "92.0", submitted=EARLY), city("广州市", "92.0")]
    tie = apply_quotas(untimed, [quota(ties="earlier_submission")], GRADES).cuts[0].tie
    assert tie is not None and tie.kept == ()
    assert tie.zh.endswith("广州市没有自评提交时间，无从比较先后：全部不保留")


def test_a_share_is_taken_exactly_and_rounded_down():
    share = quota(at_most=None, share=Decimal("0.3"), per="all")
    # 不超过30%: of 7 cities 2.1 → 2; of 3 cities 0.9 → 0 (no city may keep the grade); of 10
    # exactly 3.
    assert cap_of(share, 7) == (
        2,
        "7家的30%（2.1家），向下取整为2家",
        "30% of 7 is 2.1, rounded down to 2",
    )
    assert cap_of(share, 3) == (
        0,
        "3家的30%（0.9家），向下取整为0家",
        "30% of 3 is 0.9, rounded down to 0",
    )
    assert cap_of(share, 10)[:2] == (3, "10家的30%，为3家")
    seven = [
        city("甲市", "95.0"),
        city("乙市", "93.0"),
        city("丙市", "91.0"),
        city("丁市", "90.0"),
        city("戊市", "80.0", "good"),
        city("己市", "70.0", "pass"),
        city("庚市", "50.0", "fail"),
    ]
    out = apply_quotas(seven, [share], GRADES)
    assert (out.cuts[0].counted, out.cuts[0].kept, out.cuts[0].cut) == (
        7,
        ("甲市", "乙市"),
        ("丙市", "丁市"),
    )
    three = [city("甲市", "95.0"), city("乙市", "80.0", "good"), city("丙市", "70.0", "pass")]
    out = apply_quotas(three, [share], GRADES)
    assert (out.grades["甲市"], out.cuts[0].cap, out.cuts[0].cut) == ("good", 0, ("甲市",))


def test_per_province_counts_each_province_across_tiers():
    cohort = [
        city("武汉市", "92.0"),
        city("宜昌市", "95.0", tier="prefecture"),
        city("襄阳市", "80.0", "good", tier="prefecture"),
        city("广州市", "92.0", province="广东省"),
        city("佛山市", "91.0", tier="prefecture", province="广东省"),
    ]
    out = apply_quotas(cohort, [quota(id="one-per-province", per="province")], GRADES)
    # Provinces by code: 湖北 42 before 广东 44.
    assert [(c.group, c.counted, c.kept, c.cut) for c in out.cuts] == [
        ("湖北省", 3, ("宜昌市",), ("武汉市",)),
        ("广东省", 2, ("广州市",), ("佛山市",)),
    ]


def test_a_city_cut_into_another_capped_grade_is_counted_there_again():
    cohort = [city("甲市", "95.0"), city("乙市", "93.0"), city("丙市", "85.0", "good")]
    good = quota(id="good-one", grade="good", per="all", label="良好不超过1家")
    best = quota(id="excellent-one", per="all")
    # Given in either order, the best grade's quota is applied first: 乙 falls to 良好 at 93.0
    # and, ranking above 丙, keeps it; 丙 is cut to 合格.
    for order in ([good, best], [best, good]):
        out = apply_quotas(cohort, order, GRADES)
        assert out.grades == {"甲市": "excellent", "乙市": "good", "丙市": "pass"}
        assert out.cut_by == {"乙市": ("excellent-one",), "丙市": ("good-one",)}


def test_a_province_recommends_within_its_cap_by_grade_then_score():
    half = Quota.model_validate(
        {
            "id": "nominate-half",
            "what": "recommend",
            "per": "province",
            "share": "0.5",
            "label": "推荐不超过50%",
            "citation": {"source": "国知办发管字〔2013〕15号", "section": "—", "text": "50%"},
        }
    )
    candidates = [
        city("襄阳市", "95.0", "good", tier="prefecture"),
        city("武汉市", "92.0"),
        city("宜昌市", "92.0", tier="prefecture"),
        city("荆州市", "80.0", "good", tier="prefecture"),
        city("黄石市", "70.0", "pass", tier="prefecture"),
    ]
    cut = recommend(half, "湖北省", candidates, GRADES)
    # 5 × 50% = 2.5 → 2; 襄阳's 95.0 is 良好, below the two 92.0 优秀.
    assert (cut.cap_zh, cut.kept, cut.cut, cut.tie) == (
        "5家的50%（2.5家），向下取整为2家",
        ("武汉市", "宜昌市"),
        ("襄阳市", "荆州市", "黄石市"),
        None,
    )
    with pytest.raises(InputError) as other:
        recommend(half, "湖北省", [*candidates, city("广州市", "90.0", province="广东省")], GRADES)
    assert other.value.problems[0].zh == "广州市 不是湖北省的城市，不在湖北省的推荐名单中"


def test_quotas_that_cannot_be_applied_are_refused():
    with pytest.raises(ValidationError, match="counted per province"):
        Quota.model_validate({**quota().model_dump(), "what": "recommend", "grade": None})
    with pytest.raises(ValidationError, match="not both"):
        quota(share=Decimal("0.3"))
    with pytest.raises(InputError) as lowest:
        apply_quotas(TIED, [quota(grade="fail")], GRADES)
    assert lowest.value.problems[0].zh == (
        "名额 one-per-tier 限制的是最低等级 fail：超出名额的城市没有更低的等级可降"
    )
    with pytest.raises(InputError) as twice:
        combined([quota()], [quota(at_most=2)])
    assert (
        twice.value.problems[0].zh == "赛季文件的名额 one-per-tier 与规则包的名额同名：请换一个编号"
    )


def test_a_pack_may_declare_quotas_and_one_without_keeps_its_hash(tmp_path: Path):
    text = (ROOT / "tests/tiny-pack.yaml").read_text(encoding="utf-8")
    plain = load_pack(ROOT / "tests/tiny-pack.yaml")
    (tmp_path / "q.yaml").write_text(
        text + "quotas:\n  - {id: q, what: grade, grade: good, at_most: 3, label: 每年不超过3家,"
        " citation: {source: plan.txt, section: 四, text: 每年不超过3家}}\n",
        encoding="utf-8",
    )
    capped = load_pack(tmp_path / "q.yaml")
    assert [q.id for q in capped.quotas] == ["q"] and plain.quotas == []
    assert capped.content_hash != plain.content_hash
    shipped = installed_pack(PACK)
    assert shipped is not None and shipped.quotas == []
    assert shipped.model_copy(update={"quotas": []}).content_hash == shipped.content_hash


def _entry(name: str, score: str, grade: str, level: str, province: str, sha: str) -> Entry:
    labels = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
    result = {
        "score": float(score),
        "grade": grade,
        "grade_label": labels[grade],
        "level": level,
        "province": province,
        "mandatory_complete": True,
        "tasks": [],
    }
    return Entry(PACK, "1", sha, name, 2015, f"{name}.yaml", "1" * 64, {}, result)


@pytest.fixture
def season(tmp_path: Path):
    """Six cities in two provinces: 武汉 and 广州 tie at 92.0 优秀 among the 副省级."""
    shipped = installed_pack(PACK)
    assert shipped is not None
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite'}")
    rows = [
        ("武汉市", "92.0", "excellent", "sub_provincial", "湖北省"),
        ("广州市", "92.0", "excellent", "sub_provincial", "广东省"),
        ("宜昌市", "95.0", "excellent", "prefecture", "湖北省"),
        ("襄阳市", "88.0", "good", "prefecture", "湖北省"),
        ("佛山市", "91.0", "excellent", "prefecture", "广东省"),
        ("东莞市", "70.0", "pass", "prefecture", "广东省"),
    ]
    archive.add(
        [_entry(*row, shipped.content_hash) for row in rows], "2016-01-10T00:00:00Z", "张三"
    )
    yield archive
    archive.close()


def test_the_published_list_says_who_was_cut_by_which_quota(season):
    q = quota(ties="earlier_submission", label_en="one Excellent per tier")
    found = published(
        season,
        2015,
        with_scores=True,
        basis="declared",
        quotas=[q],
        submitted={"武汉市": LATE, "广州市": EARLY},
    )
    data = orjson.loads(published_report(found, ".json"))
    rows = [
        (c["city"], c["grade"], c["rank"], c["cut_by"], c["grade_before_quota"])
        for t in data["tiers"]
        for c in t["cities"]
    ]
    assert rows == [
        ("广州市", "excellent", 1, [], None),
        ("武汉市", "good", 2, ["one-per-tier"], "excellent"),
        ("宜昌市", "excellent", 1, [], None),
        ("佛山市", "good", 2, ["one-per-tier"], "excellent"),
        ("襄阳市", "good", 3, [], None),
        ("东莞市", "pass", 4, [], None),
    ]
    assert [(c["group"], c["kept"], c["cut"]) for c in data["quotas"]] == [
        ("sub_provincial", ["广州市"], ["武汉市"]),
        ("prefecture", ["宜昌市"], ["佛山市"]),
    ]
    assert data["quotas"][0]["tie"]["rule"] == "earlier_submission"
    markdown = published_report(found, ".md")
    assert isinstance(markdown, str)
    assert (
        "| 2 | 武汉市 | 湖北省 | 良好 | 92.0 | "
        "原为优秀，因名额 one-per-tier（优秀每类不超过1家）降为良好 |"
    ) in markdown
    assert "| 1 | 广州市 | 广东省 | 优秀 | 92.0 |  |" in markdown
    assert (
        "### 优秀每类不超过1家（`one-per-tier`）· 副省级\n\n"
        "- 不超过1家\n- 保留：广州市\n- 超出名额：武汉市\n" in markdown
    )
    book = load_workbook(io.BytesIO(published_report(found, ".xlsx")))
    rows = list(book["公布名单"].iter_rows(values_only=True))
    assert rows[2][-1] == "名额" and rows[4][1:4] == ("武汉市", "湖北省", "良好")
    assert rows[4][-1] == "原为优秀，因名额 one-per-tier（优秀每类不超过1家）降为良好"
    assert list(book["名额限制"].iter_rows(values_only=True))[1][:5] == (
        "优秀每类不超过1家 (one-per-tier)",
        "副省级",
        "不超过1家",
        "广州市",
        "武汉市",
    )
    english = published_report(found, ".md", "en")
    assert isinstance(english, str)
    assert "was Excellent; cut to Good by quota one-per-tier (one Excellent per tier)" in english


def test_a_list_without_quotas_says_nothing_of_them(season):
    found = published(season, 2015, basis="declared")
    data = orjson.loads(published_report(found, ".json"))
    assert "quotas" not in data
    assert set(data["tiers"][0]["cities"][0]) == {"city", "province", "grade", "grade_label"}
    markdown = published_report(found, ".md")
    assert isinstance(markdown, str) and "名额" not in markdown
    assert "| 武汉市 | 湖北省 | 优秀 |" in markdown
