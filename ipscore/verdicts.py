"""The four verdicts a requirement can have and the three states of a task (public contract:
cnipa-2015.md). Both are `StrEnum`s: they serialise as the contract's plain strings."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    MET = "met"
    UNMET = "unmet"
    MISSING = "missing"
    NOT_APPLICABLE = "not_applicable"


class TaskStatus(StrEnum):
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    INSUFFICIENT = "insufficient_data"


MET, UNMET, MISSING, NOT_APPLICABLE = (
    Verdict.MET,
    Verdict.UNMET,
    Verdict.MISSING,
    Verdict.NOT_APPLICABLE,
)
COMPLETE, INCOMPLETE, INSUFFICIENT = (
    TaskStatus.COMPLETE,
    TaskStatus.INCOMPLETE,
    TaskStatus.INSUFFICIENT,
)

LABELS: dict[str, dict[Verdict, str]] = {
    "zh": {MET: "达到", UNMET: "未达到", MISSING: "缺报", NOT_APPLICABLE: "不适用"},
    "en": {MET: "met", UNMET: "unmet", MISSING: "missing", NOT_APPLICABLE: "n/a"},
}


def verdict_word(status: str, lang: str) -> str:
    """A stored verdict code in the reader's words; an unknown code as it is."""
    words = LABELS["en" if lang == "en" else "zh"]
    return words[Verdict(status)] if status in words else status


TASK_LABELS: dict[str, dict[TaskStatus, str]] = {
    "zh": {COMPLETE: "完成", INCOMPLETE: "未完成", INSUFFICIENT: "数据不全"},
    "en": {COMPLETE: "complete", INCOMPLETE: "incomplete", INSUFFICIENT: "insufficient data"},
}


# Whether a city's mandatory tasks are all complete: the same words in the terminal, the
# reports, Word and Excel.
MANDATORY_LABELS: dict[str, dict[bool, str]] = {
    "zh": {True: "全部完成", False: "未完成"},
    "en": {True: "all complete", False: "not complete"},
}


BAND = "band:"  # the rule proving that a part of an item is in one band: band:<item>|<part>|<band>
VETO = "veto:"  # the rule proving that a veto holds
VETO_CLEAR = "vetoclear:"  # the rule proving that a veto does not hold
PREV = "prev:"  # the warning id of a typed `_prev` figure that differs from last year's record


@dataclass(frozen=True)
class Verdicts:
    """What the engine decided for one city: the verdict table scoring works on."""

    statuses: dict[str, Verdict]  # requirement id → verdict
    proved_by: dict[str, str]  # requirement id → the rule that fired (absent for missing)
    mandatory_rules: tuple[int, ...]  # indexes of the pack's mandatory rules that fired
    warnings: tuple[str, ...] = ()  # ids of the plausibility checks that fired
    # A points sheet's: item id → the band each of its parts is in (None: a figure is missing),
    # the vetoes (一票否决) whose condition holds, and those neither proved to hold nor not to
    # (a figure they read is missing).
    bands: dict[str, tuple[int | None, ...]] = field(default_factory=dict)
    vetoes: tuple[str, ...] = ()
    undecided_vetoes: tuple[str, ...] = ()
