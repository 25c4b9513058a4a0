"""Issue 34 attacked after the merge: what a hostile user and a hostile statistician found,
each case pinned."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT

SHIPPED = ROOT / "scenarios" / "strength-2015"
BAD_PER = "tests/strength/bad-per.yaml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_a_broken_index_pack_is_said_once_not_once_per_file():
    # The shipped cohort is ten files; a --pack whose C1 is divided by an undeclared field
    # (line 184 of the fixture) failed each file alike and printed the same line ten times.
    done = run("strength", str(SHIPPED), "--pack", BAD_PER)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    line = f"{BAD_PER}，第184行，字段 city.popn：city.popn 应为规则包中的数量或金额字段"
    assert done.stderr.count(line) == 1, done.stderr
    done = run("--lang", "en", "strength", str(SHIPPED), "--pack", BAD_PER)
    line = f"{BAD_PER}, line 184, field city.popn: city.popn must be a count or amount field"
    assert done.returncode == 2 and done.stderr.count(line) == 1, done.stderr


def test_a_sobol_index_just_below_zero_prints_as_zero():
    from ipscore.strength.sensitivity import shown

    # The shipped cohort at N = 1024, seed 0, estimates the indicator weights' first-order
    # index at about −0.0002 (noise around 0): it printed "-0.000". Rounded to three places
    # it is −0.0, which + 0.0 makes 0.0; 0.0004 rounds down to 0.000; 0.0396 up to 0.040.
    assert shown(-0.0002) == "0.000"
    assert shown(-0.0) == "0.000"
    assert shown(0.0004) == "0.000"
    assert shown(0.0396) == "0.040"
    assert shown(-0.0806) == "-0.081"  # a real negative estimate keeps its sign


def test_two_cities_give_no_correlation_alpha_components_or_effective_weights():
    import numpy as np

    from ipscore.packs import load_pack
    from ipscore.strength.audit import audit

    # The toy cohort of tests/test_strength_audit.py without c2: c0 (0, 0, 0, 10) and
    # c1 (1, 100, 0, 0). Min-max puts I1, I2 and I4 (lower is better) at c0 0, c1 1, so with
    # two cities each pair's r was 1 (two points lie on a line); A's normalised I1, I2 are
    # (0, 0) and (1, 1): variances 1/2 each, their sums 0 and 2 variance 2, so α was
    # 2·(1 − 1/2·2/2) = 1, and the one component 100%, whatever the figures. Below 3
    # cities each is "—" (None / NaN / no component).
    spec = load_pack(ROOT / "tests" / "strength" / "index-pack.yaml").index
    raw = np.array([[0, 0, 0, 10], [1, 100, 0, 0]], dtype=float)
    a = audit(spec, raw, ["a", "a"], ["c0", "c1"])
    assert np.isnan(a.correlation).all() and np.isnan(a.with_dimensions).all()
    assert np.isnan(a.with_index).all() and np.isnan(a.main_effect).all()
    assert {k: x.value for k, x in a.alpha.items()} == {"A": None, "B": None, "": None}
    assert (a.components.size, a.components_cities) == (0, 2)
    assert np.isnan(a.effective).all()
    # The indicator statistics stay: I2 is 0 and 100, mean 50, sd √5000.
    assert a.stats[1].mean == 50.0 and a.stats[1].sd == np.sqrt(5000)
