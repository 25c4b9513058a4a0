"""`ipscore season score`, `season experts` and `season apply-scores`: experts score what the
2015 plan calls subjective effort, and their aggregate enters the assessment."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..text import pick
from .common import (
    YEARS,
    acting_user,
    chosen_lang,
    db_option,
    emit,
    lang_option,
    opened_archive,
    user_options,
)

if TYPE_CHECKING:
    from ..season.experts import ItemStanding


@click.command("score")
@click.argument("city")
@click.option("--year", type=YEARS, required=True, help="考核年度。")
@click.option("--item", "item_id", required=True, help="评分项编号（如 approach）。")
@click.option("--points", required=True, help="分数（在评分项的范围内，如 7.5）。")
@click.option("--note", help="评分说明（可选），与分数一同存档。")
@db_option
@user_options
@lang_option
def score_cmd(
    city: str,
    year: int,
    item_id: str,
    points: str,
    note: str | None,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """专家为分配给自己的城市的一项评分（只限专家用户；不评本省城市）。

    同一专家对同一项再评一次，存为新的一条，以最新的为准。

    \b
    例：
      ipscore season score 湘潭市 --year 2015 --item approach --points 7.5 \\
          --db 考核.sqlite --users users.yaml --user 专家甲
    """
    from ..provenance import now
    from ..season.experts import score

    user = acting_user(users_file, user_name, needed=True)
    with opened_archive(db, writes=True) as archive:
        row, now_standing = score(archive, user, year, city, item_id, points, note, now())
    lang = chosen_lang()
    click.echo(
        pick(
            lang,
            f"已记录 #{row}：{user.name} 给 {city} 的{now_standing.item.title}评 {points} 分。",
            f"Recorded #{row}: {user.name} gives {city} {points} on "
            f"{now_standing.item.title_en or now_standing.item.title}.",
        )
    )
    if user.role != "expert":
        click.echo(_state(now_standing, lang))


def _state(item: ItemStanding, lang: str) -> str:
    from ..season.experts import DISCUSS_EN, DISCUSS_ZH, RULE_EN, RULE_ZH

    n = len(item.scores)
    if item.aggregate is None:
        text = pick(lang, f"现有{n}位专家评分，尚不足以汇总。", f"{n} scores so far: too few.")
    else:
        text = pick(
            lang,
            f"现有{n}位专家评分，{RULE_ZH[item.how]} {item.aggregate}（精确值 {item.exact}，"
            "最后才四舍五入）。",
            f"{n} scores; {RULE_EN[item.how]} {item.aggregate} (exactly {item.exact}, rounded "
            "half up only at the end).",
        )
    if item.flagged:
        text += pick(
            lang, f"分差 {item.spread}：{DISCUSS_ZH}。", f" Spread {item.spread}: {DISCUSS_EN}."
        )
    return text


@click.command("experts")
@click.argument("year", type=YEARS)
@click.option("--city", help="只列这个城市。")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "json", "csv")),
    default="table",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="写入文件。")
@db_option
@user_options
@lang_option
def experts_cmd(
    year: int,
    city: str | None,
    fmt: str,
    output: Path | None,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """列出一个年度的专家评分：每个城市、每一项、各专家的分数、汇总和规则、分歧提示。

    国家局看全部城市，省局看本省城市，专家只看自己的评分。

    \b
    例：
      ipscore season experts 2015 --db 考核.sqlite
      ipscore season experts 2015 --city 湘潭市 --format json
    """
    from ..season.experts import overview

    user = acting_user(users_file, user_name)
    with opened_archive(db) as archive:
        season, part, cities = overview(archive, year, user, city)
    lang = chosen_lang()
    if fmt == "json":
        from ..views.output import dumps

        data = {
            "year": year,
            "pack": season.pack,
            "note": pick(lang, part.note, part.note_en or part.note),
            "cities": [
                {"city": name, "items": [i.to_dict() for i in items]} for name, items in cities
            ],
        }
        emit(dumps(data), output)
        return
    heads = (
        ["城市", "评分项", "各专家评分", "汇总", "规则", "分差", "提示"]
        if lang == "zh"
        else ["City", "Item", "Experts' points", "Aggregate", "Rule", "Spread", "Note"]
    )
    rows = [_row(name, i, lang) for name, items in cities for i in items]
    if fmt == "csv":
        import io

        from ..views.output import csv_writer

        text = io.StringIO()
        write = csv_writer(text)
        for row in [heads, *rows]:
            write(row)
        emit(text.getvalue(), output)
        return
    from rich.table import Table

    from ..views.tables.base import user_text
    from .common import emit_tables

    table = Table(title=pick(lang, f"{year}年度专家评分", f"Experts' scores, {year}"))
    for head in heads:
        table.add_column(head)
    for row in rows:
        table.add_row(*(user_text(c) for c in row))
    emit_tables([table], output)
    click.echo(pick(lang, part.note, part.note_en or part.note), err=True)


def _row(city: str, item: ItemStanding, lang: str) -> list[Any]:
    from ..season.experts import DISCUSS_EN, DISCUSS_ZH, RULE_EN, RULE_ZH

    points = pick(lang, "；", "; ").join(f"{s.expert} {s.points}" for s in item.scores)
    return [
        city,
        pick(lang, item.item.title, item.item.title_en or item.item.title),
        points,
        "" if item.aggregate is None else str(item.aggregate),
        pick(lang, RULE_ZH[item.how], RULE_EN[item.how]),
        "" if item.spread is None else str(item.spread),
        pick(lang, DISCUSS_ZH, DISCUSS_EN) if item.flagged else "",
    ]


@click.command("apply-scores")
@click.argument("city")
@click.option("--year", type=YEARS, required=True, help="考核年度。")
@db_option
@user_options
@lang_option
def apply_cmd(
    city: str, year: int, db: str | None, users_file: Path | None, user_name: str | None
) -> None:
    """把专家评分的汇总存入城市的当前一版（国家局）：每项的汇总分作为该项字段的值，存为新的一版并重新评估。

    每项都要有足够的专家评分（规则包的 min_experts），否则不存。

    \b
    例：
      ipscore season apply-scores 湘潭市 --year 2015 --db 考核.sqlite
    """
    from ..provenance import now
    from ..season.experts import apply
    from ..season.running import season_of
    from ..season.scope import Scope

    user = acting_user(users_file, user_name)
    Scope(user, None).allow("apply_scores")
    with opened_archive(db, writes=True) as archive:
        season = season_of(archive, year)
        row = apply(archive, season.pack, city, year, user.name, now())
        stored = archive.find(city, year, season.pack)
    lang = chosen_lang()
    result = stored.result or {}
    click.echo(
        pick(
            lang,
            f"{city} {year}年度当前为第{stored.version}版（#{row}）：{stored.reason}；"
            f"得分 {result.get('score')}，等级 {result.get('grade_label')}",
            f"{city} {year} is now version {stored.version} (#{row}): {stored.reason}; "
            f"score {result.get('score')}, grade {result.get('grade')}",
        )
    )
