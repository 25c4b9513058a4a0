"""The archive: every stored submission with its figures and its assessment, in SQLite by
default or in PostgreSQL by URL.

It knows submissions and results, never rules: what to store is worked out above it
(`ipscore.record.archiving`). Append-only — nothing is updated or deleted; the newest row for a
pack, city and year is the current one, and every earlier one stays readable. A batch is stored
in one transaction, so a failed or killed `archive add` stores nothing of it. One piece: every
read and write of the tables, and the export and import of them, speak one schema version.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from ..errors import InputError, Problem
from .places import location
from .schema import HEAD, checks, figures, submissions

Value = bool | int | Decimal | dt.date | str
ASSESSMENT, FIGURES = "assessment", "figures"


@dataclass(frozen=True)
class Entry:
    """One submission to store: who it is, where it came from, its figures and its result."""

    pack: str
    pack_version: str
    pack_sha256: str
    city: str
    year: int
    source: str
    input_sha256: str
    figures: dict[str, Value]
    result: dict[str, Any] | None = None  # the assessment's JSON; None for figures only
    references: tuple[dict[str, str], ...] = ()
    ipscore_version: str = ""

    def record(self, stored_at: str, by: str | None, reason: str | None = None) -> dict[str, Any]:
        """As an exported record is written (`Stored.to_dict`), without id and version."""
        return {
            "pack": self.pack,
            "pack_version": self.pack_version,
            "pack_sha256": self.pack_sha256,
            "city": self.city,
            "year": self.year,
            "kind": FIGURES if self.result is None else ASSESSMENT,
            "source": self.source,
            "input_sha256": self.input_sha256,
            "references": list(self.references),
            "stored_at": stored_at,
            "stored_by": by,
            "reason": reason,
            "ipscore_version": self.ipscore_version,
            "figures": {k: _encoded(v) for k, v in self.figures.items()},
            "result": self.result,
        }


@dataclass(frozen=True)
class Stored:
    """A stored submission as read back, with its place among the versions of its key."""

    id: int
    pack: str
    pack_version: str
    pack_sha256: str
    city: str
    year: int
    kind: str
    source: str
    input_sha256: str
    stored_at: str
    stored_by: str | None
    ipscore_version: str
    version: int  # 1 for the first stored for this pack, city and year
    current: bool
    references: tuple[dict[str, str], ...] = ()
    result: dict[str, Any] | None = None
    figures: dict[str, Value] = field(default_factory=dict)
    reason: str | None = None  # why this version was stored, where one was given

    @property
    def assessed(self) -> bool:
        return self.kind == ASSESSMENT

    def to_dict(self) -> dict[str, Any]:
        """The record as exported: what was stored, with its id and place among the versions."""
        entry = Entry(
            self.pack,
            self.pack_version,
            self.pack_sha256,
            self.city,
            self.year,
            self.source,
            self.input_sha256,
            self.figures,
            self.result,
            self.references,
            self.ipscore_version,
        )
        record = entry.record(self.stored_at, self.stored_by, self.reason)
        return {"id": self.id, **record, "version": self.version, "current": self.current}


@dataclass(frozen=True)
class Check:
    """A reviewer's check of one requirement of a stored submission."""

    id: int
    submission_id: int
    pack: str
    city: str
    year: int
    requirement: str
    decision: str  # verified | rejected
    reason: str | None
    checked_by: str
    checked_at: str
    verdict: str  # the requirement's verdict when it was checked
    evidence_sha256: str  # the hash of its documents when it was checked

    def to_dict(self) -> dict[str, Any]:
        return {
            "requirement": self.requirement,
            "decision": self.decision,
            "reason": self.reason,
            "checked_by": self.checked_by,
            "checked_at": self.checked_at,
            "verdict": self.verdict,
            "evidence_sha256": self.evidence_sha256,
            "submission_id": self.submission_id,
        }


CHECK_KEYS = (
    "pack",
    "city",
    "year",
    "requirement",
    "decision",
    "reason",
    "checked_by",
    "checked_at",
    "verdict",
    "evidence_sha256",
    "submission",
)


