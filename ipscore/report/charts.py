"""Charts as inline SVG (matplotlib), so a report opens with no network and prints sharply."""

from __future__ import annotations

import io

from matplotlib.figure import Figure

from ..results import Assessment

COLOURS = {"complete": "#2e7d32", "incomplete": "#c62828", "insufficient_data": "#ef6c00"}


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
    buffer = io.StringIO()
    fig.savefig(
        buffer, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None}
    )
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]
