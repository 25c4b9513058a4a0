"""How robust the strength ranks are, as charts: each city's rank interval over the Monte
Carlo draws, and the Sobol bars of the assumptions (first-order and total). Drawn as SVG by
hand, as the strength radar is: the labels are Chinese, and a browser or WeasyPrint finds a
CJK font where matplotlib, without one indexed, draws empty boxes; the text takes the
report's own font."""

from __future__ import annotations

from collections.abc import Sequence

from .charts import svg_text

FIRST, TOTAL = "#1565c0", "#90caf9"


def rank_intervals_svg(rows: Sequence[tuple[str, int | None, tuple[int, int, int]]]) -> str:
    """One line per city (name, published rank, (5%, median, 95%) rank): the interval as a
    bar, the median as a dot, the published rank as a diamond; rank 1 on the left."""
    worst = max([hi for _, _, (_, _, hi) in rows] + [r or 1 for _, r, _ in rows] + [2])
    pitch, left, right, top = 22, 110, 440, 8
    bottom = top + pitch * len(rows)

    def x(rank: float) -> float:
        return left + (right - left) * (rank - 0.5) / worst

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 460 {bottom + 22}" '
        f'width="460" height="{bottom + 22}" role="img">'
    ]
    for k, (name, rank, (low, median, high)) in enumerate(rows):
        y = top + k * pitch + pitch / 2
        parts.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#1a1a1a">{svg_text(name)}</text>'
            f'<line x1="{x(low) - 4:.1f}" y1="{y:.1f}" x2="{x(high) + 4:.1f}" y2="{y:.1f}" '
            f'stroke="{TOTAL}" stroke-width="8" stroke-linecap="round"/>'
            f'<circle cx="{x(median):.1f}" cy="{y:.1f}" r="4" fill="{FIRST}"/>'
        )
        if rank:
            cx = x(rank)
            parts.append(
                f'<polygon points="{cx:.1f},{y - 6:.1f} {cx + 5:.1f},{y:.1f} {cx:.1f},'
                f'{y + 6:.1f} {cx - 5:.1f},{y:.1f}" fill="none" stroke="#1a1a1a"/>'
            )
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#1a1a1a"/>')
    for tick in range(1, worst + 1):
        parts.append(
            f'<text x="{x(tick):.1f}" y="{bottom + 14}" font-size="10" text-anchor="middle" '
            f'fill="#1a1a1a">{tick}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def sobol_bars_svg(rows: Sequence[tuple[str, float, float]]) -> str:
    """Two bars per assumption (name, first-order S1, total ST), 0 to 1: S1 dark, ST light.
    A negative estimate (sampling noise around 0) is drawn as 0; the table gives the value."""
    pitch, left, right, top = 30, 110, 440, 8
    bottom = top + pitch * len(rows)

    def x(share: float) -> float:
        return left + (right - left) * min(max(share, 0.0), 1.0)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 460 {bottom + 22}" '
        f'width="460" height="{bottom + 22}" role="img">'
    ]
    for k, (name, first, total) in enumerate(rows):
        y = top + k * pitch
        parts.append(
            f'<text x="{left - 8}" y="{y + pitch / 2 + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="#1a1a1a">{svg_text(name)}</text>'
            f'<rect x="{left}" y="{y + 4:.1f}" width="{x(first) - left:.1f}" height="10" '
            f'fill="{FIRST}"/>'
            f'<rect x="{left}" y="{y + 15:.1f}" width="{x(total) - left:.1f}" height="10" '
            f'fill="{TOTAL}"/>'
        )
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#1a1a1a"/>')
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#1a1a1a"/>')
    for tick in (0, 0.2, 0.4, 0.6, 0.8, 1.0):
        parts.append(
            f'<text x="{x(tick):.1f}" y="{bottom + 14}" font-size="10" text-anchor="middle" '
            f'fill="#1a1a1a">{tick:g}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
