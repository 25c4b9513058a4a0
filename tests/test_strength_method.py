"""The strength index's method as a statistician audits it (issue 34, deliverable 1): geometric
means without clamping, reweighting within a dimension and data-availability thresholds,
transitive ties, a too-small cohort that names who was left out; and pins that a careless
one-token edit of ipscore/strength/index.py cannot pass. Every number is worked out by hand in
the comment beside it."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipscore.packs import load_pack
from ipscore.packs.index import IndexSpec, Reference
from ipscore.strength import evaluation as strength
from ipscore.strength.index import TIE, aggregate, compute, normalise, tier_ranks
from ipscore.views.tables.strength import excluded_lines

from .conftest import ROOT, ipscore

HERE = Path(__file__).parent / "strength"
PACK_TEXT = (HERE / "index-pack.yaml").read_text(encoding="utf-8")
SHIPPED = ROOT / "scenarios" / "strength-2015"
HEAD = "pack,year,city.name,city.level,city.population,x.patents,x.grants,y.cases,y.backlog\n"
nan = np.nan


def _spec(**update: object) -> IndexSpec:
    """The test pack's index (tests/strength/index-pack.yaml: A = I1, I2 weighted 0.6; B = I3,
    I4 weighted 0.4; I4 lower is better), with `update` applied."""
    pack = load_pack(HERE / "index-pack.yaml")
    assert pack.index is not None
    return pack.index.model_copy(update=update)


def _pack_with(tmp_path: Path, lines: str) -> Path:
    """The test pack with `lines` added to its `index:` section."""
    anchor = "  interpretation_en: An interpretation for tests.\n"
    path = tmp_path / "pack.yaml"
    path.write_text(PACK_TEXT.replace(anchor, anchor + lines), encoding="utf-8")
    return path


REFERENCE = {
    "I1": Reference(worst=Decimal(0), best=Decimal(10)),
    "I2": Reference(worst=Decimal(0), best=Decimal(100)),
    "I3": Reference(worst=Decimal(200), best=Decimal(1200)),
    "I4": Reference(worst=Decimal(1000), best=Decimal(0)),  # lower is better
}


# ---- Defect 2: a geometric mean never clamps a sub-index ----------------------------------


def test_a_geometric_mean_rescales_sub_indices_to_1_100_so_a_zero_does_not_zero_the_index():
    # x, y, z (one tier) under min-max:
    #   I1 1, 1, 8 → 0, 0, 1        I2 25, 25, 75 → 0, 0, 1        A = 0, 0, 1
    #   I3 80, 50, 20 → 1, 1/2, 0   I4 (lower) 0, 15, 30 → 1, 1/2, 0  B = 1, 1/2, 0
    # Each sub-index s becomes 1 + 99 s (COINr: min-max to [1, 100] before a_gmean), then
    # index = (1 + 99 A)^0.6 × (1 + 99 B)^0.4:
    #   x = 1 × 100^0.4 = 10^0.8 = 6.3095…   y = 1 × 50.5^0.4 = 4.8009…
    #   z = 100^0.6 × 1 = 10^1.2 = 15.848…
    # Clamped and unscaled (the old way) each city had a sub-index 0, so each index was 0 and
    # all three tied at rank 1.
    raw = np.array([[1, 25, 80, 0], [1, 25, 50, 15], [8, 75, 20, 30]], dtype=float)
    computed = compute(_spec(aggregation="geometric"), raw, [None] * 3)
    assert computed.index == pytest.approx([10**0.8, 50.5**0.4, 10**1.2], rel=1e-12)
    assert list(computed.rank) == [2, 3, 1]


def test_geometric_with_a_normalisation_that_goes_negative_is_refused_at_load(tmp_path: Path):
    # Two cities below the reference year's worst in B: B = −12.5 and −16.2 (worked out in the
    # next test). Clamped to 0 they both got index 0 and tied; a geometric mean of a negative
    # sub-index has no meaning, so the pack is refused before any city is read.
    lines = (
        "  normalisation: reference\n  aggregation: geometric\n  reference:\n"
        "    I1: {worst: 0, best: 10}\n    I2: {worst: 0, best: 100}\n"
        "    I3: {worst: 200, best: 1200}\n    I4: {worst: 1000, best: 0}\n"
    )
    pack = _pack_with(tmp_path, lines)
    line = pack.read_text(encoding="utf-8").splitlines().index("  aggregation: geometric") + 1
    done = ipscore("strength", str(HERE / "cohort.csv"), "--pack", str(pack))
    assert done.returncode == 2, done.stdout
    assert f"第{line}行" in done.stderr and "Traceback" not in done.stderr
    assert "几何平均要求各方面的分项指数为正，不能用于 reference 标准化" in done.stderr


def test_cities_below_the_reference_do_not_tie():
    # u, v: I1 5 → (5 − 0)/10 = 1/2, I2 50 → 1/2: A = 1/2 for both.
    # u: I3 75 → (75 − 200)/1000 = −0.125; I4 1125 → (1125 − 1000)/(0 − 1000) = −0.125: B −12.5
    # v: I3 38 → −0.162; I4 1162 → −0.162: B −16.2
    # Arithmetic: u 100 × (0.6 × 0.5 − 0.4 × 0.125) = 25; v 100 × (0.3 − 0.0648) = 23.52.
    raw = np.array([[5, 50, 75, 1125], [5, 50, 38, 1162]], dtype=float)
    spec = _spec(normalisation="reference", reference=REFERENCE)
    computed = compute(spec, raw, [None, None])
    assert computed.dimensions[:, 1] * 100 == pytest.approx([-12.5, -16.2])
    assert computed.index == pytest.approx([25, 23.52])
    assert list(computed.rank) == [1, 2]
    # A spec built in code skips the loader: a geometric mean of these gives no index at all
    # (1 + 99 × −0.125 is below 0), never a made-up 0 that ties them.
    geometric = aggregate(_spec(aggregation="geometric"), computed.dimensions, np.array([0.6, 0.4]))
    assert np.isnan(geometric).all()


# ---- Defect 3: reweighting within a dimension; data availability ---------------------------

# p, q, r, d, e (one tier, population 100 each):
#   I1 patents per 万人 8, 8, 5, 5, 2 → min 2, max 8: 1, 1, 1/2, 1/2, 0
#   I2 grants / patents × 100: 80, 80, 50, 80, 20 → 1, 1, 1/2, 1, 0
#   A = 1, 1, 1/2, 3/4, 0
#   I3 cases 80, 50, 50, 20, 20 → 1, 1/2, 1/2, 0, 0
#   I4 backlog (lower) 0, 15, 15, 30, 30 → (30 − x)/30: 1, 1/2, 1/2, 0, 0
#   B = 1, 1/2, 1/2, 0, 0
#   index = 100 (0.6 A + 0.4 B): p 100, q 80, r 50, d 45, e 0 → d is 4th.
# d files nothing in B, its weakest dimension (e keeps I3's and I4's minimum and maximum
# where they were, so nobody else moves): with B dropped and A's weight rescaled, d had
# 100 × A = 75 and was 3rd, ahead of r. Not reporting paid.
FIVE = [
    ("p", 800, 640, "80", "0"),
    ("q", 800, 640, "50", "15"),
    ("r", 500, 250, "50", "15"),
    ("d", 500, 400, "20", "30"),
    ("e", 200, 40, "20", "30"),
]


def _five(tmp_path: Path, d_cases: str, d_backlog: str) -> Path:
    rows = [
        f"test-index,2015,{name},a,100,{patents},{grants},"
        + (f"{d_cases},{d_backlog}" if name == "d" else f"{cases},{backlog}")
        for name, patents, grants, cases, backlog in FIVE
    ]
    path = tmp_path / "five.csv"
    path.write_text(HEAD + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_full_report_ranks_d_fourth():
    raw = np.array(
        [[8, 80, 80, 0], [8, 80, 50, 15], [5, 50, 50, 15], [5, 80, 20, 30], [2, 20, 20, 30]],
        dtype=float,
    )
    computed = compute(_spec(missing="reweight"), raw, [None] * 5)
    assert computed.index == pytest.approx([100, 80, 50, 45, 0])
    assert list(computed.rank) == [1, 2, 3, 4, 5]
    # Without B: no index for d (NaN, rank 0), never A's 75 — the dimension is not dropped.
    raw[3, 2:] = nan
    computed = compute(_spec(missing="reweight"), raw, [None] * 5)
    assert np.isnan(computed.index[3]) and computed.rank[3] == 0
    assert list(computed.rank) == [1, 2, 3, 0, 4]


def test_reporting_nothing_in_the_weakest_dimension_no_longer_pays(tmp_path: Path):
    pack = _pack_with(tmp_path, "  missing: reweight\n")
    result = strength.evaluate([_five(tmp_path, "", "")], str(pack))
    assert [(c.city, c.rank) for c in result.cities] == [("p", 1), ("q", 2), ("r", 3), ("e", 4)]
    (left,) = result.excluded
    assert (left.city, left.failed) == ("d", ())
    (short,) = left.sparse
    assert (short.id, short.gap) == ("availability.B", "乙方面2个指标填报了0个")
    assert short.title == "乙方面至少填报1个指标（缺报的权重由同一方面的其他指标分担）"
    assert short.remedy == "补报缺报的指标：I3 案件、I4 积压"
    assert excluded_lines(result) == [
        "提示：d 缺报过多（availability.B 乙方面2个指标填报了0个），未参加排名"
    ]
    assert result.to_dict()["excluded"][0]["failed"][0]["id"] == "availability.B"
    # Reporting I3 alone: its weight goes to I3, the other indicator of B (the docs' "同一
    # 方面的其他指标"): B = I3's 0, index 100 × 0.6 × 3/4 = 45, 4th as with full figures.
    result = strength.evaluate([_five(tmp_path, "20", "")], str(pack))
    by_city = {c.city: c for c in result.cities}
    assert by_city["d"].index == pytest.approx(45) and by_city["d"].rank == 4


def test_a_dimension_threshold_excludes_a_city_that_reports_too_little_of_it(tmp_path: Path):
    # dimension 0.75: half of B (I3 alone, 1 of 2) is below it; city 0.75: 3 of 4 is not.
    pack = _pack_with(tmp_path, '  availability: {city: "0.75", dimension: "0.75"}\n')
    result = strength.evaluate([_five(tmp_path, "20", "")], str(pack))
    (left,) = result.excluded
    assert [(s.id, s.title, s.gap) for s in left.sparse] == [
        ("availability.B", "乙方面填报的指标不少于75%", "乙方面2个指标填报了1个")
    ]


def _chaoyang(tmp_path: Path, certified_firms: bool) -> Path:
    """The shipped cohort with 朝阳区 (already without C4 PCT) also without C3's invention
    grants, U2 licences, P2 cases closed and, unless `certified_firms`, M2's firms."""
    folder = tmp_path / "cohort"
    folder.mkdir(exist_ok=True)
    for path in SHIPPED.glob("*.yaml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    path = folder / "chaoyang-2015.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in [
        (", invention_grants: 7500", ""),
        (", licences: 700", ""),
        (", cases_closed: 320", ""),
        (", certified_firms: 45", "" if not certified_firms else ", certified_firms: 45"),
    ]:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return folder


def test_the_shipped_pack_ranks_a_city_with_8_of_12_indicators_but_not_7(tmp_path: Path):
    # The shipped pack: city 0.66, dimension 0.5. 朝阳区 reports C1, C2 (2 of 4 creation),
    # U1 (1 of 2), P1 (1 of 2), M1 (+ M2) and S1, S2: 7 (8) of 12. 7/12 = 0.583 < 0.66 ≤ 8/12.
    result = strength.evaluate([_chaoyang(tmp_path, certified_firms=True)])
    assert "北京市朝阳区" in {c.city for c in result.cities}
    result = strength.evaluate([_chaoyang(tmp_path, certified_firms=False)])
    left = {e.city: e for e in result.excluded}["北京市朝阳区"]
    assert [(s.id, s.title, s.gap) for s in left.sparse] == [
        ("availability", "填报的指标不少于全部的66%", "12个指标填报了7个")
    ]
    assert "北京市朝阳区" not in {c.city for c in result.cities}


# ---- Defect 4: transitive ties ------------------------------------------------------------


def test_ties_are_clusters_so_three_cities_6e_10_apart_share_rank_1():
    # Sorted from the highest, each is less than TIE (1e-9) below the one before: one cluster.
    # "1 + the cities more than 1e-9 higher" ranked them 1, 1, 2 (the third is 1.2e-9 below
    # the first), a tie with the second that was not one with the first. The second column
    # has them the other way round, and a clear gap of 2e-9 before a fourth city.
    index = np.array([[50.0, 50.0], [50.0 + 6e-10, 50.0 - 6e-10], [50.0 + 12e-10, 50.0 - 12e-10]])
    assert tier_ranks(index, [None] * 3).tolist() == [[1, 1], [1, 1], [1, 1]]
    index = np.array([[50.0], [50.0 - 2e-9], [nan]])
    assert tier_ranks(index, [None] * 3).tolist() == [[1], [2], [0]]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=100), min_size=2, max_size=12), st.randoms())
