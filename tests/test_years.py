"""Other years in packs and submissions: `year:` references, each_year / any_year, deadlines as
dates, a submission's `history`. Expected verdicts are worked out by hand from years-pack.yaml."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from ipscore import InputError, PackError, evaluate, load_pack
from ipscore.decide.engine import fact
from ipscore.intake.files import read_one
from ipscore.intake.submission import parse_submission
from ipscore.store.archive import Archive
from ipscore.views import batch

from .conftest import ROOT, SCENARIOS, scenario_with

PACK = load_pack(ROOT / "tests" / "years-pack.yaml")

# 2008: fund 200, 3 meetings; 2009: 250, 1; 2010: 300, 2; group set up on 2008-08-01.
BASE: dict[str, Any] = {
    "pack": "years",
    "year": 2010,
    "city": {"name": "甲市"},
    "facts": {"finance": {"fund": 300}, "org": {"meetings": 2, "set_up_on": "2008-08-01"}},
    "history": {
        "2009": {"finance": {"fund": 250}, "org": {"meetings": 1}},
        "2008": {"finance": {"fund": 200}, "org": {"meetings": 3}},
    },
}


def _assess(change: dict[str, Any] | None = None, drop: tuple[str, ...] = ()):
    data = copy.deepcopy(BASE)
    for path, value in (change or {}).items():
        *parents, last = path.split("/")
        holder = data
        for part in parents:
            holder = holder.setdefault(part, {})
        holder[last] = value
    for path in drop:
        *parents, last = path.split("/")
        holder = data
        for part in parents:
            holder = holder[part]
        del holder[last]
    submission = parse_submission(data, PACK, "甲市.yaml", {})
    return submission, evaluate(PACK, submission)


def test_every_year_met_gives_full_marks():
    submission, result = _assess()
    assert result.assessment.requirement_statuses() == dict.fromkeys(
        ["Y.R1", "Y.R2", "Y.R3", "Y.R4", "Y.R5"], "met"
    )
    # 300 ≥ 200 × 1.5 exactly: the boundary is met.
    assert (float(result.assessment.score), result.assessment.grade) == (100.0, "good")
    # Each year's figure is a key of its own in the one fact the engine sees.
    seen = fact(PACK, submission)
    assert (seen["finance__fund"], seen["finance__fund__y2009"], seen["finance__fund__y2008"]) == (
        3000,
        2500,
        2000,
    )


def test_a_cut_in_any_year_breaks_an_every_year_duty():
    _, result = _assess({"history/2009/finance/fund": 190})
    statuses = result.assessment.requirement_statuses()
    assert statuses["Y.R1"] == "unmet"  # 190 > 200 is false in 2009
    req = next(r for t in result.assessment.tasks for r in t.requirements if r.id == "Y.R1")
    assert req.inputs == {
        "finance.fund@2009": 190,
        "finance.fund@2008": 200,
        "finance.fund": 300,
    }
    assert "专项资金（2009年） > 专项资金（2008年）" in req.expected


def test_a_year_absent_from_the_history_is_missing_not_met():
    _, result = _assess(drop=("history/2009",))
    statuses = result.assessment.requirement_statuses()
    # Y.R1 needs 2009 twice; Y.R2 needs 2009's meetings: unknown, so missing.
    assert (statuses["Y.R1"], statuses["Y.R2"]) == ("missing", "missing")
    # Y.R3: 2008's three meetings decide it whatever 2009 was (Kleene OR).
    assert statuses["Y.R3"] == "met"
    assert result.assessment.missing == ("finance.fund@2009", "org.meetings@2009")


def test_one_failing_year_decides_an_every_year_duty_even_with_a_year_missing():
    _, result = _assess({"history/2008/org/meetings": 0}, drop=("history/2009",))
    assert result.assessment.requirement_statuses()["Y.R2"] == "unmet"  # Kleene AND


def test_any_year_needs_one_year():
    _, result = _assess({"history/2008/org/meetings": 2})
    assert result.assessment.requirement_statuses()["Y.R3"] == "unmet"  # 2, 1, 2: none ≥ 3


def test_a_deadline_is_a_date():
    _, result = _assess({"facts/org/set_up_on": "2010-03-01"})
    assert result.assessment.requirement_statuses()["Y.R5"] == "unmet"
    _, result = _assess({"facts/org/set_up_on": "2008-09-30"})
    assert result.assessment.requirement_statuses()["Y.R5"] == "met"


def test_an_absolute_year_reference_is_exact():
    _, result = _assess({"facts/finance/fund": 299.9})
    req = next(r for t in result.assessment.tasks for r in t.requirements if r.id == "Y.R4")
    # (299.9 / 200 − 1) × 100 = 49.95, shown rounded down; 300 − 299.9 = 0.1万元 = 1000元 short.
    assert (req.status, req.gap) == ("unmet", "增长49.9%，要求≥50%，还差1,000元")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "city.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_one(path, str(ROOT / "tests" / "years-pack.yaml"))
    return [p.render().replace(f"{path.parent}/", "") for p in caught.value.problems]


def test_bad_history_is_reported_with_lines(tmp_path):
    path = _write(
        tmp_path,
        """pack: years
