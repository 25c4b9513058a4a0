"""A stored result is a function of what is stored, and stays one: the archive keeps the pack
that made each result (replayed exactly after the pack file is edited), storing another
year's figures re-assesses every current result that reads them in the same transaction, and
results made by an older version of a pack are found and re-assessed with a reason."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipscore.decide.pipeline import assess
from ipscore.intake.files import read_all
from ipscore.packs import find_pack
from ipscore.packs.load import built
from ipscore.record.archiving import content_of
from ipscore.record.replay import every_stale, reassess, replay
from ipscore.store.archive import Archive
from ipscore.store.schema import HEAD
from ipscore.views.batch import archive as store

from .conftest import ROOT, SCENARIOS, scenario_with
from .test_archive import run

PACK = "cnipa-2015-demo-city"
STAMP = "2016-01-15T09:00:00Z"


def _blank_prev(tmp_path: Path, pledge_2015: str = "7799.9999") -> Path:
    """武汉市's 2015 file with its four `_prev` figures left blank, as the README invites:
    last year's figures then come from the archive."""
    changes = {
        ", cases_handled_prev: 300": "",
        ", output_value_prev: 35200": "",
        ", pledge_amount_prev: 6500": "",
        ", insured_firms_prev: 20": "",
    }
    if pledge_2015 != "7799.9999":
        changes["pledge_amount: 7799.9999"] = f"pledge_amount: {pledge_2015}"
    return scenario_with(tmp_path, "wuhan-2015.yaml", changes, to=f"w15-{pledge_2015}.yaml")


def _last_year(tmp_path: Path, pledge: str = "6000") -> Path:
    text = (SCENARIOS / "earlier-years" / "wuhan-2014.yaml").read_text(encoding="utf-8")
    assert text.count("pledge_amount: 6000") == 1
    path = tmp_path / f"w14-{pledge}.yaml"
    path.write_text(text.replace("pledge_amount: 6000", f"pledge_amount: {pledge}"), "utf-8")
    return path


def _fresh(archive: Archive, path: Path) -> dict:
    ((pack, submission),) = read_all([path], PACK)
    return assess(pack, submission, archive).to_dict()


@pytest.fixture
def archive(tmp_path: Path):
    opened = Archive(f"sqlite:///{tmp_path / 'archive.sqlite'}")
    yield opened
    opened.close()


@pytest.mark.parametrize(
    "folder",
    [
        ".",
        "checks",
        "harbin-2007-demo-city/harbin-2010.yaml",
        "harbin-2007-demo-city/harbin-2010-incomplete.yaml",
        "jiaxing-2008-pilot-city",
        "northeast-2017-opinions",
        "xuancheng-2019-strong-city",
    ],
)
def test_every_shipped_scenario_is_replayed_exactly(archive, folder):
    done, _ = store(archive, [SCENARIOS / folder], STAMP, jobs=1)
    assessed = [s for s in archive.submissions(details=True) if s.assessed]
    assert len(assessed) == sum(1 for d in done if d.score is not None) > 0
    for stored in assessed:
        again = replay(archive, stored)
        assert again.exact, (stored.city, again.differences)
        assert again.pack_from == "archive"
        assert content_of(again.result) == content_of(stored.result)


