"""A stored result made again from what is stored: `replay` re-evaluates it with its stored
pack and the figures it read, and must give the same result; `refresh` re-evaluates it with
the archive's figures as they are now, so that a result never goes stale when another year's
figures arrive or change (storing them re-assesses, in the same transaction, every current
result that reads them); `stale_under`, `every_stale` and `reassess` move results to a
pack's new version.

What a stored result is made of: the pack it names by content hash (the archive's document of
it, or, for an archive from before packs were stored, the installed pack if it still has that
hash); its own year's filed figures; and the other years' figures it used, as its result lists
them — those typed in its file (`history`) kept, those from the archive read from the archive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .._version import __version__
from ..decide.pipeline import assess, other_years_read
from ..errors import InputError, Problem
from ..intake.evidence import Evidence
from ..intake.submission import Submission
from ..intake.values import Value, derive
from ..packs import Pack, installed_pack
from ..packs.conditions import split_year
from ..packs.document import document_of, has_document, pack_from_document
from ..provenance import InputFile
from ..store.records import Stored
from .archiving import content_of, differing

# Packs by content hash: the hash names what a pack decides, so one loaded from any archive
# serves every archive.
_LOADED: dict[str, Pack] = {}


class Packs:
    """The packs of stored results by content hash, each loaded once."""

    def __init__(self, document: Callable[[str], str | None]):
        self.document = document  # the archive's stored document for a hash
        self.unstored: dict[str, Pack] = {}  # installed packs found for hashes not yet stored

    def of(self, pack_id: str, sha256: str) -> Pack | None:
        """The pack with this hash, or None where neither the archive nor this installation
        has it."""
        if sha256 in _LOADED:
            return _LOADED[sha256]
        text = self.document(sha256)
        if text is not None:
            pack = pack_from_document(text, f"存档规则包 {pack_id}", sha256)
        else:
            found = installed_pack(pack_id)
            if found is None or found.content_hash != sha256:
                return None
            pack = found
            if has_document(found):
                self.unstored[sha256] = found
        _LOADED[sha256] = pack
        return pack

    def needed(self, stored: Stored) -> Pack:
        pack = self.of(stored.pack, stored.pack_sha256)
        if pack is None:
            raise InputError([unreplayable(stored)])
        return pack


def stored_pack(archive: Any, stored: Stored) -> Pack | None:
    """The pack that made a stored result, where the archive or this installation has it."""
    return Packs(archive.pack_document).of(stored.pack, stored.pack_sha256)


def pack_of(archive: Any, stored: Stored, chosen: Pack | None = None) -> Pack:
    """The pack that scored a stored result: `chosen` (a reviewer's --pack file) if given,
    else the one stored with it, else the installed one if it still has its hash."""
    return chosen or Packs(archive.pack_document).needed(stored)


def unreplayable(stored: Stored) -> Problem:
    return Problem(
        f"{stored.city} {stored.year}年度第{stored.version}版的规则包 {stored.pack} "
        f"{stored.pack_version}（哈希 {stored.pack_sha256[:12]}…）不在归档中，本机也没有同样的"
        "规则包：它是本版以前存入的，当时的规则包没有存档（可用 --pack 指定评出它的规则包文件）",
        f"the pack {stored.pack} {stored.pack_version} ({stored.pack_sha256[:12]}…) of "
        f"{stored.city} {stored.year} version {stored.version} is neither in the archive nor "
        "installed unchanged: it was stored before packs were",
    )


def pack_row(pack: Pack, at: str) -> dict[str, str]:
    from ..store.archive import pack_row as row

    return row(pack.content_hash, pack.id, pack.pack.version, document_of(pack), at)


def submission_of(
    pack: Pack,
    stored: Stored,
    archived: Mapping[int, Mapping[str, Value]],
    keep_archived: bool = True,
) -> Submission:
    """The submission a stored result was made from. The other years' figures it used come
    with it (those from the archive read exactly from the version it names, in `archived`),
    or, without `keep_archived`, only those typed in its file: the rest are then read from
    the archive as it is now."""
    result = stored.result or {}
    values: dict[str, Value] = dict(stored.figures)
    derive(pack, values)
    origins: dict[str, dict[str, Any]] = {}
    for name, used in result.get("other_years", {}).items():
        recorded = used.get("recorded", used)  # beside a typed `_prev`: the year's own figure
        origin = {k: v for k, v in recorded.items() if k != "value"}
        if split_year(name)[1] is None or "as" in origin or origin["from"] == "submission":
            continue  # filled again: a `_prev` from last year's figure, or from an older name
        base = split_year(name)[0]
        if origin.get("from") == "archive":
            if not keep_archived:
                continue
            value = archived.get(origin["id"], {}).get(base)
            if value is None:
                continue
        else:
            value = _typed(pack, name, recorded["value"])
        values[name] = value
        origins[name] = origin
    provenance = result.get("provenance", {})
    first = InputFile(
        provenance.get("input") or stored.source,
        provenance.get("input_sha256") or stored.input_sha256,
        provenance.get("input_note"),
    )
    references = tuple(
        InputFile(r["file"], r["sha256"], r.get("note")) for r in provenance.get("references", [])
    )
    evidence = {
        key: tuple(_evidence(piece) for piece in pieces)
        for key, pieces in result.get("evidence", {}).items()
    }
    # A points sheet's 自评分 are the city's claims, kept in the result they were listed in.
    claimed = {
        item["id"]: Decimal(repr(item["self_score"]))
        for item in result.get("points", {}).get("items", [])
        if item.get("self_score") is not None
    }
    return Submission(
        pack.id,
        stored.year,
        values,
        stored.source,
        (first, *references),
        origins,
        evidence,
        claimed,
    )


def _typed(pack: Pack, name: str, value: Any) -> Value:
    """A figure as a result's JSON gave it, typed as the pack declares the field."""
    kind = pack.field(name).type
    if kind in ("amount", "ratio") and not isinstance(value, bool):
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if kind == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value  # type: ignore[no-any-return]


def _evidence(piece: Mapping[str, Any]) -> Evidence:
    date = piece.get("date")
    return Evidence(
        doc=piece.get("doc"),
        title=piece.get("title"),
        date=None if date is None else dt.date.fromisoformat(date),
        file=piece.get("file"),
        path=piece.get("file") if piece.get("sha256") else None,
        sha256=piece.get("sha256"),
    )


def _archived_ids(stored: Stored) -> list[int]:
    used = [u.get("recorded", u) for u in (stored.result or {}).get("other_years", {}).values()]
    return [u["id"] for u in used if u.get("from") == "archive" and "id" in u]


@dataclass(frozen=True)
class Replayed:
    """A stored result and the same made again from what is stored."""

    stored: Stored
    result: dict[str, Any]
    differences: tuple[str, ...]  # what differs: empty when it is reproduced exactly
    pack_from: str = "archive"  # archive | installed (an archive from before) | file (--pack)
    pack_used: str = ""  # the content hash of the pack it was made again with

    @property
    def exact(self) -> bool:
        return not self.differences


def replay(archive: Any, stored: Stored, chosen: Pack | None = None) -> Replayed:
    """Re-evaluate a stored result with its stored pack (or `chosen`, a reviewer's file for a
    result stored before packs were) and the figures it read."""
    if not stored.assessed:
        raise InputError(
            [
                Problem(
                    f"{stored.city} {stored.year}年度第{stored.version}版只存了数据，"
                    "没有评估结果可以重放",
                    f"{stored.city} {stored.year} version {stored.version} holds figures only",
                )
            ]
        )
    pack = pack_of(archive, stored, chosen)
    result = made_again(pack, stored, archive.figures_by_id(_archived_ids(stored)))
    if chosen is not None:
        pack_from = "file"
    elif archive.pack_document(stored.pack_sha256) is None:
        pack_from = "installed"
    else:
        pack_from = "archive"
    return Replayed(
        stored, result, differences(stored.result or {}, result), pack_from, pack.content_hash
    )


def made_again(
    pack: Pack, stored: Stored, archived: Mapping[int, Mapping[str, Value]]
) -> dict[str, Any]:
    """A stored result assessed again from its figures and the other years' figures it used
    (those from the archive in `archived`, by the ids it names), dated as it was."""
    made = assess(pack, submission_of(pack, stored, archived))
    return made.to_dict((stored.result or {}).get("provenance", {}).get("produced_at"))


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[str, ...]:
    """Where two results differ, named as a reviewer reads them: score, grade, each
    requirement whose verdict or gap changed, any other part by its key."""
    a, b = content_of(dict(before)) or {}, content_of(dict(after)) or {}
    out = [k for k in ("score", "grade") if a.get(k) != b.get(k)]
    reqs = _requirements(a), _requirements(b)
    out += [
        rid for rid in dict.fromkeys([*reqs[0], *reqs[1]]) if reqs[0].get(rid) != reqs[1].get(rid)
    ]
    out += [
        k
        for k in sorted(set(a) | set(b))
        if k not in ("score", "grade", "tasks") and a.get(k) != b.get(k)
    ]
    if a.get("tasks") != b.get("tasks") and not out:
        out.append("tasks")
    return tuple(out)


def _requirements(result: Mapping[str, Any]) -> dict[str, Any]:
    return {r["id"]: r for t in result.get("tasks", []) for r in t.get("requirements", [])}


@dataclass(frozen=True)
class Refreshed:
    """A current result worked out again because figures it reads were stored."""

    city: str
    year: int
    pack: str
    before: Mapping[str, Any]  # the result as it was
    after: Mapping[str, Any] | None  # as it is now; None where it could not be (no pack)
    id: int = 0  # the version now current
    version: int = 0
    in_place: bool = False  # stored in this same batch: its result replaced, no new version
    reason: str = ""
    differs: tuple[tuple[str, str], ...] = ()  # last year's figures typed other than on record


def refresh(
    writing: Any,
    changed: Mapping[tuple[str, int], str],
    stored_at: str,
    by: str | None,
    packs: Packs,
) -> list[Refreshed]:
    """Re-assess, in the writer's transaction, every current result of the cities whose
    figures for a year were stored (city, year → what was stored, in words: "2014年数据更新
    （#2，版本1）") that reads that year, against the archive as the transaction now sees it.
    A result whose content changes is stored as a new version with the reason, or, if this
    transaction stored it, replaced. A new version is a new row of its year, which a result
    reading that year cites: what reads it follows, told that the figures did not change."""
    done: list[Refreshed] = []
    pending = dict(changed)
    for _ in range(20):  # each round follows the versions the last one made; years run out
        if not pending:
            break
        years: dict[str, set[int]] = {}
        for city, year in pending:
            years.setdefault(city, set()).add(year)

        made: dict[tuple[str, int], str] = {}

        def wanted(s: Stored, years: dict[str, set[int]] = years) -> bool:
            return s.assessed and bool(_touched(s, years, packs))

        for stored in writing.current_of(years, wanted):
            pack = packs.of(stored.pack, stored.pack_sha256)
            if pack is None:
                done.append(
                    Refreshed(stored.city, stored.year, stored.pack, stored.result or {}, None)
                )
                continue
            fresh = assess(pack, submission_of(pack, stored, {}, keep_archived=False), writing)
            result = fresh.to_dict(stored_at)
            if content_of(result) == content_of(stored.result):
                continue
            reason = "；".join(pending[(stored.city, y)] for y in _touched(stored, years, packs))
            in_place = stored.id in writing.fresh
            if in_place:
                writing.replace_result(stored.id, result)
                row, version = stored.id, stored.version
            else:
                row = writing.store(_new_version(stored, result, stored_at, by, reason))
                version = stored.version + 1
                made[(stored.city, stored.year)] = unchanged_figures(stored.year, row)
            done.append(
                Refreshed(
                    stored.city,
                    stored.year,
                    stored.pack,
                    stored.result or {},
                    result,
                    row,
                    version,
                    in_place,
                    reason,
                    differing(pack, fresh.other_years),
                )
            )
        pending = made
    for pack in packs.unstored.values():  # an archive from before: its packs stored now
        writing.store_pack(pack_row(pack, stored_at))
    packs.unstored.clear()
    return done


def unchanged_figures(year: int, row: int) -> str:
    """Why a result reading `year` is stored again when only the row it cites is new."""
    return f"{year}年存档更新为 #{row}（数据未变）"


def _touched(stored: Stored, years: Mapping[str, set[int]], packs: Packs) -> list[int]:
    """The years just stored for its city that a result reads (all of them where its pack is
    not to be had: it is then reported, not re-assessed)."""
    pack = packs.of(stored.pack, stored.pack_sha256)
    reads = _years_read(pack) if pack is not None else None
    return sorted(
        y for y in years.get(stored.city, ()) if y != stored.year and (reads is None or y in reads)
    )


def _years_read(pack: Pack) -> set[int]:
    return {y for n in other_years_read(pack) if (y := split_year(n)[1]) is not None}


def _new_version(
    stored: Stored,
    result: dict[str, Any],
    stored_at: str,
    by: str | None,
    reason: str,
    pack: Pack | None = None,
) -> dict[str, Any]:
    """A stored version's record again (its file, figures, references) with a new result,
    made by whom, when and why; under `pack` where it is assessed under another version."""
    record = {k: v for k, v in stored.to_dict().items() if k not in ("id", "version", "current")}
    record.update(result=result, stored_at=stored_at, stored_by=by, reason=reason)
    record["ipscore_version"] = __version__
    if pack is not None:
        record.update(pack_version=pack.pack.version, pack_sha256=pack.content_hash)
    return record


def stale_under(archive: Any, pack: Pack, year: int | None = None) -> list[Stored]:
    """The current results stored under `pack`'s id but made by another version of it."""
    return [
        s
        for s in archive.submissions(year=year, pack=pack.id)
        if s.assessed and s.pack_sha256 != pack.content_hash
    ]


def every_stale(archive: Any, year: int | None = None) -> list[tuple[Stored, Pack]]:
    """Current results whose pack id now resolves to a pack with another hash: the shipped
    pack edited or updated since they were stored (a pack not installed here is not judged)."""
    out = []
    for pack_id in sorted({s.pack for s in archive.submissions(year=year) if s.assessed}):
        pack = installed_pack(pack_id)
        if pack is not None:
            out += [(s, pack) for s in stale_under(archive, pack, year)]
    return out


def reassess(
    writing: Any,
    pack: Pack,
    year: int | None,
    stored_at: str,
    by: str | None,
    reason: str | None,
) -> list[Refreshed]:
    """Assess again, as new versions, the current results of `pack`'s id (of a year) that
    another version of it made, from their stored figures; then what reads them follows."""
    writing.store_pack(pack_row(pack, stored_at))

    def made_by_another(s: Stored) -> bool:
        return (
            s.pack == pack.id
            and s.assessed
            and s.pack_sha256 != pack.content_hash
            and (year is None or s.year == year)
        )

    found = writing.current_of(writing.cities_of(pack.id, year), made_by_another)
    done: list[Refreshed] = []
    changed: dict[tuple[str, int], str] = {}
    for s in found:
        fresh = assess(pack, submission_of(pack, s, {}, keep_archived=False), writing)
        why = (
            f"按规则包 {pack.id} {pack.pack.version}（哈希 {pack.content_hash[:8]}）重新评估，"
            f"原为 {s.pack_version}（哈希 {s.pack_sha256[:8]}）"
        ) + (f"：{reason}" if reason else "")
        result = fresh.to_dict(stored_at)
        row = writing.store(_new_version(s, result, stored_at, by, why, pack))
        changed[(s.city, s.year)] = unchanged_figures(s.year, row)
        done.append(
            Refreshed(
                s.city,
                s.year,
                s.pack,
                s.result or {},
                result,
                row,
                s.version + 1,
                False,
                why,
                differing(pack, fresh.other_years),
            )
        )
    packs = Packs(writing.pack_document)
    return done + refresh(writing, changed, stored_at, by, packs)
