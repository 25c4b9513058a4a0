"""Issue 34, deliverable 2: counts per head where the pack says so, and outlier treatment
before normalisation as COINr's Treat() does it (ipscore/strength/treat.py). Every value is
worked out by hand in the comment beside it."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest

from ipscore.errors import IpscoreError
from ipscore.packs import find_pack, load_pack
from ipscore.packs.index import Outliers
from ipscore.strength import evaluation as strength
from ipscore.strength.treat import moments, passes, treat, treat_with

from .conftest import ROOT

SHIPPED = ROOT / "scenarios" / "strength-2015"
PACK = ROOT / "tests" / "strength" / "index-pack.yaml"
COINR = Outliers()  # qTreat's defaults: 5 points, |skew| 2, kurtosis 3.5, else log


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_sample_skew_and_kurtosis_are_excels_skew_and_kurt():
    # Seven 0s and one 10: n = 8, mean 1.25, s² = (7·1.25² + 8.75²)/7 = 87.5/7 = 12.5.
    # Σ(x − x̄)³ = 7·(−1.953125) + 669.921875 = 656.25, so Σz³ = 656.25 / 12.5^1.5 and
    # G1 = 8/(7·6) · 656.25 / 12.5^1.5 = 2√2.
    # Σ(x − x̄)⁴ = 7·2.44140625 + 5861.81640625 = 5878.90625, Σz⁴ = 5878.90625/156.25 = 37.625;
    # G2 = 8·9/(7·6·5) · 37.625 − 3·7²/(6·5) = 12.9 − 4.9 = 8.
    skew, kurt = moments(np.array([0, 0, 0, 0, 0, 0, 0, 10.0]))
    assert skew == pytest.approx(2 * math.sqrt(2), abs=1e-12)
    assert kurt == pytest.approx(8, abs=1e-12)
    # Fewer than 4 values, or all alike: no statistic, and nothing to treat.
    assert moments(np.array([1.0, 2.0, 100.0, np.nan])) == (None, None)
    assert moments(np.array([3.0, 3.0, 3.0, 3.0])) == (None, None)
    # COINr's check_SkewKurt passes when |skew| < 2 OR kurtosis < 3.5.
    assert not passes((2 * math.sqrt(2), 8.0), COINR)
    assert passes((2.5, 3.4), COINR) and passes((-1.9, 9.0), COINR)


def test_one_outlier_winsorised_to_the_next_value_inward():
    # Six 0s, a 1 and a 10: skew 2.76, kurtosis 7.72 — it fails. The 10 takes the next value
    # inward (1): six 0s and two 1s, mean 0.25, s² = (6·0.0625 + 2·0.5625)/7 = 3/14,
    # Σ(x − x̄)³ = 6·(−0.015625) + 2·0.421875 = 0.75, so
    # G1 = 8/42 · 0.75 / (3/14)^1.5 = (2/3)·√(14/3) = 1.440 < 2: it passes after one point.
    column = np.array([[0, 0, 0, 0, 0, 0, 1, 10.0]]).T
    treated, (t,) = treat_with(COINR, column, ["X"])
    assert list(treated[:, 0]) == [0, 0, 0, 0, 0, 0, 1, 1]
    assert (t.action, t.points, t.rows) == ("winsorised", 1, (7,))
    assert t.skew_after == pytest.approx(2 / 3 * math.sqrt(14 / 3), abs=1e-12)
    assert t.skew is not None and t.skew >= 2 and t.kurtosis is not None and t.kurtosis >= 3.5


def test_still_failing_after_the_limit_the_original_column_is_logged():
    # COINr's own test (tests/testthat/test-treat.R): 1…20, 100, 200 winsorised one point
    # (200 → 100) still fails, so the second function is applied to the original values.
    # log_CT_plus with a positive skew: ln(x − min + a), a = (200 − 1)/100 = 1.99, less ln a
    # so that the lowest is 0 (treat._log: the shift changes no min-max or z-score value, and
    # keeps distance to the best from dividing negative logs).
    x = np.array([*range(1, 21), 100, 200], dtype=float)
    treated, (t,) = treat_with(Outliers(max_points=1), x[:, None], ["X"])
    assert t.action == "log" and t.points == 0
    assert np.allclose(treated[:, 0], np.log(x - 1 + 1.99) - np.log(1.99), rtol=0, atol=1e-14)
    # With `otherwise: none` the winsorised column is kept and said to fail.
    kept, (t,) = treat_with(Outliers(max_points=1, otherwise="none"), x[:, None], ["X"])
    assert t.action == "failed" and (t.points, t.rows) == (1, (21,)) and kept[21, 0] == 100
    # A negative skew: −ln(max + a − x), the low end, plus ln(max − min + a) = ln(199 + 1.99)
    # so that the lowest is 0; order is kept either way.
    low, (t,) = treat_with(Outliers(max_points=1), -x[:, None], ["X"])
    shifted = np.log(199 + 1.99) - np.log(-1 + 1.99 + x)
    assert t.action == "log" and np.allclose(low[:, 0], shifted, rtol=0, atol=1e-14)


def test_missing_values_stay_missing_and_no_pack_treatment_leaves_the_table():
    column = np.array([[0, 0, 0, 0, 0, 0, 1, 10.0, np.nan]]).T
    treated, (t,) = treat_with(COINR, column, ["X"])
    assert np.isnan(treated[8, 0]) and treated[7, 0] == 1 and t.rows == (7,)
    same, (t,) = treat_with(None, column, ["X"])
    assert np.array_equal(same, column, equal_nan=True) and t.action == "none"


def test_shipped_pack_counts_per_head_exactly():
    result = strength.evaluate([SHIPPED])
    by_city = {c.city: c for c in result.cities}
    # 常熟市: 20 PCT applications, 151.10万人: 20 / 151.1 = 200/1511 per 万人, exactly.
    assert by_city["常熟市"].values["C4"] == F(200, 1511)
    # 深圳市: 150,000万元 pledged, 1,137.87万人: 15,000,000/113,787 万元 per 万人.
    assert by_city["深圳市"].values["U1"] == F(15_000_000, 113_787)
    # 郑州市: 35 office staff, 956.90万人: 350/9569 per 万人.
    assert by_city["郑州市"].values["M1"] == F(350, 9569)
    # Every count of the pack is per 万人, the two shares (C3, P2) × 100 of their whole.
    spec = result.spec
    assert {i.id for i in spec.indicators if i.per == "city.population"} == {
        "C1",
        "C2",
        "C4",
        "U1",
        "U2",
        "P1",
        "M1",
        "M2",
        "S1",
        "S2",
    }
    assert all(i.unit.endswith("/万人") for i in spec.indicators if i.per == "city.population")
    assert find_pack("cnipa-2015-strength").pack.version == "2.0.0"
    assert find_pack("cnipa-2015-strength").pack.revisions[0].version == "2.0.0"


def test_shipped_cohort_treats_c4_alone():
    result = strength.evaluate([SHIPPED])
    done = {t.indicator: t for t in result.treatment}
    # C4 per 万人 (湘潭市 left out, 朝阳区 missing: 8 values) has skew 2.74 ≥ 2 and kurtosis
    # 7.62 ≥ 3.5; 深圳市 alone (11.69 per 万人, the next is 苏州市's 1.70) is winsorised.
    assert (done["C4"].action, done["C4"].cities) == ("winsorised", ("深圳市",))
    assert [t.indicator for t in result.treatment if t.action != "none"] == ["C4"]
    values = np.array([float(c.values["C4"]) for c in result.cities if c.values["C4"]])
    assert done["C4"].skew == pytest.approx(moments(values)[0], abs=1e-12)
    # The treated column: 深圳市 at 苏州市's value, then min-max.
    treated, _ = treat(result.spec, values[:, None].repeat(12, axis=1))
    assert sorted(treated[:, 3])[-2:] == [float(F(1800) / F("1061.6"))] * 2


def test_treatment_in_json_report_and_terminal(tmp_path: Path):
    done = run("strength", str(SHIPPED), "--format", "json")
    assert done.returncode == 0, done.stderr
    c4 = next(o for o in json.loads(done.stdout)["outliers"] if o["indicator"] == "C4")
    assert (c4["treatment"], c4["points"], c4["cities"]) == ("winsorised", 1, ["深圳市"])
    done = run("strength", str(SHIPPED))
    assert "异常值处理（标准化之前）" in done.stdout and "缩尾1个：深圳市" in done.stdout
    done = run("--lang", "en", "strength", str(SHIPPED))
    assert "1 winsorised: 深圳市" in done.stdout
    out = tmp_path / "s.md"
    assert run("strength", str(SHIPPED), "-o", str(out)).returncode == 0
    text = out.read_text(encoding="utf-8")
    assert "| C4 每万人口PCT国际专利申请量 | 2.74 | 7.62 | 缩尾1个：深圳市 | 1.06 | -0.43 |" in text
    assert "规则包 2.0.0 版的改动：按本包自己的说明" in text
    word = tmp_path / "s.docx"
    assert run("strength", str(SHIPPED), "-o", str(word)).returncode == 0
    from docx import Document

    cells = {c.text for t in Document(str(word)).tables for r in t.rows for c in r.cells}
    assert "缩尾1个：深圳市" in cells
    # A pack without `outliers` shows no such table.
    done = run("strength", str(ROOT / "tests" / "strength" / "cohort.csv"), "--pack", str(PACK))
    assert done.returncode == 0 and "异常值" not in done.stdout


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "per: city.population, unit: 件/万人, unit_en: per 10k people,",
            "per: city.population,",
            "指标 I1 是除以 city.population、乘以 1 后的值，"
            "须写明结果的单位（unit 和 unit_en，如 件/万人）",
        ),
        (
            "  dimensions:\n",
            "  comparable: {base_year: 2015}\n  outliers: {otherwise: log}\n  dimensions:\n",
            "固定的标准化界限（comparable 或 reference）不能配对数变换",
        ),
        (
            "  dimensions:\n",
            "  normalisation: z_score\n  comparable: {base_year: 2015}\n  dimensions:\n",
            "comparable 固定的是最小—最大值界限，须配 normalisation: min_max",
        ),
    ],
)
def test_a_pack_that_cannot_state_its_unit_or_keep_its_scale_is_refused(
    tmp_path: Path, old: str, new: str, message: str
):
    text = PACK.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(IpscoreError) as caught:
        load_pack(bad)
    assert message in str(caught.value)


# Issue 34, deliverable 5: comparable years. The shipped pack with `comparable: {base_year:
# 2015}` (and `otherwise: none`, since a log transform depends on each year's minimum); 2014
# is the shipped cohort again with 深圳市's PCT applications 300 instead of 13,300.
def _comparable_archive(tmp_path: Path) -> tuple[Path, str]:
    text = (ROOT / "rules" / "cnipa-2015-strength.yaml").read_text(encoding="utf-8")
    old = "otherwise: log}\n"
    assert old in text
    pack = tmp_path / "comparable.yaml"
    pack.write_text(
        text.replace(old, "otherwise: none}\n  comparable: {base_year: 2015}\n"), encoding="utf-8"
    )
    last = tmp_path / "2014"
    last.mkdir()
    for path in SHIPPED.glob("*.yaml"):
        figures = path.read_text(encoding="utf-8").replace("year: 2015", "year: 2014")
        if path.name == "shenzhen-2015.yaml":
            figures = figures.replace("pct: 13300", "pct: 300")
        (last / path.name).write_text(figures, encoding="utf-8")
    db = str(tmp_path / "a.db")
    assert run("archive", "add", str(last), "--db", db).returncode == 0
    return pack, db


def test_comparable_index_puts_both_years_on_the_base_years_scale(tmp_path: Path):
    pack, db = _comparable_archive(tmp_path)
    done = run("strength", str(SHIPPED), "--pack", str(pack), "--db", db, "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["comparable"] == {"base_year": 2015}
    cities = {c["city"]: c for c in data["cities"]}
    # 2015 is the base year: its bounds are its own minima and maxima, so its comparable index
    # is its index, city by city.
    for c in cities.values():
        assert c["comparable_index"] == pytest.approx(c["index"], abs=1e-9)
    # 杭州市 filed the same figures both years. Within each year its index moved (2014's cohort
    # had a weaker 深圳市, so its C4 span differed); on the 2015 scale it did not move.
    hz = cities["杭州市"]
    assert hz["last_year"]["index"] != pytest.approx(hz["index"], abs=1e-6)
    assert hz["last_year"]["comparable_index"] == pytest.approx(hz["comparable_index"], abs=1e-9)
    # 深圳市: only C4 differs. 2015 (winsorised to the upper bound) normalises to 1; 2014:
    # (300/1137.87 − 90/956.9) / (1800/1061.6 − 90/956.9) = 0.10590 on the 2015 bounds. C4 is
    # one of four creation indicators, creation weighs 0.3: the comparable index fell by
    # 0.3 × 1/4 × (1 − 0.10590) × 100 = 6.706.
    low, high = F(90) / F("956.9"), F(1800) / F("1061.6")
    c4_2014 = (F(300) / F("1137.87") - low) / (high - low)
    fall = F(3, 10) * F(1, 4) * (1 - c4_2014) * 100
    sz = cities["深圳市"]
    drop = sz["comparable_index"] - sz["last_year"]["comparable_index"]
    assert drop == pytest.approx(float(fall), abs=1e-9)
    # The report's change column compares the comparable indices.
    out = tmp_path / "s.md"
    assert (
        run("strength", str(SHIPPED), "--pack", str(pack), "--db", db, "-o", str(out)).returncode
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert "可比指数（2015年界限）" in text and f"+{float(fall):.1f}" in text


def test_history_shows_the_index_that_year_and_the_comparable_index(tmp_path: Path):
    pack, db = _comparable_archive(tmp_path)
    assert run("archive", "add", str(SHIPPED), "--db", db).returncode == 0
    done = run("history", "杭州市", "--pack", str(pack), "--db", db, "--format", "json")
    assert done.returncode == 0, done.stderr
    years = json.loads(done.stdout)["strength_index"]
    assert [(y["year"], y["rank_in_tier"], y["cities_in_tier"]) for y in years] == [
        (2014, 2, 4),
        (2015, 2, 4),
    ]
    # Same figures both years: the comparable index is the same, the within-year one is not.
    assert years[0]["comparable_index"] == pytest.approx(years[1]["comparable_index"], abs=1e-9)
    assert years[0]["index"] != pytest.approx(years[1]["index"], abs=1e-6)
    done = run("history", "杭州市", "--pack", str(pack), "--db", db)
    assert "杭州市 实力指数" in done.stdout and "可比指数" in done.stdout
    # Without comparable bounds the table has no comparable column.
    done = run("history", "杭州市", "--pack", "cnipa-2015-strength", "--db", db)
    assert "杭州市 实力指数" in done.stdout and "可比指数" not in done.stdout


def test_a_base_year_the_archive_lacks_gives_no_comparable_index(tmp_path: Path):
    text = (ROOT / "rules" / "cnipa-2015-strength.yaml").read_text(encoding="utf-8")
    pack = tmp_path / "p.yaml"
    pack.write_text(
        text.replace("otherwise: log}\n", "otherwise: none}\n  comparable: {base_year: 2013}\n"),
        encoding="utf-8",
    )
    done = run("strength", str(SHIPPED), "--pack", str(pack), "--format", "json")
    data = json.loads(done.stdout)
    assert data["comparable"] is None and data["cities"][0]["comparable_index"] is None
