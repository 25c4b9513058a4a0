"""Rendering many reports at once: over worker processes, with a progress bar on a terminal.

A 60-city cohort is 60 city reports of nine pages each; WeasyPrint lays them out one at a time
in a process, so they are spread over the cores. The first is rendered here, which loads
WeasyPrint, the fonts and the chart layouts before the workers are forked with them.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress

Job = Callable[[], str | bytes]

_JOBS: Sequence[Job] = ()  # what the forked workers render, by index (nothing is pickled in)


def render_all(jobs: Sequence[Job], workers: int, what: str) -> list[str | bytes]:
    """Each job's output, in order; `what` names them on the progress bar."""
    global _JOBS
    with _progress(len(jobs), what) as step:
        if not jobs:
            return []
        out = [jobs[0]()]
        step()
        if workers <= 1 or len(jobs) < 3:
            for job in jobs[1:]:
                out.append(job())
                step()
            return out
        _JOBS = jobs
        pool = multiprocessing.get_context("fork").Pool(min(workers, len(jobs) - 1))
        try:
            for done in pool.imap(_render, range(1, len(jobs))):
                out.append(done)
                step()
            # The workers leave on their own, each stopping its browser: a SIGTERM while
            # one was doing so could leave the pool waiting for it.
            pool.close()
            pool.join()
        finally:
            pool.terminate()  # at once on Ctrl-C or an error; a no-op once they have left
            pool.join()
            _JOBS = ()
        return out


def _render(index: int) -> str | bytes:
    return _JOBS[index]()


class _progress:
    """A transient progress bar on stderr when it is a terminal; nothing otherwise (a log or a
    test reads only what was written)."""

    def __init__(self, total: int, what: str):
        self.total, self.what = total, what
        self.bar: Progress | None = None

    def __enter__(self) -> Callable[[], None]:
        if self.total <= 1 or not sys.stderr.isatty():
            return lambda: None
        from rich.console import Console
        from rich.progress import Progress

        bar = self.bar = Progress(console=Console(stderr=True), transient=True)
        bar.start()
        task = bar.add_task(self.what, total=self.total)
        return lambda: bar.advance(task)

    def __exit__(self, *_: object) -> None:
        if self.bar is not None:
            self.bar.stop()
