"""Rule packs and their tests: `rules list|show|diff|check` and `test`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..text import pick

if TYPE_CHECKING:
    from ..packs import Pack
from .common import chosen_lang, lang_option


@click.command("test")
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
    from ..views.tables.base import console
    from ..views.tables.rules import (
        pack_test_line,
        pack_test_table,
    )

    failing = False
    for name in packs or tuple(shipped_packs()):
        report = run_file(cases_file(name))
        click.echo(pack_test_line(report, chosen_lang()))
        table = pack_test_table(report, chosen_lang())
        if table is None:
            continue
        console().print(table)
        failing |= bool(report.failed) or report.coverage < min_coverage
    if failing:
        sys.exit(1)


@click.group("rules")
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
    from ..views.tables.base import console
    from ..views.tables.rules import (
        packs_table,
    )

    packs = [find_pack(pack_id) for pack_id in shipped_packs()]
    console().print(packs_table(packs, chosen_lang()))


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
    from ..views.output import dumps
    from ..views.tables.base import console
    from ..views.tables.rules import (
        amendments_table,
        field_list,
        fields_table,
        pack_table,
    )

    pack = find_pack(pack_id)
    if show_fields:
        if fmt == "json":
            click.echo(dumps(field_list(pack, chosen_lang())), nl=False)
        else:
            console().print(fields_table(pack, chosen_lang()))
        return
    if pack.is_sheet:
        _show_sheet(pack, fmt, chosen_lang())
        return
    if fmt == "json":
        click.echo(dumps(requirement_list(pack, chosen_lang())), nl=False)
        return
    console().print(pack_table(pack, chosen_lang()))
    amendments = amendments_table(pack, chosen_lang())
    if amendments is not None:
        console().print(amendments)
    click.echo(pick(chosen_lang(), pack.scoring.note, pack.scoring.note_en))


def _show_sheet(pack: Pack, fmt: str, lang: str) -> None:
    """`rules show` of a points sheet: the items as the sheet lists them, then the vetoes, how
    it adds up, and what the pack does not encode."""
    from ..views.output import dumps
    from ..views.tables.base import console
    from ..views.tables.rules import amendments_table
    from ..views.tables.sheet import (
        not_encoded_table,
        sheet_json,
        sheet_rules,
        sheet_table,
        vetoes_table,
    )

    if fmt == "json":
        click.echo(dumps(sheet_json(pack, lang)), nl=False)
        return
    console().print(sheet_table(pack, lang))
    vetoes = vetoes_table(pack, lang)
    if vetoes is not None:
        console().print(vetoes)
    amendments = amendments_table(pack, lang)  # an amended sheet: what changed, and where
    if amendments is not None:
        console().print(amendments)
    click.echo(sheet_rules(pack, lang))
    missing = not_encoded_table(pack, lang)
    if missing is not None:
        console().print(missing)
    click.echo(pick(lang, pack.scoring.note, pack.scoring.note_en))


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
    from ..views.output import dumps
    from ..views.tables.base import console
    from ..views.tables.rules import (
        pack_diff_table,
    )

    a, b = find_pack(first), find_pack(second)
    if fmt == "json":
        click.echo(dumps([d.to_dict() for d in differences(a, b)]), nl=False)
    else:
        console().print(pack_diff_table(a, b, chosen_lang()))


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
    from ..views.tables.rules import proof_lines

    lang = chosen_lang()
    errors: list[Problem] = []
    for checked in check(packs):
        for note in checked.notes:
            click.echo(pick(lang, "提示：", "note: ") + note.render(lang))
        if checked.errors or checked.pack is None:
            errors += checked.errors
            click.echo(pick(lang, f"✗ {checked.name}：有错误（见下）", f"FAILED {checked.name}"))
            continue
        lines = proof_lines(
            checked.name, checked.pack, checked.proofs, witness, lang, checked.sheet
        )
        for line in lines:
            click.echo(line)
    if errors:
        raise PackError(list(errors))


@click.command("schema")
@click.option("--pack", "pack_id", required=True, help="规则包编号或文件。")
@click.option("--result", is_flag=True, help="给出评估结果（assess --format json）的结构。")
@click.option(
    "--year", type=int, help="另一年度的数据文件（只作往年数据存档）的结构；默认为本包评估的年度。"
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="写入文件（整体写入）；默认输出到终端。",
)
@lang_option
def schema_cmd(pack_id: str, result: bool, year: int | None, output: Path | None) -> None:
    """打印规则包提交文件（或评估结果）的 JSON Schema，供省级系统等对接时校验数据。

    提交文件的结构由规则包的字段声明生成：字段名、类型、单位、取值范围、选项、必填项。
    校验以 ipscore 的读取为准（例如佐证材料文件是否存在只有 ipscore 能查）。

    \b
    例：
      ipscore schema --pack cnipa-2015-demo-city -o 提交文件.schema.json
      ipscore schema --pack cnipa-2015-demo-city --result
    """
    from ..packs import find_pack
    from ..packs.schema import result_schema, submission_schema
    from ..views.output import dumps
    from .common import emit, usage_error

    if result and year is not None:
        raise usage_error("--year 只用于提交文件的结构", "--year is for a submission", "--year")
    pack = find_pack(pack_id)
    emit(dumps(result_schema(pack) if result else submission_schema(pack, year)), output)
