"""Every failure a user can cause, as one readable line in Chinese (or English).

A `Problem` names the file, the line, the field and what was expected; an `IpscoreError`
carries one or more of them so that a file with several mistakes is reported in one pass.
The CLI turns these into exit code 2 and never shows a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePath

from .text import pick


@dataclass(frozen=True)
class Problem:
    zh: str
    en: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    # On a fill-in form: the item's name as the form prints it (「市局执法人员」), and its
    # English twin with the field's code; said instead of the field's code.
    label: tuple[str, str] | None = None

    def to_dict(self) -> dict[str, str | int | None]:
        """As the JSON outputs and the API give it: where, and what, in both languages."""
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.zh,
            "message_en": self.en,
        }

    def render(self, lang: str = "zh") -> str:
        line, field, sep, colon = _WHERE[lang]
        where = [self.file] if self.file else []
        if self.line:
            where.append(line.format(self.line))
        if self.label:
            named = pick(lang, *self.label)
            if self.line and lang != "en":  # 第22行「市局执法人员」
                where[-1] += named
            else:
                where.append(named)
        elif self.field:
            where.append(field.format(self.field))
        text = pick(lang, self.zh, self.en)
        return f"{sep.join(where)}{colon}{text}" if where else text


_WHERE = {"zh": ("第{}行", "字段 {}", "，", "："), "en": ("line {}", "field {}", ", ", ": ")}

# Past this many problems a reader stops: a junk file is refused at once, not read to its end
# (every row of an 8 MB one wrong would otherwise take half a minute and a page of screens).
MOST_PROBLEMS = 1000


def too_many(where: str | None) -> Problem:
    return Problem(
        f"问题超过{MOST_PROBLEMS}处，只列出前{MOST_PROBLEMS}处，其余部分没有检查：请先改正这些",
        f"over {MOST_PROBLEMS} problems: the first {MOST_PROBLEMS} are listed, the rest is "
        "not checked; correct these first",
        where,
    )


@dataclass
class IpscoreError(Exception):
    """Unusable input or pack: the command line shows its problems and exits with code 2."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(p.render("zh") for p in self.problems)

    def render(self, lang: str = "zh") -> str:
        return "\n".join(p.render(lang) for p in self.problems)


class InputError(IpscoreError):
    """A submission that cannot be assessed."""


class PackError(IpscoreError):
    """A rule pack that cannot be loaded or fails its static checks."""


# Where paths are shown from instead of the working directory: the server shows an uploaded
# file by its own name, never by where the server keeps it.
SHOWN_FROM: ContextVar[Path | None] = ContextVar("shown_from", default=None)


@contextmanager
def shown_from(folder: Path) -> Iterator[None]:
    """Within this, a path inside `folder` is shown relative to it (`display_path`)."""
    token = SHOWN_FROM.set(folder.resolve())
    try:
        yield
    finally:
        SHOWN_FROM.reset(token)


def display_path(path: Path | str) -> str:
    """The path as the user typed it, relative to the working directory where possible (its
    folder's links followed, not the file's own)."""
    p = Path(path)
    root = SHOWN_FROM.get()
    if root is not None:
        with suppress(ValueError):
            return str(p.resolve().relative_to(root))
    if not p.is_absolute() and ".." not in p.parts:
        return str(p)  # already as typed and relative (resolving costs a dozen system calls)
    folder = _shown_folder(os.getcwd(), str(p.parent))
    return p.name if folder == "." else str(Path(folder) / p.name)


def document_name(path: Path | str, folder: Path | None = None) -> str:
    """A file as documents and records name it: never where it lies on this machine. The path
    as the user typed it where that is relative (or as `shown_from` shows it); else, for a file
    found beside a submission (its reference, its evidence), its path relative to `folder`, the
    submission's folder; else its own name. An error keeps `display_path`, for the user at
    their own machine."""
    shown = display_path(path)
    if not Path(shown).is_absolute():
        return shown
    p = Path(path)
    if folder is not None:
        real, root = resolved(p.parent), resolved(folder)
        if real is not None and root is not None and real.is_relative_to(root):
            return str((real / p.name).relative_to(root))
    return p.name


def recorded_name(source: str) -> str:
    """A file's name as a record made before documents named no machine path stored it: an
    absolute path is shown by its own name (the record itself keeps it, for replays)."""
    return PurePath(source).name if PurePath(source).is_absolute() else source


@lru_cache(maxsize=256)
def _shown_folder(cwd: str, folder: str) -> str:
    """A folder relative to the working directory where it lies inside it; once per folder."""
    real, here = resolved(Path(folder)), resolved(Path(cwd))
    if real is None or here is None or not real.is_relative_to(here):
        return folder
    return str(real.relative_to(here))


def resolved(path: Path) -> Path | None:
    """The path with every link followed, or None where links loop (Python 3.11 raises
    RuntimeError there, later ones OSError) or the name holds a NUL (ValueError)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError, ValueError):
        return None
