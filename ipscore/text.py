"""Words shared by every reader and every view: the language picked, "did you mean", and the
tolerant readings of hand-typed values (是/否, thousands separators, Chinese dates).

Spreadsheets, `--set` and YAML submissions all read a typed value through these, so a word
that means "yes" in one place means it everywhere.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

TRUE_WORDS = frozenset({"是", "有", "✓", "√", "true", "yes", "y", "对"})
FALSE_WORDS = frozenset({"否", "无", "✗", "×", "false", "no", "n", "没有"})

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$", re.ASCII)
# A number as Decimal reads it, in ASCII: Python's int() and Decimal() also take 1_000 as 1000
# and ٣ (Arabic-Indic) as 3, which nobody filing a form means.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，＋－", "0123456789.,+-")
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


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """A count as it is written in Chinese prose: 1 一, 10 十, 12 十二, 20 二十, 35 三十五,
    100 一百 (numbers above 999 in digits)."""
    if n < 0 or n > 999:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = f"{_DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        out += f"{_DIGITS[tens]}十" if hundreds or tens > 1 else "十"
    elif hundreds and ones:
        out += "零"
    return out + (_DIGITS[ones] if ones else "")


def batch_name(batch: int, lang: str) -> str:
    """A batch as an office writes it: 第一批, 第二批 … 第十批 (批次 1 is no official's word);
    in English the number, under a head or a label that says Batch."""
    return str(batch) if lang == "en" else f"第{chinese_number(batch)}批"


# The year of a 文号 in any bracket a typist reaches for: [2007], ［2007］, 【2007】, (2007).
_DOC_YEAR = re.compile(r"[\[［【(（〔](\d{4})[\]］】)）〕]")


def doc_number(text: str) -> str:
    """A 文号 as an official document writes it: the year in 六角括号 (GB/T 9704-2012 7.2.4),
    哈政办发〔2007〕11号, whatever brackets the source was typed with."""
    return _DOC_YEAR.sub(r"〔\1〕", text)


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


def _clean_char(ch: str) -> str:
    """A character as a name is identified by: nothing for a space of any width or an
    invisible one (zero-width, BOM, joiners, controls), the plain letter or digit for a
    full-width or compatibility one (Ａ, １, the Kangxi radical ⼦ for 子); punctuation kept, so
    （） and ： stay as Chinese writes them."""
    if ch.isspace() or unicodedata.category(ch) in ("Cf", "Cc"):
        return ""
    folded = unicodedata.normalize("NFKC", ch)
    return folded if folded != ch and folded.isalnum() else ch


def clean_name(text: str) -> str:
    """A name as one identity: 湘潭市 whatever invisible or odd characters were typed in it."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii() and text.isprintable() and " " not in text:
        return text
    return "".join(map(_clean_char, text))


def odd_in_name(text: str) -> tuple[str, str] | None:
    """What makes a name another spelling of its clean one, in Chinese and English ("有看不见
    的字符（U+200B）"), naming the first such character; None for a clean name."""
    text = unicodedata.normalize("NFC", text)  # é typed as e and an accent is é: not odd
    if clean_name(text) == text:
        return None
    ch = next(c for c in text if _clean_char(c) != c)
    code = f"U+{ord(ch):04X}"
    if ch in "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029":
        return f"有换行符（{code}）", f"holds a line break ({code})"
    if ch.isspace():
        return f"有空格（{code}）", f"holds a space ({code})"
    if _clean_char(ch) == "":
        return f"有看不见的字符（{code}）", f"holds an invisible character ({code})"
    return (
        f"有全角或兼容写法的字符“{ch}”（{code}）",
        f"holds a full-width or compatibility character “{ch}” ({code})",
    )


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


def number_text(text: str) -> str | None:
    """A number typed in a cell or on a command line as ASCII text for Decimal: full-width
    digits (１２３) as plain ones, thousands separators dropped; None for anything else
    (1_000, ٣, NaN), which stays text and is refused as such."""
    stripped = text.strip().translate(_FULL_WIDTH)
    plain = plain_number(stripped) or stripped
    return plain if _NUMBER.fullmatch(plain) else None


def odd_number(text: str) -> tuple[str, str] | None:
    """Why a text that looks like a number is not read as one, in Chinese and English: an
    underscore (1_000), a leading zero (010) or a digit other than 0–9 and ０–９ (٣); None if
    none of these."""
    if "_" in text and any(c.isdigit() for c in text):
        return "数字中不能有下划线", "no underscores in a number"
    if re.fullmatch(r"[+-]?0[0-9]+", text):  # only YAML leaves one unread: 8 or 10 to it
        return (
            "整数不能以0开头（YAML 会把 010 读作八进制的 8）",
            "no leading zero (YAML reads 010 as octal 8)",
        )
    other = next((c for c in text.translate(_FULL_WIDTH) if c.isdigit() and not c.isascii()), None)
    if other is not None:
        code = f"U+{ord(other):04X}"
        return (
            f"只能用数字 0–9（或全角 ０–９），不能用 {other}（{code}）",
            f"digits must be 0–9 (or full-width ０–９), not {other} ({code})",
        )
    return None


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
