"""The strength index's uncertainty and sensitivity analysis (issue 34, deliverable 4, and
defect 1): every assumption the pack lists is drawn, the pack's own method always among them;
Sobol first-order and total indices of each assumption for the mean rank shift."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest

from ipscore.packs import load_pack
from ipscore.packs.index import IndexSpec, Reference
from ipscore.report import strength as strength_report
from ipscore.strength import evaluation as strength
from ipscore.strength.index import compute
from ipscore.strength.montecarlo import factors, indices_of, uncertainty, width
from ipscore.strength.sensitivity import mean_shift, sensitivity

from .conftest import ROOT

HERE = Path(__file__).parent / "strength"
PACK = str(HERE / "index-pack.yaml")
SHIPPED = ROOT / "scenarios" / "strength-2015"
TIERS = ["a", "a", "a", "b", "b"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args], capture_output=True, text=True, cwd=ROOT
    )


def _spec(**uncertainty: object) -> IndexSpec:
    pack = load_pack(Path(PACK))
    assert pack.index is not None
    u = pack.index.uncertainty.model_copy(update=uncertainty)
    return pack.index.model_copy(update={"uncertainty": u})


def _raw(filled: bool = False) -> np.ndarray:
    """tests/strength/cohort.csv as indicators (worked out in tests/test_strength.py)."""
    return np.array(
        [
            [5, 50, 40, 10],
            [3, 25, 20, 0],
            [8, 75, 60, 30],
            [1, 50, 50 if filled else np.nan, 20],
            [2, 50, 80, 5],
        ],
        dtype=float,
    )


def test_the_published_normalisation_is_always_among_the_draws():
    """Defect 1: `reference` normalisation with the list [min_max, distance_to_best] drew only
    the list, so a city's published rank could fall outside its own interval."""
    refs = {
        "I1": Reference(worst=Decimal(0), best=Decimal(100)),
        "I2": Reference(worst=Decimal(0), best=Decimal(1000)),
        "I3": Reference(worst=Decimal(0), best=Decimal(80)),
        "I4": Reference(worst=Decimal(30), best=Decimal(0)),
    }
    spec = _spec(weight_spread=Decimal(0), normalisations=["min_max", "distance_to_best"])
    spec = spec.model_copy(update={"normalisation": "reference", "reference": refs})
    (only,) = factors(spec)
    assert only.choices == ("reference", "min_max", "distance_to_best")
    # By hand, tier a (c1, c2, c3), against the references:
    #   I1 x/100: .05 .03 .08; I2 x/1000: .05 .025 .075 → A: .05 .0275 .0775
    #   I3 x/80: .5 .25 .75; I4 (30 − x)/30: 2/3 1 0 → B: 7/12 5/8 3/8
    #   index 60A + 40B: c1 3 + 23.33 = 26.33, c2 1.65 + 25 = 26.65, c3 4.65 + 15 = 19.65
    #   → published ranks c2 1, c1 2, c3 3.
    # Min-max (tests/test_strength.py) gives c3 1, c1 2, c2 3; distance to the best too
    # (c1 48.75, c2 46.25, c3 75): c2 is 3rd and c3 1st under both other methods.
    published = compute(spec, _raw(), TIERS)
    assert list(published.rank[:3]) == [2, 1, 3]
    assert published.index[:3] == pytest.approx([26 + F(1, 3), 26.65, 19.65])
    spread = uncertainty(spec, _raw(), TIERS, 300, seed=0)
    # A third of the draws is the published method: its ranks are inside every interval.
    assert (spread.low[1], spread.high[1]) == (1, 3)  # c2: 1 (reference) or 3 (the others)
    assert (spread.low[2], spread.high[2]) == (1, 3)  # c3: 3 (reference) or 1
    assert all(spread.low <= published.rank) and all(published.rank <= spread.high)


