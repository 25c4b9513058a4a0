"""Assessing a batch as it is read: city by city, spread over worker processes, results in
input order and written as they arrive, with only what ranking needs kept in memory.

The parent lists the files and reads a table's rows (the csv module, in C); workers read each
submission, assess it through the pipeline and serialise the result; the parent writes. A bad
file does not stop the others from being read, so every problem is reported in one pass, and
the staged output is then dropped whole.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import itertools
import multiprocessing
import os
import shutil
import signal
import tempfile
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import orjson

from ..decide.pipeline import assess
from ..decide.results import Assessment
from ..decide.scoring import RankKey, rank_key, ranks
from ..errors import MOST_PROBLEMS, InputError, IpscoreError, Problem, display_path, too_many
from ..intake.files import (
    SHEET_SUFFIXES,
    is_batch,
    located,
    pack_chooser,
    read_file,
    submission_files,
    twice,
)
from ..intake.submission import PackChooser, Submission
from ..packs.experts import filed_expert_fields
from ..record.archiving import Archived, archived, entry
from ..record.storing import store
from ..text import cell_text
from ..yamlio import READ
from . import output

if TYPE_CHECKING:
    from ..record.replay import Refreshed
    from ..store.archive import Archive

FILES_PER_PART = 32  # submission files a worker reads per request
ROWS_PER_PART = 128  # table rows a worker types per request
AHEAD = 4  # parts in flight per worker: enough to keep it busy, few enough to bound memory


@dataclass(frozen=True)
class Job:
    """What every worker needs: how packs are chosen, where other years are found, and what
    to make of each city (its JSON indented or on one line, its CSV record)."""

    pack_id: str | None = None
    db: str | None = None
    json: Literal["indented", "line"] | None = None
    csv: str | None = None  # the language of a CSV's cells, when a CSV is written
    produced_at: str | None = None
    # `archive add`: every year's submissions are read, and each is made an archive record
    # (stored at, stored by, why); only those of the year its pack assesses are assessed.
    store: tuple[str, str | None, str | None] | None = None
    # A folder where the workers leave each city's JSON, so that only its place crosses the
    # pipe to the one process that writes (a city's JSON is 43 KB; passing it on was a sixth
    # of a batch).
    spool: str | None = None


# Not frozen: made and pickled once a city, and frozen dataclasses are slow to make. Read-only.
@dataclass(slots=True)
class Outcome:
    """One city assessed, or a file or row that could not be: what the parent needs of it."""

    source: str
    problems: tuple[Problem, ...] = ()
    key: tuple[str, str, int] | None = None  # pack, city, year: each submitted once
    row: tuple[str, int, str | None] | None = None  # table, row, city column: for "重复"
    json: bytes | None = None
    json_at: tuple[int, int, int] | None = None  # or where it was spooled: worker, offset, size
    csv: output.CsvRow | None = None  # the CSV row, as written but for the rank
    rank: RankKey | None = None
    record: bytes | None = None  # the archive record, as JSON
    stored: Archived | None = None  # what `archive add` says of it


@dataclass(frozen=True)
class _Files:
    paths: tuple[Path, ...]


@dataclass(frozen=True)
class _Rows:
    table: Any  # sheets.Table (openpyxl loads only when a sheet is read)
    rows: tuple[tuple[int, list[Any]], ...]


@dataclass(frozen=True)
class _Ready:
    submissions: tuple[Submission, ...]  # a fill-in form, read by the parent


_Part = _Files | _Rows | _Ready


class _Worker:
    """This process's share of a job: its pack chooser and its view of the archive."""

    def __init__(self, job: Job):
        from ..store.lazy import configured

        self.job = job
        self.any_year = job.store is not None
        self.choose: PackChooser = pack_chooser(job.pack_id)
        self.years = configured(job.db)

    def close(self) -> None:
        if self.years is not None:
            self.years.close()

    def work(self, part: _Part) -> list[Outcome]:
        if isinstance(part, _Ready):
            return [self._assessed(s) for s in part.submissions]
        if isinstance(part, _Rows):
            from ..intake.sheets import row_source, typed

            out = []
            for row in typed(part.table, part.rows, self.choose, self.any_year):
                if isinstance(row.result, IpscoreError):
                    source = row_source(part.table, row.n)
                    out.append(Outcome(source, tuple(row.result.problems)))
                else:
                    where = (part.table.where, row.n, row.city_column)
                    out.append(self._assessed(row.result, where))
            return out
        out = []
        for path in part.paths:
            try:
                found = read_file(path, self.choose, self.any_year)
            except IpscoreError as exc:
                out.append(Outcome(display_path(path), tuple(exc.problems)))
                continue
            out += [self._assessed(s) for s in found]
        return out

    def _assessed(
        self, submission: Submission, row: tuple[str, int, str | None] | None = None
    ) -> Outcome:
        job = self.job
        pack = self.choose(submission.pack_id)
        if job.store and (refused := filed_expert_fields(pack.experts, submission)):
            return Outcome(submission.source, tuple(refused), row=row)
        try:
            a = (
                assess(pack, submission, self.years)
                if job.store is None or submission.year == pack.pack.year
                else None
            )
        except IpscoreError as exc:  # an archive that cannot be read
            return Outcome(submission.source, tuple(exc.problems), row=row)
        if job.store is not None:
            stored_at, by, reason = job.store
            record = entry(pack, submission, a, stored_at).record(stored_at, by, reason)
            return Outcome(
                submission.source,
                key=(submission.pack_id, submission.city, submission.year),
                row=row,
                record=orjson.dumps(record),
                stored=archived(pack, submission, a, len(record["figures"])),
            )
        assert a is not None
        return Outcome(
            a.source,
            key=(submission.pack_id, a.city, submission.year),
            row=row,
            json=None if job.json is None else self._json(a),
            csv=None if job.csv is None else output.csv_row(a, job.produced_at, job.csv),
            rank=rank_key(a),
        )

    def _json(self, a: Assessment) -> bytes:
        """One line for JSON Lines; indented as an item of the list (the worker does the
        shifting, not the one process that writes)."""
        data = a.to_dict(self.job.produced_at)
        if self.job.json == "line":
            return output.json_bytes(data, indent=False)
        return output.in_list(data)


