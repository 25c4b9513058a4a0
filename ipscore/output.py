"""Serialising results (JSON, CSV) and writing output files whole or not at all."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .errors import InputError, Problem, display_path
from .results import Assessment
from .scoring import batch_table


def to_json(assessments: list[Assessment], single: bool) -> str:
    data = assessments[0].to_dict() if single else [a.to_dict() for a in assessments]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_csv(assessments: list[Assessment]) -> str:
    return batch_table(assessments).to_csv(index=False)


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
