"""Ratio fields: growth rates and shares computed from submitted figures, as the Harbin and
Jiaxing plans need ("patent applications grow faster than GDP", "≥40% invention share")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ipscore import InputError, PackError, assess, load_pack
from ipscore.submission import parse_submission

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
    applications: {type: count, label: 专利申请量, label_en: Applications, unit: 件}
    applications_prev: {type: count, role: baseline, label: 上年专利申请量, label_en: Last year}
    inventions: {type: count, label: 发明和职务发明申请量, label_en: Inventions, unit: 件}
    growth: {type: ratio, of: [patents.applications, patents.applications_prev], times: 100,
             minus: 100, decimals: 2, unit: "%", label: 专利申请量增长率, label_en: Growth}
    invention_share: {type: ratio, of: [patents.inventions, patents.applications], times: 100,
                      decimals: 2, unit: "%", label: 发明占比, label_en: Invention share}
  economy:
    gdp: {type: amount, decimals: 2, label: 地区生产总值, label_en: GDP, unit: 亿元}
    gdp_prev: {type: amount, decimals: 2, role: baseline, label: 上年地区生产总值,
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
    # 5000 / 4400 − 1 = 13.6363…% → 13.63; 3300 / 3000 − 1 = 10.00% → met.
    result = _assess(
        pack,
        {
            "patents": {"applications": 5000, "applications_prev": 4400, "inventions": 2000},
            "economy": {"gdp": 3300, "gdp_prev": 3000},
        },
    )
    req = result.tasks[0].requirements
    assert req[0].inputs == {
        "patents.growth": Decimal("13.63"),
        "economy.gdp_growth": Decimal("10.00"),
    }
    assert req[0].status == "met"
    # 2000 / 5000 = 40.00% exactly: met.
    assert req[1].status == "met"


def test_slower_growth_and_low_share(pack):
    # 4500 / 4400 − 1 = 2.27%; GDP 3% → unmet. 1799 / 4500 = 39.977…% → 39.97 → unmet.
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
    assert result.tasks[0].requirements[0].inputs["patents.growth"] == Decimal("-10.00")
    assert result.requirement_statuses()["T1.R1"] == "missing"


def test_a_ratio_cannot_be_submitted(pack):
    with pytest.raises(InputError) as caught:
        parse_submission(
            {"city": {"name": "甲"}, "facts": {"patents": {"growth": 5}}}, pack, "x", {}
        )
    assert "这是由 patents.applications、patents.applications_prev 算出的值，不需要填写" in str(
        caught.value
    )


def test_a_negative_ratio_needs_a_whole_factor(tmp_path):
    text = PACK_TEXT.replace(
        "check: {field: patents.growth, gt: {field: economy.gdp_growth}}",
        'check: {field: patents.growth, gt: {field: economy.gdp_growth, times: "1.5"}}',
    )
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(path)
    assert "比率字段 economy.gdp_growth 可能为负" in str(caught.value)
