"""Tables of the strength evaluation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table

from ...text import pick
from .base import file_notes, joined_lines, plain_line, user_text

if TYPE_CHECKING:
    from ...strength.evaluation import Strength
    from ...strength.years import IndexYear


def strength_tables(s: Strength, lang: str = "zh") -> list[Table]:
    """`strength`: the ranking tier by tier (index, each dimension, the rank's spread and last
    year where known), then the cities a data check or too little reported left out, with the
    check or the shortfall and the gap."""
    from ...report.strength import WORDS, table_rows
    from ...report.treatment import outlier_table

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
    if s.sensitivity is not None:
        out.append(sobol_table(s, lang))
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
    treated = outlier_table(s, lang, short=True)
    if treated is not None:  # the pack treats outliers: each indicator's statistics
        stats = Table(title=treated["title"], title_justify="left", box=box.SIMPLE)
        for k, head in enumerate(treated["heads"]):
            stats.add_column(head, justify="left" if k in (0, 3) else "right")
        for row in treated["rows"]:
            stats.add_row(*(user_text(v) for v in row))
        stats.caption = treated["rule"]
        stats.caption_justify = "left"
        out.append(stats)
    return out


def sobol_table(s: Strength, lang: str = "zh") -> Table:
    """`strength --sensitivity`: each assumption's first-order and total Sobol index, with a
    bar of each (a block per 0.05), and how they were estimated."""
    from ...report.strength import WORDS
    from ...strength.sensitivity import shown_with

    w = WORDS["en" if lang == "en" else "zh"]
    sens = s.sensitivity
    assert sens is not None
    table = Table(title=w["sobol"], title_justify="left", box=box.SIMPLE)
    table.add_column(w["assumption"])
    table.add_column(w["first_order"], justify="right")
    table.add_column("", no_wrap=True)
    table.add_column(w["total_order"], justify="right")
    table.add_column("", no_wrap=True)
    for x in sens.shares:
        table.add_row(
            pick(lang, x.factor.label, x.factor.label_en),
            shown_with(x.first, x.first_conf),
            f"[blue]{_bar(x.first)}[/]",
            shown_with(x.total, x.total_conf),
            f"[cyan]{_bar(x.total)}[/]",
        )
    table.caption = (
        w["sobol_note"]
        .format(shift=f"{sens.mean_shift:.2f}", base=sens.base, runs=sens.runs, seed=sens.seed)
        .replace(pick(lang, "深色：一阶；浅色：总指数。", "Dark: first-order; light: total."), "")
    )
    table.caption_justify = "left"
    return table


def index_years_table(city: str, years: Sequence[IndexYear], lang: str = "zh") -> Table:
    """`history --pack` with an index pack: the city's index and rank within each year's tier,
    and the comparable index (one scale for every year) where the pack fixes its bounds."""
    table = Table(
        title=user_text(pick(lang, f"{city} 实力指数", f"{city}: strength index")),
        title_justify="left",
        box=box.SIMPLE_HEAVY,
    )
    comparable = any(y.comparable is not None for y in years)
    for head in (
        pick(lang, "年度", "Year"),
        pick(lang, "当年指数", "Index (that year)"),
        pick(lang, "同级排名", "Rank in tier"),
        *([pick(lang, "可比指数", "Comparable index")] if comparable else []),
    ):
        table.add_column(head, justify="right")
    for y in years:
        row = [
            str(y.year),
            "—" if y.index is None else f"{y.index:.1f}",
            (pick(lang, "未参加排名", "not ranked") if not y.ranked else "—")
            if y.rank is None
            else f"{y.rank}/{y.of}",
        ]
        if comparable:
            row.append("—" if y.comparable is None else f"{y.comparable:.1f}")
        table.add_row(*row)
    table.caption = pick(
        lang,
        "当年指数在当年的城市之间标准化，各年不可直接相比；"
        + ("可比指数用规则包基准年的界限，可以相比。" if comparable else "规则包未定基准年。"),
        "The index of a year is normalised within that year's cities and does not compare "
        "across years; "
        + (
            "the comparable index uses the pack's base-year bounds and does."
            if comparable
            else "the pack fixes no base year."
        ),
    )
    table.caption_justify = "left"
    return table


def _bar(share: float) -> str:
    return "█" * round(min(max(share, 0.0), 1.0) * 20)


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


def comparable_line(s: Strength, lang: str = "zh") -> str | None:
    """A note when the pack fixes a base year (`index.comparable`) whose cohort neither the
    files nor the archive hold: no comparable index, said rather than a column silently gone."""
    fixed = s.spec.comparable
    if fixed is None or s.comparable_base is not None:
        return None
    return pick(
        lang,
        f"提示：规则包以{fixed.base_year}年为可比指数的基准年，但提交的文件和归档（--db）中都没有"
        f"{fixed.base_year}年至少2个通过核对的城市，所以没有可比指数；"
        f"先 ipscore archive add {fixed.base_year}年的文件",
        f"note: the pack takes {fixed.base_year} as the comparable index's base year, but "
        f"neither the files nor the archive (--db) hold at least 2 cities of {fixed.base_year} "
        f"that pass the checks, so there is no comparable index; ipscore archive add "
        f"{fixed.base_year}'s files first",
    )
