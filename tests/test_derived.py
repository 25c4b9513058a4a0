"""Ratio fields: growth rates and shares computed from submitted figures, as the Harbin and
Jiaxing plans need ("patent applications grow faster than GDP", "≥40% invention share")."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from ipscore import InputError, PackError, assess, load_pack
from ipscore.decide.explain import show
from ipscore.intake.submission import parse_submission
from ipscore.views.tables.assessment import validation_lines

ROOT = Path(__file__).parents[1]

PACK_TEXT = """
pack:
  id: growth
  version: "1"
  title: 增长
  title_en: Growth
  year: 2010
  sources: [{file: plan.txt, title: 计划}]
fields:
  city:
    name: {type: text, required: true, label: 城市, label_en: City}
  patents:
    applications: {type: count, max: 1000000, label: 专利申请量, label_en: Applications, unit: 件}
    applications_prev: {type: count, max: 1000000, role: baseline, label: 上年专利申请量,
                        label_en: Last year}
    inventions: {type: count, max: 1000000, label: 发明和职务发明申请量, label_en: Inventions,
                 unit: 件}
    growth: {type: ratio, of: [patents.applications, patents.applications_prev], times: 100,
             minus: 100, decimals: 2, unit: "%", label: 专利申请量增长率, label_en: Growth}
    invention_share: {type: ratio, of: [patents.inventions, patents.applications], times: 100,
                      decimals: 2, unit: "%", label: 发明占比, label_en: Invention share}
  economy:
    gdp: {type: amount, decimals: 2, max: 100000000, label: 地区生产总值, label_en: GDP, unit: 亿元}
    gdp_prev: {type: amount, decimals: 2, max: 100000000, role: baseline, label: 上年地区生产总值,
               label_en: GDP last year}
    gdp_growth: {type: ratio, of: [economy.gdp, economy.gdp_prev], times: 100, minus: 100,
                 decimals: 2, unit: "%", label: GDP增长率, label_en: GDP growth}
tasks:
  - id: T1
    section: 二
    title: 专利
    requirements:
      - id: T1.R1
        kind: required
        title: 专利申请增长快于GDP
        check: {field: patents.growth, gt: {field: economy.gdp_growth}}
        remedy: .
        citation: {source: plan.txt, section: 二, text: 增长速度高于GDP增长速度}
      - id: T1.R2
        kind: required
        title: 发明占比不低于40%
        check: {field: patents.invention_share, gte: 40}
        remedy: .
        citation: {source: plan.txt, section: 二, text: 40%以上}
scoring:
  note: .
  grades:
    - {code: ok, label: 好, label_en: OK, min_score: 100}
    - {code: no, label: 差, label_en: No}
