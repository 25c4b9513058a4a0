"""Roles with a scope (issue 31 part 1): a 湖北省 user is refused a 广东省 city everywhere — every
command that reads the archive (exit 2), every page and download (403), every API route (403)
— and finds none in any list; an expert sees only the cities the season assigns it, never one of
its own province; an admin sees the users and no city. The lists of cases below are checked
against the commands and routes themselves: one added without a case fails here."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from starlette.routing import Route
from starlette.testclient import TestClient

from ipscore.cli import cli
from ipscore.season.people import hash_password, load_users, new_token, token_hash
from ipscore.store.archive import Archive
from ipscore.store.schema import season_events, seasons
from ipscore.web.app import create_app
from ipscore.web.pages import Settings

from .conftest import SCENARIOS

WUHAN = SCENARIOS / "wuhan-2015.yaml"  # 湖北省
SHENZHEN = SCENARIOS / "shenzhen-2015.yaml"  # 广东省
FOSHAN = SCENARIOS / "foshan-2015.yaml"  # 广东省
REFUSED = "湖北省的用户不能查看广东省的城市（深圳市）"
SEASON = """\
year: 2015
pack: cnipa-2015-experts
title: 2015年度考核（测试）
cities: {湖北省: [武汉市], 广东省: [深圳市, 佛山市]}
deadlines: {submit: 2016-03-31, province: 2016-04-29, national: 2016-05-31}
notice:
  rule: 公示期5个工作日
  citation: {source: 示例, section: 一, text: 公示期5个工作日}
