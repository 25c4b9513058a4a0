"""The `ipscore` command: parse arguments, call the library, print. No logic of its own.

Heavy libraries (pandas, openpyxl, matplotlib, the engine) load inside the commands that use
them, so `ipscore --help` starts quickly. A domain error becomes one readable message in the
chosen language and exit code 2, at one place: `Group.invoke`.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .. import interrupt
from .._version import __version__
from ..errors import IpscoreError
from ..text import LANGS, pick
from . import clicktext

if TYPE_CHECKING:
    from rich.table import Table

    from ..decide.results import Assessment
    from ..store.archive import Archive
    from ..store.lazy import ArchivedFigures

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    def __init__(self) -> None:
        self.lang = "zh"


class Failure(click.ClickException):
    """A domain error (bad input, a broken pack), rendered in the language the command line
    chose; exit code 2, as for a usage error."""

    exit_code = 2

    def __init__(self, error: IpscoreError, lang: str):
        super().__init__(error.render(lang))
        self.lang = lang

    def show(self, file: Any = None) -> None:
        head = pick(self.lang, "错误：\n", "Error:\n")
        click.echo(head + self.message, err=True)


class Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IpscoreError as exc:
            raise Failure(exc, ctx.ensure_object(Context).lang) from None


_CHOSEN: dict[str, str] = {}  # the --lang given, for click's own messages (see clicktext)


def _set_lang(ctx: click.Context, _: click.Parameter, value: str | None) -> None:
    if value:
        ctx.find_root().ensure_object(Context).lang = value
        _CHOSEN["lang"] = value


clicktext.install(lambda: _CHOSEN.get("lang") or clicktext.env_lang())


def lang_option(func: F) -> F:
    """`--lang zh|en`, accepted before or after the command name; IPSCORE_LANG sets a default.

    The one way the language of output and errors is chosen.
    """
    return click.option(
        "--lang",
        type=click.Choice(LANGS),
        envvar="IPSCORE_LANG",
        expose_value=False,
        is_eager=True,
        callback=_set_lang,
        help="输出和错误信息的语言（默认中文）/ language of output and errors.",
    )(func)


def _lang() -> str:
    return click.get_current_context().ensure_object(Context).lang


pack_option = click.option("--pack", "pack_id", help="规则包编号或文件；默认读提交文件的 pack 键。")


def _allow_outside(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    from ..yamlio import OUTSIDE

    OUTSIDE["allowed"] = value


outside_option = click.option(
    "--allow-outside",
    is_flag=True,
    expose_value=False,
    callback=_allow_outside,
    help="允许读取所在文件夹之外的 reference:、base: 文件（只用于自己的文件；"
    "默认只读提交文件或情景文件所在文件夹内的文件）。",
)

jobs_option = click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="并行进程数（默认为本机的处理器核数）；大批量时按文件或表格行分给各进程，结果仍按输入顺序。",
)

db_option = click.option(
    "--db",
    envvar="IPSCORE_DB",
    help="归档数据库：SQLite 文件路径，或数据库 URL（如 postgresql+psycopg://用户@主机/库）；"
    "也可设环境变量 IPSCORE_DB；默认在用户数据目录（见 ipscore archive where）。",
)


@contextmanager
def _other_years(db: str | None) -> Iterator[ArchivedFigures | None]:
    """Other years' figures from the archive named by --db or IPSCORE_DB, else the default
    archive if there is one; opened only if a pack reads another year."""
    from ..store.lazy import configured

    figures = configured(db)
    try:
        yield figures
    finally:
        if figures is not None:
            figures.close()


def signoff_options(func: F) -> F:
    """--org and --reviewer: the sign-off block at the end of a report."""
    func = click.option(
        "--reviewer",
        envvar="IPSCORE_REVIEWER",
        help="审核人，印在签署栏（也可设 IPSCORE_REVIEWER）。",
    )(func)
    return click.option(
        "--org", envvar="IPSCORE_ORG", help="评估单位，印在报告末尾的签署栏（也可设 IPSCORE_ORG）。"
    )(func)


timestamp_option = click.option(
    "--no-timestamp",
    "timestamp",
    flag_value=False,
    default=True,
    help="不写生成时间，同一输入得到逐字节相同的输出（也可设 SOURCE_DATE_EPOCH 固定时间）。",
)


def output_options(*formats: str, help_format: str | None = None) -> Callable[[F], F]:
    """The options every command that prints a result shares: --format, -o and --no-timestamp."""

    def decorate(func: F) -> F:
        func = timestamp_option(func)
        func = click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, path_type=Path),
            help="写入文件（整体写入，失败时不留半个文件）；默认输出到终端。",
        )(func)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default=formats[0],
            show_default=True,
            help=help_format,
        )(func)

    return decorate


def _emit(text: str, output: Path | None) -> None:
    from ..views.output import write_atomic

    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)


def _emit_tables(items: list[Table], output: Path | None) -> None:
    from ..views import tables

    if output is None:
        console = tables.console()
        for table in items:
            console.print(table)
    else:
        _emit(tables.as_text(items), output)


def _stamp(timestamp: bool) -> str | None:
    from ..provenance import produced_at

    return produced_at(timestamp)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@lang_option
@click.version_option(__version__, prog_name="ipscore")
def cli() -> None:
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


@cli.command("assess")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@pack_option
@outside_option
@db_option
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
    from ..decide.pipeline import assess_paths
    from ..intake.files import is_batch

    if fmt in ("json", "jsonl", "csv"):
        from ..views import batch

        job = batch.job_for(fmt, pack_id, db, _stamp(timestamp), _lang())
        batch.write(paths, fmt, output, job, jobs, _lang())
        return
    if fmt == "xlsx" and output is None:
        raise click.UsageError("--format xlsx 需要用 -o 指定输出文件，例如 -o scores.xlsx")
    with _other_years(db) as years:
        assessments = assess_paths(paths, pack_id, years)
    single = len(assessments) == 1 and not is_batch(paths)
    if fmt == "xlsx":
        from .. import report
        from ..views.output import write_atomic

        assert output is not None
        sheet = report.score_sheet(
            report.single_pack(assessments), assessments, _lang(), _stamp(timestamp)
        )
        write_atomic(output, sheet)
    else:
        from ..views import tables

        _emit_tables(tables.for_assessments(assessments, single, _lang()), output)


@cli.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@pack_option
@outside_option
@db_option
@lang_option
def validate_cmd(paths: tuple[str, ...], pack_id: str | None, db: str | None) -> None:
    """检查提交文件能否评估（类型、取值范围、未知字段），并列出影响结论的缺报项。

    \b
    例：
      ipscore validate scenarios/xiangtan-2015.yaml
      ipscore validate scenarios/
    """
    from ..decide.pipeline import assess_paths
    from ..errors import IpscoreError
    from ..intake.files import submission_files

    with _other_years(db) as years:
        try:
            results = assess_paths(paths, pack_id, years)
        except IpscoreError:
            # Confirm the files that are fine before the errors, so that one bad file in a
            # folder does not leave the office guessing about the others.
            results = []
            for path in submission_files(paths):
                with contextlib.suppress(IpscoreError):
                    results += assess_paths([path], pack_id, years)
            _echo_validation(results)
            raise
    _echo_validation(results)


def _echo_validation(results: list[Assessment]) -> None:
    from ..views import tables

    for result in results:
        for line in tables.validation_lines(result, _lang()):
            click.echo(line)


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
@db_option
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
    db: str | None,
    jobs: int | None,
    timestamp: bool,
) -> None:
    """生成评估报告：一个文件生成城市报告；目录或多个文件生成汇总报告，并在旁边生成各城市报告。

    \b
    例：
      ipscore report scenarios/xiangtan-2015.yaml -o 湘潭.html
      ipscore report scenarios/xiangtan-2015.yaml -o 湘潭-自查.pdf --mode self-check
      ipscore report scenarios/ -o 汇总.html          # 另生成 汇总-cities/ 下的各城市报告
      ipscore report scenarios/ -o 汇总.pdf --org 某省知识产权局 --reviewer 张三
      ipscore report scenarios/ -o cohort.pdf --lang en
    """
    from .. import report
    from ..decide.pipeline import assess_paths
    from ..intake.files import is_batch

    report.suffix_of(output, report.FORMATS)
    with _other_years(db) as years:
        assessments = assess_paths(paths, pack_id, years)
        # A single workbook or CSV of several cities is a cohort too: never one city's report.
        cohort = is_batch(paths) or len(assessments) > 1
        signoff = report.SignOff(org, reviewer)
        from ..views.batch import default_jobs

        workers = default_jobs() if jobs is None else jobs
        written = report.write(
            assessments,
            output,
            cohort,
            _lang(),
            mode,
            _stamp(timestamp),
            years,
            signoff,
            workers,
            pdf_engine,
        )
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


@cli.command("whatif")
@click.argument("path", type=click.Path())
@click.option("--set", "sets", multiple=True, help="改一个填报值：字段=值（值留空即为缺报）。")
@click.option("--drop", multiple=True, help="假设不做这项任务（其要求按未达到计），如 T7。")
@click.option("--complete", multiple=True, help="假设完成这项任务（其要求按达到计），如 T8。")
@click.option("--param", "params", multiple=True, help="改规则包参数：名称=值，如 T4.R2=1.15。")
@output_options("table", "json")
@pack_option
@outside_option
@db_option
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
) -> None:
    """假设分析：改几个数、放弃或完成某项任务、改阈值，与基准并排比较。

    \b
    例：
      ipscore whatif scenarios/xiangtan-2015.yaml --drop T7
      ipscore whatif scenarios/xiangtan-2015.yaml --set talent.operation_staff=5 --complete T8
      ipscore whatif scenarios/wuhan-2015.yaml --param T4.R2=1.15 --format json
    """
    from ..questions.whatif import command_line_variant, whatif

    variant = command_line_variant(
        _pairs(sets, "--set"), drop, complete, _pairs(params, "--param"), _lang()
    )
    with _other_years(db) as years:
        result = whatif(path, variant, pack_id, years)
    if fmt == "json":
        from ..views.output import dumps

        _emit(dumps(result.to_dict(_stamp(timestamp))), output)
    else:
        from ..views import tables

        title = f"{result.baseline.city}{pick(_lang(), '：假设分析', ': what if')}"
        _emit_tables([tables.comparison([result], title, _lang())], output)


@cli.command("simulate")
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
@lang_option
def simulate_cmd(
    paths: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    timestamp: bool,
    pack_id: str | None,
    db: str | None,
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
    from ..intake.files import scenario_files
    from ..questions.whatif import simulate

    files = scenario_files(paths)
    if output is not None and len(files) != 1:
        raise _usage(
            f"-o 只能用于一个情景文件，这里有 {len(files)} 个",
            f"-o takes one scenario file; {len(files)} were given",
            "-o",
        )
    with _other_years(db) as years:
        results = [simulate(path, pack_id, years) for path in files]
    stamp = _stamp(timestamp)
    if output is not None:
        from .. import report
        from ..views.output import write_atomic

        suffix = report.suffix_of(output, report.FORMATS)
        write_atomic(output, report.simulation_report(results[0], suffix, _lang(), stamp))
    if fmt == "json":
        from ..views.output import dumps

        found = [r.to_dict(stamp) for r in results]
        _emit(dumps(found[0] if len(found) == 1 else found), None)
    else:
        from ..views import tables

        _emit_tables([tables.comparison(r.comparisons, r.name, _lang()) for r in results], None)


@cli.command("plan")
@click.argument("path", type=click.Path())
@click.option("--target", required=True, help="目标等级代码，如 excellent、good、pass。")
@output_options("table", "json")
@pack_option
@outside_option
@db_option
@lang_option
def plan_cmd(
    path: str,
    target: str,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    pack_id: str | None,
    db: str | None,
) -> None:
    """达到目标等级最少还要做什么：可证明最少的一组具体事项，以及做完后的得分和等级。

    \b
    例：
      ipscore plan scenarios/shenzhen-2015.yaml --target good
      ipscore plan scenarios/wuhan-2015.yaml --target excellent --format json
    """
    from ..intake.files import read_one
    from ..questions.plan import least_work

    pack, submission = read_one(path, pack_id)
    with _other_years(db) as years:
        result = least_work(pack, submission, target, years)
    if fmt == "json":
        from ..views.output import dumps

        _emit(dumps(result.to_dict(_stamp(timestamp))), output)
    else:
        from ..views import tables

        _emit_tables([tables.plan_table(result, _lang())], output)


@cli.command("sensitivity")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--param",
    "params",
    required=True,
    multiple=True,
    help="参数=值1,值2,…，如 T4.R2=1.1,1.2,1.3（一次一个参数）。",
)
@output_options("table", "json")
@pack_option
@outside_option
@db_option
@lang_option
def sensitivity_cmd(
    paths: tuple[str, ...],
    params: tuple[str, ...],
    fmt: str,
    output: Path | None,
    timestamp: bool,
    pack_id: str | None,
    db: str | None,
) -> None:
    """阈值敏感性：对一个规则包参数的每个取值重新评估全部城市，列出等级变化的城市。

    \b
    例：
      ipscore sensitivity scenarios/ --param T4.R2=1.1,1.2,1.3
      ipscore sensitivity scenarios/ --param T3.R4=3,5,8
      ipscore sensitivity scenarios/ --param bands.good=70,75,80 --format json
    """
    from ..questions.whatif import sensitivity

    if len(params) > 1:
        raise click.UsageError(
            "sensitivity 一次扫描一个参数；要同时改几个参数，请写情景文件用 simulate，"
            f"或分别运行（收到 {len(params)} 个 --param）"
        )
    ((name, values),) = _pairs(params, "--param").items()
    chosen = [v.strip() for v in values.split(",") if v.strip()]
    if not chosen:
        raise click.UsageError(f"--param {name}= 没有给出取值，例如 --param {name}=1.1,1.2,1.3")
    with _other_years(db) as years:
        result = sensitivity(paths, name, chosen, pack_id, years)
    if fmt == "json":
        from ..views.output import dumps

        _emit(dumps(result.to_dict(_stamp(timestamp))), output)
    else:
        from ..views import tables

        _emit_tables([tables.sensitivity_table(result, _lang())], output)


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
    from ..intake.formsheet import form
    from ..packs import find_pack
    from ..views.output import write_atomic

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
def test_cmd(packs: tuple[str, ...], min_coverage: float) -> None:
    """运行规则包的 YAML 测试用例，并报告覆盖率：哪些要求的哪些结论没有用例覆盖。

    不写规则包时运行全部随附的规则包。失败或覆盖率不足时退出码为 1。

    \b
    例：
      ipscore test
      ipscore test cnipa-2015-demo-city
      ipscore test my-pack-cases.yaml --min-coverage 90
    """
    from ..packcheck.cases import cases_file, run_file
    from ..packs import shipped_packs
    from ..views import tables

    failing = False
    for name in packs or tuple(shipped_packs()):
        report = run_file(cases_file(name))
        click.echo(tables.pack_test_line(report, _lang()))
        table = tables.pack_test_table(report, _lang())
        if table is None:
            continue
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
      ipscore rules diff cnipa-2015-demo-city 修订包.yaml
    """


