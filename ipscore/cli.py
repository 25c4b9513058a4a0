"""The `ipscore` command: parse arguments, call the library, print. No logic of its own."""

from __future__ import annotations

import io
import itertools
import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import __version__, tables
from .assess import assess, assess_paths, build, read_all, read_one
from .engine import engine_for
from .errors import IpscoreError, PackError
from .output import to_csv, to_json, write_atomic
from .packs import find_pack, load_pack, shipped_packs

FORMATS = ("table", "json", "csv", "xlsx")
PACK_OPTION = click.option("--pack", "pack_id", help="规则包编号或文件；默认读提交文件的 pack 键。")
TABLE_OR_JSON = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)


class Context:
    def __init__(self, lang: str):
        self.lang = lang


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
    else:
        write_atomic(out, text)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="zh",
    show_default=True,
    help="输出和错误信息的语言 / language of output and errors.",
)
@click.version_option(__version__, prog_name="ipscore")
@click.pass_context
def cli(ctx: click.Context, lang: str) -> None:
    """ipscore：国家知识产权示范城市工作计划评估工具。

    按规则包（rules/*.yaml）检查城市提交的数据，给出每条要求的结论、依据和差距，
    计算得分、等级和层级内排名。

    \b
    例：
      ipscore assess scenarios/
      ipscore assess scenarios/xiangtan-2015.yaml --format json
      ipscore validate my-city.yaml
      ipscore rules list
    """
    ctx.obj = Context(lang)


@cli.command("assess")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@PACK_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table：终端表格；json：一个文件输出一个对象，多个文件输出列表；csv、xlsx：每城一行"
    "（xlsx 须用 -o 指定文件）。",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="写入文件（整体写入，失败时不留半个文件）；默认输出到终端。",
)
@click.pass_obj
def assess_cmd(
    obj: Context, paths: tuple[str, ...], pack_id: str | None, fmt: str, output: Path | None
) -> None:
    """评估一个或多个提交文件（或目录中的所有 .yaml、.json、.xlsx、.csv 文件）。

    \b
    例：
      ipscore assess scenarios/                      # 全部城市，按层级排名
      ipscore assess scenarios/xiangtan-2015.yaml    # 一个城市，逐条列出
      ipscore assess scenarios/ --format csv -o scores.csv
      ipscore assess city.json --format json -o result.json
      ipscore assess scenarios/ --format xlsx -o scores.xlsx
    """
    assessments = assess_paths(paths, pack_id)
    single = len(assessments) == 1 and len(paths) == 1 and Path(paths[0]).is_file()
    if fmt == "json":
        _emit(to_json(assessments, single), output)
    elif fmt == "csv":
        _emit(to_csv(assessments), output)
    elif fmt == "xlsx":
        from . import report  # matplotlib and openpyxl load only when a report is asked for

        if output is None:
            raise click.UsageError("--format xlsx 需要用 -o 指定输出文件，例如 -o scores.xlsx")
        write_atomic(
            output, report.score_sheet(report.single_pack(assessments), assessments, obj.lang)
        )
    else:
        _emit_tables(tables.for_assessments(assessments, single, obj.lang), output)


def _emit_tables(items: list[Table], output: Path | None) -> None:
    console = tables.console()
    if output is not None:
        console = Console(record=True, width=140, file=io.StringIO())
    for table in items:
        console.print(table)
    if output is not None:
        write_atomic(output, console.export_text())


@cli.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@PACK_OPTION
@click.pass_obj
def validate_cmd(obj: Context, paths: tuple[str, ...], pack_id: str | None) -> None:
    """检查提交文件能否评估（类型、取值范围、未知字段），并列出影响结论的缺报项。

    \b
    例：
      ipscore validate scenarios/xiangtan-2015.yaml
      ipscore validate scenarios/
    """
    for pack, submission in read_all(paths, pack_id):
        result = assess(pack, submission)
        missing = result.missing
        if obj.lang == "en":
            line = f"OK {submission.source}: {submission.city}"
            line += f"; missing inputs: {', '.join(missing)}" if missing else "; nothing missing"
        else:
            line = f"✓ {submission.source}：{submission.city}，格式无误"
            line += (
                f"；影响结论的缺报 {len(missing)} 项：{'、'.join(missing)}"
                if missing
                else "，无缺报"
            )
        click.echo(line)
        for warning in result.warnings:
            text = warning["message_en"] if obj.lang == "en" else warning["message"]
            click.echo(f"  ! {warning['id']} {text}")


