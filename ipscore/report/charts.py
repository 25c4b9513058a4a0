"""Charts as inline SVG (matplotlib), so a report opens with no network and prints sharply."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation
from matplotlib.ticker import MaxNLocator

from ..results import Assessment

COLOURS = {"complete": "#2e7d32", "incomplete": "#c62828", "insufficient_data": "#ef6c00"}


def score_trend(points: Sequence[tuple[int, Decimal]]) -> str:
    """The published score year by year, the last point being this report's year."""
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


def task_fractions(a: Assessment) -> str:
    """A horizontal bar per task: its completion fraction, coloured by task status.

    Labels are task ids only (ASCII), so no CJK font is needed to draw it; the table beside the
    chart names the tasks. Mandatory tasks are starred.
    """
    tasks = list(reversed(a.tasks))
    values = [0.0 if t.fraction is None else float(t.fraction) * 100 for t in tasks]
    labels = tuple(f"{t.id}{' *' if t.mandatory else ''}" for t in tasks)
    chart = _bars(labels)
    for bar, text, value, task in zip(chart.bars, chart.texts, values, tasks, strict=True):
        bar.set_width(value)
        bar.set_color(COLOURS[task.status])
        text.set_text(f"{value:.0f}%")
        text.xy = (value, text.xy[1])
    return _svg(chart.figure)


@dataclass
class _Bars:
    figure: Figure
    bars: list[Rectangle]
    texts: list[Annotation]


_LAYOUTS: dict[tuple[str, ...], _Bars] = {}


def _bars(labels: tuple[str, ...]) -> _Bars:
    """The bar chart for these task labels, laid out once: drawing the axes and working out the
    layout were four fifths of a 300-city cohort report, and every city of a pack shares them.
    The layout is worked out with every bar full, the widest its labels can be."""
    if labels not in _LAYOUTS:
        # A bare Figure, not pyplot: no global figure registry to leak, no GUI backend.
        fig = Figure(figsize=(6.4, 0.32 * len(labels) + 0.7))
        ax = fig.subplots()
        full = [100.0] * len(labels)
        bars = ax.barh(labels, full, height=0.6)
        ax.set_xlim(0, 105)
        ax.set_xlabel("%")
        texts = ax.bar_label(bars, labels=["100%"] * len(labels), padding=3, fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=9)
        fig.tight_layout()
        fig.set_layout_engine("none")
        _LAYOUTS[labels] = _Bars(fig, list(bars), list(texts))
    return _LAYOUTS[labels]


GRADE_COLOURS = {"excellent": "#1b5e20", "good": "#2e7d32", "pass": "#f9a825", "fail": "#c62828"}


def score_histogram(scores: Sequence[tuple[float, str]], grades: Sequence[str]) -> str:
    """How a tier's cities spread over the score: cities per five points, stacked by grade
    (a high score can still be 不合格 when a mandatory task is open). Axes in numbers only, so
    no CJK font is needed; the report names the tier and the grades beside it."""
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
    return _svg(fig)


def _svg(fig: Figure) -> str:
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
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    return buffer.getvalue()


@cache
def _cjk_font() -> FontProperties | None:
    """The CJK font fontconfig picks (Debian's fonts-noto-cjk): a PNG has no browser to find
    one, and matplotlib does not index the .ttc collections it comes in."""
    import shutil
    import subprocess

    if shutil.which("fc-match") is None:
        return None
    found = subprocess.run(
        ["fc-match", "-f", "%{file}", "Noto Sans CJK SC:lang=zh"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return FontProperties(fname=found) if found else None
