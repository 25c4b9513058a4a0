"""The JSON API's work, run in a worker (`web.work`): a city's file as sent, read and assessed
by the command line's own functions, so that an answer is byte for byte what the command line
writes (with `--no-timestamp`, or the same kind of time stamp without it). Each job takes plain
values, returns `Json`, and refuses what the client may not see (`Denied`)."""

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
from ..store.records import Stored
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


def _may_see(user: User, city: str, province: str | None) -> None:
    if not user.may_see(city, province):
        where = user.city or user.province
        raise Denied(f"这个令牌只能看{where}的数据，不能看{city}的")


def _may_send(user: User, db: str | None, path: Path, pack_id: str | None) -> None:
    """Refuse a file about a city this client may not see before anything of the archive is
    read for it (other years' figures would tell that city's record). A province is taken
    from the archive where the city is on record, never from the file alone: a file may
    claim any province."""
    from ..intake.files import read_each

    if user.national:  # sees every city: nothing to read for
        return
    read, _ = read_each([str(path)], pack_id)  # the problems come again from the job itself
    for _, submission in read:
        claimed = submission.values.get("city.province")
        _may_see(user, submission.city, str(claimed) if claimed is not None else None)
        if user.role == "province":
            for one in archive_of(db).submissions(submission.city):
                _may_see(user, one.city, _stored_province(one))


def _stored_province(stored: Stored) -> str | None:
    found = (stored.result or {}).get("province") or stored.figures.get("city.province")
    return str(found) if found is not None else None


def assess(
    db: str | None, user: User, name: str, data: bytes, pack_id: str | None, stamp: bool
) -> Json:
    """`ipscore assess FILE --format json`: one city's result, or a list for a table."""
    from ..views import batch

    with _sent(name, data) as path:
        _may_send(user, db, path, pack_id)
        out = path.parent.parent / "result.json"
        job = batch.job_for("json", pack_id, db, produced_at(stamp), "zh")
        batch.write([path], "json", out, job, jobs=1)
        body = out.read_bytes()
    found = json.loads(body)
    for result in found if isinstance(found, list) else [found]:
        _may_see(user, result["city"], result.get("province"))
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
        _may_send(user, db, path, pack_id)
        read, problems = read_each([str(path)], pack_id)
        years = configured(db)
        try:
            results = [assessed(pack, submission, years) for pack, submission in read]
        finally:
            if years is not None:
                years.close()
    for a in results:
        _may_see(user, a.city, a.province)
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
        _may_send(user, db, path, pack_id)
        years = configured(db)
        try:
            result = compared(str(path), variant, pack_id, years)
        finally:
            if years is not None:
                years.close()
    _may_see(user, result.baseline.city, result.baseline.province)
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
        _may_send(user, db, path, pack_id)
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

    stored = archive_of(db).submissions(city, year, pack_id, every_version)
    seen = [s for s in stored if user.may_see(s.city, _stored_province(s))]
    return _body({"submissions": archive_listing(seen), "produced_at": produced_at(stamp)})


def stored(
    db: str | None, user: User, city: str, year: int, pack_id: str | None, version: int | None
) -> Json:
    """`ipscore archive show CITY YEAR --format json`."""

    found = archive_of(db).find(city, year, pack_id, version)
    _may_see(user, found.city, _stored_province(found))
    return _body(found.to_dict())


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

    archive = archive_of(db)
    for one in archive.submissions(city):
        _may_see(user, one.city, _stored_province(one))
    if not user.reviewer:
        _may_see(user, city, None)  # a city asking for another city that is not on record
    found = years_of(archive, city, pack_id, first, last)
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
    from dataclasses import replace

    from ..record.publish import published as listed
    from ..report import published_report
    from ..season.running import publish_options

    if not user.reviewer:
        raise Denied("公布名单在公布前只给审核人员")
    archive = archive_of(db)
    found = listed(archive, year, pack_id, with_scores, basis, **publish_options(archive, year))
    if user.province is not None:
        tiers = [
            replace(t, cities=tuple(c for c in t.cities if c.province == user.province))
            for t in found.tiers
        ]
        found = replace(found, tiers=tuple(t for t in tiers if t.cities))
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