@cli.command("report")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="报告文件；格式由扩展名决定：.html、.md、.pdf。",
)
@click.option(
    "--mode",
    type=click.Choice(["full", "self-check"]),
    default="full",
    show_default=True,
    help="self-check：自查报告，先列出缺报和未达到的要求，按对等级的影响排序。",
)
@click.option("--lang", "report_lang", type=click.Choice(["zh", "en"]), help="报告语言，默认中文。")
@PACK_OPTION
@click.pass_obj
def report_cmd(
    obj: Context,
    paths: tuple[str, ...],
    output: Path,
    mode: str,
    report_lang: str | None,
    pack_id: str | None,
) -> None:
    """生成评估报告：一个文件生成城市报告；目录或多个文件生成汇总报告，并在旁边生成各城市报告。

    \b
    例：
      ipscore report scenarios/xiangtan-2015.yaml -o 湘潭.html
      ipscore report scenarios/xiangtan-2015.yaml -o 湘潭-自查.pdf --mode self-check
      ipscore report scenarios/ -o 汇总.html          # 另生成 汇总-cities/ 下的各城市报告
      ipscore report scenarios/ -o cohort.pdf --lang en
    """
    from . import report  # matplotlib and openpyxl load only when a report is asked for

    report.suffix_of(output, report.FORMATS)
    assessments = assess_paths(paths, pack_id)
    cohort = not (len(paths) == 1 and Path(paths[0]).is_file())
    written = report.write(assessments, output, cohort, report_lang or obj.lang, mode)
    for path in written:
        click.echo(str(path))


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


def _print(table: Table) -> None:
    tables.console().print(table)


@cli.command("whatif")
@click.argument("path", type=click.Path())
@click.option("--set", "sets", multiple=True, help="改一个填报值：字段=值（值留空即为缺报）。")
@click.option("--drop", multiple=True, help="假设不做这项任务（其要求按未达到计），如 T7。")
@click.option("--complete", multiple=True, help="假设完成这项任务（其要求按达到计），如 T8。")
@click.option("--param", "params", multiple=True, help="改规则包参数：名称=值，如 T4.R2=1.15。")
@TABLE_OR_JSON
@PACK_OPTION
@click.pass_obj
def whatif_cmd(obj: Context, path: str, sets, drop, complete, params, fmt, pack_id) -> None:
    """假设分析：改几个数、放弃或完成某项任务、改阈值，与基准并排比较。

    \b
    例：
      ipscore whatif scenarios/xiangtan-2015.yaml --drop T7
      ipscore whatif scenarios/xiangtan-2015.yaml --set talent.operation_staff=5 --complete T8
      ipscore whatif scenarios/wuhan-2015.yaml --param T4.R2=1.15 --format json
    """
    from .whatif import Variant, compare, run

    pack, submission = read_one(path, pack_id)
    name = " ".join(
        [
            *(f"--set {s}" for s in sets),
            *(f"--drop {t}" for t in drop),
            *(f"--complete {t}" for t in complete),
            *(f"--param {p}" for p in params),
        ]
    ) or tables.in_lang(obj.lang, "不变", "unchanged")
    variant = Variant(name, _pairs(sets, "--set"), drop, complete, _pairs(params, "--param"))
    verdicts = engine_for(pack).verdicts(submission)
    base = build(pack, submission, verdicts)
    result = compare(name, base, run(pack, submission, verdicts, variant))
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print(
            tables.comparison(
                [result],
                f"{base.city}：{tables.in_lang(obj.lang, '假设分析', 'what if')}",
                obj.lang,
            )
        )


