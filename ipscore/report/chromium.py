"""Printing HTML to PDF with a headless Chromium (or Chrome, or Edge): a year's set of reports
in about a third of WeasyPrint's time, laid out by the engine that shows the HTML report.

One browser per process, started on first use and spoken to over the DevTools protocol on a
pair of pipes (`--remote-debugging-pipe`: no port, no websocket library). The browser runs in
its own session, so Ctrl-C reaches only ipscore, and it exits by itself when the pipes close,
even if this process is killed. POSIX only (the pipes are handed over as file descriptors 3
and 4); elsewhere `find` finds nothing and WeasyPrint prints.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import multiprocessing
import os
import select
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from multiprocessing.util import Finalize
from typing import Any

import orjson

from ..errors import IpscoreError, Problem

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge")
TIMEOUT = 120.0  # seconds a browser may take to start or to print one document
_PRINT = {"preferCSSPageSize": True, "printBackground": True, "generateDocumentOutline": True}


def find() -> str | None:
    """The browser to print with: `IPSCORE_CHROMIUM` if set (a name on PATH or a path), else
    the first of NAMES on PATH."""
    if os.name != "posix":
        return None
    named = os.environ.get("IPSCORE_CHROMIUM")
    for name in (named,) if named else NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def pdf(html: str) -> bytes:
    """`html` printed to PDF by this process's browser (started now if it is not running)."""
    global _browser
    if _browser is None:
        executable = find()
        if executable is None:
            raise IpscoreError([_not_found()])
        # A pool worker stopped on Ctrl-C (SIGTERM from the pool) takes its browser with it,
        # also one still starting: a browser runs in its own session, and one left by a worker
        # that died mid-start kept writing in its profile (under load, after Ctrl-C).
        if multiprocessing.parent_process() is not None:
            signal.signal(signal.SIGTERM, _stopped)
        _browser = _Browser(executable)
        # A pool worker leaves through multiprocessing's exit, which runs these (not atexit).
        Finalize(None, close, exitpriority=10)
    try:
        return _browser.print(html)
    except IpscoreError:
        _browser.close()
        _browser = None
        raise


def close() -> None:
    """Stop this process's browser, if one was started."""
    global _browser
    if _browser is not None:
        _browser.close()
        _browser = None


@contextlib.contextmanager
def printing() -> Iterator[None]:
    """A set printed by this process and its forked workers: every browser's profile goes in
    one folder, removed when the set is done (a worker killed on Ctrl-C cannot remove its
    own), and this process's browser is stopped."""
    global _profiles
    _profiles = tempfile.mkdtemp(prefix="ipscore-chromium-")
    try:
        yield
    finally:
        close()
        _remove(_profiles)
        _profiles = None


def _remove(folder: str) -> None:
    """Remove the profiles' folder, again while it is still there: after Ctrl-C a stopped
    worker's browser helpers may still write in their profile for a moment, so a first removal
    can leave the folder behind (seen in one run of four under load); a few seconds at most."""
    deadline = time.monotonic() + 5
    while True:
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.lexists(folder) or time.monotonic() > deadline:
            return
        time.sleep(0.05)