_worker: _Worker | None = None  # in a worker process: its share of the job


_spool: IO[bytes] | None = None  # in a worker process: where its cities' JSON goes


def _start(job: Job) -> None:
    global _worker, _spool
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _worker = _Worker(job)
    if job.spool is not None:  # open for the worker's life, which closes it
        _spool = Path(job.spool, f"{os.getpid()}.json").open("wb")  # noqa: SIM115


def _work(part: _Part) -> tuple[list[Outcome], set[tuple[int, int]]]:
    """A part's outcomes, and the files read for it (a reference file too): the parent adds
    them to the files no output may overwrite."""
    assert _worker is not None
    READ.clear()  # this worker's own record, handed to the parent part by part
    done = _worker.work(part)
    if _spool is not None:
        try:
            for o in done:
                if o.json is not None:
                    o.json_at = (os.getpid(), _spool.tell(), len(o.json))
                    _spool.write(o.json)
                    o.json = None
            _spool.flush()
        except OSError as exc:  # a full temporary folder
            raise _no_room(exc) from None
    return done, set(READ)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0))


def outcomes(paths: Iterable[str | Path], job: Job, jobs: int | None = None) -> Iterator[Outcome]:
    """Every city of the paths assessed, in input order. The first part is done here, which
    loads its packs and compiles their rules before the workers are forked with them."""
    here = _Worker(job)
    try:
        yield from _spread(here, _parts(paths, here.choose), jobs)
    finally:
        gc.unfreeze()  # a long-lived caller (a server) gets its objects collected again
        here.close()


