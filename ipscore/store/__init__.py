"""The archive: cities' figures by year and their assessments, in a real database."""

from __future__ import annotations

from .archive import (
    ASSESSMENT,
    ENV,
    FIGURES,
    Archive,
    Entry,
    Stored,
    default_location,
    dump_lines,
    location,
    read_dump,
    shown,
)

__all__ = [
    "ASSESSMENT",
    "ENV",
    "FIGURES",
    "Archive",
    "Entry",
    "Stored",
    "default_location",
    "dump_lines",
    "location",
    "read_dump",
    "shown",
]
