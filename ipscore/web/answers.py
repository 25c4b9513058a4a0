"""The JSON API's work, run in a worker (`web.work`): a city's file as sent, read and assessed
by the command line's own functions, so that an answer is byte for byte what the command line
writes (with `--no-timestamp`, or the same kind of time stamp without it). Each job takes plain
values, returns `Json`, and refuses what the client may not see (`season.scope`, a 403)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem, shown_from
from ..provenance import produced_at
from ..season.people import User
from ..season.scope import Scope
from .pages import Denied
from .uploads import archive_of
from .work import Json

SUFFIXES = (".yaml", ".yml", ".json", ".csv", ".xlsx")


def _body(data: Any) -> Json:
    from ..views.output import dumps

    return Json(dumps(data).encode("utf-8"))


@contextmanager
def _sent(name: str, data: bytes) -> Iterator[Path]:
    """The body as a file of its own name, alone in a folder that goes when the job ends;
    paths are shown from that folder (`source` is the name the client gave)."""
    with tempfile.TemporaryDirectory(prefix="ipscore-api-") as folder:
        (Path(folder) / "in").mkdir()
        path = Path(folder) / "in" / name
        path.write_bytes(data)
        with shown_from(path.parent):
            yield path


def _scope(user: User, db: str | None) -> Scope:
    return Scope(user, archive_of(db))


def assess(
    db: str | None, user: User, name: str, data: bytes, pack_id: str | None, stamp: bool
) -> Json:
    """`ipscore assess FILE --format json`: one city's result, or a list for a table."""
    from ..views import batch

    with _sent(name, data) as path:
        scope = _scope(user, db)
        scope.check_files([path], pack_id)
        out = path.parent.parent / "result.json"
        job = batch.job_for("json", pack_id, db, produced_at(stamp), "zh")
        batch.write([path], "json", out, job, jobs=1)
        body = out.read_bytes()
    found = json.loads(body)
    for result in found if isinstance(found, list) else [found]:
        scope.check(result["city"], result.get("year"), result.get("province"))
    return Json(body)


def validate(
    db: str | None, user: User, name: str, data: bytes, pack_id: str | None, stamp: bool
) -> Json:
    """`ipscore validate FILE --format json`: usable or not, and what is missing."""
    from ..decide.pipeline import assess as assessed
    from ..intake.files import read_each
    from ..store.lazy import configured
    from ..views.output import validation

    with _sent(name, data) as path:
        scope = _scope(user, db)
        scope.check_files([path], pack_id)
        read, problems = read_each([str(path)], pack_id)
        years = configured(db)
        try:
            results = [assessed(pack, submission, years) for pack, submission in read]
        finally:
            if years is not None:
                years.close()
    for a in results:
        scope.check(a.city, a.year, a.province)
    return _body(validation(results, problems, produced_at(stamp)))


def whatif(
    db: str | None,
    user: User,
    name: str,
    data: bytes,
    pack_id: str | None,
    stamp: bool,
    changes: dict[str, list[str]],
) -> Json:
    """`ipscore whatif FILE --set … --drop … --complete … --param … --format json`."""
    from ..questions.whatif import command_line_variant
    from ..questions.whatif import whatif as compared
    from ..store.lazy import configured

    variant = command_line_variant(
        _pairs(changes.get("set", []), "set"),
        tuple(changes.get("drop", [])),
        tuple(changes.get("complete", [])),
        _pairs(changes.get("param", []), "param"),
        "zh",
    )
    with _sent(name, data) as path:
        scope = _scope(user, db)
        scope.check_files([path], pack_id)
        years = configured(db)
        try:
            result = compared(str(path), variant, pack_id, years)
        finally:
            if years is not None:
                years.close()
    base = result.baseline
    scope.check(base.city, base.year, base.province)
    return _body(result.to_dict(produced_at(stamp)))


def _pairs(items: list[str], option: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(
                [
                    Problem(
                        f"应写成 名称=值，例如 {option}=enforcement.city_staff=3：{item}",
                        f"write name=value, e.g. {option}=enforcement.city_staff=3: {item}",
                        field=option,
                    )
                ]
            )
        out[key.strip()] = value
    return out


def plan(
    db: str | None,
    user: User,
    name: str,
    data: bytes,
    pack_id: str | None,
    stamp: bool,
    target: str,
) -> Json:
    """`ipscore plan FILE --target GRADE --format json`: the least work to a grade."""
    from ..intake.files import read_one
    from ..questions.plan import least_work
    from ..store.lazy import configured

    with _sent(name, data) as path:
        _scope(user, db).check_files([path], pack_id)
        pack, submission = read_one(str(path), pack_id)
        years = configured(db)
        try:
            result = least_work(pack, submission, target, years)
        finally:
            if years is not None:
                years.close()
    return _body(result.to_dict(produced_at(stamp)))


def submissions(
    db: str | None,
    user: User,
    city: str | None,
    year: int | None,
    pack_id: str | None,
    every_version: bool,
    stamp: bool,
) -> Json:
    """`ipscore archive list --format json`, of the cities this client may see."""
    from ..views.tables.archive import archive_listing

    scope = _scope(user, db)
    if city is not None:
        scope.check(city, year)
    seen = scope.seen(archive_of(db).submissions(city, year, pack_id, every_version))
    return _body({"submissions": archive_listing(seen), "produced_at": produced_at(stamp)})


def stored(
    db: str | None, user: User, city: str, year: int, pack_id: str | None, version: int | None
) -> Json:
    """`ipscore archive show CITY YEAR --format json`."""
    _scope(user, db).check(city, year)
    return _body(archive_of(db).find(city, year, pack_id, version).to_dict())


def history(
    db: str | None,
    user: User,
    city: str,
    pack_id: str | None,
    first: int | None,
    last: int | None,
    stamp: bool,
) -> Json:
    """`ipscore history CITY --format json`."""
    from ..record.history import history as years_of

    _scope(user, db).check(city)
    found = years_of(archive_of(db), city, pack_id, first, last)
    return _body({**found.to_dict(), "produced_at": produced_at(stamp)})


def published(
    db: str | None,
    user: User,
    year: int,
    pack_id: str | None,
    with_scores: bool,
    basis: str | None,
    stamp: bool,
) -> Json:
    """`ipscore publish --year Y -o list.json`: the list as made public (grades, and with
    `with_scores` the scores and ranks); no figures, no reviewers. For reviewers: it is made
    before it is public. A province's reviewer gets its province's cities, ranked as in the
    whole list."""
    from ..record.publish import published as listed
    from ..report import published_report
    from ..season.running import publish_options

    scope = _scope(user, db)
    scope.allow("publish")
    archive = archive_of(db)
    options = publish_options(archive, year, scope.sees)
    found = scope.listed(listed(archive, year, pack_id, with_scores, basis, **options))
    text = published_report(found, ".json", "zh", produced_at(stamp))
    return Json(text.encode("utf-8") if isinstance(text, str) else text)


def pack_schema(pack_id: str, result: bool, year: int | None) -> Json:
    """`ipscore schema --pack ID [--result] [--year Y]`."""
    from ..packs import find_pack, shipped_packs
    from ..packs.schema import result_schema, submission_schema

    if pack_id not in shipped_packs():
        raise Denied("没有这个规则包")
    pack = find_pack(pack_id)
    return _body(result_schema(pack) if result else submission_schema(pack, year))
