"""Serialising results (JSON, CSV) and writing output files whole or not at all."""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson

from .. import interrupt
from ..decide.results import Assessment
from ..decide.scoring import rank_key, ranks, status_row
from ..errors import InputError, Problem, display_path, resolved
from ..provenance import data_notes
from ..text import cell_text
from ..verdicts import LABELS, TASK_LABELS
from ..yamlio import READ
from .points import csv_head_zh, csv_points


def to_json(assessments: list[Assessment], single: bool, produced_at: str | None = None) -> str:
    """One object for one city's file, else a list; each result carries its provenance."""
    if single:
        return dumps(assessments[0].to_dict(produced_at))
    return dumps([a.to_dict(produced_at) for a in assessments])


def validation(
    results: Sequence[Assessment], problems: Sequence[Problem], produced_at: str | None
) -> dict[str, Any]:
    """`ipscore validate --format json`: each usable file with what it misses, then every
    problem of the files that are not usable."""
    return {
        "ok": not problems,
        "files": [
            {
                "source": a.source,
                "city": a.city,
                "pack": a.pack.id,
                "year": a.year,
                "missing": list(a.missing),
                "uncomputable": list(a.uncomputable),
                "warnings": list(a.warnings),
            }
            for a in results
        ],
        "problems": [p.to_dict() for p in problems],
        "produced_at": produced_at,
    }


def dumps(data: Any) -> str:
    """JSON as every command writes it: UTF-8 Chinese, indented, one newline at the end."""
    return json_bytes(data).decode("utf-8") + "\n"


def json_bytes(data: Any, indent: bool = True) -> bytes:
    """UTF-8 JSON, indented by two spaces or on one line; orjson (about fifteen times faster
    than the standard library when indenting), or the standard library for what orjson
    cannot write (an integer beyond 64 bits)."""
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 if indent else 0)
    except TypeError:  # orjson.JSONEncodeError
        text = json.dumps(
            data, ensure_ascii=False, indent=2 if indent else None, separators=_SEPARATORS[indent]
        )
        return text.encode("utf-8")


_SEPARATORS = {True: (",", ": "), False: (",", ":")}


def in_list(data: Any) -> bytes:
    """An object as an item of an indented JSON list (its lines one level deeper), without
    the list's brackets: the item of a one-item list, so the indenting is done in one pass."""
    return json_bytes([data])[2:-2]


def out_of_list(item: bytes) -> bytes:
    """`in_list` undone: every line was shifted by two spaces."""
    return item[2:].replace(b"\n  ", b"\n")


# The CSV's last columns: the rank and whether another city shares it, then where the row
# came from.
CSV_TAIL = (
    "rank_in_tier",
    "rank_tied",
    "pack_version",
    "pack_sha256",
    "input_sha256",
    "data_note",
    "ipscore_version",
    "produced_at",
)


# Column headings of the CSV in Chinese; task and requirement ids stay as they are.
CSV_HEADS_ZH = {
    "city": "城市",
    "province": "省份",
    "level": "层级",
    "batch": "批次",
    "pack": "规则包",
    "score": "得分",
    "grade": "等级代码",
    "grade_label": "等级",
    "mandatory_complete": "必做任务全部完成",
    "source": "填报文件",
    "rank_in_tier": "层级内名次",
    "rank_tied": "名次并列",
    "pack_version": "规则包版本",
    "pack_sha256": "规则包指纹",
    "input_sha256": "文件指纹",
    "data_note": "数据说明",
    "ipscore_version": "ipscore版本",
    "produced_at": "生成时间",
}
# The contract's tier codes (cnipa-2015.md), the tiers every ranking is made within.
LEVELS_ZH = {
    "sub_provincial": "副省级",
    "prefecture": "地级",
    "county_level": "县级市",
    "municipal_district": "直辖市所辖区",
}
_WORDS_ZH: dict[Any, str] = {
    **{str(k): v for k, v in LABELS["zh"].items()},
    **{str(k): v for k, v in TASK_LABELS["zh"].items()},
}


def csv_heads(columns: Sequence[str], lang: str) -> list[str]:
    """The heading row in the reader's language; English keeps the codes tools read."""
    if lang == "en":
        return list(columns)
    return [CSV_HEADS_ZH.get(c) or csv_head_zh(c) or c for c in columns]


def csv_cell(column: str, value: Any, lang: str) -> Any:
    """A cell in the reader's language: 是/否, 达到/未达到, 完成/未完成 (English: the codes)."""
    if lang == "en":
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if column == "level":
        return LEVELS_ZH.get(value, value)
    if column in CSV_HEADS_ZH:
        return value
    return _WORDS_ZH.get(value, value) if isinstance(value, str) else value


