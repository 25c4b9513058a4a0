"""Streamed batches (issue 12): JSON, JSON Lines and CSV written as cities are assessed, over
worker processes, give the bytes a whole-batch write gives; a bad file anywhere in a parallel
batch is reported with all the others and leaves no output; Ctrl-C stops the workers too."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from ipscore import InputError
from ipscore.decide.engine import engine_for
from ipscore.decide.pipeline import assess_paths
from ipscore.decide.scoring import drop_grid, mandatory_tasks, summarize
from ipscore.intake.files import read_all
from ipscore.packs import find_pack
from ipscore.questions.whatif import toggle
from ipscore.views import batch, output
from ipscore.views.output import to_csv, to_json

from .conftest import ROOT, SCENARIOS, as_in_a_terminal


def run(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args], capture_output=True, text=True, cwd=ROOT, **kwargs
    )


def _cities(folder: Path, n: int) -> Path:
    """n YAML submissions, the shipped 2015 cities renamed so that each is its own city."""
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SCENARIOS.glob("*-2015.yaml"))]
    for i in range(n):
        text = texts[i % len(texts)].replace("name: ", f"name: 城{i}号", 1)
        (folder / f"c{i:04d}.yaml").write_text(text, encoding="utf-8")
    return folder


def test_streamed_json_and_csv_are_the_whole_outputs_byte_for_byte(tmp_path):
    results = assess_paths([SCENARIOS])
    for fmt, whole in (
        ("json", to_json(results, single=False)),
        ("csv", "\ufeff" + to_csv(results)),
    ):
        out = tmp_path / f"all.{fmt}"
        batch.write([SCENARIOS], fmt, out, batch.job_for(fmt, None, None, None))
        assert out.read_text(encoding="utf-8") == whole
    lines = tmp_path / "all.jsonl"
    batch.write([SCENARIOS], "jsonl", lines, batch.job_for("jsonl", None, None, None))
    read = [json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines()]
    assert read == json.loads(to_json(results, single=False))


def test_one_file_is_one_object_and_one_line(tmp_path):
    one = SCENARIOS / "xiangtan-2015.yaml"
    as_json = run("assess", str(one), "--format", "json", "--no-timestamp")
    assert json.loads(as_json.stdout)["city"] == "湘潭市"
    as_lines = run("assess", str(one), "--format", "jsonl", "--no-timestamp")
    assert as_lines.stdout.count("\n") == 1
    assert json.loads(as_lines.stdout) == json.loads(as_json.stdout)


def _table(path: Path, n: int) -> Path:
    """A batch table of n cities (one row each), from the shipped 2015 cities' figures."""
    found = [s for p, s in read_all([SCENARIOS]) if p.id == "cnipa-2015-demo-city"]
    names = sorted({k for s in found for k in s.values if "@" not in k and "ratio" not in k})
    pack = find_pack("cnipa-2015-demo-city")
    names = [n for n in names if pack.field(n).type != "ratio"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["pack", *names])
        for i in range(n):
            values = found[i % len(found)].values
            cells = [_cell(values.get(name)) for name in names]
            cells[names.index("city.name")] = f"城{i}号"
            out.writerow([pack.id, *cells])
    return path


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_workers_give_the_same_bytes_as_one_process(tmp_path, fmt):
    folder = _cities(tmp_path / "cities", 150)  # files in parts of 32
    table = _table(tmp_path / "table.csv", 300)  # rows in parts of 128
    for given in (folder, table):
        outs = []
        for jobs in ("1", "2"):
            out = tmp_path / f"{jobs}.{fmt}"
            done = run(
                "assess", str(given), "--format", fmt, "-o", str(out), "--no-timestamp",
                "--jobs", jobs,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
            outs.append(out.read_bytes())
        assert outs[0] == outs[1]
        assert outs[0].count("城299号".encode() if given == table else "城149号".encode()) == 1


def test_a_bad_file_in_a_parallel_batch_is_reported_with_every_other_and_writes_nothing(
    tmp_path,
):
    folder = _cities(tmp_path / "cities", 120)
    bad = folder / "c0050.yaml"
    bad.write_text(
        bad.read_text(encoding="utf-8").replace("city_staff: ", "city_staff: -", 1),
        encoding="utf-8",
    )
    (folder / "c0100.yaml").write_bytes((folder / "c0004.yaml").read_bytes())
    out = tmp_path / "out.json"
    out.write_text("old", encoding="utf-8")
    done = run("assess", str(folder), "--format", "json", "-o", str(out), "--jobs", "2")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "c0050.yaml，第" in done.stderr and "不能为负数" in done.stderr
    assert "c0100.yaml，字段 city.name：城市 城4号" in done.stderr
    assert "重复提交（另见" in done.stderr and "c0004.yaml）" in done.stderr
    assert out.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cities", "out.json"]


def test_ctrl_c_in_a_parallel_batch_stops_every_process_and_leaves_nothing(tmp_path):
    folder = _cities(tmp_path / "cities", 3000)  # about 3 s of work on two cores
    out = tmp_path / "out.jsonl"
    temp = tmp_path / "temp"  # where the workers spool each city's JSON
    temp.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-m", "ipscore", "assess", str(folder), "--format", "jsonl",
         "-o", str(out), "--jobs", "2"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, env={**os.environ, "TMPDIR": str(temp)},
        preexec_fn=as_in_a_terminal,
    )  # fmt: skip
    time.sleep(1.5)
    # Ctrl-C in a terminal reaches the whole process group: the workers too.
    os.killpg(child.pid, signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130
    assert "已中断，没有留下写了一半的文件" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cities", "temp"]
    assert list(temp.iterdir()) == []


def test_a_full_temporary_folder_is_one_message(monkeypatch):
    # A worker spools each city's JSON in TMPDIR; a full one (here /dev/full) is a message
    # for the parent to give, not an OSError from a worker.
    monkeypatch.setattr(batch, "_worker", batch._Worker(batch.Job(json="indented")))
    with open("/dev/full", "wb") as full:
        monkeypatch.setattr(batch, "_spool", full)
        with pytest.raises(InputError, match=r"无法写入临时文件（磁盘已满）：JSON 先暂存在"):
            batch._work(batch._Files((SCENARIOS / "wuhan-2015.yaml",)))


def test_no_temporary_folder_is_one_message_and_no_output(tmp_path, monkeypatch):
    def full(*_, **__):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkdtemp", full)
    out = tmp_path / "out.json"
    with pytest.raises(InputError, match=r"无法写入临时文件（磁盘已满）"):
        batch.write([SCENARIOS], "json", out, batch.job_for("json", None, None, None))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "pack_id",
    [
        "cnipa-2015-demo-city",
        "harbin-2007-demo-city",
        "jiaxing-2008-pilot-city",
        "northeast-2017-opinions",
        "xuancheng-2019-strong-city",
    ],
)
def test_the_drop_grid_agrees_with_summarize_for_every_combination(pack_id):
    pack = find_pack(pack_id)
    cities = [s for p, s in read_all([SCENARIOS / pack_id if pack_id[0] != "c" else SCENARIOS])
              if p.id == pack_id]  # fmt: skip
    assert cities
    decided = [engine_for(pack).verdicts(s) for s in cities]
    ids = [t.id for t in pack.tasks]
    most = len(ids) if len(ids) <= 9 else 2  # 512 for the 2015 plan; pairs for longer packs
    combos = [c for k in range(most + 1) for c in itertools.combinations(ids, k)]
    grid = drop_grid(pack, decided, combos)
    codes = [b.code for b in pack.scoring.grades]
    ten = 10**pack.scoring.decimals
    for i, verdicts in enumerate(decided):
        mandatory = mandatory_tasks(pack, verdicts.mandatory_rules)
        for j, dropped in enumerate(combos):
            one = summarize(pack, toggle(pack, verdicts, dropped, (), "t").statuses, mandatory)
            assert grid.exact(i, j) == one.exact
            assert grid.rounded[i, j] == one.score * ten
            assert codes[grid.grade[i, j]] == one.band.code


