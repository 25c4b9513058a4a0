"""Charts as inline SVG, so a report opens with no network and prints sharply: the task bars
drawn directly, the others with matplotlib; for Word, which cannot hold SVG, the same charts as
PNG (matplotlib, 200 dpi, no date or software in the file, so two runs give the same bytes)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from ..decide.results import Assessment
from ..text import pick
from ..verdicts import TASK_LABELS

if TYPE_CHECKING:  # matplotlib loads (half a second) only for the charts that need it
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

COLOURS = {"complete": "#2e7d32", "incomplete": "#c62828", "insufficient_data": "#ef6c00"}


def score_trend(points: Sequence[tuple[int, Decimal]]) -> str:
    """The published score year by year, the last point being this report's year."""
    from matplotlib.figure import Figure

    years = [str(y) for y, _ in points]
    scores = [float(s) for _, s in points]
    fig = Figure(figsize=(6.4, 2.4))
    ax = fig.subplots()
    ax.plot(years, scores, marker="o", color="#1565c0")
    for x, y in zip(years, scores, strict=True):
        ax.annotate(f"{y:.1f}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center",
                    fontsize=8)  # fmt: skip
    ax.set_ylim(0, 105)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=9)
    fig.tight_layout()
    return _svg(fig)


SHORT = 12  # characters of a task's title beside its bar (the table below names it in full)
FONTS = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, sans-serif"


def short_title(title: str, limit: int = SHORT) -> str:
    """A task's title cut to `limit` characters for a chart's label, an ellipsis marking the cut."""
    return title if len(title) <= limit else title[: limit - 1] + "…"


def task_fractions(a: Assessment, lang: str = "zh") -> str:
    """A horizontal bar per task: its completion fraction, coloured by task status (one colour,
    one status, as the legend under the axis says — never by the percentage); mandatory tasks
    starred. A task at 0% shows a marker at the axis, so a blank row is never read as missing.
    Drawn directly, as the strength radar is: matplotlib took 65 ms a city, four fifths of a
    300-city cohort report, for nine rectangles.

    Labels are the task's id and its title cut short, in the report's fonts; the table below
    the chart names the tasks in full.
    """
    pitch, left, right, top = 22, 200, 600, 8  # row height, plot edges, in SVG units
    bottom = top + pitch * len(a.tasks)
    width, height = right + 40, bottom + 52

    def x(percent: float) -> float:
        return left + (right - left) * percent / 105

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family="{FONTS}">'
    ]
    for k, t in enumerate(a.tasks):
        value = 0.0 if t.fraction is None else float(t.fraction) * 100
        y = top + k * pitch
        # Latin letters are half as wide as Chinese characters: twice as many fit.
        title = short_title(pick(lang, t.title, t.title_en), SHORT * (2 if lang == "en" else 1))
        label = f"{t.id} {title}{' *' if t.mandatory else ''}"
        colour = COLOURS[t.status]
        # At 0% a bar has no width: a short mark of its colour at the axis stands for it.
        bar = max(x(value) - left, 3.0)
        parts.append(
            f'<text x="{left - 6}" y="{y + pitch / 2 + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="#1a1a1a">{svg_text(label)}</text>'
            f'<rect x="{left}" y="{y + pitch * 0.2:.1f}" width="{x(value) - left:.1f}" '
            f'height="{pitch * 0.6:.1f}" fill="{colour}"/>'
        )
        if value == 0:
            parts.append(
                f'<rect class="zero" x="{left}" y="{y + pitch * 0.2:.1f}" width="{bar:.1f}" '
                f'height="{pitch * 0.6:.1f}" fill="{colour}"/>'
            )
        shown = "—" if t.fraction is None else f"{value:.0f}%"
        parts.append(
            f'<text x="{left + bar + 4:.1f}" y="{y + pitch / 2 + 4:.1f}" font-size="10" '
            f'fill="#1a1a1a">{shown}</text>'
        )
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#1a1a1a"/>')
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#1a1a1a"/>')
    for tick in range(0, 101, 20):
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="{bottom}" x2="{x(tick):.1f}" y2="{bottom + 4}" '
            f'stroke="#1a1a1a"/><text x="{x(tick):.1f}" y="{bottom + 16}" font-size="10" '
            f'text-anchor="middle" fill="#1a1a1a">{tick}%</text>'
        )
    # The legend: each colour and the one status it means.
    at = left
    for status, colour in COLOURS.items():
        word = TASK_LABELS["en" if lang == "en" else "zh"][status]  # type: ignore[index]
        parts.append(
            f'<rect class="legend" x="{at}" y="{bottom + 30}" width="12" height="12" '
            f'fill="{colour}"/><text x="{at + 16}" y="{bottom + 40}" font-size="10" '
            f'fill="#1a1a1a">{svg_text(word)}</text>'
        )
        at += 32 + 12 * len(word) if lang != "en" else 24 + 6 * len(word)
    parts.append("</svg>")
    return "".join(parts)


