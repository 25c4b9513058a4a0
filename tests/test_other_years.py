"""Other years told truthfully, where reviewers look: a city that types last year's figure
below the archive's (5,000 against 7,019.9999万元) passes a growth target on it; the figure
used, where it came from and the archive's figure beside it show in the JSON, `archive add`,
the cohort table, report and score sheet. And one way to name another year's figure: the
Jiaxing 2009 targets read 2009's figures from history or the archive, the older `_2009`
names still read as the same facts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from openpyxl import load_workbook

from ipscore.decide.pipeline import assess
from ipscore.intake.files import read_all
from ipscore.store.archive import Archive
from ipscore.views.batch import archive as store

from .conftest import SCENARIOS, scenario_with
from .test_archive import run

PACK = "cnipa-2015-demo-city"
JIAXING = SCENARIOS / "jiaxing-2008-pilot-city" / "jiaxing-2010.yaml"


def _understated(tmp_path: Path) -> tuple[Path, Path]:
    """武汉市 2015 typing 2014's pledge financing as 5,000万元 (7,799.9999 ≥ 5,000 × 1.2: T4.R2
    met on it), and its 2014 file on record with 7,019.9999万元 (7,799.9999 < 7,019.9999 × 1.2
    = 8,423.99988: not met on the record's figure)."""
    this_year = scenario_with(
        tmp_path, "wuhan-2015.yaml", {"pledge_amount_prev: 6500": "pledge_amount_prev: 5000"}
    )
    text = (SCENARIOS / "earlier-years" / "wuhan-2014.yaml").read_text("utf-8")
    last_year = tmp_path / "wuhan-2014.yaml"
    last_year.write_text(text.replace("pledge_amount: 6000", "pledge_amount: 7019.9999"), "utf-8")
    return this_year, last_year


WARNING = "2014年专利权质押融资金额：填报5,000万元，存档7,019.9999万元"


def test_the_figure_used_and_the_archives_are_both_told(tmp_path):
    this_year, last_year = _understated(tmp_path)
    db = str(tmp_path / "a.sqlite")
    assert run("archive", "add", str(last_year), "--pack", PACK, db=db).returncode == 0
    added = run("archive", "add", str(this_year), str(SCENARIOS / "shenzhen-2015.yaml"), db=db)
    assert added.returncode == 0, added.stderr
    lines = added.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "武汉市 2015年度" in line)
    assert lines[at + 1] == f"  ! 往年数与记录不符：{WARNING}；评估用填报的数，请核对"
    assert not any("深圳市" in line and "!" in line for line in lines)

    found = json.loads(run("assess", str(this_year), "--format", "json", db=db).stdout)
    result = found if isinstance(found, dict) else found[0]
    used = result["other_years"]["finance.pledge_amount@2014"]
    assert (used["value"], used["from"], used["field"], used["differs"]) == (
        5000,
        "submission",
        "finance.pledge_amount_prev",
        True,
    )
    assert (used["recorded"]["value"], used["recorded"]["from"]) == (7019.9999, "archive")
    statuses = {r["id"]: r["status"] for t in result["tasks"] for r in t["requirements"]}
    assert statuses["T4.R2"] == "met"

    table = run("assess", str(this_year), str(SCENARIOS / "shenzhen-2015.yaml"), db=db).stdout
    assert "往年数与记录不符" in table and WARNING in table.replace("\n", "")

    report = tmp_path / "汇总.html"
    made = run(
        "report", str(this_year), str(SCENARIOS / "shenzhen-2015.yaml"), "-o", str(report), db=db
    )
    assert made.returncode == 0, made.stderr
    page = report.read_text("utf-8")
    assert "<th>往年数与记录不符</th>" in page and WARNING in page

    sheet = tmp_path / "成绩.xlsx"
    made = run(
        "assess",
        str(this_year),
        str(SCENARIOS / "shenzhen-2015.yaml"),
        "--format",
        "xlsx",
        "-o",
        str(sheet),
        db=db,
    )
    assert made.returncode == 0, made.stderr
    rows = [list(row) for row in load_workbook(sheet).active.values]
    head = next(row for row in rows if "往年数与记录不符" in row)
    wuhan = next(row for row in rows if "武汉市" in row)
    assert wuhan[head.index("往年数与记录不符")] == WARNING


