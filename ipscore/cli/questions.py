"""What if, and the least work: `whatif`, `simulate`, `plan`, `sensitivity`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from ..text import pick
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
    pack_option,
    timestamp_of,
    timestamp_option,
    usage_error,
    user_options,
)


def _pairs(items: tuple[str, ...], option: str) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(
                f"应写成 名称=值，例如 {option} enforcement.city_staff=3：{item}"
            )
        out[name.strip()] = value
    return out


@click.command("whatif")
@click.argument("path", type=click.Path())
@click.option("--set", "sets", multiple=True, help="改一个填报值：字段=值（值留空即为缺报）。")
@click.option("--drop", multiple=True, help="假设不做这项任务（其要求按未达到计），如 T7。")
@click.option("--complete", multiple=True, help="假设完成这项任务（其要求按达到计），如 T8。")
@click.option("--param", "params", multiple=True, help="改规则包参数：名称=值，如 T4.R2=1.15。")
@output_options("table", "json")
@pack_option
@outside_option
@db_option
@user_options
@lang_option
def whatif_cmd(
    path: str,
    sets: tuple[str, ...],
    drop: tuple[str, ...],
    complete: tuple[str, ...],
    params: tuple[str, ...],
    fmt: str,
    output: Path | None,
    timestamp: bool,
    pack_id: str | None,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """假设分析：改几个数、放弃或完成某项任务、改阈值，与基准并排比较。

    \b
    例：
      ipscore whatif scenarios/xiangtan-2015.yaml --drop T7
      ipscore whatif scenarios/xiangtan-2015.yaml --set talent.operation_staff=5 --complete T8
      ipscore whatif scenarios/wuhan-2015.yaml --param T4.R2=1.15 --format json
    """
    files_in_scope((path,), pack_id, db, users_file, user_name)
    from ..questions.whatif import command_line_variant, whatif

    variant = command_line_variant(
        _pairs(sets, "--set"), drop, complete, _pairs(params, "--param"), chosen_lang()
    )
    with other_years(db) as years:
        result = whatif(path, variant, pack_id, years)
    if fmt == "json":
        from ..views.output import dumps

        emit(dumps(result.to_dict(timestamp_of(timestamp))), output)
    else:
        from ..views.tables.questions import comparison

        title = f"{result.baseline.city}{pick(chosen_lang(), '：假设分析', ': what if')}"
        emit_tables([comparison([result], title, chosen_lang())], output)


def _bases(paths: tuple[Path, ...]) -> tuple[str, ...]:
    """The submission files the scenario files are built on: whose city a scope asks."""
    from ..intake.files import read_scenario, scenario_files

    return tuple(str(read_scenario(path).base) for path in scenario_files(paths))


@click.command("simulate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="另存为对比报告：.html、.md、.pdf 或 .docx（只用于一个情景文件）。",
)
@timestamp_option
@pack_option
@outside_option
@db_option
@user_options
@lang_option
def simulate_cmd(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    timestamp: bool,
    pack_id: str | None,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """运行情景文件：一个基准提交文件和若干命名的变化，输出一张对比表。

    可以写几个情景文件，或目录（读其中的 *.whatif.yaml）。

    \b
    例：
      ipscore simulate scenarios/xiangtan-options.whatif.yaml
      ipscore simulate scenarios/                     目录下的全部情景文件
      ipscore simulate scenarios/wuhan-thresholds.whatif.yaml --format json
      ipscore simulate scenarios/xiangtan-options.whatif.yaml -o 湘潭-取舍.html
    """
    files_in_scope(_bases(paths), pack_id, db, users_file, user_name)
    from ..intake.files import scenario_files
    from ..questions.whatif import simulate

    files = scenario_files(paths)
    if output is not None and len(files) != 1:
        raise usage_error(
            f"-o 只能用于一个情景文件，这里有 {len(files)} 个",
            f"-o takes one scenario file; {len(files)} were given",
            "-o",
        )
    with other_years(db) as years:
        results = [simulate(path, pack_id, years) for path in files]
    stamp = timestamp_of(timestamp)
    if output is not None:
        from .. import report
        from ..views.output import write_atomic

        suffix = report.suffix_of(output, report.FORMATS)
        write_atomic(output, report.simulation_report(results[0], suffix, chosen_lang(), stamp))
    if fmt == "json":
        from ..views.output import dumps

        found = [r.to_dict(stamp) for r in results]
        emit(dumps(found[0] if len(found) == 1 else found), None)
    else:
        from ..views.tables.questions import comparison

        emit_tables([comparison(r.comparisons, r.name, chosen_lang()) for r in results], None)


@click.command("plan")
@click.argument("path", type=click.Path())
@click.option("--target", help="目标等级代码，如 excellent、good、pass。")
@click.option("--score", "score", help="目标总分，如 60（与 --target 只写一个）。")
@output_options("table", "json")
@pack_option
@outside_option
@db_option
@user_options
@lang_option
def plan_cmd(
    path: str,
    target: str | None,
    score: str | None,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    pack_id: str | None,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """达到目标等级或总分最少还要做什么：可证明最少的一组具体事项，以及做完后的得分和等级。

    评分表（method: points）按评分项计：改动的评分项最少，其次新增工作量最少；每项写明
    填报值怎么改、得分从几分到几分。

    \b
    例：
      ipscore plan scenarios/shenzhen-2015.yaml --target good
      ipscore plan scenarios/wuhan-2015.yaml --target excellent --format json
      ipscore plan 舒城县.yaml --score 60
    """
    files_in_scope((path,), pack_id, db, users_file, user_name)
    from ..intake.files import read_one
    from ..questions.plan import least_work

    if (target is None) == (score is None):
        raise usage_error(
            "请给出一个目标：--target 等级，或 --score 总分（只写其中一个）",
            "give one target: --target GRADE or --score TOTAL (not both)",
            "--target",
        )
    total = None
    if score is not None:
        total = _total(score)
    pack, submission = read_one(path, pack_id)
    with other_years(db) as years:
        result = least_work(pack, submission, target, years, total)
    if fmt == "json":
        from ..views.output import dumps

        emit(dumps(result.to_dict(timestamp_of(timestamp))), output)
    else:
        from ..views.tables.questions import plan_table

        emit_tables([plan_table(result, chosen_lang())], output)


def _total(text: str) -> Decimal:
    """`--score`: a finite number, as typed (60, 62.5)."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or abs(number) > 10**9:
        raise usage_error(
            f"--score 应为一个数，如 60：{text}",
            f"--score takes a number, e.g. 60: {text}",
            "--score",
        )
    return number