def _spread(
    here: _Worker, parts: Iterator[_Part | list[Outcome]], jobs: int | None
) -> Iterator[Outcome]:
    first = next(parts, None)
    if first is None:
        return
    # One city here is enough to load its pack and compile the rules; the rest of the first
    # part goes to the workers with the others.
    first, rest_of_first = _one_and_rest(first)
    yield from first if isinstance(first, list) else here.work(first)
    rest = rest_of_first or next(parts, None)
    if rest is None:
        return
    parts = itertools.chain([rest], parts)
    # The packs, compiled rules and models are loaded now and live as long as the job: kept
    # out of the collector's scans (about 5% of a large batch), and their pages stay shared
    # with the forked workers instead of being copied when a collection touches them.
    gc.freeze()
    jobs = default_jobs() if jobs is None else jobs
    if jobs <= 1:
        for part in parts:
            yield from part if isinstance(part, list) else here.work(part)
        return
    pool = multiprocessing.get_context("fork").Pool(jobs, _start, (here.job,))
    try:
        window: deque[Any] = deque()
        for part in parts:
            window.append(part if isinstance(part, list) else pool.apply_async(_work, (part,)))
            if len(window) >= AHEAD * jobs:
                yield from _result(window.popleft())
        while window:
            yield from _result(window.popleft())
        pool.close()
    finally:
        pool.terminate()  # at once on Ctrl-C or an error; no-op once closed and drained
        pool.join()


def _one_and_rest(part: _Part | list[Outcome]) -> tuple[_Part | list[Outcome], _Part | None]:
    if isinstance(part, _Rows) and len(part.rows) > 1:
        return _Rows(part.table, part.rows[:1]), _Rows(part.table, part.rows[1:])
    if isinstance(part, _Files) and len(part.paths) > 1:
        return _Files(part.paths[:1]), _Files(part.paths[1:])
    return part, None


def _result(entry: Any) -> list[Outcome]:
    if isinstance(entry, list):
        return entry
    done: list[Outcome]
    done, read = entry.get()
    READ.update(read)
    return done


def _parts(paths: Iterable[str | Path], choose: PackChooser) -> Iterator[_Part | list[Outcome]]:
    """The work in parts, in input order; a file that cannot even be opened is its outcome."""
    files: list[Path] = []
    for path in submission_files(paths):
        if path.suffix.lower() not in SHEET_SUFFIXES:
            files.append(path)
            if len(files) == FILES_PER_PART:
                yield _Files(tuple(files))
                files = []
            continue
        if files:
            yield _Files(tuple(files))
            files = []
        yield from _sheet_parts(path, choose)
    if files:
        yield _Files(tuple(files))


def _sheet_parts(path: Path, choose: PackChooser) -> Iterator[_Part | list[Outcome]]:
    from ..intake.sheets import empty, open_sheet

    try:
        opened = open_sheet(path, choose)
        if isinstance(opened, Submission):
            yield _Ready((opened,))
            return
        table, body = opened
        rows = 0
        while part := tuple(itertools.islice(body, ROWS_PER_PART)):
            rows += len(part)
            yield _Rows(table, part)
        if not rows:
            yield [Outcome(table.where, (empty(table),))]
    except IpscoreError as exc:
        yield [Outcome(display_path(path), tuple(located(exc, path).problems))]


class Results:
    """The outcomes of a batch checked as they arrive: problems gathered (each once), a city
    submitted twice caught, and only the good cities passed on."""

    def __init__(self) -> None:
        self.problems: dict[Problem, None] = {}
        self._seen: dict[tuple[str, str, int], Outcome] = {}  # kept without its output

    def good(self, found: Iterable[Outcome]) -> Generator[Outcome, None, None]:
        for o in found:
            if len(self.problems) >= MOST_PROBLEMS:  # a junk batch: stop reading it
                listed = list(self.problems)[:MOST_PROBLEMS]
                self.problems = dict.fromkeys([*listed, too_many(None)])
                return
            if o.problems:
                self.problems.update(dict.fromkeys(o.problems))
                continue
            assert o.key is not None
            first = self._seen.get(o.key)
            if first is not None:
                self.problems[self._twice(o, first)] = None
                continue
            self._seen[o.key] = Outcome(o.source, row=o.row)
            if not self.problems:  # once one fails, the output is dropped: stop writing
                yield o

    @staticmethod
    def _twice(o: Outcome, first: Outcome) -> Problem:
        city = o.key[1] if o.key else "?"
        if o.row and first.row and o.row[0] == first.row[0]:
            from ..intake.sheets import twice as twice_in_table

            return twice_in_table(o.row[0], o.row[1], city, first.row[1], o.row[2])
        return twice(city, o.source, first.source)

    def check(self) -> None:
        if self.problems:
            raise InputError(list(self.problems))


