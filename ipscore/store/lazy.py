"""Other years' figures from an archive that is opened on first use: assessing a pack that
reads no other year, or with no archive at all, never loads the database libraries."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .places import location

if TYPE_CHECKING:
    from .archive import Archive
    from .records import Check, Stored, Value


class ArchivedFigures:
    """`figures_of(city, year)` from the archive at `db` (a path or URL; None: IPSCORE_DB or
    the default place), opened when first asked."""

    def __init__(self, db: str | None = None):
        self.db = db
        self._archive: Archive | None = None

    def figures_of(self, city: str, year: int) -> dict[str, tuple[Value, Stored]]:
        return self._opened().figures_of(city, year)

    def submissions(
        self,
        city: str | None = None,
        year: int | None = None,
        pack: str | None = None,
        every_version: bool = False,
        details: bool = False,
        years: tuple[int, int] | None = None,
    ) -> list[Stored]:
        """The stored submissions (`Archive.submissions`): what a report's earlier years are."""
        return self._opened().submissions(city, year, pack, every_version, details, years)

    def checks(
        self, pack: str | None = None, city: str | None = None, year: int | None = None
    ) -> list[Check]:
        """Reviewers' checks (`Archive.checks`): what a report's verification states are."""
        return self._opened().checks(pack, city, year)

    def pack_document(self, sha256: str) -> str | None:
        """A stored pack's document (`Archive.pack_document`): what scored a stored result."""
        return self._opened().pack_document(sha256)

    def _opened(self) -> Archive:
        if self._archive is None:
            from .archive import Archive

            self._archive = Archive.open(self.db)
        return self._archive

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()


def configured(db: str | None) -> ArchivedFigures | None:
    """The archive to read other years from: the one named by --db or IPSCORE_DB, else the
    default one; None when there is none (nothing is created)."""
    url = location(db)
    if url.startswith("sqlite:///") and "?" not in url:
        # Reading other years never creates an archive: an SQLite file that is not there is none.
        return ArchivedFigures(db) if Path(url.removeprefix("sqlite:///")).exists() else None
    return ArchivedFigures(db)
