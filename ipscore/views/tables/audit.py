"""Tables of the strength index's audit (`ipscore strength --audit`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.table import Table

from .base import user_text

if TYPE_CHECKING:
    from ...strength.evaluation import Strength


def _table(title: str, heads: list[str], rows: list[list[str]], caption: str = "") -> Table:
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAVY, padding=(0, 1), pad_edge=False
    )
    for k, head in enumerate(heads):
        table.add_column(head, justify="left" if k == 0 else "right")
    for row in rows:
        table.add_row(*(user_text(v) for v in row))
    if caption:
        table.caption = caption
        table.caption_justify = "left"
    return table


def audit_tables(s: Strength, lang: str = "zh") -> list[Table]:
    """The audit: indicator statistics, the correlation matrix (indicator ids as heads),
    indicators with dimensions and the index, Cronbach's alpha and the principal components,
    effective weights, and each city's indicators that move its rank most."""
    from ...report.audit import context

    a = context(s, lang)
    if a is None:
        return []
    t = a["t"]
    stats = [[row[0].split(" ")[0], *row[1:]] for row in a["stats"]]  # ids: 80 columns
    ids = a["indicators"]
    with_dims = [[row[0].split(" ")[0], *row[1:]] for row in a["with_dimensions"]]
    return [
        _table(
            f"{t['title']}\n{t['stats']}",
            a["stats_head"],
            stats,
            t["stats_note"],
        ),
        _table(t["correlation"], ["", *ids], a["correlation"], t["correlation_note"]),
        _table(t["with_dimensions"], [t["indicator"], *a["dimension_names"]], with_dims),
        _table(
            t["alpha"],
            [t["dimension"], t["n_items"], t["cities"], "α"],
            a["alpha"],
            "\n".join(x for x in (t["alpha_note"], a["components"]) if x),
        ),
        _table(
            t["weights"],
            [t["dimension"], t["nominal"], t["effective"], t["main_effect"]],
            a["weights"],
            t["weights_note"],
        ),
        _table(
            t["movers"],
            [t["city"], t["indicator"], t["rank_move"], t["index_change"]],
            a["mover_rows"],
            a["movers_note"],
        ),
    ]