@click.command("sensitivity")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--param",
    "params",
    multiple=True,
    help="参数=值1,值2,…，如 T4.R2=1.1,1.2,1.3（一次一个参数）。",
)
@click.option(
    "--fields",
    "per_field",
    is_flag=True,
    help="评分表：每个填报值怎样改变总分（到下一档得几分、每件得几分）。",
)
@output_options("table", "json")
@pack_option
@outside_option
@db_option
@user_options
@lang_option
def sensitivity_cmd(
    paths: tuple[str, ...],
    params: tuple[str, ...],
    per_field: bool,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    pack_id: str | None,
    db: str | None,
    users_file: Path | None,
    user_name: str | None,
) -> None:
    """阈值敏感性：对一个规则包参数的每个取值重新评估全部城市，列出等级变化的城市。

    评分表（method: points）列出总分变化的县区；参数是各评分项的档位比例（如
    invention-grants#2=0.85 即“90%以上”改为“85%以上”）、固定目标和按件得分上限。
    --fields 列出每个填报值怎样改变总分。

    \b
    例：
      ipscore sensitivity scenarios/ --param T4.R2=1.1,1.2,1.3
      ipscore sensitivity scenarios/ --param T3.R4=3,5,8
      ipscore sensitivity scenarios/ --param bands.good=70,75,80 --format json
      ipscore sensitivity 舒城县.yaml --fields
    """
    files_in_scope(paths, pack_id, db, users_file, user_name)
    from ..questions.whatif import field_sensitivity, sensitivity

    if per_field:
        if params:
            raise usage_error(
                "--fields 与 --param 只写一个", "give --fields or --param, not both", "--fields"
            )
        with other_years(db) as years:
            found = field_sensitivity(paths, pack_id, years)
        if fmt == "json":
            from ..views.output import dumps

            stamp = timestamp_of(timestamp)
            listed = [f.to_dict(stamp) for f in found]
            emit(dumps(listed[0] if len(listed) == 1 else listed), output)
        else:
            from ..views.tables.questions import margins_table

            emit_tables([margins_table(f, chosen_lang()) for f in found], output)
        return
    if not params:
        raise usage_error(
            "请给出 --param 参数=值1,值2,…（评分表也可用 --fields）",
            "give --param NAME=V1,V2,… (or --fields for a points sheet)",
            "--param",
        )
    if len(params) > 1:
        raise click.UsageError(
            "sensitivity 一次扫描一个参数；要同时改几个参数，请写情景文件用 simulate，"
            f"或分别运行（收到 {len(params)} 个 --param）"
        )
    ((name, values),) = _pairs(params, "--param").items()
    chosen = [v.strip() for v in values.split(",") if v.strip()]
    if not chosen:
        raise click.UsageError(f"--param {name}= 没有给出取值，例如 --param {name}=1.1,1.2,1.3")
    with other_years(db) as years:
        result = sensitivity(paths, name, chosen, pack_id, years)
    if fmt == "json":
        from ..views.output import dumps

        emit(dumps(result.to_dict(timestamp_of(timestamp))), output)
    else:
        from ..views.tables.questions import sensitivity_table

        emit_tables([sensitivity_table(result, chosen_lang())], output)
