"""The web app: `serve`."""

from __future__ import annotations

from pathlib import Path

import click

from ..text import pick
from .common import chosen_lang, db_option, usage_error, zone_option


@click.command("serve")
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
    "--workers",
    type=click.IntRange(0, 64),
    help="做评估、生成报告、核对密码的工作进程数（默认为CPU核数；0：在服务进程的一个线程里做，"
    "只宜一人在本机使用）。",
)
@click.option(
    "--idle-minutes",
    default=30,
    show_default=True,
    type=click.IntRange(1, 24 * 60),
    help="登录后多久不用即需重新登录（分钟）。",
)
@click.option(
    "--secure-cookies", is_flag=True, help="只经 HTTPS 发送登录 cookie（HTTPS 部署时用）。"
)
@click.option(
    "--proxy-headers",
    is_flag=True,
    help="在反向代理后面：采用代理给出的客户地址和协议（X-Forwarded-For、X-Forwarded-Proto）；"
    "代理说是 HTTPS 时 cookie 自动只经 HTTPS 发送。",
)
@click.option(
    "--hash-password", is_flag=True, help="读入一个密码，打印写进用户文件的散列，然后退出。"
)
@click.option(
    "--new-token",
    is_flag=True,
    help="生成一个 JSON 接口的令牌：打印令牌（只显示这一次）和写进用户文件 tokens: 的散列，"
    "然后退出。",
)
@click.option(
    "--org",
    envvar="IPSCORE_ORG",
    help="本单位名称：审核人员可下载以它为发文机关的公文格式汇总报告和公布名单"
    "（也可设 IPSCORE_ORG）。",
)
@click.option(
    "--tz",
    default="Asia/Shanghai",
    show_default=True,
    envvar="IPSCORE_TZ",
    callback=zone_option,
    help="本单位所在时区，公文的成文日期按它计算（也可设 IPSCORE_TZ）。",
)
@db_option
def serve_cmd(
    host: str,
    port: int,
    users: Path | None,
    data: Path | None,
    max_upload: int,
    workers: int | None,
    idle_minutes: int,
    secure_cookies: bool,
    proxy_headers: bool,
    hash_password: bool,
    new_token: bool,
    org: str | None,
    tz: str,
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
      ipscore serve --new-token                      为 JSON 接口的客户生成令牌
      ipscore serve --host 0.0.0.0 --users users.yaml --db postgresql+psycopg://…
      ipscore serve --users users.yaml --org 湖北省知识产权局      审核人员可下载公文格式
    """
    from importlib.util import find_spec

    if any(find_spec(m) is None for m in ("starlette", "uvicorn", "multipart", "itsdangerous")):
        raise usage_error(
            "网页服务需要另装：pip install 'ipscore[web]'",
            "the web app needs its extra: pip install 'ipscore[web]'",
        )
    from ..season.people import hash_password as hashed
    from ..season.people import load_users, token_hash

    if new_token:
        from ..season.people import new_token as made

        token = made()
        click.echo(pick(chosen_lang(), f"令牌（交给客户，只显示这一次）：{token}",
                        f"token (give it to the client; shown this once): {token}"))  # fmt: skip
        click.echo(
            pick(chosen_lang(), "用户文件中写：", "in the users file:")
            + f'\ntokens:\n  客户名: {{hash: "{token_hash(token)}", role: reviewer, '
            "province: 湖北省}"
        )
        return

    if hash_password:
        password = click.prompt(
            pick(chosen_lang(), "密码", "Password"), hide_input=True, confirmation_prompt=True
        )
        click.echo(hashed(password))
        return
    if users is None and host not in ("127.0.0.1", "localhost", "::1"):
        raise usage_error(
            "在本机以外监听时必须用 --users 要求登录",
            "listening beyond this machine needs --users (sign-in)",
            "--host",
        )
    import os

    import uvicorn

    from ..store.places import default_location
    from ..web.app import create_app
    from ..web.pages import Settings

    folder = data or default_location().parent / "web"
    count = (os.cpu_count() or 1) if workers is None else workers
    settings = Settings(
        folder,
        db,
        load_users(users) if users else None,
        max_upload * 2**20,
        workers=count,
        users_file=users,
        idle_minutes=idle_minutes,
        secure_cookies=secure_cookies,
        org=(org or "").strip() or None,
        tz=tz,
    )
    click.echo(
        pick(
            chosen_lang(),
            f"ipscore 网页服务：http://{host}:{port}/（按 Ctrl-C 停止）",
            f"ipscore web app: http://{host}:{port}/ (Ctrl-C stops it)",
        ),
        err=True,
    )
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=proxy_headers,
        forwarded_allow_ips="*" if proxy_headers else None,
    )