def test_any_two_indices_less_than_tie_apart_share_a_rank(values, random):
    values = [*values, values[0] + TIE / 2]  # at least one such pair
    order = list(range(len(values)))
    random.shuffle(order)
    index = np.array(values)[order][:, None]
    ranks = tier_ranks(index, [None] * len(values))[:, 0]
    for i in range(len(values)):
        for j in range(len(values)):
            if abs(index[i, 0] - index[j, 0]) < TIE:
                assert ranks[i] == ranks[j]
            elif index[i, 0] > index[j, 0]:
                assert ranks[i] <= ranks[j]


# ---- Defect 5: too few cities names who was left out and why ------------------------------


def test_two_files_one_failing_a_check_name_the_city_and_the_check():
    # 湘潭市 files 95 cases closed of 80 handled: D.R4, 15 more than handled.
    done = ipscore(
        "strength", str(SHIPPED / "wuhan-2015.yaml"), str(SHIPPED / "xiangtan-2015.yaml")
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        "至少需要2个城市，实际为1个（只有一个城市时标准化没有意义）。"
        "未参加排名：湘潭市——D.R4 结案数不超过办案量（比2015年专利行政执法办案量多15件）"
    ) in done.stderr


def test_two_files_one_reporting_too_little_name_the_city_and_the_shortfall(tmp_path: Path):
    folder = _chaoyang(tmp_path, certified_firms=False)
    done = ipscore("strength", str(SHIPPED / "wuhan-2015.yaml"), str(folder / "chaoyang-2015.yaml"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert (
        "未参加排名：北京市朝阳区——availability 填报的指标不少于全部的66%（12个指标填报了7个）"
    ) in done.stderr


# ---- Pins: one-token edits of index.py that the suite must catch --------------------------


def test_pin_a_constant_column_normalises_to_1_under_min_max():
    # I1 is 7 for every city: max − min = 0, every city alike, so every city is at the best,
    # 1.0 (not 0.0, which also lies in [0, 1] and so passes the range property).
    raw = np.array([[7, 50, 40, 10], [7, 25, 20, 0], [7, 75, 60, 30]], dtype=float)
    assert normalise(_spec(), raw, "min_max")[:, 0].tolist() == [1.0, 1.0, 1.0]


def test_pin_a_missing_value_is_the_worst_under_distance_to_best_and_z_score():
    raw = np.array(
        [[2, 50, 40, 10], [4, 25, 20, 0], [8, 75, 60, 30], [nan, 50, 80, 5]], dtype=float
    )
    # distance to the best: I1 2, 4, 8 → x / 8 = 0.25, 0.5, 1; the missing fourth takes the
    # lower of 0 and the column's lowest 0.25: 0 (the best-side choice would give 0.25).
    best = normalise(_spec(), raw, "distance_to_best")
    assert best[:, 0].tolist() == [0.25, 0.5, 1.0, 0.0]
    # z-scores: I1 1, 2, 3 (mean 2, population sd √(2/3)) → −√(3/2), 0, √(3/2); the missing
    # fourth takes the lower of 0 and the column's lowest: −√(3/2) = −1.2247…, not 0.0.
    raw[:3, 0] = [1, 2, 3]
    z = normalise(_spec(), raw, "z_score")
    assert z[:, 0] == pytest.approx([-math.sqrt(1.5), 0, math.sqrt(1.5), -math.sqrt(1.5)])


def test_pin_the_z_score_of_a_lower_is_better_indicator_is_negated():
    # I4 (backlog, lower is better) 10, 0, 30, 20, 5: mean 13; squared deviations 9, 169,
    # 289, 49, 64 sum to 580, population variance 116. z = (13 − x) / √116: 3, 13, −17, −7, 8
    # over √116 — the city with no backlog scores highest.
    raw = np.array(
        [[5, 50, 40, 10], [3, 25, 20, 0], [8, 75, 60, 30], [1, 50, 80, 20], [2, 50, 80, 5]],
        dtype=float,
    )
    z = normalise(_spec(), raw, "z_score")
    assert z[:, 3] == pytest.approx([v / math.sqrt(116) for v in (3, 13, -17, -7, 8)])


def test_pin_the_tie_tolerance():
    # 30.000000000000004 is 30 with float noise (as 0.1 + 0.2 is 0.30000000000000004), 3.6e-15
    # above 30.0: they tie at 1, and the next city is 3rd (two cities above it).
    index = np.array([[30.000000000000004], [30.0], [10.0]])
    assert tier_ranks(index, [None] * 3)[:, 0].tolist() == [1, 1, 3]


# ---- Property: lowering a lower-is-better figure never lowers the index --------------------

figures = st.floats(min_value=0, max_value=1e6, allow_nan=False)
maybe = st.one_of(figures, st.just(nan))


@st.composite
def methods(draw: st.DrawFn) -> IndexSpec:
    normalisation = draw(st.sampled_from(["min_max", "distance_to_best", "z_score", "reference"]))
    geometric_ok = normalisation in ("min_max", "distance_to_best")
    aggregation = draw(
        st.sampled_from(["arithmetic", "geometric"] if geometric_ok else ["arithmetic"])
    )
    missing = draw(st.sampled_from(["worst", "reweight"]))
    return _spec(
        normalisation=normalisation, aggregation=aggregation, missing=missing, reference=REFERENCE
    )


@settings(max_examples=150, deadline=None)
@given(
    methods(),
    st.integers(min_value=2, max_value=7).flatmap(
        lambda n: st.lists(st.lists(maybe, min_size=4, max_size=4), min_size=n, max_size=n)
    ),
    st.integers(min_value=0, max_value=6),
    figures,
    st.floats(min_value=0, max_value=1),
)
def test_lowering_a_lower_is_better_figure_never_lowers_the_index(spec, rows, k, backlog, keep):
    raw = np.array(rows, dtype=float)
    city = k % raw.shape[0]
    raw[city, 3] = backlog  # I4 (backlog): lower is better; the city reports it
    lower = raw.copy()
    lower[city, 3] = backlog * keep
    tiers = [None] * raw.shape[0]
    before = compute(spec, raw, tiers).index[city]
    after = compute(spec, lower, tiers).index[city]
    assert np.isnan(before) == np.isnan(after)
    if not np.isnan(before):
        assert after >= before - 1e-9 * max(1.0, abs(before))


def test_the_shipped_pack_states_its_availability_thresholds():
    done = ipscore("strength", str(SHIPPED), "--format", "json")
    data = json.loads(done.stdout)
    assert (
        "不足全部的66%（12个中少于8个）或某一方面不足一半的城市不参加排名" in data["interpretation"]
    )
    assert data["method"]["availability"] == {"city": 0.66, "dimension": 0.5}
    spec = load_pack(ROOT / "rules" / "cnipa-2015-strength.yaml").index
    assert spec is not None
    assert (spec.availability.city, spec.availability.dimension) == (
        Decimal("0.66"),
        Decimal("0.5"),
    )