def test_an_output_never_overwrites_a_file_a_worker_read(tmp_path):
    folder = _cities(tmp_path / "cities", 100)
    target = folder / "c0090.yaml"  # read by a worker, not by the command itself
    before = target.read_bytes()
    done = run("assess", str(folder), "--format", "json", "-o", str(target), "--jobs", "2")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "这是本次读取的输入文件，不会覆盖它" in done.stderr
    assert target.read_bytes() == before


def test_a_csv_batch_is_assessed_without_openpyxl_or_sqlalchemy(tmp_path):
    # Loading them was a third of a second of every batch's start; a CSV needs neither.
    table, out = _table(tmp_path / "batch.csv", 3), tmp_path / "out.csv"
    code = (
        "import sys; from ipscore.cli import main\n"
        f"sys.argv = ['ipscore', 'assess', {str(table)!r}, '--format', 'csv', '-o', {str(out)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('openpyxl', 'sqlalchemy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.splitlines()[-1] == "[]", done.stderr
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 4


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_csv_of_several_packs_is_to_csv_byte_for_byte(tmp_path, lang):
    # The workers write each row for its own pack's columns; the cities of the other packs
    # have their cells moved to where the columns of all of them are. Names with quotes,
    # commas and a formula must come through both exactly (a line break in a name is refused
    # when it is read: tests/test_names.py).
    cities = tmp_path / "cities"
    shutil.copytree(SCENARIOS / "harbin-2007-demo-city", cities)
    for i, name in enumerate(['"戊",己市', "=HYPERLINK(1)"]):
        text = (SCENARIOS / "wuhan-2015.yaml").read_text(encoding="utf-8")
        (cities / f"w{i}.yaml").write_text(
            text.replace("name: 武汉市", f"name: {json.dumps(name)}"), encoding="utf-8"
        )
    paths = [cities, SCENARIOS / "jiaxing-2008-pilot-city"]
    whole = to_csv(assess_paths(paths), lang=lang)
    rows = list(csv.reader(io.StringIO(whole, newline="")))
    assert {"cnipa-2015-demo-city", "harbin-2007-demo-city", "jiaxing-2008-pilot-city"} <= {
        row[4] for row in rows[1:]
    }
    assert {'"戊",己市', "'=HYPERLINK(1)"} <= {row[0] for row in rows}
    out = tmp_path / "all.csv"
    batch.write(paths, "csv", out, batch.job_for("csv", None, None, None, lang), 2, lang)
    assert out.read_bytes().decode("utf-8") == "\ufeff" + whole


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_spooled_json_is_copied_whole_with_or_without_the_kernel_s_copy(
    tmp_path, monkeypatch, kernel_copy
):
    # Across file systems (or where copy_file_range is missing) the bytes go through here.
    if not kernel_copy:

        def across(*_):
            raise OSError(errno.EXDEV, "Invalid cross-device link")

        monkeypatch.setattr(os, "copy_file_range", across)
    spooled = tmp_path / "spooled"
    spooled.write_bytes(b"x" * 100 + bytes(range(256)) * 5000 + b"y" * 100)
    out = tmp_path / "out.bin"
    fd = os.open(spooled, os.O_RDONLY)
    try:
        with output.staged(out) as sink:
            sink.write(b"[")
            sink.copy(fd, 100, 256 * 5000)
            sink.write(b"]")
    finally:
        os.close(fd)
    assert out.read_bytes() == b"[" + bytes(range(256)) * 5000 + b"]"
