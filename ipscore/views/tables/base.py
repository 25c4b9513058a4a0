"""What every terminal table shares: the console that folds long cells and fits the width, plain
text for -o, verdict and grade colours, submitted text made safe for the terminal."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ...decide.results import Assessment
from ...packs import Pack
from ...provenance import notes_by_text
from ...text import counted, pick, terminal_text
from ...verdicts import MANDATORY_LABELS, MET, MISSING, NOT_APPLICABLE, UNMET
from ..fit import fit

STYLE = {MET: "green", UNMET: "red", MISSING: "yellow", NOT_APPLICABLE: "dim"}
_GRADE_STYLE = {"excellent": "bold green", "good": "green", "pass": "yellow", "fail": "bold red"}


def user_text(text: object) -> str:
    """Submitted or stored text (a city's name, a typed value, a file name, a --by name) in a
    table: shown as typed, never read as rich markup (`[/]` would end a batch) nor as a
    control sequence (`text.terminal_text`)."""
    return escape(terminal_text(text))


def plain_line(text: str) -> str:
    """Submitted text on a plain output line: no control sequence reaches the terminal."""
    return terminal_text(text)


def file_notes(assessments: Iterable[Assessment], lang: str) -> str | None:
    """What the input files say of their own data (an example, a published source), shown
    under the table so that it is never only a comment in a file."""
    head = pick(lang, "数据说明", "About the data")
    lines = [
        pick(lang, f"{head} {files[0]}：{note}", f"{head} {files[0]}: {note}")
        if len(files) == 1
        else pick(
            lang,
            f"{head}（{len(files)}个文件）：{note}",
            f"{head} ({counted(len(files), 'file')}): {note}",
        )
        for note, files in notes_by_text(i for a in assessments for i in a.inputs).items()
    ]
    return "\n".join(user_text(line) for line in lines) or None


class _Folding(Console):
    """A console whose tables wrap a long cell onto more lines instead of cutting it with "…":
    a Chinese name has no space to wrap at, so at 80 columns 北京市朝阳区 became "北京 …"."""

    def print(self, *objects: Any, **options: Any) -> None:
        for item in objects:
            if isinstance(item, Table):
                for column in item.columns:
                    column.overflow = "fold"
                fit(item, self)
        super().print(*objects, **options)


def console() -> Console:
    # A pipe or a CI log gets a readable fixed width instead of 80 columns.
    return _Folding(width=None if Console().is_terminal else 140, highlight=False)


def as_text(items: Iterable[Table]) -> str:
    """Tables as plain text, for a file named with -o."""
    recorder = _Folding(record=True, width=140, file=io.StringIO())
    for table in items:
        recorder.print(table)
    return recorder.export_text()


def mandatory_cell(a: Assessment, lang: str) -> str:
    """Whether the mandatory tasks are done; a plan with no mandatory tasks says so."""
    if not a.pack.mandatory:
        return pick(lang, "不分必做选做", "no mandatory tasks")
    return MANDATORY_LABELS["en" if lang == "en" else "zh"][a.mandatory_complete]


def grade_cell(code: str, label: str) -> str:
    """A grade word, coloured where the grade is one of the usual four (an index pack's
    数据可用 has no colour: `[]` would be broken markup)."""
    style = _GRADE_STYLE.get(code)
    return f"[{style}]{escape(label)}[/]" if style else escape(label)


def joined_lines(*texts: str | None) -> str:
    return "\n".join(t for t in texts if t)


def pack_title(pack: Pack, lang: str) -> str:
    """A pack as a table's title names it: its title, id, version and the start of its hash."""
    return user_text(
        pick(
            lang,
            f"{pack.pack.title}（{pack.id} {pack.pack.version}，sha256 {pack.content_hash[:12]}）",
            f"{pack.pack.title_en} ({pack.id} {pack.pack.version}, "
            f"sha256 {pack.content_hash[:12]})",
        )
    )