def job_for(
    fmt: str, pack_id: str | None, db: str | None, produced_at: str | None, lang: str = "zh"
) -> Job:
    """The job of writing `fmt` (json, jsonl or csv) for a reader of `lang`."""
    shape: dict[str, Literal["indented", "line"]] = {"json": "indented", "jsonl": "line"}
    return Job(pack_id, db, shape.get(fmt), lang if fmt == "csv" else None, produced_at)


def write(
    paths: Iterable[str | Path],
    fmt: str,
    target: Path | None,
    job: Job,
    jobs: int | None = None,
    lang: str = "zh",
) -> int:
    """`ipscore assess … --format json|jsonl|csv`: the whole output, staged, written as the
    cities are assessed; the number of cities."""
    paths = list(paths)
    single_file = not is_batch(paths)
    results = Results()
    with (
        output.staged(target) as sink,
        _Spooled(job.json is not None and jobs != 1) as spooled,
        # Closed here, so the workers are stopped before their spooled JSON is removed.
        contextlib.closing(
            results.good(outcomes(paths, replace(job, spool=spooled.folder), jobs))
        ) as found,
    ):
        if fmt == "csv":
            count = _write_csv(found, sink, results, target is not None, lang)
        elif fmt == "jsonl":
            count = 0
            for count, o in enumerate(found, start=1):  # noqa: B007 (count is the result)
                spooled.put(o, sink)
                sink.write(b"\n")
        else:
            count = _write_json(found, sink, single_file, spooled)
        results.check()
    return count


class _Spooled:
    """The workers' spooled JSON, read by the one process that writes: a folder of a file a
    worker, removed at the end whatever happens."""

    def __init__(self, wanted: bool):
        try:
            self.folder = tempfile.mkdtemp(prefix="ipscore-json-") if wanted else None
        except OSError as exc:
            raise _no_room(exc) from None
        self._files: dict[int, int] = {}  # worker → its file, open for reading

    def __enter__(self) -> _Spooled:
        return self

    def __exit__(self, *_: object) -> None:
        for fd in self._files.values():
            os.close(fd)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def put(self, o: Outcome, sink: output.Sink) -> None:
        """A city's JSON into the output, from where it is."""
        if o.json is not None:
            sink.write(o.json)
        else:
            assert o.json_at is not None
            worker, offset, size = o.json_at
            sink.copy(self._file(worker), offset, size)

    def bytes_of(self, o: Outcome) -> bytes:
        if o.json is not None:
            return o.json
        assert o.json_at is not None
        worker, offset, size = o.json_at
        return os.pread(self._file(worker), size, offset)

    def _file(self, worker: int) -> int:
        if worker not in self._files:
            assert self.folder is not None
            self._files[worker] = os.open(Path(self.folder, f"{worker}.json"), os.O_RDONLY)
        return self._files[worker]


def _no_room(exc: OSError) -> InputError:
    """The temporary folder where the workers spool JSON could not be written."""
    zh, en = output.why_unwritable(exc)
    where = tempfile.gettempdir()
    return InputError(
        [
            Problem(
                f"无法写入临时文件（{zh}）：JSON 先暂存在 {where}，请腾出空间或用 TMPDIR "
                "指定别的文件夹；没有留下不完整的文件",
                f"cannot write a temporary file ({en}): JSON is staged in {where} first; free "
                "space there or name another folder with TMPDIR; no partial file was left",
            )
        ]
    )


def _write_json(
    found: Iterator[Outcome], sink: output.Sink, single_file: bool, spooled: _Spooled
) -> int:
    """One object for a file with one city, else an indented list, as `output.to_json`; each
    city comes indented as an item of the list."""
    first = next(found, None)
    if first is None:
        return 0
    count = 1
    for o in found:
        if count == 1:
            sink.write(b"[\n")
            spooled.put(first, sink)
        sink.write(b",\n")
        spooled.put(o, sink)
        count += 1
    if count == 1 and single_file:
        sink.write(output.out_of_list(spooled.bytes_of(first)) + b"\n")
    elif count == 1:
        sink.write(b"[\n" + spooled.bytes_of(first) + b"\n]\n")
    else:
        sink.write(b"\n]\n")
    return count


