"""The season's record read from the archive: `history`, `review`, `publish`, `verify`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .common import (
    acting_scope,
    chosen_lang,
    db_option,
    emit,
    emit_tables,
    lang_option,
    official_options,
    opened_archive,
    output_file,
    output_options,
    signoff_of,
    signoff_options,
    timestamp_of,
    timestamp_option,
    usage_error,
    user_options,
)


def _year_range(
    ctx: click.Context, _: click.Parameter, value: str | None
) -> tuple[int, int] | None:
    if value is None:
        return None
    from ..errors import InputError, Problem

    first, sep, last = value.partition("-")
    try:
        years = (int(first), int(last if sep else first))
    except ValueError:
        raise InputError(
            [
                Problem(
                    f"年度范围应写成 2013-2015，实际为“{value}”",
                    f"a range of years is written 2013-2015, got “{value}”",
                    field="--years",
                )
            ]
        ) from None
    return years


@click.command("history")
@click.argument("city")
@click.option("--pack", "pack_id", help="只看这个规则包（某年度有多个规则包的评估时必填）。")
@click.option("--from", "first", type=int, help="起始年度（默认归档中最早的年度）。")
@click.option("--to", "last", type=int, help="截止年度（默认归档中最近的年度）。")
@output_options("table", "json")
@db_option
@user_options
@lang_option
def history_cmd(
    city: str,
    pack_id: str | None,
    first: int | None,
    last: int | None,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """一个城市历年的考核：每年的得分、等级、同级排名、必做任务，以及与上年相比变化的要求和下降的数据。

    读的是归档（ipscore archive add 存下的结果），不重新评估。

    --pack 为指数规则包（如 cnipa-2015-strength）时，另列该城市每年的实力指数和同级排名；
    规则包定了 comparable 基准年时，还有各年可比的指数。

    \b
    例：
      ipscore history 武汉市
      ipscore history 武汉市 --from 2013 --to 2015 --format json
      ipscore history 深圳市 --pack cnipa-2015-strength
    """
    from ..record.history import history

    with opened_archive(db) as archive:
        acting_scope(archive, users_file, user_name).check(city)
        index_pack = _index_pack(pack_id)  # a pack file names its pack by its id
        found = history(archive, city, index_pack.id if index_pack else pack_id, first, last)
        indexed = None
        if index_pack is not None:
            from ..strength.years import index_years

            indexed = [
                y
                for y in index_years(index_pack, archive, city)
                if found.first <= y.year <= found.last
            ]
    if fmt == "json":
        from ..views.output import dumps

        extra = {} if indexed is None else {"strength_index": [y.to_dict() for y in indexed]}
        emit(dumps({**found.to_dict(), **extra, "produced_at": timestamp_of(timestamp)}), output)
    else:
        from ..views.tables.record import (
            history_table,
        )

        tables = [history_table(found, chosen_lang(), checks_only=indexed is not None)]
        if indexed is not None:
            from ..views.tables.strength import index_years_table

            tables.append(index_years_table(city, indexed, chosen_lang()))
        emit_tables(tables, output)


def _index_pack(pack_id: str | None) -> Any:
    """The index pack `--pack` names (a shipped id or a file), whose index history shows the
    city's index year by year; None for any other pack."""
    if pack_id is None:
        return None
    from ..packs import find_pack, shipped_packs

    if not Path(pack_id).suffix and pack_id not in shipped_packs():
        return None  # an archived pack that is not shipped: its history alone
    pack = find_pack(pack_id)
    return pack if pack.index is not None else None


