"""Rendering report contexts through templates/ (jinja2), and HTML into PDF (WeasyPrint)."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from functools import cache
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..errors import IpscoreError, Problem
from ..resources import data_dir
from ..text import terminal_text


@cache
def environment(markdown: bool = False) -> Environment:
    """HTML templates escape HTML; Markdown ones escape what Markdown would read as markup
    (`markdown_text`), so a Markdown report carries no `&gt;` for a reader to puzzle over and a
    city named "<script>" or an evidence title `[c](javascript:…)` still prints as text.
    StrictUndefined: a value the template expects but the context lacks fails loudly."""
    env = Environment(
        loader=FileSystemLoader(str(data_dir("templates"))),
        # Markdown too: a macro's output comes back marked as done, never escaped twice.
        autoescape=True,
        finalize=_markdown_value if markdown else None,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    if markdown:
        env.filters.update(
            cell=markdown_cell, code=markdown_code, join=_markdown_join, urlencode=_markdown_link
        )
    return env


def css_string(text: str) -> str:
    """Text for a CSS string literal (a page header or footer): every character but letters,
    digits and a few safe marks escaped, so nothing in it can close the string or the style
    element. Markup (a rendered block) is unescaped first: CSS shows it as written."""
    plain = text.unescape() if isinstance(text, Markup) else str(text)
    return "".join(
        c if c.isascii() and (c.isalnum() or c in " .:-_") else f"\\{ord(c):x} " for c in plain
    )


# Anywhere in a line: what opens a link or an image ([, ]), a tag or an autolink (<), code,
# emphasis, a table cell, an entity (&), a strikethrough, and the backslash itself. An `_`
# between two letters or digits opens no emphasis: city_staff stays as written.
_MD_INLINE = re.compile(r"([\\`*\[\]<&|~]|(?<![^\W_])_|_(?![^\W_]))")
# At a line's start: a heading (# and a space), a quote (>), a list item (-, + or 1. and a
# space), a line of - or = that would underline the line above as a heading.
_MD_LINE_START = re.compile(
    r"^([ \t]*)(#{1,6}(?=[ \t]|$)|>|[+-](?=[ \t]|$)|[=-]+(?=[ \t]*$)|\d{1,9}(?=[.)]([ \t]|$)))",
    re.M,
)


def markdown_text(text: object) -> Markup:
    """Text as Markdown that shows it as written and nothing more: every character Markdown
    would read as markup backslash-escaped (CommonMark shows `\\[` as `[`), a list marker or
    a heading at a line's start too, and no control character (an escape byte) left. Marked as
    done, so that it is never escaped twice."""
    if isinstance(text, Markup):
        return text
    lines = (terminal_text(line) for line in str(text).split("\n"))
    escaped = _MD_INLINE.sub(r"\\\1", "\n".join(lines))
    return Markup(_MD_LINE_START.sub(_line_start, escaped))


def _line_start(found: re.Match[str]) -> str:
    indent, mark = found.group(1), found.group(2)
    return f"{indent}{mark}\\" if mark.isdigit() else f"{indent}\\{mark}"


def markdown_cell(text: object) -> Markup:
    """Text for a Markdown table cell: `markdown_text` on one line."""
    done = text if isinstance(text, Markup) else markdown_text(str(text).replace("\r", " "))
    return Markup(str(done).replace("\n", " "))


def markdown_code(text: object, cell: bool = False) -> Markup:
    """Text as a Markdown code span, shown exactly (a file name, a hash): fenced by more
    backticks than any run inside it, no control character, on one line; in a table cell a
    `|` escaped (GFM splits cells before it reads code)."""
    plain = terminal_text(str(text).replace("\n", " "))
    if cell:
        plain = plain.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", plain)), default=0) + 1)
    pad = " " if plain.startswith("`") or plain.endswith("`") else ""
    return Markup(f"{fence}{pad}{plain}{pad}{fence}")


def _markdown_join(items: Any, between: str = "") -> Markup:
    return Markup(markdown_text(between).join(_markdown_value(i) for i in items))


def _markdown_link(path: object) -> Markup:
    """A relative link's target, percent-encoded: no space or parenthesis of a city's name
    can end it."""
    return Markup(quote(str(path), safe="/"))


def _markdown_value(value: Any) -> Markup:
    """Each value a Markdown template prints, escaped once (`markdown_text`); what a filter or
    a macro already made as it is."""
    return value if isinstance(value, Markup) else markdown_text(value)


# Punctuation a template writes between values: full-width in Chinese, half-width in English.
PUNCT = {
    "zh": {"colon": "：", "semi": "；", "lp": "（", "rp": "）", "list": "、", "comma": "，"},
    "en": {"colon": ": ", "semi": "; ", "lp": " (", "rp": ")", "list": ", ", "comma": ", "},
}


def punct(lang: str) -> dict[str, str]:
    return PUNCT["en" if lang == "en" else "zh"]


def render(template: str, context: dict[str, Any]) -> str:
    markdown = template.endswith(".md.j2")
    marks = punct(context.get("lang", "zh"))
    return environment(markdown).get_template(template).render(**context, p=marks)


def pdf(html: str) -> bytes:
    try:
        from weasyprint import HTML
    except ImportError:
        raise IpscoreError(
            [
                Problem(
                    "输出 PDF 需要安装 PDF 组件：pip install 'ipscore[pdf]'（Debian 还需 "
                    "apt-get install fonts-noto-cjk libharfbuzz-subset0）",
                    "PDF output needs the pdf extra: pip install 'ipscore[pdf]' (and on Debian "
                    "apt-get install fonts-noto-cjk libharfbuzz-subset0)",
                )
            ]
        ) from None
    require_cjk_font()
    # WeasyPrint reports every SVG styling property it does not use (matplotlib writes many);
    # the chart renders correctly, so only its errors are worth showing.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document: bytes = HTML(string=html).write_pdf()
    return document


def require_cjk_font() -> None:
    if not _has_cjk_font():
        raise IpscoreError(
            [
                Problem(
                    "未找到中文字体，PDF 会显示方框；请安装 fonts-noto-cjk",
                    "no CJK font found, the PDF would show boxes: install fonts-noto-cjk",
                )
            ]
        )


def _has_cjk_font() -> bool:
    """Ask fontconfig (which WeasyPrint uses) whether any font covers Chinese."""
    if shutil.which("fc-list") is None:
        return True  # cannot tell; let WeasyPrint try
    listed = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())