"""
ROLE = "省局用户（湖北省）不能"


@dataclass
class World:
    tmp: Path
    db: str
    users: Path
    tokens: dict[str, str]
    dump: Path  # an export, for `archive import`
    scenario: Path  # a what-if scenario on 深圳市's file

    def run(self, *args: str, user: str = "hubei") -> Any:
        return CliRunner().invoke(
            cli, [*args, "--db", self.db, "--users", str(self.users), "--user", user]
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    tmp = tmp_path_factory.mktemp("scope")
    db = f"sqlite:///{tmp / 'a.db'}"
    password = hash_password("pw")  # one hash for all: each costs 50 ms
    tokens = {name: new_token() for name in ("hubei", "li", "root")}
    users = tmp / "users.yaml"
    users.write_text(
        "users:\n"
        f'  hubei: {{password: "{password}", role: province, province: 湖北省}}\n'
        f'  old: {{password: "{password}", role: reviewer, province: 湖北省}}\n'
        f'  guo: {{password: "{password}", role: national}}\n'
        f'  wuhan: {{password: "{password}", role: city, city: 武汉市}}\n'
        f'  li: {{password: "{password}", role: expert, province: 湖北省}}\n'
        f'  root: {{password: "{password}", role: admin}}\n'
        "tokens:\n"
        f'  湖北省平台: {{hash: "{token_hash(tokens["hubei"])}", role: province, '
        "province: 湖北省}\n"
        f'  li: {{hash: "{token_hash(tokens["li"])}", role: expert, province: 湖北省}}\n'
        f'  管理: {{hash: "{token_hash(tokens["root"])}", role: admin}}\n',
        encoding="utf-8",
    )
    added = CliRunner().invoke(
        cli, ["archive", "add", str(WUHAN), str(SHENZHEN), str(FOSHAN), "--db", db, "--by", "张三"]
    )
    assert added.exit_code == 0, added.output
    archive = Archive.open(db)
    with archive.engine.begin() as conn:  # the year's season: 李 scores 深圳市 and 武汉市
        for experts in ("{李: {cities: [佛山市]}}", "{li: {cities: [深圳市, 武汉市]}}"):
            conn.execute(
                seasons.insert().values(
                    year=2015,
                    file="s.yaml",
                    document=SEASON + f"experts: {experts}\n",
                    sha256="0" * 64,
                    stored_at="2015-01-01T00:00:00Z",
                    stored_by="国家局",
                )
            )
        for city in ("武汉市", "深圳市", "佛山市"):  # the year's results made final
            conn.execute(
                season_events.insert().values(
                    year=2015,
                    city=city,
                    pack="cnipa-2015-demo-city",
                    action="final",
                    stage="final",
                    by="国家局",
                    role="national",
                    at="2016-06-08T03:00:00Z",
                    details_json="{}",
                    late=False,
                )
            )
    archive.close()
    dump = tmp / "all.jsonl"
    assert (
        CliRunner().invoke(cli, ["archive", "export", "-o", str(dump), "--db", db]).exit_code == 0
    )
    (tmp / "sz.yaml").write_bytes(SHENZHEN.read_bytes())
    scenario = tmp / "sz.whatif.yaml"
    scenario.write_text(
        "name: 深圳\nbase: sz.yaml\nvariants:\n  - name: 降门槛\n    params: {T4.R2: '1.15'}\n",
        encoding="utf-8",
    )
    return World(tmp, db, users, tokens, dump, scenario)


# Each command that reads the archive, with how a 湖北省 user fares on 深圳市: refused by the
# city's province ("city"), by its role ("role"), or given a list without it ("listed").
CommandCase = tuple[str, Callable[[World], list[str]], str]
COMMANDS: list[CommandCase] = [
    ("archive add", lambda w: ["archive", "add", str(SHENZHEN)], "city"),
    ("archive list", lambda w: ["archive", "list", "--city", "深圳市"], "city"),
    ("archive list", lambda w: ["archive", "list", "--format", "csv"], "listed"),
    ("archive show", lambda w: ["archive", "show", "深圳市", "2015"], "city"),
    ("archive diff", lambda w: ["archive", "diff", "深圳市", "2015"], "city"),
    ("archive replay", lambda w: ["archive", "replay", "深圳市", "2015"], "city"),
    (
        "archive reassess",
        lambda w: ["archive", "reassess", "--pack", "cnipa-2015-demo-city"],
        "role",
    ),
    ("archive export", lambda w: ["archive", "export", "-o", str(w.tmp / "x.jsonl")], "role"),
    ("archive import", lambda w: ["archive", "import", str(w.dump)], "role"),
    ("history", lambda w: ["history", "深圳市"], "city"),
    ("review", lambda w: ["review", "深圳市"], "city"),
    ("review", lambda w: ["review", "--format", "json"], "listed"),
    (
        "publish",
        lambda w: [
            "publish",
            "--year",
            "2015",
            "--score",
            "declared",
            "-o",
            str(w.tmp / "list.json"),
        ],
        "listed",
    ),
    ("verify", lambda w: ["verify", "深圳市", "2015"], "city"),
    ("verify", lambda w: ["verify", "深圳市", "2015", "T1.R1", "--ok"], "city"),
    ("verify", lambda w: ["verify", "--pending", "深圳市"], "city"),
    ("verify", lambda w: ["verify", "--pending", "--format", "json"], "listed"),
    ("verify", lambda w: ["verify", "--summary", "2015"], "listed"),
    ("assess", lambda w: ["assess", str(SHENZHEN)], "city"),
    ("validate", lambda w: ["validate", str(SHENZHEN)], "city"),
    ("report", lambda w: ["report", str(SHENZHEN), "-o", str(w.tmp / "sz.html")], "city"),
    ("whatif", lambda w: ["whatif", str(SHENZHEN), "--drop", "T7"], "city"),
    ("simulate", lambda w: ["simulate", str(w.scenario)], "city"),
    ("plan", lambda w: ["plan", str(SHENZHEN), "--target", "good"], "city"),
    ("sensitivity", lambda w: ["sensitivity", str(SHENZHEN), "--param", "T4.R2=1.1,1.2"], "city"),
    (
        "strength",
        lambda w: ["strength", str(SCENARIOS / "strength-2015" / "shenzhen-2015.yaml")],
        "city",
    ),
    ("season advance", lambda w: ["season", "advance", "深圳市", "--year", "2015"], "city"),
    (
        "season return",
        lambda w: ["season", "return", "深圳市", "--year", "2015", "--reason", "*=缺公章"],
        "city",
    ),
    (
        "season object",
        lambda w: [
            "season",
            "object",
            "深圳市",
            "--year",
            "2015",
            "--kind",
            "person",
            "--objector",
            "张某",
            "--signed",
            "--contact",
            "1",
            "--text",
            "异议",
        ],
        "city",
    ),
    (
        "season answer",
        lambda w: [
            "season",
            "answer",
            "深圳市",
            "--year",
            "2015",
            "--objection",
            "1",
            "--dismissed",
            "--opinion",
            "不成立",
        ],
        "city",
    ),
    ("season log", lambda w: ["season", "log", "深圳市", "--year", "2015"], "city"),
    ("season status", lambda w: ["season", "status", "2015", "--format", "csv"], "listed"),
    (
        "season score",
        lambda w: [
            "season",
            "score",
            "深圳市",
            "--year",
            "2015",
            "--item",
            "approach",
            "--points",
            "7",
        ],
        "role",
    ),
    ("season experts", lambda w: ["season", "experts", "2015", "--city", "深圳市"], "city"),
    (
        "season apply-scores",
        lambda w: ["season", "apply-scores", "深圳市", "--year", "2015"],
        "role",
    ),
    (
        "season open",
        lambda w: ["season", "open", str(SCENARIOS / "season-2015" / "2015.season.yaml")],
        "role",
    ),
]
# Take --db but read no city's record: where the archive is; the server (its own --users); a
# year's season file.
NO_CITY_COMMANDS = {"archive where", "serve", "season show"}


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.update(_commands(command, f"{prefix}{name} "))
        else:
            found[f"{prefix}{name}"] = command
    return found


def test_every_command_that_reads_the_archive_is_listed_and_takes_a_user():
    every = _commands(cli)
    reading = {n for n, c in every.items() if any(p.name == "db" for p in c.params)}
    assert reading - NO_CITY_COMMANDS == {name for name, _, _ in COMMANDS}
    for name in reading - NO_CITY_COMMANDS:
        assert {"users_file", "user_name"} <= {p.name for p in every[name].params}, name


@pytest.mark.parametrize(
    ("name", "args", "fares"), COMMANDS, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(COMMANDS)]
)
def test_a_hubei_user_never_reaches_a_guangdong_city_from_the_command_line(
    world: World, name: str, args: Callable[[World], list[str]], fares: str
):
    done = world.run(*args(world))
    if fares == "listed":
        assert done.exit_code == 0, done.output
        written = world.tmp / "list.json"
        said = done.stdout + (written.read_text(encoding="utf-8") if "publish" in name else "")
        assert "武汉市" in said and "深圳市" not in said and "佛山市" not in said
        return
    assert done.exit_code == 2, done.output
    assert (REFUSED if fares == "city" else ROLE) in done.stderr
    assert "Traceback" not in done.output


def test_the_older_reviewer_of_a_province_is_a_province_user(world: World):
    assert world.run("archive", "show", "深圳市", "2015", user="old").exit_code == 2
    assert world.run("archive", "show", "武汉市", "2015", user="old").exit_code == 0


def test_a_city_reads_its_own_record_and_may_not_publish(world: World):
    assert world.run("history", "武汉市", user="wuhan").exit_code == 0
    other = world.run("history", "深圳市", user="wuhan")
    assert other.exit_code == 2
    assert "武汉市的用户只能查看本市的记录，不能查看深圳市的" in other.stderr
    publish = world.run("publish", "--year", "2015", "-o", str(world.tmp / "w.json"), user="wuhan")
    assert publish.exit_code == 2
    assert "城市用户（武汉市）不能生成公布名单（只有省局用户、国家局用户可以）" in publish.stderr


def test_an_expert_sees_its_assigned_cities_of_other_provinces_only(world: World):
    """The newest season file of 2015 assigns 李 深圳市 and 武汉市 (an earlier one gave
    佛山市): 深圳市 only, for 武汉市 is of 李's own province."""
    assert world.run("archive", "show", "深圳市", "2015", user="li").exit_code == 0
    unassigned = world.run("archive", "show", "佛山市", "2015", user="li")
    assert unassigned.exit_code == 2
    assert "专家li没有被分配2015年度评审佛山市" in unassigned.stderr
    own = world.run("archive", "show", "武汉市", "2015", user="li")
    assert own.exit_code == 2 and "专家li不评审本省（湖北省）的城市（武汉市）" in own.stderr
    listed = world.run("archive", "list", "--format", "csv", user="li")
    assert [line.split(",")[2] for line in listed.stdout.splitlines()[1:]] == ["深圳市"]


