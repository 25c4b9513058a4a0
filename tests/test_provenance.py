"""Pack identity and provenance: every output says which pack (by content) and which input
files (by SHA-256) produced it, and when; two runs differ in nothing else."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ipscore import assess_paths, find_pack, load_pack
from ipscore.packs import shipped_packs
from ipscore.packs.params import with_params
from ipscore.report.contexts.city import city_context

from .conftest import ROOT, SCENARIOS

WUHAN = SCENARIOS / "wuhan-2015.yaml"
SHIPPED = shipped_packs()["cnipa-2015-demo-city"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def edited_pack(tmp_path: Path) -> Path:
    """The 2015 pack with T4.R2's growth factor lowered from 1.2 to 1.1, version unchanged."""
    text = SHIPPED.read_text(encoding="utf-8")
    old = '{field: finance.pledge_amount_prev, times: "1.2"}'
    assert text.count(old) == 1
    path = tmp_path / "cnipa-2015-demo-city.yaml"
    path.write_text(text.replace(old, old.replace('"1.2"', '"1.1"')), encoding="utf-8")
    return path


def test_an_edited_threshold_shows_in_the_content_hash(edited_pack):
    shipped, edited = find_pack("cnipa-2015-demo-city"), load_pack(edited_pack)
    assert edited.pack.version == shipped.pack.version
    assert edited.content_hash != shipped.content_hash
    # Wuhan: 2015 pledge financing 7,799.9999 against 6,500 in 2014 — 20% needs 7,800, 10% needs
    # 7,150. Under the edited pack T4 is complete and Wuhan goes from 不合格 to 优秀.
    (before,) = assess_paths([WUHAN])
    (after,) = assess_paths([WUHAN], str(edited_pack))
    assert (before.grade, after.grade) == ("fail", "excellent")
    assert before.to_dict()["provenance"]["pack_sha256"] == shipped.content_hash
    assert after.to_dict()["provenance"]["pack_sha256"] == edited.content_hash


def test_a_result_renders_against_its_own_pack_whatever_was_loaded_since(edited_pack):
    (shipped_result,) = assess_paths([WUHAN])
    (edited_result,) = assess_paths([WUHAN], str(edited_pack))
    # Both packs have the same id; each result still holds the pack that produced it.
    assert shipped_result.pack is not edited_result.pack
    ctx = city_context(shipped_result)
    assert shipped_result.pack.content_hash in dict(ctx["provenance"]["rows"]).values()
    assert ctx["grade"] == "fail"


def test_the_hash_is_of_the_meaning_not_the_file(tmp_path):
    shipped = find_pack("cnipa-2015-demo-city")
    # A copy elsewhere, and a copy that writes 1.2 as 1.20 with an extra comment: same pack.
    text = SHIPPED.read_text(encoding="utf-8")
    copy = tmp_path / "a.yaml"
    copy.write_text(text, encoding="utf-8")
    respelled = tmp_path / "b.yaml"
    respelled.write_text(
        "# a comment\n" + text.replace('times: "1.2"}', 'times: "1.20"}'), encoding="utf-8"
    )
    assert load_pack(copy).content_hash == shipped.content_hash
    assert load_pack(respelled).content_hash == shipped.content_hash
    # A changed parameter is another pack; setting it back gives the first hash again.
    assert with_params(shipped, {"T4.R2": "1.1"}).content_hash != shipped.content_hash
    assert with_params(shipped, {"T4.R2": "1.2"}).content_hash == shipped.content_hash
    assert len(shipped.content_hash) == 64


def test_json_provenance_names_pack_input_version_and_time():
    done = run("assess", str(WUHAN), "--format", "json")
    assert done.returncode == 0, done.stderr
    origin = json.loads(done.stdout)["provenance"]
    assert origin["pack"] == "cnipa-2015-demo-city"
    assert origin["pack_version"] == "1.1.0"
    assert origin["pack_sha256"] == find_pack("cnipa-2015-demo-city").content_hash
    assert origin["input"] == "scenarios/wuhan-2015.yaml"
    assert origin["input_sha256"] == _sha256(WUHAN)
    assert origin["ipscore_version"] == "0.1.0"
    assert origin["produced_at"].endswith("Z") and origin["produced_at"][:2] == "20"


def test_two_runs_are_byte_identical_without_a_timestamp():
    first = run("assess", str(SCENARIOS), "--format", "json", "--no-timestamp")
    second = run("assess", str(SCENARIOS), "--format", "json", "--no-timestamp")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert all(r["provenance"]["produced_at"] is None for r in json.loads(first.stdout))


