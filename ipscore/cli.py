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
from .assess import assess, assess_paths, read_all
from .errors import IpscoreError
from .output import to_csv, to_json, write_atomic
from .packs import find_pack, load_pack, shipped_packs

FORMATS = ("table", "json", "csv", "xlsx")


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
@click.option("--pack", "pack_id", help="规则包编号或文件；默认读提交文件的 pack 键。")
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
    """评估一个或多个提交文件（或目录中的所有 .yaml/.json 文件）。

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
@click.option("--pack", "pack_id", help="规则包编号或文件；默认读提交文件的 pack 键。")
@click.pass_obj
def validate_cmd(obj: Context, paths: tuple[str, ...], pack_id: str | None) -> None:
    """检查提交文件能否评估（类型、取值范围、未知字段），并列出影响结论的缺报项。

    \b
    例：
      ipscore validate scenarios/xiangtan-2015.yaml
      ipscore validate scenarios/
    """
    for pack, submission in read_all(paths, pack_id):
        missing = assess(pack, submission).missing
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
@click.option("--pack", "pack_id", help="规则包编号或文件；默认读提交文件的 pack 键。")
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
    for path in files:
        pack = load_pack(path)
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
