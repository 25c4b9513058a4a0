"""The strength evaluation: `strength`."""

from __future__ import annotations

from pathlib import Path

import click

from .common import (
    chosen_lang,
    db_option,
    emit,
    emit_tables,
    files_in_scope,
    lang_option,
    other_years,
    output_options,
    outside_option,
    signoff_options,
    timestamp_of,
    user_options,
)


@click.command("strength")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--pack",
    "pack_id",
    help="指数规则包（kind: index）编号或文件；默认读提交文件的 pack 键，如 cnipa-2015-strength。",
)
@click.option(
    "--uncertainty",
    "draws",
    type=click.IntRange(0, 20_000),  # draws × cities are held in memory: 20,000 is plenty
    default=0,
    help="蒙特卡洛次数：随机变动规则包 uncertainty 列出的每个假设（权重、标准化、汇总、缺报处理、"
    "异常值处理、去掉一个指标），给出每个城市排名的中位数和5%–95%区间。",
)
@click.option(
    "--sensitivity",
    "base",
    type=click.IntRange(0, 65_536),
    default=0,
    help="敏感性分析的基础样本数 N（2的幂，如1024）：按 Saltelli 设计运行 N×(假设数+2) 次，"
    "给出每个假设对平均排名变动的一阶和总 Sobol 指数。",
)
@click.option("--seed", type=int, default=0, show_default=True, help="随机数种子（结果可重现）。")
@click.option(
    "--audit",
    "audit",
    is_flag=True,
    help="指数审计：各指标的统计量和离群标记、相关矩阵、各方面的 Cronbach α、主成分、有效权重、"
    "影响各城市排名最大的指标；终端和 JSON 中列出，-o 的报告中加一节。",
)
@output_options("table", "json", "csv")
@outside_option
@signoff_options
@db_option
@user_options
@lang_option
def strength_cmd(
    paths: tuple[str, ...],
    pack_id: str | None,
    draws: int,
    base: int,
    seed: int,
    audit: bool,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    org: str | None,
    reviewer: str | None,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """实力状况评价（工作计划四（二））：按创造、运用、保护、管理、服务的客观结果计算指数，
    在同一层级内排名。

    数据核对（如发明专利授权量不超过授权总量）由规则引擎判定，未通过的城市不参加排名并列出原因。
    归档中有上一年度同一规则包的数据时，列出上年的指数和排名。-o 的扩展名为 .html、.md、.pdf、
    .docx 时生成评价报告（每个城市一张雷达图），.xlsx、.csv 时生成排名表。

    \b
    例：
      ipscore strength scenarios/strength-2015/
      ipscore strength scenarios/strength-2015/ --uncertainty 1000 --seed 1
      ipscore strength scenarios/strength-2015/ --sensitivity 1024 --seed 1
      ipscore strength scenarios/strength-2015/ -o 实力状况评价.pdf
      ipscore strength scenarios/strength-2015/ --audit
    """
    files_in_scope(paths, pack_id, db, users_file, user_name)
    from .. import report
    from ..strength.evaluation import audited, evaluate
    from ..strength.sensitivity import need_a_power_of_two

    if base:
        need_a_power_of_two(base)

    if output is not None:
        report.suffix_of(output, (*report.FORMATS, ".xlsx", ".csv", ".json", ".txt"))
    with other_years(db) as archive:
        result = evaluate(paths, pack_id, draws, seed, archive, base)
    if audit:
        result = audited(result)
    stamp = timestamp_of(timestamp)
    suffix = output.suffix.lower() if output is not None else ""
    from ..views.tables.strength import comparable_line

    if (line := comparable_line(result, chosen_lang())) is not None:
        click.echo(line, err=True)
    if output is not None or fmt != "table":  # the terminal table lists them itself
        from ..views.tables.strength import excluded_lines

        for line in excluded_lines(result, chosen_lang()):
            click.echo(line, err=True)
    if output is not None and suffix in (*report.FORMATS, ".xlsx", ".csv"):
        report.write_strength(result, output, chosen_lang(), stamp, report.SignOff(org, reviewer))
        click.echo(str(output))
    elif fmt == "json":
        from ..views.output import dumps

        emit(dumps(result.to_dict(stamp)), output)
    elif fmt == "csv":
        from ..report.strength import csv_text

        emit(csv_text(result, chosen_lang()), output)
    else:
        from ..views.tables.audit import audit_tables
        from ..views.tables.strength import strength_tables

        tables = strength_tables(result, chosen_lang())
        emit_tables([*tables, *audit_tables(result, chosen_lang())], output)
