"""What-if, scenario files, threshold sensitivity: outputs against hand-worked expectations."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ipscore import InputError, find_pack
from ipscore.decide.engine import Engine, engine_for
from ipscore.decide.pipeline import build
from ipscore.intake.files import read_all
from ipscore.packs.params import names, with_params
from ipscore.questions.whatif import Variant, compare, run, sensitivity, simulate

from .conftest import ROOT, SCENARIOS


def _city(name: str):
    ((pack, submission),) = read_all([SCENARIOS / name])
    verdicts = engine_for(pack).verdicts(submission)
    return pack, submission, verdicts, build(pack, submission, verdicts)


def test_drop_a_task_rewrites_verdicts_without_running_rules(monkeypatch):
    pack, submission, verdicts, base = _city("xiangtan-2015.yaml")
    calls = []
    monkeypatch.setattr(Engine, "verdicts", lambda self, s: calls.append(s))
    after = run(pack, submission, verdicts, Variant("drop T7", drop=("T7",)))
    assert calls == []
    # T7 falls to 0: 100 × (12 + 0 + 0 + 3/4) / 15 = 85.0, still 良好.
    assert (float(after.score), after.grade) == (85.0, "good")
    changed = compare("drop T7", base, after).to_dict()["requirements"]
    assert changed == [
        {"id": "T7.R1", "from": "met", "to": "unmet"},
        {"id": "T7.R4", "from": "met", "to": "unmet"},
    ]
    statuses = after.requirement_statuses()
    assert statuses["T7.R6"] == "not_applicable"


def test_complete_a_task():
    pack, submission, verdicts, _ = _city("xiangtan-2015.yaml")
    after = run(pack, submission, verdicts, Variant("T8", complete=("T8",)))
    # 100 × (12 + 4/9 + 1 + 3/4) / 15 = 94.63… → 94.6, 优秀.
    assert (float(after.score), after.grade) == (94.6, "excellent")


def test_changed_inputs_rerun_the_engine_for_that_city():
    pack, submission, verdicts, _ = _city("xiangtan-2015.yaml")
    variant = Variant("ops", sets={"talent.operation_staff": "3", "navigation.patents_operated": 1})
    after = run(pack, submission, verdicts, variant)
    # T7 8/9: 100 × (12 + 8/9 + 0 + 3/4) / 15 = 90.93… → 90.9.
    assert (float(after.score), after.grade) == (90.9, "excellent")
    req = next(r for t in after.tasks for r in t.requirements if r.id == "T7.R2")
    assert req.proved_by == "T7.R2|met"


def test_an_empty_value_makes_a_field_missing():
    pack, submission, verdicts, _ = _city("xiangtan-2015.yaml")
    after = run(pack, submission, verdicts, Variant("x", sets={"quality.patent_award": ""}))
    assert after.requirement_statuses()["T5.R4"] == "missing"
    assert after.grade == "fail"


def test_bad_whatif_input_is_reported():
    pack, submission, verdicts, _ = _city("xiangtan-2015.yaml")
    with pytest.raises(InputError, match=r"是否想写 enforcement\.city_staff"):
        run(pack, submission, verdicts, Variant("x", sets={"enforcement.city_staf": "3"}))
    with pytest.raises(InputError, match="没有任务 T10"):
        run(pack, submission, verdicts, Variant("x", drop=("T10",)))
    with pytest.raises(InputError, match=r"没有参数 T9\.R9"):
        run(pack, submission, verdicts, Variant("x", params={"T9.R9": "2"}))


def test_parameters():
    pack = find_pack("cnipa-2015-demo-city")
    assert names(pack)[:3] == ["T1.R2", "T2.R1", "T2.R1#2"]
    changed = with_params(pack, {"T2.R1#2": "2", "bands.good": "70", "weights.optional": "2"})
    assert "gte=Fraction(2, 1)" not in repr(pack.requirement("T2.R1").check)
    assert "value=Fraction(2, 1)" in repr(changed.requirement("T2.R1").check)
    assert changed.scoring.grades[1].min_score == 70
    assert changed.scoring.task_weight.optional == 2
    assert pack.scoring.grades[1].min_score == 75  # the original is untouched


def test_simulate_scenarios_match_hand_worked_scores():
    sim = simulate(SCENARIOS / "xiangtan-options.whatif.yaml")
    assert sim.name == "湘潭市2015 选做任务取舍" and float(sim.baseline.score) == 88.0
    assert [(float(c.variant.score), c.variant.grade) for c in sim.comparisons] == [
        (85.0, "good"),
        (94.6, "excellent"),
        (90.9, "excellent"),
        (89.6, "good"),  # T9 complete: 100 × (12 + 4/9 + 0 + 1) / 15 = 89.63…
    ]
    sim = simulate(SCENARIOS / "wuhan-thresholds.whatif.yaml")
    # 1.15: 7799.9999 ≥ 6500 × 1.15 = 7475, T4 complete: 100 × (8 + 4 + 9/11) / 13 = 98.6.
    # The third variant completes T7 but T4 stays incomplete: 100 × 87/91 = 95.6, fail.
    assert [(float(c.variant.score), c.variant.grade) for c in sim.comparisons] == [
        (98.6, "excellent"),
        (98.6, "excellent"),
        (95.6, "fail"),
    ]


def _changes(result):
    return {
        r["value"]: sorted((c["city"], c["from"], c["to"]) for c in r["changes"])
        for r in result.to_dict()
    }


def test_sensitivity_of_the_pledge_growth_factor():
    results = sensitivity([SCENARIOS], "T4.R2", ["1.1", "1.2", "1.3"])
    assert _changes(results) == {
        "1.1": [("武汉市", "fail", "excellent")],
        "1.2": [],
        "1.3": [
            ("成都市", "excellent", "fail"),
            ("深圳市", "pass", "fail"),
            ("湘潭市", "good", "fail"),
            ("苏州市", "excellent", "fail"),
        ],
    }
    chengdu = next(c for c in results.to_dict()[2]["changes"] if c["city"] == "成都市")
    assert (
        chengdu["score_to"] == 93.2
    )  # T4 5/6: 100 × (2 × (3 + 5/6) + 1 + 1 + 8/9 + 2/3 + 8/9) / 13


def test_sensitivity_of_compliant_firms_and_grade_line():
    assert _changes(sensitivity([SCENARIOS], "T3.R4", ["3", "5", "8"])) == {
        "3": [],
        "5": [],
        "8": [("常熟市", "good", "fail"), ("湘潭市", "good", "fail")],
    }
    assert _changes(sensitivity([SCENARIOS], "bands.good", ["70", "75", "80"])) == {
        "70": [],
        "75": [],
        "80": [("常熟市", "good", "pass")],
    }


def test_cli_whatif_simulate_sensitivity():
    def run_cli(*args):
        done = subprocess.run(
            [sys.executable, "-m", "ipscore", *args], capture_output=True, text=True, cwd=ROOT
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    data = json.loads(
        run_cli("whatif", "scenarios/xiangtan-2015.yaml", "--drop", "T7", "--format", "json")
    )
    assert data["baseline"]["score"] == 88.0 and data["variant"]["score"] == 85.0
    assert "85.0" in run_cli("whatif", "scenarios/xiangtan-2015.yaml", "--drop", "T7")
    sim = json.loads(
        run_cli("simulate", "scenarios/wuhan-thresholds.whatif.yaml", "--format", "json")
    )
    assert sim["variants"][0]["name"] == "门槛降为增长15%"
    out = run_cli("sensitivity", "scenarios/", "--param", "T4.R2=1.1,1.2")
    assert "武汉市" in out
    bad = subprocess.run(
        [sys.executable, "-m", "ipscore", "whatif", "scenarios/xiangtan-2015.yaml", "--set", "x"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_simulate_writes_a_comparison_report(tmp_path):
    for suffix in (".html", ".md"):
        out = tmp_path / f"sim{suffix}"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "ipscore",
                "simulate",
                "scenarios/xiangtan-options.whatif.yaml",
                "-o",
                str(out),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr
        text = out.read_text(encoding="utf-8")
        assert "湘潭市2015 选做任务取舍" in text and "完成T8（外观设计）" in text
        assert "94.6" in text and "T8 未完成→完成" in text and "T7 44%→0%" in text


def test_sensitivity_refuses_a_second_parameter():
    """Issue 11: `--param T4.R2=1.1 --param bands.good=70` swept only bands.good, exit 0."""
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "sensitivity", "scenarios/", "--param", "T4.R2=1.1",
         "--param", "bands.good=70"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 2
    assert "sensitivity 一次扫描一个参数" in done.stderr and "收到 2 个 --param" in done.stderr
