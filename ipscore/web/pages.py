"""What every page handler shares: the server's settings, who is signed in and what they may
see (403 otherwise), the form token, a posted form checked against it, a page rendered through
the report templates, problems shown with file, line and field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from ..errors import Problem
from ..report.render import render
from .auth import LOCAL, User, Users, new_token, same_token
from .work import Page, answer

MB = 2**20


@dataclass(frozen=True)
class Settings:
    data: Path  # uploads and the session key live here
    db: str | None = None  # the archive (None: IPSCORE_DB or the default one)
    users: Users | None = None
    max_upload: int = 20 * MB
    lang: str = "zh"
    workers: int = 0  # worker processes for the pages' work (0: a thread of the server)


class Denied(Exception):
    """A page this user may not see: 403."""


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


def web_of(request: Request) -> dict[str, Any]:
    """What every page shows of the request: who is signed in, whether people sign in here,
    the form token. Plain values: a worker renders the page with them."""
    return {
        "user": user_of(request),
        "sign_in": settings_of(request).users is not None,
        "csrf": csrf(request),
    }


def rendered(
    template: str, context: dict[str, Any], web: dict[str, Any], status: int = 200
) -> Page:
    """A page through the report templates, with `web_of`'s values and the page's own."""
    return Page(render(template, {**context, "web": {**web, **context.pop("web", {})}}), status)


def page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A small page rendered here, in the event loop (sign-in, a message)."""
    return answer(rendered(template, context, web_of(request), status))


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