"""


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    path = tmp_path_factory.mktemp("packs") / "growth.yaml"
    path.write_text(PACK_TEXT, encoding="utf-8")
    return load_pack(path)


def _assess(pack, facts):
    data = {"city": {"name": "哈尔滨市"}, "facts": facts}
    return assess(pack, parse_submission(data, pack, "x.yaml", {}))


def test_growth_faster_than_gdp(pack):
    # 5000 / 4400 − 1 = 13.6363…% (exactly 150/11); 3300 / 3000 − 1 = 10% → met.
    result = _assess(
        pack,
        {
            "patents": {"applications": 5000, "applications_prev": 4400, "inventions": 2000},
            "economy": {"gdp": 3300, "gdp_prev": 3000},
        },
    )
    req = result.tasks[0].requirements
    assert req[0].inputs == {"patents.growth": Fraction(150, 11), "economy.gdp_growth": 10}
    assert req[0].status == "met"
    # 2000 / 5000 = 40.00% exactly: met.
    assert req[1].status == "met"


def test_slower_growth_and_low_share(pack):
    # 4500 / 4400 − 1 = 2.27%; GDP 3% → unmet. 1799 / 4500 = 39.977…% → unmet, 0.022…
    # short, shown rounded up to 0.03.
    result = _assess(
        pack,
        {
            "patents": {"applications": 4500, "applications_prev": 4400, "inventions": 1799},
            "economy": {"gdp": 3090, "gdp_prev": 3000},
        },
    )
    statuses = result.requirement_statuses()
    assert statuses == {"T1.R1": "unmet", "T1.R2": "unmet"}
    assert result.tasks[0].requirements[1].gap == "还差0.03%"


def test_negative_growth_and_zero_base(pack):
    result = _assess(
        pack,
        {
            "patents": {"applications": 90, "applications_prev": 100, "inventions": 0},
            "economy": {"gdp": 100, "gdp_prev": 0},
        },
    )
    # −10% vs an undefined GDP growth (zero base): missing, not unmet.
    assert result.tasks[0].requirements[0].inputs["patents.growth"] == -10
    assert result.requirement_statuses()["T1.R1"] == "missing"
    # Both GDP figures were filed: nothing is missing, the rate cannot be computed, and the city
    # is told why instead of being asked for a growth rate it never types in.
    assert result.missing == ()
    assert result.uncomputable == ("economy.gdp_growth",)
    assert (
        result.tasks[0].requirements[0].gap
        == "GDP增长率无法计算：分母为0（上年地区生产总值填报为0）"
    )
    assert validation_lines(result)[0] == (
        "✓ x.yaml：哈尔滨市，格式无误，无缺报；"
        "GDP增长率无法计算：分母为0（上年地区生产总值填报为0）"
    )


def test_a_ratio_cannot_be_submitted(pack):
    with pytest.raises(InputError) as caught:
        parse_submission(
            {"city": {"name": "甲"}, "facts": {"patents": {"growth": 5}}}, pack, "x", {}
        )
    assert "这是由 patents.applications、patents.applications_prev 算出的值，不需要填写" in str(
        caught.value
    )


def test_growth_a_hair_above_gdp_growth_is_met(pack):
    # The case: 110002 / 100000 − 1 = 10.002% against 1100 / 1000 − 1 = 10.000%.
    # "高于" is decided on the exact rates; cut to 0.01 points both read 10.00 and it was unmet.
    facts = {
        "patents": {"applications": 110002, "applications_prev": 100000, "inventions": 50000},
        "economy": {"gdp": 1100, "gdp_prev": 1000},
    }
    assert _assess(pack, facts).requirement_statuses()["T1.R1"] == "met"
    facts["patents"]["applications"] = 110000  # 10.000% is not above 10.000%
    result = _assess(pack, facts)
    assert result.requirement_statuses()["T1.R1"] == "unmet"
    assert result.tasks[0].requirements[0].gap == "与要求持平，须高于要求"


def test_a_ratio_is_shown_rounded_and_marked(pack):
    facts = {
        "patents": {"applications": 110002, "applications_prev": 100000, "inventions": 50000},
        "economy": {"gdp": 1100, "gdp_prev": 1000},
    }
    req = _assess(pack, facts).tasks[0].requirements[0]
    decl = pack.field("patents.growth")
    assert show(decl, req.inputs["patents.growth"]) == "≈10.00%"
    assert show(decl, req.inputs["economy.gdp_growth"]) == "10.00%"


def test_a_ratio_compared_through_unbounded_inputs_is_refused(tmp_path):
    text = PACK_TEXT.replace(
        "applications_prev: {type: count, max: 1000000,", "applications_prev: {type: count,"
    )
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(path)
    assert "比较比率时要把 patents.applications_prev 相乘，请为它们声明 max" in str(caught.value)


def test_a_shortfall_smaller_than_shown_says_so():
    # North-east G1.R2, 意见：“人均拥有量高于全国平均水平”: 124996 per 1亿 residents is 12.4996
    # per 10k, 0.0004 below 12.50 — less than the 0.01 shown, and said so, not "还差0.01".
    pack = load_pack(ROOT / "rules/northeast-2017-opinions.yaml")
    facts = {
        "population": {"total": 100000000},
        "patents": {"owned": 124996, "owned_prev": 100000},
        "national": {"patent_per_10k": Decimal("12.5")},
    }
    data = {"city": {"name": "黑龙江省"}, "facts": facts}
    result = assess(pack, parse_submission(data, pack, "x.yaml", {}))
    req = next(r for t in result.tasks for r in t.requirements if r.id == "G1.R2")
    assert (req.status, req.gap) == ("unmet", "还差不足0.01件/万人")


PLUS_TEXT = """
pack:
  id: plus
  version: "1"
  title: 加
  title_en: Plus
  year: 2010
  sources: [{file: plan.txt, title: 计划}]
