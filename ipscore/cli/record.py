"""The season's record in the archive: `archive …`, `history`, `review`, `publish`, `verify`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..text import pick
from .common import (
    chosen_lang,
    db_option,
    emit,
    emit_tables,
    jobs_option,
    lang_option,
    output_options,
    outside_option,
    pack_option,
    timestamp_of,
    timestamp_option,
    usage_error,
)

if TYPE_CHECKING:
    from ..store.archive import Archive


@click.group("archive")
def archive_group() -> None:
    """归档：存下每个城市每年的填报数据和评估结果，供往年对比和三年复核引用。

    只增不改：同一规则包、城市、年度再次存档时，旧的一版保留，最新的一版为当前版。

    \b
    例：
      ipscore archive add scenarios/ --by 张三
      ipscore archive list --city 武汉市
      ipscore archive show 武汉市 2015
      ipscore archive export -o 归档.jsonl
    """


@contextmanager
def _archive(db: str | None) -> Iterator[Archive]:
    from ..store.archive import Archive

    archive = Archive.open(db)
    try:
        yield archive
    finally:
        archive.close()


@archive_group.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@pack_option
@outside_option
@click.option("--by", help="存档人（记入每条存档）。")
@click.option("--reason", help="为什么存这一版（如“更正2014年质押融资金额”），记入每条存档。")
@db_option
@jobs_option
@lang_option
def archive_add(
    paths: tuple[str, ...],
    pack_id: str | None,
    by: str | None,
    reason: str | None,
    db: str | None,
    jobs: int | None,
) -> None:
    """评估并存档提交文件（文件、目录、Excel、CSV）；整批一次写入，出错则一条也不存。

    规则包评估年度以外的文件（如按2015年规则包字段填写的2014年数据）只存数据。

    \b
    例：
      ipscore archive add scenarios/ --by 张三
      ipscore archive add 武汉-2014.yaml --pack cnipa-2015-demo-city
      ipscore archive add 武汉-2015.yaml --reason "更正质押融资金额" --by 张三

    与当前一版数据和评估都相同的文件不再存，写明“未变化”；更正存为新的一版，旧版保留。
    """
    from ..provenance import now
    from ..views import batch
    from ..views.tables.record import (
        archived_lines,
    )

    with _archive(db) as archive:
        done = batch.archive(
            archive, paths, now(), by, pack_id, jobs, (reason or "").strip() or None
        )
    for line in archived_lines(done, chosen_lang()):
        click.echo(line)


def _listing(
    heads: list[str], rows: list[list[Any]], title: str, fmt: str, out: Path | None
) -> None:
    """A listing as CSV or a workbook (-o): the table's columns, text never a formula."""
    if fmt == "xlsx":
        from ..report.xlsx import plain_sheet
        from ..views.output import write_atomic

        if out is None:
            raise click.UsageError("--format xlsx 需要用 -o 指定输出文件，例如 -o 归档.xlsx")
        write_atomic(out, plain_sheet(title, heads, rows))
        click.echo(str(out))
        return
    import io

    from ..views.output import csv_writer

    text = io.StringIO()
    write = csv_writer(text)
    for row in [heads, *rows]:
        write(row)
    emit(text.getvalue(), out)


LIST_FORMATS = ("table", "csv", "xlsx", "json")


@archive_group.command("list")
@click.option("--city", help="只列这个城市。")
@click.option("--year", type=int, help="只列这个年度。")
@click.option("--pack", "pack_id", help="只列这个规则包。")
@click.option("--all", "every_version", is_flag=True, help="也列出被更正取代的旧版本。")
@output_options(
    *LIST_FORMATS, help_format="table：终端表格；csv、xlsx（须用 -o）：表格文件；json。"
)
@db_option
@lang_option
def archive_list(
    city: str | None,
    year: int | None,
    pack_id: str | None,
    every_version: bool,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    db: str | None,
) -> None:
    """列出存档（默认只列当前版本；--all 连同旧版本和每版的存档理由）。

    \b
    例：
      ipscore archive list --city 武汉市 --all
      ipscore archive list --year 2015 --format xlsx -o 归档.xlsx
    """
    from ..views.tables.record import archive_listing, archive_rows, archive_table

    with _archive(db) as archive:
        stored = archive.submissions(city, year, pack_id, every_version)
    if fmt == "json":
        from ..views.output import dumps

        body = {"submissions": archive_listing(stored), "produced_at": timestamp_of(timestamp)}
        emit(dumps(body), output)
    elif fmt in ("csv", "xlsx"):
        _listing(
            *archive_rows(stored, chosen_lang()),
            pick(chosen_lang(), "归档", "Archive"),
            fmt,
            output,
        )
    else:
        emit_tables([archive_table(stored, chosen_lang())], output)


