"""Tables of the strength evaluation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.table import Table

from ...text import pick
from .base import file_notes, joined_lines, plain_line, user_text

if TYPE_CHECKING:
    from ...strength.evaluation import Strength


def strength_tables(s: Strength, lang: str = "zh") -> list[Table]:
    """`strength`: the ranking tier by tier (index, each dimension, the rank's spread and last
    year where known), then the cities a data check or too little reported left out, with the
    check or the shortfall and the gap."""
    from ...report.strength import WORDS, table_rows

    w = WORDS["en" if lang == "en" else "zh"]
    spec = s.spec
    heads, rows = table_rows(s, lang, indicators=False)
    # A table per tier, named by it, rather than a tier column: at 80 columns the ranking
    # then keeps every dimension's name and figure whole.
    out: list[Table] = []
    for tier in dict.fromkeys(row[0] for row in rows) or [""]:  # none ranked: the heads
        ranking = Table(title=user_text(tier), title_justify="left", box=box.SIMPLE_HEAVY)
        for k, head in enumerate(heads[1:], start=1):
            ranking.add_column(head, justify="right" if k == 1 or k >= 4 else "left")
        for row in rows:
            if row[0] == tier:
                ranking.add_row(*("—" if v is None else user_text(v) for v in row[1:]))
        out.append(ranking)
    out[0].title = f"{pick(lang, s.pack.pack.title, s.pack.pack.title_en)}\n{out[0].title}"
    out[-1].caption = joined_lines(
        pick(lang, spec.interpretation, spec.interpretation_en), file_notes(s.checked, lang)
    )
    out[-1].caption_justify = "left"
    if s.excluded:
        left = Table(title=w["excluded"], box=box.SIMPLE, show_lines=True)
        left.add_column(w["city"])
        left.add_column(w["check"], max_width=60, overflow="fold")
        for e in s.excluded:
            left.add_row(
                user_text(e.city),
                "\n".join(
                    f"[red]{r.id}[/] {user_text(pick(lang, r.title, r.title_en))}"
                    + (f"{pick(lang, '：', ': ')}{user_text(pick(lang, r.gap or '', r.gap_en))}")
                    for r in e.reasons
                ),
            )
        out.append(left)
    return out


def excluded_lines(s: Strength, lang: str = "zh") -> list[str]:
    """`strength` beside a file or JSON: a line per city a data check, or too little
    reported, left out of the ranking."""
    out = []
    for left in s.excluded:
        checks = pick(lang, "、", ", ").join(
            f"{r.id} {pick(lang, r.title, r.title_en)}" for r in left.failed
        )
        short = pick(lang, "、", ", ").join(
            f"{r.id} {pick(lang, r.gap, r.gap_en)}" for r in left.sparse
        )
        zh = "，".join(
            ([f"数据未通过核对（{checks}）"] if checks else [])
            + ([f"缺报过多（{short}）"] if short else [])
        )
        en = " and ".join(
            ([f"failed a data check ({checks})"] if checks else [])
            + ([f"reported too little ({short})"] if short else [])
        )
        out.append(
            pick(
                lang,
                f"提示：{plain_line(left.city)} {zh}，未参加排名",
                f"note: {plain_line(left.city)} {en} and is not ranked",
            )
        )
    return out
