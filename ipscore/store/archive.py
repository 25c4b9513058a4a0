"""The archive: every stored submission with its figures and its assessment, in SQLite by
default or in PostgreSQL by URL.

It knows submissions and results, never rules: what to store is worked out above it
(`ipscore.record.archiving`). Append-only — nothing is updated or deleted; the newest row for a
pack, city and year is the current one, and every earlier one stays readable. A batch is stored
in one transaction, so a failed or killed `archive add` stores nothing of it. One piece: every
read and write of the tables, and the export and import of them, speak one schema version.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    func,
    insert,
    select,
    update,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from ..errors import InputError, Problem
from ..text import clean_name, odd_in_name
from .connect import database_problem, engine_for, migrate
from .exportlines import import_check, import_season_line, named, season_kind, season_lines
from .places import location, writable
from .records import (
    Check,
    Entry,
    Stored,
    Value,
    decoded,
    odd_city,
)
from .schema import checks, figures, packs, submissions
from .shapes import Damaged, figure_damage, result_damage, row_damage


class Archive:
    def __init__(self, url: str):
        self.url = url
        self.engine = engine_for(url)
        # Rows read that are not what ipscore stores, by id: skipped, named by the command.
        self.damaged: dict[int, Damaged] = {}
        self.checks_skipped = 0  # of damaged submissions, left out of an export
        with self._failing_clearly():
            migrate(self.engine)

    @classmethod
    def open(cls, db: str | None = None, writes: bool = False) -> Archive:
        """The archive named by --db (else IPSCORE_DB, else the default place); `writes` for a
        command that stores something, which an in-memory database would lose."""
        url = writable(location(db)) if writes else location(db)
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
        packs: Iterable[dict[str, str]] = (),
        then: Callable[[Writing, list[tuple[int, int, bool]]], None] | None = None,
    ) -> list[tuple[int, int, bool]]:
        """Store records in one transaction, but not one that `same` finds saying what the
        current version of its pack, city and year says: for each, in order, (id, version,
        stored). `keys` are the records' (pack, city, year); `packs` the documents of the packs
        that made them (`pack_row`), each stored once. The current versions are read once this
        writer holds the write lock, so two writers adding the same file store it once, and
        versions count up without a gap. `then` is given the archive as this transaction sees
        it once they are stored, and what was placed, to store what follows from them in the
        same transaction."""
        with self._failing_clearly(), self._writing() as conn:
            if conn.dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE does this
                conn.exec_driver_sql("LOCK TABLE submissions IN SHARE ROW EXCLUSIVE MODE")
            for row in packs:
                _store_pack(conn, row)
            current = _current_versions(conn, keys, self.damaged)
            versions = {key: s.version for key, s in current.items()}
            writing = Writing(conn, self.damaged)
            out = []
            for record in records:
                key = (record["pack"], record["city"], record["year"])
                before = current.get(key)
                if before is not None and same(record, before):
                    out.append((before.id, before.version, False))
                    continue
                versions[key] = versions.get(key, 0) + 1
                out.append((writing.store(record), versions[key], True))
            if then is not None:
                then(writing, out)
            return out

    def store_packs(self, rows: Iterable[dict[str, str]]) -> None:
        """Store pack documents (`pack_row`) the archive does not hold yet."""
        with self._failing_clearly(), self._writing() as conn:
            for row in rows:
                _store_pack(conn, row)

    def rewrite(self, then: Callable[[Writing], None]) -> None:
        """Run `then` on the archive in one writing transaction (`archive reassess`)."""
        with self._failing_clearly(), self._writing() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("LOCK TABLE submissions IN SHARE ROW EXCLUSIVE MODE")
            then(Writing(conn, self.damaged))

    def pack_document(self, sha256: str) -> str | None:
        """The stored document of the pack with this content hash, if the archive holds it."""
        with self._failing_clearly(), self.engine.connect() as conn:
            return Reading(conn, self.damaged).pack_document(sha256)

    def pack_hashes(self) -> set[str]:
        with self._failing_clearly(), self.engine.connect() as conn:
            return set(conn.execute(select(packs.c.sha256)).scalars())

    def add_records(self, records: Iterable[dict[str, Any]]) -> list[int]:
        """Store records (`Entry.record`) as they come, in one transaction: a failure, in the
        database or in whatever yields them, stores none."""
        with self._failing_clearly(), self._writing() as conn:
            writing = Writing(conn, self.damaged)
            return [writing.store(record) for record in records]

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
            return _versions(conn, query, every_version, details, self.damaged)

    def current_versions(
        self, keys: Collection[tuple[str, str, int]]
    ) -> dict[tuple[str, str, int], Stored]:
        """The current version of each (pack, city, year) that has one, with its figures: what
        a batch about to be stored is compared with."""
        with self._failing_clearly(), self.engine.connect() as conn:
            return _current_versions(conn, keys, self.damaged)

    def figures_of(self, city: str, year: int) -> dict[str, tuple[Value, Stored]]:
        """The city's figures for a year from its current submissions (`Reading.figures_of`)."""
        with self._failing_clearly(), self.engine.connect() as conn:
            return Reading(conn, self.damaged).figures_of(city, year)

    def figures_by_id(self, ids: Collection[int]) -> dict[int, dict[str, Value]]:
        """The figures of stored versions, by their ids (any version, current or not)."""
        with self._failing_clearly(), self.engine.connect() as conn:
            return Reading(conn, self.damaged).figures_by_id(ids)

    def find(
        self, city: str, year: int, pack: str | None = None, version: int | None = None
    ) -> Stored:
        """One stored submission with its figures and result: the current one unless a version
        is asked for."""
        found = self.submissions(city, year, pack, every_version=True, details=True)
        odd = odd_city(city) if not found else None
        if odd is not None:  # typed with a space or an invisible character: the clean one offered
            raise InputError([Problem(*odd, field="CITY")])
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
            if not found[-1].current:  # the newest version is damaged (named by the command)
                raise InputError(
                    [
                        Problem(
                            f"{city} {year}年度的当前一版已损坏，无法读取；"
                            "较早的版本可用 --version 查看",
                            f"the current version of {city} {year} is damaged; see an earlier "
                            "one with --version",
                        )
                    ]
                )
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

    def export(self, skip_damaged: bool = False) -> Iterator[dict[str, Any]]:
        """Every stored pack document; every stored submission, every version, oldest first,
        with figures and result; then every check and the season's rows (`exportlines`), naming
        their submission by what identifies it in any archive. A damaged row refuses the
        export, naming every one, unless `skip_damaged`: then it and its checks are left out
        (in `damaged`, `checks_skipped`)."""
        with self._failing_clearly(), self.engine.connect() as conn:
            rows = conn.execute(select(packs).order_by(packs.c.stored_at, packs.c.sha256))
            stored_packs = [dict(row) for row in rows.mappings()]
        for row in stored_packs:
            yield {"stored_pack": row}
        every = sorted(self.submissions(every_version=True, details=True), key=_by_id)
        if self.damaged and not skip_damaged:
            problems = [self.damaged.pop(row).problem() for row in sorted(self.damaged)]
            raise InputError([*problems, _export_refused()])
        for stored in every:
            yield stored.to_dict()
        by_id = {s.id: s for s in every}
        for check in self.checks():
            if check.submission_id not in by_id:  # its submission is damaged
                self.checks_skipped += 1
                continue
            yield {
                "check": {
                    **{k: v for k, v in check.to_dict().items() if k != "submission_id"},
                    "pack": check.pack,
                    "city": check.city,
                    "year": check.year,
                    "submission": named(by_id[check.submission_id]),
                }
            }
        with self._failing_clearly(), self.engine.connect() as conn:
            yield from season_lines(conn, by_id)

    def import_records(
        self,
        records: Iterable[dict[str, Any]],
        then: Callable[[Writing, list[tuple[str, int, int]]], None] | None = None,
    ) -> tuple[int, int]:
        """Store exported records as they were (time, reviewer, hashes): (stored, skipped).

        A record already present (same pack, city, year, input hash, time, pack hash and
        reason: a result assessed again from the same file differs in these) is skipped, so
        importing a dump twice stores it once. A stored row gets a new id here: a result's
        other years name the rows they came from by id, renamed to match. `then` is given
        the archive as this transaction sees it and (city, year, id) of each record stored.
        """
        ids: dict[tuple[Any, ...], int] = {}
        for s in self.submissions(every_version=True):
            ids[_key(s.to_dict())] = ids[_key(s.to_dict())[:5]] = s.id
        done = {
            (c.pack, c.city, c.year, c.requirement, c.checked_at, c.checked_by)
            for c in self.checks()
        }
        stored = skipped = 0
        renamed: dict[int, int] = {}  # an exported row's id → its id here
        placed: list[tuple[str, int, int]] = []
        with self._failing_clearly(), self._writing() as conn:
            writing = Writing(conn, self.damaged)
            for record in records:
                if "stored_pack" in record:  # a pack already held is the same pack
                    _store_pack(conn, record["stored_pack"])
                    continue
                if "check" in record or season_kind(record):
                    new = (
                        import_check(conn, record["check"], ids, done)
                        if "check" in record
                        else import_season_line(conn, record, ids)
                    )
                    stored, skipped = stored + new, skipped + (not new)
                    continue
                key = _key(record)
                if key in ids:
                    if "id" in record:
                        renamed[record["id"]] = ids[key]
                    skipped += 1
                    continue
                row = writing.store(_renamed(record, renamed))
                ids[key] = ids[key[:5]] = row
                if "id" in record:
                    renamed[record["id"]] = row
                placed.append((record["city"], record["year"], row))
                stored += 1
            if then is not None:
                writing.fresh.clear()  # imported rows stay as they were exported: never replaced
                then(writing, placed)
        return stored, skipped

    @contextmanager
    def connected(self, writes: bool = False) -> Iterator[Connection]:
        """A connection for the tables read and written beside this class (`store.seasons`),
        its failures in words; `writes`: one transaction holding the write lock."""
        with self._failing_clearly(), self._writing() if writes else self.engine.connect() as c:
            yield c

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
            raise InputError([database_problem(self.url, exc)]) from None