@archive_group.command("show")
@click.argument("city")
@click.argument("year", type=int)
@click.option("--pack", "pack_id", help="规则包编号（同一城市年度存在多个规则包时必填）。")
@click.option("--version", "version", type=int, help="第几版（默认当前版）。")
@output_options(*LIST_FORMATS)
@db_option
@lang_option
def archive_show(
    city: str,
    year: int,
    pack_id: str | None,
    version: int | None,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    db: str | None,
) -> None:
    """查看一条存档：来源、存档理由、评估结果和全部填报数据。

    \b
    例：
      ipscore archive show 武汉市 2015
      ipscore archive show 武汉市 2015 --version 1 --format json
      ipscore archive show 武汉市 2015 --format xlsx -o 武汉-2015.xlsx
    """
    from ..views.output import dumps
    from ..views.tables.record import stored_rows, stored_table

    with _archive(db) as archive:
        found = archive.find(city, year, pack_id, version)
    if fmt == "json":
        emit(dumps(found.to_dict()), output)
    elif fmt in ("csv", "xlsx"):
        _listing(*stored_rows(found, chosen_lang()), f"{city} {year}", fmt, output)
    else:
        emit_tables([stored_table(found, chosen_lang())], output)


@archive_group.command("diff")
@click.argument("city")
@click.argument("year", type=int)
@click.option("--pack", "pack_id", help="规则包编号（同一城市年度存在多个规则包时必填）。")
@click.option("--from", "first", type=int, help="较早的一版（默认当前版的前一版）。")
@click.option("--to", "last", type=int, help="较晚的一版（默认当前版）。")
@output_options("table", "json")
@db_option
@lang_option
def archive_diff(
    city: str,
    year: int,
    pack_id: str | None,
    first: int | None,
    last: int | None,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    db: str | None,
) -> None:
    """比较一个城市年度的两版存档：改了哪些填报数据、哪些要求的结论变了、得分和等级，以及每版的理由。

    \b
    例：
      ipscore archive diff 武汉市 2015
      ipscore archive diff 武汉市 2015 --from 1 --to 3 --format json
    """
    from ..record.corrections import version_diff
    from ..views.tables.record import diff_table

    with _archive(db) as archive:
        found = version_diff(archive, city, year, pack_id, first, last)
    if fmt == "json":
        from ..views.output import dumps

        emit(dumps({**found.to_dict(), "produced_at": timestamp_of(timestamp)}), output)
    else:
        emit_tables([diff_table(found, chosen_lang())], output)


@archive_group.command("export")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="导出文件（JSON Lines：每行一条存档，含每个版本）。",
)
@db_option
@lang_option
def archive_export(output: Path, db: str | None) -> None:
    """导出全部存档（每个版本，含数据、结果和来源），可用 archive import 导入另一个数据库。

    \b
    例：
      ipscore archive export -o 归档.jsonl
      ipscore archive export -o 归档.jsonl --db postgresql+psycopg://审核@服务器/ipscore
    """
    from ..store.archive import dump_lines
    from ..views.output import write_atomic

    with _archive(db) as archive:
        text = dump_lines(archive.export())
    write_atomic(output, text)
    click.echo(str(output))


@archive_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@lang_option
def archive_import(path: Path, db: str | None) -> None:
    """导入 archive export 导出的文件；已有的存档跳过，整个文件一次写入。

    \b
    例：
      ipscore archive import 归档.jsonl --db 新归档.sqlite
    """
    from ..store.archive import read_dump

    records = read_dump(path)
    with _archive(db) as archive:
        stored, skipped = archive.import_records(records)
    click.echo(
        pick(
            chosen_lang(),
            f"✓ 导入 {stored} 条，已存在而跳过 {skipped} 条",
            f"OK: {stored} imported, {skipped} already present",
        )
    )


