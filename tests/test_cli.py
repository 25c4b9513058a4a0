"""The command line as a user meets it: outputs, exit codes, help, and no traceback."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from ipscore import find_pack
from ipscore.cli import cli

from .conftest import ROOT, SCENARIOS
from .test_golden import NOT_ASSESSED

XIANGTAN = str(SCENARIOS / "xiangtan-2015.yaml")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args], capture_output=True, text=True, cwd=ROOT
    )


def invoke(*args: str):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_assess_directory_prints_every_grade():
    out = invoke("assess", str(SCENARIOS))
    for city, grade in [
        ("苏州市", "优秀"),
        ("湘潭市", "良好"),
        ("深圳市", "合格"),
        ("武汉市", "不合格"),
    ]:
        line = next(row for row in out.splitlines() if city in row)
        assert grade in line


def test_assess_one_file_shows_requirements_gaps_and_todo():
    out = invoke("assess", XIANGTAN)
    assert "88.0" in out and "良好" in out
    assert "T7.R2" in out and "还差1人" in out
    assert "待办事项" in out and "培养知识产权运营专业人才并建立名册" in out


def test_json_is_one_object_for_one_file_and_a_list_for_several():
    one = json.loads(invoke("assess", XIANGTAN, "--format", "json"))
    assert one["city"] == "湘潭市" and one["score"] == 88.0 and one["grade"] == "good"
    assert one["grade_label"] == "良好" and one["mandatory_complete"] is True
    first = one["tasks"][0]
    assert set(first) >= {"id", "mandatory", "status", "fraction", "requirements"}
    req = first["requirements"][0]
    assert set(req) >= {"id", "kind", "status", "inputs", "expected", "citation"}
    assert req["citation"] == {
        "source": "003_4b9b504e9509dbe6.txt",
        "section": "三(一)2",
        "text": "各示范城市应将知识产权工作纳入城市国民经济和社会发展“十三五”规划的重要内容",
    }
    assert req["inputs"] == {"plan.in_city_fyp": True}
    many = json.loads(invoke("assess", str(SCENARIOS), "--format", "json"))
    assert isinstance(many, list) and len(many) == 9


def test_csv_has_one_row_per_city_with_rank():
    # In the reader's language: Chinese headings and words by default.
    rows = list(csv.DictReader(io.StringIO(invoke("assess", str(SCENARIOS), "--format", "csv"))))
    assert len(rows) == 9
    suzhou = next(r for r in rows if r["城市"] == "苏州市")
    assert suzhou["得分"] == "100.0" and suzhou["层级内名次"] == "1"
    assert (suzhou["层级"], suzhou["等级"], suzhou["必做任务全部完成"]) == ("地级", "优秀", "是")
    assert (suzhou["T4.R4"], suzhou["T4"]) == ("不适用", "完成")
    # Grade first, then score (issue 28): 佛山 and 郑州, 95.6 不合格 each, share rank 3 of
    # 地级 below 湘潭's 88.0 良好, and the next column says they share it.
    ranks = {r["城市"]: (r["层级内名次"], r["名次并列"]) for r in rows if r["层级"] == "地级"}
    assert ranks == {
        "苏州市": ("1", "否"),
        "湘潭市": ("2", "否"),
        "佛山市": ("3", "是"),
        "郑州市": ("3", "是"),
    }
    heads = next(csv.reader(io.StringIO(invoke("assess", str(SCENARIOS), "--format", "csv"))))
    assert heads[heads.index("层级内名次") + 1] == "名次并列"
    # --lang en keeps the codes other tools read.
    out = invoke("--lang", "en", "assess", str(SCENARIOS), "--format", "csv")
    suzhou = next(r for r in csv.DictReader(io.StringIO(out)) if r["city"] == "苏州市")
    assert suzhou["score"] == "100.0" and suzhou["rank_in_tier"] == "1"
    assert (suzhou["T4.R4"], suzhou["mandatory_complete"]) == ("not_applicable", "True")
    assert suzhou["rank_tied"] == "False"


def test_output_file_is_written_whole_and_inputs_untouched(tmp_path):
    before = hashlib.sha256((SCENARIOS / "xiangtan-2015.yaml").read_bytes()).hexdigest()
    out = tmp_path / "result.json"
    invoke("assess", XIANGTAN, "--format", "json", "-o", str(out))
    assert json.loads(out.read_text(encoding="utf-8"))["city"] == "湘潭市"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]
    after = hashlib.sha256((SCENARIOS / "xiangtan-2015.yaml").read_bytes()).hexdigest()
    assert before == after


def test_bad_input_writes_no_output(tmp_path):
    out = tmp_path / "scores.csv"
    done = run("assess", XIANGTAN, "tests/bad_inputs/negative_count.yaml", "-f", "csv")
    assert done.returncode == 2
    done = run(
        "assess",
        str(ROOT / "tests/bad_inputs/negative_count.yaml"),
        "--format",
        "csv",
        "-o",
        str(out),
    )
    assert done.returncode == 2 and not out.exists()


def test_missing_output_directory_is_a_clear_error(tmp_path):
    done = run("assess", XIANGTAN, "-o", str(tmp_path / "nowhere" / "x.json"), "--format", "json")
    assert done.returncode == 2
    assert "输出目录不存在" in done.stderr and "Traceback" not in done.stderr


def test_validate_lists_missing_fields():
    out = invoke("validate", str(SCENARIOS / "chaoyang-2015.json"))
    assert "北京市朝阳区" in out and "quality.patent_award" in out


def test_rules_list_show_check():
    assert "cnipa-2015-demo-city" in invoke("rules", "list")
    shown = invoke("rules", "show", "cnipa-2015-demo-city")
    assert "T4.R2" in shown and "增长20%以上" in shown
    data = json.loads(invoke("rules", "show", "cnipa-2015-demo-city", "--format", "json"))
    assert len(data) == 49
    assert "检查通过" in invoke("rules", "check", str(ROOT / "rules/cnipa-2015-demo-city.yaml"))


def test_english_output():
    out = invoke("--lang", "en", "assess", XIANGTAN)
    assert "Good" in out and "still to do" in out
    done = run("--lang", "en", "validate", "tests/bad_inputs/negative_count.yaml")
    assert done.returncode == 2
    assert "line 6, field enforcement.city_staff: expected a whole number" in done.stderr


def test_unknown_pack_id_exit_2():
    done = run("assess", XIANGTAN, "--pack", "nope")
    assert done.returncode == 2 and "没有编号为 nope 的规则包" in done.stderr


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [p for p, _ in _commands(cli)], ids=" ".join)
def test_every_command_has_help_with_examples(path):
    out = invoke(*path, "--help")
    command = dict(_commands(cli))[path]
    assert command.help, path
    if not hasattr(command, "commands") and path[-1] not in ("list",):
        assert "例" in out, path


def test_pack_test_command_reports_coverage_and_fails_below_it(tmp_path):
    done = run("test")
    assert done.returncode == 0, done.stdout
    assert "cnipa-2015-demo-city：90 个用例通过，0 个失败，要求和结论的覆盖率 100.0%" in done.stdout
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "pack: cnipa-2015-demo-city\n"
        "base: {city: {name: 甲市, level: prefecture, batch: 1, counties: 0}, facts: {}}\n"
        "cases:\n  - {name: wrong, set: {enforcement.city_staff: 2}, expect: {T2.R1: met}}\n",
        encoding="utf-8",
    )
    done = run("test", str(cases))
    assert done.returncode == 1
    assert "wrong：T2.R1" in done.stdout and "没有用例得到 met" in done.stdout


PACK_SCENARIOS = sorted(
    p
    for p in SCENARIOS.glob("*/*.yaml")
    if p.parent.name not in NOT_ASSESSED and not p.name.endswith((".season.yaml", ".whatif.yaml"))
)


@pytest.mark.parametrize("path", PACK_SCENARIOS, ids=lambda p: p.stem)
def test_every_pack_works_with_every_command(path, tmp_path):
    """No command has code special to a pack: each runs on each pack's scenarios."""
    pack_id = YAML(typ="safe").load(path.read_text(encoding="utf-8"))["pack"]
    invoke("template", "--pack", pack_id, "-o", str(tmp_path / "form.xlsx"))
    invoke("validate", str(path))
    invoke("assess", str(path), "--format", "json")
    invoke("report", str(path), "-o", str(tmp_path / "r.html"))
    first_task = json.loads(invoke("assess", str(path), "--format", "json"))["tasks"][0]["id"]
    invoke("whatif", str(path), "--drop", first_task, "--format", "json")
    # The lowest grade above the last (合格; an index pack's 数据可用) is always reachable; a
    # sheet with one grade (南江's 已评分) has none above it.
    grades = find_pack(pack_id).scoring.grades
    if len(grades) > 1:
        plan = json.loads(
            invoke("plan", str(path), "--target", grades[-2].code, "--format", "json")
        )
        assert plan["reachable"] is True


