"""The `ipscore` command: parse arguments, call the library, print. No logic of its own.

One module per command family (assessment, reports, questions, rules, archive, record, strength,
serve), what they share in `common`. Heavy libraries (pandas, openpyxl, matplotlib, the engine)
load inside the commands that use them, so `ipscore --help` starts quickly. A domain error
becomes one readable message in the chosen language and exit code 2, at one place:
`Group.invoke`.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from .. import interrupt
from .._version import __version__
from ..errors import IpscoreError
from ..text import pick, terminal_text
from . import (
    archive,
    assessment,
    clicktext,
    experts,
    questions,
    record,
    reports,
    rules,
    season,
    serve,
    strength,
)
from .common import Context, lang_option


class Failure(click.ClickException):
    """A domain error (bad input, a broken pack), rendered in the language the command line
    chose; exit code 2, as for a usage error."""

    exit_code = 2

    def __init__(self, error: IpscoreError, lang: str):
        super().__init__(error.render(lang))
        self.lang = lang

    def show(self, file: Any = None) -> None:
        # A message quotes what was typed or stored (a value, a file name, a --by name): no
        # control character of it reaches the terminal, each problem still on its own line.
        head = pick(self.lang, "错误：\n", "Error:\n")
        lines = (terminal_text(line) for line in self.message.split("\n"))
        click.echo(head + "\n".join(lines), err=True)


class Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IpscoreError as exc:
            raise Failure(exc, ctx.ensure_object(Context).lang) from None


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


for command in (
    assessment.assess_cmd,
    assessment.validate_cmd,
    assessment.template_cmd,
    reports.report_cmd,
    questions.whatif_cmd,
    questions.simulate_cmd,
    questions.plan_cmd,
    questions.sensitivity_cmd,
    rules.test_cmd,
    rules.rules_group,
    rules.schema_cmd,
    archive.archive_group,
    record.history_cmd,
    record.review_cmd,
    record.publish_cmd,
    record.verify_cmd,
    strength.strength_cmd,
    season.season_group,
    serve.serve_cmd,
):
    cli.add_command(command)

for command in (experts.score_cmd, experts.experts_cmd, experts.apply_cmd):
    season.season_group.add_command(command)
