"""What the archive holds, as Python sees it: a record to store (`Entry`), a stored version
read back (`Stored`), a reviewer's check (`Check`), each figure's typed value and its text in
a row, and the JSON Lines of an export, read back with every bad line reported at once."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..text import clean_name, odd_in_name

Value = bool | int | Decimal | dt.date | str
ASSESSMENT, FIGURES = "assessment", "figures"


@dataclass(frozen=True)
class Entry:
    """One submission to store: who it is, where it came from, its figures and its result."""

    pack: str
    pack_version: str
    pack_sha256: str
    city: str
    year: int
    source: str
    input_sha256: str
    figures: dict[str, Value]
    result: dict[str, Any] | None = None  # the assessment's JSON; None for figures only
    references: tuple[dict[str, str], ...] = ()
    ipscore_version: str = ""

    def record(self, stored_at: str, by: str | None, reason: str | None = None) -> dict[str, Any]:
        """As an exported record is written (`Stored.to_dict`), without id and version."""
        return {
            "pack": self.pack,
            "pack_version": self.pack_version,
            "pack_sha256": self.pack_sha256,
            "city": self.city,
            "year": self.year,
            "kind": FIGURES if self.result is None else ASSESSMENT,
            "source": self.source,
            "input_sha256": self.input_sha256,
            "references": list(self.references),
            "stored_at": stored_at,
            "stored_by": by,
            "reason": reason,
            "ipscore_version": self.ipscore_version,
            "figures": {k: encoded(v) for k, v in self.figures.items()},
            "result": self.result,
        }


@dataclass(frozen=True)
class Stored:
    """A stored submission as read back, with its place among the versions of its key."""

    id: int
    pack: str
    pack_version: str
    pack_sha256: str
    city: str
    year: int
    kind: str
    source: str
    input_sha256: str
    stored_at: str
    stored_by: str | None
    ipscore_version: str
    version: int  # 1 for the first stored for this pack, city and year
    current: bool
    references: tuple[dict[str, str], ...] = ()
    result: dict[str, Any] | None = None
    figures: dict[str, Value] = field(default_factory=dict)
    reason: str | None = None  # why this version was stored, where one was given

    @property
    def assessed(self) -> bool:
        return self.kind == ASSESSMENT

    def to_dict(self) -> dict[str, Any]:
        """The record as exported: what was stored, with its id and place among the versions."""
        entry = Entry(
            self.pack,
            self.pack_version,
            self.pack_sha256,
            self.city,
            self.year,
            self.source,
            self.input_sha256,
            self.figures,
            self.result,
            self.references,
            self.ipscore_version,
        )
        record = entry.record(self.stored_at, self.stored_by, self.reason)
        return {"id": self.id, **record, "version": self.version, "current": self.current}


@dataclass(frozen=True)
class Check:
    """A reviewer's check of one requirement of a stored submission."""

    id: int
    submission_id: int
    pack: str
    city: str
    year: int
    requirement: str
    decision: str  # verified | rejected
    reason: str | None
    checked_by: str
    checked_at: str
    verdict: str  # the requirement's verdict when it was checked
    evidence_sha256: str  # the hash of its documents when it was checked

    def to_dict(self) -> dict[str, Any]:
        return {
            "requirement": self.requirement,
            "decision": self.decision,
            "reason": self.reason,
            "checked_by": self.checked_by,
            "checked_at": self.checked_at,
            "verdict": self.verdict,
            "evidence_sha256": self.evidence_sha256,
            "submission_id": self.submission_id,
        }


CHECK_KEYS = (
    "pack",
    "city",
    "year",
    "requirement",
    "decision",
    "reason",
    "checked_by",
    "checked_at",
    "verdict",
    "evidence_sha256",
    "submission",
)


