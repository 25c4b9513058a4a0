"""Charts as inline SVG (matplotlib), so a report opens with no network and prints sharply."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from matplotlib.figure import Figure

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
    labels = [f"{t.id}{' *' if t.mandatory else ''}" for t in tasks]
    # A bare Figure, not pyplot: no global figure registry to leak, no GUI backend.
    fig = Figure(figsize=(6.4, 0.32 * len(tasks) + 0.7))
    ax = fig.subplots()
    bars = ax.barh(labels, values, color=[COLOURS[t.status] for t in tasks], height=0.6)
    ax.set_xlim(0, 105)
    ax.set_xlabel("%")
    ax.bar_label(bars, labels=[f"{v:.0f}%" for v in values], padding=3, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=9)
    fig.tight_layout()
    return _svg(fig)


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(
        buffer, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None}
    )
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
