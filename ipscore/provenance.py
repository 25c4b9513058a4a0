"""Where an output came from: the pack (id, version, content hash), the input files and their
SHA-256, the ipscore version, and when it was produced.

Two runs on the same input and pack differ only in `produced_at`; `--no-timestamp` leaves it
out and `SOURCE_DATE_EPOCH` fixes it, for byte-identical output.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ._version import __version__
from .errors import InputError, Problem


@dataclass(frozen=True)
class InputFile:
    """A file a submission was read from, as the user named it, with the SHA-256 of its bytes."""

    path: str
    sha256: str
    # What the file says of its own data (`note:`): where the figures come from, or that they
    # are an example. It travels into every output so that it is never only a comment.
    note: str | None = None

    def to_dict(self) -> dict[str, str]:
        out = {"file": self.path, "sha256": self.sha256}
        return {**out, "note": self.note} if self.note else out


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def data_notes(inputs: Iterable[InputFile]) -> dict[str, str]:
    """File → its note, for every input that has one, each file once."""
    return {i.path: i.note for i in inputs if i.note}


def notes_by_text(inputs: Iterable[InputFile]) -> dict[str, list[str]]:
    """Each distinct note with the files that carry it: sixty example cities are one note."""
    by_note: dict[str, list[str]] = {}
    for file, note in data_notes(inputs).items():
        by_note.setdefault(note, []).append(file)
    return by_note


@dataclass(frozen=True)
class Provenance:
    pack: str
    pack_version: str
    pack_sha256: str
    inputs: tuple[InputFile, ...]
    produced_at: str | None
    ipscore_version: str = __version__
    # Files of supporting documents, hashed where they lay; never copied.
    attachments: tuple[InputFile, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON `provenance` object: the first input is the submission itself, any others
        the reference files it names."""
        first = self.inputs[0] if self.inputs else None
        out: dict[str, Any] = {
            "pack": self.pack,
            "pack_version": self.pack_version,
            "pack_sha256": self.pack_sha256,
            "input": first.path if first else None,
            "input_sha256": first.sha256 if first else None,
        }
        if first and first.note:
            out["input_note"] = first.note
        if len(self.inputs) > 1:
            out["references"] = [i.to_dict() for i in self.inputs[1:]]
        if self.attachments:
            out["attachments"] = [i.to_dict() for i in self.attachments]
        out["ipscore_version"] = self.ipscore_version
        out["produced_at"] = self.produced_at
        return out


def produced_at(timestamp: bool = True) -> str | None:
    """The time an output is produced, or none at all with `timestamp=False`."""
    return now() if timestamp else None


def now() -> str:
    """This moment in UTC to the second, or `SOURCE_DATE_EPOCH` when set (reproducible runs)."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH")
    if fixed is not None and fixed.strip():
        try:
            moment = dt.datetime.fromtimestamp(int(fixed.strip()), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise InputError(
                [
                    Problem(
                        f"环境变量 SOURCE_DATE_EPOCH 应为整数秒（Unix 时间），实际为“{fixed}”",
                        f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got “{fixed}”",
                    )
                ]
            ) from None
    else:
        moment = dt.datetime.now(dt.UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")
