"""Issue 30: an archive that checks what it imports, and reads past a damaged row. A real export
(武汉市 94.2 不合格, 深圳市 63.2 合格) is forged line by line; rows are damaged with sqlite3."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, SCENARIOS


def run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "IPSCORE_DB": f"sqlite:///{db}"},
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The lines of `archive export` after adding Wuhan and Shenzhen: the pack, then the two."""
    folder = tmp_path_factory.mktemp("export")
    db, out = folder / "a.sqlite", folder / "x.jsonl"
    wuhan, shenzhen = SCENARIOS / "wuhan-2015.yaml", SCENARIOS / "shenzhen-2015.yaml"
    assert run("archive", "add", str(wuhan), str(shenzhen), db=db).returncode == 0
    assert run("archive", "export", "-o", str(out), db=db).returncode == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("city") for r in lines] == [None, "武汉市", "深圳市"]
    return lines


def _write(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), "utf-8")
    return path


def _shenzhen(exported: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    record = json.loads(json.dumps(exported[2]))
    record.update(changes)
    return record


def test_a_real_export_imports(exported, tmp_path):
    done = run("archive", "import", str(_write(tmp_path / "x.jsonl", exported)), db=tmp_path / "b")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("✓ 导入 2 条，已存在而跳过 0 条")


def test_a_result_that_read_a_row_stored_after_it_imports(tmp_path):
    """武汉市 2015 stored first, its 2014 figures after it in the same batch: the 2015 result is
    corrected to read them (other_years from the archive, the row stored second). Its export
    line comes before the 2014 line it cites, and it must still be reproduced on import."""
    db, out = tmp_path / "a.sqlite", tmp_path / "x.jsonl"
    wuhan, earlier = SCENARIOS / "wuhan-2015.yaml", SCENARIOS / "earlier-years" / "wuhan-2014.yaml"
    assert run("archive", "add", str(wuhan), str(earlier), db=db).returncode == 0
    assert run("archive", "export", "-o", str(out), db=db).returncode == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r.get("city"), r.get("year")) for r in lines[1:]] == [
        ("武汉市", 2015),
        ("武汉市", 2014),
    ]
    assert lines[1]["result"]["other_years"]  # it read the 2014 row
    done = run("archive", "import", str(out), db=tmp_path / "b.sqlite")
    assert done.returncode == 0, done.stderr


def test_a_forged_result_is_refused_and_nothing_is_imported(exported, tmp_path):
    """The issue's forgery: 深圳市 99.9 优秀, stored later than the real one, so it would be the
    current version; its figures and its pack give 63.2 合格 (the real line just above)."""
    forged = _shenzhen(exported, id=3, stored_at="2099-01-01T00:00:00Z")
    forged["result"].update(score=99.9, grade="excellent", grade_label="优秀")
    dump = _write(tmp_path / "x.jsonl", [*exported, forged])
    db = tmp_path / "b.sqlite"
    done = run("archive", "import", str(dump), db=db)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    pack = exported[0]["stored_pack"]
    assert done.stderr.splitlines()[1:] == [
        f"{dump}，第4行，字段 result：深圳市 2015年度：存档的结果是 99.9分 优秀，按这条存档的数据和"
        f"规则包 cnipa-2015-demo-city {pack['pack_version']} 重新评估是 63.2分 合格"
        "（不同之处：score、grade、grade_label），拒绝导入"
    ]
    listed = json.loads(run("archive", "list", "--format", "json", db=db).stdout)
    assert listed["submissions"] == []  # all or nothing: not even the two real ones