def svg_text(text: str) -> str:
    """Text as the content of an SVG element drawn by hand."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


GRADE_COLOURS = {"excellent": "#1b5e20", "good": "#2e7d32", "pass": "#f9a825", "fail": "#c62828"}


def score_histogram(scores: Sequence[tuple[float, str]], grades: Sequence[str]) -> str:
    """How a tier's cities spread over the score: cities per five points, stacked by grade
    (a high score can still be 不合格 when a mandatory task is open). Axes in numbers only, so
    no CJK font is needed; the report names the tier and the grades beside it."""
    return _svg(_histogram(scores, grades))


def score_histogram_png(scores: Sequence[tuple[float, str]], grades: Sequence[str]) -> bytes:
    """The tier's spread of scores (`score_histogram`) as a PNG for Word."""
    return png(_histogram(scores, grades))


def _histogram(scores: Sequence[tuple[float, str]], grades: Sequence[str]) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    edges = list(range(0, 105, 5))
    fig = Figure(figsize=(6.4, 1.8))
    ax = fig.subplots()
    bottom = [0] * (len(edges) - 1)
    for grade in grades:
        counts = [0] * (len(edges) - 1)
        for score, code in scores:
            if code == grade:
                counts[min(int(score // 5), len(counts) - 1)] += 1
        if any(counts):
            ax.bar(edges[:-1], counts, width=4.6, align="edge", bottom=bottom,
                   color=GRADE_COLOURS.get(grade, "#78909c"))  # fmt: skip
            bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    ax.set_xlim(0, 100)
    ax.set_xticks(range(0, 101, 10))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    return fig


def task_fractions_png(tasks: Sequence[tuple[str, float | None, str]]) -> bytes:
    """The task chart (`task_fractions`) as a PNG for Word: (label, fraction 0–1 or None,
    status) a task, a bar each coloured by its status with its percentage beside it."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 0.26 * len(tasks) + 0.7))
    ax = fig.subplots()
    rows = range(len(tasks))
    values = [0.0 if fraction is None else fraction * 100 for _, fraction, _ in tasks]
    ax.barh(rows, values, height=0.6, color=[COLOURS[status] for _, _, status in tasks])
    for row, value in zip(rows, values, strict=True):
        ax.text(value + 1, row, f"{value:.0f}%", va="center", fontsize=8, color="#1a1a1a")
    ax.set_yticks(list(rows), [label for label, _, _ in tasks], fontsize=9)
    ax.invert_yaxis()  # the first task on top, as in the HTML
    ax.set_xlim(0, 105)
    ax.set_xticks(range(0, 101, 20))
    ax.set_xlabel("%", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return png(fig)


def png(fig: Figure, tight: bool = False) -> bytes:
    """A figure as PNG at 200 dpi, sharp in print, with no software or date written into it:
    the same figure gives the same bytes."""
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=200,
        metadata={"Software": None},
        bbox_inches="tight" if tight else None,
    )
    return buffer.getvalue()


def _svg(fig: Figure) -> str:
    from matplotlib import rc_context

    buffer = io.StringIO()
    # Text as <text>, not outlines: a third smaller and quicker; its fonts come from the report.
    with rc_context({"svg.fonttype": "none"}):
        fig.savefig(
            buffer,
            format="svg",
            metadata={"Creator": None, "Date": None, "Format": None, "Type": None},
        )
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def radar_png(
    labels: Sequence[str], city: Sequence[float | None], median: Sequence[float | None]
) -> bytes:
    """The strength radar as a PNG for Word, which cannot hold SVG: the city (solid) against
    its tier's median (dashed), 0–100."""
    import math

    from matplotlib.figure import Figure

    angles = [
        (math.pi / 2 - 2 * math.pi * k / len(labels)) % (2 * math.pi) for k in range(len(labels))
    ]
    fig = Figure(figsize=(2.6, 2.6))
    ax = fig.add_subplot(polar=True)
    for values, colour, line in ((median, "#546e7a", "--"), (city, "#1565c0", "-")):
        points = [v or 0.0 for v in values]
        ax.plot([*angles, angles[0]], [*points, points[0]], color=colour, linestyle=line)
    ax.fill(
        [*angles, angles[0]],
        [*(v or 0.0 for v in city), city[0] or 0.0],
        color="#1565c0",
        alpha=0.2,
    )
    ax.set_ylim(0, 100)
    ax.set_yticklabels([])
    ax.set_xticks(angles)
    ax.set_xticklabels(labels, fontsize=8, fontproperties=_cjk_font())
    return png(fig, tight=True)  # the dimensions' names lie outside the polar axes


@cache
def _cjk_font() -> FontProperties | None:
    """The CJK font fontconfig picks (Debian's fonts-noto-cjk): a PNG has no browser to find
    one, and matplotlib does not index the .ttc collections it comes in."""
    import shutil
    import subprocess

    from matplotlib.font_manager import FontProperties

    if shutil.which("fc-match") is None:
        return None
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", "Noto Sans CJK SC:lang=zh"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return FontProperties(fname=found) if found else None