def dump_lines(records: Iterable[dict[str, Any]]) -> str:
    """Exported records as JSON Lines."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


RECORD_KEYS = (
    "pack",
    "pack_version",
    "pack_sha256",
    "city",
    "year",
    "kind",
    "source",
    "input_sha256",
    "references",
    "stored_at",
    "stored_by",
    "ipscore_version",
    "figures",
    "result",
)


PACK_KEYS = ("sha256", "pack", "pack_version", "document", "stored_at")
# Lines of an export that are not stored versions: {"check": {…}}, {"stored_pack": {…}}, and
# the season's rows (`exportlines`).
WRAPPED = {
    "check": CHECK_KEYS,
    "stored_pack": PACK_KEYS,
    "season_file": ("year", "file", "document", "sha256", "stored_at", "stored_by"),
    "season_event": ("year", "city", "pack", "action", "stage", "by", "at", "details"),
    "expert_score": ("pack", "city", "year", "item", "expert", "points", "scored_at"),
}


def odd_city(city: str) -> tuple[str, str] | None:
    """Why a city may not be stored under this name (another spelling of a clean one), in
    Chinese and English; None for a clean name."""
    odd = odd_in_name(city)
    if odd is None:
        return None
    clean = clean_name(city)
    zh = f"城市名称中{odd[0]}，是否想写 {clean}？"
    return zh, f"the city's name {odd[1]}; did you mean {clean}?"


def read_dump(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The records of an export file with their line numbers, each checked (`shapes`): every
    bad line reported at once, so that nothing of a damaged file is imported."""
    from ..errors import MOST_PROBLEMS, display_path, too_many
    from ..yamlio import decode, read_bytes

    name = display_path(path)
    content = decode(read_bytes(path), name)
    records: list[tuple[int, dict[str, Any]]] = []
    problems: list[Problem] = []
    # Lines end at "\n" only: json.dumps leaves U+2028 and the like unescaped inside text.
    for n, line in enumerate(content.split("\n"), start=1):
        if len(problems) >= MOST_PROBLEMS:
            problems.append(too_many(name))
            break
        if not line.strip():
            continue
        try:
            record = json.loads(line, parse_constant=_no_constant)
        except (ValueError, RecursionError) as exc:
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc) or "too deep"
            problems.append(Problem(f"不是有效的 JSON：{why}", f"not valid JSON: {why}", name, n))
            continue
        found = _line_problems(record)
        problems += [Problem(zh, en, name, n, field or None) for field, zh, en in found]
        if not found:
            records.append((n, record))
    if problems:
        raise InputError(problems)
    return records


def _no_constant(word: str) -> None:
    raise ValueError(f"{word} is not a number JSON allows")


def _line_problems(record: Any) -> list[tuple[str, str, str]]:
    """(field, Chinese, English) for what is wrong with one line of an export."""
    from pydantic import BaseModel

    from . import shapes

    kind = next((k for k in WRAPPED if isinstance(record, dict) and k in record), None)
    wanted = WRAPPED[kind] if kind else RECORD_KEYS
    body = record.get(kind) if kind else record
    missing = [k for k in wanted if not isinstance(body, dict) or k not in body]
    if missing:
        return [
            (
                "",
                f"不是 archive export 导出的存档记录：缺少 {'、'.join(missing)}",
                f"not a record from archive export: {', '.join(missing)} missing",
            )
        ]
    models: dict[str, type[BaseModel]] = {
        "check": shapes.Check,
        "stored_pack": shapes.StoredPack,
        **shapes.SEASON_LINES,
    }
    if kind not in ("stored_pack", "season_file"):  # it names a city: one spelling of it
        odd = odd_city(str(body["city"]))
        if odd is not None:
            return [("city", *odd)]
    model = models.get(kind or "", shapes.Record)
    return shapes.problems_of(model, body, kind or "")


def encoded(value: Value) -> dict[str, str]:
    if isinstance(value, bool):
        return {"type": "bool", "value": "true" if value else "false"}
    if isinstance(value, int):
        return {"type": "int", "value": str(value)}
    if isinstance(value, Decimal):
        return {"type": "decimal", "value": str(value)}
    if isinstance(value, dt.date):
        return {"type": "date", "value": value.isoformat()}
    return {"type": "text", "value": value}


def figures_in(record: dict[str, Any]) -> dict[str, Value]:
    """A record's figures (`Entry.record`, an export's line) as values."""
    return {name: decoded(v["type"], v["value"]) for name, v in record["figures"].items()}


def decoded(kind: str, stored: str) -> Value:
    if kind == "bool":
        return stored == "true"
    if kind == "int":
        return int(stored)
    if kind == "decimal":
        return Decimal(stored)
    if kind == "date":
        return dt.date.fromisoformat(stored)
    return stored
