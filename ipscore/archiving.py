"""`ipscore archive add`: read submissions, assess those of the year their pack assesses, and
store each with its figures in the archive — one batch, one transaction.

A submission for another year (last year's figures under this year's field names) is stored as
figures only: that is how last year's filed figures get into the archive. Assessments read other
years from the archive as it was before the batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ._version import __version__
from .intake import read_all
from .packs import Pack
from .pipeline import assess
from .results import Assessment
from .store.archive import Archive, Entry
from .submission import Submission


@dataclass(frozen=True)
class Archived:
    """One stored submission: its row id, and its assessment when it was assessed."""

    id: int
    pack: Pack
    submission: Submission
    assessment: Assessment | None
    figures: int  # how many filed figures were stored


def archive_paths(
    archive: Archive,
    paths: Iterable[str | Path],
    stored_at: str,
    by: str | None = None,
    pack: str | None = None,
) -> list[Archived]:
    """Read every file first (all problems in one pass), assess, then store all or nothing."""
    found = read_all(paths, pack, any_year=True)
    # Assessed with the other years already on record, as `assess --db` would.
    assessed = [(p, s, assess(p, s, archive) if s.year == p.pack.year else None) for p, s in found]
    entries = [_entry(p, s, a, stored_at) for p, s, a in assessed]
    ids = archive.add(entries, stored_at, by)
    return [
        Archived(i, p, s, a, len(e.figures))
        for i, (p, s, a), e in zip(ids, assessed, entries, strict=True)
    ]


def _entry(pack: Pack, s: Submission, a: Assessment | None, stored_at: str) -> Entry:
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
