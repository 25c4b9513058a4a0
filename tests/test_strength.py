"""实力状况评价 (issue 15): index packs, the index worked out by hand for a 5-city cohort,
invariants of the arithmetic, the engine's data checks, the robustness of ranks, the reports
and the bad inputs."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipscore.errors import IpscoreError
from ipscore.packs import find_pack, load_pack
from ipscore.report import strength as strength_report
from ipscore.strength import evaluation as strength
from ipscore.strength.index import compute, normalise
from ipscore.strength.montecarlo import uncertainty

from .conftest import ROOT

HERE = Path(__file__).parent / "strength"
PACK = str(HERE / "index-pack.yaml")
COHORT = HERE / "cohort.csv"
SHIPPED = ROOT / "scenarios" / "strength-2015"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args], capture_output=True, text=True, cwd=ROOT
    )


# The 5-city cohort (tests/strength/cohort.csv), by hand:
#   city tier pop patents grants cases backlog
#   c1   a    100 500     250    40    10
#   c2   a    200 600     150    20    0
#   c3   a    50  400     300    60    30
#   c4   b    100 100     50     —     20
#   c5   b    400 800     400    80    5
# I1 = patents per 万人: 5, 3, 8, 1, 2 → min 1, max 8: 4/7, 2/7, 1, 0, 1/7
# I2 = grants / patents × 100: 50, 25, 75, 50, 50 → min 25, max 75: 1/2, 0, 1, 1/2, 1/2
# I3 = cases: 40, 20, 60, —, 80 → min 20, max 80 over those reported: 1/3, 0, 2/3, —, 1;
#      c4's is missing and counts as the worst, 0
# I4 = backlog, lower is better: 10, 0, 30, 20, 5 → (30 − x) / 30: 2/3, 1, 0, 1/3, 5/6
# A = (I1 + I2) / 2: 15/28, 1/7, 1, 1/4, 9/28
# B = (I3 + I4) / 2: 1/2, 1/2, 1/3, 1/6, 11/12
# index = 100 × (0.6 A + 0.4 B):
#   c1 100 × (9/28 + 1/5)  = 52.142857…   c2 100 × (3/35 + 1/5) = 28.571428…
#   c3 100 × (3/5 + 2/15)  = 73.333333…   c4 100 × (3/20 + 1/15) = 21.666666…
#   c5 100 × (27/140 + 11/30) = 55.952380…
# Ranks within the tier: a: c3 1, c1 2, c2 3; b: c5 1, c4 2.
NORMALISED = {
    "c1": [F(4, 7), F(1, 2), F(1, 3), F(2, 3)],
    "c2": [F(2, 7), F(0), F(0), F(1)],
    "c3": [F(1), F(1), F(2, 3), F(0)],
    "c4": [F(0), F(1, 2), F(0), F(1, 3)],
    "c5": [F(1, 7), F(1, 2), F(1), F(5, 6)],
}
DIMENSIONS = {
    "c1": (F(15, 28), F(1, 2)),
    "c2": (F(1, 7), F(1, 2)),
    "c3": (F(1), F(1, 3)),
    "c4": (F(1, 4), F(1, 6)),
    "c5": (F(9, 28), F(11, 12)),
}
INDEX = {
    "c1": 100 * (F(9, 28) + F(1, 5)),
    "c2": 100 * (F(3, 35) + F(1, 5)),
    "c3": 100 * (F(3, 5) + F(2, 15)),
    "c4": 100 * (F(3, 20) + F(1, 15)),
    "c5": 100 * (F(27, 140) + F(11, 30)),
}
RANKS = {"c3": 1, "c1": 2, "c2": 3, "c5": 1, "c4": 2}


def test_a_five_city_cohort_matches_the_hand_worked_index():
    result = strength.evaluate([COHORT], PACK)
    by_city = {c.city: c for c in result.cities}
    assert set(by_city) == set(INDEX)
    for name, city in by_city.items():
        assert [city.normalised[i] for i in ("I1", "I2", "I3", "I4")] == pytest.approx(
            [float(v) for v in NORMALISED[name]], abs=1e-12
        ), name
        a, b = DIMENSIONS[name]
        assert city.dimensions == pytest.approx({"A": float(a) * 100, "B": float(b) * 100})
        assert city.index == pytest.approx(float(INDEX[name]), abs=1e-9), name
        assert city.rank == RANKS[name], name
    assert by_city["c4"].missing == ["I3"]
    # The exact indicator values stay exact: 500 patents over 100万人 is 5 per 万人.
    assert by_city["c1"].values == {"I1": 5, "I2": 50, "I3": 40, "I4": 10}
    assert [c.city for c in result.cities] == ["c3", "c1", "c2", "c5", "c4"]
    assert (by_city["c1"].of, by_city["c4"].of) == (3, 2)


def test_reweighting_leaves_a_missing_indicator_out_instead():
    pack = load_pack(Path(PACK))
    assert pack.index is not None
    spec = pack.index.model_copy(update={"missing": "reweight"})
    raw = _raw_of_cohort()
    computed = compute(spec, raw, ["a", "a", "a", "b", "b"])
    # c4: B is I4 alone, 1/3; index = 100 × (0.6 × 1/4 + 0.4 × 1/3) = 28.333…
    assert computed.index[3] == pytest.approx(float(100 * (F(3, 20) + F(2, 15))))
    assert np.isnan(computed.normalised[3, 2])


def _raw_of_cohort() -> np.ndarray:
    nan = np.nan
    return np.array(
        [
            [5, 50, 40, 10],
            [3, 25, 20, 0],
            [8, 75, 60, 30],
            [1, 50, nan, 20],
            [2, 50, 80, 5],
        ],
        dtype=float,
    )


def _spec():
    pack = load_pack(Path(PACK))
    assert pack.index is not None
    return pack.index


def test_distance_to_best_and_z_scores():
    spec, raw = _spec(), _raw_of_cohort()
    best = normalise(spec, raw, "distance_to_best")
    # I1: x / 8; I4 (lower is better): min / x, 0 being the best → c2 1, the others 0/x = 0.
    assert best[:, 0] == pytest.approx([5 / 8, 3 / 8, 1, 1 / 8, 2 / 8])
    assert best[:, 3] == pytest.approx([0, 1, 0, 0, 0])
    z = normalise(spec, raw, "z_score")
    # I2: 50, 25, 75, 50, 50 → mean 50, population sd √(2 × 625 / 5) = √250.
    assert z[:, 1] == pytest.approx([0, -25 / 250**0.5, 25 / 250**0.5, 0, 0])


values = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@st.composite
def cohorts(draw: st.DrawFn) -> tuple[np.ndarray, list[str]]:
    n = draw(st.integers(min_value=2, max_value=8))
    raw = np.array([[draw(values) for _ in range(4)] for _ in range(n)])
    tiers = [draw(st.sampled_from(["a", "b"])) for _ in range(n)]
    return raw, tiers


@settings(max_examples=60, deadline=None)
@given(cohorts(), st.integers(min_value=0, max_value=7), st.floats(min_value=0, max_value=1e6))
def test_raising_a_higher_is_better_indicator_never_lowers_index_or_rank(cohort, k, more):
    raw, tiers = cohort
    city = k % raw.shape[0]
    spec = _spec()
    before = compute(spec, raw, tiers)
    better = raw.copy()
    better[city, 2] += more  # I3 (cases): higher is better
    after = compute(spec, better, tiers)
    assert after.index[city] >= before.index[city] - 1e-9
    assert after.rank[city] <= before.rank[city]


@settings(max_examples=40, deadline=None)
@given(cohorts(), st.randoms())
def test_the_index_does_not_depend_on_the_order_of_cities(cohort, random):
    raw, tiers = cohort
    order = list(range(raw.shape[0]))
    random.shuffle(order)
    spec = _spec()
    first = compute(spec, raw, tiers)
    shuffled = compute(spec, raw[order], [tiers[i] for i in order])
    assert shuffled.index == pytest.approx(first.index[order])
    assert list(shuffled.rank) == list(first.rank[order])


@settings(max_examples=40, deadline=None)
@given(cohorts())
def test_min_max_values_lie_in_zero_to_one(cohort):
    raw, _ = cohort
    scaled = normalise(_spec(), raw, "min_max")
    assert np.all((scaled >= 0) & (scaled <= 1))


def test_rank_intervals_are_seeded_and_reproducible():
    spec, raw = _spec(), _raw_of_cohort()
    tiers = ["a", "a", "a", "b", "b"]
    one = uncertainty(spec, raw, tiers, 300, seed=7)
    two = uncertainty(spec, raw, tiers, 300, seed=7)
    assert list(one.median) == list(two.median) and list(one.low) == list(two.low)
    assert all(lo <= med <= hi for lo, med, hi in zip(one.low, one.median, one.high, strict=True))


def test_shipped_cohort_ranks_within_tiers_and_leaves_out_a_failed_check():
    result = strength.evaluate([SHIPPED], draws=1000, seed=0)
    # 湘潭市 files 95 cases closed of 80 handled: D.R4, decided by the engine, keeps it out.
    assert [(e.city, [r.id for r in e.failed]) for e in result.excluded] == [("湘潭市", ["D.R4"])]
    by_city = {c.city: c for c in result.cities}
    # Pack 2.0.0: C4 is PCT applications per 万人. 深圳市 13,300 / 1,137.87 = 11.69 is winsorised
    # to the next value inward, 苏州市's 1,800 / 1,061.6 = 1.696, so both normalise to 1; the
    # lowest is 郑州市, 90 / 956.9; 常熟市 (20 / 151.1) sits just above it; 朝阳区 reports none:
    # missing, counted as 0.
    assert by_city["深圳市"].normalised["C4"] == 1 == by_city["苏州市"].normalised["C4"]
    assert by_city["郑州市"].normalised["C4"] == 0
    low, high = F(90) / F("956.9"), F(1800) / F("1061.6")
    changshu = (F(20) / F("151.1") - low) / (high - low)  # 0.02392…
    assert by_city["常熟市"].normalised["C4"] == pytest.approx(float(changshu), abs=1e-12)
    assert by_city["北京市朝阳区"].missing == ["C4"]
    assert by_city["北京市朝阳区"].normalised["C4"] == 0
    # Per head, 杭州市 (901.8万人) is well ahead of 成都市 (1,465.75万人): over every assumption
    # the pack varies it stays second; 成都市 (33.9) falls to 武汉市's fourth place (25.8) in
    # some draws (one indicator left out), so its interval is 3–4.
    assert (by_city["杭州市"].rank, by_city["成都市"].rank) == (2, 3)
    assert by_city["杭州市"].spread == (2, 2, 2) and by_city["成都市"].spread == (3, 3, 4)
    # Every draw gives every city an index: no interval reaches down to rank 0 (a draw that
    # took logs below 0 into a ratio to the best once left 郑州市 with none: "0–3").
    assert all(c.spread is not None and c.spread[0] >= 1 for c in result.cities)
    assert by_city["深圳市"].spread == (1, 1, 1)


def test_the_data_checks_are_the_engines_verdicts():
    """`ipscore assess` with the index pack shows the same check the strength run applies."""
    done = run("assess", str(SHIPPED / "xiangtan-2015.yaml"), "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    verdicts = {r["id"]: r["status"] for t in result["tasks"] for r in t["requirements"]}
    assert verdicts == {"D.R1": "met", "D.R2": "met", "D.R3": "met", "D.R4": "unmet"}


def test_cli_outputs(tmp_path: Path):
    done = run("strength", str(SHIPPED))
    assert done.returncode == 0, done.stderr
    assert "深圳市" in done.stdout and "湘潭市" in done.stdout and "D.R4" in done.stdout
    done = run("strength", str(SHIPPED), "--format", "json", "--uncertainty", "200", "--seed", "3")
    data = json.loads(done.stdout)
    # Every assumption the shipped pack's `uncertainty:` lists is varied (issue 34).
    varied = ["dimension_weights", "indicator_weights", "normalisation", "aggregation"]
    varied += ["missing", "outliers", "leave_one_out"]
    assert data["uncertainty"] == {"draws": 200, "seed": 3, "varied": varied}
    # Where it came from: every input file with its SHA-256 and note (example data says so).
    assert len(data["inputs"]) == 10 and all(len(i["sha256"]) == 64 for i in data["inputs"])
    assert data["inputs"][0]["note"].startswith("示例数据")
    assert data["cities"][0]["rank_interval"]["median"] == 1
    for suffix in (".html", ".md", ".pdf", ".docx", ".xlsx", ".csv"):
        out = tmp_path / f"strength{suffix}"
        done = run("strength", str(SHIPPED), "-o", str(out), "--uncertainty", "100")
        assert done.returncode == 0 and out.stat().st_size > 0, (suffix, done.stderr)
    html = (tmp_path / "strength.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 9  # a radar for every ranked city
    assert "不是官方评价" in html and "示例数据" in html
    csv = (tmp_path / "strength.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0].startswith("层级,同级排名,城市,省份,指数,创造")


def test_a_radar_draws_each_city_against_its_tier_median():
    svg = strength_report.radar_svg(["甲", "乙", "丙"], [100, 50, None], [50, 50, 50])
    assert svg.count("<polygon") == 4 + 2  # four rings, the median and the city
    assert ">甲<" in svg


@pytest.mark.parametrize(
    "args, message",
    [
        (["strength", str(SHIPPED / "wuhan-2015.yaml")], "至少需要2个城市，实际为1个"),
        (
            ["strength", "scenarios/wuhan-2015.yaml", "scenarios/suzhou-2015.yaml"],
            "规则包 cnipa-2015-demo-city 不是指数规则包",
        ),
        (["strength", "tests/bad_inputs/strength_negative.yaml", str(SHIPPED)], "不能为负数"),
        (
            ["strength", str(COHORT), "--pack", "tests/bad_packs/index_weights.yaml"],
            "tests/bad_packs/index_weights.yaml，第51行：各维度权重之和应为1，实际为0.9",
        ),
        (
            ["strength", str(COHORT), "--pack", "tests/bad_packs/index_negative_weight.yaml"],
            "index_negative_weight.yaml，第53行，字段 index.dimensions[1].weight：应≥0",
        ),
    ],
)
def test_bad_input_gets_one_clear_message(args, message):
    done = run(*args)
    assert done.returncode == 2, done.stdout
    assert message in done.stderr and "Traceback" not in done.stderr


def test_only_index_packs_are_evaluated():
    with pytest.raises(IpscoreError):
        strength.index_pack(find_pack("cnipa-2015-demo-city"))


def test_last_years_index_and_rank_come_from_the_archive(tmp_path: Path):
    last = tmp_path / "2014"
    last.mkdir()
    for path in SHIPPED.glob("*.yaml"):
        text = path.read_text(encoding="utf-8").replace("year: 2015", "year: 2014")
        if path.name == "shenzhen-2015.yaml":  # 2014: few PCT applications
            text = text.replace("pct: 13300", "pct: 300")
        (last / path.name).write_text(text, encoding="utf-8")
    db = str(tmp_path / "a.db")
    assert run("archive", "add", str(last), "--db", db).returncode == 0
    done = run("strength", str(SHIPPED), "--db", db, "--format", "json")
    assert done.returncode == 0, done.stderr
    cities = {c["city"]: c for c in json.loads(done.stdout)["cities"]}
    # Last year's cohort is indexed the same way (湘潭市 again left out by D.R4): 常熟市 and
    # 朝阳区 filed the same figures and stay alone in their tiers, so rank 1 both years.
    assert cities["常熟市"]["last_year"]["rank"] == 1
    assert cities["深圳市"]["last_year"]["year"] == 2014
    assert cities["深圳市"]["last_year"]["index"] < cities["深圳市"]["index"]
    html = tmp_path / "s.html"
    assert run("strength", str(SHIPPED), "--db", db, "-o", str(html)).returncode == 0
    assert "上年（2014）" in html.read_text(encoding="utf-8")


def test_the_index_pack_assesses_as_a_data_check_in_every_format():
    done = run("assess", str(SHIPPED))
    assert done.returncode == 0, done.stderr
    assert "数据待核实" in done.stdout and "数据可用" in done.stdout
    done = run("--lang", "en", "assess", str(SHIPPED / "xiangtan-2015.yaml"))
    assert done.returncode == 0, done.stderr
    assert "(15 cases more than Patent enforcement" in done.stdout