def test_the_national_office_sees_every_city_and_an_admin_none(world: World):
    listed = world.run("archive", "list", "--format", "csv", user="guo")
    cities = [line.split(",")[2] for line in listed.stdout.splitlines()[1:]]
    assert sorted(cities) == ["佛山市", "武汉市", "深圳市"]
    admin = world.run("archive", "list", user="root")
    assert admin.exit_code == 2
    assert (
        "管理员不能查看城市的记录（只有城市用户、省局用户、国家局用户、专家可以）" in admin.stderr
    )


# --- the pages, the downloads and the API ---


def _token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no form token on the page"
    return found.group(1)


@dataclass
class Site:
    clients: dict[str, TestClient]
    check: str  # 深圳市's self-check, by the national office
    batch: str  # 武汉市 and 深圳市, uploaded by the national office
    shenzhen: int  # 深圳市's place in the batch
    api: TestClient


@pytest.fixture(scope="module")
def site(world: World) -> Site:
    settings = Settings(
        world.tmp / "data", db=world.db, users=load_users(world.users), users_file=world.users
    )
    app = create_app(settings)
    clients = {}
    for name in ("hubei", "guo", "li", "root", "old"):
        client = TestClient(app)
        form = {"csrf": _token(client.get("/login").text), "name": name, "password": "pw"}
        assert client.post("/login", data=form, follow_redirects=False).status_code == 303
        clients[name] = client
    guo = clients["guo"]
    csrf = _token(guo.get("/").text)
    check = guo.post(
        "/check",
        data={"csrf": csrf},
        follow_redirects=False,
        files={"file": ("sz.yaml", SHENZHEN.read_bytes())},
    )
    assert check.status_code == 303, check.text
    files = [("files", (p.name, p.read_bytes())) for p in (WUHAN, SHENZHEN)]
    batch = guo.post("/batch", data={"csrf": csrf}, files=files, follow_redirects=False)
    assert batch.status_code == 303, batch.text
    where = batch.headers["location"]
    shenzhen = next(n for n in (0, 1) if "深圳市" in guo.get(f"{where}/city/{n}").text)
    return Site(clients, check.headers["location"], where, shenzhen, TestClient(app))


