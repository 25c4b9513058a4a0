"""Rendering report contexts through templates/ (jinja2), and HTML into PDF (WeasyPrint)."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from functools import cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..errors import IpscoreError, Problem
from ..resources import data_dir


@cache
def environment(markdown: bool = False) -> Environment:
    """HTML templates escape HTML; Markdown ones escape what Markdown would read as markup
    (a `<` that could open a tag), so a Markdown report carries no `&gt;` for a reader to
    puzzle over and a city named "<script>" still prints as text. StrictUndefined: a value the
    template expects but the context lacks fails loudly."""
    env = Environment(
        loader=FileSystemLoader(str(data_dir("templates"))),
        autoescape=not markdown,
        finalize=_markdown_text if markdown else None,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    return env


def css_string(text: str) -> str:
    """Text for a CSS string literal (a page header or footer): every character but letters,
    digits and a few safe marks escaped, so nothing in it can close the string or the style
    element. Markup (a rendered block) is unescaped first: CSS shows it as written."""
    plain = text.unescape() if isinstance(text, Markup) else str(text)
    return "".join(
        c if c.isascii() and (c.isalnum() or c in " .:-_") else f"\\{ord(c):x} " for c in plain
    )


_OPENS_TAG = re.compile(r"(?<!\\)<")


def _markdown_text(value: Any) -> Any:
    """A value as Markdown text: `<` backslash-escaped (CommonMark shows it as `<`), once."""
    return _OPENS_TAG.sub(r"\\<", value) if isinstance(value, str) else value


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
