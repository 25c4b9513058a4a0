"""`ipscore season`: one year's assessment run in stages by many hands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import (
    YEARS,
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

if TYPE_CHECKING:
    from ..season.people import User
    from ..season.stages import Action, Step
    from ..store.stages import Event


@click.group("season")
def season_group() -> None:
    """按阶段办理一个年度的考核：城市自评提交、省局初审、国家局复核、专家评分、公示、定稿。

    \b
    谁办理由 --users 用户文件 --user 用户名 说明（也可设 IPSCORE_USERS、IPSCORE_USER），
    每一步记下办理人、时间、意见和所依据的存档版本，只增不改。

    \b
    例：
      ipscore season open 2015.season.yaml --db 归档.sqlite --users users.yaml --user 国家局
      ipscore season status 2015 --db 归档.sqlite
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
    from ..season.scope import Scope
    from ..season.seasonfile import season_from_document
    from ..store.seasons import add_season, seasons_of
    from ..views.tables.season import opened_lines
    from ..yamlio import read_text

    user = acting_user(users_file, user_name, needed=True)
    Scope(user, None).allow("open")
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
@click.argument("year", type=YEARS)
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


year_option = click.option("--year", type=YEARS, required=True, help="考核年度。")


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise usage_error(
            f"日期应写成 2016-06-01，实际为“{value}”",
            f"a date is written 2016-06-01, got “{value}”",
            f"--{(param.name or '').replace('_', '-')}",
        ) from None


def _take(db: str | None, year: int, city: str, user: User, step: Step) -> None:
    from ..provenance import now
    from ..season.running import act
    from ..season.stages import ACTIONS, STAGES
    from ..text import pick

    with opened_archive(db, writes=True) as archive:
        event = act(archive, year, city, user, step, now())
    lang = chosen_lang()
    said = pick(lang, *ACTIONS[event.action])
    where = pick(lang, *STAGES[event.stage])
    late = pick(lang, "（逾期，已标记）", " (late, flagged)") if event.late else ""
    click.echo(
        pick(
            lang,
            f"✓ {city} {year}年度：{said}{late}，现处于“{where}”（记录#{event.id}，{user.name}）",
            f"✓ {city} {year}: {said}{late}; now at “{where}” (record #{event.id}, {user.name})",
        )
    )


@season_group.command("advance")
@click.argument("city")
@year_option
@click.option("--opinion", help="办理意见（记入记录）。")
@click.option(
    "--notice-start",
    callback=_day,
    help="国家局复核通过时：公示的第一天（默认为年度文件的 notice.start）。",
)
@user_options
@db_option
@lang_option
def advance_cmd(
    city: str,
    year: int,
    opinion: str | None,
    notice_start: dt.date | None,
    users_file: Path | None,
    user_name: str | None,
    db: str | None,
) -> None:
    """把一个城市的材料推进到下一阶段：城市提交自评，省局推荐，国家局复核通过（进入公示）或定稿。

    做哪一步由办理人的角色和城市所处的阶段决定；每一步检查角色、范围和阶段，逾期的标记为逾期。

    \b
    例：
      ipscore season advance 武汉市 --year 2015 --user 武汉市局 --users users.yaml
      ipscore season advance 武汉市 --year 2015 --user 湖北省局 --users users.yaml
      ipscore season advance 武汉市 --year 2015 --user 国家局 --notice-start 2016-06-01
    """
    from ..season.stages import Step

    user = acting_user(users_file, user_name, needed=True)
    action: Action = "submit" if user.role == "city" else "recommend"
    if user.role not in ("city", "province"):
        action = "final" if _stage(db, year, city) == "notice" else "review"
    _take(db, year, city, user, Step(action, opinion, notice_start=notice_start))


def _stage(db: str | None, year: int, city: str) -> str:
    from ..season.running import reading
    from ..season.stages import standing
    from ..store.stages import events_of

    with opened_archive(db) as archive, reading(archive) as seen:
        return standing(city, None, events_of(seen.conn, year, city)).stage


