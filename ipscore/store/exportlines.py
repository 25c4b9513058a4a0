"""The lines of an export that are not stored versions, and how `archive import` stores them:
reviewers' checks, and the season's rows (season files, stage events, experts' scores). Each
names its submission by what identifies it in any archive, never by an id; a line already
present is skipped, so importing an export twice stores it once."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, insert, select

from ..errors import InputError, Problem
from .records import CHECK_KEYS, Stored
from .schema import checks, expert_scores, season_events, seasons

SEASON_KINDS = ("season_file", "season_event", "expert_score")
SEASON_FILE_KEYS = ("year", "file", "document", "sha256", "stored_at", "stored_by")
EVENT_KEYS = (
    "year", "city", "pack", "action", "stage", "by", "role", "at", "opinion", "late", "details",
    "submission",
)  # fmt: skip
SCORE_KEYS = (
    "pack", "city", "year", "item", "expert", "points", "note", "scored_at", "submission",
)  # fmt: skip


def season_kind(record: Mapping[str, Any]) -> str | None:
    return next((k for k in SEASON_KINDS if k in record), None)


def named(stored: Stored | None) -> dict[str, Any] | None:
    if stored is None:
        return None
    return {
        "input_sha256": stored.input_sha256,
        "stored_at": stored.stored_at,
        "pack_sha256": stored.pack_sha256,
        "reason": stored.reason,
    }


def season_lines(conn: Connection, by_id: Mapping[int, Stored]) -> Iterator[dict[str, Any]]:
    """The season's rows, oldest first, each naming its submission (None where it names none,
    or a damaged one left out)."""
    for row in conn.execute(select(seasons).order_by(seasons.c.id)).mappings():
        yield {"season_file": {k: row[k] for k in SEASON_FILE_KEYS}}
    for row in conn.execute(select(season_events).order_by(season_events.c.id)).mappings():
        body = {k: row[k] for k in EVENT_KEYS if k not in ("details", "submission", "late")}
        yield {
            "season_event": {
                **body,
                "late": bool(row["late"]),
                "details": json.loads(row["details_json"]),
                "submission": named(by_id.get(row["submission_id"])),
            }
        }
    for row in conn.execute(select(expert_scores).order_by(expert_scores.c.id)).mappings():
        body = {k: row[k] for k in SCORE_KEYS if k != "submission"}
        yield {"expert_score": {**body, "submission": named(by_id.get(row["submission_id"]))}}


def import_season_line(
    conn: Connection, record: Mapping[str, Any], ids: Mapping[tuple[Any, ...], int]
) -> bool:
    """Store one season line (its submission found in `ids`); False if it is present."""
    kind = season_kind(record)
    body = dict(record[kind or ""])
    same: tuple[str, ...]
    if kind == "season_file":
        table, same = seasons, ("year", "sha256", "stored_at")
    elif kind == "season_event":
        table, same = season_events, ("year", "city", "action", "at", "by")
    else:
        table, same = expert_scores, ("pack", "city", "year", "item", "expert", "scored_at")
    query = select(table.c.id).where(*(table.c[k] == body[k] for k in same)).limit(1)
    if conn.execute(query).first() is not None:
        return False
    if kind != "season_file":
        body["submission_id"] = _submission(body, body.pop("submission"), ids)
    if kind == "season_event":
        body["details_json"] = json.dumps(body.pop("details"), ensure_ascii=False, sort_keys=True)
    conn.execute(insert(table).values(**body))
    return True


def _submission(
    body: Mapping[str, Any], of: Mapping[str, Any] | None, ids: Mapping[tuple[Any, ...], int]
) -> int | None:
    if of is None:
        return None
    key = (body["pack"], body["city"], body["year"], of["input_sha256"], of["stored_at"])
    found = ids.get((*key, of["pack_sha256"], of.get("reason")))
    if found is None:
        raise InputError(
            [
                Problem(
                    f"{body['city']} {body['year']}年度的办理记录所依据的存档不在导出文件或归档中",
                    f"a season row of {body['city']} {body['year']} names a submission neither "
                    "the export nor the archive holds",
                )
            ]
        )
    return found


def import_check(
    conn: Connection,
    check: dict[str, Any],
    ids: Mapping[tuple[Any, ...], int],
    done: set[tuple[str, str, int, str, str, str]],
) -> bool:
    """Store an exported check against its submission; False if it is already present."""
    key = (
        check["pack"],
        check["city"],
        check["year"],
        check["requirement"],
        check["checked_at"],
        check["checked_by"],
    )
    if key in done:
        return False
    of = check["submission"]
    known: tuple[Any, ...] = (
        check["pack"],
        check["city"],
        check["year"],
        of["input_sha256"],
        of["stored_at"],
    )
    # An export from before pack hashes names its submission by the first five alone.
    full = (*known, of["pack_sha256"], of.get("reason")) if "pack_sha256" in of else known
    submission = ids.get(full)
    if submission is None:
        raise InputError(
            [
                Problem(
                    f"核验记录（{check['city']} {check['year']} {check['requirement']}）所核验的"
                    "存档不在导出文件或归档中",
                    f"the check of {check['city']} {check['year']} {check['requirement']} names a "
                    "submission neither the export nor the archive holds",
                )
            ]
        )
    done.add(key)
    row = {k: check[k] for k in CHECK_KEYS if k != "submission"}
    conn.execute(insert(checks).values(**row, submission_id=submission))
    return True
