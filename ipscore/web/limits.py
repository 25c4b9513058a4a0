"""Limits that hold whatever a client sends: a request's body is counted as it arrives, with a
length or chunked, and past the limit the request ends with 413 before anything of it is
kept; the answer to a refused request is the same page either way."""

from __future__ import annotations

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
        if declared is not None and declared.isdigit() and int(declared) > self.most:
            await self._refuse(send)
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
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = _page(self.limit)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