def _write_csv(
    found: Iterator[Outcome], sink: output.Sink, results: Results, bom: bool, lang: str
) -> int:
    """Rows in ranking order, as `output.to_csv`: the rows wait in a spool file on disk and
    only their rank keys in memory."""
    keys: list[RankKey] = []
    places: list[tuple[int, int, int, int]] = []  # where, head's and tail's length, columns
    column_sets: dict[tuple[str, ...], int] = {}
    with tempfile.TemporaryFile() as spool:
        at = 0
        for o in found:
            assert o.csv is not None and o.rank is not None
            columns, head, tail = o.csv
            which = column_sets.setdefault(columns, len(column_sets))
            places.append((at, len(head), len(tail), which))
            spool.write(head + tail)
            at += len(head) + len(tail)
            keys.append(o.rank)
        if results.problems or not keys:
            return len(keys)
        _spooled_rows(spool, places, keys, list(column_sets), sink, bom, lang)
    return len(keys)


def _spooled_rows(
    spool: IO[bytes],
    places: list[tuple[int, int, int, int]],
    keys: list[RankKey],
    column_sets: list[tuple[str, ...]],
    sink: output.Sink,
    bom: bool,
    lang: str,
) -> None:
    """The spooled rows in ranking order, each with its rank and tie put in. Their cells come
    finished from the workers (in the reader's words, never a formula); a batch of several
    packs has each row's cells moved to where their columns are."""
    names = output.csv_columns(dict.fromkeys(c) for c in column_sets)
    body = tuple(names[: -len(output.CSV_TAIL)])
    if bom:
        sink.write(b"\xef\xbb\xbf")
    heads = [cell_text(h) for h in output.csv_heads(names, lang)]
    out = bytearray(output.csv_text(heads) + b"\n")
    tie_cells = {
        tied: str(cell_text(output.csv_cell("rank_tied", tied, lang))).encode()
        for tied in (True, False)
    }
    for i, rank, tied in ranks(keys):
        at, head_size, tail_size, which = places[i]
        spool.seek(at)
        data = spool.read(head_size + tail_size)
        head, tail = data[:head_size], data[head_size:]
        if column_sets[which] != body:
            row = next(csv.reader([head.decode("utf-8")]))
            cells = dict(zip(column_sets[which], row, strict=True))
            head = output.csv_text(cells.get(c, "") for c in body)
        out += b"%s,%d,%s,%s\n" % (head, rank, tie_cells[tied], tail)
        if len(out) > 1 << 20:
            sink.write(bytes(out))
            out.clear()
    sink.write(bytes(out))


def archive(
    into: Archive,
    paths: Iterable[str | Path],
    stored_at: str,
    by: str | None = None,
    pack: str | None = None,
    jobs: int | None = None,
    reason: str | None = None,
) -> tuple[list[Archived], list[Refreshed]]:
    """`ipscore archive add`: read and assess every file first (all problems in one pass),
    each record waiting in a spool file on disk; then store them all in one transaction, or
    none. Workers assess against the archive as it was before the batch; once the batch is
    stored, every current result reading a year it stored is assessed again in the same
    transaction (`archiving.store`). A record that says what its current version says is not
    stored again (`Archived.unchanged`)."""
    if ":memory:" in into.url:
        jobs = 1  # workers could not see a database that lives in this process
    job = Job(pack, into.url, produced_at=stored_at, store=(stored_at, by, reason))
    results = Results()
    done: list[Archived] = []
    with tempfile.TemporaryFile() as spool:
        for o in results.good(outcomes(paths, job, jobs)):
            assert o.record is not None and o.stored is not None
            spool.write(o.record + b"\n")
            done.append(o.stored)
        results.check()
        spool.seek(0)
        return store(
            into,
            (orjson.loads(line) for line in spool),
            done,
            stored_at,
            by,
            pack_chooser(pack),
        )
