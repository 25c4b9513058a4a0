"""`ipscore serve`: the same library in a browser, for a city office's self-check and a
reviewer's cohort. Starlette on uvicorn, pages rendered on the server from the report
templates (no JavaScript, nothing fetched from the internet); the archive is the store.

The app decides nothing itself: it reads uploads with the command line's readers, asks the
pipeline, what-if, plan, verification and report modules, and shows their results."""

from __future__ import annotations

import math
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..errors import IpscoreError
from ..season.people import password_matches
from ..season.scope import OutOfScope
from ..store.sessions import Sessions
from . import api
from . import routes as pages
from .limits import BodyLimit, Headers
from .pages import (
    Denied,
    Settings,
    failed,
    page,
    posted,
    settings_of,
    shown,
    user_of,
    users_now,
)
from .work import Workers


def create_app(settings: Settings) -> Starlette:
    settings.data.mkdir(parents=True, exist_ok=True, mode=0o700)
    routes = [
        Route("/", pages.home),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/form/{pack}", pages.form),
        Route("/fill/{pack}", pages.fill_page),
        Route("/fill/{pack}", pages.fill, methods=["POST"]),
        Route("/check", pages.check_upload, methods=["POST"]),
        Route("/check/{id}", pages.check),
        Route("/check/{id}/download/{name}", pages.check_download),
        Route("/batch", pages.batch_upload, methods=["POST"]),
        Route("/batch/{id}", pages.cohort),
        Route("/batch/{id}/city/{n:int}", pages.city),
        Route("/batch/{id}/verify", pages.verify, methods=["POST"]),
        Route("/batch/{id}/download/{name}", pages.batch_download),
        Route("/review", pages.three_years),
        Route("/history/{city}", pages.history),
        Route("/users", pages.users),
        Route("/season/{year:int}", pages.season_year),
        Route("/season/{year:int}/download", pages.season_download),
        Route("/season/{year:int}/{city}", pages.season_city),
        Route("/season/{year:int}/{city}", pages.season_step, methods=["POST"]),
        *api.ROUTES,
    ]
    workers = Workers(settings.workers)
    sessions = None
    if settings.users is not None or settings.users_file is not None:
        from .uploads import archive_of

        # Sessions live in the archive's database, and so does the key that signs the cookie
        # naming one: every server process sharing the database agrees on both.
        sessions = Sessions(archive_of(settings.db).engine, settings.idle_minutes * 60)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        workers.start()
        try:
            yield
        finally:
            workers.close()

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(BodyLimit, limit=settings.max_upload),
            Middleware(Headers, secure_cookies=settings.secure_cookies),
            Middleware(
                SessionMiddleware,
                secret_key=sessions.signing_key() if sessions else _secret(settings.data),
                session_cookie="ipscore",
                same_site="strict",
                max_age=12 * 3600,  # the session behind it ends sooner (store.sessions)
                https_only=settings.secure_cookies,
            ),
        ],
        # Outside the user's scope is a 403 page, though it is an IpscoreError as well.
        exception_handlers={Denied: _denied, OutOfScope: _denied, IpscoreError: _problems},
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # its redirect is built from the request's Host
    app.state.settings = settings
    app.state.workers = workers
    if sessions is not None:
        app.state.sessions = sessions
    return app


def _secret(data: Path) -> str:
    """The key that signs the cookie of a server without sign-in (one person, this machine):
    made once, readable by this user only."""
    path = data / "session.key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


async def login(request: Request) -> Response:
    settings = settings_of(request)
    users = users_now(settings)
    if users is None:
        return Response(status_code=303, headers={"location": "/"})
    problem, status = None, 200
    if request.method == "POST":
        form = await posted(request)
        name, password = str(form.get("name") or ""), str(form.get("password") or "")
        address = request.client.host if request.client else "?"
        sessions: Sessions = request.app.state.sessions
        wait = sessions.wait(name, address)
        if wait > 0:  # refused before the password is even looked at
            problem, status = f"登录失败次数过多，请于{math.ceil(wait)}秒后再试", 429
        else:
            stored = users.hash_of(name)  # scrypt takes a worker's CPU, not the event loop's
            ok = await request.app.state.workers.run(password_matches, password, stored)
            found = users.get(name) if ok else None
            sessions.attempted(name, address, found is not None)
            if found is not None:
                request.session.clear()
                request.session["sid"] = sessions.start(found.name, stored, address)
                return Response(status_code=303, headers={"location": "/"})
            problem, status = "用户名或密码不对", 400
    return page(request, "web/login.html.j2", {"lang": "zh", "web": {"problem": problem}}, status)


async def logout(request: Request) -> Response:
    await posted(request)
    token = request.session.get("sid")
    if isinstance(token, str) and hasattr(request.app.state, "sessions"):
        request.app.state.sessions.end(token)  # a copy of the cookie opens nothing now
    request.session.clear()
    return Response(status_code=303, headers={"location": "/login"})


async def _denied(request: Request, exc: Exception) -> Response:
    if user_of(request) is None and request.method == "GET":  # not signed in: sign in first
        return Response(status_code=303, headers={"location": "/login"})
    said = {"message": str(exc), **failed(request)}
    return page(request, "web/message.html.j2", {"lang": "zh", "web": said}, 403)


async def _problems(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IpscoreError)
    return page(
        request,
        "web/message.html.j2",
        {"lang": "zh", "web": {"problems": shown(exc.problems), **failed(request)}},
        400,
    )