def test_the_2009_targets_read_2009s_figures_from_history_or_the_archive(tmp_path):
    """附件6.1: 2009年 专利申请5500件、授权3300件以上. The shipped 嘉兴市 file gives 2009's
    5,800 and 3,200 in history (3,200 < 3,300: unmet); stored in the archive instead, as a
    2009 file of 5,800 and 3,400, they are read from there (met)."""
    ((pack, submission),) = read_all([JIAXING])
    result = assess(pack, submission)
    assert result.requirement_statuses()["J06.R1"] == "unmet"
    assert result.other_years["patents.grants@2009"] == {"value": 3200, "from": "history"}

    text = JIAXING.read_text("utf-8")
    without = text.replace(
        "    patents: {applications: 5800, grants: 3200, inventions: 1300}\n", ""
    )
    assert without != text
    later = tmp_path / "jiaxing-2010.yaml"
    later.write_text(without, "utf-8")
    earlier = tmp_path / "jiaxing-2009.yaml"
    earlier.write_text(
        "pack: jiaxing-2008-pilot-city\nyear: 2009\ncity: {name: 嘉兴市}\n"
        "facts:\n  patents: {applications: 5800, grants: 3400}\n",
        "utf-8",
    )
    archive = Archive(f"sqlite:///{tmp_path / 'a.sqlite'}")
    try:
        store(archive, [earlier], "2011-01-10T08:00:00Z", jobs=1)
        ((pack, submission),) = read_all([later])
        result = assess(pack, submission, archive)
    finally:
        archive.close()
    assert result.requirement_statuses()["J06.R1"] == "met"
    assert result.other_years["patents.grants@2009"]["from"] == "archive"


def test_the_older_2009_names_are_the_same_facts(tmp_path):
    """`applications_2009` and `grants_2009` still read: alone they are 2009's figures; beside
    a 2009 history that differs, the typed one is used and the difference reported."""
    text = JIAXING.read_text("utf-8")
    old_names = text.replace(
        "patents: {applications: 7100,",
        "patents: {applications_2009: 5800, grants_2009: 3300, applications: 7100,",
    )
    path = tmp_path / "jiaxing-2010.yaml"
    path.write_text(old_names, "utf-8")
    ((pack, submission),) = read_all([path])
    result = assess(pack, submission)
    assert result.requirement_statuses()["J06.R1"] == "met"  # the typed 3,300, not history's 3,200
    used = result.other_years["patents.grants@2009"]
    assert (used["value"], used["from"], used["recorded"]["value"], used["differs"]) == (
        3300,
        "submission",
        3200,
        True,
    )
    (warning,) = [w for w in result.warnings if w["id"] == "renamed:patents.grants_2009"]
    assert warning["message"] == (
        "2009年专利授权量填报3,300件，而2009年度history 中为3,200件；评估用填报的数，请核对"
    )
    alone = old_names.replace(
        "    patents: {applications: 5800, grants: 3200, inventions: 1300}\n", ""
    )
    path.write_text(alone, "utf-8")
    ((pack, submission),) = read_all([path])
    result = assess(pack, submission)
    assert result.requirement_statuses()["J06.R1"] == "met"
    assert result.other_years["patents.grants@2009"] == {
        "value": 3300,
        "from": "submission",
        "field": "patents.grants_2009",
    }
    assert not [w for w in result.warnings if w["id"].startswith("renamed:")]


def test_a_region_is_one_region_however_it_is_written(tmp_path):
    """North-east: 吉林 is stored as 吉林省 (so its years meet in the archive); a misspelt
    name is refused with the nearest one, naming the file, line and field."""
    folder = tmp_path / "northeast"
    shutil.copytree(SCENARIOS / "northeast-2017-opinions", folder)
    jilin = folder / "jilin-2017.yaml"
    text = jilin.read_text("utf-8")
    assert text.count("name: 吉林省") == 1
    jilin.write_text(text.replace("name: 吉林省", "name: 吉林"), "utf-8")
    ((_, submission),) = read_all([jilin])
    assert submission.city == "吉林省"
    jilin.write_text(text.replace("name: 吉林省", "name: 吉林生"), "utf-8")
    refused = run("assess", str(jilin), db=str(tmp_path / "a.sqlite"))
    assert refused.returncode == 2
    line = next(n for n, x in enumerate(text.splitlines(), start=1) if "name: 吉林省" in x)
    assert (
        f"jilin-2017.yaml，第{line}行，字段 city.name：不是本规则包认识的省（区）或地区：吉林生"
        in (refused.stderr)
    )
    assert "是否想写 吉林？" in refused.stderr and "Traceback" not in refused.stderr


def test_a_terminal_table_is_not_written_as_a_workbook(tmp_path):
    sheet = tmp_path / "成绩.xlsx"
    refused = run(
        "assess",
        str(SCENARIOS / "wuhan-2015.yaml"),
        "-o",
        str(sheet),
        db=str(tmp_path / "a.sqlite"),
    )
    assert refused.returncode == 2 and "--format" in refused.stderr
    assert not sheet.exists()