def test_a_result_replays_exactly_after_its_pack_file_is_edited(tmp_path):
    """A reviewer's own pack file (the README's way to assess an earlier year) is stored with
    the result; editing the file afterwards — a grade line moved from 80 to 99 — changes
    nothing a replay reads, and `verify` finds the pack without --pack."""
    pack_file = tmp_path / "own-2014.yaml"
    pack_file.write_text((ROOT / "tests/cnipa-2014-example.yaml").read_text("utf-8"), "utf-8")
    city = tmp_path / "wuhan-2014.yaml"
    text = (SCENARIOS / "earlier-years" / "wuhan-2014.yaml").read_text("utf-8")
    city.write_text(text.replace(f"pack: {PACK}", "pack: cnipa-2014-example"), "utf-8")
    db = str(tmp_path / "a.sqlite")
    added = run("archive", "add", str(city), "--pack", str(pack_file), db=db)
    assert added.returncode == 0, added.stderr
    assert "89.8分，不合格" in added.stdout
    edited = pack_file.read_text("utf-8").replace(
        "changes: []",
        "changes:\n  - {set: T2.R1, value: 10, citation: {source: example-2014.txt, section: 一, "
        "text: 市局明确执法办案人员10人以上}}",
    )
    pack_file.write_text(edited, "utf-8")
    replayed = run("archive", "replay", "武汉市", "2014", "--format", "json", db=db)
    assert replayed.returncode == 0, replayed.stderr
    body = json.loads(replayed.stdout)
    assert (body["exact"], body["replayed"]["score"], body["differences"]) == (True, 89.8, [])
    pending = run("verify", "--pending", "2014", db=db)
    assert pending.returncode == 0, pending.stderr
    assert "武汉市" in pending.stdout
    # The edited file is a new version of the pack: its results are assessed again under it.
    again = run("archive", "reassess", "--pack", str(pack_file), "--by", "王五", db=db)
    assert again.returncode == 0, again.stderr
    assert "重新评估存为第2版：89.8分 不合格 → 87.4分 不合格" in again.stdout
    shown = json.loads(run("archive", "show", "武汉市", "2014", "--format", "json", db=db).stdout)
    (t2,) = [t for t in shown["result"]["tasks"] if t["id"] == "T2"]
    assert [r["status"] for r in t2["requirements"] if r["id"] == "T2.R1"] == ["unmet"]
    assert shown["stored_by"] == "王五" and shown["reason"].startswith("按规则包")
    assert json.loads(run("archive", "replay", "武汉市", "2014", "--format", "json", db=db).stdout)[
        "exact"
    ]
    assert (
        "没有需要重新评估的结果"
        in run("archive", "reassess", "--pack", str(pack_file), db=db).stdout
    )


def test_a_late_last_year_gives_the_fresh_grade_everywhere_in_either_order(tmp_path):
    """The stale-result example: the 2015 file with its `_prev` figures blank and the 2014
    file, stored in either order (or in one batch), end with the result a fresh assessment
    gives — in the archive, `history`, `review` and `publish` alike."""
    this_year, last_year = _blank_prev(tmp_path), _last_year(tmp_path)
    outcomes = []
    for n, order in enumerate((([this_year], [last_year]), ([last_year], [this_year])), start=1):
        db = str(tmp_path / f"order{n}.sqlite")
        for paths in order:
            added = run("archive", "add", *map(str, paths), "--pack", PACK, db=db)
            assert added.returncode == 0, added.stderr
        outcomes.append((db, added.stdout))
    together = str(tmp_path / "together.sqlite")
    both = run("archive", "add", str(this_year), str(last_year), "--pack", PACK, db=together)
    assert both.returncode == 0, both.stderr
    outcomes.append((together, ""))
    first_order = outcomes[0][1]
    assert (
        "↻ #3 武汉市 2015年度（cnipa-2015-demo-city）：2014年数据更新（#2，版本1），" in first_order
    )
    assert "87.7分 不合格 → 98.6分 优秀" in first_order
    for db, _ in outcomes:
        opened = Archive(f"sqlite:///{db}")
        try:
            (current,) = [s for s in opened.submissions(year=2015) if s.assessed]
            assert content_of(current.result) == content_of(_fresh(opened, this_year))
        finally:
            opened.close()
        assert (current.result["score"], current.result["grade_label"]) == (98.6, "优秀")
        history = json.loads(run("history", "武汉市", "--format", "json", db=db).stdout)
        (row,) = [y for y in history["years"] if y["year"] == 2015]
        assert (row["score"], row["grade_label"]) == (98.6, "优秀")
        listed = Path(db).with_suffix(".html")
        published = run(
            "publish", "--year", "2015", "--score", "declared", "-o", str(listed), db=db
        )
        assert published.returncode == 0, published.stderr
        page = listed.read_text("utf-8")
        assert "优秀" in page and "不合格" not in page
        review = run("review", "武汉市", "--years", "2013-2015", "--format", "json", db=db)
        assert '"score": 98.6' in review.stdout


# Each step stores one file: 2014 or 2015, its first filing or a correction.
STEPS = st.lists(
    st.sampled_from(["2014", "2014-fixed", "2015", "2015-fixed"]), min_size=1, max_size=5
)


