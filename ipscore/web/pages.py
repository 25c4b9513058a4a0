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

from ..errors import IpscoreError, Problem
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
    # The users file `users` was read from: read again when it changes, so that a password
    # changed there ends the sessions made with the old one.
    users_file: Path | None = None
    idle_minutes: float = 30  # a session unused this long has ended
    secure_cookies: bool = False  # cookies only over HTTPS (also whenever a request is https)


class Denied(Exception):
    """A page this user may not see: 403."""


def settings_of(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


_READ: dict[Path, tuple[int, Users]] = {}


def users_now(settings: Settings) -> Users | None:
    """The users as the users file says now (read again when it has changed)."""
    if settings.users_file is None:
        return settings.users
    from .auth import load_users

    try:
        stamp = settings.users_file.stat().st_mtime_ns
    except OSError:
        return settings.users  # gone for a moment (being replaced): as last read
    known = _READ.get(settings.users_file)
    if known is None or known[0] != stamp:
        try:
            known = _READ[settings.users_file] = (stamp, load_users(settings.users_file))
        except IpscoreError:  # half written: as last read
            return known[1] if known else settings.users
    return known[1]


def user_of(request: Request) -> User | None:
    """The signed-in user: the one of the session the cookie names, while it stands (not
    signed out, not idle, the password unchanged); everyone is the local user when there is
    no users file."""
    if "user" in request.scope.get("ipscore", {}):
        found: User | None = request.scope["ipscore"]["user"]
        return found
    users = users_now(settings_of(request))
    if users is None:
        return LOCAL
    token = request.session.get("sid")
    user = None
    if isinstance(token, str):
        session = request.app.state.sessions.find(token, users.hash_if_any)
        user = users.get(session.user) if session else None
        if user is None:
            request.session.pop("sid", None)
    request.scope.setdefault("ipscore", {})["user"] = user
    return user


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
        "sign_in": users_now(settings_of(request)) is not None,
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
