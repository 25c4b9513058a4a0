"""Connecting to the archive: the engine for a URL (SQLite writers taking turns), the schema
brought to the newest migration, and database failures told in the user's words."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from ..errors import InputError, Problem
from .schema import HEAD


def shown(url: str) -> str:
    """A URL fit to print: no password, in its user part or its query (`?password=`); a URL
    that cannot be parsed is shown by its scheme alone."""
    try:
        plain = make_url(url).render_as_string(hide_password=True)
    except (sa_exc.ArgumentError, ValueError):
        return url.split("://", 1)[0] + "://…"
    return _SECRET.sub(r"\1=***", plain)


_SECRET = re.compile(r"([?&][^=&]*(?:pass|pwd|secret|token|key)[^=&]*)=[^&]*", re.I)
# The databases the archive is written for (its migrations, its locking, its types).
KNOWN = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def engine_for(url: str) -> Engine:
    where = shown(url)
    backend = url.split("://", 1)[0].split("+", 1)[0].lower()
    if backend not in KNOWN:
        other = backend in _OTHERS
        raise InputError(
            [
                Problem(
                    f"归档只能用 SQLite 或 PostgreSQL，不能用 {_OTHERS[backend]}（{where}）"
                    if other
                    else f"数据库地址无法识别：{where}（应为 SQLite 文件的路径、sqlite:/// 或 "
                    "postgresql:// 开头的 URL）",
                    f"the archive is kept in SQLite or PostgreSQL, not {_OTHERS[backend]} ({where})"
                    if other
                    else f"unrecognised database URL: {where} (expected an SQLite file's path, "
                    "sqlite:/// or postgresql://)",
                    field="--db",
                )
            ]
        )
    try:
        engine = create_engine(url, connect_args={"timeout": 60} if _is_sqlite(url) else {})
    except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ValueError):
        raise InputError(
            [
                Problem(
                    f"数据库地址无法识别：{where}",
                    f"unrecognised database URL: {where}",
                    field="--db",
                )
            ]
        ) from None
    except ImportError:
        raise InputError(
            [
                Problem(
                    "使用 PostgreSQL 需要安装数据库驱动：pip install 'ipscore[postgres]'",
                    "PostgreSQL needs its driver: pip install 'ipscore[postgres]'",
                    field="--db",
                )
            ]
        ) from None
    if _is_sqlite(url):
        _serialise_sqlite_writers(engine)
    return engine


_OTHERS = {
    "mysql": "MySQL",
    "mariadb": "MariaDB",
    "oracle": "Oracle",
    "mssql": "SQL Server",
    "sqlserver": "SQL Server",
    "db2": "Db2",
    "dm": "达梦",
    "kingbase": "人大金仓",
}


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _serialise_sqlite_writers(engine: Engine) -> None:
    """Writers take SQLite's write lock when their transaction begins (BEGIN IMMEDIATE), so two
    `archive add`s wait for each other (up to the 60 s timeout) instead of one failing."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin event emits BEGIN itself
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("ipscore_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creating it in an empty database)."""
    with engine.connect() as conn:
        if inspect(conn).has_table("alembic_version"):
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if current == HEAD:
                return  # nothing to write: a read-only archive can still be read
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.connect().execution_options(ipscore_write=True) as conn, conn.begin():
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def database_problem(url: str, exc: sa_exc.DBAPIError) -> Problem:
    text = str(exc.orig).lower()
    where = shown(url)
    if "file is not a database" in text or "file is encrypted" in text:
        return Problem(
            "不是 SQLite 数据库文件（请用 --db 指定归档数据库，或新的文件名）",
            "not an SQLite database file (name the archive with --db, or a new file name)",
            where,
        )
    if "readonly" in text or "read-only" in text:
        return Problem(
            "数据库是只读的，无法写入（检查文件和目录的写权限）",
            "the database is read-only (check the write permission of the file and folder)",
            where,
        )
    if "unable to open database file" in text:
        return Problem(
            "无法打开数据库文件（目录不存在或没有权限）",
            "cannot open the database file (its folder is missing or not accessible)",
            where,
        )
    if isinstance(exc, sa_exc.OperationalError) and not _is_sqlite(url):
        first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
        return Problem(
            f"无法连接数据库：{first}",
            f"cannot connect to the database: {first}",
            where,
        )
    return Problem(f"数据库出错：{exc.orig}", f"database error: {exc.orig}", where)