def dump_lines(records: Iterable[dict[str, Any]]) -> str:
    """Exported records as JSON Lines."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


RECORD_KEYS = (
    "pack",
    "pack_version",
    "pack_sha256",
    "city",
    "year",
    "kind",
    "source",
    "input_sha256",
    "references",
    "stored_at",
    "stored_by",
    "ipscore_version",
    "figures",
    "result",
)


def read_dump(path: Path) -> list[dict[str, Any]]:
    """The records of an export file, every bad line reported at once."""
    from ..errors import display_path
    from ..yamlio import decode, read_bytes

    name = display_path(path)
    content = decode(read_bytes(path), name)
    records, problems = [], []
    for n, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(
                Problem(f"不是有效的 JSON：{exc.msg}", f"not valid JSON: {exc.msg}", name, n)
            )
            continue
        wanted = CHECK_KEYS if isinstance(record, dict) and "check" in record else RECORD_KEYS
        body = record.get("check") if isinstance(record, dict) and "check" in record else record
        missing = [k for k in wanted if not isinstance(body, dict) or k not in body]
        if missing:
            problems.append(
                Problem(
                    f"不是 archive export 导出的存档记录：缺少 {'、'.join(missing)}",
                    f"not a record from archive export: {', '.join(missing)} missing",
                    name,
                    n,
                )
            )
            continue
        records.append(record)
    if problems:
        raise InputError(problems)
    return records


def shown(url: str) -> str:
    """A URL fit to print: no password."""
    return make_url(url).render_as_string(hide_password=True)


class Archive:
    def __init__(self, url: str):
        self.url = url
        self.engine = _engine(url)
        with self._failing_clearly():
            _migrate(self.engine)

    @classmethod
    def open(cls, db: str | None = None) -> Archive:
        url = location(db)
        if url.startswith("sqlite:///") and db is None:
            # The default place is ours to create; a place the user named must exist.
            Path(make_url(url).database or "").parent.mkdir(parents=True, exist_ok=True)
        return cls(url)

    def close(self) -> None:
        self.engine.dispose()

    def add(self, entries: Sequence[Entry], stored_at: str, by: str | None) -> list[int]:
        """Store every entry in one transaction: all of them, or (on any failure) none."""
        return self.add_records([entry.record(stored_at, by) for entry in entries])

    def add_changed(
        self,
        records: Iterable[dict[str, Any]],
        keys: Collection[tuple[str, str, int]],
        same: Callable[[dict[str, Any], Stored], bool],
    ) -> list[tuple[int, int, bool]]:
        """Store records in one transaction, but not one that `same` finds saying what the
        current version of its pack, city and year says: for each, in order, (id, version,
        stored). `keys` are the records' (pack, city, year). The current versions are read
        once this writer holds the write lock, so two writers adding the same file store it
        once, and versions count up without a gap."""
        with self._failing_clearly(), self._writing() as conn:
            if conn.dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE does this
                conn.exec_driver_sql("LOCK TABLE submissions IN SHARE ROW EXCLUSIVE MODE")
            current = _current_versions(conn, keys)
            versions = {key: s.version for key, s in current.items()}
            out = []
            for record in records:
                key = (record["pack"], record["city"], record["year"])
                before = current.get(key)
                if before is not None and same(record, before):
                    out.append((before.id, before.version, False))
                    continue
                versions[key] = versions.get(key, 0) + 1
                out.append((_insert(conn, record), versions[key], True))
            return out

    def add_records(self, records: Iterable[dict[str, Any]]) -> list[int]:
        """Store records (`Entry.record`) as they come, in one transaction: a failure, in the
        database or in whatever yields them, stores none."""
        with self._failing_clearly(), self._writing() as conn:
            return [_insert(conn, record) for record in records]

    def submissions(
        self,
        city: str | None = None,
        year: int | None = None,
        pack: str | None = None,
        every_version: bool = False,
        details: bool = False,
        years: tuple[int, int] | None = None,
    ) -> list[Stored]:
        """Stored submissions, current ones only unless every version is asked for; ordered by
        pack, city, year and version. `details` reads each one's figures too; `years` is a
        range, both ends included."""
        query = select(submissions).order_by(
            submissions.c.pack, submissions.c.city, submissions.c.year, submissions.c.id
        )
        if city is not None:
            query = query.where(submissions.c.city == city)
        if year is not None:
            query = query.where(submissions.c.year == year)
        if years is not None:
            query = query.where(submissions.c.year.between(*years))
        if pack is not None:
            query = query.where(submissions.c.pack == pack)
        with self._failing_clearly(), self.engine.connect() as conn:
            return _versions(conn, query, every_version, details)

    def current_versions(
        self, keys: Collection[tuple[str, str, int]]
    ) -> dict[tuple[str, str, int], Stored]:
        """The current version of each (pack, city, year) that has one, with its figures: what
        a batch about to be stored is compared with."""
        with self._failing_clearly(), self.engine.connect() as conn:
            return _current_versions(conn, keys)

    def figures_of(self, city: str, year: int) -> dict[str, tuple[Value, Stored]]:
        """The city's figures for a year from its current submissions (an earlier version's
        figure that a correction left out does not count): each field from the newest one that
        holds it, with that submission."""
        current = {s.id: s for s in self.submissions(city=city, year=year)}
        query = (
            select(figures)
            .where(figures.c.submission_id.in_(list(current)))
            .order_by(figures.c.submission_id)
        )
        with self._failing_clearly(), self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return {
            r["field"]: (_decoded(r["type"], r["value"]), current[r["submission_id"]]) for r in rows
        }

    def find(
        self, city: str, year: int, pack: str | None = None, version: int | None = None
    ) -> Stored:
        """One stored submission with its figures and result: the current one unless a version
        is asked for."""
        found = self.submissions(city, year, pack, every_version=True, details=True)
        if not found:
            raise InputError(
                [
                    Problem(
                        f"归档中没有 {city} {year}年度"
                        + (f"（规则包 {pack}）" if pack else "")
                        + "的存档",
                        f"the archive holds nothing for {city} {year}"
                        + (f" under {pack}" if pack else ""),
                    )
                ]
            )
        packs = sorted({s.pack for s in found})
        if len(packs) > 1:
            raise InputError(
                [
                    Problem(
                        f"{city} {year}年度有多个规则包的存档，请用 --pack 指定："
                        + "、".join(packs),
                        f"{city} {year} is stored under several packs; name one with --pack: "
                        + ", ".join(packs),
                        field="--pack",
                    )
                ]
            )
        if version is None:
            return found[-1]
        chosen = [s for s in found if s.version == version]
        if not chosen:
            raise InputError(
                [
                    Problem(
                        f"没有第{version}版；共 {len(found)} 版",
                        f"no version {version}; there are {len(found)}",
                        field="--version",
                    )
                ]
            )
        return chosen[0]

    def add_checks(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Store reviewers' checks (the columns of `checks` but id) in one transaction."""
        with self._failing_clearly(), self._writing() as conn:
            return [
                conn.execute(insert(checks).values(**row).returning(checks.c.id)).scalar_one()
                for row in rows
            ]

    def checks(
        self, pack: str | None = None, city: str | None = None, year: int | None = None
    ) -> list[Check]:
        """Stored checks, oldest first."""
        query = select(checks).order_by(checks.c.id)
        for column, value in ((checks.c.pack, pack), (checks.c.city, city), (checks.c.year, year)):
            if value is not None:
                query = query.where(column == value)
        with self._failing_clearly(), self.engine.connect() as conn:
            return [Check(**row) for row in conn.execute(query).mappings()]

    def count(self) -> int:
        with self._failing_clearly(), self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(submissions)).scalar_one())

    def export(self) -> Iterator[dict[str, Any]]:
        """Every stored submission, every version, oldest first, with figures and result; then
        every check, naming its submission by what identifies it in any archive."""
        every = sorted(self.submissions(every_version=True, details=True), key=_by_id)
        for stored in every:
            yield stored.to_dict()
        by_id = {s.id: s for s in every}
        for check in self.checks():
            stored = by_id[check.submission_id]
            yield {
                "check": {
                    **{k: v for k, v in check.to_dict().items() if k != "submission_id"},
                    "pack": check.pack,
                    "city": check.city,
                    "year": check.year,
                    "submission": {
                        "input_sha256": stored.input_sha256,
                        "stored_at": stored.stored_at,
                    },
                }
            }

    def import_records(self, records: Iterable[dict[str, Any]]) -> tuple[int, int]:
        """Store exported records as they were (time, reviewer, hashes): (stored, skipped).

        A record already present (same pack, city, year, input hash and time) is skipped, so
        importing a dump twice stores it once.
        """
        ids = {
            (s.pack, s.city, s.year, s.input_sha256, s.stored_at): s.id
            for s in self.submissions(every_version=True)
        }
        present = set(ids)
        done = {
            (c.pack, c.city, c.year, c.requirement, c.checked_at, c.checked_by)
            for c in self.checks()
        }
        stored = skipped = 0
        with self._failing_clearly(), self._writing() as conn:
            for record in records:
                if "check" in record:
                    if _import_check(conn, record["check"], ids, done):
                        stored += 1
                    else:
                        skipped += 1
                    continue
                key = (
                    record["pack"],
                    record["city"],
                    record["year"],
                    record["input_sha256"],
                    record["stored_at"],
                )
                if key in present:
                    skipped += 1
                    continue
                present.add(key)
                ids[key] = _insert(conn, record)
                stored += 1
        return stored, skipped

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(ipscore_write=True) as conn, conn.begin():
            yield conn

    @contextmanager
    def _failing_clearly(self) -> Iterator[None]:
        """Database failures as one message in the user's words, never a traceback."""
        try:
            yield
        except sa_exc.DBAPIError as exc:
            raise InputError([_database_problem(self.url, exc)]) from None


