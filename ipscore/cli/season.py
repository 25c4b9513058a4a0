"""`ipscore season`: one year's assessment run in stages by many hands."""

from __future__ import annotations

from pathlib import Path

import click

from .common import (
    acting_user,
    chosen_lang,
    db_option,
    emit,
    emit_tables,
    lang_option,
    opened_archive,
    output_options,
    timestamp_of,
    usage_error,
    user_options,
)


@click.group("season")
def season_group() -> None:
    """按阶段办理一个年度的考核：城市自评提交、省局初审、国家局复核、专家评分、公示、定稿。

    \b
    例：
      ipscore season open 2015.season.yaml --db 归档.sqlite --users users.yaml --user 国家局
      ipscore season show 2015 --db 归档.sqlite
    """


@season_group.command("open")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@user_options
@lang_option
def season_open(file: Path, db: str | None, users_file: Path | None, user_name: str | None) -> None:
    """开启一个考核年度：检查考核年度文件（*.season.yaml）并整份存入归档，记下由谁、何时开启。

    文件写明规则包、各阶段截止日（北京时间当日24时前，须为工作日，按国务院公布的放假和调休安排
    判断）、公示期的工作日数和异议规则、名额和专家分工。只有国家局用户可以开启；同一年度再次开启
    存为新的一版，最新的一版为准，旧版保留；与当前一版文字相同的文件不再存。

    \b
    例：
      ipscore season open scenarios/season-2015/2015.season.yaml --db 归档.sqlite \\
          --users users.yaml --user 国家局
    """
    import hashlib

    from ..errors import display_path
    from ..provenance import now
    from ..season.seasonfile import season_from_document
    from ..store.seasons import add_season, seasons_of
    from ..views.tables.season import opened_lines
    from ..yamlio import read_text

    user = acting_user(users_file, user_name, needed=True)
    if not user.national:
        raise usage_error(
            f"只有国家局用户（角色 national）可以开启考核年度；{user.name} 的角色是 {user.role}",
            f"only a national user (role national) may open a season; {user.name} is {user.role}",
            "--user",
        )
    name = display_path(file)
    text = read_text(file)
    season = season_from_document(text, name)
    row = {
        "year": season.year,
        "file": name,
        "document": text,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "stored_at": now(),
        "stored_by": user.name,
    }
    with opened_archive(db, writes=True) as archive:
        row_id, added = add_season(archive, row)
        versions = seasons_of(archive, season.year)
    version = next(i for i, s in enumerate(versions, 1) if s.id == row_id)
    for line in opened_lines(season, versions[version - 1], version, added, chosen_lang()):
        click.echo(line)


@season_group.command("show")
@click.argument("year", type=int)
@output_options("table", "json")
@db_option
@lang_option
def season_show(year: int, fmt: str, output: Path | None, timestamp: bool, db: str | None) -> None:
    """查看一个年度当前的考核安排，以及由谁、何时开启。

    列出规则包、各阶段截止日（及星期）、公示期和异议规则、名额、专家人数。

    \b
    例：
      ipscore season show 2015 --db 归档.sqlite
      ipscore season show 2015 --db 归档.sqlite --format json
    """
    from ..season.seasonfile import season_from_document
    from ..store.seasons import seasons_of
    from ..views.tables.season import season_json, season_table

    with opened_archive(db) as archive:
        versions = seasons_of(archive, year)
    if not versions:
        raise usage_error(
            f"归档中没有{year}年度的考核安排：请先用 ipscore season open 开启",
            f"the archive holds no season for {year}: open one with ipscore season open",
            "YEAR",
        )
    stored = versions[-1]
    season = season_from_document(stored.document, stored.file)
    if fmt == "json":
        from ..views.output import dumps

        body = {
            **season_json(season, stored, len(versions)),
            "produced_at": timestamp_of(timestamp),
        }
        emit(dumps(body), output)
    else:
        emit_tables([season_table(season, stored, len(versions), chosen_lang())], output)
