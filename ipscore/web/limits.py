"""What every answer holds to, whatever a client sends: a request's body is counted as it
arrives, with a length or chunked, and past the limit the request ends with 413 before
anything of it is kept; every response carries the browser's safety headers, and its cookies
are marked Secure when asked or when the request came over HTTPS."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Room for the form's own fields and the multipart boundaries around the files.
OVERHEAD = 2**20


class TooLarge(Exception):
    """The body went past the limit while it was being read."""


def _page(limit: int) -> bytes:
    mb = limit // 2**20
    return (
        '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>文件太大</title>'
        f"<p>文件太大：上传的内容超过 {mb} MB 的上限，没有保存任何部分。请分批上传，或把文件"
        '压缩成 zip。<a href="/">返回</a></p>'
        f"<p>The upload exceeds the {mb} MB limit; nothing of it was kept.</p></html>"
    ).encode()


class BodyLimit:
    """ASGI middleware: at most `limit` bytes of body (plus the form's overhead) a request."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.most = limit + OVERHEAD
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        api = str(scope.get("path", "")).startswith("/api/")
        if declared is not None and declared.isdigit() and int(declared) > self.most:
            await self._refuse(send, api)
            return
        counted = 0
        started = False

        async def counting() -> Message:
            nonlocal counted
            message = await receive()
            if message["type"] == "http.request":
                counted += len(message.get("body", b""))
                if counted > self.most:
                    raise TooLarge
            return message

        async def watching(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting, watching)
        except TooLarge:
            if not started:
                await self._refuse(send, api)

    async def _refuse(self, send: Send, api: bool) -> None:
        """A page for a person, JSON for a machine client of the API."""
        mb = self.limit // 2**20
        message = {"error": f"请求体超过 {mb} MB 的上限，什么也没有保存"}
        body = json.dumps(message, ensure_ascii=False).encode() if api else _page(self.limit)
        media = b"application/json" if api else b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", media),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


# No script runs on these pages; styles are inline (the reports' CSS, the charts' SVG).
SAFETY = [
    (
        b"content-security-policy",
        b"default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        b"script-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
        b"form-action 'self'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


class Headers:
    """ASGI middleware: the safety headers on every response; Secure on every cookie set
    when `secure_cookies`, or when the request came over HTTPS (`--proxy-headers` behind a
    proxy that says so)."""

    def __init__(self, app: ASGIApp, secure_cookies: bool = False):
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = self.secure_cookies or scope.get("scheme") == "https"

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v + b"; Secure")
                    if secure and k.lower() == b"set-cookie" and b"secure" not in v.lower()
                    else (k, v)
                    for k, v in message.get("headers", [])
                ]
                message["headers"] = headers + SAFETY
            await send(message)

        await self.app(scope, receive, sending)