def _nominal(spec: IndexSpec) -> np.ndarray:
    """A draw of the pack's own assumptions: weights × 1 (u = 0.5), first alternatives."""
    row = np.full((1, width(spec)), 0.5)
    at = 0
    for f in factors(spec):
        if f.choices:
            row[0, at] = 0.0
        at += f.width
    return row


def test_the_nominal_draw_is_the_published_index():
    spec = _spec(
        indicator_weight_spread=Decimal("0.5"),
        normalisations=["z_score"],
        aggregations=["geometric"],
        missing=["reweight"],
        outliers=["log"],
        leave_one_out=True,
    )
    drawn = indices_of(spec, _raw(), _nominal(spec))[:, 0]
    # The index of tests/test_strength.py, worked out by hand there: c1 100 × (9/28 + 1/5).
    assert drawn[0] == pytest.approx(100 * (9 / 28 + 1 / 5), abs=1e-12)
    assert drawn == pytest.approx(compute(spec, _raw(), TIERS).index, abs=1e-12)


def test_an_indicator_left_out_and_an_indicator_weight_drawn():
    spec = _spec(weight_spread=Decimal(0), leave_one_out=True)
    (left,) = factors(spec)
    assert left.choices == ("none", "I1", "I2", "I3", "I4")
    # u = 0.25 → ⌊0.25 × 5⌋ = 1 → I1 out: c1's A is I2 alone, 1/2; B (1/3 + 2/3)/2 = 1/2;
    # 100 × (0.6 × 1/2 + 0.4 × 1/2) = 50. c3: A = 1, B = 1/3 → 60 + 13.33.
    drawn = indices_of(spec, _raw(), np.array([[0.25]]))[:, 0]
    assert drawn[[0, 2]] == pytest.approx([50, 60 + 40 / 3])
    spec = _spec(weight_spread=Decimal(0), indicator_weight_spread=Decimal("0.5"))
    # I1's weight × (1 − 0.5 + 2 × 0.5 × 0.75) = 1.25, the others × 1: c1's
    # A = (1.25 × 4/7 + 1/2) / 2.25 = 34/63; index 100 × (0.6 × 34/63 + 0.4 × 1/2).
    drawn = indices_of(spec, _raw(), np.array([[0.75, 0.5, 0.5, 0.5]]))[:, 0]
    assert drawn[0] == pytest.approx(100 * (0.6 * 34 / 63 + 0.2))


def test_a_geometric_draw_rescales_sub_indices_to_1_100():
    spec = _spec(weight_spread=Decimal(0), aggregations=["geometric"])
    drawn = indices_of(spec, _raw(), np.array([[0.5]]))[:, 0]
    # Sub-indices (tests/test_strength.py): A 15/28, 1/7, 1, 1/4, 9/28; B 1/2, 1/2, 1/3, 1/6,
    # 11/12. Each s becomes 1 + 99 s, as the published geometric index does (index.aggregate):
    # c3: A 1 → 100, B 1/3 → 34: 100^0.6 × 34^0.4; c4: A 1/4 → 25.75, B 1/6 → 17.5.
    assert drawn[2] == pytest.approx(100**0.6 * 34**0.4)
    assert drawn[3] == pytest.approx(25.75**0.6 * 17.5**0.4)


def test_the_mean_rank_shift():
    ranks = np.array([[1, 2], [2, 1], [3, 3], [0, 1]])
    # Run 1: all as published; run 2: the first two swapped, |1| + |1| + 0 over 3 cities
    # (the fourth has no published rank).
    assert list(mean_shift(ranks, np.array([1, 2, 3, 0]))) == [0, pytest.approx(2 / 3)]