def _post_check(site: Site) -> Any:
    hubei = site.clients["hubei"]
    return hubei.post(
        "/check",
        data={"csrf": _token(hubei.get("/").text)},
        files={"file": ("sz.yaml", SHENZHEN.read_bytes())},
    )


def _post_fill(site: Site) -> Any:
    """深圳市's figures typed on the fill-in page, as a clerk would (是/否, option labels)."""
    from ipscore import find_pack
    from ipscore.intake.files import read_all

    ((pack, submission),) = read_all([SHENZHEN])
    typed = {}
    for name, value in submission.values.items():
        decl = find_pack(pack.id).field(name)
        if decl.type == "ratio":
            continue
        typed[name] = (
            ("是" if value else "否")
            if decl.type == "bool"
            else (decl.values or {})[value]
            if decl.type == "enum"
            else str(value)
        )
    hubei = site.clients["hubei"]
    data = {"csrf": _token(hubei.get("/").text), **typed}
    return hubei.post("/fill/cnipa-2015-demo-city", data=data)


def _post_batch(site: Site) -> Any:
    hubei = site.clients["hubei"]
    files = [("files", (p.name, p.read_bytes())) for p in (WUHAN, SHENZHEN)]
    return hubei.post("/batch", data={"csrf": _token(hubei.get("/").text)}, files=files)


def _post_verify(site: Site) -> Any:
    hubei = site.clients["hubei"]
    form = {
        "csrf": _token(hubei.get("/").text),
        "n": str(site.shenzhen),
        "decision": "ok",
        "requirement": "T1.R1",
    }
    return hubei.post(f"{site.batch}/verify", data=form)


def _post_step(site: Site) -> Any:
    hubei = site.clients["hubei"]
    form = {"csrf": _token(hubei.get("/").text), "action": "recommend"}
    return hubei.post("/season/2015/深圳市", data=form)


