"""`ipscore serve`: the same library in a browser, for a city office's self-check and a
reviewer's cohort. Starlette on uvicorn, pages rendered on the server from the report
templates (no JavaScript, nothing fetched from the internet); the archive is the store.

The app decides nothing itself: it reads uploads with the command line's readers, asks the
pipeline, what-if, plan, verification and report modules, and shows their results."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..errors import IpscoreError, Problem
from ..report.render import render
from .auth import LOCAL, User, Users, new_token, same_token
from .uploads import Store

MB = 2**20


@dataclass(frozen=True)
class Settings:
    data: Path  # uploads and the session key live here
    db: str | None = None  # the archive (None: IPSCORE_DB or the default one)
    users: Users | None = None
    max_upload: int = 20 * MB
    lang: str = "zh"


class Denied(Exception):
    """A page this user may not see: 403."""


def create_app(settings: Settings) -> Starlette:
    from . import review, selfcheck

    settings.data.mkdir(parents=True, exist_ok=True, mode=0o700)
    routes = [
        Route("/", selfcheck.home),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/form/{pack}", selfcheck.form),
        Route("/check", selfcheck.upload, methods=["POST"]),
        Route("/check/{id}", selfcheck.show),
        Route("/check/{id}/download/{name}", selfcheck.download),
        Route("/batch", review.upload, methods=["POST"]),
        Route("/batch/{id}", review.cohort),
        Route("/batch/{id}/city/{n:int}", review.city),
        Route("/batch/{id}/verify", review.verify, methods=["POST"]),
        Route("/batch/{id}/download/{name}", review.download),
        Route("/review", review.three_years),
        Route("/history/{city}", review.history),
    ]
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=_secret(settings.data),
                session_cookie="ipscore",
                same_site="strict",
                max_age=8 * 3600,
            )
        ],
        exception_handlers={Denied: _denied, IpscoreError: _problems},
    )
    app.state.settings = settings
    app.state.store = Store(settings.data)
    return app


def _secret(data: Path) -> str:
    """The key that signs sessions: made once, readable by this user only."""
    path = data / "session.key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()


def settings_of(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


def user_of(request: Request) -> User | None:
    """The signed-in user; everyone is the local user when there is no users file."""
    users = settings_of(request).users
    if users is None:
        return LOCAL
    name = request.session.get("user")
    return users.get(name) if isinstance(name, str) else None


def require(request: Request, reviewer: bool = False) -> User:
    user = user_of(request)
    if user is None:
        raise Denied("请先登录")
    if reviewer and not user.reviewer:
        raise Denied("这一页只给审核人员")
    return user


def csrf(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = request.session["csrf"] = new_token()
    return token


async def posted(request: Request, files: int = 0) -> FormData:
    """The posted form, once its CSRF token matches the session's; parts no larger than the
    upload limit, at most `files` files."""
    form = await request.form(
        max_files=files, max_fields=50, max_part_size=settings_of(request).max_upload
    )
    if not same_token(str(form.get("csrf") or ""), request.session.get("csrf")):
        await form.close()
        raise Denied("表单已过期或不是从本站提交的，请刷新页面再试")
    return form


def page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page through the report templates, with who is signed in and the form token."""
    user = user_of(request)
    web = {
        "user": user,
        "sign_in": settings_of(request).users is not None,
        "csrf": csrf(request),
        **context.pop("web", {}),
    }
    return HTMLResponse(render(template, {**context, "web": web}), status_code=status)


async def login(request: Request) -> Response:
    users = settings_of(request).users
    if users is None:
        return Response(status_code=303, headers={"location": "/"})
    problem = None
    if request.method == "POST":
        form = await posted(request)
        found = users.sign_in(str(form.get("name") or ""), str(form.get("password") or ""))
        if found is not None:
            request.session.clear()
            request.session["user"] = found.name
            return Response(status_code=303, headers={"location": "/"})
        problem = "用户名或密码不对"
    return page(request, "web/login.html.j2", {"lang": "zh", "web": {"problem": problem}})


async def logout(request: Request) -> Response:
    await posted(request)
    request.session.clear()
    return Response(status_code=303, headers={"location": "/login"})


async def _denied(request: Request, exc: Exception) -> Response:
    if user_of(request) is None and request.method == "GET":  # not signed in: sign in first
        return Response(status_code=303, headers={"location": "/login"})
    return page(request, "web/message.html.j2", {"lang": "zh", "web": {"message": str(exc)}}, 403)


async def _problems(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IpscoreError)
    return page(
        request,
        "web/message.html.j2",
        {"lang": "zh", "web": {"problems": shown(exc.problems)}},
        400,
    )


def shown(problems: list[Problem]) -> list[dict[str, str]]:
    """Each problem with where it is (file, line or row, field) and what is wrong, in Chinese."""
    return [
        {
            "file": Path(p.file).name if p.file else "",
            "line": f"第{p.line}行" if p.line else "",
            "field": p.field or "",
            "text": p.zh,
        }
        for p in problems
    ]