# A submission's columns but its result: what finding versions and figures needs.
_LIGHT = [c for c in submissions.c if c.name != "result_json"]


class Reading:
    """The archive as one connection sees it (a writer's: with what it has stored so far)."""

    def __init__(self, conn: Connection, damaged: dict[int, Damaged] | None = None):
        self.conn = conn
        self.damaged = {} if damaged is None else damaged

    def figures_of(self, city: str, year: int) -> dict[str, tuple[Value, Stored]]:
        """The city's figures for a year from its current submissions (an earlier version's
        figure that a correction left out does not count): each field from the newest one that
        holds it, with that submission."""
        query = (
            select(*_LIGHT)
            .where(submissions.c.city == city, submissions.c.year == year)
            .order_by(submissions.c.pack, submissions.c.id)
        )
        current = {s.id: s for s in _versions(self.conn, query, False, False, self.damaged)}
        values = self.figures_by_id(current)
        return {
            name: (value, current[row])
            for row in sorted(values)
            if row not in self.damaged
            for name, value in values[row].items()
        }

    def figures_by_id(self, ids: Collection[int]) -> dict[int, dict[str, Value]]:
        out: dict[int, dict[str, Value]] = {i: {} for i in ids}
        chosen = sorted(out)
        for start in range(0, len(chosen), 500):
            query = (
                select(figures)
                .where(figures.c.submission_id.in_(chosen[start : start + 500]))
                .order_by(figures.c.id)
            )
            for r in self.conn.execute(query).mappings():
                damage = figure_damage(r)
                if damage is None:
                    out[r["submission_id"]][r["field"]] = decoded(r["type"], r["value"])
                else:
                    _note(self.damaged, damage)
        for row in set(out) & set(self.damaged):
            out[row] = {}  # none of a damaged submission's figures is used
        return out

    def current_of(
        self, cities: Collection[str], keep: Callable[[Stored], bool] | None = None
    ) -> list[Stored]:
        """The current version of every pack and year of these cities that `keep` keeps (it
        sees each without its result and figures), with its result and figures: a batch's
        cities are sifted before any result is read."""
        found = []
        chosen = sorted(cities)
        for start in range(0, len(chosen), 500):
            query = (
                select(*_LIGHT)
                .where(submissions.c.city.in_(chosen[start : start + 500]))
                .order_by(
                    submissions.c.pack, submissions.c.city, submissions.c.year, submissions.c.id
                )
            )
            found += [
                s
                for s in _versions(self.conn, query, False, False, self.damaged)
                if keep is None or keep(s)
            ]
        ids = [s.id for s in found]
        results: dict[int, Any] = {}
        for start in range(0, len(ids), 500):
            query = select(
                submissions.c.id,
                submissions.c.result_json,
                submissions.c.kind,
                submissions.c.city,
                submissions.c.year,
            ).where(submissions.c.id.in_(ids[start : start + 500]))
            for row, text, kind, city, year in self.conn.execute(query):
                what = result_damage(text, kind)
                if what:
                    _note(self.damaged, Damaged(row, None, city, year, what))
                else:
                    results[row] = None if text is None else orjson.loads(text)
        values = self.figures_by_id(ids)
        return [
            replace(s, result=results[s.id], figures=values[s.id])
            for s in found
            if s.id not in self.damaged
        ]

    def current(self, pack: str, city: str, year: int) -> Stored | None:
        """The current version of a pack, city and year, with its figures; None if none."""
        key = (pack, city, year)
        return _current_versions(self.conn, {key}, self.damaged).get(key)

    def cities_of(self, pack: str, year: int | None = None) -> set[str]:
        """The cities with anything stored under a pack (for a year)."""
        query = select(submissions.c.city).where(submissions.c.pack == pack).distinct()
        if year is not None:
            query = query.where(submissions.c.year == year)
        return set(self.conn.execute(query).scalars())

    def pack_document(self, sha256: str) -> str | None:
        query = select(packs.c.document).where(packs.c.sha256 == sha256)
        document: str | None = self.conn.execute(query).scalar()
        return document