@season_group.command("return")
@click.argument("city")
@year_option
@click.option(
    "--reason",
    "reasons",
    multiple=True,
    required=True,
    help='退回理由：要求编号或字段名=理由，如 T3.R1="执法人员名单未盖章"；* 指整份材料。可写多条。',
)
@click.option(
    "--to",
    type=click.Choice(["city", "province", "national"]),
    help="国家局退回到哪一阶段（默认退回城市）。",
)
@click.option("--opinion", help="办理意见。")
@user_options
@db_option
@lang_option
def return_cmd(
    city: str,
    year: int,
    reasons: tuple[str, ...],
    to: str | None,
    opinion: str | None,
    users_file: Path | None,
    user_name: str | None,
    db: str | None,
) -> None:
    """退回一个城市的材料，逐条写明理由（对应要求或字段）：城市改正后存入新版本再提交。

    \b
    例：
      ipscore season return 黄石市 --year 2015 --reason enforcement.staff="执法人员应不少于3人"
      ipscore season return 黄石市 --year 2015 --reason T1.R1="证明材料缺公章" --to province
    """
    from ..season.stages import Step

    split = {}
    for one in reasons:
        key, sep, text = one.partition("=")
        if not sep or not key.strip() or not text.strip():
            raise usage_error(
                f"理由应写成 要求编号或字段名=理由，实际为“{one}”",
                f"a reason is REQUIREMENT-OR-FIELD=REASON, got “{one}”",
                "--reason",
            )
        if key.strip() in split:
            raise usage_error(
                f"{key.strip()} 写了两条理由：请合成一条",
                f"two reasons for {key.strip()}: write them as one",
                "--reason",
            )
        split[key.strip()] = text.strip()
    user = acting_user(users_file, user_name, needed=True)
    _take(db, year, city, user, Step("return", opinion, split, to))


@season_group.command("object")
@click.argument("city")
@year_option
@click.option("--objector", help="异议人：单位名称或个人姓名（不写即为匿名，不予受理）。")
@click.option(
    "--kind",
    type=click.Choice(["person", "organisation"]),
    required=True,
    help="person：个人（须署名并留联系方式）；organisation：单位（须加盖公章）。",
)
@click.option("--contact", help="联系方式。")
@click.option("--signed", is_flag=True, help="个人异议已署名。")
@click.option("--sealed", is_flag=True, help="单位异议已加盖公章。")
@click.option("--received", callback=_day, help="收到异议的日期（默认今天，北京时间）。")
@click.option("--text", "words", required=True, help="异议内容（摘要）。")
@user_options
@db_option
@lang_option
def object_cmd(
    city: str,
    year: int,
    objector: str | None,
    kind: str,
    contact: str | None,
    signed: bool,
    sealed: bool,
    received: dt.date | None,
    words: str,
    users_file: Path | None,
    user_name: str | None,
    db: str | None,
) -> None:
    """登记公示期内对一个城市的异议：写明异议人身份；匿名或超期的不予受理（记录在案并引用规则）。

    \b
    例：
      ipscore season object 武汉市 --year 2015 --kind organisation --objector 某公司 --sealed \\
          --text "专利质押融资额与银行记录不符" --received 2016-06-03
    """
    from ..season.stages import Objector, Step

    who = Objector(
        objector, "person" if kind == "person" else "organisation", contact, signed, sealed
    )
    step = Step("object", objector=who, text=words, received=received)
    _take(db, year, city, acting_user(users_file, user_name, needed=True), step)


