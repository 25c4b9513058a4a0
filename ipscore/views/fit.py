"""Fitting a terminal table to the console's width without breaking a word.

rich narrows a table that is too wide by cutting its widest columns down to the next widest,
whatever they hold, so at 80 columns "Excellent" printed as "Excell" / "ent". Here a table too
wide first loses its padding (columns one space apart); then each column keeps at least its
longest word (a Latin word, a number, a grade) and the room left is shared by what the
columns could still use. Chinese text, which may break between any two characters, gives way
first; a hyphenated word breaks after its hyphen. Only when even the words cannot fit does
rich fold as before."""

from __future__ import annotations

import re
from typing import NamedTuple

from rich.cells import cell_len
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

# A run of wide (CJK) characters may break between any two of them; a run of other
# characters only at a space.
_WIDE_RUN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+")
_AFTER_HYPHEN = re.compile(r"(?<=[A-Za-z]-)(?=[A-Za-z])")  # prefecture-|level
_SHORT = 16  # a column no wider than this is a value (a name, a grade), not running text
_CJK_KEEP = 3  # Chinese characters kept together where room allows: a short name whole


class _Span(NamedTuple):
    least: int  # the narrowest without breaking a word
    body: int  # the widest line of the column's cells
    most: int  # the widest line, its head's included


def fit(table: Table, console: Console) -> None:
    """Set each column's width so that the table fits `console` with every word whole, when
    it can; leave the table to rich otherwise."""
    if not table.columns or any(c.width is not None for c in table.columns):
        return
    if not all(isinstance(cell, str | Text) for c in table.columns for cell in c.cells):
        return  # a nested renderable: rich measures it
    spans = [_span(table, i, _CJK_KEEP) for i in range(len(table.columns))]
    if sum(s.most for s in spans) <= _room(table, console):
        return
    # Too wide: columns one space apart (the rule's own), none at the edges, before any word
    # is narrowed.
    table.padding, table.show_edge = (0, 0), False
    keep = _CJK_KEEP
    while sum(s.least for s in spans) > _room(table, console):
        if keep == 1:
            return
        keep -= 1
        spans = [_span(table, i, keep) for i in range(len(table.columns))]
    # The room left goes first to the first column (it names the row), then to running text
    # up to a readable measure, then to the short columns (names, grades, tiers), those
    # needing least first, so that as many values as can are read without a break, then to
    # their heads; running text shares what remains by its length.
    widths = [s.least for s in spans]
    spare = _room(table, console) - sum(widths)
    rest = range(1, len(spans))
    short = sorted((i for i in rest if spans[i].most <= _SHORT), key=lambda i: spans[i].body)
    steps = [(0, min(spans[0].most, 2 * _SHORT))]  # beyond that it is running text
    steps += [(i, _SHORT) for i in rest if spans[i].most > _SHORT]
    steps += [(i, spans[i].body) for i in short] + [(i, spans[i].most) for i in short]
    for i, upto in steps:
        extra = max(0, min(spare, upto - widths[i]))
        widths[i] += extra
        spare -= extra
    wants = {i: s.most - widths[i] for i, s in enumerate(spans) if s.most > widths[i]}
    total = sum(wants.values())
    for i, want in wants.items():
        widths[i] += spare * want // total if total else 0
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        _break_hyphens(column, width)


def _span(table: Table, index: int, keep: int) -> _Span:
    column = table.columns[index]
    heads = [column.header] if table.show_header else []
    least = body = most = 1
    for k, cell in enumerate([*heads, *column.cells]):
        plain = cell.plain if isinstance(cell, Text) else Text.from_markup(str(cell)).plain
        for line in plain.splitlines():
            most = max(most, cell_len(line))
            if k >= len(heads):
                body = max(body, cell_len(line))
            for word in line.split():
                least = max(least, _unbreakable(word, keep))
    if column.max_width is not None:  # a column held narrow on purpose stays so
        most, body = min(most, column.max_width), min(body, column.max_width)
    return _Span(min(least, most), body, most)


def _unbreakable(word: str, keep: int) -> int:
    """The widest part of a word no line may break: all of a Latin word, or each part of one
    after a hyphen; of Chinese text, which breaks anywhere, `keep` characters."""
    pieces = [p for run in _WIDE_RUN.split(word) for p in _AFTER_HYPHEN.split(run)]
    wide = [cell_len(run) for run in _WIDE_RUN.findall(word)]
    return max([cell_len(p) for p in pieces] + [min(w, 2 * keep) for w in wide])


def _break_hyphens(column: Column, width: int) -> None:
    """Break a hyphenated word too wide for its column after a hyphen, which rich (breaking
    only at spaces) would otherwise cut anywhere: "prefecture-" / "level"."""
    cells = column._cells  # rich keeps a column's cells here; plain strings only are touched
    for i, cell in enumerate(cells):
        if isinstance(cell, str) and "[" not in cell and "-" in cell:
            cells[i] = "\n".join(_hyphen_lines(line, width) for line in cell.splitlines())


def _hyphen_lines(line: str, width: int) -> str:
    out = []
    for word in line.split(" "):
        if cell_len(word) > width and _AFTER_HYPHEN.search(word):
            lines: list[str] = []
            for piece in _AFTER_HYPHEN.split(word):
                if lines and cell_len(lines[-1] + piece) <= width:
                    lines[-1] += piece
                else:
                    lines.append(piece)
            word = "\n".join(lines)
        out.append(word)
    return " ".join(out)


def _room(table: Table, console: Console) -> int:
    """The cells left for the columns' text: the width, less borders and padding (as rich
    itself counts them: its table's own helpers)."""
    padding = sum(table._get_padding_width(i) for i in range(len(table.columns)))
    return console.width - table._extra_width - padding