class Writing(Reading):
    """A writer's transaction: stores records; a result it stored itself may still be
    replaced (nobody has seen it), anything stored before is never changed."""

    def __init__(self, conn: Connection, damaged: dict[int, Damaged] | None = None):
        super().__init__(conn, damaged)
        self.fresh: set[int] = set()
        self._cities: dict[str, str] | None = None  # clean name → the name stored

    def store(self, record: dict[str, Any]) -> int:
        """One record (`Entry.record`) and its figures; the new row's id."""
        self._one_identity(record["city"])
        row = _insert(self.conn, record)
        self.fresh.add(row)
        return row

    def store_pack(self, row: dict[str, str]) -> None:
        _store_pack(self.conn, row)

    def _one_identity(self, city: str) -> None:
        """Refuse a second spelling of a city: a name with an invisible or odd character (an
        import, a caller past the readers), or a clean one where the archive holds the city
        written otherwise (by an ipscore before names were checked). A name exactly as held
        is stored as it is: a held city's later versions (a reassessment) stay one city."""
        if not isinstance(city, str):
            return  # no name at all: the database's NOT NULL refuses it in its words
        if self._cities is None:
            stored = self.conn.execute(select(submissions.c.city).distinct()).scalars()
            self._cities = {clean_name(c): c for c in stored}
        clean = clean_name(city)
        known = self._cities.get(clean)
        if known == city:
            return
        odd = odd_city(city)
        if odd is not None:
            raise InputError([Problem(*odd, field="city")])
        held = None if known is None else odd_in_name(known)
        if held is not None:
            raise InputError(
                [
                    Problem(
                        f"档案库中已存的城市 {clean} 的名称中{held[0]}"
                        "（由较早版本的 ipscore 存入）：同一城市不能存为两个名称",
                        f"the archive holds the city {clean} under a name that {held[1]} "
                        "(stored by an earlier ipscore): one city cannot be stored under two names",
                        field="city",
                    )
                ]
            )
        self._cities[clean] = city

    def replace_result(self, row: int, result: dict[str, Any]) -> None:
        """The result of a version this transaction stored, worked out again."""
        assert row in self.fresh, "a committed version is never changed"
        self.conn.execute(
            update(submissions)
            .where(submissions.c.id == row)
            .values(result_json=json.dumps(result, ensure_ascii=False))
        )