@season_group.command("answer")
@click.argument("city")
@year_option
@click.option("--objection", type=int, required=True, help="异议的记录编号（见 season log）。")
@click.option("--upheld/--dismissed", required=True, help="异议成立（退回国家局复核）或不成立。")
@click.option("--opinion", required=True, help="答复意见。")
@user_options
@db_option
@lang_option
def answer_cmd(
    city: str,
    year: int,
    objection: int,
    upheld: bool,
    opinion: str,
    users_file: Path | None,
    user_name: str | None,
    db: str | None,
) -> None:
    """国家局答复一条已受理的异议：成立的，城市回到国家局复核；不成立的，公示继续。

    \b
    例：
      ipscore season answer 深圳市 --year 2015 --objection 22 --dismissed --opinion "经核实不成立"
    """
    from ..season.stages import Step

    step = Step("answer", opinion, objection=objection, upheld=upheld)
    _take(db, year, city, acting_user(users_file, user_name, needed=True), step)


@season_group.command("status")
@click.argument("year", type=YEARS)
@click.option("--province", help="只看这个省份的城市。")
@output_options("table", "csv", "xlsx", "json")
@user_options
@db_option
@lang_option
def status_cmd(
    year: int,
    province: str | None,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    users_file: Path | None,
    user_name: str | None,
    db: str | None,
) -> None:
    """一个年度各城市办到哪一步：所处阶段、在等谁、截止日期、是否逾期、最近一次办理、退回理由。

    \b
    例：
      ipscore season status 2015
      ipscore season status 2015 --province 湖北省 --format xlsx -o 湖北省办理进度.xlsx
    """
    import json

    from ..provenance import now, produced_at
    from ..season.running import status
    from ..views.output import write_atomic
    from ..views.season import status_csv, status_table, status_xlsx

    user = acting_user(users_file, user_name)
    lang = chosen_lang()
    with opened_archive(db) as archive:
        season, rows = status(archive, year, user, province, now())
    if fmt == "table":
        emit_tables([status_table(season, rows, lang)], output)
    elif fmt == "csv":
        emit(status_csv(season, rows, lang), output)
    elif fmt == "xlsx":
        if output is None:
            raise usage_error(
                "Excel 要写入文件：请加 -o 文件.xlsx", "Excel needs -o FILE.xlsx", "-o"
            )
        write_atomic(output, status_xlsx(season, rows, lang))
    else:
        body = {
            "year": year,
            "title": season.title,
            "example": season.example,
            "cities": [r.to_dict() for r in rows],
            "produced_at": produced_at(timestamp),
        }
        emit(json.dumps(body, ensure_ascii=False, indent=2) + "\n", output)


@season_group.command("log")
@click.argument("city")
@year_option
@output_options("table", "json")
@user_options
@db_option
@lang_option
def log_cmd(
    city: str,
    year: int,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    users_file: Path | None,
    user_name: str | None,
    db: str | None,
) -> None:
    """一个城市一个年度的全部办理记录：谁、何时、做了什么、依据哪一版存档、意见和理由。

    \b
    例：
      ipscore season log 武汉市 --year 2015
      ipscore season log 武汉市 --year 2015 --format json
    """
    import json

    from ..season.running import assigned, outside, province_of, reading, season_of
    from ..store.stages import events_of
    from ..views.season import log_table

    user = acting_user(users_file, user_name)
    with opened_archive(db) as archive:
        season = season_of(archive, year)
        with reading(archive) as seen:
            where = province_of(season, seen, city)
            events = events_of(seen.conn, year, city)
    if not user.may_see(city, where, assigned(season, user)):
        raise outside(user, city, where, year)
    if user.role == "city":  # who objected is for the offices; the city sees the objection
        events = [_without_contact(e) for e in events]
    if fmt == "table":
        emit_tables([log_table(city, year, events, chosen_lang())], output)
    else:
        text = json.dumps([e.to_dict() for e in events], ensure_ascii=False, indent=2)
        emit(text + "\n", output)


def _without_contact(event: Event) -> Event:
    from dataclasses import replace

    who = event.details.get("objector")
    if not who:
        return event
    return replace(event, details={**event.details, "objector": {**who, "contact": None}})