def test_an_assumption_with_no_effect_has_zero_sobol_indices():
    """No city misses a figure: worst or reweight, every index is the same. Saltelli's
    estimators then give exactly 0 (S1 ∝ mean(f(B)(f(A_B) − f(A))), ST ∝ mean((f(A) −
    f(A_B))²), and f(A_B) = f(A) in every run), as COINr's own test asserts."""
    spec = _spec(normalisations=["distance_to_best"], missing=["reweight"])
    result = sensitivity(spec, _raw(filled=True), TIERS, 256, seed=3)
    by_name = {s.factor.name: s for s in result.shares}
    assert result.runs == 256 * (3 + 2)
    assert (by_name["missing"].first, by_name["missing"].total) == (0, 0)
    assert by_name["dimension_weights"].total > 0.1 and by_name["normalisation"].total > 0.1


def test_shipped_sobol_indices_are_seeded_and_sum_to_at_most_one():
    """The issue's done-when, at the N the docs ship (1024)."""
    one = strength.evaluate([SHIPPED], seed=0, base=1024)
    two = strength.evaluate([SHIPPED], seed=0, base=1024)
    assert one.sensitivity is not None and two.sensitivity is not None
    assert one.sensitivity == two.sensitivity
    names = [s.factor.name for s in one.sensitivity.shares]
    assert names == [
        "dimension_weights",
        "indicator_weights",
        "normalisation",
        "aggregation",
        "missing",
        "outliers",
        "leave_one_out",
    ]
    # 7 factors: N(d + 2) = 1024 × 9 runs.
    assert one.sensitivity.runs == 9216
    for seed in (0, 1, 2):
        result = strength.evaluate([SHIPPED], seed=seed, base=1024).sensitivity
        assert result is not None
        assert sum(s.first for s in result.shares) <= 1
        assert all(s.first <= s.total + s.first_conf + s.total_conf for s in result.shares)


def test_cli_sensitivity(tmp_path: Path):
    done = run("strength", str(SHIPPED), "--sensitivity", "1000")
    assert done.returncode == 2
    assert "敏感性分析的基础样本数应为2的幂（如512、1024），实际为1000" in done.stderr
    done = run("strength", str(SHIPPED), "--sensitivity", "256", "--seed", "2", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)["sensitivity"]
    assert (data["base_sample"], data["seed"], data["runs"]) == (256, 2, 256 * 9)
    assert data["factors"][0]["factor"] == "dimension_weights"
    done = run("strength", str(SHIPPED), "--sensitivity", "256", "--uncertainty", "200")
    assert done.returncode == 0, done.stderr
    assert "哪些假设影响排名（Sobol 敏感性指数）" in done.stdout and "去掉一个指标" in done.stdout
    out = tmp_path / "strength.html"
    done = run(
        "strength", str(SHIPPED), "-o", str(out), "--sensitivity", "256", "--uncertainty", "200"
    )
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert "哪些假设影响排名" in html and "排名区间" in html and "方面权重" in html


def test_the_report_words_every_assumption_varied():
    s = strength.evaluate([SHIPPED], draws=100, seed=0)
    ctx = strength_report.context(s)
    assert (
        "方面权重、指标权重、标准化方法、汇总方法、缺报处理、异常值处理、去掉一个指标"
        in ctx["uncertainty"]
    )
    assert len(ctx["intervals"]) == 4  # a chart per tier


def test_the_robustness_charts():
    from ipscore.report.robustness import rank_intervals_svg, sobol_bars_svg

    svg = sobol_bars_svg([("方面权重", 0.5, 1.2), ("缺报处理", -0.01, 0.0)])
    # The plot runs from x = 110 to 440: S1 0.5 is 165 wide; ST above 1 stops at 1 (330);
    # a negative estimate (noise) is drawn as 0.
    assert 'width="165.0"' in svg and 'width="330.0"' in svg and svg.count('width="0.0"') == 2
    assert ">方面权重<" in svg and svg.count("<rect") == 4
    svg = rank_intervals_svg([("甲", 1, (1, 1, 2)), ("乙", None, (1, 2, 2))])
    assert svg.count("<circle") == 2 and svg.count("<polygon") == 1  # 乙 has no published rank
