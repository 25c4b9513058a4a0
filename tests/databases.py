"""Databases for the archive tests: a fresh SQLite file, and a throwaway PostgreSQL cluster on a
local socket started from Debian's server binaries (or IPSCORE_TEST_PG_URL, if set)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest


def _server_binaries() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


def _as_server_user(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its programs as the `postgres` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A server URL without a database name; skipped only when no server binary exists."""
    given = os.environ.get("IPSCORE_TEST_PG_URL")
    if given:
        yield given
        return
    binaries = _server_binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL server binary (initdb) found: the PostgreSQL tests are skipped")
    home = Path(tempfile.mkdtemp(prefix="ipscore-pg-"))
    data, socket = home / "data", home / "socket"
    socket.mkdir()
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
        shutil.chown(socket, "postgres")
    quiet = {"capture_output": True, "check": True}
    subprocess.run(
        _as_server_user(
            [str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
             "--no-sync", "-E", "UTF8", "--locale", "C"]
        ),
        **quiet,
    )  # fmt: skip
    options = f"-k {socket} -c listen_addresses='' -c fsync=off"
    subprocess.run(
        _as_server_user(
            [str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
             str(home / "log"), "start"]
        ),
        **quiet,
    )  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@/{{database}}?host={socket}"
    finally:
        subprocess.run(
            _as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(home, ignore_errors=True)


def fresh_postgres(server: str) -> str:
    """A new, empty database on the server: its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"t_{uuid.uuid4().hex[:12]}"
    url = make_url(server.replace("{database}", "postgres"))
    host = url.query.get("host")
    conninfo = f"dbname=postgres user={url.username} host={host or url.host or ''}"
    if url.port:
        conninfo += f" port={url.port}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.replace("{database}", name)
