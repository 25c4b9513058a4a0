"""The JSON API beside the pages, for machine clients such as a provincial system: `/api/v1/…`.

A client sends `Authorization: Bearer <token>`; the users file keeps each token's hash, its
role and its city or province (`web.auth`). No cookie opens the API, so no form token is
needed and no page can be made to call it. Answers are the command line's JSON (`web.answers`,
run in a worker); a problem is `{"error": …, "problems": [{file, line, field, message}]}` with
400, a refusal 401 or 403. The API is described at `/api/v1/openapi.json`."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route

from ..errors import IpscoreError
from ..season.people import LOCAL, User
from ..season.scope import OutOfScope
from . import answers
from .openapi import document
from .pages import Denied, settings_of, users_now
from .work import Json, Workers, answer

PREFIX = "/api/v1"

# What a body is when the client names no file: by its media type.
MEDIA = {
    "application/json": "submission.json",
    "application/yaml": "submission.yaml",
    "application/x-yaml": "submission.yaml",
    "text/yaml": "submission.yaml",
    "text/csv": "submission.csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "submission.xlsx",
}


class Unauthorized(Exception):
    """No token, or one the users file does not hold: 401."""


def client_of(request: Request) -> User:
    """The client a token names; everyone is the local user when there is no users file
    (the server then listens on this machine only)."""
    users = users_now(settings_of(request))
    if users is None:
        return LOCAL
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("需要令牌：请求头写 Authorization: Bearer <令牌>")
    found = users.by_token(token.strip())
    if found is None:
        raise Unauthorized("令牌不对，或已从用户文件中删去")
    return found


def _error(message: str, status: int, problems: list[dict[str, Any]] | None = None) -> Response:
    body: dict[str, Any] = {"error": message}
    if problems is not None:
        body["problems"] = problems
    headers = {"www-authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status, headers=headers)


async def _run(request: Request, job: Any, *args: Any) -> Response:
    workers: Workers = request.app.state.workers
    try:
        reply: Json = await workers.run(job, *args)
    except (Denied, OutOfScope) as exc:  # OutOfScope before the IpscoreError it also is
        return _error(str(exc), 403)
    except IpscoreError as exc:
        return _error(
            f"有 {len(exc.problems)} 处问题，未能完成",
            400,
            [_said(p.to_dict()) for p in exc.problems],
        )
    return answer(reply)


# The command line's options, as this API's query parameters, in messages the library writes.
_OPTIONS = (("--from/--to", "?from=/?to="), ("--pack", "?pack="), ("--target", "?target="))


def _said(problem: dict[str, Any]) -> dict[str, Any]:
    for key in ("message", "message_en"):
        for option, parameter in _OPTIONS:
            problem[key] = problem[key].replace(option, parameter)
    field = problem["field"]
    if isinstance(field, str) and field.startswith("--"):  # an option: the parameter's name
        problem["field"] = field[2:]
    return problem


def _flag(request: Request, name: str, default: bool) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return default
    return value.strip().lower() not in ("0", "false", "no", "否", "")


def _number(request: Request, name: str) -> int | None:
    value = request.query_params.get(name)
    return None if value is None or value == "" else _whole(name, value)


def _whole(name: str, value: str) -> int:
    """A year or a version number: ASCII digits only (`'²'.isdigit()` is true), and few of
    them, so that no database is asked for a number it cannot hold."""
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise _Bad(f"{name} 应为不超过9位的整数，实际为“{value[:40]}”")
    return int(value)


class _Bad(Exception):
    """A query parameter that cannot be what it names: 400."""


async def _file(request: Request) -> tuple[str, bytes]:
    """The file sent as the body, named by `?name=` or by its media type."""
    name = request.query_params.get("name")
    if name is None:
        media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        name = MEDIA.get(media)
        if name is None:
            raise _Bad(
                "请用 ?name=文件名（.yaml、.json、.csv 或 .xlsx）"
                "或 Content-Type 说明请求体是什么文件"
            )
    if len(name.encode("utf-8", "surrogatepass")) > 200 or not name.isprintable():
        raise _Bad("name 应为不超过200字节、不含控制字符的文件名")
    if PurePath(name).name != name or name.startswith(".") or "\\" in name:
        raise _Bad(f"name 只写文件名，不带路径：{name}")
    if PurePath(name).suffix.lower() not in answers.SUFFIXES:
        raise _Bad(f"不认识的文件类型：{name}（可用 .yaml、.json、.csv、.xlsx）")
    data = await request.body()
    if not data:
        raise _Bad("请求体是空的：请把提交文件作为请求体发送")
    return name, data


def _guarded(handler: Any) -> Any:
    """A handler whose refusals are JSON: 401 without a token, 400 for a wrong parameter."""

    async def guarded(request: Request) -> Response:
        try:
            return await handler(request, client_of(request))  # type: ignore[no-any-return]
        except Unauthorized as exc:
            return _error(str(exc), 401)
        except _Bad as exc:
            return _error(str(exc), 400)

    guarded.__name__ = handler.__name__
    return guarded


async def _on_file(request: Request, user: User, job: Any, *extra: Any) -> Response:
    """A job on the file sent: the server's archive, the client, the file, `?pack=` and
    `?timestamp=`, then what the route adds."""
    name, data = await _file(request)
    pack, stamp = request.query_params.get("pack"), _flag(request, "timestamp", True)
    db = settings_of(request).db
    return await _run(request, job, db, user, name, data, pack, stamp, *extra)


@_guarded
async def assess(request: Request, user: User) -> Response:
    return await _on_file(request, user, answers.assess)


@_guarded
async def validate(request: Request, user: User) -> Response:
    return await _on_file(request, user, answers.validate)


@_guarded
async def whatif(request: Request, user: User) -> Response:
    changes = {k: request.query_params.getlist(k) for k in ("set", "drop", "complete", "param")}
    return await _on_file(request, user, answers.whatif, changes)


@_guarded
async def plan(request: Request, user: User) -> Response:
    target = request.query_params.get("target")
    if not target:
        raise _Bad("请写目标等级：?target=excellent、good 或 pass")
    return await _on_file(request, user, answers.plan, target)


@_guarded
async def submissions(request: Request, user: User) -> Response:
    q = request.query_params
    return await _run(
        request, answers.submissions, settings_of(request).db, user, q.get("city"),
        _number(request, "year"), q.get("pack"), _flag(request, "all", False),
        _flag(request, "timestamp", True),
    )  # fmt: skip


@_guarded
async def stored(request: Request, user: User) -> Response:
    p = request.path_params
    return await _run(
        request, answers.stored, settings_of(request).db, user, p["city"],
        _whole("year", p["year"]),
        request.query_params.get("pack"), _number(request, "version"),
    )  # fmt: skip


@_guarded
async def history(request: Request, user: User) -> Response:
    return await _run(
        request, answers.history, settings_of(request).db, user, request.path_params["city"],
        request.query_params.get("pack"), _number(request, "from"), _number(request, "to"),
        _flag(request, "timestamp", True),
    )  # fmt: skip


@_guarded
async def published(request: Request, user: User) -> Response:
    year = _number(request, "year")
    if year is None:
        raise _Bad("请写考核年度：?year=2015")
    basis = request.query_params.get("score")
    if basis not in (None, "declared", "verified"):
        raise _Bad(f"score 应为 declared 或 verified，实际为“{basis}”")
    return await _run(
        request, answers.published, settings_of(request).db, user, year,
        request.query_params.get("pack"), _flag(request, "with_scores", False), basis,
        _flag(request, "timestamp", True),
    )  # fmt: skip


@_guarded
async def packs(request: Request, user: User) -> Response:
    from ..packs import find_pack, shipped_packs

    listed = [find_pack(p) for p in shipped_packs()]
    return JSONResponse(
        {
            "packs": [
                {
                    "id": p.id,
                    "version": p.pack.version,
                    "title": p.pack.title,
                    "year": p.pack.year,
                    "kind": p.kind,
                    "sha256": p.content_hash,
                }
                for p in listed
            ]
        }
    )


@_guarded
async def pack_schema(request: Request, user: User) -> Response:
    from ..packs import shipped_packs

    if request.path_params["pack"] not in shipped_packs():
        return _error(f"没有这个规则包：{request.path_params['pack']}（见 {PREFIX}/packs）", 404)
    return await _run(
        request, answers.pack_schema, request.path_params["pack"],
        _flag(request, "result", False), _number(request, "year"),
    )  # fmt: skip


async def openapi(request: Request) -> Response:
    """The API described (OpenAPI 3.1): public, so that a client can be written first."""
    return JSONResponse(document())


async def unknown(request: Request) -> Response:
    """Past every route: 405 where the path is a route asked with another method, else 404."""
    for route in ROUTES[:-1]:
        if route.matches(request.scope)[0] == Match.PARTIAL:
            allowed = ", ".join(sorted(route.methods or ()))
            return JSONResponse(
                {"error": f"{request.url.path} 只接受 {allowed}"},
                405,
                headers={"allow": allowed},
            )
    return _error(f"没有这个接口：{request.url.path}（见 {PREFIX}/openapi.json）", 404)


ROUTES = [
    Route(f"{PREFIX}/openapi.json", openapi),
    Route(f"{PREFIX}/packs", packs),
    Route(f"{PREFIX}/packs/{{pack}}/schema", pack_schema),
    Route(f"{PREFIX}/assess", assess, methods=["POST"]),
    Route(f"{PREFIX}/validate", validate, methods=["POST"]),
    Route(f"{PREFIX}/whatif", whatif, methods=["POST"]),
    Route(f"{PREFIX}/plan", plan, methods=["POST"]),
    Route(f"{PREFIX}/archive/submissions", submissions),
    Route(f"{PREFIX}/archive/{{city}}/{{year}}", stored),
    Route(f"{PREFIX}/history/{{city}}", history),
    Route(f"{PREFIX}/published", published),
    Route(
        f"{PREFIX}/{{rest:path}}",
        unknown,
        methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    ),
]
