"""The archive: `archive add|list|show|diff|replay|reassess|export|import|where` — what is
stored, each version with its reason, what a correction changed, and a result made again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..text import pick
from .common import (
    acting_scope,
    chosen_lang,
    db_option,
    emit,
    emit_tables,
    jobs_option,
    lang_option,
    opened_archive,
    output_file,
    output_options,
    outside_option,
    pack_option,
    timestamp_of,
    user_options,
)


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


@archive_group.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@pack_option
@outside_option
@click.option("--by", help="存档人（记入每条存档）。")
@click.option("--reason", help="为什么存这一版（如“更正2014年质押融资金额”），记入每条存档。")
@db_option
@jobs_option
@user_options
@lang_option
def archive_add(
    paths: tuple[str, ...],
    pack_id: str | None,
    by: str | None,
    reason: str | None,
    db: str | None,
    jobs: int | None,
    users_file: Path | None,
    user_name: str | None,
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
    from ..views.tables.archive import archived_lines, refreshed_lines

    with opened_archive(db, writes=True) as archive:
        scope = acting_scope(archive, users_file, user_name, "store")
        scope.check_files(paths, pack_id)  # every city of the batch its own, or none stored
        by = by or (scope.user.name if user_name else None)
        done, refreshed = batch.archive(
            archive, paths, now(), by, pack_id, jobs, (reason or "").strip() or None
        )
    for line in archived_lines(done, chosen_lang()) + refreshed_lines(refreshed, chosen_lang()):
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
@click.option(
    "--stale",
    is_flag=True,
    help="只列规则包已更新的当前结果：它的规则包编号现在对应的规则包与评出它的不同"
    "（审核人员自己的规则包文件：--stale --pack 文件）。",
)
@output_options(
    *LIST_FORMATS, help_format="table：终端表格；csv、xlsx（须用 -o）：表格文件；json。"
)
@db_option
@user_options
@lang_option
def archive_list(
    city: str | None,
    year: int | None,
    pack_id: str | None,
    every_version: bool,
    stale: bool,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """列出存档（默认只列当前版本；--all 连同旧版本和每版的存档理由）。

    \b
    例：
      ipscore archive list --city 武汉市 --all
      ipscore archive list --year 2015 --format xlsx -o 归档.xlsx
      ipscore archive list --stale
    """
    from ..views.tables.archive import archive_listing, archive_rows, archive_table, stale_lines

    with opened_archive(db) as archive:
        scope = acting_scope(archive, users_file, user_name)
        if city is not None:
            scope.check(city, year)
        if stale:
            from ..packs import find_pack
            from ..record.replay import every_stale, stale_under

            if pack_id and Path(pack_id).suffix:  # a reviewer's pack file: its id's results
                newer = find_pack(pack_id)
                found = [(s, newer) for s in stale_under(archive, newer, year)]
            else:
                found = [
                    (s, now)
                    for s, now in every_stale(archive, year)
                    if pack_id is None or s.pack == pack_id
                ]
            found = [(s, now) for s, now in found if city is None or s.city == city]
            found = scope.seen(found, lambda f: f[0].city, lambda f: f[0].year)
            stored = [s for s, _ in found]
        else:
            stored = scope.seen(archive.submissions(city, year, pack_id, every_version))
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
    elif stored or not stale:
        emit_tables([archive_table(stored, chosen_lang())], output)
    if stale and fmt != "json":
        for line in stale_lines(found, chosen_lang()):
            click.echo(line, err=output is None and fmt != "table")


@archive_group.command("show")
@click.argument("city")
@click.argument("year", type=int)
@click.option("--pack", "pack_id", help="规则包编号（同一城市年度存在多个规则包时必填）。")
@click.option("--version", "version", type=int, help="第几版（默认当前版）。")
@output_options(*LIST_FORMATS)
@db_option
@user_options
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
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """查看一条存档：来源、存档理由、评估结果和全部填报数据。

    \b
    例：
      ipscore archive show 武汉市 2015
      ipscore archive show 武汉市 2015 --version 1 --format json
      ipscore archive show 武汉市 2015 --format xlsx -o 武汉-2015.xlsx
    """
    from ..views.output import dumps
    from ..views.tables.archive import stored_rows, stored_table

    with opened_archive(db) as archive:
        acting_scope(archive, users_file, user_name).check(city, year)
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
@user_options
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
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """比较一个城市年度的两版存档：改了哪些填报数据、哪些要求的结论变了、得分和等级，以及每版的理由。

    \b
    例：
      ipscore archive diff 武汉市 2015
      ipscore archive diff 武汉市 2015 --from 1 --to 3 --format json
    """
    from ..record.corrections import version_diff
    from ..views.tables.archive import diff_table

    with opened_archive(db) as archive:
        acting_scope(archive, users_file, user_name).check(city, year)
        found = version_diff(archive, city, year, pack_id, first, last)
    if fmt == "json":
        from ..views.output import dumps

        emit(dumps({**found.to_dict(), "produced_at": timestamp_of(timestamp)}), output)
    else:
        emit_tables([diff_table(found, chosen_lang())], output)


@archive_group.command("replay")
@click.argument("city")
@click.argument("year", type=int)
@click.option(
    "--pack",
    "pack_id",
    help="规则包编号（同一城市年度存在多个规则包时必填）；或规则包文件：本版以前存入、"
    "归档中没有规则包的结果，用它重放。",
)
@click.option("--version", "version", type=int, help="第几版（默认当前版）。")
@output_options("table", "json")
@db_option
@user_options
@lang_option
def archive_replay(
    city: str,
    year: int,
    pack_id: str | None,
    version: int | None,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """重放一条存档的评估：用存档中的规则包和它读过的数据重新评估，核对是否与存档结果完全一致。

    不一致时列出不同之处，退出码 1。规则包文件后来改了、删了都不影响：用的是存档时存下的规则包。

    \b
    例：
      ipscore archive replay 武汉市 2015
      ipscore archive replay 武汉市 2015 --version 1 --format json
    """
    from ..packs import find_pack
    from ..record.replay import replay
    from ..views.tables.archive import replayed_lines

    chosen = find_pack(pack_id) if pack_id and Path(pack_id).suffix else None
    with opened_archive(db) as archive:
        acting_scope(archive, users_file, user_name).check(city, year)
        stored = archive.find(city, year, chosen.id if chosen else pack_id, version)
        done = replay(archive, stored, chosen)
    if fmt == "json":
        from ..views.output import dumps

        body = {
            "city": city,
            "year": year,
            "pack": done.stored.pack,
            "pack_sha256": done.stored.pack_sha256,
            "version": done.stored.version,
            "exact": done.exact,
            "differences": list(done.differences),
            "pack_from": done.pack_from,
            "pack_used_sha256": done.pack_used,
            "stored": {k: (done.stored.result or {}).get(k) for k in ("score", "grade")},
            "replayed": {k: done.result.get(k) for k in ("score", "grade")},
            "produced_at": timestamp_of(timestamp),
        }
        emit(dumps(body), output)
    else:
        emit("\n".join(replayed_lines(done, chosen_lang())) + "\n", output)
    if not done.exact:
        raise SystemExit(1)


@archive_group.command("reassess")
@click.option(
    "--pack", "pack_id", required=True, help="新的规则包（编号或文件）：按它重新评估同编号的结果。"
)
@click.option("--year", type=int, help="只重新评估这个年度。")
@click.option("--by", help="操作人（记入每个新版本）。")
@click.option("--reason", help="为什么重新评估（如“规则包更正T4.R2阈值”），记入每个新版本。")
@db_option
@user_options
@lang_option
def archive_reassess(
    pack_id: str,
    year: int | None,
    by: str | None,
    reason: str | None,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """按新的规则包重新评估：同一规则包编号、由别的版本评出的当前结果，各存为新的一版并写明理由。

    用存档中的填报数据（文件里填的往年数照旧，其余往年数取归档当前的），一次写入；读它们的
    其他年度结果随之更新。先用 archive list --stale 看有哪些（规则包文件：--stale --pack 文件）。

    \b
    例：
      ipscore archive reassess --pack cnipa-2015-demo-city --by 张三
      ipscore archive reassess --pack 我的规则包.yaml --year 2014 --reason "更正阈值"
    """
    from ..packs import find_pack
    from ..provenance import now
    from ..record.replay import Refreshed, reassess
    from ..views.tables.archive import refreshed_lines

    pack = find_pack(pack_id)
    done: list[Refreshed] = []
    with opened_archive(db, writes=True) as archive:
        scope = acting_scope(archive, users_file, user_name, "reassess")
        by = by or (scope.user.name if user_name else None)
        stamp = now()
        archive.rewrite(
            lambda writing: done.extend(
                reassess(writing, pack, year, stamp, by, (reason or "").strip() or None)
            )
        )
    lines = refreshed_lines(done, chosen_lang())
    for line in lines or [pick(chosen_lang(), "没有需要重新评估的结果", "nothing to reassess")]:
        click.echo(line)


@archive_group.command("export")
@output_file("导出文件（JSON Lines：每行一条存档，含每个版本）。")
@click.option(
    "--skip-damaged",
    is_flag=True,
    help="跳过已损坏的存档（及其核验记录），导出其余的；不加时有损坏的存档就不导出。",
)
@db_option
@user_options
@lang_option
def archive_export(
    output: Path,
    skip_damaged: bool,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """导出全部存档（每个版本，含数据、结果和来源），可用 archive import 导入另一个数据库。

    数据库中有损坏的存档（手工改过或旧版写入）时列出它们、不导出；加 --skip-damaged 导出其余的，
    并写明跳过了哪些。

    \b
    例：
      ipscore archive export -o 归档.jsonl
      ipscore archive export -o 归档.jsonl --db postgresql+psycopg://审核@服务器/ipscore
    """
    from ..store.records import dump_lines
    from ..views.output import write_atomic

    with opened_archive(db) as archive:
        acting_scope(archive, users_file, user_name, "export")
        text = dump_lines(archive.export(skip_damaged))
        write_atomic(output, text)
    if archive.checks_skipped:  # after the rows they check, named as the archive closed
        click.echo(
            pick(
                chosen_lang(),
                f"! 已跳过损坏存档的核验记录 {archive.checks_skipped} 条",
                f"! skipped {archive.checks_skipped} checks of damaged rows",
            ),
            err=True,
        )
    click.echo(str(output))


@archive_group.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@user_options
@lang_option
def archive_import(
    path: Path, db: str | None, users_file: Path | None, user_name: str | None
) -> None:
    """导入 archive export 导出的文件；已有的存档跳过，整个文件一次写入。

    每一行先核对：类型、日期、年度、规则包（导出文件带的、归档中的或本机同样的），评估结果须能由
    这条存档的数据和规则包重新评估得出；有一处不对，整个文件都不导入，逐行列出问题。

    读了导入的年度数据的当前结果随之重新评估，各存为新的一版（导入的记录保持原样）。

    \b
    例：
      ipscore archive import 归档.jsonl --db 新归档.sqlite
    """
    from ..errors import display_path
    from ..provenance import now
    from ..record.importing import checked_records
    from ..record.storing import imported
    from ..store.records import read_dump
    from ..views.tables.archive import refreshed_lines

    lines = read_dump(path)
    with opened_archive(db, writes=True) as archive:
        acting_scope(archive, users_file, user_name, "import")
        records = checked_records(archive, lines, display_path(path))
        stored, skipped, refreshed = imported(archive, records, now())
    click.echo(
        pick(
            chosen_lang(),
            f"✓ 导入 {stored} 条，已存在而跳过 {skipped} 条",
            f"OK: {stored} imported, {skipped} already present",
        )
    )
    for line in refreshed_lines(refreshed, chosen_lang()):
        click.echo(line)


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
    from ..store.connect import shown
    from ..store.places import location

    click.echo(shown(location(db)))