def test_mixed_packs_and_years_are_ranked_apart(tmp_path):
    """Issue 11: a directory with 2015 and Jiaxing submissions was ranked in one table with no
    pack or year column."""
    import shutil

    from ipscore import assess_paths
    from ipscore.decide.scoring import ranking

    for path in (
        SCENARIOS / "wuhan-2015.yaml",
        SCENARIOS / "chengdu-2015.yaml",
        SCENARIOS / "jiaxing-2008-pilot-city" / "jiaxing-2010.yaml",
    ):
        shutil.copy(path, tmp_path)
    ranked = ranking(assess_paths([tmp_path]))
    # 成都 95.7 and 武汉 94.2 share the 2015 副省级 tier; 嘉兴 (no tier) is first in its own pack.
    assert [(r.assessment.city, r.rank_in_tier) for r in ranked] == [
        ("成都市", 1),
        ("武汉市", 2),
        ("嘉兴市", 1),
    ]
    out = invoke("assess", str(tmp_path))
    assert "按规则包、年度和层级分别排名" in out
    assert "jiaxing-2008-pilot-city" in out and "cnipa-2015-demo-city" in out


def test_english_tables_use_english_titles_and_gaps():
    """Issue 11: English terminal output printed task titles and gaps in Chinese."""
    out = invoke("--lang", "en", "assess", XIANGTAN)
    assert "Patent-navigation pilot" in out and "1 person short" in out
    assert "专利导航" not in out and "还差" not in out