@cli.command("simulate")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@TABLE_OR_JSON
@PACK_OPTION
@click.pass_obj
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="另存为对比报告：.html、.md 或 .pdf。",
)
def simulate_cmd(
    obj: Context, path: Path, fmt: str, pack_id: str | None, output: Path | None
) -> None:
    """运行情景文件：一个基准提交文件和若干命名的变化，输出一张对比表。

    \b
    例：
      ipscore simulate scenarios/whatif/xiangtan-options.yaml
      ipscore simulate scenarios/whatif/wuhan-thresholds.yaml --format json
      ipscore simulate scenarios/whatif/xiangtan-options.yaml -o 湘潭-取舍.html
    """
    from .whatif import simulate

    name, base, rows = simulate(path, pack_id)
    if output is not None:
        from . import report

        suffix = report.suffix_of(output, report.FORMATS)
        write_atomic(output, report.simulation_report(name, base, rows, suffix, obj.lang))
    if fmt == "json":
        data = {
            "scenario": name,
            "city": base.city,
            "baseline": rows[0]["baseline"],
            "variants": rows,
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print(tables.comparison(rows, name, obj.lang))


@cli.command("plan")
@click.argument("path", type=click.Path())
@click.option("--target", required=True, help="目标等级代码，如 excellent、good、pass。")
@TABLE_OR_JSON
@PACK_OPTION
@click.pass_obj
def plan_cmd(obj: Context, path: str, target: str, fmt: str, pack_id: str | None) -> None:
    """达到目标等级最少还要做什么：可证明最少的一组具体事项，以及做完后的得分和等级。

    \b
    例：
      ipscore plan scenarios/shenzhen-2015.yaml --target good
      ipscore plan scenarios/wuhan-2015.yaml --target excellent --format json
    """
    from .plan import least_work

    pack, submission = read_one(path, pack_id)
    result = least_work(pack, submission, target)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print(tables.plan_table(result, obj.lang))


@cli.command("sensitivity")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--param", "param", required=True, help="参数=值1,值2,…，如 T4.R2=1.1,1.2,1.3。")
@TABLE_OR_JSON
@PACK_OPTION
@click.pass_obj
def sensitivity_cmd(obj: Context, paths, param: str, fmt: str, pack_id: str | None) -> None:
    """阈值敏感性：对一个规则包参数的每个取值重新评估全部城市，列出等级变化的城市。

    \b
    例：
      ipscore sensitivity scenarios/ --param T4.R2=1.1,1.2,1.3
      ipscore sensitivity scenarios/ --param T3.R4=3,5,8
      ipscore sensitivity scenarios/ --param bands.good=70,75,80 --format json
    """
    from .whatif import sensitivity

    ((name, values),) = _pairs((param,), "--param").items()
    results = sensitivity(paths, name, [v.strip() for v in values.split(",") if v.strip()], pack_id)
    if fmt == "json":
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        _print(tables.sensitivity_table(results, obj.lang))


@cli.command("template")
@click.option("--pack", "pack_id", required=True, help="规则包编号或文件。")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="填报表文件（.xlsx）。",
)
def template_cmd(pack_id: str, output: Path) -> None:
    """生成填报表（Excel）：中文项目名、单位、每格说明、是/否和选项下拉、数值校验。

    填好后可直接交给 assess、validate、report。

    \b
    例：
      ipscore template --pack cnipa-2015-demo-city -o 填报表.xlsx
      ipscore validate 填报表.xlsx
    """
    from .sheets import form

    if output.suffix.lower() != ".xlsx":
        raise click.BadParameter("填报表须为 .xlsx 文件", param_hint="-o")
    write_atomic(output, form(find_pack(pack_id)))
    click.echo(str(output))


@cli.command("test")
@click.argument("packs", nargs=-1)
@click.option(
    "--min-coverage",
    type=float,
    default=100.0,
    show_default=True,
    help="覆盖率低于此百分比时以退出码 1 结束（供 CI 使用）。",
)
@click.pass_obj
def test_cmd(obj: Context, packs: tuple[str, ...], min_coverage: float) -> None:
    """运行规则包的 YAML 测试用例，并报告覆盖率：哪些要求的哪些结论没有用例覆盖。

    不写规则包时运行全部随附的规则包。失败或覆盖率不足时退出码为 1。

    \b
    例：
      ipscore test
      ipscore test cnipa-2015-demo-city
      ipscore test my-pack-cases.yaml --min-coverage 90
    """
    from .packtests import cases_file, run_file

    failing = False
    for name in packs or tuple(shipped_packs()):
        report = run_file(cases_file(name))
        click.echo(
            f"{report.pack.id}：{len(report.passed)} 个用例通过，{len(report.failed)} 个失败，"
            f"要求和结论的覆盖率 {report.coverage:.1f}%"
        )
        if not report.failed and not report.uncovered:
            continue
        table = Table()
        table.add_column("用例 / 要求")
        table.add_column("预期")
        table.add_column("实际 / 未覆盖的结论")
        for case, wrong in report.failed.items():
            for key, (want, got) in wrong.items():
                table.add_row(f"{case}：{key}", str(want), str(got))
        for rid, verdict in report.uncovered:
            table.add_row(rid, "", f"没有用例得到 {verdict}")
        tables.console().print(table)
        failing |= bool(report.failed) or report.coverage < min_coverage
    if failing:
        sys.exit(1)


