"""Reviewers' checks of supporting documents, and the score as verified beside the score as
declared.

A check is stored per requirement (`ipscore verify`), append-only. It stands while the
requirement's verdict and its documents are what they were when it was made: a corrected
submission that changes either needs a new check. Each verdict then has a state — verified,
rejected, unverified (documents not yet checked) or no evidence — and the score as verified
counts a declared "met" as met only if verified, as unmet if rejected, and as the pack's
`scoring.verification.unverified` says otherwise. Verdicts themselves are never re-decided:
they are the archive's; scoring only aggregates them again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any, Protocol

from ..decide import scoring
from ..decide.points import ItemScore, PartScore, SheetScore, forced, totalled
from ..decide.results import Assessment
from ..errors import InputError, Problem
from ..packs import Pack, find_pack
from ..store.records import Check, Stored
from ..text import did_you_mean
from ..verdicts import MET, UNMET, Verdict, verdict_word
from .history import Stores, data_notes
from .replay import pack_of


class State(StrEnum):
    VERIFIED = "verified"
    REJECTED = "rejected"
    UNVERIFIED = "unverified"
    NO_EVIDENCE = "no_evidence"


VERIFIED, REJECTED, UNVERIFIED, NO_EVIDENCE = State

STATE_LABELS: dict[str, dict[State, str]] = {
    "zh": {VERIFIED: "已核实", REJECTED: "已驳回", UNVERIFIED: "待核验", NO_EVIDENCE: "无佐证材料"},
    "en": {
        VERIFIED: "verified",
        REJECTED: "rejected",
        UNVERIFIED: "unverified",
        NO_EVIDENCE: "no evidence",
    },
}


def state_word(state: str, lang: str) -> str:
    return STATE_LABELS["en" if lang == "en" else "zh"][State(state)]


class ReadsChecks(Protocol):
    def checks(
        self, pack: str | None = None, city: str | None = None, year: int | None = None
    ) -> list[Check]: ...


class Records(Stores, ReadsChecks, Protocol):
    """An archive a report reads: earlier years' results and reviewers' checks."""


def checked_by_source(
    archive: ReadsChecks, assessments: Iterable[Assessment]
) -> dict[str, Checked]:
    """Each assessment whose city and year the archive holds checks of, by its source: the
    checks read once per pack and year."""
    by_key: dict[tuple[str, int], dict[str, list[Check]]] = {}
    out = {}
    for a in assessments:
        key = (a.pack.id, a.year)
        if key not in by_key:
            by_key[key] = {}
            for c in archive.checks(a.pack.id, None, a.year):
                by_key[key].setdefault(c.city, []).append(c)
        found = by_key[key].get(a.city)
        if found:
            out[a.source] = checked(a.pack, a.to_dict(), found)
    return out


class Checks(Records, Protocol):
    """What verification reads and writes: the archive."""

    def find(
        self, city: str, year: int, pack: str | None = None, version: int | None = None
    ) -> Stored: ...

    def add_checks(self, rows: Sequence[dict[str, Any]]) -> list[int]: ...


@dataclass(frozen=True)
class Standing:
    """One requirement's verdict as declared and where its checking stands."""

    id: str
    task: str
    title: str
    status: str  # the verdict, as the archive holds it
    evidence: tuple[dict[str, Any], ...]  # its documents, each with the key it was attached to
    state: State
    check: Check | None  # the check that stands
    outdated: Check | None  # the newest check, when it no longer stands

    @property
    def counts_as_met(self) -> bool | None:
        """For a declared "met": whether the verified score counts it (None: the pack says)."""
        if self.state == VERIFIED:
            return True
        if self.state == REJECTED:
            return False
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "task": self.task,
            "title": self.title,
            "status": self.status,
            "state": self.state,
            "evidence": list(self.evidence),
            "check": None if self.check is None else self.check.to_dict(),
            "outdated_check": None if self.outdated is None else self.outdated.to_dict(),
        }