def test_rules_show_lists_the_fields_and_cuts_nothing():
    """Issue 11: `rules show` listed no field code, and cut criteria and citations with "…"."""
    data = json.loads(
        invoke("rules", "show", "cnipa-2015-demo-city", "--fields", "--format", "json")
    )
    by_name = {row["field"]: row for row in data}
    assert by_name["city.batch"]["read_by"] == ["必做任务"]
    assert by_name["enforcement.city_staff"]["unit"] == "人"
    assert "T2.R1" in by_name["enforcement.city_staff"]["read_by"]
    assert len(data) == len(find_pack("cnipa-2015-demo-city").field_names())
    shown = invoke("rules", "show", "cnipa-2015-demo-city")
    assert "…（" not in shown and "… │" not in shown


def test_clicks_own_messages_follow_the_language():
    done = run("verify", "武汉市", "二〇一五")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "用法： ipscore verify" in done.stderr
    assert "错误：'[YEAR]' 的值无效：'二〇一五' 不是有效的数。" in done.stderr
    done = run("report", "x.yaml", "-o", "x.html", "--cohort")
    assert "错误：没有选项 '--cohort'。" in done.stderr
    assert "显示本帮助并退出。" in run("--help").stdout and "选项" in run("--help").stdout
    done = run("--lang", "en", "verify", "武汉市", "abc")
    assert "Error: Invalid value for '[YEAR]': 'abc' is not a valid integer." in done.stderr


def test_simulate_takes_several_files_and_folders(tmp_path):
    done = run("simulate", str(SCENARIOS), "--format", "json", "--no-timestamp")
    assert done.returncode == 0, done.stderr
    names = [s["scenario"] for s in json.loads(done.stdout)]
    assert names == ["武汉市2015 质押融资门槛", "湘潭市2015 选做任务取舍"]  # sorted by file name
    done = run("simulate", str(SCENARIOS), "-o", str(tmp_path / "x.html"))
    assert done.returncode == 2 and "-o 只能用于一个情景文件，这里有 2 个" in done.stderr
    done = run("simulate", str(tmp_path))
    assert done.returncode == 2 and "目录中没有情景文件（*.whatif.yaml）" in done.stderr


def test_jobs_is_capped_at_four_processes_a_core(monkeypatch, tmp_path):
    # Issue 30: --jobs 10000 forked over 5,000 workers.
    import os

    from ipscore.views import batch

    asked: list[int | None] = []
    real = batch.outcomes

    def one_process(paths, job, jobs=None):
        asked.append(jobs)
        return real(paths, job, 1)

    monkeypatch.setattr(batch, "outcomes", one_process)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1})
    for jobs, used in (("10000", 8), ("3", 3)):
        out = tmp_path / f"{jobs}.jsonl"
        invoke("assess", XIANGTAN, "--jobs", jobs, "--format", "jsonl", "-o", str(out))
        assert asked.pop() == used
