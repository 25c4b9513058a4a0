"""Assessing submissions: `assess`, `validate` and the blank form, `template`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import (
    chosen_lang,
    db_option,
    emit,
    emit_tables,
    files_in_scope,
    jobs_option,
    lang_option,
    other_years,
    output_file,
    output_options,
    outside_option,
    pack_option,
    timestamp_of,
    user_options,
)

if TYPE_CHECKING:
    from ..decide.results import Assessment


@click.command("assess")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@pack_option
@outside_option
@db_option
@user_options
@output_options(
    "table",
    "json",
    "jsonl",
    "csv",
    "xlsx",
    help_format="table：终端表格；json：一个文件输出一个对象，多个文件输出列表；"
    "jsonl：每城一行 JSON（JSON Lines）；csv、xlsx：每城一行（xlsx 须用 -o 指定文件）。"
    "json、jsonl、csv 边评估边写，大批量也只占少量内存。"
    "每种输出都带来源信息（规则包指纹、输入文件指纹、版本、时间）。",
)
@jobs_option
@lang_option
def assess_cmd(
    paths: tuple[str, ...],
    pack_id: str | None,
    db: str | None,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    jobs: int | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """评估一个或多个提交文件（或目录中的所有 .yaml、.json、.xlsx、.csv 文件）。

    \b
    例：
      ipscore assess scenarios/                      # 全部城市，按层级排名
      ipscore assess scenarios/xiangtan-2015.yaml    # 一个城市，逐条列出
      ipscore assess scenarios/ --format csv -o scores.csv
      ipscore assess city.json --format json -o result.json
      ipscore assess scenarios/ --format xlsx -o scores.xlsx
      ipscore assess 全部城市/ --format jsonl -o results.jsonl --jobs 4
    """
    files_in_scope(paths, pack_id, db, users_file, user_name)
    from ..decide.pipeline import assess_paths
    from ..intake.files import is_batch

    if fmt in ("json", "jsonl", "csv"):
        from ..views import batch

        job = batch.job_for(fmt, pack_id, db, timestamp_of(timestamp), chosen_lang())
        batch.write(paths, fmt, output, job, jobs, chosen_lang())
        return
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx 需要用 -o 指定输出文件，例如 -o scores.xlsx")
    with other_years(db) as years:
        assessments = assess_paths(paths, pack_id, years)
    single = len(assessments) == 1 and not is_batch(paths)
    if fmt == "xlsx":
        from .. import report
        from ..views.output import write_atomic

        assert output is not None
        sheet = report.score_sheet(
            report.single_pack(assessments), assessments, chosen_lang(), timestamp_of(timestamp)
        )
        write_atomic(output, sheet)
    else:
        from ..views.tables.assessment import for_assessments

        emit_tables(for_assessments(assessments, single, chosen_lang()), output)


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@pack_option
@outside_option
@db_option
@user_options
@output_options(
    "table",
    "json",
    help_format="table：逐个文件一行；json：可用的文件及其缺报项，和不可用文件的全部问题"
    "（有问题时退出码仍为 2）。",
)
@lang_option
def validate_cmd(
    paths: tuple[str, ...],
    pack_id: str | None,
    db: str | None,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """检查提交文件能否评估（类型、取值范围、未知字段），并列出影响结论的缺报项。

    \b
    例：
      ipscore validate scenarios/xiangtan-2015.yaml
      ipscore validate scenarios/
      ipscore validate scenarios/ --format json
    """
    files_in_scope(paths, pack_id, db, users_file, user_name)
    from ..decide.pipeline import assess
    from ..errors import InputError
    from ..intake.files import read_each

    read, problems = read_each(paths, pack_id)
    with other_years(db) as years:
        results = [assess(pack, submission, years) for pack, submission in read]
    if fmt == "json":
        from ..views.output import dumps, validation

        emit(dumps(validation(results, problems, timestamp_of(timestamp))), output)
        if problems:
            raise SystemExit(2)  # the problems are in the JSON: no second message
        return
    # The files that are fine are confirmed beside the errors, so that one bad file in a
    # folder does not leave the office guessing about the others.
    _echo_validation(results)
    if problems:
        raise InputError(problems)


def _echo_validation(results: list[Assessment]) -> None:
    from ..views.tables.assessment import validation_lines

    for result in results:
        for line in validation_lines(result, chosen_lang()):
            click.echo(line)


@click.command("template")
@click.option("--pack", "pack_id", required=True, help="规则包编号或文件。")
@output_file("填报表文件（.xlsx）。")
@lang_option
def template_cmd(pack_id: str, output: Path) -> None:
    """生成填报表（Excel）：中文项目名、单位、每格说明、是/否和选项下拉、数值校验。

    评分表的填报表按考核评分表排列：考核内容、分值、评分标准、填报项、填报值、自评分。

    填好后可直接交给 assess、validate、report。

    \b
    例：
      ipscore template --pack cnipa-2015-demo-city -o 填报表.xlsx
      ipscore template --pack liuan-2017-advanced-unit -o 六安-评分表.xlsx
      ipscore validate 填报表.xlsx
      ipscore template --lang en --pack cnipa-2015-demo-city -o form.xlsx   （英文填报表）
    """
    from ..intake.formsheet import form
    from ..packs import find_pack
    from ..text import pick
    from ..views.output import write_atomic

    if output.suffix.lower() != ".xlsx":
        message = pick(chosen_lang(), "填报表须为 .xlsx 文件", "the form must be an .xlsx file")
        raise click.BadParameter(message, param_hint="-o")
    write_atomic(output, form(find_pack(pack_id), chosen_lang()))
    click.echo(str(output))