@dataclass(frozen=True)
class Scored:
    score: Decimal
    exact: Fraction
    grade: str
    grade_label: str
    grade_label_en: str


@dataclass(frozen=True)
class Verification:
    """A city-year's verdicts with their checks, and its score as declared and as verified."""

    pack: Pack
    city: str
    year: int
    submission_id: int
    version: int
    declared: Scored
    verified: Scored
    requirements: tuple[Standing, ...]
    notes: tuple[str, ...]  # the stored inputs' notes: example data says so

    def counts(self) -> dict[str, int]:
        return met_by_state(self.requirements)

    def to_dict(self) -> dict[str, Any]:
        policy = self.pack.scoring.verification
        return {
            "pack": self.pack.id,
            "pack_version": self.pack.pack.version,
            "city": self.city,
            "year": self.year,
            "submission_id": self.submission_id,
            "version": self.version,
            "declared": scored_dict(self.declared),
            "verified": scored_dict(self.verified),
            "unverified_counts": policy.unverified == "counts",
            "verification_note": policy.note,
            "met_by_state": self.counts(),
            "requirements": [r.to_dict() for r in self.requirements],
            "data_notes": list(self.notes),
        }


def met_by_state(standings: Iterable[Standing]) -> dict[str, int]:
    """How many declared "met" verdicts are in each state."""
    out = {state.value: 0 for state in State}
    for r in standings:
        if r.status == MET:
            out[r.state.value] += 1
    return out


def scored_dict(s: Scored) -> dict[str, Any]:
    return {"score": float(s.score), "grade": s.grade, "grade_label": s.grade_label}