@cli.group("rules")
def rules_group() -> None:
    """规则包：列出、查看、检查。

    \b
    例：
      ipscore rules list
      ipscore rules show cnipa-2015-demo-city
      ipscore rules check rules/cnipa-2015-demo-city.yaml
    """


@rules_group.command("list")
@click.pass_obj
def rules_list(obj: Context) -> None:
    """列出随工具提供的规则包。"""
    table = Table(title="规则包" if obj.lang == "zh" else "Rule packs")
    for head in ("编号 id", "版本 version", "年度 year", "任务 tasks", "要求 reqs", "标题 title"):
        table.add_column(head)
    for pack_id in shipped_packs():
        pack = find_pack(pack_id)
        table.add_row(
            pack.id,
            pack.pack.version,
            str(pack.pack.year),
            str(len(pack.tasks)),
            str(len(pack.requirements())),
            pack.pack.title_en if obj.lang == "en" else pack.pack.title,
        )
    tables.console().print(table)


@rules_group.command("show")
@click.argument("pack_id")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_obj
def rules_show(obj: Context, pack_id: str, fmt: str) -> None:
    """逐条列出一个规则包的任务、要求、判定标准和原文依据。

    \b
    例：
      ipscore rules show cnipa-2015-demo-city
      ipscore rules show cnipa-2015-demo-city --format json
    """
    from .explain import expected

    pack = find_pack(pack_id)
    if fmt == "json":
        data = [
            {
                "task": t.id,
                "id": r.id,
                "kind": r.kind,
                "title": r.title,
                "expected": expected(pack, r, obj.lang),
                "interpretive": r.interpretive,
                "citation": r.citation.model_dump(),
            }
            for t, r in pack.requirements()
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{pack.pack.title}（{pack.id} {pack.pack.version}）", show_lines=True)
    for head in ("要求", "类别", "判定标准", "原文（章节）"):
        table.add_column(head)
    for _, req in pack.requirements():
        kind = ("必需" if req.kind == "required" else "建议") + (
            "·解读" if req.interpretive else ""
        )
        table.add_row(
            f"{req.id}\n{req.title}",
            kind,
            expected(pack, req, obj.lang),
            f"{req.citation.text}（{req.citation.section}）",
        )
    tables.console().print(table)
    click.echo(pack.scoring.note)


@rules_group.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_obj
def rules_check(obj: Context, files: tuple[Path, ...]) -> None:
    """静态检查规则包文件：未知字段、重复编号、缺少引用、类型不符、达不到的等级。

    \b
    例：
      ipscore rules check rules/cnipa-2015-demo-city.yaml
    """
    from .lint import findings

    for path in files:
        pack = load_pack(path)
        errors, notes = findings(pack, str(path))
        if errors:
            raise PackError(errors)
        for note in notes:
            click.echo(("note: " if obj.lang == "en" else "提示：") + note.render(obj.lang))
        if obj.lang == "en":
            click.echo(
                f"OK {path}: {len(pack.tasks)} tasks, {len(pack.requirements())} requirements"
            )
        else:
            click.echo(
                f"✓ {path}：{len(pack.tasks)}项任务、{len(pack.requirements())}条要求，检查通过"
            )


def main(argv: list[str] | None = None) -> None:
    """Entry point: domain errors become one readable message each and exit code 2."""
    lang = _lang(sys.argv[1:] if argv is None else argv)
    try:
        cli.main(args=argv, prog_name="ipscore", standalone_mode=False)
    except IpscoreError as exc:
        click.echo(("Error:\n" if lang == "en" else "错误：\n") + exc.render(lang), err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


def _lang(argv: list[str]) -> str:
    """The --lang of the command line, known even when click never got to parse it."""
    english = "--lang=en" in argv or any(
        a == "--lang" and b == "en" for a, b in itertools.pairwise(argv)
    )
    return "en" if english else "zh"
