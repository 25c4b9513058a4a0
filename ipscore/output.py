"""Serialising results (JSON, CSV) and writing output files whole or not at all."""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import InputError, Problem, display_path
from .provenance import data_notes
from .results import Assessment
from .scoring import batch_table
from .text import cell_text
from .yamlio import READ


def to_json(assessments: list[Assessment], single: bool, produced_at: str | None = None) -> str:
    """One object for one city's file, else a list; each result carries its provenance."""
    if single:
        return dumps(assessments[0].to_dict(produced_at))
    return dumps([a.to_dict(produced_at) for a in assessments])


def dumps(data: Any) -> str:
    """JSON as every command writes it: UTF-8 Chinese, indented, one newline at the end."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_csv(assessments: list[Assessment], produced_at: str | None = None) -> str:
    """One row per city in ranking order; the last columns say where each row came from."""
    table = batch_table(assessments)
    if table.empty:
        return table.to_csv(index=False)
    by_row = {(a.source, a.city): a for a in assessments}
    origin = [
        by_row[(source, city)].provenance(produced_at)
        for source, city in zip(table["source"], table["city"], strict=True)
    ]
    table["pack_version"] = [p.pack_version for p in origin]
    table["pack_sha256"] = [p.pack_sha256 for p in origin]
    table["input_sha256"] = [p.inputs[0].sha256 if p.inputs else None for p in origin]
    table["data_note"] = ["；".join(data_notes(p.inputs).values()) for p in origin]
    table["ipscore_version"] = [p.ipscore_version for p in origin]
    table["produced_at"] = [p.produced_at for p in origin]
    return table.map(cell_text).to_csv(index=False)


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write to a temporary file beside the target, then rename: a reader never sees half a
    file, and a failure (a full disk, a size limit, Ctrl-C) leaves the old file as it was.

    Never an input of this run, never a device or a folder; through a symlink the file it
    points to is replaced, not the link; an existing file keeps its permissions."""
    data = (
        content.encode("utf-8-sig" if path.suffix.lower() == ".csv" else "utf-8")
        if isinstance(content, str)
        else content
    )
    name = display_path(path)
    target = path.resolve()
    if target in READ:
        raise _refused(name, "这是本次读取的输入文件，不会覆盖它", "it is an input of this run")
    if target.exists() and not target.is_file():
        raise _refused(name, "这不是普通文件，不会覆盖它", "it is not a regular file")
    directory = target.parent
    if not directory.is_dir():
        raise InputError([Problem("输出目录不存在", "the output directory does not exist", name)])
    mode = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(name, exc) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _unwritable(name, exc) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _refused(name: str, zh: str, en: str) -> InputError:
    return InputError([Problem(f"不能写到这里：{zh}", f"will not write here: {en}", name)])


def _unwritable(name: str, exc: OSError) -> InputError:
    """A write that failed, in words: a full disk, a size limit, a read-only folder."""
    reason = {
        errno.ENOSPC: ("磁盘已满", "the disk is full"),
        errno.EFBIG: ("超出文件大小限制", "the file size limit was reached"),
        errno.EROFS: ("文件系统只读", "the file system is read-only"),
        errno.EACCES: ("没有写入权限", "permission denied"),
        errno.ENOENT: ("输出目录已不存在", "the output directory is gone"),
    }.get(exc.errno or 0, (exc.strerror or str(exc), exc.strerror or str(exc)))
    return InputError(
        [
            Problem(
                f"无法写入（{reason[0]}），没有留下不完整的文件",
                f"cannot write ({reason[1]}); no partial file was left",
                name,
            )
        ]
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