@settings(
    max_examples=12,  # each step stores a file (about 0.1 s); twelve orders of up to five
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=STEPS)
def test_every_current_result_equals_a_fresh_assessment_in_any_order(tmp_path_factory, steps):
    tmp = tmp_path_factory.mktemp("orders")
    files = {
        "2014": _last_year(tmp, "6000"),
        "2014-fixed": _last_year(tmp, "7000"),
        "2015": _blank_prev(tmp, "7799.9999"),
        "2015-fixed": _blank_prev(tmp, "8400"),
    }
    opened = Archive(f"sqlite:///{tmp / 'a.sqlite'}")
    try:
        latest: dict[int, Path] = {}
        for n, step in enumerate(steps):
            store(opened, [files[step]], f"2016-01-15T09:00:{n:02d}Z", pack=PACK, jobs=1)
            latest[int(step[:4])] = files[step]
            for stored in opened.submissions(details=True):
                if stored.assessed:
                    fresh = _fresh(opened, latest[stored.year])
                    assert content_of(stored.result) == content_of(fresh), steps
    finally:
        opened.close()


def test_results_of_an_older_version_of_a_pack_are_found_and_reassessed(archive, monkeypatch):
    """The shipped pack updated (its 良好 line moved from 80 to 63: 深圳市's 63.2 becomes
    良好): `every_stale` lists the results the old version made, `reassess` stores each as a
    new version with the reason, and then nothing is stale."""
    store(archive, [SCENARIOS / "shenzhen-2015.yaml", SCENARIOS / "wuhan-2015.yaml"], STAMP)
    shipped = find_pack(PACK)
    data = dict(shipped._document[1])
    data["pack"] = {**data["pack"], "version": "1.2.0"}
    data["scoring"] = {
        **data["scoring"],
        "grades": [
            {**g, "min_score": 63} if g.get("code") == "good" else g
            for g in data["scoring"]["grades"]
        ],
    }
    newer = built("newer.yaml", data, {}, {})
    monkeypatch.setattr("ipscore.record.replay.installed_pack", lambda _: newer)
    found = every_stale(archive)
    assert {s.city for s, _ in found} == {"深圳市", "武汉市"}
    done = []
    archive.rewrite(lambda w: done.extend(reassess(w, newer, 2015, STAMP, "张三", "良好线调整")))
    assert {(r.city, r.version) for r in done} == {("深圳市", 2), ("武汉市", 2)}
    (shenzhen,) = [r for r in done if r.city == "深圳市"]
    assert (shenzhen.before["grade_label"], shenzhen.after["grade_label"]) == ("合格", "良好")
    assert shenzhen.reason.startswith("按规则包 cnipa-2015-demo-city 1.2.0")
    assert shenzhen.reason.endswith("：良好线调整")
    assert every_stale(archive) == []
    assert all(replay(archive, s).exact for s in archive.submissions(details=True))


def test_an_archive_of_the_previous_release_is_replayed_with_the_installed_pack(tmp_path):
    """tests/archives/schema-0003.sqlite was made by the release before packs were stored
    (武汉市 and 深圳市 2015, 武汉市's 2014 figures, 武汉市 2014 under a reviewer's own pack
    file, one check): migrated, its results replay with the installed pack where it still has
    their hash, and a result made by a pack file says so and replays with --pack FILE."""
    db = tmp_path / "old.sqlite"
    db.write_bytes((ROOT / "tests" / "archives" / "schema-0003.sqlite").read_bytes())
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0003",)
    shown = run("archive", "replay", "深圳市", "2015", "--format", "json", db=str(db))
    assert json.loads(shown.stdout)["exact"] is True
    own = run("archive", "replay", "武汉市", "2014", "--pack", "cnipa-2014-example", db=str(db))
    assert own.returncode == 2 and "不在归档中" in own.stderr and "--pack" in own.stderr
    pack_file = str(ROOT / "tests/cnipa-2014-example.yaml")
    with_file = run("archive", "replay", "武汉市", "2014", "--pack", pack_file, db=str(db))
    assert with_file.returncode == 0 and "--pack 指定的规则包文件" in with_file.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        assert conn.execute("SELECT count(*) FROM packs").fetchone() == (0,)


