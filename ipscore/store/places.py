"""Where the archive is: --db, else IPSCORE_DB, else a file in the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError, Problem

ENV = "IPSCORE_DB"


def default_location() -> Path:
    """The archive file when neither --db nor IPSCORE_DB names one: the user's data directory."""
    from platformdirs import user_data_path

    return user_data_path("ipscore") / "archive.sqlite"


def location(db: str | None) -> str:
    """The database URL for --db (a URL or a file path), else IPSCORE_DB, else the default.
    An empty --db is refused: it read as "not given" and so meant the default archive."""
    if db is not None and not db.strip():
        raise InputError(
            [
                Problem(
                    "不能为空：请写归档数据库文件的路径或数据库 URL"
                    "（不写 --db 才用默认位置，见 ipscore archive where）",
                    "empty: name the archive's file or database URL (without --db the default "
                    "place is used; see ipscore archive where)",
                    field="--db",
                )
            ]
        )
    chosen = db or os.environ.get(ENV) or str(default_location())
    return chosen if "://" in chosen else f"sqlite:///{Path(chosen).expanduser()}"


def in_memory(url: str) -> bool:
    """Whether the URL names an SQLite database held in memory (`sqlite://`, `:memory:`,
    `file::memory:`, `mode=memory`): it is gone when the command ends."""
    if not url.startswith("sqlite"):
        return False
    database = url.split("://", 1)[1].removeprefix("/").split("?", 1)[0]
    return database in ("", ":memory:") or "file::memory:" in url or "mode=memory" in url


def writable(url: str) -> str:
    """The URL, for a command that stores something: an in-memory database is refused, since
    all it stored would be lost at exit after saying ✓ 已存档."""
    if in_memory(url):
        raise InputError(
            [
                Problem(
                    "这是内存中的数据库，命令结束时存下的内容就全部丢失：请用 --db 写一个数据库"
                    "文件的路径（如 归档.sqlite）或 PostgreSQL 的 URL",
                    "this database lives in memory: everything stored would be lost when the "
                    "command ends; name a database file (e.g. archive.sqlite) or a PostgreSQL URL "
                    "with --db",
                    field="--db",
                )
            ]
        )
    return url