def fingerprint(evidence: Iterable[Mapping[str, Any]]) -> str:
    """The hash of a requirement's documents as stored: what a check was made on."""
    text = json.dumps(list(evidence), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def requirement_evidence(
    result: Mapping[str, Any], req: Mapping[str, Any]
) -> tuple[dict[str, Any], ...]:
    attached = result.get("evidence") or {}
    return tuple(
        {"key": key, **piece} for key in req.get("evidence", []) for piece in attached.get(key, [])
    )


def standing(result: Mapping[str, Any], checks: Iterable[Check]) -> tuple[Standing, ...]:
    """Each requirement of a stored result with its state; `checks` are the city-year's."""
    # Oldest first: the last check of a requirement is its newest.
    newest: dict[str, Check] = {c.requirement: c for c in checks}
    out = []
    for task in result["tasks"]:
        for req in task["requirements"]:
            evidence = requirement_evidence(result, req)
            check = newest.get(req["id"])
            stands = (
                check is not None
                and check.verdict == req["status"]
                and check.evidence_sha256 == fingerprint(evidence)
            )
            if stands and check is not None:
                state = VERIFIED if check.decision == VERIFIED else REJECTED
            else:
                state = UNVERIFIED if evidence else NO_EVIDENCE
            out.append(
                Standing(
                    req["id"],
                    task["id"],
                    req["title"],
                    req["status"],
                    evidence,
                    state,
                    check if stands else None,
                    None if stands else check,
                )
            )
    return tuple(out)


def score(
    pack: Pack,
    result: Mapping[str, Any],
    standings: Iterable[Standing],
    overrides: Mapping[str, bool] | None = None,
    unverified: bool | None = None,
) -> Scored:
    """The score as verified: declared "met" verdicts counted by their state (or as
    `overrides` says, for a what-if of one check), an unchecked one as the pack says unless
    `unverified` says; every other verdict as declared."""
    if unverified is None:
        unverified = pack.scoring.verification.unverified == "counts"
    statuses = dict(_statuses(result))
    claims = claimed_items(pack, result)
    dropped = set()
    for r in standings:
        if r.id not in claims:
            continue
        counted = (overrides or {}).get(r.id, r.counts_as_met)
        if not (unverified if counted is None else counted):
            statuses[r.id] = UNMET
            dropped.add(r.id)
    return _summary(pack, result, statuses, dropped)


def claimed_items(pack: Pack, result: Mapping[str, Any]) -> set[str]:
    """What a reviewer checks: the requirements declared met; on a points sheet, every item
    that earns points (9 of 15 is a claim too)."""
    met = {rid for rid, status in _statuses(result).items() if status == MET}
    if not pack.is_sheet or "points" not in result:
        return met
    earning = {i["id"] for i in result["points"]["items"] if Fraction(i["points_exact"]) > 0}
    return met | earning


def declared(pack: Pack, result: Mapping[str, Any]) -> Scored:
    """The declared score worked out again from the stored verdicts; it must be the stored
    one, or the pack is not the one that scored the result."""
    found = _summary(pack, result, _statuses(result))
    stored = Decimal(str(result["score"]))
    if found.score != stored or found.grade != result["grade"]:
        raise InputError(
            [
                Problem(
                    f"{result['city']} {result['year']}年度的存档结果（{stored}分）不是按规则包 "
                    f"{pack.id} {pack.pack.version} 计的分（按它为 {found.score}分）：请用 --pack "
                    "指定评出该结果的规则包文件",
                    f"the stored result of {result['city']} {result['year']} ({stored}) was not "
                    f"scored by {pack.id} {pack.pack.version} (which gives {found.score}); name "
                    "the pack file that scored it with --pack",
                    field="--pack",
                )
            ]
        )
    return found


def _statuses(result: Mapping[str, Any]) -> dict[str, Verdict]:
    return {r["id"]: Verdict(r["status"]) for t in result["tasks"] for r in t["requirements"]}


def _summary(
    pack: Pack,
    result: Mapping[str, Any],
    statuses: Mapping[str, Verdict],
    dropped: set[str] | None = None,
) -> Scored:
    known = {r.id for _, r in pack.requirements()}
    if set(statuses) != known:
        raise InputError(
            [
                Problem(
                    f"存档结果的要求与规则包 {pack.id} 的要求不一致：请用 --pack 指定评出该结果的"
                    "规则包文件",
                    f"the stored result's requirements differ from those of {pack.id}; name the "
                    "pack file that scored it with --pack",
                    field="--pack",
                )
            ]
        )
    mandatory = {t["id"] for t in result["tasks"] if t["mandatory"]}
    sheet = None
    if pack.is_sheet and "points" in result:  # the sheet as stored, items not counted at 0
        sheet = forced(pack, _stored_sheet(pack, result), _inputs(result), dropped or set(), set())
    summary = scoring.summarize(pack, statuses, mandatory, sheet)
    band = summary.band
    return Scored(summary.score, summary.exact, band.code, band.label, band.label_en)


def _stored_sheet(pack: Pack, result: Mapping[str, Any]) -> SheetScore:
    """A stored result's points sheet: each item's exact points and each part's band, as
    the engine gave them; the vetoes that held."""
    stored = result["points"]
    tasks = {r["id"]: t["id"] for t in result["tasks"] for r in t["requirements"]}
    items = tuple(
        ItemScore(
            id=i["id"],
            task=tasks[i["id"]],
            value=Fraction(str(i["value"])),
            points=Fraction(i["points_exact"]),
            parts=tuple(
                PartScore(p["kind"], p["band"], Fraction(0), Fraction(0), p["explanation"], "")
                for p in i["parts"]
            ),
            status=Verdict(i["status"]),
        )
        for i in stored["items"]
    )
    return totalled(pack, items, tuple(v["id"] for v in stored["vetoes"]))


def _inputs(result: Mapping[str, Any]) -> dict[str, Any]:
    """The figures the stored result's requirements read (a deduction's target among them)."""
    return {
        k: v for t in result["tasks"] for r in t["requirements"] for k, v in r["inputs"].items()
    }


@dataclass(frozen=True)
class Checked:
    """A result's standings under the checks stored for its city and year, both scores."""

    standings: tuple[Standing, ...]
    declared: Scored
    verified: Scored
    checks: tuple[Check, ...]


def checked(pack: Pack, result: Mapping[str, Any], checks: Sequence[Check]) -> Checked:
    standings = standing(result, checks)
    return Checked(standings, declared(pack, result), score(pack, result, standings), tuple(checks))


def _stored(archive: Checks, city: str, year: int, pack: str | None) -> tuple[Pack, Stored]:
    """The city-year's current assessed submission and the pack that scored it."""
    chosen = None if pack is None else find_pack(pack)
    stored = archive.find(city, year, None if chosen is None else chosen.id)
    if stored.result is None:
        raise InputError(
            [
                Problem(
                    f"{city} {year}年度在归档中只存了数据，没有考核结果，无从核验",
                    f"the archive holds only figures for {city} {year}, no assessment to verify",
                )
            ]
        )
    return pack_of(archive, stored, chosen), stored


def verification(archive: Checks, city: str, year: int, pack: str | None = None) -> Verification:
    chosen, stored = _stored(archive, city, year, pack)
    return _verification(chosen, stored, archive.checks(stored.pack, city, year))


def _verification(pack: Pack, stored: Stored, checks: Iterable[Check]) -> Verification:
    result = stored.result or {}
    standings = standing(result, checks)
    return Verification(
        pack,
        stored.city,
        stored.year,
        stored.id,
        stored.version,
        declared(pack, result),
        score(pack, result, standings),
        standings,
        data_notes([stored]),
    )


def record(
    archive: Checks,
    city: str,
    year: int,
    requirements: Sequence[str],
    decision: State,
    reason: str | None,
    by: str,
    at: str,
    pack: str | None = None,
) -> Verification:
    """Store one check per requirement (all or none) and return the city-year as it now
    stands."""
    chosen, stored = _stored(archive, city, year, pack)
    before = _verification(chosen, stored, archive.checks(stored.pack, city, year))
    by_id = {r.id: r for r in before.requirements}
    problems = []
    for req in requirements:
        if req not in by_id:
            zh, en = did_you_mean(req, list(by_id))
            problems.append(
                Problem(
                    f"规则包 {chosen.id} 没有要求 {req}{zh}",
                    f"pack {chosen.id} has no requirement {req}{en}",
                    field=req,
                )
            )
    claims = claimed_items(chosen, stored.result or {})
    for req in dict.fromkeys(requirements):
        # Only a claim needs its documents checked: an unmet, missing or not applicable
        # requirement scores nothing either way, and a check on it would only mislead.
        if req in by_id and req not in claims and chosen.is_sheet:
            problems.append(
                Problem(
                    f"{city} {year}年评分项 {req} 得0分：只有得分的评分项才核验佐证材料",
                    f"{city} {year} item {req} earns no points: only an item that earns points "
                    "has its documents checked",
                    field=req,
                )
            )
        elif req in by_id and req not in claims:
            word = verdict_word(by_id[req].status, "zh")
            problems.append(
                Problem(
                    f"{city} {year}年 {req} 的申报结论是“{word}”：只有申报为“达到”的要求才核验"
                    "佐证材料",
                    f"{city} {year} {req} was declared {by_id[req].status}: only a requirement "
                    "declared met has its documents checked",
                    field=req,
                )
            )
    if problems:
        raise InputError(problems)
    archive.add_checks(
        [
            {
                "submission_id": stored.id,
                "pack": stored.pack,
                "city": stored.city,
                "year": stored.year,
                "requirement": req,
                "decision": decision.value,
                "reason": reason,
                "checked_by": by,
                "checked_at": at,
                "verdict": by_id[req].status,
                "evidence_sha256": fingerprint(by_id[req].evidence),
            }
            for req in dict.fromkeys(requirements)
        ]
    )
    return _verification(chosen, stored, archive.checks(stored.pack, city, year))
