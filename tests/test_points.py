"""Points sheets (issue 32): each kind of item scored at its band edges, worked out by hand from
the sheets' own words; vetoes; 自评分; the engine's bands against the Kleene oracle; a bad
sheet or a bad self-score refused with its line."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipscore.decide import kleene
from ipscore.decide.engine import engine_for
from ipscore.decide.pipeline import assess
from ipscore.errors import InputError, PackError
from ipscore.intake.submission import Submission, parse_submission
from ipscore.packs import find_pack, load_pack
from ipscore.packs.model import parts_of

from .conftest import ROOT

DEMO = load_pack(ROOT / "tests" / "points" / "demo-pack.yaml")
LIUAN = find_pack("liuan-2017-advanced-unit")
NANJIANG = find_pack("nanjiang-2023-patent-tasks")

LIUAN_BASE = {
    "pack": "liuan-2017-advanced-unit",
    "year": 2017,
    "city": {"name": "金安区"},
    "facts": {
        "creation": {
            "invention_applications": 1000,
            "invention_applications_target": 1000,
            "invention_grants": 100,
            "invention_grants_target": 100,
        },
        "protection": {"dispute_cases": 5, "counterfeit_cases": 0},
        "finance": {
            "pledge_policy": True,
            "pledge_fund": True,
            "pledge_amount": 1000,
            "pledge_target": 1000,
        },
    },
}


def _assess(pack, base, **facts):
    """Assess `base` with facts changed: `group__field=value` (None removes the figure)."""
    data = copy.deepcopy(base)
    for name, value in facts.items():
        group, field = name.split("__")
        if value is None:
            data["facts"][group].pop(field, None)
        else:
            data["facts"][group][field] = value
    return assess(pack, parse_submission(data, pack, "test.yaml", {}))


def _item(a, item_id):
    return next(i for i in a.sheet.items if i.id == item_id)


# 发明专利申请 15分：完成目标任务得满分，90%以上得60%分，90%以下不得分。每超1件，加0.1分。
# Against a target of 1000: 899 is 89.9% (0); 900 is 90% exactly, "90%以上" includes it (9);
# 1000 is 100% (15); 1120 is 112%, 120 over at 0.1 each (15 + 12 = 27, no cap stated).
@pytest.mark.parametrize(
    "done, points, words",
    [
        (899, Fraction(0), "完成目标任务的89.9%，不足90%，不得分"),
        (900, Fraction(9), "完成目标任务的90%，得60%分：9分"),
        (999, Fraction(9), "完成目标任务的99.9%，得60%分：9分"),
        (1000, Fraction(15), "完成目标任务（1,000件，目标1,000件），得满分：15分"),
        (
            1120,
            Fraction(27),
            "完成目标任务（1,120件，目标1,000件），得满分：15分；超出目标120件，加12分",
        ),
    ],
)
def test_liuan_applications_at_every_band_edge(done, points, words):
    a = _assess(LIUAN, LIUAN_BASE, creation__invention_applications=done)
    item = _item(a, "invention-applications")
    assert item.points == points
    assert item.parts[0].words == words
    # The other three items at full marks: 15 + 25 + 15.
    assert a.sheet.exact == points + 55


def test_liuan_grants_bonus_is_a_fifth_a_grant():
    # 发明专利授权: 每超1件，加0.2分. 112 of 100: 15 + 12 × 0.2 = 17.4.
    a = _assess(LIUAN, LIUAN_BASE, creation__invention_grants=112)
    assert _item(a, "invention-grants").points == Fraction(174, 10)
    assert _item(a, "invention-grants").parts[0].words.endswith("超出目标12件，加2.4分")


@pytest.mark.parametrize(
    "disputes, counterfeits, points, band",
    [
        (0, 0, 0, 1),
        (2, 5, 15, 1),  # 2 × 5 + 5 × 1
        (4, 4, 24, 1),
        (4, 5, 25, 0),  # 20 + 5: exactly the item's 25
        (3, 12, 25, 0),  # 15 + 12 = 27, at most 25
        (6, 0, 25, 0),
        (0, 25, 25, 0),
        (0, 24, 24, 1),
    ],
)
def test_liuan_enforcement_per_case_up_to_the_item_value(disputes, counterfeits, points, band):
    a = _assess(
        LIUAN,
        LIUAN_BASE,
        protection__dispute_cases=disputes,
        protection__counterfeit_cases=counterfeits,
    )
    item = _item(a, "enforcement")
    assert (item.points, item.parts[0].band) == (points, band)
    assert item.status == ("met" if band == 0 else "unmet")


@pytest.mark.parametrize(
    "policy, fund, amount, points",
    [
        (True, True, "1000", 15),  # 3 + 12
        (True, False, "1000", 12),  # no matching funds: not the 3
        (True, True, "999.99", 3),  # 完成任务得12分: no partial credit
        (True, True, "1099.99", 15),  # 99.99万元 over: no whole 100万元
        (True, True, "1100", 16),  # 100万元 over: +1
        (False, True, "1250", 14),  # 12 + 2
    ],
)
def test_liuan_pledge_financing(policy, fund, amount, points):
    a = _assess(
        LIUAN,
        LIUAN_BASE,
        finance__pledge_policy=policy,
        finance__pledge_fund=fund,
        finance__pledge_amount=Decimal(amount),
    )
    assert _item(a, "pledge-financing").points == points


def test_a_missing_target_leaves_the_item_missing_with_no_points():
    a = _assess(LIUAN, LIUAN_BASE, creation__invention_grants_target=None)
    item = _item(a, "invention-grants")
    assert (item.status, item.points, item.parts[0].band) == ("missing", 0, None)
    assert item.parts[0].words == "缺少数据（发明专利授权目标任务），本项暂不得分"
    assert "creation.invention_grants_target" in a.missing


def test_the_worked_county_and_its_self_scores():
    """/tmp-free: the county of the brief. 112/100 applications: 15 + 1.2; grants 90/100: 9;
    3 disputes + 12 counterfeits: 27, capped at 25; policy and fund 3, 1250 of 1000: 12 + 2.
    Total 67.2 of 70. It claimed 15 for grants: 6 more than computed."""
    data = copy.deepcopy(LIUAN_BASE)
    data["facts"]["creation"].update(
        invention_applications=112,
        invention_applications_target=100,
        invention_grants=90,
        invention_grants_target=100,
    )
    data["facts"]["protection"] = {"dispute_cases": 3, "counterfeit_cases": 12}
    data["facts"]["finance"]["pledge_amount"] = 1250
    data["self_scores"] = {"invention-applications": 16.2, "invention-grants": 15}
    a = assess(LIUAN, parse_submission(data, LIUAN, "county.yaml", {}))
    assert [i.points for i in a.sheet.items] == [Fraction(81, 5), 9, 25, 17]
    assert (a.sheet.exact, a.score, a.sheet.maximum) == (Fraction(336, 5), Decimal("67.2"), 70)
    assert _item(a, "invention-grants").difference == 6
    assert _item(a, "invention-applications").difference == 0
    assert _item(a, "enforcement").claimed is None
    out = a.to_dict()["points"]
    assert out["total"] == "67.2"
    assert out["items"][1]["difference"] == "6.0"


def test_demo_sheet_deduction_award_and_floor():
    base = {
        "pack": "points-demo",
        "year": 2017,
        "city": {"name": "甲单位"},
        "facts": {
            "work": {
                "apps": 112,
                "apps_target": 100,
                "cases": 3,
                "policy": True,
                "filed": 8,
                "fraud": False,
            }
        },
    }
    a = _assess(DEMO, base)
    # 20 + min(2, 12 × 0.5) + 3 × 2 + 5 − 2 × 0.1 = 32.8
    assert [i.points for i in a.sheet.items] == [22, 6, 5, Fraction(-1, 5)]
    assert (a.score, a.grade) == (Decimal("32.8"), "good")
    assert _item(a, "filings").parts[0].words == "未完成2件（任务10件，完成8件），扣0.2分"
    assert _item(a, "apps").parts[0].words.endswith("加2分（已达加分上限）")
    assert _item(a, "policy").parts[0].words == "出台文件：达到，得5分"
    # Nothing done at all: −1.0 from the deduction, held at the floor of 0.
    a = _assess(DEMO, base, work__apps=0, work__cases=0, work__policy=False, work__filed=0)
    assert (a.sheet.added, a.sheet.exact, a.sheet.capped) == (-1, 0, True)


def test_a_veto_makes_the_grade_the_lowest_whatever_the_points():
    base = {
        "pack": "points-demo",
        "year": 2017,
        "city": {"name": "甲单位"},
        "facts": {
            "work": {
                "apps": 112,
                "apps_target": 100,
                "cases": 5,
                "policy": True,
                "filed": 10,
                "fraud": True,
            }
        },
    }
    a = _assess(DEMO, base)
    assert a.sheet.vetoes == ("fraud",)
    assert (a.score, a.grade) == (Decimal("37.0"), "fail")
    assert a.to_dict()["points"]["vetoes"][0]["title"] == "存在弄虚作假"
    a = _assess(DEMO, base, work__fraud=False)
    assert (a.sheet.vetoes, a.grade) == ((), "good")


def test_nanjiang_every_unit_starts_at_100_and_loses_a_tenth_a_filing():
    """南江县 2023: 农业农村局 "未完成专利申报任务5件，扣0.5分" → 99.5; 高塔镇 "完成1件、未完成1件，
    扣0.1分" → 99.9; 经信局 完成 → 100."""

    def unit(name, task, done):
        data = {
            "pack": "nanjiang-2023-patent-tasks",
            "year": 2023,
            "city": {"name": name},
            "facts": {"patents": {"task": task, "done": done}},
        }
        return assess(NANJIANG, parse_submission(data, NANJIANG, "unit.yaml", {}))

    assert unit("农业农村局", 5, 0).score == Decimal("99.5")
    assert unit("高塔镇", 2, 1).score == Decimal("99.9")
    assert unit("公山镇", 2, 0).score == Decimal("99.8")
    assert unit("经信局", 10, 10).score == Decimal("100.0")
    assert unit("经信局", 10, 12).score == Decimal("100.0")  # more than the task: no bonus


