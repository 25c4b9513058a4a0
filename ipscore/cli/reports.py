"""Reports as documents: `report` (a city, or a cohort and each of its cities)."""

from __future__ import annotations

from pathlib import Path

import click

from .common import (
    chosen_lang,
    db_option,
    files_in_scope,
    jobs_option,
    lang_option,
    official_options,
    other_years,
    output_file,
    outside_option,
    pack_option,
    signoff_of,
    signoff_options,
    timestamp_of,
    timestamp_option,
    user_options,
)


@click.command("report")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@output_file("报告文件；格式由扩展名决定：.html、.md、.pdf。")
@click.option(
    "--mode",
    type=click.Choice(["full", "self-check"]),
    default="full",
    show_default=True,
    help="self-check：自查报告，先列出缺报和未达到的要求，按对等级的影响排序。",
)
@click.option(
    "--pdf-engine",
    type=click.Choice(["auto", "weasyprint", "chromium"]),
    default="auto",
    show_default=True,
    help="谁来生成 PDF。auto：一组报告（汇总和各城市报告）用 Chromium（已安装时，约快三倍），"
    "单份报告用 WeasyPrint（字体以字体嵌入）。",
)
@pack_option
@outside_option
@signoff_options
@official_options
@db_option
@user_options
@jobs_option
@timestamp_option
@lang_option
def report_cmd(
    paths: tuple[str, ...],
    output: Path,
    mode: str,
    pdf_engine: str,
    pack_id: str | None,
    org: str | None,
    reviewer: str | None,
    official: bool,
    doc_number: str | None,
    addressee: str | None,
    tz: str,
    db: str | None,
    jobs: int | None,
    timestamp: bool,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """生成评估报告：一个文件生成城市报告；目录或多个文件生成汇总报告，并在旁边生成各城市报告。

    \b
    例：
      ipscore report scenarios/xiangtan-2015.yaml -o 湘潭.html
      ipscore report scenarios/xiangtan-2015.yaml -o 湘潭-自查.pdf --mode self-check
      ipscore report scenarios/ -o 汇总.html          # 另生成 汇总-cities/ 下的各城市报告
      ipscore report scenarios/ -o 汇总.pdf --org 某省知识产权局 --reviewer 张三
      ipscore report scenarios/ -o cohort.pdf --lang en
      ipscore report scenarios/wuhan-2015.yaml -o 武汉.pdf --official --org 湖北省知识产权局 \\
        --doc-number "鄂知[2016]3号" --to "武汉市知识产权局："
    """
    signoff = signoff_of(org, reviewer, official, doc_number, addressee, tz, output)
    files_in_scope(paths, pack_id, db, users_file, user_name)
    from .. import report
    from ..decide.pipeline import assess_paths
    from ..intake.files import is_batch

    report.suffix_of(output, report.FORMATS)
    with other_years(db) as years:
        assessments = assess_paths(paths, pack_id, years)
        # A single workbook or CSV of several cities is a cohort too: never one city's report.
        cohort = is_batch(paths) or len(assessments) > 1
        from ..views.batch import default_jobs

        workers = default_jobs() if jobs is None else jobs
        written = report.write(
            assessments,
            output,
            cohort,
            chosen_lang(),
            mode,
            timestamp_of(timestamp),
            years,
            signoff,
            workers,
            pdf_engine,
        )
    for path in written:
        click.echo(str(path))
