"""What every command family shares: the language option and its choice, the options many
commands take (--pack, --db, --jobs, --allow-outside, --org/--reviewer), the output options
(--format, -o, --no-timestamp) and the writing of what a command prints."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..text import LANGS, pick, terminal_text
from . import clicktext

if TYPE_CHECKING:
    from rich.table import Table

    from ..season.people import User
    from ..season.scope import Scope
    from ..store.archive import Archive
    from ..store.lazy import ArchivedFigures

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    def __init__(self) -> None:
        self.lang = "zh"


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


def chosen_lang() -> str:
    """The language this command speaks: --lang, else IPSCORE_LANG, else Chinese."""
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

JOBS_PER_CORE = 4  # past a few processes a core, more only cost memory and forks


def _capped_jobs(ctx: click.Context, _: click.Parameter, value: int | None) -> int | None:
    """--jobs at most JOBS_PER_CORE a core this process may use: 10000 forked 5,000 workers."""
    return None if value is None else min(value, JOBS_PER_CORE * len(os.sched_getaffinity(0)))


jobs_option = click.option(
    "--jobs",
    type=click.IntRange(min=1),
    callback=_capped_jobs,
    help="并行进程数（默认为本机的处理器核数，最多为核数的4倍）；大批量时按文件或表格行分给各进程，"
    "结果仍按输入顺序。",
)

# The years a season file may name: a larger number would only overflow the database's integer.
YEARS = click.IntRange(1990, 2100)

db_option = click.option(
    "--db",
    envvar="IPSCORE_DB",
    help="归档数据库：SQLite 文件路径，或数据库 URL（如 postgresql+psycopg://用户@主机/库）；"
    "也可设环境变量 IPSCORE_DB；默认在用户数据目录（见 ipscore archive where）。",
)


@contextmanager
def other_years(db: str | None) -> Iterator[ArchivedFigures | None]:
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


def zone_option(ctx: click.Context, _: click.Parameter, value: str) -> str:
    """--tz checked: a name no time zone has is one message in both languages, exit 2."""
    from ..report.official import zone

    zone(value)  # a name no time zone has: one message, exit 2
    return value


def official_options(func: F) -> F:
    """--official, --doc-number, --to and --tz: the document in the official form of GB/T
    9704-2012 (发文机关标志 from --org, 文号, 主送, 成文日期 in the office's time zone)."""
    func = click.option(
        "--tz",
        default="Asia/Shanghai",
        show_default=True,
        envvar="IPSCORE_TZ",
        callback=zone_option,
        help="本单位所在时区，成文日期和签署日期按它计算（也可设 IPSCORE_TZ）。",
    )(func)
    func = click.option(
        "--to", "addressee", help="主送机关，如“各市知识产权局：”（只用于 --official）。"
    )(func)
    func = click.option(
        "--doc-number",
        help="发文字号，如 皖知〔2016〕3号（[2016] 会写成〔2016〕；只用于 --official）。",
    )(func)
    return click.option(
        "--official",
        is_flag=True,
        help="按 GB/T 9704-2012《党政机关公文格式》排版：发文机关标志（--org）、文号、标题、主送、"
        "正文、成文日期和印章位置，版心和页码按标准；用于 .pdf、.html、.docx。",
    )(func)


def signoff_of(
    org: str | None,
    reviewer: str | None,
    official: bool,
    doc_number: str | None,
    addressee: str | None,
    tz: str,
    output: Path | None,
) -> Any:
    """The `report.SignOff` the options ask for; --doc-number and --to belong to --official,
    which needs --org (the 发文机关) and a document that has the form (PDF, HTML, Word)."""
    from ..report.contexts.common import SignOff
    from ..report.official import Official

    if not official and (doc_number or addressee):
        said = "--doc-number" if doc_number else "--to"
        raise usage_error(
            f"{said} 只用于公文格式，请同时写 --official",
            f"{said} belongs to the official form: add --official",
            said,
        )
    if official and not (org or "").strip():
        raise usage_error(
            "公文格式要有发文机关：请用 --org 写明（也可设 IPSCORE_ORG）",
            "the official form needs its issuing office: name it with --org (or IPSCORE_ORG)",
            "--org",
        )
    suffix = "" if output is None else output.suffix.lower()
    if official and suffix not in OFFICIAL_FORMATS:
        raise usage_error(
            f"公文格式只用于 .pdf、.html、.docx，{suffix or '终端和 JSON'} 没有公文格式",
            f"the official form is for .pdf, .html and .docx; "
            f"{suffix or 'the terminal and JSON'} have none",
            "--official",
        )
    made = Official(doc_number, addressee) if official else None
    return SignOff(org, reviewer, tz, made)


# The documents an official form is laid out for (GB/T 9704 is a page's layout).
OFFICIAL_FORMATS = (".pdf", ".html", ".htm", ".docx")


timestamp_option = click.option(
    "--no-timestamp",
    "timestamp",
    flag_value=False,
    default=True,
    help="不写生成时间，同一输入得到逐字节相同的输出（也可设 SOURCE_DATE_EPOCH 固定时间）。",
)


def output_file(what: str) -> Callable[[F], F]:
    """`-o FILE` where a command's only output is a file (a report, a list, an export)."""
    return click.option(
        "-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help=what
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


def emit(text: str, output: Path | None) -> None:
    from ..views.output import write_atomic

    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)


def emit_tables(items: list[Table], output: Path | None) -> None:
    from ..views.tables.base import as_text, console

    if output is None:
        terminal = console()
        for table in items:
            terminal.print(table)
        return
    if output.suffix.lower() in (".xlsx", ".xls", ".docx", ".pdf"):
        raise click.UsageError(
            f"终端表格是文字，不能存为 {output.suffix} 文件：请用 --format 选该命令支持的文件格式"
            "（如 xlsx、csv、json），或换用 .txt 文件名"
        )
    emit(as_text(items), output)


def timestamp_of(timestamp: bool) -> str | None:
    from ..provenance import produced_at

    return produced_at(timestamp)


def usage_error(zh: str, en: str, option: str | None = None) -> Exception:
    from ..errors import InputError, Problem

    return InputError([Problem(zh, en, field=option)])


@contextmanager
def opened_archive(db: str | None, writes: bool = False) -> Iterator[Archive]:
    """The archive named by --db or IPSCORE_DB (else the default one), closed after use;
    `writes` for a command that stores something (never into an in-memory database); each
    damaged row its readers skipped is named on stderr (`store.shapes.Damaged`)."""
    from ..store.archive import Archive

    archive = Archive.open(db, writes)
    try:
        yield archive
    finally:
        archive.close()
        for row in sorted(archive.damaged):
            said = terminal_text(archive.damaged[row].problem().render(chosen_lang()))
            click.echo(pick(chosen_lang(), "! 已跳过：", "! skipped: ") + said, err=True)


def user_options(func: F) -> F:
    """--users and --user: who runs the command, by the users file `ipscore serve` reads. The
    command line trusts whoever holds the machine's account (a password is asked by the web
    only); the scope keeps each office to its own cities and the record says who acted."""
    func = click.option(
        "--user",
        "user_name",
        envvar="IPSCORE_USER",
        help="以用户文件中的哪个用户办理（也可设 IPSCORE_USER）；须同时给 --users。",
    )(func)
    return click.option(
        "--users",
        "users_file",
        envvar="IPSCORE_USERS",
        type=click.Path(dir_okay=False, path_type=Path),
        help="用户文件（与 ipscore serve --users 相同；也可设 IPSCORE_USERS）。",
    )(func)


def acting_user(users_file: Path | None, user_name: str | None, needed: bool = False) -> User:
    """The user named by --user in --users; without them, the machine's own user, who may
    do everything (`needed`: a step of the season, which is always taken in someone's name)."""
    from ..season.people import LOCAL, load_users
    from ..text import did_you_mean

    if users_file is None or user_name is None:
        if needed or (users_file is None) != (user_name is None):
            raise usage_error(
                "请用 --users 用户文件 --user 用户名 说明由谁办理（也可设 IPSCORE_USERS、"
                "IPSCORE_USER）",
                "say who acts with --users FILE --user NAME (or IPSCORE_USERS, IPSCORE_USER)",
                "--user",
            )
        return LOCAL
    users = load_users(users_file)
    found = users.get(user_name)
    if found is None:
        zh, en = did_you_mean(user_name, users.accounts)
        raise usage_error(
            f"用户文件中没有“{user_name}”{zh}",
            f"no user “{user_name}” in the users file{en}",
            "--user",
        )
    return found


def acting_scope(
    archive: Archive, users_file: Path | None, user_name: str | None, action: str = "read"
) -> Scope:
    """The scope of the user a command runs as (`acting_user`), once its role may do `action`
    (`season.scope.MAY`): what it lists holds only the cities it may see, and a city named
    outside it is refused (exit 2)."""
    from ..season.scope import Scope

    scope = Scope(acting_user(users_file, user_name), archive)
    scope.allow(action)
    return scope


def files_in_scope(
    paths: tuple[str, ...], pack_id: str | None, db: str | None, users_file: Path | None,
    user_name: str | None,
) -> None:  # fmt: skip
    """Refuse files about a city the acting user may not see, before other years' figures of
    the archive are read for them; an archive not made yet holds no city's province."""
    from contextlib import nullcontext

    from ..season.scope import Scope
    from ..store.lazy import configured

    user = acting_user(users_file, user_name)
    if user.national:
        return
    made = configured(db) is not None  # asks nothing of the database, creates nothing
    with opened_archive(db) if made else nullcontext(None) as archive:
        Scope(user, archive).check_files(paths, pack_id)
