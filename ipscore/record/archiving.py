"""What `ipscore archive add` stores of a submission: its figures, and its assessment when it is
for the year its pack assesses. A submission for another year (last year's figures under this
year's field names) is stored as figures only: that is how last year's filed figures get into
the archive. `batch.archive` reads, assesses and stores a whole batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..decide.results import Assessment
from ..intake.submission import Submission
from ..packs import Pack

if TYPE_CHECKING:  # SQLAlchemy loads when something is stored, not for every batch
    from ..store.records import Entry, Stored


@dataclass(frozen=True)
class Archived:
    """One stored submission, as `archive add` reports it (its row id once stored)."""

    id: int
    pack: str
    pack_year: int  # the year the pack assesses
    city: str
    year: int
    figures: int  # how many filed figures were stored
    score: Decimal | None = None  # when it was assessed
    grade: str | None = None
    grade_label: str | None = None
    version: int = 0  # its version among those of its pack, city and year, once stored
    unchanged: bool = False  # the current version says the same: nothing was stored
    pack_sha256: str = ""
    # Last year's figures typed other than the record has them (Chinese, English): a growth
    # target passed on an understated base shows where the batch is stored.
    differs: tuple[tuple[str, str], ...] = ()


def same_as(record: dict[str, Any], current: Stored) -> bool:
    """Whether a record about to be stored says what the current version says: the same
    figures (as values: 7799.9999 is 7799.99990), the same kind, and the same assessment under
    the same pack — verdicts, score, documents, other years' figures — whatever file it came
    from and whenever. Storing it would only add a version that changes nothing."""
    from ..store.records import figures_in

    if (record["kind"], record["pack_sha256"]) != (current.kind, current.pack_sha256):
        return False
    if figures_in(record) != current.figures:
        return False
    return content_of(record["result"]) == content_of(current.result)


def content_of(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored result without where and when it was made."""
    if result is None:
        return None
    return {k: v for k, v in result.items() if k not in ("provenance", "source")}


def entry(pack: Pack, s: Submission, a: Assessment | None, stored_at: str) -> Entry:
    from ..store.records import Entry

    first = s.inputs[0] if s.inputs else None
    return Entry(
        pack=pack.id,
        pack_version=pack.pack.version,
        pack_sha256=pack.content_hash,
        city=s.city,
        year=s.year,
        source=s.source,
        input_sha256=first.sha256 if first else "",
        # This year's filed figures: computed ratios are derived again when read, and other
        # years' figures carried in `history` are that year's business.
        figures={k: v for k, v in s.values.items() if not isinstance(v, Fraction) and "@" not in k},
        result=None if a is None else a.to_dict(stored_at),
        references=tuple(i.to_dict() for i in s.inputs[1:]),
        ipscore_version=__version__,
    )


def archived(pack: Pack, s: Submission, a: Assessment | None, figures: int) -> Archived:
    return Archived(
        0,
        pack.id,
        pack.pack.year,
        s.city,
        s.year,
        figures,
        None if a is None else a.score,
        None if a is None else a.grade,
        None if a is None else a.grade_label,
        pack_sha256=pack.content_hash,
        differs=() if a is None else differing(pack, a.other_years),
    )


def differing(pack: Pack, other_years: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    from ..decide.explain import recorded_differs

    both = (recorded_differs(pack, other_years, lang) for lang in ("zh", "en"))
    return tuple(zip(*both, strict=True))