class _Browser:
    def __init__(self, executable: str):
        self.profile = tempfile.mkdtemp(prefix="ipscore-chromium-", dir=_profiles)
        commands, self._to_browser = os.pipe()
        self._from_browser, answers = os.pipe()
        # Above 2 and away from 3 and 4, so the moves to 3 and 4 cannot overwrite each other.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (commands, answers)]
        args = [
            executable,
            "--headless",
            "--remote-debugging-pipe",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            f"--user-data-dir={self.profile}",
        ]
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        try:
            self.pid = os.posix_spawn(
                executable,
                args,
                _environment(),
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
                    (os.POSIX_SPAWN_DUP2, high[0], 3),
                    (os.POSIX_SPAWN_DUP2, high[1], 4),
                ],
                setsid=True,
            )
        except OSError as exc:
            self._close_fds(self._to_browser, self._from_browser)
            shutil.rmtree(self.profile, ignore_errors=True)
            why = f"{executable}: {exc.strerror}"
            raise IpscoreError([_failed(why, why)]) from None
        finally:
            self._close_fds(commands, answers, *high)
        os.set_blocking(self._to_browser, False)  # see _send
        self._owner = os.getpid()
        self._buffer = b""
        self._last = 0
        global _starting
        _starting = self
        try:
            self._open_page()
        except BaseException:  # no answer, or Ctrl-C while it starts: stopped, not left running
            self._close_fds(self._to_browser, self._from_browser)
            self.kill()
            raise
        finally:
            _starting = None

    def _open_page(self) -> None:
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        tree = self._call("Page.getFrameTree", {}, self._session)
        self._frame = tree["frameTree"]["frame"]["id"]

    def print(self, html: str) -> bytes:
        self._call("Page.setDocumentContent", {"frameId": self._frame, "html": html}, self._session)
        printed = self._call("Page.printToPDF", _PRINT, self._session)
        return base64.b64decode(printed["data"])

    def close(self) -> None:
        if self._owner != os.getpid():  # a forked child's copy: the browser is its parent's
            self._close_fds(self._to_browser, self._from_browser)
            return
        self._close_fds(self._to_browser, self._from_browser)  # the browser exits on EOF
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not self._exited():
            time.sleep(0.02)
        # Its helpers (renderer, GPU, utility) can outlive it by a moment, still writing in
        # the profile: stopped too, so that the profile can go.
        self.kill()

    def _exited(self) -> bool:
        try:
            return os.waitpid(self.pid, os.WNOHANG)[0] != 0
        except ChildProcessError:  # already waited for (a close interrupted by SIGTERM)
            return True

    def kill(self) -> None:
        """Stop the browser and every process it started (its own session and group) now."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _call(self, method: str, params: dict[str, Any], session: str | None = None) -> Any:
        self._last += 1
        message: dict[str, Any] = {"id": self._last, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        deadline = time.monotonic() + TIMEOUT
        self._send(memoryview(orjson.dumps(message) + b"\0"), deadline)
        while True:
            answer = self._next(deadline)
            if answer.get("id") != self._last:
                continue  # an event, which nothing here waits for
            if "error" in answer:
                why = str(answer["error"].get("message", answer["error"]))
                raise IpscoreError([_failed(why, why)])
            return answer["result"]

    def _send(self, data: memoryview, deadline: float) -> None:
        """A message (a report's HTML can be a megabyte: more than a pipe holds) written as
        the browser reads it, never waiting past the deadline on one that does not."""
        while data:
            self._wait(deadline, write=True)
            try:
                data = data[os.write(self._to_browser, data) :]
            except BlockingIOError:
                continue
            except OSError:
                raise IpscoreError([_failed("浏览器已退出", "the browser exited")]) from None

    def _wait(self, deadline: float, write: bool = False) -> None:
        left = deadline - time.monotonic()
        fds = [self._to_browser] if write else [self._from_browser]
        ready = left > 0 and select.select([] if write else fds, fds if write else [], [], left)
        if not ready or not any(ready):
            raise IpscoreError([_failed(f"{TIMEOUT:g}秒内没有完成", f"no answer in {TIMEOUT:g} s")])

    def _next(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            self._wait(deadline)
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise IpscoreError([_failed("浏览器已退出", "the browser exited")])
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        answer: dict[str, Any] = orjson.loads(raw)
        return answer

    @staticmethod
    def _close_fds(*fds: int) -> None:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)


def _not_found() -> Problem:
    return Problem(
        "找不到 Chromium：--pdf-engine chromium 需要 Chromium、Chrome 或 Edge"
        "（Debian：apt-get install chromium），或用 IPSCORE_CHROMIUM 指明浏览器程序",
        "Chromium not found: --pdf-engine chromium needs Chromium, Chrome or Edge (Debian: "
        "apt-get install chromium), or IPSCORE_CHROMIUM naming the browser program",
    )


def _failed(zh: str, en: str) -> Problem:
    return Problem(
        f"Chromium 没能生成 PDF（{zh}）；可改用 --pdf-engine weasyprint",
        f"Chromium could not print the PDF ({en}); --pdf-engine weasyprint prints without it",
    )


def _stopped(*_: object) -> None:
    try:
        if _starting is not None:
            _starting.kill()  # spawned, not yet answering: nothing of it to wait for
        if _browser is not None:
            _browser.close()  # it cleans up after itself as it exits; killed if it lingers
    finally:
        os._exit(1)  # whatever the close met: the pool is waiting for this worker to go


def _environment() -> dict[str, str]:
    """Chromium makes its singleton socket under TMPDIR, and a socket's path holds at most 107
    bytes: a deep TMPDIR (a test's, a CI job's) would make it exit at once."""
    env = dict(os.environ)
    if len(os.fsencode(tempfile.gettempdir())) > 60 and os.access("/tmp", os.W_OK):
        env["TMPDIR"] = "/tmp"
    return env


def _forget_in_child() -> None:
    """A forked worker starts its own browser: the parent's pipes are not its to use."""
    global _browser
    if _browser is not None:
        _browser.close()
        _browser = None


_browser: _Browser | None = None
_starting: _Browser | None = None  # spawned, its first page not yet open
_profiles: str | None = None
os.register_at_fork(after_in_child=_forget_in_child)
