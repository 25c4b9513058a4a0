"""The scripted season (scenarios/season-2015/demo/run-season.sh): six cities of 湖北省 and 广东省
run from the season file to the published list by the accounts of users.yaml, each step at the
date the script gives it. What the record says afterwards is checked here by hand: who did what
when, on which version, what was refused and why, and what the list holds."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ipscore.cli import cli

from .conftest import ROOT

SCRIPT = ROOT / "scenarios" / "season-2015" / "demo" / "run-season.sh"
USERS = ROOT / "scenarios" / "season-2015" / "demo" / "users.yaml"


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The archive the script leaves, and what it printed. (35 s: forty-odd commands, each a
    process, as a clerk would run them.)"""
    db = tmp_path_factory.mktemp("season") / "季.sqlite"
    bin_dir = str(Path(sys.executable).parent)
    done = subprocess.run(
        ["bash", str(SCRIPT), str(db)],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"]},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return db, done.stdout + done.stderr


def _run(db: Path, *args: str, user: str = "国家局") -> Any:
    found = CliRunner().invoke(cli, [*args, "--db", str(db), "--users", str(USERS), "--user", user])
    assert found.exit_code == 0, found.output
    return found


def _log(db: Path, city: str) -> list[dict[str, Any]]:
    out = _run(db, "season", "log", city, "--year", "2015", "--format", "json").stdout
    return list(json.loads(out))


def test_every_city_ends_where_the_script_leaves_it(season: tuple[Path, str]):
    db, _ = season
    out = _run(db, "season", "status", "2015", "--format", "json").stdout
    cities = {c["city"]: c for c in json.loads(out)["cities"]}
    assert {c: v["stage"] for c, v in cities.items()} == {
        "武汉市": "final",
        "宜昌市": "final",
        "襄阳市": "final",
        "佛山市": "final",
        "东莞市": "final",
        "深圳市": "national",  # an objection upheld sent it back to the review
    }
    # 深圳市 waits on the national office, whose deadline (2016-05-31) passed on 06-08.
    assert cities["深圳市"]["waiting_on"] == "国家局"
    assert cities["深圳市"]["deadline"] == "2016-05-31" and cities["深圳市"]["overdue"]
    # 佛山市 submitted on 04-05, after the 03-31 deadline: flagged, not refused; the objection
    # to it came after the notice and was refused, flagged as late too.
    assert cities["佛山市"]["late_steps"] == ["自评提交", "异议不予受理"]


def test_a_city_sent_back_corrects_and_resubmits_a_new_version(season: tuple[Path, str]):
    db, _ = season
    events = _log(db, "武汉市")
    assert [e["action"] for e in events] == [
        "submit", "return", "submit", "recommend", "review", "final",
    ]  # fmt: skip
    first, back, again = events[:3]
    assert back["by"] == "湖北省局" and back["role"] == "province"
    assert back["at"] == "2016-04-08T07:00:00Z"  # 15:00 in Beijing
    assert set(back["details"]["reasons"]) == {
        "finance.pledge_amount",
        "navigation.pilot_zone_tasks_done",
    }
    # The resubmission acts on the corrected version, not the one sent back.
    assert back["submission_id"] == first["submission_id"]
    assert again["submission_id"] != first["submission_id"]
    # Resubmitted on 04-12: late against 03-31, but a file sent back is due by the province's
    # deadline (04-29), so it is on time.
    assert not again["late"] and again["details"]["deadline"] == "2016-04-29"
    shown = _run(db, "archive", "show", "武汉市", "2015", "--format", "json").stdout
    stored = json.loads(shown)
    assert stored["version"] == 2 and stored["result"]["grade"] == "excellent"


def test_the_locked_file_and_the_other_province_are_refused_in_words(season: tuple[Path, str]):
    _, said = season
    assert "湖北省的用户不能查看广东省的城市（深圳市）" in said
    assert "武汉市2015年度的材料已提交，现处于“省局初审”阶段，已锁定" in said


def test_an_anonymous_and_a_late_objection_are_refused_with_the_rule_and_kept(
    season: tuple[Path, str],
):
    db, said = season
    rule = "匿名或超期异议不予受理"
    assert "深圳市的异议不予受理：匿名异议（未署名）。依据：" in said and rule in said
    assert "佛山市的异议不予受理：超期异议（2016-06-12收到，公示期至2016-06-07）" in said
    refused = [e for e in _log(db, "深圳市") if e["action"] == "object_refused"]
    assert len(refused) == 1 and refused[0]["details"]["objector"]["name"] is None
    late = [e for e in _log(db, "佛山市") if e["action"] == "object_refused"]
    assert late[0]["late"] and late[0]["details"]["rule"].endswith(rule + "。")
    # The notice: five working days from Wednesday 2016-06-01 are 06-01, 02, 03, 06 and 07.
    review = next(e for e in _log(db, "佛山市") if e["action"] == "review")
    assert review["details"]["notice_start"] == "2016-06-01"
    assert review["details"]["notice_end"] == "2016-06-07"


def test_the_published_list_holds_final_results_and_says_the_quota_cut(
    season: tuple[Path, str],
):
    db, _ = season
    listed = db.with_name("季-公布名单.md").read_text(encoding="utf-8")
    assert "深圳市" in listed  # named only as not yet final
    assert "尚未定稿的1个（深圳市）未列入" in listed
    out = db.with_name("list.json")
    _run(db, "publish", "--year", "2015", "-o", str(out), "--no-timestamp")
    found = json.loads(out.read_text(encoding="utf-8"))
    grades = {c["city"]: c["grade"] for t in found["tiers"] for c in t["cities"]}
    # 宜昌市 and 襄阳市 both 100.0 in 地级: one 优秀 per tier, the earlier submission (03-20
    # before 03-25) keeps it; 襄阳市 goes one grade down.
    assert grades == {
        "武汉市": "excellent",
        "宜昌市": "excellent",
        "襄阳市": "good",
        "东莞市": "good",
        "佛山市": "fail",
    }
    cut = {c["city"]: c["cut_by"] for t in found["tiers"] for c in t["cities"]}
    assert cut["襄阳市"] == ["one-excellent-per-tier"] and cut["宜昌市"] == []
    # 湖北省局's list: its three cities, ranked as in the whole list, and no word of 深圳市.
    mine = db.with_name("hubei.md")
    _run(db, "publish", "--year", "2015", "-o", str(mine), "--no-timestamp", user="湖北省局")
    listed = mine.read_text(encoding="utf-8")
    assert "宜昌市" in listed and "深圳市" not in listed and "东莞市" not in listed
    # Its claims counted over its own cities: 武汉市 45, 宜昌市 44 and 襄阳市 44 verified.
    assert "已核实 133 条" in listed
    # Its claims counted over its own cities: 宜昌市 44, 襄阳市 44 and 武汉市 45 verified.
    assert "已核实 133 条" in listed
    # 广东省局's: no 湖北省 city, not even in the quota's section (its cuts were 湖北省's).
    theirs = db.with_name("guangdong.md")
    _run(db, "publish", "--year", "2015", "-o", str(theirs), "--no-timestamp", user="广东省局")
    listed = theirs.read_text(encoding="utf-8")
    assert "东莞市" in listed
    assert not any(c in listed for c in ("武汉市", "宜昌市", "襄阳市"))


def test_a_province_sees_its_own_cities_waiting_on_it(season: tuple[Path, str]):
    db, _ = season
    out = _run(db, "season", "status", "2015", "--format", "csv", user="广东省局").stdout
    assert "深圳市" in out and "武汉市" not in out
    xlsx = db.with_name("进度.xlsx")
    _run(db, "season", "status", "2015", "--format", "xlsx", "-o", str(xlsx), user="湖北省局")
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    assert sheet is not None
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert "示例数据，非官方安排：仅用于演示和测试" in cells
    assert {"武汉市", "宜昌市", "襄阳市"} <= set(cells) and "深圳市" not in cells


def test_a_final_result_does_not_change_as_others_stop_being_final(
    season: tuple[Path, str], tmp_path: Path
):
    db = tmp_path / "copy.sqlite"
    shutil.copy(season[0], db)
    # 宜昌市 sent back to the review: it leaves the list, but the quota's cut is still made over
    # every city's result, so 襄阳市 (final) stays 良好, not 优秀.
    _run(
        db, "season", "return", "宜昌市", "--year", "2015", "--to", "national", "--reason", "*=复查"
    )
    out = tmp_path / "list.json"
    _run(db, "publish", "--year", "2015", "-o", str(out), "--no-timestamp")
    found = json.loads(out.read_text(encoding="utf-8"))
    grades = {c["city"]: c["grade"] for t in found["tiers"] for c in t["cities"]}
    assert "宜昌市" not in grades and grades["襄阳市"] == "good"
    assert "宜昌市" not in json.dumps(found.get("quotas"), ensure_ascii=False)


def test_a_file_under_review_is_not_replaced_by_an_import(season: tuple[Path, str], tmp_path: Path):
    other = tmp_path / "other.sqlite"
    corrected = ROOT / "scenarios" / "season-2015" / "corrected" / "wuhan-2015.yaml"
    dump = tmp_path / "x.jsonl"
    _run(other, "archive", "add", str(corrected))
    _run(other, "archive", "export", "-o", str(dump))
    db = tmp_path / "copy.sqlite"
    shutil.copy(season[0], db)
    _run(db, "season", "return", "深圳市", "--year", "2015", "--reason", "*=补材料")
    done = CliRunner().invoke(
        cli,
        [
            "archive",
            "import",
            str(dump),
            "--db",
            str(db),
            "--users",
            str(USERS),
            "--user",
            "国家局",
        ],
    )
    assert done.exit_code == 2
    assert "武汉市2015年度的材料已提交，现处于“定稿”阶段，已锁定" in done.stderr


def test_an_export_carries_the_season_and_an_import_restores_it(
    season: tuple[Path, str], tmp_path: Path
):
    db, _ = season
    dump = tmp_path / "all.jsonl"
    _run(db, "archive", "export", "-o", str(dump))
    lines = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    kinds = [next(iter(line)) for line in lines if len(line) == 1]
    assert kinds.count("season_file") == 1
    assert kinds.count("season_event") == len(_log(db, "武汉市")) + sum(
        len(_log(db, c)) for c in ("宜昌市", "襄阳市", "深圳市", "佛山市", "东莞市")
    )
    restored = tmp_path / "restored.sqlite"
    _run(restored, "archive", "import", str(dump))

    def stages(at: Path) -> list[dict[str, Any]]:
        out = _run(at, "season", "status", "2015", "--format", "json", "--no-timestamp").stdout
        return [{k: v for k, v in c.items() if k != "version"} for c in json.loads(out)["cities"]]

    assert stages(restored) == stages(db)
    assert _log(restored, "武汉市") == [
        {**e, "id": mine["id"], "submission_id": mine["submission_id"]}
        for e, mine in zip(_log(db, "武汉市"), _log(restored, "武汉市"), strict=True)
    ]
    # Imported again, nothing is stored twice.
    assert "导入 0 条" in _run(restored, "archive", "import", str(dump)).stdout
    for at, name in ((db, "a.json"), (restored, "b.json")):
        _run(at, "publish", "--year", "2015", "-o", str(tmp_path / name), "--no-timestamp")
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()


def test_a_damaged_season_line_is_named_and_nothing_is_imported(
    season: tuple[Path, str], tmp_path: Path
):
    db, _ = season
    dump = tmp_path / "all.jsonl"
    _run(db, "archive", "export", "-o", str(dump))
    lines = dump.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith('{"season_event"'))
    event = json.loads(lines[n])
    event["season_event"]["late"] = "也许"
    lines[n] = json.dumps(event, ensure_ascii=False)
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fresh = tmp_path / "fresh.sqlite"
    as_nation = ["--db", str(fresh), "--users", str(USERS), "--user", "国家局"]
    done = CliRunner().invoke(cli, ["archive", "import", str(dump), *as_nation])
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert f"第{n + 1}行，字段 season_event.late" in done.stderr
    listed = _run(fresh, "archive", "list", "--format", "json").stdout
    assert json.loads(listed)["submissions"] == []
