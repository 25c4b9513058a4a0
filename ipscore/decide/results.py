"""The result of assessing one city: what the JSON output serialises and reports render.

A result holds the very pack object it was produced with (never a lookup key), so a report
renders against the pack that decided it, and its provenance names that pack's content hash.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..intake.evidence import Attached
from ..packs import Pack
from ..provenance import InputFile, Provenance
from ..verdicts import TaskStatus, Verdict
from .points import SheetScore, shown


class Gap:
    """A requirement's gap in words, each language worked out when it is first read: a CSV or
    a score never reads it, the JSON only in Chinese (working out both for every unmet
    requirement was a third of building a city's result)."""

    __slots__ = ("_make", "_texts")

    def __init__(self, make: Callable[[str], str | None]):
        self._make = make
        self._texts: dict[str, str | None] = {}

    def text(self, lang: str) -> str | None:
        if lang not in self._texts:
            self._texts[lang] = self._make(lang)
        return self._texts[lang]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Gap):
            return NotImplemented
        return all(self.text(lang) == other.text(lang) for lang in ("zh", "en"))

    __hash__ = None  # type: ignore[assignment]  # equal by its texts, which are worked out late

    def __repr__(self) -> str:
        return f"Gap({self.text('zh')!r})"


_YEAR = re.compile(r"(?<!\d)(\d{4})(?=\s*年|-\d)")


def deadline_year(deadline: str | None) -> int | None:
    """The year a requirement's deadline falls in: 2009 for "2009年3月" or "2009-03-31", the
    later year of a span ("2009年至2010年"); None for a deadline naming no year ("试点期内")."""
    years = [int(y) for y in _YEAR.findall(deadline or "")]
    return max(years) if years else None


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def deadline_text(deadline: str, lang: str) -> str:
    """A deadline in the reader's words: "2009年3月" is "March 2009" in English, "2009年底"
    "the end of 2009"; anything else as the pack writes it."""
    if lang != "en":
        return deadline
    if found := re.fullmatch(r"(\d{4})年(\d{1,2})月(?:底)?", deadline):
        return f"{_MONTHS[int(found[2]) - 1]} {found[1]}"
    if found := re.fullmatch(r"(\d{4})年(?:底|末)", deadline):
        return f"the end of {found[1]}"
    return deadline


@dataclass(frozen=True)
class RequirementFacts:
    """What every city's result of a requirement shares, worked out once per pack."""

    id: str
    task: str
    kind: str
    title: str
    title_en: str | None
    weight: Fraction
    read: tuple[str, ...]  # the fields its conditions read
    expected: str
    expected_en: str
    remedy: str
    remedy_en: str | None
    citation: dict[str, str]
    interpretive: str | None
    interpretive_en: str | None
    deadline: str | None
    responsible: tuple[str, ...]
    # What supporting documents speak for it: its own id, then the fields it reads (a
    # computed ratio by its inputs).
    evidence_keys: tuple[str, ...]