def test_malformed_records_are_each_named_with_their_line(exported, tmp_path):
    bad_int = _shenzhen(exported)
    bad_int["figures"]["city.batch"]["value"] = "abc"
    bad_date = _shenzhen(exported)
    bad_date["figures"]["plan.issued_on"]["value"] = "2015-02-30"
    lines = [
        exported[0],
        bad_int,
        bad_date,
        _shenzhen(exported, result=[exported[2]["result"]]),
        _shenzhen(exported, year="20x5"),
        _shenzhen(exported, year=2015.7),
        _shenzhen(exported, stored_at="2015-02-30T09:00:00Z"),
        _shenzhen(exported, kind="figures"),
        [1, 2],
    ]
    dump = _write(tmp_path / "x.jsonl", lines)
    db = tmp_path / "b.sqlite"
    done = run("archive", "import", str(dump), db=db)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[1:] == [
        f"{dump}，第2行，字段 figures.city.batch：类型为 int，值应为整数，实际为文本“abc”",
        f"{dump}，第3行，字段 figures.plan.issued_on：类型为 date，值应为存在的日期，"
        "格式如 2015-12-31，实际为文本“2015-02-30”",
        f"{dump}，第4行，字段 result：评估结果应为对象（{{…}}）或 null，实际为列表",
        f"{dump}，第5行，字段 year：年度应为1900到2100之间的整数年份，实际为文本“20x5”",
        f"{dump}，第6行，字段 year：年度应为1900到2100之间的整数年份，实际为2015.7",
        f"{dump}，第7行，字段 stored_at：应为 ISO 时间，格式如 2016-01-15T09:00:00Z，"
        "实际为文本“2015-02-30T09:00:00Z”",
        f"{dump}，第8行：kind 为 figures，评估结果却不为空",
        f"{dump}，第9行：不是 archive export 导出的存档记录：缺少 pack、pack_version、pack_sha256、"
        "city、year、kind、source、input_sha256、references、stored_at、stored_by、"
        "ipscore_version、figures、result",
    ]
    assert json.loads(run("archive", "list", "--format", "json", db=db).stdout)["submissions"] == []


def test_figures_must_be_the_packs_fields_as_it_declares_them(exported, tmp_path):
    typed = _shenzhen(exported)
    typed["figures"]["city.batch"] = {"type": "decimal", "value": "1.5"}
    negative = _shenzhen(exported)
    negative["figures"]["city.counties"]["value"] = "-3"
    unknown = _shenzhen(exported)
    unknown["figures"]["city.mayor"] = {"type": "text", "value": "某某"}
    dump = _write(tmp_path / "x.jsonl", [exported[0], typed, negative, unknown])
    done = run("archive", "import", str(dump), db=tmp_path / "b.sqlite")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()[1:]
    assert lines[0] == (
        f"{dump}，第2行，字段 figures.city.batch：规则包声明为 count，应存为 int，实际为 decimal"
    )
    assert lines[1].startswith(f"{dump}，第3行，字段 figures.city.counties：应为不小于0的整数")
    assert lines[1].endswith("不能为负数 -3")
    assert (
        lines[2]
        == f"{dump}，第4行，字段 figures.city.mayor：不是规则包 cnipa-2015-demo-city 的填报字段"
    )


def test_a_pack_neither_exported_nor_known_is_refused(exported, tmp_path):
    unknown = _shenzhen(exported, pack_sha256="0" * 64)
    dump = _write(tmp_path / "x.jsonl", [unknown])
    done = run("archive", "import", str(dump), db=tmp_path / "b.sqlite")
    assert done.returncode == 2
    version = exported[0]["stored_pack"]["pack_version"]
    assert done.stderr.splitlines()[1:] == [
        f"{dump}，第1行，字段 pack_sha256：规则包 cnipa-2015-demo-city {version}"
        "（哈希 000000000000…）不在导出文件和归档中，本机也没有同样的规则包：无法核对这条存档"
    ]


def test_a_pack_document_that_does_not_match_its_hash_is_refused(exported, tmp_path):
    pack = json.loads(json.dumps(exported[0]))
    pack["stored_pack"]["document"] = pack["stored_pack"]["document"].replace("max: 3", "max: 4", 1)
    assert pack != exported[0]
    dump = _write(tmp_path / "x.jsonl", [pack, *exported[1:]])
    done = run("archive", "import", str(dump), db=tmp_path / "b.sqlite")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{dump}，第1行，字段 stored_pack.document：存档的规则包载入后哈希为" in done.stderr


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    """An archive of Wuhan and Shenzhen with a check of Wuhan's T1.R2, then damaged with SQL."""
    db = tmp_path / "a.sqlite"
    wuhan, shenzhen = SCENARIOS / "wuhan-2015.yaml", SCENARIOS / "shenzhen-2015.yaml"
    assert run("archive", "add", str(wuhan), str(shenzhen), db=db).returncode == 0
    verified = run("verify", "武汉市", "2015", "T1.R2", "--ok", "--by", "李四", db=db)
    assert verified.returncode == 0, verified.stderr
    return db


def _damage(db: Path, *statements: str) -> None:
    with sqlite3.connect(db) as conn:
        for statement in statements:
            conn.execute(statement)


WUHAN_YEAR = (
    "归档 #1（武汉市 20x5年度，cnipa-2015-demo-city）已损坏：字段 year：年度应为1900到2100之间的"
    "整数年份，实际为文本“20x5”"
)
SHENZHEN_FIGURE = (
    "归档 #2（深圳市 2015年度，cnipa-2015-demo-city）已损坏：字段 figures.city.batch：类型为 int，"
    "值应为整数，实际为文本“abc”"
)


