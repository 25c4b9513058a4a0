"""Issue 34 attacked after the merge: what a hostile user and a hostile statistician found,
each case pinned."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
    # Beside its 95% half-width (SALib's S1_conf, never negative): 0.2134 ± 0.0518.
    from ipscore.strength.sensitivity import shown_with

    assert shown_with(0.2134, 0.0518) == "0.213 ±0.052"
    assert shown_with(-0.0002, -0.0004) == "0.000 ±0.000"


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


def test_a_city_without_its_population_is_told_to_file_the_population(tmp_path):
    import json
    import shutil

    # 佛山市 without population: ten of the twelve indicators are per 10,000 people (all but
    # C3, a share of grants, and P2, a share of cases), so it "reported 2 of 12"; the remedy
    # listed ten indicators to "report" although it filed every one of their figures. It now
    # names the divisor and the indicators it divides.
    for path in SHIPPED.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    foshan = tmp_path / "foshan-2015.yaml"
    text = foshan.read_text(encoding="utf-8")
    foshan.write_text(text.replace(", population: 743.06}", "}"), encoding="utf-8")
    assert "population" not in foshan.read_text(encoding="utf-8")
    done = run("strength", str(tmp_path), "--format", "json")
    assert done.returncode == 0, done.stderr
    (excluded,) = [e for e in json.loads(done.stdout)["excluded"] if e["city"] == "佛山市"]
    first = excluded["failed"][0]
    assert (first["id"], first["gap"]) == ("availability", "12个指标填报了2个")
    assert first["remedy"] == (
        "缺年末常住人口，C1、C2、C4、U1、U2、P1、M1、M2、S1、S2 无法计算，请核对补填"
    )
    # The creation aspect: C1, C2, C4 lack the population; C3 is there (1 of 4).
    creation = excluded["failed"][1]
    assert (creation["id"], creation["gap"]) == (
        "availability.creation",
        "创造方面4个指标填报了1个",
    )
    assert creation["remedy"] == "缺年末常住人口，C1、C2、C4 无法计算，请核对补填"


def test_a_zero_divisor_is_named_beside_a_missing_indicator():
    from decimal import Decimal

    from ipscore.packs import find_pack
    from ipscore.packs.index import Availability
    from ipscore.strength.availability import shortfalls

    # Every protection indicator required (dimension 1): P1 not filed, P2 = closed / handled
    # with handled 0. The remedy says both, the plain missing one first.
    spec = find_pack("cnipa-2015-strength").index
    spec = spec.model_copy(update={"availability": Availability(dimension=Decimal(1))})
    reported = [i.id not in ("P1", "P2") for i in spec.indicators]
    why = {"P2": ("2015年专利行政执法办案量为0", "Patent enforcement cases handled in 2015 is 0")}
    (short,) = shortfalls(spec, reported, why)
    assert short.id == "availability.protection"
    assert short.remedy == (
        "补报缺报的指标：P1 每万人口专利行政执法办案量；"
        "2015年专利行政执法办案量为0，P2 无法计算，请核对补填"
    )
    assert short.remedy_en == (
        "report the missing indicators: P1 Enforcement cases per 10,000 people; "
        "Patent enforcement cases handled in 2015 is 0, so P2 cannot be computed: check and "
        "file it"
    )


def test_a_base_year_nobody_holds_is_said_not_silently_dropped(tmp_path):
    import json

    # comparable {base_year: 1999}: neither the 2015 files nor an empty archive hold 1999,
    # so there are no bounds; the comparable column vanished without a word.
    pack = "tests/strength/comparable-1999.yaml"
    db = str(tmp_path / "a.sqlite")
    done = run("strength", str(SHIPPED), "--pack", pack, "--db", db, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["comparable"] is None
    assert (
        "提示：规则包以1999年为可比指数的基准年，但提交的文件和归档（--db）中都没有1999年至少2个"
        "通过核对的城市，所以没有可比指数；先 ipscore archive add 1999年的文件"
    ) in done.stderr
    done = run("--lang", "en", "strength", str(SHIPPED), "--pack", pack, "--db", db)
    assert done.returncode == 0, done.stderr
    assert "note: the pack takes 1999 as the comparable index's base year" in done.stderr


def test_history_lists_a_year_the_city_was_not_ranked(tmp_path):
    import json

    # 湘潭市 filed 95 cases closed of 80 handled (D.R4 fails): `history --pack` printed an
    # index table with no row at all. The year is now there, not ranked; its tier (地级) ranked
    # 苏州市, 佛山市 and 郑州市: 3.
    db = str(tmp_path / "a.sqlite")
    assert run("archive", "add", str(SHIPPED), "--db", db).returncode == 0
    done = run("history", "湘潭市", "--pack", "cnipa-2015-strength", "--db", db, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["strength_index"] == [
        {
            "year": 2015,
            "index": None,
            "rank_in_tier": None,
            "cities_in_tier": 3,
            "comparable_index": None,
            "ranked": False,
        }
    ]
    done = run("history", "湘潭市", "--pack", "cnipa-2015-strength", "--db", db)
    assert "未参加排名" in done.stdout
    # The years' table above holds the data checks (an index pack's requirements), whose score
    # ranks nothing: no "1（并列）/4" beside the index's own rank.
    wuhan = run("history", "武汉市", "--pack", "cnipa-2015-strength", "--db", db).stdout
    assert "数据核对得分" in wuhan and "（并列）" not in wuhan and "4/4" in wuhan
    done = run("--lang", "en", "history", "湘潭市", "--pack", "cnipa-2015-strength", "--db", db)
    assert "not ranked" in done.stdout


def test_the_log_transform_starts_at_zero_so_distance_to_best_keeps_the_order():
    import math

    import numpy as np

    from ipscore.strength.treat import _log

    # x = 0, 1, 10: a = (10 − 0)/100 = 0.1. COINr's ln(x − min + a) is ln 0.1 = −2.303,
    # ln 1.1 = 0.095, ln 10.1 = 2.313: distance to the best (x / max) then gave −0.996, 0.041,
    # 1 — the lowest city far below 0 (its geometric draw had no index). Shifted by −ln a:
    # ln(1 + x/a) = 0, ln 11, ln 101, whose ratios to the best are 0, ln 11/ln 101, 1.
    logged = _log(np.array([0.0, 1.0, 10.0]), skew=1.0)
    assert logged == pytest.approx([0.0, math.log(11), math.log(101)])
    assert logged / logged.max() == pytest.approx([0.0, math.log(11) / math.log(101), 1.0])
    # A negative skew, x = 0, 9, 10 (a = 0.1): ln(max − min + a) − ln(max + a − x) =
    # ln 10.1 − ln 10.1, ln 10.1 − ln 1.1, ln 10.1 − ln 0.1 = 0, ln(10.1/1.1), ln 101.
    logged = _log(np.array([0.0, 9.0, 10.0]), skew=-1.0)
    assert logged == pytest.approx([0.0, math.log(10.1 / 1.1), math.log(101)])


def test_a_draw_without_an_index_is_no_rank_in_the_interval():
    import numpy as np

    from ipscore.packs import find_pack
    from ipscore.strength.montecarlo import uncertainty

    # Three cities of one tier; c0 reports no utilisation indicator (U1, U2 NaN) and is lowest
    # everywhere else. The pack's own `missing: worst` ranks it 3rd; the draws with
    # `reweight` (the list's other choice, about half of them) give it no index (rank 0).
    # Its interval was 0–3; over the draws that rank it, it is 3rd in each: 3–3, median 3.
    spec = find_pack("cnipa-2015-strength").index
    raw = np.array([[1.0] * 12, [5.0] * 12, [9.0] * 12])
    raw[1] += np.arange(12) % 3  # the two others differ, not in lock-step
    raw[0, 4:6] = np.nan
    spread = uncertainty(spec, raw, ["a", "a", "a"], 200, 0)
    assert (spread.low[0], spread.median[0], spread.high[0]) == (3, 3, 3)
    assert spread.low.min() >= 1
