"""Serialising results (JSON, CSV) and writing output files whole or not at all."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .errors import InputError, Problem, display_path
from .provenance import data_notes
from .results import Assessment
from .scoring import batch_table


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
    return table.to_csv(index=False)


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write to a temporary file beside `path`, then rename: a reader never sees half a file."""
    data = (
        content.encode("utf-8-sig" if path.suffix.lower() == ".csv" else "utf-8")
        if isinstance(content, str)
        else content
    )
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(
            [Problem("输出目录不存在", "the output directory does not exist", display_path(path))]
        )
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp creates the file private (0600); give it the permissions a plain write would.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
