"""What a pack may say is bounded where the engine is (issue 30): an amending pack is checked as
a plain one once its changes are set, numbers too large for exact arithmetic are refused at
load, and no figure reaches the engine past its 64-bit integers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from ipscore import assess_paths

from .conftest import ROOT

BAD_PACKS = Path(__file__).parent / "bad_packs"


def test_rules_check_refuses_an_amendment_whose_grade_lines_cannot_all_be_reached():
    """Setting 优秀 to 90 and 良好 to 95 passed `rules check` and graded 88.0 as 合格; the
    same lines in a plain pack are refused."""
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "rules", "check", "tests/bad_packs/amended_bands.yaml"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2
    assert (
        "tests/bad_packs/amended_bands.yaml，第14行："
        "等级 良好 永远达不到：排在前面的 优秀 的条件更宽" in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_rules_check_of_huge_numbers_ends_at_once():
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "rules", "check"]
        + [f"tests/bad_packs/{n}" for n in ("huge_constant.yaml", "tiny_factor.yaml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert time.monotonic() - started < 20


def test_an_amount_past_the_engines_integers_is_refused_not_a_type_error(tmp_path):
    """An amount of 4 decimals is sent to the engine in ten-thousandths: 10^15 of it is 10^19,
    past 2^63 ≈ 9.2·10^18, and orjson raised a TypeError. Refused as out of range above
    10^14 − 0.0001."""
    pack = (BAD_PACKS / "unreachable_grade.yaml").read_text(encoding="utf-8")
    pack = pack.replace(
        "started_on: {type: date,",
        "fund: {type: amount, decimals: 4, label: 资金, label_en: Fund}\n"
        "    started_on: {type: date,",
    )
    pack = pack.replace("min_score: 80}", "min_score: 70}").replace(
        "work.staff, gte", "work.fund, gte"
    )
    (tmp_path / "pack.yaml").write_text(pack, encoding="utf-8")
    city = tmp_path / "city.yaml"
    for fund, ok in (("99999999999999.9999", True), ("100000000000000", False)):
        city.write_text(
            f"pack: tiny\nyear: 2015\ncity: {{name: 甲市}}\nfacts:\n  work: {{fund: {fund}}}\n",
            encoding="utf-8",
        )
        done = subprocess.run(
            [sys.executable, "-m", "ipscore", "validate", str(city), "--pack", "pack.yaml"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=120,
        )
        if ok:
            assert done.returncode == 0, done.stderr
            (result,) = assess_paths([city], str(tmp_path / "pack.yaml"))
            assert result.requirement_statuses() == {"T1.R1": "met"}
        else:
            assert done.returncode == 2 and "Traceback" not in done.stderr
            assert (
                "第5行，字段 work.fund：应为不小于0的数，实际为超出范围的 "
                "100000000000000" in done.stderr
            ), done.stderr


def test_rules_check_states_the_engines_limit_for_one_rule(tmp_path):
    """A requirement whose all of seven any-pairs expands into 2⁷ = 128 combinations, more than
    durable-rules holds in one rule (64): `rules check` says so, naming the file."""
    pack = (BAD_PACKS / "unreachable_grade.yaml").read_text(encoding="utf-8")
    fields = "".join(
        f"    f{i}: {{type: count, max: 100, label: F{i}, label_en: F{i}}}\n" for i in range(1, 15)
    )
    pairs = ", ".join(
        f"{{any: [{{field: work.f{2 * i + 1}, gte: 1}}, {{field: work.f{2 * i + 2}, gte: 1}}]}}"
        for i in range(7)
    )
    pack = pack.replace("  work:\n", "  work:\n" + fields).replace(
        "min_score: 80}", "min_score: 70}"
    )
    (tmp_path / "combos.yaml").write_text(
        pack.replace("check: {field: work.staff, gte: 3}", "check: {all: [" + pairs + "]}"),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "rules", "check", "combos.yaml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.endswith(
        "combos.yaml，字段 T1.R1：规则包 tiny 的要求 T1.R1 的条件太复杂，规则引擎无法编译："
        "展开后有 128 种组合（all 里的每个 any 都使组合成倍增加），一条规则最多 64 种；"
        "请拆成几条要求\n"
    ), done.stderr