@rules_group.command("list")
@lang_option
def rules_list() -> None:
    """列出随工具提供的规则包，及其版本和内容指纹。"""
    from ..packs import find_pack, shipped_packs
    from ..views import tables

    packs = [find_pack(pack_id) for pack_id in shipped_packs()]
    tables.console().print(tables.packs_table(packs, _lang()))


@rules_group.command("show")
@click.argument("pack_id")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--fields",
    "show_fields",
    is_flag=True,
    help="列出填报字段：代码、名称、类型、单位、读取它的要求。",
)
@lang_option
def rules_show(pack_id: str, fmt: str, show_fields: bool) -> None:
    """逐条列出一个规则包的任务、要求、判定标准和原文依据；--fields 列出填报字段。

    \b
    例：
      ipscore rules show cnipa-2015-demo-city
      ipscore rules show cnipa-2015-demo-city --fields
      ipscore rules show cnipa-2015-demo-city --format json
    """
    from ..decide.explain import requirement_list
    from ..packs import find_pack
    from ..views import tables
    from ..views.output import dumps

    pack = find_pack(pack_id)
    if show_fields:
        if fmt == "json":
            click.echo(dumps(tables.field_list(pack, _lang())), nl=False)
        else:
            tables.console().print(tables.fields_table(pack, _lang()))
        return
    if fmt == "json":
        click.echo(dumps(requirement_list(pack, _lang())), nl=False)
        return
    tables.console().print(tables.pack_table(pack, _lang()))
    amendments = tables.amendments_table(pack, _lang())
    if amendments is not None:
        tables.console().print(amendments)
    click.echo(pick(_lang(), pack.scoring.note, pack.scoring.note_en))