# Not frozen, and the city's own part only: building forty-odd results a city was a third of
# assessing it while each copied every field (a frozen dataclass sets each through
# object.__setattr__). Treat as read-only.
@dataclass(slots=True)
class RequirementResult:
    facts: RequirementFacts
    status: Verdict
    values: Mapping[str, Any]  # the submission's values, which `inputs` reads
    # How it falls short (unmet), or why it cannot be decided (a ratio over a zero), in words.
    gap_words: Gap | None = None
    proved_by: str | None = None
    # Ratios read that could not be computed: their divisor was filed as 0.
    uncomputable: tuple[str, ...] = ()
    # The keys of the submission's `evidence` that speak for it (its id, fields it reads).
    evidence: tuple[str, ...] = ()

    @property
    def inputs(self) -> dict[str, Any]:
        """The fields it reads, with the values the city filed (None for missing ones)."""
        return {f: self.values.get(f) for f in self.facts.read}

    @property
    def gap(self) -> str | None:
        return None if self.gap_words is None else self.gap_words.text("zh")

    @property
    def gap_en(self) -> str | None:
        return None if self.gap_words is None else self.gap_words.text("en")

    @property
    def id(self) -> str:
        return self.facts.id

    @property
    def task(self) -> str:
        return self.facts.task

    @property
    def kind(self) -> str:
        return self.facts.kind

    @property
    def title(self) -> str:
        return self.facts.title

    @property
    def title_en(self) -> str | None:
        return self.facts.title_en

    @property
    def weight(self) -> Fraction:
        return self.facts.weight

    @property
    def expected(self) -> str:
        return self.facts.expected

    @property
    def expected_en(self) -> str:
        return self.facts.expected_en

    @property
    def remedy(self) -> str:
        return self.facts.remedy

    @property
    def remedy_en(self) -> str | None:
        return self.facts.remedy_en

    @property
    def citation(self) -> dict[str, str]:
        return self.facts.citation

    @property
    def interpretive(self) -> str | None:
        return self.facts.interpretive

    @property
    def interpretive_en(self) -> str | None:
        return self.facts.interpretive_en

    @property
    def deadline(self) -> str | None:
        return self.facts.deadline

    def overdue(self, year: int) -> bool:
        """Whether its deadline fell in a year before `year` (the assessed one): "2009年3月"
        in a 2010 assessment can no longer be met on time; a deadline in the assessed year,
        or one naming no year ("试点期内"), has not passed."""
        last = deadline_year(self.facts.deadline)
        return last is not None and last < year

    @property
    def responsible(self) -> tuple[str, ...]:
        return self.facts.responsible


@dataclass(slots=True)  # not frozen, like RequirementResult: nine made a city. Read-only.
class TaskResult:
    id: str
    title: str
    title_en: str | None
    mandatory: bool
    status: TaskStatus
    weight: Fraction
    fraction: Fraction | None  # None when no requirement of the task applies
    requirements: tuple[RequirementResult, ...]


@dataclass(frozen=True)
class Assessment:
    pack: Pack
    year: int
    city: str
    province: str | None
    level: str | None
    batch: int | None
    score: Decimal
    exact_score: Fraction
    grade: str
    grade_label: str
    mandatory_complete: bool
    tasks: tuple[TaskResult, ...]
    missing: tuple[str, ...]
    # Ratios that could not be computed (divisor filed as 0): not missing, the city filed them.
    uncomputable: tuple[str, ...] = ()
    source: str = ""
    scoring_note: str = ""
    warnings: tuple[dict[str, str], ...] = ()  # plausibility checks that fired: id, message
    inputs: tuple[InputFile, ...] = ()  # the files read, with their SHA-256
    # Other years' figures used, each with its value and where it came from.
    other_years: dict[str, dict[str, Any]] = field(default_factory=dict)
    evidence: Attached = field(default_factory=dict)  # supporting documents, files hashed
    sheet: SheetScore | None = None  # a points sheet's items, vetoes and total

    @property
    def pack_id(self) -> str:
        return self.pack.id

    @property
    def values(self) -> Mapping[str, Any]:
        """The figures it was assessed on, other years' included: the mapping every
        requirement's result reads (a pack has at least one task of at least one). Read-only."""
        return self.tasks[0].requirements[0].values

    @property
    def pack_version(self) -> str:
        return self.pack.pack.version

    def grade_word(self, lang: str) -> str:
        """The grade in the reader's language (Excellent where the label is 优秀)."""
        return self.pack.grade_label(self.grade, lang)

    def requirement_statuses(self) -> dict[str, Verdict]:
        return {r.id: r.status for t in self.tasks for r in t.requirements}

    def provenance(self, produced_at: str | None) -> Provenance:
        attachments = tuple(
            InputFile(p.path, p.sha256)
            for pieces in self.evidence.values()
            for p in pieces
            if p.path is not None and p.sha256 is not None
        )
        return Provenance(
            self.pack.id,
            self.pack_version,
            self.pack.content_hash,
            self.inputs,
            produced_at,
            attachments=tuple(dict.fromkeys(attachments)),
        )

    def to_dict(self, produced_at: str | None = None) -> dict[str, Any]:
        """The contract's JSON shape (cnipa-2015.md), with a few more keys."""
        return {
            "pack": self.pack.id,
            "pack_version": self.pack_version,
            "year": self.year,
            "city": self.city,
            "province": self.province,
            "level": self.level,
            "batch": self.batch,
            "source": self.source,
            "score": float(self.score),
            "grade": self.grade,
            "grade_label": self.grade_label,
            "mandatory_complete": self.mandatory_complete,
            "tasks": [
                {
                    "id": t.id,
                    "title": t.title,
                    "mandatory": t.mandatory,
                    "status": t.status,
                    "weight": _number(t.weight),
                    "fraction": None if t.fraction is None else round(float(t.fraction), 4),
                    "requirements": [_requirement(r) for r in t.requirements],
                }
                for t in self.tasks
            ],
            "missing": list(self.missing),
            "uncomputable": list(self.uncomputable),
            "warnings": list(self.warnings),
            "scoring_note": self.scoring_note,
            "other_years": {name: _used_json(used) for name, used in self.other_years.items()},
            "evidence": {
                key: [p.to_dict() for p in pieces] for key, pieces in self.evidence.items()
            },
            **({"points": sheet_json(self.pack, self.sheet)} if self.sheet is not None else {}),
            "provenance": self.provenance(produced_at).to_dict(),
        }