def test_list_names_a_damaged_row_and_shows_the_rest(damaged):
    _damage(damaged, "UPDATE submissions SET year = '20x5' WHERE id = 1")
    done = run("archive", "list", "--format", "json", db=damaged)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert [s["city"] for s in json.loads(done.stdout)["submissions"]] == ["深圳市"]
    assert done.stderr.splitlines() == [f"! 已跳过：{WUHAN_YEAR}"]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE submissions SET year = 2015.7 WHERE id = 2",
        "UPDATE submissions SET result_json = '[1, 2]' WHERE id = 2",
        "UPDATE submissions SET result_json = '{\"score\": 1' WHERE id = 2",
    ],
)
def test_every_reader_skips_a_damaged_row(damaged, statement):
    """Shenzhen's row damaged: what reads it names it; nothing crashes; Wuhan is still read."""
    _damage(damaged, statement)
    page = str(damaged.with_suffix(".html"))
    for command, names in (
        (["archive", "list"], True),
        (["history", "深圳市"], True),
        (["history", "武汉市"], False),
        (["publish", "--year", "2015", "--score", "declared", "-o", page], False),
        (["verify", "--summary", "2015"], False),
        (["review", "武汉市"], False),
    ):
        done = run(*command, db=damaged)
        assert "Traceback" not in done.stderr, (command, done.stderr)
        assert done.returncode == (2 if command[1] == "深圳市" else 0), (command, done.stderr)
        assert ("! 已跳过：归档 #2（深圳市 " in done.stderr) >= names, (command, done.stderr)
    assert "武汉市" in (damaged.with_suffix(".html")).read_text(encoding="utf-8")


def test_show_of_a_damaged_row_names_it(damaged):
    _damage(
        damaged, "UPDATE figures SET value = 'abc' WHERE submission_id = 2 AND field = 'city.batch'"
    )
    done = run("archive", "show", "深圳市", "2015", db=damaged)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0] == f"! 已跳过：{SHENZHEN_FIGURE}"
    assert "归档中没有 深圳市 2015年度的存档" in done.stderr


def test_an_older_version_is_never_passed_off_as_current(damaged, tmp_path):
    from .conftest import scenario_with

    corrected = scenario_with(
        tmp_path, "wuhan-2015.yaml", {"pledge_amount: 7799.9999": "pledge_amount: 7800"}
    )
    assert run("archive", "add", str(corrected), db=damaged).returncode == 0
    _damage(damaged, "UPDATE submissions SET result_json = '[]' WHERE id = 3")
    listed = json.loads(run("archive", "list", "--format", "json", db=damaged).stdout)
    assert [s["city"] for s in listed["submissions"]] == ["深圳市"]
    shown = run("archive", "show", "武汉市", "2015", db=damaged)
    assert shown.returncode == 2
    assert (
        "武汉市 2015年度的当前一版已损坏，无法读取；较早的版本可用 --version 查看" in shown.stderr
    )
    older = run(
        "archive", "show", "武汉市", "2015", "--version", "1", "--format", "json", db=damaged
    )
    assert older.returncode == 0 and json.loads(older.stdout)["result"]["score"] == 94.2


def test_export_refuses_damaged_rows_unless_told_to_skip_them(damaged, tmp_path):
    _damage(
        damaged,
        "UPDATE submissions SET year = '20x5' WHERE id = 1",
        "UPDATE figures SET value = 'abc' WHERE submission_id = 2 AND field = 'city.batch'",
    )
    out = tmp_path / "x.jsonl"
    refused = run("archive", "export", "-o", str(out), db=damaged)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.splitlines()[1:] == [
        WUHAN_YEAR,
        SHENZHEN_FIGURE,
        "以上存档已损坏，没有导出：可用 --skip-damaged 导出其余的存档"
        "（损坏的存档及其核验记录不导出）",
    ]
    assert not out.exists()
    mended = "UPDATE figures SET value = '1' WHERE submission_id = 2 AND field = 'city.batch'"
    _damage(damaged, mended)
    done = run("archive", "export", "--skip-damaged", "-o", str(out), db=damaged)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        f"! 已跳过：{WUHAN_YEAR}",
        "! 已跳过损坏存档的核验记录 1 条",
    ]
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("city") for r in lines] == [None, "深圳市"]
    again = run("archive", "import", str(out), db=tmp_path / "b.sqlite")
    assert again.returncode == 0 and again.stdout.startswith("✓ 导入 1 条")