@rules_group.command("diff")
@click.argument("first")
@click.argument("second")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@lang_option
def rules_diff(first: str, second: str, fmt: str) -> None:
    """比较两个规则包（编号或文件）：新增、删除、修改了哪些要求、任务、字段、必做任务和等级线。

    \b
    例：
      ipscore rules diff cnipa-2015-demo-city tests/amended-pack.yaml
      ipscore rules diff 旧版.yaml 新版.yaml --format json
    """
    from ..packs import find_pack
    from ..packs.diff import differences
    from ..views import tables
    from ..views.output import dumps

    a, b = find_pack(first), find_pack(second)
    if fmt == "json":
        click.echo(dumps([d.to_dict() for d in differences(a, b)]), nl=False)
    else:
        tables.console().print(tables.pack_diff_table(a, b, _lang()))


@rules_group.command("check")
@click.argument("packs", nargs=-1)
@click.option(
    "--witness", is_flag=True, help="列出每条要求每个可达结论的见证数据（求解器给出、引擎复核）。"
)
@lang_option
def rules_check(packs: tuple[str, ...], witness: bool) -> None:
    """检查规则包（编号或文件；不写则检查全部随附的规则包）：未知字段、重复编号、缺少引用、
    类型不符、达不到的等级；并用 z3 求解器精确证明每条要求能得到哪些结论（各给一份见证数据，
    交引擎复核）、“达到”与“未达到”之间无重叠无遗漏。每个规则包都检查完，有错时最后一并列出。

    \b
    例：
      ipscore rules check
      ipscore rules check cnipa-2015-demo-city --witness
      ipscore rules check my-pack.yaml rules/*.yaml
    """
    from ..errors import PackError, Problem
    from ..packcheck.lint import check
    from ..views.tables import proof_lines

    lang = _lang()
    errors: list[Problem] = []
    for checked in check(packs):
        for note in checked.notes:
            click.echo(pick(lang, "提示：", "note: ") + note.render(lang))
        if checked.errors or checked.pack is None:
            errors += checked.errors
            click.echo(pick(lang, f"✗ {checked.name}：有错误（见下）", f"FAILED {checked.name}"))
            continue
        for line in proof_lines(checked.name, checked.pack, checked.proofs, witness, lang):
            click.echo(line)
    if errors:
        raise PackError(list(errors))


