"""What every page handler shares: the server's settings, who is signed in and what they may
see (403 otherwise), the form token, a posted form checked against it, a page rendered through
the report templates, problems shown with file, line and field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from ..errors import IpscoreError, Problem
from ..report.render import render
from ..season.people import LOCAL, User, Users, new_token, same_token
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
    # The office the server serves (`--org`): the issuer of the reviewers' official downloads
    # (none without it), dated in its time zone (`--tz`).
    org: str | None = None
    tz: str = "Asia/Shanghai"


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
    from ..season.people import load_users

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


async def posted(request: Request, files: int = 0, fields: int = 50) -> FormData:
    """The posted form, once its CSRF token matches the session's; parts no larger than the
    upload limit, at most `files` files and `fields` fields."""
    form = await request.form(
        max_files=files, max_fields=fields, max_part_size=settings_of(request).max_upload
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
        "org": settings_of(request).org,
    }


def rendered(
    template: str, context: dict[str, Any], web: dict[str, Any], status: int = 200
) -> Page:
    """A page through the report templates, with `web_of`'s values and the page's own."""
    return Page(render(template, {**context, "web": {**web, **context.pop("web", {})}}), status)


def page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A small page rendered here, in the event loop (sign-in, a message)."""
    return answer(rendered(template, context, web_of(request), status))


# What a page that did not work was for, by the request that asked: its heading says so.
_ACTIONS = (
    ("POST", re.compile(r"/check"), "上传没有成功"),
    ("POST", re.compile(r"/fill/[^/]+"), "没有提交"),
    ("POST", re.compile(r"/batch"), "上传没有成功，这批文件一个也没有存入归档"),
    ("POST", re.compile(r"/batch/[^/]+/verify"), "核验未记下"),
    ("POST", re.compile(r"/login"), "没有登录"),
    ("POST", re.compile(r"/logout"), "没有退出"),
    ("GET", re.compile(r"/(check|batch)/[^/]+/download/.*"), "没有下载"),
    ("GET", re.compile(r"/review"), "三年复核没有做成"),
    ("GET", re.compile(r"/history/.*"), "没有查到历年考核"),
    ("POST", re.compile(r"/season/\d+/.+"), "这一步没有办成"),
    ("GET", re.compile(r"/season/.*"), "没有查到办理进度"),
)


def failed(request: Request) -> dict[str, str]:
    """The heading of a page saying that what was asked did not work, fitting what it was;
    for an upload, the words over its list of problems."""
    heading = next(
        (
            words
            for method, path, words in _ACTIONS
            if request.method == method and path.fullmatch(request.url.path)
        ),
        "这一页打不开",
    )
    upload = request.method == "POST" and request.url.path in ("/check", "/batch")
    return {
        "heading": heading,
        "lead": "上传的文件有 {} 处问题，请逐一改正后重新上传：" if upload else "",
    }


# The command line's words in messages that can reach a page, said for the web.
_WEB_WORDS = (
    ("，请在文件中写明或使用 --pack", "，请在文件中写明，或下载填报表填好后上传"),
    ("这个命令一次只处理一个城市", "自查一次只处理一个城市"),
    ("（自己的文件可加 --allow-outside）", ""),
    (
        "：请用 --pack 指定评出该结果的规则包文件",
        "：须用评出它的规则包文件核验，网页上做不到，请告诉管理员",
    ),
    ("，请用 --pack 指定：", "，无法确定用哪一个："),
    ("--years ", "所选年度 "),
)
_WEB_FIELDS = {"--years": "年度", "--target": "目标等级", "--pack": "规则包", "--from/--to": "年度"}


# A pack's note may name the command that does a thing: "（ipscore verify --ok）".
_COMMAND = re.compile(r"（ipscore [^）]*）")


def for_the_web(text: str) -> str:
    for cli, web in _WEB_WORDS:
        text = text.replace(cli, web)
    return _COMMAND.sub("", text)


def shown(problems: list[Problem]) -> list[dict[str, str]]:
    """Each problem with where it is (file, line or row, field) and what is wrong, in Chinese,
    in the web's words."""
    return [
        {
            "file": Path(p.file).name if p.file else "",
            "line": f"第{p.line}行" if p.line else "",
            "field": _WEB_FIELDS.get(p.field or "", p.field or ""),
            "text": for_the_web(p.zh),
        }
        for p in problems
    ]