fields:
  city:
    name: {type: text, required: true, label: 城市, label_en: City}
  t:
    top: {type: count, max: 1000, label: 分子, label_en: Top}
    bottom: {type: count, max: 1000, label: 分母, label_en: Bottom}
    limit: {type: amount, decimals: 2, max: 1000, label: 限值, label_en: Limit}
    r: {type: ratio, of: [t.top, t.bottom], minus: -0.5, decimals: 2, label: 比值加0.5,
        label_en: Ratio plus 0.5}
tasks:
  - id: T1
    section: 一
    title: 比值
    requirements:
      - id: T1.R1
        kind: required
        title: 比值加0.5不超过限值的3倍
        check: {field: t.r, lte: {field: t.limit, times: 3}}
        remedy: .
        citation: {source: plan.txt, section: 一, text: 不超过}
scoring:
  note: .
  grades:
    - {code: ok, label: 好, label_en: OK, min_score: 100}
    - {code: no, label: 差, label_en: No}
"""


@pytest.mark.parametrize(
    ("limit", "status"), [(Decimal("0.16"), "unmet"), (Decimal("0.17"), "met")]
)
def test_a_ratio_with_a_negative_minus_against_a_field_rounds_the_sign_test_up(
    tmp_path, limit, status
):
    """0/1 + 0.5 = 0.5 against 3 × limit. The engine decides `top ≤ bottom·(3·limit − 50)/100`
    (limit in hundredths) on the sign of 3·limit − 50, i.e. limit ≥ 50/3 = 16.67 rounded UP to
    17: at 0.16, 0.5 ≤ 0.48 is unmet (rounded down to 16, the negative side was taken as
    positive and truncated to 0, and 0 ≤ 0 made it met); at 0.17, 0.5 ≤ 0.51 is met."""
    path = tmp_path / "plus.yaml"
    path.write_text(PLUS_TEXT, encoding="utf-8")
    plus = load_pack(path)
    data = {"city": {"name": "某市"}, "facts": {"t": {"top": 0, "bottom": 1, "limit": limit}}}
    result = assess(plus, parse_submission(data, plus, "x.yaml", {}))
    assert result.requirement_statuses() == {"T1.R1": status}


GAPS_TEXT = """
pack:
  id: gaps
  version: "1"
  title: 差距
  title_en: Gaps
  year: 2010
  sources: [{file: plan.txt, title: 计划}]
fields:
  city:
    name: {type: text, required: true, label: 城市, label_en: City}
  t:
    cases: {type: count, max: 1000, unit: 件, label: 积案, label_en: Backlog}
    top: {type: count, max: 100000, label: 发明, label_en: Inventions}
    bottom: {type: count, max: 100000, label: 申请, label_en: Applications}
    share: {type: ratio, of: [t.top, t.bottom], times: 100, decimals: 1, unit: "%",
            label: 发明占比, label_en: Share}
tasks:
  - id: T1
    section: 一
    title: 差距
    requirements:
      - id: T1.R1
        kind: required
        title: 积案少于10件
        check: {field: t.cases, lt: 10}
        remedy: .
        citation: {source: plan.txt, section: 一, text: 少于10件}
      - id: T1.R2
        kind: required
        title: 发明占比不低于40%
        check: {field: t.share, gte: 40}
        remedy: .
        citation: {source: plan.txt, section: 一, text: 40%以上}
scoring:
  note: .
  grades:
    - {code: ok, label: 好, label_en: OK, min_score: 100}
    - {code: no, label: 差, label_en: No}
"""


def test_the_gaps_of_a_ceiling_and_of_a_ratio_one_step_short(tmp_path):
    """12 cases against "fewer than 10": the most allowed is 9, so 超出3件 (not 2). A share of
    399/1000 = 39.9% against 40% is exactly one display step short: 还差0.1%, not 还差不足0.1%
    (that is for less than a step, as 39.95%)."""
    path = tmp_path / "gaps.yaml"
    path.write_text(GAPS_TEXT, encoding="utf-8")
    gaps = load_pack(path)

    def gap_of(facts: dict[str, int]) -> list[str | None]:
        data = {"city": {"name": "某市"}, "facts": {"t": facts}}
        result = assess(gaps, parse_submission(data, gaps, "x.yaml", {}))
        return [r.gap for r in result.tasks[0].requirements]

    assert gap_of({"cases": 12, "top": 399, "bottom": 1000}) == ["超出3件", "还差0.1%"]
    assert gap_of({"cases": 10, "top": 799, "bottom": 2000})[1] == "还差不足0.1%"