@cli.group("archive")
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
@db_option
@jobs_option
@lang_option
def archive_add(
    paths: tuple[str, ...], pack_id: str | None, by: str | None, db: str | None, jobs: int | None
) -> None:
    """评估并存档提交文件（文件、目录、Excel、CSV）；整批一次写入，出错则一条也不存。

    规则包评估年度以外的文件（如按2015年规则包字段填写的2014年数据）只存数据。

    \b
    例：
      ipscore archive add scenarios/ --by 张三
      ipscore archive add 武汉-2014.yaml --pack cnipa-2015-demo-city
    """
    from ..provenance import now
    from ..views import batch, tables

    with _archive(db) as archive:
        done = batch.archive(archive, paths, now(), by, pack_id, jobs)
    for line in tables.archived_lines(done, _lang()):
        click.echo(line)


@archive_group.command("list")
@click.option("--city", help="只列这个城市。")
@click.option("--year", type=int, help="只列这个年度。")
@click.option("--pack", "pack_id", help="只列这个规则包。")
@click.option("--all", "every_version", is_flag=True, help="也列出被更正取代的旧版本。")
@db_option
@lang_option
def archive_list(
    city: str | None, year: int | None, pack_id: str | None, every_version: bool, db: str | None
) -> None:
    """列出存档（默认只列当前版本）。"""
    from ..views import tables

    with _archive(db) as archive:
        stored = archive.submissions(city, year, pack_id, every_version)
    tables.console().print(tables.archive_table(stored, _lang()))