def sheet_json(pack: Pack, sheet: SheetScore) -> dict[str, Any]:
    """A points sheet in the JSON: every item with its 分值, 得分, 自评分 and the difference,
    each part's band and why; the vetoes that hold; the total, exact and as shown."""
    decimals = pack.scoring.decimals
    vetoes = {v.id: v for v in pack.scoring.vetoes}
    # Vetoes a missing figure leaves undecided (the grade holds only until it is filed): only
    # where there are any, so that a result archived before stays the same when replayed.
    undecided = {"vetoes_undecided": [{"id": v, "title": vetoes[v].title} for v in sheet.undecided]}
    return {
        **(undecided if sheet.undecided else {}),
        "start": _number(sheet.start),
        "maximum": _number(sheet.maximum),
        "total": shown(sheet.exact, decimals),
        "total_exact": str(sheet.exact),
        "capped": sheet.capped,
        "vetoes": [
            {
                "id": v,
                "title": vetoes[v].title,
                "effect": vetoes[v].effect,
                "citation": vetoes[v].citation.model_dump(),
            }
            for v in sheet.vetoes
        ],
        "items": [
            {
                "id": item.id,
                "task": item.task,
                "value": _number(item.value),
                "points": shown(item.points, decimals),
                "points_exact": str(item.points),
                "status": item.status,
                "self_score": None if item.claimed is None else _number(item.claimed),
                "difference": None if item.difference is None else shown(item.difference, decimals),
                "parts": [
                    {
                        "kind": part.kind,
                        "band": part.band,
                        "band_kind": part.band_kind,
                        "points": shown(part.points, decimals),
                        "bonus": shown(part.bonus, decimals),
                        "explanation": part.words,
                    }
                    for part in item.parts
                ],
            }
            for item in sheet.items
        ],
    }


def _used_json(used: dict[str, Any]) -> dict[str, Any]:
    out = {**used, "value": json_value(used["value"])}
    if "recorded" in used:
        out["recorded"] = {**used["recorded"], "value": json_value(used["recorded"]["value"])}
    return out


def _requirement(r: RequirementResult) -> dict[str, Any]:
    facts, values = r.facts, r.values
    out: dict[str, Any] = {
        "id": facts.id,
        "kind": facts.kind,
        "title": facts.title,
        "status": r.status,
        "weight": _number(facts.weight),
        "inputs": {k: json_value(values.get(k)) for k in facts.read},
        "expected": facts.expected,
        "gap": r.gap,
        "remedy": facts.remedy,
        "citation": facts.citation,
        "proved_by": r.proved_by,
    }
    if facts.interpretive:
        out["interpretive"] = facts.interpretive
    if facts.deadline:
        out["deadline"] = facts.deadline
    if facts.responsible:
        out["responsible"] = list(facts.responsible)
    if r.evidence:
        out["evidence"] = list(r.evidence)
    return out


def _number(value: Fraction) -> int | float:
    return value.numerator if value.denominator == 1 else float(value)


_PLAIN = {str, int, bool, float, type(None)}


def json_value(value: Any) -> Any:
    if type(value) in _PLAIN:  # most inputs: nothing to convert
        return value
    if isinstance(value, Fraction):  # a computed ratio, exact to a double's precision
        return _number(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