def _engine(url: str) -> Engine:
    try:
        engine = create_engine(url, connect_args={"timeout": 60} if _is_sqlite(url) else {})
    except (sa_exc.ArgumentError, sa_exc.NoSuchModuleError, ValueError) as exc:
        raise InputError(
            [
                Problem(
                    f"数据库地址无法识别：{url}（{exc}）",
                    f"unrecognised database URL: {url} ({exc})",
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


def _migrate(engine: Engine) -> None:
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


def _database_problem(url: str, exc: sa_exc.DBAPIError) -> Problem:
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


def _encoded(value: Value) -> dict[str, str]:
    if isinstance(value, bool):
        return {"type": "bool", "value": "true" if value else "false"}
    if isinstance(value, int):
        return {"type": "int", "value": str(value)}
    if isinstance(value, Decimal):
        return {"type": "decimal", "value": str(value)}
    if isinstance(value, dt.date):
        return {"type": "date", "value": value.isoformat()}
    return {"type": "text", "value": value}


def figures_in(record: dict[str, Any]) -> dict[str, Value]:
    """A record's figures (`Entry.record`, an export's line) as values."""
    return {name: _decoded(v["type"], v["value"]) for name, v in record["figures"].items()}


def _decoded(kind: str, stored: str) -> Value:
    if kind == "bool":
        return stored == "true"
    if kind == "int":
        return int(stored)
    if kind == "decimal":
        return Decimal(stored)
    if kind == "date":
        return dt.date.fromisoformat(stored)
    return stored


def _insert(conn: Connection, record: dict[str, Any]) -> int:
    """One submission and its figures; the new row's id."""
    row: int = conn.execute(
        insert(submissions)
        .values(
            pack=record["pack"],
            pack_version=record["pack_version"],
            pack_sha256=record["pack_sha256"],
            city=record["city"],
            year=record["year"],
            kind=record["kind"],
            source=record["source"],
            input_sha256=record["input_sha256"],
            references_json=json.dumps(record["references"], ensure_ascii=False),
            stored_at=record["stored_at"],
            stored_by=record["stored_by"],
            reason=record.get("reason"),  # an export made before reasons has none
            ipscore_version=record["ipscore_version"],
            result_json=None
            if record["result"] is None
            else json.dumps(record["result"], ensure_ascii=False),
        )
        .returning(submissions.c.id)
    ).scalar_one()
    rows = [
        {"submission_id": row, "city": record["city"], "year": record["year"], "field": name, **v}
        for name, v in record["figures"].items()
    ]
    if rows:
        conn.execute(insert(figures), rows)
    return row


def _import_check(
    conn: Connection,
    check: dict[str, Any],
    ids: dict[tuple[str, str, int, str, str], int],
    done: set[tuple[str, str, int, str, str, str]],
) -> bool:
    """Store an exported check against its submission; False if it is already present."""
    key = (
        check["pack"],
        check["city"],
        check["year"],
        check["requirement"],
        check["checked_at"],
        check["checked_by"],
    )
    if key in done:
        return False
    of = check["submission"]
    submission = ids.get(
        (check["pack"], check["city"], check["year"], of["input_sha256"], of["stored_at"])
    )
    if submission is None:
        raise InputError(
            [
                Problem(
                    f"核验记录（{check['city']} {check['year']} {check['requirement']}）所核验的"
                    "存档不在导出文件或归档中",
                    f"the check of {check['city']} {check['year']} {check['requirement']} names a "
                    "submission neither the export nor the archive holds",
                )
            ]
        )
    done.add(key)
    row = {k: check[k] for k in CHECK_KEYS if k != "submission"}
    conn.execute(insert(checks).values(**row, submission_id=submission))
    return True


def _versions(conn: Connection, query: Any, every_version: bool, details: bool) -> list[Stored]:
    """The rows a query of `submissions` finds, each with its place among the versions of its
    pack, city and year (the query must find every version of a key it finds one of)."""
    rows = conn.execute(query).mappings().all()
    counts: dict[tuple[str, str, int], int] = {}
    for row in rows:
        key = (row["pack"], row["city"], row["year"])
        counts[key] = counts.get(key, 0) + 1
    seen: dict[tuple[str, str, int], int] = {}
    out = []
    for row in rows:
        key = (row["pack"], row["city"], row["year"])
        seen[key] = seen.get(key, 0) + 1
        current = seen[key] == counts[key]
        if every_version or current:
            out.append(_stored(row, seen[key], current, conn if details else None))
    return out


def _current_versions(
    conn: Connection, keys: Collection[tuple[str, str, int]]
) -> dict[tuple[str, str, int], Stored]:
    """`Archive.current_versions` on a connection (a writer's, under its lock): a query per
    500 cities and per 500 versions' figures, whatever the batch's size."""
    cities = sorted({city for _, city, _ in keys})
    found: dict[tuple[str, str, int], Stored] = {}
    for start in range(0, len(cities), 500):
        query = (
            select(submissions)
            .where(submissions.c.city.in_(cities[start : start + 500]))
            .order_by(submissions.c.pack, submissions.c.city, submissions.c.year, submissions.c.id)
        )
        for s in _versions(conn, query, every_version=False, details=False):
            if (s.pack, s.city, s.year) in keys:
                found[(s.pack, s.city, s.year)] = s
    ids = sorted(s.id for s in found.values())
    values: dict[int, dict[str, Value]] = {i: {} for i in ids}
    for start in range(0, len(ids), 500):
        query = (
            select(figures)
            .where(figures.c.submission_id.in_(ids[start : start + 500]))
            .order_by(figures.c.id)
        )
        for r in conn.execute(query).mappings():
            values[r["submission_id"]][r["field"]] = _decoded(r["type"], r["value"])
    return {key: replace(s, figures=values[s.id]) for key, s in found.items()}


def _stored(row: Any, version: int, current: bool, conn: Connection | None) -> Stored:
    found: dict[str, Value] = {}
    if conn is not None:
        query = select(figures).where(figures.c.submission_id == row["id"]).order_by(figures.c.id)
        found = {
            r["field"]: _decoded(r["type"], r["value"]) for r in conn.execute(query).mappings()
        }
    result = None if row["result_json"] is None else orjson.loads(row["result_json"])
    return Stored(
        id=row["id"],
        pack=row["pack"],
        pack_version=row["pack_version"],
        pack_sha256=row["pack_sha256"],
        city=row["city"],
        year=row["year"],
        kind=row["kind"],
        source=row["source"],
        input_sha256=row["input_sha256"],
        stored_at=row["stored_at"],
        stored_by=row["stored_by"],
        ipscore_version=row["ipscore_version"],
        version=version,
        current=current,
        references=tuple(json.loads(row["references_json"])),
        result=result,
        figures=found,
        reason=row["reason"],
    )


def _by_id(stored: Stored) -> int:
    return stored.id