year: 2010
city: {name: 甲市}
facts: {finance: {fund: 300}}
history:
  去年: {finance: {fund: 1}}
  2010: {finance: {fund: 1}}
  2009:
    finance: {fundd: 250}
    org: {meetings: 三次, course_on: 2010-05-01}
""",
    )
    assert _problems(path) == [
        "city.yaml，第6行，字段 history：history 的键应为年份（如 2009），实际为“去年”",
        "city.yaml，第7行，字段 history：本年度（2010）的数据写在 facts 中，不写在 history 中",
        "city.yaml，第9行，字段 finance.fundd@2009：未知字段，是否想写 fund？",
        "city.yaml，第10行，字段 org.meetings@2009：应为不小于0的整数（次），实际为文本“三次”",
        "city.yaml，第10行，字段 org.course_on@2009：应为2009年内的日期，实际为 2010-05-01",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("year: 2008, times", "year: 2006, times"),
            "读取了2006年的 finance.fund，超出规则包的期间 2008..2010",
        ),
        (("each_year: 2009..2010", "each_year: 2007..2010"), "超出规则包的期间 2008..2010"),
        (("year: -1}", "year: 去年}"), "year 应为相对年数（如 -1 表示上一年）或年份（如 2014）"),
        (
            ("period: 2008..2010", "period: 2008..2009"),
            "期间 2008..2009 应包含规则包评估的年度 2010",
        ),
    ],
)
def test_bad_year_references_in_a_pack(tmp_path, change, message):
    text = (ROOT / "tests" / "years-pack.yaml").read_text(encoding="utf-8")
    assert change[0] in text
    path = tmp_path / "pack.yaml"
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(path)
    assert any(message in p.render() for p in caught.value.problems), caught.value.render()


YEARS_PACK = str(ROOT / "tests" / "years-pack.yaml")


def _archive_with(tmp_path: Path, year: int, facts: str) -> Archive:
    path = tmp_path / f"甲市-{year}.yaml"
    path.write_text(
        f"pack: years\nyear: {year}\ncity: {{name: 甲市}}\nfacts: {facts}\n", encoding="utf-8"
    )
    archive = Archive(f"sqlite:///{tmp_path / 'archive.sqlite'}")
    batch.archive(archive, [path], "2011-01-10T08:00:00Z", pack=YEARS_PACK)
    return archive


def test_a_year_not_in_the_history_comes_from_the_archive(tmp_path):
    archive = _archive_with(tmp_path, 2009, "{finance: {fund: 250}, org: {meetings: 1}}")
    try:
        data = copy.deepcopy(BASE)
        del data["history"]["2009"]
        submission = parse_submission(data, PACK, "甲市.yaml", {})
        result = evaluate(PACK, submission, archive).assessment
    finally:
        archive.close()
    assert result.requirement_statuses()["Y.R1"] == "met"  # 250 > 200 and 300 > 250
    assert result.other_years["finance.fund@2009"]["from"] == "archive"
    assert result.other_years["finance.fund@2009"]["value"] == 250
    assert result.other_years["finance.fund@2009"]["file"].endswith("甲市-2009.yaml")
    assert result.other_years["finance.fund@2008"] == {"value": 200, "from": "history"}


def test_the_submissions_own_history_comes_before_the_archive(tmp_path):
    archive = _archive_with(tmp_path, 2009, "{finance: {fund: 100}, org: {meetings: 1}}")
    try:
        submission = parse_submission(copy.deepcopy(BASE), PACK, "甲市.yaml", {})
        result = evaluate(PACK, submission, archive).assessment
    finally:
        archive.close()
    # History says 250 for 2009 (the archive's 100 would make 2010's 300 a rise, but 2009's
    # 100 a cut from 2008's 200): the history is used, so every year rose.
    assert result.requirement_statuses()["Y.R1"] == "met"
    assert result.other_years["finance.fund@2009"] == {"value": 250, "from": "history"}


def _wuhan_and_its_2014(tmp_path: Path, pledge: str) -> tuple[str, Path]:
    """Wuhan's 2015 file, and its figures filed again as 2014's with another pledge amount (an
    example, not filed data)."""
    wuhan = (SCENARIOS / "wuhan-2015.yaml").read_text(encoding="utf-8")
    changes = {"year: 2015": "year: 2014", "pledge_amount: 7799.9999": f"pledge_amount: {pledge}"}
    return wuhan, scenario_with(tmp_path, "wuhan-2015.yaml", changes, to="武汉-2014.yaml")


def test_last_years_figure_on_record_fills_and_checks_the_prev_fields(tmp_path):
    wuhan, last_year = _wuhan_and_its_2014(tmp_path, "6000")
    db = f"sqlite:///{tmp_path / 'archive.sqlite'}"
    archive = Archive(db)
    try:
        batch.archive(archive, [last_year], "2015-01-10T08:00:00Z")
        pack, typed = read_one(ROOT / "scenarios" / "wuhan-2015.yaml")
        result = evaluate(pack, typed, archive).assessment
        # The typed 2014 figure (6500) is used, and the difference is reported.
        warning = next(w for w in result.warnings if w["id"] == "prev:finance.pledge_amount_prev")
        assert warning["message"] == (
            "2014年专利权质押融资金额填报6,500万元，而2014年度存档为6,000万元；评估用填报的数，请核对"
        )
        assert result.requirement_statuses()["T4.R2"] == "unmet"  # 7799.9999 < 6500 × 1.2
        # Left blank, last year's figure comes from the archive: 7799.9999 ≥ 6000 × 1.2 = 7200.
        blank = tmp_path / "wuhan-2015.yaml"
        assert wuhan.count(", pledge_amount_prev: 6500") == 1
        blank.write_text(wuhan.replace(", pledge_amount_prev: 6500", ""), encoding="utf-8")
        pack, submission = read_one(blank)
        result = evaluate(pack, submission, archive).assessment
    finally:
        archive.close()
    assert result.requirement_statuses()["T4.R2"] == "met"
    used = result.other_years["finance.pledge_amount_prev"]
    assert (used["from"], used["value"], used["as"]) == (
        "archive",
        6000,
        "finance.pledge_amount@2014",
    )
    assert "prev:finance.pledge_amount_prev" not in {w["id"] for w in result.warnings}


def test_reports_say_where_other_years_came_from(tmp_path):
    import os
    import subprocess
    import sys

    last_year = scenario_with(
        tmp_path, "wuhan-2015.yaml", {"year: 2015": "year: 2014"}, to="武汉-2014.yaml"
    )
    env = {**os.environ, "IPSCORE_DB": str(tmp_path / "archive.sqlite")}

    def ipscore(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ipscore", *args], capture_output=True, text=True, env=env
        )

    assert ipscore("archive", "add", str(last_year)).returncode == 0
    out = tmp_path / "武汉.md"
    done = ipscore("report", str(ROOT / "scenarios" / "wuhan-2015.yaml"), "-o", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "## 往年数据及来源" in text
    # The city typed 6,500 as last year's figure; the archive holds 7,799.9999 for 2014. The
    # figure used is the typed one, and the row says so, with the archive's beside it.
    # Each figure by its name in the pack, never by its key (finance.pledge_amount@2014).
    row = "| 2014年专利权质押融资金额 | 6,500万元 | 本提交文件填报；存档 #1（"
    assert row in text and "finance." not in text
    assert "存档）为7,799.9999万元。两者不一致：评估用填报的数，请核对 |" in text
    # 2014's cases handled agree with the archive (300 both): no warning on that row.
    agreeing = next(line for line in text.splitlines() if line.startswith("| 2014年执法办案数 |"))
    assert "为300件 |" in agreeing and "不一致" not in agreeing


def test_what_if_and_plan_read_other_years_from_the_archive(tmp_path):
    from ipscore.intake.files import Variant
    from ipscore.questions.plan import least_work
    from ipscore.questions.whatif import whatif

    wuhan, last_year = _wuhan_and_its_2014(tmp_path, "6000")
    blank = tmp_path / "wuhan-2015.yaml"
    blank.write_text(wuhan.replace(", pledge_amount_prev: 6500", ""), encoding="utf-8")
    archive = Archive(f"sqlite:///{tmp_path / 'archive.sqlite'}")
    try:
        batch.archive(archive, [last_year], "2015-01-10T08:00:00Z")
        # Without the archive 2014's pledge amount is unknown: T4.R2 missing, 不合格.
        alone = whatif(blank, Variant("x"))
        assert alone.baseline.requirement_statuses()["T4.R2"] == "missing"
        # With it, 7799.9999 ≥ 6000 × 1.2 = 7200: T4 complete, 98.6 优秀 as in the plan's terms.
        known = whatif(blank, Variant("x"), other_years=archive)
        assert (float(known.baseline.score), known.baseline.grade) == (98.6, "excellent")
        assert known.baseline.other_years["finance.pledge_amount_prev"]["from"] == "archive"
        pack, submission = read_one(blank)
        plan = least_work(pack, submission, "excellent", archive)
        assert plan.reachable and plan.actions == ()
    finally:
        archive.close()


def test_reading_other_years_never_creates_an_archive(tmp_path):
    import os
    import subprocess
    import sys

    missing = tmp_path / "no-archive.sqlite"
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "assess", str(ROOT / "scenarios" / "wuhan-2015.yaml")],
        capture_output=True,
        text=True,
        env={**os.environ, "IPSCORE_DB": str(missing)},
    )
    assert done.returncode == 0, done.stderr
    assert not missing.exists()