@archive_group.command("show")
@click.argument("city")
@click.argument("year", type=int)
@click.option("--pack", "pack_id", help="规则包编号（同一城市年度存在多个规则包时必填）。")
@click.option("--version", "version", type=int, help="第几版（默认当前版）。")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@db_option
@lang_option
def archive_show(
    city: str, year: int, pack_id: str | None, version: int | None, fmt: str, db: str | None
) -> None:
    """查看一条存档：来源、评估结果和全部填报数据。

    \b
    例：
      ipscore archive show 武汉市 2015
      ipscore archive show 武汉市 2015 --version 1 --format json
    """
    from ..views import tables
    from ..views.output import dumps

    with _archive(db) as archive:
        found = archive.find(city, year, pack_id, version)
    if fmt == "json":
        click.echo(dumps(found.to_dict()), nl=False)
    else:
        tables.console().print(tables.stored_table(found, _lang()))


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
            _lang(),
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


@cli.command("history")
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

        _emit(dumps({**found.to_dict(), "produced_at": _stamp(timestamp)}), output)
    else:
        from ..views import tables

        _emit_tables([tables.history_table(found, _lang())], output)


@cli.command("review")
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

        report.write_review(result, output, _lang(), _stamp(timestamp))
        click.echo(str(output))
    elif fmt == "json":
        from ..views.output import dumps

        _emit(dumps({**result.to_dict(), "produced_at": _stamp(timestamp)}), output)
    else:
        from ..views import tables

        _emit_tables([tables.review_table(result, _lang())], output)


