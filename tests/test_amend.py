"""Amending packs (`extends` + `changes`), `rules diff`, and thresholds dated by year."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ipscore import PackError, assess_paths, find_pack, load_pack
from ipscore.packs.diff import differences

from .conftest import ROOT, SCENARIOS

AMENDED = ROOT / "tests" / "amended-pack.yaml"


def test_an_amending_pack_is_its_base_with_the_changes():
    base, amended = find_pack("cnipa-2015-demo-city"), load_pack(AMENDED)
    assert amended.extends == "cnipa-2015-demo-city"
    assert [(a.change, a.target) for a in amended.amendments] == [
        ("set", "T4.R2"),
        ("add", "T4.R9"),
        ("drop", "T7.R6"),
        ("set", "bands.good"),
    ]
    assert amended.amendments[0].citation.text == "专利权质押融资金额增长10%以上"
    assert amended.content_hash != base.content_hash
    assert amended.scoring.grades[1].min_score == 80
    ids = [r.id for _, r in amended.requirements()]
    assert "T4.R9" in ids and "T7.R6" not in ids and len(ids) == len(base.requirements())
    # Both sources are declared: the base's citations and the amendment's.
    assert [s.file for s in amended.pack.sources] == ["003_4b9b504e9509dbe6.txt", "amendment.txt"]


def test_wuhan_under_the_amendment():
    (result,) = assess_paths([SCENARIOS / "wuhan-2015.yaml"], str(AMENDED))
    statuses = result.requirement_statuses()
    # 7799.9999 ≥ 6500 × 1.1 = 7150: met under the amendment (unmet under the 2015 pack's 1.2).
    assert statuses["T4.R2"] == "met"
    assert statuses["T4.R9"] == "missing"  # Wuhan's file has no pledge_firms
    assert "T7.R6" not in statuses
    t42 = next(r for t in result.tasks for r in t.requirements if r.id == "T4.R2")
    assert "× 1.1" in t42.expected and "1.2" not in t42.expected


def test_rules_diff_lists_every_difference():
    found = [
        (d.kind, d.what, d.target, d.parts)
        for d in differences(find_pack("cnipa-2015-demo-city"), load_pack(AMENDED))
    ]
    assert found == [
        ("added", "requirement", "T4.R9", ()),
        ("removed", "requirement", "T7.R6", ()),
        ("changed", "requirement", "T4.R2", ("check", "expected", "expected_en")),
        ("added", "field", "finance.pledge_firms", ()),
        ("changed", "grade", "good", ("min_score",)),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "rules", "diff", "cnipa-2015-demo-city", str(AMENDED)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert all(word in done.stdout for word in ("新增", "要求 T4.R9", "删除", "要求 T7.R6", "1.1"))
    shown = subprocess.run(
        [sys.executable, "-m", "ipscore", "rules", "show", str(AMENDED)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert "必需·已修订" in shown.stdout and "对 cnipa-2015-demo-city 的修订" in shown.stdout


def _amending(tmp_path: Path, text: str, name: str = "a.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEAD = """pack:
  id: x
  version: "1"
  title: 修订
  title_en: Amendment
  year: 2015
  sources: [{file: amendment.txt, title: 修订}]
"""


def _problems(path: Path) -> str:
    with pytest.raises(PackError) as caught:
        load_pack(path)
    return caught.value.render()


def test_bad_amending_packs(tmp_path):
    unknown = _amending(tmp_path, "extends: no-such-pack\n" + HEAD)
    assert "extends 的规则包 no-such-pack 不存在" in _problems(unknown)
    _amending(tmp_path, "extends: b.yaml\n" + HEAD, "a.yaml")
    cycle = _amending(tmp_path, "extends: a.yaml\n" + HEAD, "b.yaml")
    assert "extends 形成循环" in _problems(cycle)
    uncited = _amending(
        tmp_path,
        "extends: cnipa-2015-demo-city\n" + HEAD + "changes:\n  - {drop: T7.R6}\n",
        "c.yaml",
    )
    assert "每项修订都要引用修订文件原文（citation）" in _problems(uncited)
    cite = "citation: {source: amendment.txt, section: 一, text: 原文}"
    bad_param = _amending(
        tmp_path,
        "extends: cnipa-2015-demo-city\n"
        + HEAD
        + f"changes:\n  - {{set: T99.R1, value: 2, {cite}}}\n",
        "d.yaml",
    )
    assert "没有参数 T99.R1" in _problems(bad_param)
    undeclared = _amending(
        tmp_path,
        "extends: cnipa-2015-demo-city\n"
        + HEAD
        + "changes:\n  - {drop: T7.R6, citation: {source: other.txt, section: 一, text: 原文}}\n",
        "e.yaml",
    )
    assert "修订引用的来源文件 other.txt 未在 pack.sources 中声明" in _problems(undeclared)


def test_a_threshold_dated_by_year(tmp_path):
    text = (ROOT / "tests" / "years-pack.yaml").read_text(encoding="utf-8")
    old = "check: {field: org.meetings, gte: 1}"
    assert text.count(old) == 1
    # From 2010 two meetings a year are needed, before that one.
    path = tmp_path / "dated.yaml"
    path.write_text(
        text.replace(old, "check: {field: org.meetings, gte: {from: {2008: 1, 2010: 2}}}"),
        encoding="utf-8",
    )
    pack = load_pack(path)
    req = pack.requirement("Y.R2")
    from ipscore.decide.explain import describe

    assert describe(pack, req.check) == (
        "领导小组会议次数（2008年） ≥ 1次；且领导小组会议次数（2009年） ≥ 1次；"
        "且领导小组会议次数（2010年） ≥ 2次"
    )
    late = tmp_path / "late.yaml"
    late.write_text(
        text.replace(old, "check: {field: org.meetings, gte: {from: {2009: 1}}}"), encoding="utf-8"
    )
    assert "2008年没有适用的值：按年度变化的值最早从2009年起" in _problems(late)
