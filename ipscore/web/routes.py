"""The pages' routes, in the event loop: who asks, what they may do, what they sent; then the
work goes to a worker (`web.work`) and its reply comes back as the response. Nothing here
reads a submission, assesses, renders a report or hashes a password."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..packs import find_pack, shipped_packs
from . import review, season, selfcheck
from .pages import Denied, page, posted, require, settings_of, users_now, web_of
from .uploads import refused
from .work import Reply, Workers, answer


def workers(request: Request) -> Workers:
    found: Workers = request.app.state.workers
    return found


async def _done(request: Request, job: Any, *args: Any) -> Response:
    reply: Reply = await workers(request).run(job, *args)
    return answer(reply)


async def home(request: Request) -> Response:
    """The first page, rendered here: it must answer at once however busy the workers are, so
    the to-do list is read in a thread (database reads, no assessing), not in a worker."""
    user = require(request)
    if user.role == "admin":  # sees no city: the users are all there is for it
        return Response(status_code=303, headers={"location": "/users"})
    packs = [find_pack(p) for p in shipped_packs()]  # loaded once, then cached
    listed = [(p.id, p.pack.title) for p in packs]
    years, todo = await run_in_threadpool(season.todo, settings_of(request).db, user)
    return page(
        request,
        "web/home.html.j2",
        {
            "lang": "zh",
            "web": {
                "packs": listed,
                "reviewer": user.reviewer,
                "todo": todo,
                "season_years": years,
            },
        },
    )


async def season_year(request: Request) -> Response:
    user = require(request, reviewer=True)
    year = request.path_params["year"]
    return await _done(
        request, season.year_page, settings_of(request).db, user, year, web_of(request)
    )


async def season_download(request: Request) -> Response:
    user = require(request, reviewer=True)
    year = request.path_params["year"]
    return await _done(request, season.year_download, settings_of(request).db, user, year)


async def season_city(request: Request) -> Response:
    user = require(request)
    p = request.path_params
    done = request.query_params.get("done")
    return await _done(
        request, season.city_page, settings_of(request).db, user, p["year"], p["city"],
        web_of(request), done,
    )  # fmt: skip


async def season_step(request: Request) -> Response:
    user = require(request)
    form = await posted(request)
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    p = request.path_params
    return await _done(
        request, season.take, settings_of(request).db, user, p["year"], p["city"], fields
    )


async def form(request: Request) -> Response:
    require(request)
    return await _done(request, selfcheck.form, request.path_params["pack"])


async def fill_page(request: Request) -> Response:
    require(request)
    return await _done(request, selfcheck.fill_page, request.path_params["pack"], web_of(request))


async def fill(request: Request) -> Response:
    """The fill-in page's figures, assessed like an uploaded form."""
    user = require(request)
    settings = settings_of(request)
    form_data = await posted(request, fields=selfcheck.MOST_FIELDS)
    typed = {k: v for k, v in form_data.items() if isinstance(v, str) and k != "csrf"}
    await form_data.close()
    return await _done(
        request, selfcheck.fill, settings.data, settings.db, user, request.path_params["pack"],
        typed, web_of(request),
    )  # fmt: skip


async def check_upload(request: Request) -> Response:
    user = require(request)
    settings = settings_of(request)
    within_limit(request, settings.max_upload)
    form_data = await posted(request, files=1)
    sent = form_data.get("file")
    if sent is None or isinstance(sent, str) or not sent.filename:
        await form_data.close()
        raise refused("请选择要上传的文件", "choose a file to upload")
    name, data = sent.filename, await sent.read()
    await form_data.close()
    return await _done(request, selfcheck.upload, settings.data, settings.db, user, name, data)


async def check(request: Request) -> Response:
    require(request)
    return await _done(
        request,
        selfcheck.show,
        settings_of(request).data,
        settings_of(request).db,
        request.path_params["id"],
        web_of(request),
        str(request.url.query),
    )