@archive_group.command("where")
@db_option
@lang_option
def archive_where(db: str | None) -> None:
    """显示归档数据库在哪里（--db、IPSCORE_DB 或默认位置）；密码不显示。

    \b
    例：
      ipscore archive where
      IPSCORE_DB=/data/ipscore.sqlite ipscore archive where
    """
    from ..store.archive import shown
    from ..store.places import location

    click.echo(shown(location(db)))


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
) -> None:
    """一个城市历年的考核：每年的得分、等级、同级排名、必做任务，以及与上年相比变化的要求和下降的数据。

    读的是归档（ipscore archive add 存下的结果），不重新评估。

    \b
    例：
      ipscore history 武汉市
      ipscore history 武汉市 --from 2013 --to 2015 --format json
    """
    from ..record.history import history

    with _archive(db) as archive:
        found = history(archive, city, pack_id, first, last)
    if fmt == "json":
        from ..views.output import dumps

        emit(dumps({**found.to_dict(), "produced_at": timestamp_of(timestamp)}), output)
    else:
        from ..views.tables.record import (
            history_table,
        )

        emit_tables([history_table(found, chosen_lang())], output)


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
@db_option
@lang_option
def review_cmd(
    cities: tuple[str, ...],
    years: tuple[int, int] | None,
    policy: str | None,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    db: str | None,
) -> None:
    """三年复核：按复核规则综合各城市三个年度的考核结果；缺少的年度如实列出，无法判定时列出可能的结论。

    -o 的扩展名为 .html、.md、.pdf 或 .docx 时生成复核报告。
    复核规则是本工具对工作计划的解释，每份输出都写明。

    \b
    例：
      ipscore review --years 2013-2015
      ipscore review 武汉市 深圳市 --format json
      ipscore review --years 2013-2015 -o 三年复核.pdf
    """
    from ..packs.review import find_policy
    from ..record.review import review

    chosen = find_policy(policy)
    with _archive(db) as archive:
        result = review(archive, chosen, years, cities)
    if output is not None and output.suffix.lower() in (".html", ".md", ".pdf", ".docx"):
        from .. import report

        report.write_review(result, output, chosen_lang(), timestamp_of(timestamp))
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
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="公布名单文件；格式由扩展名决定：.html、.pdf、.xlsx。",
)
@timestamp_option
@db_option
@lang_option
def publish_cmd(
    year: int,
    pack_id: str | None,
    with_scores: bool,
    basis: str | None,
    output: Path,
    timestamp: bool,
    db: str | None,
) -> None:
    """公布名单：按城市类别列出各城市的考核等级（工作计划四（一）“考核结果以一定方式公布”）。

    只含城市、省份和等级（加 --with-scores 时含得分和排名）；
    不含填报数据、评估细节、佐证材料或审核人。

    核验得分与申报得分对任何城市不同时（如还有未核验的“达到”，而规则包把未核验的按未达到计），
    须用 --score 写明公布哪一种；输出末尾写明公布的是哪种，以及已核实、已驳回、未核验各多少条。

    \b
    例：
      ipscore publish --year 2015 --score declared -o 公布.pdf
      ipscore publish --year 2015 --score verified --with-scores -o 公布.xlsx
    """
    from .. import report
    from ..record.publish import published
    from ..report.contexts.publish import basis_line

    report.suffix_of(output, (".html", ".pdf", ".xlsx"))
    with _archive(db) as archive:
        found = published(archive, year, pack_id, with_scores, basis)
    report.write_published(found, output, chosen_lang(), timestamp_of(timestamp))
    click.echo(str(output))
    click.echo(basis_line(found, chosen_lang()))


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

        with _archive(db) as archive:
            cities = cohort_checks(archive, year, pack_id)
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
        with _archive(db) as archive:
            items, notes = still_to_check(archive, year, (city,) if city else (), pack_id)
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
    with _archive(db) as archive:
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