def pack_row(sha256: str, pack: str, version: str, document: str, at: str) -> dict[str, str]:
    return {
        "sha256": sha256,
        "pack": pack,
        "pack_version": version,
        "document": document,
        "stored_at": at,
    }


def _store_pack(conn: Connection, row: dict[str, str]) -> None:
    """A pack document, unless one with its hash is stored (two writers may race to it)."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    wanted = {k: row[k] for k in ("sha256", "pack", "pack_version", "document", "stored_at")}
    conn.execute(dialect.insert(packs).values(**wanted).on_conflict_do_nothing())


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


def _renamed(record: dict[str, Any], renamed: dict[int, int]) -> dict[str, Any]:
    """An exported record whose result names the rows its other years came from by their ids
    in the archive it was exported from: named by their ids here (those imported before it;
    an export lists rows oldest first, and a result cites only older rows)."""
    result = record.get("result")
    if not result or not result.get("other_years"):
        return record
    other_years = {}
    for name, used in result["other_years"].items():
        used = _origin_renamed(used, renamed)
        if isinstance(used.get("recorded"), dict):
            used = {**used, "recorded": _origin_renamed(used["recorded"], renamed)}
        other_years[name] = used
    return {**record, "result": {**result, "other_years": other_years}}


def _origin_renamed(origin: dict[str, Any], renamed: dict[int, int]) -> dict[str, Any]:
    if origin.get("from") == "archive" and origin.get("id") in renamed:
        return {**origin, "id": renamed[origin["id"]]}
    return origin


def _key(record: dict[str, Any]) -> tuple[Any, ...]:
    """What identifies a stored version in any archive; its first five, in an older export."""
    return (
        record["pack"],
        record["city"],
        record["year"],
        record["input_sha256"],
        record["stored_at"],
        record["pack_sha256"],
        record.get("reason"),
    )


def _versions(
    conn: Connection,
    query: Any,
    every_version: bool,
    details: bool,
    damaged: dict[int, Damaged],
) -> list[Stored]:
    """The rows a query of `submissions` finds, each with its place among the versions of its
    pack, city and year (the query must find every version of a key it finds one of); with
    `details`, each one's figures. A damaged row is noted in `damaged` and left out, but still
    counts as the newest version of its key where that can be read: an older version is never
    passed off as current in its place."""
    rows = conn.execute(query).mappings().all()
    held = _figure_rows(conn, [r["id"] for r in rows]) if details else {}
    counts: dict[tuple[str, str, int], int] = {}
    sound = []
    for row in rows:
        damage = row_damage(row, held.get(row["id"], ()))
        if damage is not None:
            _note(damaged, damage)
        key = (row["pack"], row["city"], row["year"])
        if damage is None or _readable(key):
            counts[key] = counts.get(key, 0) + 1
            sound.append((row, damage is None))
    seen: dict[tuple[str, str, int], int] = {}
    out = []
    for row, whole in sound:
        key = (row["pack"], row["city"], row["year"])
        seen[key] = seen.get(key, 0) + 1
        current = seen[key] == counts[key]
        if whole and (every_version or current):
            out.append(_stored(row, seen[key], current, held.get(row["id"], [])))
    return out


def _readable(key: tuple[Any, Any, Any]) -> bool:
    pack, city, year = key
    return isinstance(pack, str) and isinstance(city, str) and type(year) is int


def _figure_rows(conn: Connection, ids: list[int]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for start in range(0, len(ids), 500):
        query = (
            select(figures)
            .where(figures.c.submission_id.in_(ids[start : start + 500]))
            .order_by(figures.c.id)
        )
        for r in conn.execute(query).mappings():
            out.setdefault(r["submission_id"], []).append(r)
    return out


def _note(damaged: dict[int, Damaged], damage: Damaged) -> None:
    before = damaged.get(damage.id)
    damaged[damage.id] = damage if before is None else before.joined(damage)


def _current_versions(
    conn: Connection, keys: Collection[tuple[str, str, int]], damaged: dict[int, Damaged]
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
        for s in _versions(conn, query, False, False, damaged):
            if (s.pack, s.city, s.year) in keys:
                found[(s.pack, s.city, s.year)] = s
    values = Reading(conn, damaged).figures_by_id([s.id for s in found.values()])
    return {
        key: replace(s, figures=values[s.id]) for key, s in found.items() if s.id not in damaged
    }


def _stored(row: Any, version: int, current: bool, held: list[Any]) -> Stored:
    found = {r["field"]: decoded(r["type"], r["value"]) for r in held}
    text = row.get("result_json")  # not read where only the rows' keys are wanted
    result = None if text is None else orjson.loads(text)
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


def _export_refused() -> Problem:
    return Problem(
        "以上存档已损坏，没有导出：可用 --skip-damaged 导出其余的存档"
        "（损坏的存档及其核验记录不导出）",
        "the rows above are damaged; nothing was exported: --skip-damaged exports the rest "
        "(without the damaged rows and their checks)",
    )


def _by_id(stored: Stored) -> int:
    return stored.id