async def check_download(request: Request) -> Response:
    user = require(request)
    return await _done(
        request,
        selfcheck.download,
        settings_of(request).data,
        settings_of(request).db,
        request.path_params["id"],
        user,
        str(request.url.query),
        request.path_params["name"],
    )


async def batch_upload(request: Request) -> Response:
    """A year's batch: the files as sent, stored by a worker in one transaction, or none."""
    user = require(request, reviewer=True)
    settings = settings_of(request)
    within_limit(request, settings.max_upload)
    form = await posted(request, files=500)
    sent = [
        (f.filename, await f.read())
        for f in form.getlist("files")
        if not isinstance(f, str) and f.filename
    ]
    await form.close()
    if sum(len(data) for _, data in sent) > settings.max_upload:  # sent without a length
        raise refused(
            f"上传的文件合计超过 {settings.max_upload // 2**20} MB 的上限",
            f"the files together exceed the {settings.max_upload // 2**20} MB limit",
        )
    if not sent:
        raise refused("请选择要上传的文件（可多选，或一个 zip）", "choose the files (or one zip)")
    return await _done(request, review.upload, settings.data, settings.db, user, sent)


async def cohort(request: Request) -> Response:
    require(request, reviewer=True)
    settings = settings_of(request)
    return await _done(
        request, review.cohort, settings.data, settings.db, request.path_params["id"],
        web_of(request),
    )  # fmt: skip


async def city(request: Request) -> Response:
    require(request, reviewer=True)
    settings = settings_of(request)
    return await _done(
        request, review.city, settings.data, settings.db, request.path_params["id"],
        request.path_params["n"], web_of(request), request.query_params.get("done"),
    )  # fmt: skip


async def verify(request: Request) -> Response:
    user = require(request, reviewer=True)
    settings = settings_of(request)
    form = await posted(request)
    fields = {k: str(form.get(k) or "") for k in ("n", "decision", "reason", "requirement")}
    if not fields["n"].lstrip("-").isdigit():
        raise Denied("没有这个城市")
    by = user.name if settings.users else str(form.get("by") or "").strip()
    return await _done(
        request, review.verify, settings.data, settings.db, request.path_params["id"], user, by,
        fields,
    )  # fmt: skip


async def batch_download(request: Request) -> Response:
    user = require(request, reviewer=True)
    settings = settings_of(request)
    return await _done(
        request, review.download, settings.data, settings.db, request.path_params["id"], user,
        request.path_params["name"], settings.org, settings.tz,
    )  # fmt: skip


async def three_years(request: Request) -> Response:
    require(request, reviewer=True)
    settings = settings_of(request)
    years = request.query_params.get("years")
    return await _done(request, review.three_years, settings.db, years, web_of(request))


async def history(request: Request) -> Response:
    """A city's years, for whoever may see the city (its own office, its province's, the
    national office, an expert it is assigned to)."""
    require(request)
    settings = settings_of(request)
    city_name = request.path_params["city"]
    return await _done(request, review.history, settings.db, city_name, web_of(request))


async def users(request: Request) -> Response:
    """The admin's page: every user and token with its role and scope, never a hash."""
    from ..season.scope import Scope, about

    Scope(require(request), None).allow("users")
    found = users_now(settings_of(request))
    accounts = [about(u) for _, u in found.accounts.values()] if found else []
    tokens = [about(u) for u in found.tokens.values()] if found else []
    listed = {"accounts": sorted(accounts, key=lambda u: u["name"]),
              "tokens": sorted(tokens, key=lambda u: u["name"])}  # fmt: skip
    return page(request, "web/users.html.j2", {"lang": "zh", "web": listed})


def within_limit(request: Request, limit: int) -> None:
    size = request.headers.get("content-length")
    if size is not None and size.isdigit() and int(size) > limit:
        raise refused(
            f"文件太大（{int(size) / 2**20:.1f} MB），上限为 {limit // 2**20} MB",
            f"the upload is too large ({int(size) / 2**20:.1f} MB); "
            f"the limit is {limit // 2**20} MB",
        )