def test_an_import_renames_the_rows_results_cite_and_refreshes_what_reads_them(tmp_path):
    """Exported from one archive (2015 with `_prev` blank, then 2014: the 2015 result cites
    2014's row) into one that already holds other rows: the cited row gets another id there,
    and the imported result cites it by that id, so it replays exactly. Imported under a
    2015 result stored before, 2014's figures refresh it, as `archive add` would."""
    this_year, last_year = _blank_prev(tmp_path), _last_year(tmp_path)
    source = str(tmp_path / "source.sqlite")
    for path in (this_year, last_year):
        assert run("archive", "add", str(path), "--pack", PACK, db=source).returncode == 0
    dump = tmp_path / "source.jsonl"
    assert run("archive", "export", "-o", str(dump), db=source).returncode == 0
    target = str(tmp_path / "target.sqlite")
    others = [str(SCENARIOS / "shenzhen-2015.yaml"), str(SCENARIOS / "suzhou-2015.yaml")]
    assert run("archive", "add", *others, db=target).returncode == 0
    assert run("archive", "import", str(dump), db=target).returncode == 0
    for version in ("1", "2"):
        again = run("archive", "replay", "武汉市", "2015", "--version", version, db=target)
        assert again.returncode == 0, again.stdout + again.stderr
    # Only 2014 exported, imported under a stale 2015 result: the 2015 result follows.
    only_2014 = str(tmp_path / "only-2014.sqlite")
    assert run("archive", "add", str(last_year), "--pack", PACK, db=only_2014).returncode == 0
    dump_2014 = tmp_path / "2014.jsonl"
    assert run("archive", "export", "-o", str(dump_2014), db=only_2014).returncode == 0
    late = str(tmp_path / "late.sqlite")
    assert run("archive", "add", str(this_year), db=late).returncode == 0
    done = run("archive", "import", str(dump_2014), db=late)
    assert done.returncode == 0, done.stderr
    assert "2014年数据导入（#2），重新评估存为第2版：87.7分 不合格 → 98.6分 优秀" in done.stdout
    opened = Archive(f"sqlite:///{late}")
    try:
        (current,) = [s for s in opened.submissions(year=2015) if s.assessed]
        assert content_of(current.result) == content_of(_fresh(opened, this_year))
    finally:
        opened.close()


def test_a_result_that_only_cites_a_new_row_says_its_figures_did_not_change(tmp_path):
    """武汉市 2014 assessed under a reviewer's own pack, 2015 (its `_prev` blank) reading
    it; the own pack edited and 2014 reassessed: 2014's figures are the same, only its row is
    new, and the 2015 version that cites it says so rather than "2014年数据更新"."""
    pack_file = tmp_path / "own-2014.yaml"
    pack_file.write_text((ROOT / "tests/cnipa-2014-example.yaml").read_text("utf-8"), "utf-8")
    text = (SCENARIOS / "earlier-years" / "wuhan-2014.yaml").read_text("utf-8")
    own_2014 = tmp_path / "wuhan-2014-own.yaml"
    own_2014.write_text(text.replace(f"pack: {PACK}", "pack: cnipa-2014-example"), "utf-8")
    db = str(tmp_path / "a.sqlite")
    assert run("archive", "add", str(own_2014), "--pack", str(pack_file), db=db).returncode == 0
    assert run("archive", "add", str(_blank_prev(tmp_path)), db=db).returncode == 0
    pack_file.write_text(
        pack_file.read_text("utf-8").replace(
            "changes: []",
            "changes:\n  - {set: T2.R1, value: 10, citation: {source: example-2014.txt, "
            "section: 一, text: 市局明确执法办案人员10人以上}}",
        ),
        "utf-8",
    )
    stale = run("archive", "list", "--stale", "--pack", str(pack_file), db=db)
    assert "武汉市" in stale.stdout and "cnipa-2014-example" in stale.stdout
    again = run("archive", "reassess", "--pack", str(pack_file), db=db)
    assert again.returncode == 0, again.stderr
    (line,) = [x for x in again.stdout.splitlines() if "2015年度" in x]
    assert "2014年存档更新为 #3（数据未变）" in line and "数据更新" not in line
    replayed = run(
        "archive", "replay", "武汉市", "2014", "--version", "1", "--pack", str(pack_file), db=db
    )
    assert replayed.returncode == 1
    assert (
        "--pack 文件的内容指纹为" in replayed.stdout and "不是评出该结果的规则包" in replayed.stdout
    )
