"""Every shipped scenario against its hand-worked golden result (tests/golden/)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from ruamel.yaml import YAML

from ipscore import assess_paths

from .conftest import ROOT, SCENARIOS

GOLDEN = ROOT / "tests" / "golden"
# The 2015 cohort at the top of scenarios/, each other pack's scenarios in a folder named by
# its id; reference/ holds national figures and earlier-years/ figures filed for the archive (a
# year the pack does not assess) and demo/ the accounts of the scripted season: not submissions
# to assess.
NOT_ASSESSED = ("reference", "earlier-years", "demo")
CASES = sorted(
    p
    for p in SCENARIOS.rglob("*")
    if p.suffix in (".yaml", ".json")
    and p.parent.name not in NOT_ASSESSED
    and not p.name.endswith((".whatif.yaml", ".season.yaml"))  # a what-if, a season's plan
)


def _golden_path(path):
    return (GOLDEN / path.relative_to(SCENARIOS)).with_suffix(".yaml")


def test_every_scenario_has_a_golden_file():
    assert CASES, "no scenarios shipped"
    golden = {p for p in GOLDEN.rglob("*.yaml")}
    assert {_golden_path(p) for p in CASES} == golden


@pytest.mark.parametrize("path", CASES, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_scenario_matches_golden(path):
    golden = YAML(typ="safe").load(_golden_path(path).read_text(encoding="utf-8"))
    (result,) = assess_paths([path])
    assert result.city == golden["city"]
    assert float(result.score) == golden["score"]
    assert result.grade == golden["grade"]
    assert result.mandatory_complete == golden["mandatory_complete"]
    tasks = {t.id: t for t in result.tasks}
    assert set(tasks) == set(golden["tasks"])
    for task_id, want in golden["tasks"].items():
        task = tasks[task_id]
        assert (task.mandatory, task.status) == (want["mandatory"], want["status"]), task_id
        assert task.fraction == Fraction(want["fraction"]), task_id
    expected = golden.get("requirements") or {}
    for rid, status in result.requirement_statuses().items():
        assert status == expected.get(rid, "met"), rid
    gaps = {r.id: r.gap for t in result.tasks for r in t.requirements}
    for rid, text in (golden.get("gaps") or {}).items():
        assert gaps[rid] == text, rid
    assert list(result.missing) == golden["missing"]
    if "points" in golden:  # a points sheet: each item's exact points
        got = {i.id: i.points for i in result.sheet.items}
        assert got == {k: Fraction(str(v)) for k, v in golden["points"].items()}


def test_ranking_within_tier():
    """Issue 28: a city ranks by its grade first, then its score. Worked from the goldens'
    grades and scores: 副省级 — 成都 95.7 优秀, 深圳 63.2 合格, 武汉 94.2 不合格 (a mandatory
    task unfinished); 地级 — 苏州 100.0 优秀, 湘潭 88.0 良好, then 佛山 and 郑州, both 95.6
    不合格, sharing rank 3."""
    from ipscore.decide.scoring import batch_table

    results = assess_paths([SCENARIOS])
    table = batch_table(results).set_index("city")
    ranks = {city: (row["rank_in_tier"], row["rank_tied"]) for city, row in table.iterrows()}
    assert ranks == {
        "成都市": (1, False),
        "深圳市": (2, False),
        "武汉市": (3, False),
        "苏州市": (1, False),
        "湘潭市": (2, False),
        "佛山市": (3, True),
        "郑州市": (3, True),
        "常熟市": (1, False),
        "北京市朝阳区": (1, False),
    }
    # Ranking order: by rank, tied cities by pinyin (fo shan before zheng zhou).
    assert list(table.index) == [
        "成都市",
        "深圳市",
        "武汉市",
        "苏州市",
        "湘潭市",
        "佛山市",
        "郑州市",
        "常熟市",
        "北京市朝阳区",
    ]