# Each page route, with how a 湖北省 user fares on 深圳市: 403 saying why, or a page without it.
PageCase = tuple[str, Callable[[Site], Any], str]
PAGES: list[PageCase] = [
    ("/check", _post_check, REFUSED),
    ("/fill/{pack}", _post_fill, REFUSED),
    ("/check/{id}", lambda s: s.clients["hubei"].get(s.check), REFUSED),
    (
        "/check/{id}/download/{name}",
        lambda s: s.clients["hubei"].get(f"{s.check}/download/report.html"),
        REFUSED,
    ),
    ("/batch", _post_batch, REFUSED),
    ("/batch/{id}", lambda s: s.clients["hubei"].get(s.batch), "listed"),
    (
        "/batch/{id}/city/{n:int}",
        lambda s: s.clients["hubei"].get(f"{s.batch}/city/{s.shenzhen}"),
        REFUSED,
    ),
    ("/batch/{id}/verify", _post_verify, REFUSED),
    (
        "/batch/{id}/download/{name}",
        lambda s: s.clients["hubei"].get(f"{s.batch}/download/scores.xlsx"),
        "listed",
    ),
    (
        "/batch/{id}/download/{name}",
        lambda s: s.clients["hubei"].get(f"{s.batch}/download/cohort.html"),
        "listed",
    ),
    ("/review", lambda s: s.clients["hubei"].get("/review"), "listed"),
    ("/history/{city}", lambda s: s.clients["hubei"].get("/history/深圳市"), REFUSED),
    ("/users", lambda s: s.clients["hubei"].get("/users"), "省局用户（湖北省）不能查看用户名单"),
    ("/season/{year:int}", lambda s: s.clients["hubei"].get("/season/2015"), "listed"),
    (
        "/season/{year:int}/download",
        lambda s: s.clients["hubei"].get("/season/2015/download"),
        "listed",
    ),
    ("/season/{year:int}/{city}", lambda s: s.clients["hubei"].get("/season/2015/深圳市"), REFUSED),
    ("/season/{year:int}/{city}", lambda s: _post_step(s), REFUSED),
]
NO_CITY_PAGES = {"/", "/login", "/logout", "/form/{pack}"}


def _api(site: Site, world: World, method: str, path: str, **params: Any) -> Any:
    headers = {"authorization": f"Bearer {world.tokens['hubei']}"}
    if method == "POST":
        return site.api.post(
            path,
            content=SHENZHEN.read_bytes(),
            headers=headers,
            params={"name": "sz.yaml", **params},
        )
    return site.api.get(path, headers=headers, params=params)


ApiCase = tuple[str, Callable[[Site, World], Any], str]
API: list[ApiCase] = [
    ("/api/v1/assess", lambda s, w: _api(s, w, "POST", "/api/v1/assess"), REFUSED),
    ("/api/v1/validate", lambda s, w: _api(s, w, "POST", "/api/v1/validate"), REFUSED),
    ("/api/v1/whatif", lambda s, w: _api(s, w, "POST", "/api/v1/whatif", drop="T7"), REFUSED),
    ("/api/v1/plan", lambda s, w: _api(s, w, "POST", "/api/v1/plan", target="good"), REFUSED),
    (
        "/api/v1/archive/submissions",
        lambda s, w: _api(s, w, "GET", "/api/v1/archive/submissions", city="深圳市"),
        REFUSED,
    ),
    (
        "/api/v1/archive/submissions",
        lambda s, w: _api(s, w, "GET", "/api/v1/archive/submissions"),
        "listed",
    ),
    (
        "/api/v1/archive/{city}/{year}",
        lambda s, w: _api(s, w, "GET", "/api/v1/archive/深圳市/2015"),
        REFUSED,
    ),
    ("/api/v1/history/{city}", lambda s, w: _api(s, w, "GET", "/api/v1/history/深圳市"), REFUSED),
    (
        "/api/v1/published",
        lambda s, w: _api(s, w, "GET", "/api/v1/published", year="2015", score="declared"),
        "listed",
    ),
]
NO_CITY_API = {
    "/api/v1/openapi.json",
    "/api/v1/packs",
    "/api/v1/packs/{pack}/schema",
    "/api/v1/{rest:path}",
}