@cli.command("strength")
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
    help="蒙特卡洛次数：随机变动权重（及规则包列出的标准化方法），给出每个城市排名的中位数和"
    "5%–95%区间。",
)
@click.option("--seed", type=int, default=0, show_default=True, help="随机数种子（结果可重现）。")
@output_options("table", "json", "csv")
@outside_option
@signoff_options
@db_option
@lang_option
def strength_cmd(
    paths: tuple[str, ...],
    pack_id: str | None,
    draws: int,
    seed: int,
    fmt: str,
    output: Path | None,
    timestamp: bool,
    org: str | None,
    reviewer: str | None,
    db: str | None,
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
      ipscore strength scenarios/strength-2015/ -o 实力状况评价.pdf
    """
    from .. import report
    from ..strength.evaluation import evaluate

    if output is not None:
        report.suffix_of(output, (*report.FORMATS, ".xlsx", ".csv", ".json", ".txt"))
    with _other_years(db) as archive:
        result = evaluate(paths, pack_id, draws, seed, archive)
    stamp = _stamp(timestamp)
    suffix = output.suffix.lower() if output is not None else ""
    if output is not None or fmt != "table":  # the terminal table lists them itself
        from ..views.tables import excluded_lines

        for line in excluded_lines(result, _lang()):
            click.echo(line, err=True)
    if output is not None and suffix in (*report.FORMATS, ".xlsx", ".csv"):
        report.write_strength(result, output, _lang(), stamp, report.SignOff(org, reviewer))
        click.echo(str(output))
    elif fmt == "json":
        from ..views.output import dumps

        _emit(dumps(result.to_dict(stamp)), output)
    elif fmt == "csv":
        from ..report.strength import csv_text

        _emit(csv_text(result, _lang()), output)
    else:
        from ..views import tables

        _emit_tables(tables.strength_tables(result, _lang()), output)


@cli.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="监听的地址（默认只有本机能访问）。"
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--users",
    type=click.Path(dir_okay=False, path_type=Path),
    help="用户文件（users.yaml）：需要登录，city 用户只看本城市；不写则不需登录（只宜本机使用）。",
)
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    help="上传文件和会话密钥的存放目录（默认在用户数据目录 ipscore/web 下）。",
)
@click.option("--max-upload", default=20, show_default=True, type=click.IntRange(1, 1024),
              help="单次上传的上限（MB）。")  # fmt: skip
@click.option(
    "--hash-password", is_flag=True, help="读入一个密码，打印写进用户文件的散列，然后退出。"
)
@db_option
def serve_cmd(
    host: str,
    port: int,
    users: Path | None,
    data: Path | None,
    max_upload: int,
    hash_password: bool,
    db: str | None,
) -> None:
    """在浏览器里自查和审核：启动本地网页服务（需要 pip install 'ipscore[web]'）。

    城市用户：下载填报表、上传、看自查报告、假设分析、下载 PDF/Word/Excel。审核人员：上传一个年度的
    全部城市（多个文件或一个 zip，存入归档）、按层级排名、核验佐证材料、三年复核、下载汇总报告。
    默认只在本机（127.0.0.1）监听、不需登录；在办公网上用时请写 --host 和 --users。

    \b
    例：
      ipscore serve                                  浏览器打开 http://127.0.0.1:8000
      ipscore serve --hash-password                  为用户文件生成密码散列
      ipscore serve --host 0.0.0.0 --users users.yaml --db postgresql+psycopg://…
    """
    from importlib.util import find_spec

    if any(find_spec(m) is None for m in ("starlette", "uvicorn", "multipart", "itsdangerous")):
        raise _usage(
            "网页服务需要另装：pip install 'ipscore[web]'",
            "the web app needs its extra: pip install 'ipscore[web]'",
        )
    from ..web.auth import hash_password as hashed
    from ..web.auth import load_users

    if hash_password:
        password = click.prompt(
            pick(_lang(), "密码", "Password"), hide_input=True, confirmation_prompt=True
        )
        click.echo(hashed(password))
        return
    if users is None and host not in ("127.0.0.1", "localhost", "::1"):
        raise _usage(
            "在本机以外监听时必须用 --users 要求登录",
            "listening beyond this machine needs --users (sign-in)",
            "--host",
        )
    import uvicorn

    from ..store.places import default_location
    from ..web.app import Settings, create_app

    folder = data or default_location().parent / "web"
    settings = Settings(folder, db, load_users(users) if users else None, max_upload * 2**20)
    click.echo(
        pick(
            _lang(),
            f"ipscore 网页服务：http://{host}:{port}/（按 Ctrl-C 停止）",
            f"ipscore web app: http://{host}:{port}/ (Ctrl-C stops it)",
        ),
        err=True,
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@cli.command("publish")
@click.option("--year", type=int, required=True, help="考核年度。")
@click.option("--pack", "pack_id", help="规则包编号（该年度有多个规则包的结果时必填）。")
@click.option("--with-scores", is_flag=True, help="同时公布得分和同级排名（默认只公布等级）。")
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
    output: Path,
    timestamp: bool,
    db: str | None,
) -> None:
    """公布名单：按城市类别列出各城市的考核等级（工作计划四（一）“考核结果以一定方式公布”）。

    只含城市、省份和等级（加 --with-scores 时含得分和排名）；
    不含填报数据、评估细节、佐证材料或审核人。

    \b
    例：
      ipscore publish --year 2015 -o 公布.pdf
      ipscore publish --year 2015 --with-scores -o 公布.xlsx
    """
    from .. import report
    from ..record.publish import published

    report.suffix_of(output, (".html", ".pdf", ".xlsx"))
    with _archive(db) as archive:
        found = published(archive, year, pack_id, with_scores)
    report.write_published(found, output, _lang(), _stamp(timestamp))
    click.echo(str(output))


@cli.command("verify")
@click.argument("city", required=False)
@click.argument("year", type=int, required=False)
@click.argument("requirements", nargs=-1)
@click.option("--ok", "ok", is_flag=True, help="佐证材料核实无误。")
@click.option("--reject", metavar="理由", help="驳回佐证材料，并写明理由。")
@click.option("--by", envvar="IPSCORE_REVIEWER", help="审核人（也可设环境变量 IPSCORE_REVIEWER）。")
@click.option("--pending", is_flag=True, help="列出尚待核验的“达到”，按对等级的影响排序。")
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
    """
    from ..record.verification import REJECTED, VERIFIED, record, verification
    from ..views import tables
    from ..views.output import dumps

    if pending:
        from ..record.verification import pending as still_to_check

        if requirements or ok or reject is not None:
            raise _usage(
                "--pending 只列待核验事项，不和要求编号、--ok、--reject 一起用",
                "--pending lists what is still to check; it takes no requirement, --ok or --reject",
            )
        with _archive(db) as archive:
            items, notes = still_to_check(archive, year, (city,) if city else (), pack_id)
        if fmt == "json":
            _emit(
                dumps(
                    {
                        "pending": [p.to_dict() for p in items],
                        "data_notes": list(notes),
                        "produced_at": _stamp(timestamp),
                    }
                ),
                output,
            )
        else:
            _emit_tables([tables.pending_table(items, notes, _lang())], output)
        return
    if city is None or year is None:
        raise _usage(
            "请写城市和年度，如 ipscore verify 武汉市 2015（或用 --pending）",
            "name a city and a year, e.g. ipscore verify 武汉市 2015 (or use --pending)",
        )
    if ok and reject is not None:
        raise _usage("--ok 和 --reject 只能选一个", "choose one of --ok and --reject")
    decided = ok or reject is not None
    if decided != bool(requirements):
        raise _usage(
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
                raise _usage(
                    "请用 --by 写明审核人（或设环境变量 IPSCORE_REVIEWER）",
                    "name the reviewer with --by (or IPSCORE_REVIEWER)",
                    "--by",
                )
            if reject is not None and not reject.strip():
                raise _usage("--reject 要写明驳回理由", "--reject needs a reason", "--reject")
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
        _emit(dumps({**found.to_dict(), "produced_at": _stamp(timestamp)}), output)
    else:
        _emit_tables([tables.verification_table(found, _lang())], output)


def _usage(zh: str, en: str, option: str | None = None) -> Exception:
    from ..errors import InputError, Problem

    return InputError([Problem(zh, en, field=option)])


def main(argv: list[str] | None = None) -> None:
    """Entry point: errors were already made readable by `Group.invoke`; here they exit."""
    interrupt.watch()
    try:
        cli.main(args=argv, prog_name="ipscore", standalone_mode=False)
        interrupt.check()  # pressed, but swallowed where it was raised
    except (KeyboardInterrupt, click.exceptions.Abort):
        # Outputs are written whole or not at all, so an interruption leaves nothing half done.
        english = clicktext.env_lang() == "en"
        click.echo(
            "interrupted; no half-written file was left"
            if english
            else "已中断，没有留下写了一半的文件",
            err=True,
        )
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
