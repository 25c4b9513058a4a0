"""Words shared by every reader and every view: the language picked, "did you mean", and the
tolerant readings of hand-typed values (是/否, thousands separators, Chinese dates).

Spreadsheets, `--set` and YAML submissions all read a typed value through these, so a word
that means "yes" in one place means it everywhere.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

TRUE_WORDS = frozenset({"是", "有", "✓", "√", "true", "yes", "y", "对"})
FALSE_WORDS = frozenset({"否", "无", "✗", "×", "false", "no", "n", "没有"})

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DATE = re.compile(r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?$")
PERCENT = re.compile(r"^\s*-?[\d.,]+\s*%\s*$")


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """An English count with its noun agreeing: 1 requirement, 2 requirements."""
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def pick(lang: str, zh: str, en: str | None) -> str:
    """The English text where English is asked for and there is one, else the Chinese."""
    return en if lang == "en" and en else zh


def ranked(rank: int, tied: bool, lang: str) -> str:
    """A rank as it is shown: 2, or 2（并列） where another city shares it."""
    return pick(lang, f"{rank}（并列）", f"{rank} (tied)") if tied else str(rank)


def suggest(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to a mistyped one, if any is close."""
    hint = difflib.get_close_matches(name, list(known), n=1)
    return hint[0] if hint else None


def did_you_mean(name: str, known: Iterable[str]) -> tuple[str, str]:
    """The "did you mean" tail of an unknown-name message, in Chinese and English ("" if none)."""
    hint = suggest(name, known)
    if hint is None:
        return "", ""
    return f"，是否想写 {hint}？", f"; did you mean {hint}?"


def yes_no(word: str) -> bool | None:
    """是/有/✓/yes → True, 否/无/✗/no → False; anything else None."""
    folded = word.strip().lower()
    if folded in TRUE_WORDS:
        return True
    if folded in FALSE_WORDS:
        return False
    return None


def plain_number(text: str) -> str | None:
    """A number typed with thousands separators ("1,234.5") without them; else None."""
    stripped = text.strip()
    return stripped.replace(",", "") if _THOUSANDS.match(stripped) else None


def chinese_date(text: str) -> dt.date | None:
    """2015年12月31日, 2015/12/31, 2015.12.31 or 2015-12-31 as a date; else None."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


# A spreadsheet evaluates a cell that starts with one of these as a formula: a submitted city
# named =HYPERLINK(...) must reach a reviewer's CSV or Excel file as text.
_SURROGATE = re.compile("[\ud800-\udfff]")


def broken_character(text: str) -> str | None:
    """The first character no file can hold (half of a UTF-16 pair, from an escape such as
    "\\ud800" or text damaged in copying), as U+XXXX; None when the text is whole."""
    found = None if text.isascii() else _SURROGATE.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


# What a terminal acts on instead of showing: C0 and C1 controls (ESC starts a sequence that
# retitles the window or clears the screen; CSI U+009B is one on its own), DEL, and the
# direction overrides that show text in another order than it is stored.
_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_text(text: object) -> str:
    """Stored or typed text (a city, a --by name, a reason, a file name) as the terminal shows
    it: each control character a space, so nothing in it can forge lines or move the cursor.
    The one cleaning every terminal table and message goes through."""
    return _TERMINAL.sub(" ", str(text))


def control_character(text: str) -> str | None:
    """The first control character in a name (a NUL, a line break, an escape), as U+XXXX; None
    when there is none. No file is named with one: a NUL would even end the name early."""
    found = _CONTROL_NAME.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def bad_name(code: str) -> tuple[str, str]:
    """The message for a file name holding the control character `code`, in Chinese and
    English."""
    return (
        f"文件名含控制字符（{code}），不是有效的文件名",
        f"the file name holds a control character ({code}): no file has that name",
    )


_CONTROL_NAME = re.compile(r"[\x00-\x1f\x7f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_text(value: object) -> object:
    """A value for a CSV or Excel cell: text never starts a formula (a leading apostrophe, as
    spreadsheets themselves write it) and has no control characters; a line break is a line
    feed (a lone carriage return, left unquoted by the csv module, ends the row for most
    readers); other values unchanged."""
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", value)
    formula = value.startswith(FORMULA_START)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return f"'{value}" if formula else value


def iso_date(value: object) -> dt.date | None:
    """A date, a datetime's date, or an ISO text date (2015-12-31); None for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
