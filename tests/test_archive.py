"""The archive: stored submissions and figures by year, append-only, all-or-nothing batches, on
SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ipscore import InputError
from ipscore.packs import find_pack
from ipscore.store.archive import Archive, Entry
from ipscore.store.schema import HEAD
from ipscore.views.batch import archive as store

from .conftest import ROOT, SCENARIOS, scenario_with
from .databases import fresh_postgres

STAMP = "2016-01-15T09:00:00Z"
PACK = "cnipa-2015-demo-city"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.sqlite'}"
    return fresh_postgres(request.getfixturevalue("postgres_server"))


@pytest.fixture
def archive(url: str):
    opened = Archive(url)
    yield opened
    opened.close()


def run(*args: str, db: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "IPSCORE_DB": db, **env},
    )


def _wuhan_2014(tmp_path: Path) -> Path:
    """Wuhan's 2014 figures under the 2015 pack's field names (an example, not filed data)."""
    changes = {"year: 2015": "year: 2014", "pledge_amount: 7799.9999": "pledge_amount: 6500"}
    return scenario_with(tmp_path, "wuhan-2015.yaml", changes, to="wuhan-2014.yaml")


def test_add_stores_each_assessment_with_its_provenance(archive):
    done, _ = store(archive, [SCENARIOS], STAMP, by="张三")
    assert [d.city for d in done][:2] == ["常熟市", "北京市朝阳区"]
    assert archive.count() == 9
    wuhan = archive.find("武汉市", 2015)
    assert (wuhan.kind, wuhan.version, wuhan.current) == ("assessment", 1, True)
    assert wuhan.result is not None
    assert (wuhan.result["score"], wuhan.result["grade"]) == (94.2, "fail")
    assert wuhan.result["provenance"]["produced_at"] == STAMP
    digest = hashlib.sha256((SCENARIOS / "wuhan-2015.yaml").read_bytes()).hexdigest()
    assert wuhan.input_sha256 == digest and wuhan.stored_by == "张三"
    assert wuhan.pack_sha256 == find_pack(done[0].pack).content_hash
    # Filed figures are stored, computed ratios are not.
    assert str(wuhan.figures["finance.pledge_amount"]) == "7799.9999"
    assert wuhan.figures["plan.issued"] is True
    assert not any(name.endswith("_growth") for name in wuhan.figures)


def test_a_correction_is_a_new_version_and_the_first_stays_readable(archive, tmp_path):
    store(archive, [SCENARIOS / "wuhan-2015.yaml"], STAMP, by="张三")
    changes = {"pledge_amount: 7799.9999": "pledge_amount: 7800"}
    corrected = scenario_with(tmp_path, "wuhan-2015.yaml", changes)
    store(archive, [corrected], "2016-02-01T09:00:00Z", by="李四")
    first, second = archive.submissions(city="武汉市", every_version=True, details=True)
    assert (first.version, first.current, second.version, second.current) == (1, False, 2, True)
    assert (first.stored_by, second.stored_by) == ("张三", "李四")
    assert first.result is not None and second.result is not None
    assert (first.result["grade"], second.result["grade"]) == ("fail", "excellent")
    assert first.input_sha256 != second.input_sha256
    assert [s.id for s in archive.submissions(city="武汉市")] == [second.id]
    assert archive.find("武汉市", 2015, version=1).id == first.id


def test_another_years_file_is_stored_as_figures_only(archive, tmp_path):
    done, _ = store(archive, [_wuhan_2014(tmp_path)], STAMP)
    assert done[0].score is None
    stored = archive.find("武汉市", 2014)
    assert (stored.kind, stored.result) == ("figures", None)
    figures = archive.figures_of("武汉市", 2014)
    value, source = figures["finance.pledge_amount"]
    assert (str(value), source.id) == ("6500", stored.id)


def test_only_the_current_version_gives_figures(archive, tmp_path):
    first = _wuhan_2014(tmp_path)
    store(archive, [first], STAMP)
    assert "finance.insured_firms" in archive.figures_of("武汉市", 2014)
    # The correction leaves insured firms out: the first version's figure no longer counts.
    text = first.read_text(encoding="utf-8")
    assert text.count(", insured_firms: 26") == 1
    first.write_text(text.replace(", insured_firms: 26", ""), encoding="utf-8")
    store(archive, [first], "2016-02-01T09:00:00Z")
    figures = archive.figures_of("武汉市", 2014)
    assert "finance.insured_firms" not in figures
    assert figures["finance.pledge_amount"][1].version == 2


def test_a_failing_batch_stores_nothing(archive):
    store(archive, [SCENARIOS / "xiangtan-2015.yaml"], STAMP)
    good = Entry("p", "1", "0" * 64, "甲市", 2015, "a.yaml", "1" * 64, {"x.y": 1})
    broken = Entry("p", "1", "0" * 64, None, 2015, "b.yaml", "2" * 64, {})  # type: ignore[arg-type]
    with pytest.raises(InputError, match="数据库出错"):
        archive.add([good, broken], STAMP, None)
    assert archive.count() == 1
    assert archive.submissions(city="甲市") == []


def test_export_and_import_round_trip(archive, tmp_path):
    """Nine cities, 武汉市's 2014 figures, and its 2015 result assessed again once they came
    (the same file and the same second as its first version: told apart by its reason); the
    pack that made them travels with them."""
    store(archive, [SCENARIOS], STAMP, by="张三")
    store(archive, [_wuhan_2014(tmp_path)], STAMP)
    exported = list(archive.export())
    assert [r["stored_pack"]["pack"] for r in exported if "stored_pack" in r] == [PACK]
    other = Archive(f"sqlite:///{tmp_path / 'other.sqlite'}")
    try:
        assert other.import_records(exported) == (11, 0)
        assert other.import_records(exported) == (0, 11)
        assert other.pack_hashes() == archive.pack_hashes()

        def comparable(records):
            return [{k: v for k, v in r.items() if k != "id"} for r in records]

        assert comparable(other.export()) == comparable(exported)
    finally:
        other.close()


def test_concurrent_writers_lose_nothing(url, tmp_path):
    """Three `archive add`s at once, each with its own 20 cities and the same Wuhan file: every
    city of each is stored, and Wuhan once (the other two find it unchanged, issue 28)."""
    Archive(url).close()  # migrate first, so the writers only add
    batches = []
    for i in range(3):
        batches.append(tmp_path / f"batch-{i}.csv")
        _batch_csv(batches[-1], 20, prefix=f"示例市{i}")
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ipscore",
                "archive",
                "add",
                str(batch),
                str(SCENARIOS / "wuhan-2015.yaml"),
                "--by",
                f"w{i}",
            ],
            cwd=ROOT,
            env={**os.environ, "IPSCORE_DB": url},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, batch in enumerate(batches)
    ]
    said = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        said.append(out)
    archive = Archive(url)
    try:
        stored = archive.submissions(every_version=True)
        assert len(stored) == 3 * 20 + 1
        assert {s.version for s in stored} == {1}
    finally:
        archive.close()
    assert sum("武汉市 2015年度（cnipa-2015-demo-city）：未变化" in out for out in said) == 2


def _batch_csv(path: Path, cities: int, prefix: str = "示例市") -> None:
    """A batch table of many cities (copies of Xiangtan's figures under other names)."""
    from ipscore.intake.files import read_one

    pack, submission = read_one(SCENARIOS / "xiangtan-2015.yaml")
    names = [n for n in pack.field_names() if pack.field(n).type != "ratio"]
    rows = [",".join(["pack", "year", *names])]
    for i in range(cities):
        values = dict(submission.values, **{"city.name": f"{prefix}{i:04d}"})
        cells = [pack.id, "2015"]
        for name in names:
            value = values.get(name)
            text = str(value).lower() if isinstance(value, bool) else str(value)
            cells.append("" if value is None else text)
        rows.append(",".join(cells))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_a_killed_add_leaves_the_database_as_before(tmp_path):
    db = tmp_path / "archive.sqlite"
    assert run("archive", "add", str(SCENARIOS / "xiangtan-2015.yaml"), db=str(db)).returncode == 0
    batch = tmp_path / "batch.csv"
    _batch_csv(batch, 400)
    with sqlite3.connect(db) as conn:
        before = conn.execute("SELECT count(*) FROM figures").fetchone()[0]
    journal = Path(f"{db}-journal")
    killed_mid_write = 0
    for attempt in range(6):
        writer = subprocess.Popen(
            [sys.executable, "-m", "ipscore", "archive", "add", str(batch)],
            cwd=ROOT,
            env={**os.environ, "IPSCORE_DB": str(db)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while not journal.exists() and writer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        if journal.exists() and writer.poll() is None:
            # The transaction is writing: wait a little into it (a different moment each time).
            time.sleep(0.02 * attempt)
            killed_mid_write += writer.poll() is None
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        with sqlite3.connect(db) as conn:  # opening it rolls back the interrupted transaction
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            count = conn.execute("SELECT count(*) FROM submissions").fetchone()[0]
            figures = conn.execute("SELECT count(*) FROM figures").fetchone()[0]
        # All of the batch or none of it.
        assert (count, figures) in ((1, before), (401, before * 401)), (count, figures)
        if count == 401:
            break
    assert killed_mid_write >= 1, "no writer was killed while writing: the test proved nothing"


def test_the_head_revision_is_the_newest_migration():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from ipscore.store import schema

    config = Config()
    config.set_main_option("script_location", str(Path(schema.__file__).parent / "migrations"))
    assert ScriptDirectory.from_config(config).get_current_head() == schema.HEAD


def test_schema_and_migrations_agree(archive):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from ipscore.store.schema import metadata

    with archive.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_database_problems_are_one_clear_message(tmp_path):
    not_sqlite = tmp_path / "notes.sqlite"
    not_sqlite.write_text("这不是数据库\n" * 100, encoding="utf-8")
    done = run("archive", "list", db=str(not_sqlite))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "不是 SQLite 数据库文件" in done.stderr and "notes.sqlite" in done.stderr

    db = tmp_path / "archive.sqlite"
    assert run("archive", "list", db=str(db)).returncode == 0  # creates an empty archive
    read_only = f"sqlite:///file:{db}?mode=ro&uri=true"
    done = run("archive", "add", str(SCENARIOS / "xiangtan-2015.yaml"), db=read_only)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "数据库是只读的" in done.stderr
    assert run("archive", "list", db=read_only).returncode == 0  # reading still works

    done = run("archive", "list", db="postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "无法连接数据库" in done.stderr

    done = run("archive", "list", db="nosuchdb://x")
    assert done.returncode == 2 and "数据库地址无法识别" in done.stderr

    done = run("archive", "list", db=str(tmp_path / "missing" / "dir" / "a.sqlite"))
    assert done.returncode == 2 and "无法打开数据库文件" in done.stderr


def test_a_bad_year_and_a_bad_dump_are_reported(tmp_path):
    db = str(tmp_path / "archive.sqlite")
    bad = scenario_with(
        tmp_path, "xiangtan-2015.yaml", {"year: 2015": "year: 去年"}, "bad-year.yaml"
    )
    done = run("archive", "add", str(SCENARIOS / "wuhan-2015.yaml"), str(bad), db=db)
    assert done.returncode == 2 and done.stderr.count("\n") == 2  # the heading and one line
    assert (
        "bad-year.yaml，第5行，字段 year：年度应为1900到2100之间的整数年份，实际为文本“去年”"
        in done.stderr
    )
    # The batch failed as a whole: Wuhan, which was fine, was not stored either.
    assert run("archive", "show", "武汉市", "2015", db=db).returncode == 2
    dump = tmp_path / "dump.jsonl"
    dump.write_text('{"pack": "x"}\nnot json\n', encoding="utf-8")
    done = run("archive", "import", str(dump), db=db)
    assert done.returncode == 2
    assert "dump.jsonl，第1行：不是 archive export 导出的存档记录" in done.stderr
    assert "dump.jsonl，第2行：不是有效的 JSON" in done.stderr


def test_where_names_the_database(tmp_path):
    done = run("archive", "where", db=str(tmp_path / "a.sqlite"))
    assert done.stdout.strip() == f"sqlite:///{tmp_path / 'a.sqlite'}"
    done = run("archive", "where", "--db", "postgresql+psycopg://u:secret@host/db", db="x")
    assert done.stdout.strip() == "postgresql+psycopg://u:***@host/db"


def test_an_unchanged_file_stores_nothing_and_says_so(archive, tmp_path):
    """Issue 28: adding a file again, or the same figures typed otherwise (7799.99990), stores
    no new version; its line says 未变化 and names the current version."""
    (first,), _ = store(archive, [SCENARIOS / "wuhan-2015.yaml"], STAMP, by="张三")
    assert (first.version, first.unchanged) == (1, False)
    (again,), _ = store(archive, [SCENARIOS / "wuhan-2015.yaml"], "2016-02-01T09:00:00Z")
    retyped = scenario_with(
        tmp_path, "wuhan-2015.yaml", {"pledge_amount: 7799.9999": "pledge_amount: 7799.99990"}
    )
    (same,), _ = store(archive, [retyped], "2016-02-02T09:00:00Z", by="李四")
    assert (again.id, again.version, again.unchanged) == (first.id, 1, True)
    assert (same.id, same.version, same.unchanged) == (first.id, 1, True)
    assert archive.count() == 1
    from ipscore.views.tables.archive import archived_lines

    assert archived_lines([same]) == [
        f"= #{first.id} 武汉市 2015年度（cnipa-2015-demo-city）："
        "未变化，与当前的第1版相同，没有再存"
    ]


def test_a_correction_keeps_its_reason_and_the_diff_says_what_changed(archive, tmp_path):
    from ipscore.record.corrections import version_diff

    store(archive, [SCENARIOS / "wuhan-2015.yaml"], STAMP, by="张三")
    corrected = scenario_with(
        tmp_path, "wuhan-2015.yaml", {"pledge_amount: 7799.9999": "pledge_amount: 7800"}
    )
    stamp = "2016-02-01T09:00:00Z"
    (second,), _ = store(archive, [corrected], stamp, "李四", reason="更正质押融资")
    assert (second.version, second.unchanged) == (2, False)
    assert archive.find("武汉市", 2015).reason == "更正质押融资"
    assert archive.find("武汉市", 2015, version=1).reason is None
    d = version_diff(archive, "武汉市", 2015)
    assert (d.before.version, d.after.version) == (1, 2)
    # 7800 is 20% over 2014's 6500 (T4.R2: ≥ 1.2 × 6500 = 7800): the one verdict that moves,
    # and with it the mandatory T4 — 94.2 不合格 becomes 98.6 优秀 (as the what-if shows).
    assert [(f, str(a), str(b)) for f, a, b in d.figures] == [
        ("finance.pledge_amount", "7799.9999", "7800")
    ]
    assert [(rid, a, b) for rid, _, a, b in d.verdicts] == [("T4.R2", "unmet", "met")]
    assert d.headline(d.before) == (94.2, "fail", "不合格")
    assert d.headline(d.after) == (98.6, "excellent", "优秀")
    with pytest.raises(InputError) as one:
        version_diff(archive, "武汉市", 2015, first=2)
    assert "请写两个不同的版本" in one.value.problems[0].zh


def test_archive_list_show_and_diff_in_every_format(tmp_path):
    db = str(tmp_path / "a.sqlite")
    assert run("archive", "add", str(SCENARIOS / "wuhan-2015.yaml"), db=db).returncode == 0
    corrected = scenario_with(
        tmp_path, "wuhan-2015.yaml", {"pledge_amount: 7799.9999": "pledge_amount: 7800"}
    )
    added = run("archive", "add", str(corrected), "--reason", "更正质押融资", "--by", "李四", db=db)
    assert "存为第2版，98.6分，优秀" in added.stdout
    listed = run("archive", "list", "--all", "--format", "csv", db=db).stdout.splitlines()
    assert listed[0] == "编号,规则包,城市,年度,内容,版本,得分,等级,存档时间,存档人,理由,输入指纹"
    assert listed[2].split(",")[5:11][:2] == ["2（当前）", "98.6"] and "更正质押融资" in listed[2]
    data = json.loads(run("archive", "list", "--all", "--format", "json", db=db).stdout)
    assert [(s["version"], s["reason"]) for s in data["submissions"]] == [
        (1, None),
        (2, "更正质押融资"),
    ]
    out = tmp_path / "归档.xlsx"
    assert run("archive", "list", "--format", "xlsx", "-o", str(out), db=db).returncode == 0
    sheet = load_workbook(out).active
    assert sheet["K1"].value == "理由" and sheet["K2"].value == "更正质押融资"
    shown = run("archive", "show", "武汉市", "2015", "--format", "csv", db=db).stdout
    assert "理由,更正质押融资" in shown and "finance.pledge_amount,7800" in shown
    diff = run("archive", "diff", "武汉市", "2015", db=db).stdout
    assert "第1版 → 第2版" in diff and "更正质押融资" in diff
    assert "7799.9999" in diff and "T4.R2" in diff
    refused = run("archive", "list", "--format", "xlsx", db=db)
    assert refused.returncode == 2 and "需要用 -o" in refused.stderr


def test_an_archive_of_the_previous_release_moves_forward(tmp_path):
    """tests/archives/schema-0002.sqlite was made by the release before reasons (武汉市 2015 and
    2014's figures, 深圳市 2015, one check of 武汉市's T1.R2): opened, it is migrated to 0003 with
    every record and check kept, and takes reasons from then on."""
    db = tmp_path / "old.sqlite"
    db.write_bytes((ROOT / "tests" / "archives" / "schema-0002.sqlite").read_bytes())
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
    archive = Archive(f"sqlite:///{db}")
    try:
        stored = archive.submissions(every_version=True)
        assert sorted((s.city, s.year, s.kind) for s in stored) == [
            ("武汉市", 2014, "figures"),
            ("武汉市", 2015, "assessment"),
            ("深圳市", 2015, "assessment"),
        ]
        assert {s.reason for s in stored} == {None}
        assert [(c.city, c.requirement, c.checked_by) for c in archive.checks()] == [
            ("武汉市", "T1.R2", "李四")
        ]
    finally:
        archive.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
    found = json.loads(run("verify", "武汉市", "2015", "--format", "json", db=str(db)).stdout)
    assert found["met_by_state"]["verified"] == 1
    corrected = scenario_with(
        tmp_path, "wuhan-2015.yaml", {"pledge_amount: 7799.9999": "pledge_amount: 7800"}
    )
    assert run("archive", "add", str(corrected), "--reason", "更正", db=str(db)).returncode == 0
    assert "更正" in run("archive", "diff", "武汉市", "2015", db=str(db)).stdout


def test_reasons_travel_with_an_export_and_an_older_export_still_imports(archive, tmp_path):
    store(archive, [SCENARIOS / "wuhan-2015.yaml"], STAMP, reason="首次报送")
    (_, record) = list(archive.export())  # the pack, then the version
    assert record["reason"] == "首次报送"
    older = {k: v for k, v in record.items() if k != "reason"}  # an export before reasons
    other = Archive(f"sqlite:///{tmp_path / 'other.sqlite'}")
    try:
        assert other.import_records([older]) == (1, 0)
        assert other.find("武汉市", 2015).reason is None
    finally:
        other.close()


_MEMORY = (
    "字段 --db：这是内存中的数据库，命令结束时存下的内容就全部丢失：请用 --db 写一个数据库文件的"
    "路径（如 归档.sqlite）或 PostgreSQL 的 URL"
)


@pytest.mark.parametrize(
    "db, message",
    [
        (
            "foo://admin:S3cretPw@h/db",
            "字段 --db：数据库地址无法识别：foo://admin:***@h/db（应为 SQLite 文件的路径、"
            "sqlite:/// 或 postgresql:// 开头的 URL）",
        ),
        (
            "mysql+pymysql://u:S3cretPw@h/db",
            "字段 --db：归档只能用 SQLite 或 PostgreSQL，不能用 MySQL（mysql+pymysql://u:***@h/db）",
        ),
        ("sqlite://", _MEMORY),
        (":memory:", _MEMORY),
        ("sqlite:///file::memory:?uri=true", _MEMORY),
        (
            "",
            "字段 --db：不能为空：请写归档数据库文件的路径或数据库 URL（不写 --db 才用默认位置，"
            "见 ipscore archive where）",
        ),
    ],
)
def test_a_database_url_that_cannot_keep_the_archive_is_refused_without_its_secret(
    tmp_path, db, message
):
    # Issue 30: an in-memory database said ✓ 已存档 and lost it all at exit; --db '' meant the
    # default archive; MySQL was told to install the PostgreSQL driver; the password printed.
    done = run(
        "archive",
        "add",
        str(SCENARIOS / "wuhan-2015.yaml"),
        "--db",
        db,
        db=f"sqlite:///{tmp_path}/x",
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stdout == "" and "S3cretPw" not in done.stderr
    assert message in done.stderr, done.stderr
    assert list(tmp_path.iterdir()) == []  # and IPSCORE_DB's archive was not used instead


def test_where_hides_a_password_in_the_query_too():
    done = run("archive", "where", db="postgresql://u:S3cretPw@h:5/db?sslmode=require&password=Q1")
    assert done.stdout == "postgresql://u:***@h:5/db?password=***&sslmode=require\n"