def csv_record(a: Assessment, produced_at: str | None = None) -> dict[str, Any]:
    """A city's CSV row as column → value, without its rank (known once all are scored)."""
    origin = a.provenance(produced_at)
    row = status_row(a)
    row.update(csv_points(a))  # a points sheet's items: points.<item>, self_score.<item>
    row["pack_version"] = origin.pack_version
    row["pack_sha256"] = origin.pack_sha256
    row["input_sha256"] = origin.inputs[0].sha256 if origin.inputs else None
    row["data_note"] = "；".join(data_notes(origin.inputs).values())
    row["ipscore_version"] = origin.ipscore_version
    row["produced_at"] = origin.produced_at
    return row


# A task's or a requirement's state as its cell reads, by language.
_STATE_CELLS = {
    lang: {code: str(cell_text(csv_cell("state", code, lang))) for code in _WORDS_ZH}
    for lang in ("zh", "en")
}


def csv_cells(a: Assessment, produced_at: str | None, lang: str) -> dict[str, str]:
    """A city's CSV row, but for its rank, as `to_csv` writes its cells: what a batch's
    workers hand on, so that writing the ranked rows at the end is only joining them."""
    states = _STATE_CELLS["en" if lang == "en" else "zh"]  # most cells are states
    out = {}
    for column, value in csv_record(a, produced_at).items():
        known = states.get(value) if column not in CSV_HEADS_ZH else None
        if known is None:
            known = "" if value is None else str(cell_text(csv_cell(column, value, lang)))
        out[column] = known
    return out


# A city's CSV row but for its rank: its columns before the rank, and as CSV text its cells
# there and the provenance cells after the rank.
CsvRow = tuple[tuple[str, ...], bytes, bytes]
_COLUMN_SETS: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple for all of a pack's rows


def csv_row(a: Assessment, produced_at: str | None, lang: str) -> CsvRow:
    """A city's CSV row but for its rank, its cells as `to_csv` writes them: what a batch's
    workers hand on, so that the ranked rows at the end only take their rank in. A pack's
    rows share one tuple of columns, so it is pickled once for a part's rows."""
    cells = csv_cells(a, produced_at, lang)
    after = len(CSV_TAIL) - 2  # the provenance, after the rank and the tie
    names, values = list(cells), list(cells.values())
    columns = tuple(names[:-after])
    return (
        _COLUMN_SETS.setdefault(columns, columns),
        csv_text(values[:-after]),
        csv_text(values[-after:]),
    )


def csv_text(cells: Iterable[Any]) -> bytes:
    """Cells as one CSV line, without its line end: quoted as `csv_writer` quotes them (the
    line end it writes decides which cells are)."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerow(cells)
    return text.getvalue()[:-1].encode("utf-8")


def csv_columns(records: Iterable[dict[str, Any]]) -> list[str]:
    """Every column, in the order the records name them (cities of several packs have
    several sets of tasks), the rank and the tie before the provenance."""
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(k for k in record if k not in CSV_TAIL))
    return [*columns, *CSV_TAIL]


def csv_writer(handle: IO[str]) -> Callable[[Iterable[Any]], Any]:
    """Rows as spreadsheets read them: empty for none, text never a formula."""
    writer = csv.writer(handle, lineterminator="\n")
    return lambda cells: writer.writerow(["" if c is None else cell_text(c) for c in cells])


def to_csv(assessments: list[Assessment], produced_at: str | None = None, lang: str = "zh") -> str:
    """One row per city in ranking order; the last columns say where each row came from."""
    records = [csv_record(a, produced_at) for a in assessments]
    handle = io.StringIO()
    write = csv_writer(handle)
    columns = csv_columns(records)
    write(csv_heads(columns, lang))
    for i, rank, tied in ranks([rank_key(a) for a in assessments]):
        row = {**records[i], "rank_in_tier": rank, "rank_tied": tied}
        write([csv_cell(c, row.get(c), lang) for c in columns])
    return handle.getvalue()


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write `content` whole or not at all (see `staged`)."""
    write_all({path: content})


def write_all(files: dict[Path, str | bytes]) -> None:
    """Write several files (a report and its cities' reports) all or none: each is staged
    beside its target first, and only when every one is complete are they renamed."""
    with contextlib.ExitStack() as stack:
        for path, content in files.items():
            data = (
                content.encode("utf-8-sig" if path.suffix.lower() == ".csv" else "utf-8")
                if isinstance(content, str)
                else content
            )
            sink = stack.enter_context(staged(path))
            sink.write(data)
            # A short write (a size limit) surfaces only when the buffer is flushed: flush now,
            # so a file that cannot be written whole fails before any file is renamed.
            sink.flush()