@click.command("review")
@click.argument("cities", nargs=-1)
@click.option(
    "--years",
    callback=_year_range,
    help="复核的年度范围，如 2013-2015（默认：归档中最近的三个年度）。",
)
@click.option(
    "--policy",
    help="复核规则：编号或 YAML 文件（默认 cnipa-demo-city-review，见 rules/reviews/）。",
)
@output_options("table", "json")
@signoff_options
@official_options
@db_option
@user_options
@lang_option
def review_cmd(
    cities: tuple[str, ...],
    years: tuple[int, int] | None,
    policy: str | None,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    org: str | None,
    reviewer: str | None,
    official: bool,
    doc_number: str | None,
    addressee: str | None,
    tz: str,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """三年复核：按复核规则综合各城市三个年度的考核结果；缺少的年度如实列出，无法判定时列出可能的结论。

    -o 的扩展名为 .html、.md、.pdf 或 .docx 时生成复核报告。
    复核规则是本工具对工作计划的解释，每份输出都写明。

    \b
    例：
      ipscore review --years 2013-2015
      ipscore review 武汉市 深圳市 --format json
      ipscore review --years 2013-2015 -o 三年复核.pdf
      ipscore review --years 2013-2015 -o 三年复核.pdf --official --org 国家知识产权局 \\
        --doc-number "国知发管字[2016]5号" --to "各省、自治区、直辖市知识产权局："
    """
    from dataclasses import replace

    signoff = signoff_of(org, reviewer, official, doc_number, addressee, tz, output)

    from ..packs.review import find_policy
    from ..record.review import review

    chosen = find_policy(policy)
    with opened_archive(db) as archive:
        scope = acting_scope(archive, users_file, user_name, "review")
        for city in cities:
            scope.check(city)
        result = review(archive, chosen, years, cities)
        result = replace(result, cities=tuple(scope.seen(result.cities)))
    if output is not None and output.suffix.lower() in (".html", ".md", ".pdf", ".docx"):
        from .. import report

        report.write_review(result, output, chosen_lang(), timestamp_of(timestamp), signoff)
        click.echo(str(output))
    elif fmt == "json":
        from ..views.output import dumps

        emit(dumps({**result.to_dict(), "produced_at": timestamp_of(timestamp)}), output)
    else:
        from ..views.tables.record import (
            review_table,
        )

        emit_tables([review_table(result, chosen_lang())], output)


@click.command("publish")
@click.option("--year", type=int, required=True, help="考核年度。")
@click.option(
    "--pack",
    "pack_id",
    help="规则包编号或文件（该年度有多个规则包的结果时必填；公布核验得分时，自己的规则包写文件）。",
)
@click.option("--with-scores", is_flag=True, help="同时公布得分和同级排名（默认只公布等级）。")
@click.option(
    "--score",
    "basis",
    type=click.Choice(["declared", "verified"]),
    help="公布哪种得分和等级：declared 申报的，verified 核验后的。两者对任何城市不同时必须写明。",
)
@output_file(
    "公布名单文件；格式由扩展名决定：.html、.md、.pdf、.docx、.xlsx，或 .json（供其他系统读取）。"
)
@timestamp_option
@signoff_options
@official_options
@db_option
@user_options
@lang_option
def publish_cmd(
    year: int,
    pack_id: str | None,
    with_scores: bool,
    basis: str | None,
    output: Path,
    timestamp: bool,
    org: str | None,
    reviewer: str | None,
    official: bool,
    doc_number: str | None,
    addressee: str | None,
    tz: str,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """公布名单：按城市类别列出各城市的考核等级（工作计划四（一）“考核结果以一定方式公布”）。

    只含城市、省份和等级（加 --with-scores 时含得分和排名）；
    不含填报数据、评估细节、佐证材料或审核人。

    核验得分与申报得分对任何城市不同时（如还有未核验的“达到”，而规则包把未核验的按未达到计），
    须用 --score 写明公布哪一种；输出末尾写明公布的是哪种，以及已核实、已驳回、未核验各多少条。

    规则包声明了名额（如“优秀每类不超过1家”）时，按名额确定等级：超出名额的城市按排名
    （先等级、再得分）降一等，名单写明谁因哪个名额降等、名额怎样算出、并列怎样处理。

    \b
    例：
      ipscore publish --year 2015 --score declared -o 公布.pdf
      ipscore publish --year 2015 --score verified --with-scores -o 公布.xlsx
      ipscore publish --year 2015 --score declared -o 公布.pdf --official --org 国家知识产权局 \\
        --doc-number "国知发管字[2016]6号"
    """
    signoff = signoff_of(org, reviewer, official, doc_number, addressee, tz, output)
    from .. import report
    from ..packs import installed_pack
    from ..record.publish import published
    from ..report.contexts.publish import basis_line
    from ..season.running import publish_options

    report.suffix_of(output, report.PUBLISHED_FORMATS)
    with opened_archive(db) as archive:
        scope = acting_scope(archive, users_file, user_name, "publish")
        options = publish_options(archive, year, scope.sees)
        found = scope.listed(published(archive, year, pack_id, with_scores, basis, **options))
    report.write_published(found, output, chosen_lang(), timestamp_of(timestamp), signoff)
    click.echo(str(output))
    pack = installed_pack(found.pack)
    click.echo(basis_line(found, chosen_lang(), pack.pack.subject if pack else None))


@click.command("verify")
@click.argument("city", required=False)
@click.argument("year", type=int, required=False)
@click.argument("requirements", nargs=-1)
@click.option("--ok", "ok", is_flag=True, help="佐证材料核实无误。")
@click.option("--reject", metavar="理由", help="驳回佐证材料，并写明理由。")
@click.option("--by", envvar="IPSCORE_REVIEWER", help="审核人（也可设环境变量 IPSCORE_REVIEWER）。")
@click.option("--pending", is_flag=True, help="列出尚待核验的“达到”，按对等级的影响排序。")
@click.option(
    "--summary", is_flag=True, help="一个年度各城市的申报得分与核验得分对照，如 --summary 2015。"
)
@click.option("--pack", "pack_id", help="规则包编号或文件（该年度有多个规则包的结果时必填）。")
@output_options("table", "json")
@db_option
@user_options
@lang_option
def verify_cmd(
    city: str | None,
    year: int | None,
    requirements: tuple[str, ...],
    ok: bool,
    reject: str | None,
    by: str | None,
    pending: bool,
    summary: bool,
    pack_id: str | None,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """核验佐证材料：记下审核人对每条要求的核验，给出申报得分和核验得分。

    核验只增不改，记入归档（时间、审核人、理由）。材料或结论改了（如更正了提交），
    原来的核验不再算数，需要重新核验。

    \b
    例：
      ipscore verify 武汉市 2015                         各要求的核验状态、申报得分与核验得分
      ipscore verify 武汉市 2015 T1.R2 --ok --by 张三
      ipscore verify 武汉市 2015 T2.R1 --reject "名单无盖章" --by 张三
      ipscore verify --pending --format json           全部待核验事项，影响等级的在前
      ipscore verify --pending 武汉市
      ipscore verify --summary 2015                   各城市申报得分与核验得分对照
    """
    from ..record.verification import REJECTED, VERIFIED, record, verification
    from ..views.output import dumps
    from ..views.tables.record import (
        pending_table,
        verification_table,
    )

    if city is not None and year is None and city.isascii() and city.isdigit() and len(city) == 4:
        year, city = int(city), None  # `verify --pending 2015`: a bare year is a year
    if reject is not None and reject.startswith("-"):
        # `--reject --by 张三`: the reason was left out and the next option taken for it.
        raise usage_error(
            f"--reject 要写明驳回理由（“{reject}”是一个选项）",
            f"--reject needs a reason (“{reject}” is an option)",
            "--reject",
        )
    if summary:
        if year is None or city is not None or requirements or ok or reject is not None:
            raise usage_error(
                "--summary 只跟一个年度，如 ipscore verify --summary 2015",
                "--summary takes a year alone, e.g. ipscore verify --summary 2015",
                "--summary",
            )
        from ..record.checklists import cohort_checks
        from ..views.tables.record import checks_summary_table

        with opened_archive(db) as archive:
            scope = acting_scope(archive, users_file, user_name)
            cities = tuple(scope.seen(cohort_checks(archive, year, pack_id), year=lambda _: year))
        if fmt == "json":
            body = {"year": year, "cities": [c.to_dict() for c in cities]}
            emit(dumps({**body, "produced_at": timestamp_of(timestamp)}), output)
        else:
            emit_tables([checks_summary_table(cities, year, chosen_lang())], output)
        return
    if pending:
        from ..record.checklists import pending as still_to_check

        if requirements or ok or reject is not None:
            raise usage_error(
                "--pending 只列待核验事项，不和要求编号、--ok、--reject 一起用",
                "--pending lists what is still to check; it takes no requirement, --ok or --reject",
            )
        with opened_archive(db) as archive:
            scope = acting_scope(archive, users_file, user_name)
            if city is not None:
                scope.check(city, year)
            items, notes = still_to_check(archive, year, (city,) if city else (), pack_id)
            items = scope.seen(items)
        if fmt == "json":
            emit(
                dumps(
                    {
                        "pending": [p.to_dict() for p in items],
                        "data_notes": list(notes),
                        "produced_at": timestamp_of(timestamp),
                    }
                ),
                output,
            )
        else:
            emit_tables([pending_table(items, notes, chosen_lang())], output)
        return
    if city is None or year is None:
        raise usage_error(
            "请写城市和年度，如 ipscore verify 武汉市 2015（或用 --pending）",
            "name a city and a year, e.g. ipscore verify 武汉市 2015 (or use --pending)",
        )
    if ok and reject is not None:
        raise usage_error("--ok 和 --reject 只能选一个", "choose one of --ok and --reject")
    decided = ok or reject is not None
    if decided != bool(requirements):
        raise usage_error(
            '写了要求编号就要写 --ok 或 --reject "理由"'
            if requirements
            else "--ok、--reject 要跟要求编号，如 ipscore verify 武汉市 2015 T1.R2 --ok --by 张三",
            "a requirement needs --ok or --reject REASON"
            if requirements
            else "--ok and --reject need requirement ids: verify 武汉市 2015 T1.R2 --ok --by NAME",
        )
    with opened_archive(db, writes=decided) as archive:
        scope = acting_scope(archive, users_file, user_name, "verify" if decided else "read")
        scope.check(city, year)
        by = by or (scope.user.name if user_name else None)
        if decided:
            if not (by or "").strip():
                raise usage_error(
                    "请用 --by 写明审核人（或设环境变量 IPSCORE_REVIEWER）",
                    "name the reviewer with --by (or IPSCORE_REVIEWER)",
                    "--by",
                )
            if reject is not None and not reject.strip():
                raise usage_error("--reject 要写明驳回理由", "--reject needs a reason", "--reject")
            from ..provenance import now

            found = record(
                archive,
                city,
                year,
                requirements,
                VERIFIED if ok else REJECTED,
                None if reject is None else reject.strip(),
                (by or "").strip(),
                now(),
                pack_id,
            )
        else:
            found = verification(archive, city, year, pack_id)
    if fmt == "json":
        emit(dumps({**found.to_dict(), "produced_at": timestamp_of(timestamp)}), output)
    else:
        emit_tables([verification_table(found, chosen_lang())], output)