def test_source_date_epoch_fixes_the_time():
    env = {**_environment(), "SOURCE_DATE_EPOCH": "1447200000"}
    first = run("assess", str(WUHAN), "--format", "json", env=env)
    second = run("assess", str(WUHAN), "--format", "json", env=env)
    assert first.stdout == second.stdout
    # 1447200000 s after 1970-01-01 is 2015-11-11 00:00:00 UTC.
    assert json.loads(first.stdout)["provenance"]["produced_at"] == "2015-11-11T00:00:00Z"
    bad = run(
        "assess",
        str(WUHAN),
        "--format",
        "json",
        env={**_environment(), "SOURCE_DATE_EPOCH": "昨天"},
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "SOURCE_DATE_EPOCH 应为整数秒" in bad.stderr


def _environment() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}


def test_a_reference_file_is_named_with_its_hash():
    path = SCENARIOS / "northeast-2017-opinions" / "jilin-2017.yaml"
    (result,) = assess_paths([path])
    origin = result.to_dict()["provenance"]
    assert origin["input_sha256"] == _sha256(path)
    (reference,) = origin["references"]
    ref_path = ROOT / reference["file"]
    assert ref_path.parent.name == "reference" and reference["sha256"] == _sha256(ref_path)


def test_csv_rows_carry_their_provenance():
    env = {**_environment(), "SOURCE_DATE_EPOCH": "1447200000"}
    done = run("assess", str(SCENARIOS), "--format", "csv", env=env)
    rows = list(csv.DictReader(io.StringIO(done.stdout.lstrip("\ufeff"))))
    by_city = {r["城市"]: r for r in rows}
    assert by_city["武汉市"]["文件指纹"] == _sha256(WUHAN)
    assert {r["规则包指纹"] for r in rows} == {find_pack("cnipa-2015-demo-city").content_hash}
    assert {(r["ipscore版本"], r["生成时间"]) for r in rows} == {("0.1.0", "2015-11-11T00:00:00Z")}


def test_the_score_sheet_has_a_provenance_sheet_and_footer(tmp_path):
    out = tmp_path / "scores.xlsx"
    done = run("assess", str(SCENARIOS), "--format", "xlsx", "-o", str(out))
    assert done.returncode == 0, done.stderr
    book = load_workbook(out)
    assert book.sheetnames == ["评估结果", "各项要求", "要求说明", "来源信息"]
    cells = [c for row in book["来源信息"].iter_rows(values_only=True) for c in row if c]
    pack = find_pack("cnipa-2015-demo-city")
    assert pack.content_hash in cells and _sha256(WUHAN) in cells and "武汉市" in cells
    assert f"sha256 {pack.content_hash[:12]}" in book["评估结果"].oddFooter.left.text


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_reports_have_a_footer_line_and_an_appendix(tmp_path, suffix):
    out = tmp_path / f"wuhan{suffix}"
    env = {**_environment(), "SOURCE_DATE_EPOCH": "1447200000"}
    done = run("report", str(WUHAN), "-o", str(out), env=env)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    short = find_pack("cnipa-2015-demo-city").content_hash[:12]
    footer = f"ipscore 0.1.0 · cnipa-2015-demo-city 1.1.0 · sha256 {short} · 2015-11-11T00:00:00Z"
    assert footer in text
    assert "来源信息" in text and _sha256(WUHAN) in text
    cohort = tmp_path / f"all{suffix}"
    assert run("report", str(SCENARIOS), "-o", str(cohort)).returncode == 0
    text = cohort.read_text(encoding="utf-8")
    assert all(_sha256(p) in text for p in SCENARIOS.glob("*-2015.yaml"))


def test_what_if_plan_simulate_and_sensitivity_json_carry_provenance():
    digest = _sha256(SCENARIOS / "xiangtan-2015.yaml")
    for args in (
        ("whatif", "scenarios/xiangtan-2015.yaml", "--param", "T4.R2=1.1"),
        ("plan", "scenarios/xiangtan-2015.yaml", "--target", "excellent"),
        ("simulate", "scenarios/xiangtan-options.whatif.yaml"),
    ):
        done = run(*args, "--format", "json", "--no-timestamp")
        assert done.returncode == 0, done.stderr
        data = json.loads(done.stdout)
        assert data["provenance"]["input_sha256"] == digest, args
    whatif = json.loads(
        run(
            "whatif", "scenarios/xiangtan-2015.yaml", "--param", "T4.R2=1.1", "--format", "json"
        ).stdout
    )
    changed = with_params(find_pack("cnipa-2015-demo-city"), {"T4.R2": "1.1"})
    assert whatif["pack_sha256"] == changed.content_hash
    rows = json.loads(
        run("sensitivity", "scenarios/", "--param", "T4.R2=1.1,1.2", "--format", "json").stdout
    )
    assert [r["value"] for r in rows] == ["1.1", "1.2"]
    inputs = {i["city"]: i["input_sha256"] for i in rows[0]["provenance"]["inputs"]}
    assert inputs["湘潭市"] == digest and len(inputs) == 9