class Sink:
    """Where a staged output's bytes go; a failed write says why in the user's words."""

    def __init__(self, handle: IO[bytes], name: str):
        self._handle = handle
        self.name = name

    def write(self, data: bytes) -> None:
        try:
            self._handle.write(data)
        except OSError as exc:
            raise _unwritable(self.name, exc) from None

    def flush(self) -> None:
        try:
            self._handle.flush()
        except OSError as exc:
            raise _unwritable(self.name, exc) from None

    def copy(self, fd: int, offset: int, length: int) -> None:
        """`length` bytes of the file `fd` from `offset` (a worker's spooled JSON), copied
        by the kernel where it can, with no pass through this process."""
        try:
            self._handle.flush()
            out = self._handle.fileno()
            while length:
                try:
                    done = os.copy_file_range(fd, out, length, offset)
                except OSError as exc:
                    if exc.errno not in (errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
                        raise
                    done = os.write(out, os.pread(fd, min(length, 1 << 20), offset))
                if done == 0:
                    raise OSError(errno.EIO, "the spooled output ended early")
                offset, length = offset + done, length - done
            self._handle.seek(0, os.SEEK_END)  # the buffered writer goes on where the copy ended
        except OSError as exc:
            raise _unwritable(self.name, exc) from None


@contextmanager
def staged(path: Path | None) -> Iterator[Sink]:
    """A place to write an output piece by piece that becomes `path` only when the block ends
    without error: a temporary file beside the target, then renamed. A reader never sees half
    a file, and a failure (a bad input found late, a full disk, a size limit, Ctrl-C) leaves
    the old file as it was. With no path, standard output gets the bytes once all are there.

    Never an input of this run, never a device or a folder; through a symlink the file it
    points to is replaced, not the link; an existing file keeps its permissions."""
    if path is None:
        with tempfile.TemporaryFile() as spool:
            yield Sink(spool, "stdout")
            interrupt.check()
            spool.seek(0)
            shutil.copyfileobj(spool, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        return
    name = display_path(path)
    target = _writable(path, name)
    mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(name, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield Sink(handle, name)
            try:
                handle.flush()
            except OSError as exc:
                raise _unwritable(name, exc) from None
        interrupt.check()  # a Ctrl-C that a library swallowed still keeps the old file
        _writable(path, name)  # inputs read while the output was written count too
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _unwritable(name, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def make_folder(folder: Path) -> bool:
    """Create an output folder (a report set's city reports) if it is not there; whether it
    was made. A missing parent or a read-only one is a clear error, not a traceback."""
    name = display_path(folder)
    if not folder.parent.is_dir():
        raise InputError([Problem("输出目录不存在", "the output directory does not exist", name)])
    if folder.is_dir():
        return False
    try:
        folder.mkdir()
    except OSError as exc:
        raise _unwritable(name, exc) from None
    return True


def _writable(path: Path, name: str) -> Path:
    """The file an output may replace, or the reason it may not."""
    target = resolved(path)
    if target is None:
        raise _refused(name, "符号链接绕成了圈", "its symbolic links loop")
    if target.exists() and ((info := target.stat()).st_dev, info.st_ino) in READ:
        raise _refused(name, "这是本次读取的输入文件，不会覆盖它", "it is an input of this run")
    if target.exists() and not target.is_file():
        raise _refused(name, "这不是普通文件，不会覆盖它", "it is not a regular file")
    if not target.parent.is_dir():
        raise InputError([Problem("输出目录不存在", "the output directory does not exist", name)])
    return target


def _refused(name: str, zh: str, en: str) -> InputError:
    return InputError([Problem(f"不能写到这里：{zh}", f"will not write here: {en}", name)])


def _unwritable(name: str, exc: OSError) -> InputError:
    """A write that failed, in words: a full disk, a size limit, a read-only folder."""
    zh, en = why_unwritable(exc)
    return InputError(
        [
            Problem(
                f"无法写入（{zh}），没有留下不完整的文件",
                f"cannot write ({en}); no partial file was left",
                name,
            )
        ]
    )


def why_unwritable(exc: OSError) -> tuple[str, str]:
    """Why a write failed, in Chinese and English: a full disk, a size limit …"""
    return {
        errno.ENOSPC: ("磁盘已满", "the disk is full"),
        errno.EFBIG: ("超出文件大小限制", "the file size limit was reached"),
        errno.EROFS: ("文件系统只读", "the file system is read-only"),
        errno.EACCES: ("没有写入权限", "permission denied"),
        errno.ENOENT: ("输出目录已不存在", "the output directory is gone"),
    }.get(exc.errno or 0, (exc.strerror or str(exc), exc.strerror or str(exc)))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
