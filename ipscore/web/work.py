"""The server's CPU work in worker processes: reading uploads, assessing, rendering pages and
documents, checking passwords. The event loop only routes requests and sends answers, so one
clerk's PDF never holds up another's page (each worker has its own durable-rules state).

A job is a plain function of plain values (`web.selfcheck`, `web.review`, `web.answers`)
that returns a `Page`, a `File`, a `Redirect` or `Json`; its `Denied` or `IpscoreError` comes
back as raised. With `workers=0` jobs run one at a time in one thread of this process instead
(durable-rules' state is not for two threads at once): for tests, one clerk at their machine.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from starlette.responses import HTMLResponse, Response

T = TypeVar("T")

MEDIA = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class Page:
    html: str
    status: int = 200


@dataclass(frozen=True)
class File:
    data: bytes
    name: str  # as the user will see it: 武汉市-自查报告.pdf


@dataclass(frozen=True)
class Redirect:
    location: str  # a path on this site, never built from the request's Host


@dataclass(frozen=True)
class Json:
    data: bytes  # as the command line writes it (`views.output.dumps`)
    status: int = 200


Reply = Page | File | Redirect | Json


def answer(reply: Reply) -> Response:
    if isinstance(reply, Page):
        return HTMLResponse(reply.html, status_code=reply.status)
    if isinstance(reply, Json):
        return Response(reply.data, reply.status, media_type="application/json")
    if isinstance(reply, File):
        return Response(
            reply.data,
            media_type=MEDIA.get(Path(reply.name).suffix.lower(), "application/octet-stream"),
            headers={"content-disposition": f"attachment; filename*=UTF-8''{quote(reply.name)}"},
        )
    return Response(status_code=303, headers={"location": reply.location})


def _ready() -> int:
    """A worker's first job: load what every job needs, before the first request waits on it."""
    from ..packs import find_pack, shipped_packs
    from ..report.render import render  # noqa: F401  (templates and their filters)

    for pack_id in shipped_packs():
        find_pack(pack_id)
    return multiprocessing.current_process().pid or 0


class Workers:
    """A pool of `count` worker processes, started with the server (or none: one thread)."""

    def __init__(self, count: int):
        self.count = count
        self._pool: Executor | None = None

    def start(self) -> Executor:
        """Start the workers and load the packs in each: the first requests are not slow."""
        if self._pool is None:
            if self.count == 0:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="ipscore-work")
            else:
                # Spawned, not forked: the server has threads, and a fork copies their locks.
                self._pool = ProcessPoolExecutor(
                    self.count, mp_context=multiprocessing.get_context("spawn")
                )
                for _ in range(self.count):
                    self._pool.submit(_ready)
        return self._pool

    async def run(self, job: Callable[..., T], *args: Any) -> T:
        pool = self.start()
        return await asyncio.get_running_loop().run_in_executor(pool, partial(job, *args))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
