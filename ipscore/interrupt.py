"""Ctrl-C, remembered. Python swallows a KeyboardInterrupt that happens to be raised inside a
C library's callback or a finalizer (it prints "Exception ignored" and carries on), so a
command could finish and write its output after the user pressed Ctrl-C. The flag set here is
never lost: no output is committed after it, and the command still exits 130."""

from __future__ import annotations

import signal
from types import FrameType

_pressed = {"yes": False}


def watch() -> None:
    """Remember Ctrl-C from now on (where Python would raise KeyboardInterrupt for it)."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _remember)


def _remember(signum: int, frame: FrameType | None) -> None:
    _pressed["yes"] = True
    raise KeyboardInterrupt


def check() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed, even if its first one was swallowed."""
    if _pressed["yes"]:
        raise KeyboardInterrupt
