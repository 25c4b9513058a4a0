"""Where the archive is: --db, else IPSCORE_DB, else a file in the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

ENV = "IPSCORE_DB"


def default_location() -> Path:
    """The archive file when neither --db nor IPSCORE_DB names one: the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path("ipscore") / "archive.sqlite"


def location(db: str | None) -> str:
    """The database URL for --db (a URL or a file path), else IPSCORE_DB, else the default."""
    chosen = db or os.environ.get(ENV) or str(default_location())
    return chosen if "://" in chosen else f"sqlite:///{Path(chosen).expanduser()}"