def test_every_route_is_listed(site: Site):
    paths = {r.path for r in site.api.app.routes if isinstance(r, Route)}  # type: ignore[attr-defined]
    assert {p for p in paths if not p.startswith("/api/")} - NO_CITY_PAGES == {
        p for p, _, _ in PAGES
    }
    assert {p for p in paths if p.startswith("/api/")} - NO_CITY_API == {p for p, _, _ in API}


def _fared(answer: Any, fares: str, json_api: bool) -> None:
    if fares == "listed":
        assert answer.status_code in (200, 400), answer.text  # /review: one year archived
        body = answer.content
        if body[:2] == b"PK":  # a workbook: its cells
            import io

            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(body)).active
            text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
        else:
            text = answer.text
        assert "深圳市" not in text
        if answer.status_code == 200:
            assert "武汉市" in text
        return
    assert answer.status_code == 403, answer.text
    said = answer.json()["error"] if json_api else answer.text
    assert fares in said


@pytest.mark.parametrize(
    ("path", "ask", "fares"), PAGES, ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(PAGES)]
)
def test_a_hubei_user_never_reaches_a_guangdong_city_on_a_page(
    site: Site, path: str, ask: Callable[[Site], Any], fares: str
):
    _fared(ask(site), fares, json_api=False)


@pytest.mark.parametrize(
    ("path", "ask", "fares"), API, ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(API)]
)
def test_a_hubei_token_never_reaches_a_guangdong_city_through_the_api(
    site: Site, world: World, path: str, ask: Callable[[Site, World], Any], fares: str
):
    _fared(ask(site, world), fares, json_api=True)


def test_an_expert_opens_only_an_assigned_city_of_another_province(site: Site, world: World):
    li = site.clients["li"]
    assert li.get("/history/深圳市").status_code == 200
    assert "没有被分配2015年度评审" not in li.get("/history/深圳市").text
    assert "专家li没有被分配评审佛山市" in li.get("/history/佛山市").text
    assert "专家li不评审本省（湖北省）的城市（武汉市）" in li.get("/history/武汉市").text
    token = {"authorization": f"Bearer {world.tokens['li']}"}
    assert site.api.get("/api/v1/archive/深圳市/2015", headers=token).status_code == 200
    for city in ("佛山市", "武汉市"):
        assert site.api.get(f"/api/v1/archive/{city}/2015", headers=token).status_code == 403


def test_the_older_reviewer_of_a_province_sees_its_province_on_the_pages(site: Site):
    old = site.clients["old"]
    assert old.get("/history/深圳市").status_code == 403
    assert old.get("/history/武汉市").status_code == 200


def test_an_admin_sees_the_users_and_tokens_and_no_city(site: Site, world: World):
    root = site.clients["root"]
    assert root.get("/", follow_redirects=False).headers["location"] == "/users"
    page = root.get("/users")
    assert page.status_code == 200
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td>([^<]+)（<code>(\w+)</code>）</td><td>([^<]*)</td>", page.text
    )
    assert rows == [
        ("guo", "国家局用户", "national", "全部城市"),
        ("hubei", "省局用户", "province", "湖北省的城市"),
        ("li", "专家", "expert", "年度考核文件分配的城市（不含湖北省的）"),
        ("old", "省局用户", "province", "湖北省的城市"),
        ("root", "管理员", "admin", "用户名单（不查看城市）"),
        ("wuhan", "城市用户", "city", "武汉市"),
        ("li", "专家", "expert", "年度考核文件分配的城市（不含湖北省的）"),
        ("湖北省平台", "省局用户", "province", "湖北省的城市"),
        ("管理", "管理员", "admin", "用户名单（不查看城市）"),
    ]
    assert "scrypt$" not in page.text and "sha256$" not in page.text
    assert root.get("/history/武汉市").status_code == 403
    token = {"authorization": f"Bearer {world.tokens['root']}"}
    answer = site.api.get("/api/v1/archive/submissions", headers=token)
    assert answer.status_code == 403
    said = json.loads(answer.text)["error"]
    assert said == "管理员不能查看城市的记录（只有城市用户、省局用户、国家局用户、专家可以）"