def _liuan_submissions():
    @st.composite
    def draw(draw):
        values = {"city.name": "某县"}
        for field in ("invention_applications", "invention_grants"):
            target = draw(st.integers(0, 60))
            values[f"creation.{field}_target"] = target
            values[f"creation.{field}"] = draw(
                st.integers(max(0, target * 9 // 10 - 2), target + 4)
            )
        values["protection.dispute_cases"] = draw(st.integers(0, 7))
        values["protection.counterfeit_cases"] = draw(st.integers(0, 30))
        values["finance.pledge_policy"] = draw(st.booleans())
        values["finance.pledge_fund"] = draw(st.booleans())
        target = draw(st.integers(0, 2000))
        values["finance.pledge_target"] = Decimal(target)
        values["finance.pledge_amount"] = Decimal(
            draw(st.integers(max(0, target - 2), target + 301))
        )
        for name in list(values):
            if name != "city.name" and draw(st.integers(0, 9)) == 0:
                del values[name]
        return Submission(LIUAN.id, 2017, values, "hypothesis")

    return draw()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(submission=_liuan_submissions())
def test_engine_bands_agree_with_kleene_on_the_liuan_sheet(submission):
    got = engine_for(LIUAN).verdicts(submission)
    for _, req in LIUAN.requirements():
        want = tuple(
            kleene.band([b.when for b in part.bands], req.applies_if, submission.values)
            for part in parts_of(req)
        )
        assert got.bands[req.id] == want, (req.id, submission.values)
        assert got.statuses[req.id] == kleene.verdict(req.check, None, submission.values)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    submission=_liuan_submissions(),
    field=st.sampled_from(
        [
            "creation.invention_applications",
            "creation.invention_grants",
            "protection.dispute_cases",
            "protection.counterfeit_cases",
            "finance.pledge_amount",
        ]
    ),
    more=st.integers(1, 150),
)
def test_more_achieved_never_lowers_the_total(submission, field, more):
    """An achievement raised (targets left alone) never lowers an item or the total."""
    if field not in submission.values:
        return
    before = assess(LIUAN, submission)
    values = {**submission.values, field: submission.values[field] + more}
    after = assess(LIUAN, Submission(LIUAN.id, 2017, values, "hypothesis"))
    assert after.sheet.exact >= before.sheet.exact
    for old, new in zip(before.sheet.items, after.sheet.items, strict=True):
        assert new.points >= old.points


SHEET_ITEM = """
      - id: T1.R1
        kind: required
        title: 申请
        points: {value: 10, criteria: 完成得满分,
                 tiers: {field: work.staff, of: 5, at_least: {"1": full}}}
        remedy: 增加。
        citation: {source: plan.txt, section: 一, text: 明确3人}
"""


def _pack_text(requirement: str, scoring_extra: str = "  method: points\n") -> str:
    return (
        (ROOT / "tests" / "tiny-pack.yaml")
        .read_text(encoding="utf-8")
        .replace(
            """      - id: T1.R1
        kind: required
        title: 至少3人
        check: {field: work.staff, gte: 3}
        remedy: 增加人员。
        citation: {source: plan.txt, section: 一, text: 明确3人}
""",
            requirement,
        )
        .replace("scoring:\n", "scoring:\n" + scoring_extra)
    )


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(path)
    return [f"{p.line}: {p.zh}" for p in caught.value.problems]


def test_the_tiny_sheet_loads(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text(_pack_text(SHEET_ITEM), encoding="utf-8")
    assert load_pack(path).is_sheet


@pytest.mark.parametrize(
    "change, message",
    [
        # points in a pack scored the weighted way
        (("  method: points\n", ""), "points 只用于评分表：请在 scoring 中写 method: points"),
        # parts that do not add up to the item's value
        (
            (
                "value: 10, criteria: 完成得满分,\n                 tiers: "
                '{field: work.staff, of: 5, at_least: {"1": full}}}',
                "value: 12, criteria: 完成, parts: [{value: 10, tiers: {field: work.staff, of: 5, "
                'at_least: {"1": full}}}]}',
            ),
            "评分项 T1.R1 的分值 12 不等于各部分分值之和 10",
        ),
        # a share of the value above 1
        (('"1": full', '"1": 2'), "at_least 写作 {完成目标的比例: 得分比例}"),
        # tiers over a date
        (
            ("field: work.staff, of", "field: work.started_on, of"),
            "应为计数或金额字段，实际为 date",
        ),
        # a field that is not declared
        (
            ("field: work.staff, of", "field: work.staf, of"),
            "未声明的字段 work.staf，是否想写 work.staff？",
        ),
    ],
)
def test_a_broken_sheet_is_refused_with_its_line(tmp_path, change, message):
    old, new = change
    text = _pack_text(SHEET_ITEM)
    assert old in text
    problems = _problems(tmp_path, text.replace(old, new, 1))
    assert any(message in p for p in problems), problems
    assert all(p.split(":")[0] != "None" for p in problems), problems


def test_a_veto_citing_an_undeclared_source_is_refused(tmp_path):
    veto = (
        "  method: points\n  vetoes:\n    - {id: fraud, title: 弄虚作假, "
        "when: {field: work.staff, gte: 100}, "
        "citation: {source: other.txt, section: 四, text: 否决}}\n"
    )
    problems = _problems(tmp_path, _pack_text(SHEET_ITEM, veto))
    assert any("否决项引用的来源文件 other.txt 未在 pack.sources 中声明" in p for p in problems)


@pytest.mark.parametrize(
    "self_scores, message",
    [
        ({"invention-grant": 15}, "没有评分项 invention-grant，是否想写 invention-grants？"),
        ({"invention-grants": "十五"}, "自评分应为一个数（如 12.5），实际为文本“十五”"),
        ([15], "self_scores 应为“评分项编号: 自评分”的映射"),
    ],
)
def test_a_bad_self_score_is_refused(self_scores, message):
    data = {**copy.deepcopy(LIUAN_BASE), "self_scores": self_scores}
    with pytest.raises(InputError) as caught:
        parse_submission(data, LIUAN, "county.yaml", {})
    assert [p.zh for p in caught.value.problems] == [message]


def test_self_scores_belong_to_a_points_sheet_only():
    pack = find_pack("cnipa-2015-demo-city")
    data = {"pack": pack.id, "year": 2015, "city": {"name": "某市"}, "self_scores": {"T1.R1": 1}}
    with pytest.raises(InputError) as caught:
        parse_submission(data, pack, "city.yaml", {})
    assert any("不是评分表，没有自评分" in p.zh for p in caught.value.problems)


def test_the_2015_pack_keeps_its_hash():
    """Points are optional features: a pack that uses none keeps the hash it had."""
    pack = find_pack("cnipa-2015-demo-city")
    assert not pack.is_sheet
    assert pack.content_hash.startswith("eb37de2f4543")


def test_a_stored_sheet_replays_and_imports_with_its_self_scores(tmp_path):
    """The 自评分 travel in the stored result: replaying it and importing an export both give
    the same result, differences included."""
    from .test_archive import run

    db, other = str(tmp_path / "a.sqlite"), str(tmp_path / "b.sqlite")
    folder = ROOT / "scenarios" / "liuan-2017-advanced-unit"
    assert run("archive", "add", str(folder), db=db).returncode == 0
    replayed = run("archive", "replay", "金安区", "2017", db=db)
    assert replayed.returncode == 0, replayed.stderr
    assert "67.2分 先进单位候选，与存档结果完全一致" in replayed.stdout
    export = tmp_path / "x.jsonl"
    assert run("archive", "export", "-o", str(export), db=db).returncode == 0
    imported = run("archive", "import", str(export), db=other)
    assert imported.returncode == 0, imported.stderr
    line = next(json.loads(x) for x in export.read_text().splitlines() if "金安区" in x)
    grants = line["result"]["points"]["items"][1]
    assert (grants["self_score"], grants["points"], grants["difference"]) == (15, "9.0", "6.0")


def test_at_most_three_advanced_units_ranked_by_score(tmp_path):
    """考评办法第四条: 先进单位每年不超过3家; 第二条: 按得分高低排序. Of the five example
    counties (74.0, 67.2, 45.0, 27.0, 26.0) 舒城县 and 金寨县 are cut to 不列为候选."""
    from .test_archive import run

    db = str(tmp_path / "a.sqlite")
    folder = ROOT / "scenarios" / "liuan-2017-advanced-unit"
    assert run("archive", "add", str(folder), db=db).returncode == 0
    out = tmp_path / "list.json"
    done = run(
        "publish", "--year", "2017", "--pack", LIUAN.id, "--with-scores", "-o", str(out), db=db
    )
    assert done.returncode == 0, done.stderr
    listed = json.loads(out.read_text(encoding="utf-8"))
    rows = [(c["city"], c["score"], c["grade"], c["cut_by"]) for c in listed["tiers"][0]["cities"]]
    assert rows == [
        ("霍山县", 74.0, "candidate", []),
        ("金安区", 67.2, "candidate", []),
        ("裕安区", 45.0, "candidate", []),
        ("舒城县", 27.0, "not_candidate", ["advanced-units"]),
        ("金寨县", 26.0, "not_candidate", ["advanced-units"]),
    ]
    assert listed["quotas"][0]["kept"] == ["霍山县", "金安区", "裕安区"]
