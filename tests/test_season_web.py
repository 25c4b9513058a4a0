"""The season on the web: each user's to-do list on the home page, a city's stage page with the
reasons it was sent back, and the steps taken by form exactly as `ipscore season` takes them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from ipscore.cli import cli
from ipscore.season.people import load_users
from ipscore.web.app import create_app
from ipscore.web.pages import Settings

from .conftest import SCENARIOS

FOLDER = SCENARIOS / "season-2015"
USERS = FOLDER / "demo" / "users.yaml"


def _cli(db: str, user: str, *args: str) -> None:
    done = CliRunner().invoke(cli, [*args, "--db", db, "--users", str(USERS), "--user", user])
    assert done.exit_code == 0, done.output


@pytest.fixture
def web(tmp_path: Path) -> Any:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    _cli(db, "国家局", "season", "open", str(FOLDER / "2015.season.yaml"))
    _cli(db, "武汉市局", "archive", "add", str(FOLDER / "wuhan-2015.yaml"))
    settings = Settings(tmp_path / "data", db=db, users=load_users(USERS), users_file=USERS)
    app = create_app(settings)

    def signed_in(name: str) -> TestClient:
        client = TestClient(app)
        form = {"csrf": _token(client.get("/login").text), "name": name, "password": "demo-2015"}
        assert client.post("/login", data=form, follow_redirects=False).status_code == 303
        return client

    return signed_in


def _token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "no form token on the page"
    return found.group(1)


def _step(client: TestClient, city: str, **form: str) -> Any:
    form["csrf"] = _token(client.get("/").text)
    return client.post(f"/season/2015/{city}", data=form, follow_redirects=False)


def test_a_city_submits_is_sent_back_with_reasons_and_sees_them(web: Any):
    wuhan, hubei = web("武汉市局"), web("湖北省局")
    home = wuhan.get("/").text
    assert "待办（1项）" in home and "2015年度 湖北省武汉市</a>：待提交自评" in home
    page = wuhan.get("/season/2015/武汉市").text
    assert "阶段：<strong>待城市提交</strong>" in page and 'value="submit"' in page
    sent = _step(wuhan, "武汉市", action="submit")
    assert sent.status_code == 303
    page = wuhan.get(sent.headers["location"]).text
    assert "已记下：自评提交" in page and "阶段：<strong>省局初审</strong>" in page
    assert "待办" not in wuhan.get("/").text  # nothing waits on the city now

    assert "湖北省武汉市</a>：省局初审" in hubei.get("/").text
    reasons = "finance.pledge_amount=与银行备案不符，请核对"
    back = _step(hubei, "武汉市", action="return", reasons=reasons)
    assert back.status_code == 303, back.text
    home = wuhan.get("/").text
    assert "退回修改（退回理由1条）" in home
    page = wuhan.get("/season/2015/武汉市").text
    assert "退回理由（湖北省局" in page
    named = "<strong>finance.pledge_amount 2015年专利权质押融资金额</strong>"
    assert named + "：与银行备案不符，请核对" in page
    # The same version again is refused in words, on a page that says the step did not work.
    again = _step(wuhan, "武汉市", action="submit")
    assert again.status_code == 400
    assert "这一步没有办成" in again.text and "还没有存入修改后的新版本" in again.text


def test_the_province_and_the_nation_see_the_year_within_their_scope(web: Any):
    hubei, guangdong, nation = web("湖北省局"), web("广东省局"), web("国家局")
    year = hubei.get("/season/2015").text
    assert "武汉市" in year and "宜昌市" in year and "深圳市" not in year
    assert "湖北省的用户不能查看广东省的城市（深圳市）" in hubei.get("/season/2015/深圳市").text
    refused = _step(hubei, "深圳市", action="recommend")
    assert refused.status_code == 403
    assert "深圳市" in guangdong.get("/season/2015").text
    every = nation.get("/season/2015").text
    assert all(c in every for c in ("武汉市", "宜昌市", "襄阳市", "深圳市", "佛山市", "东莞市"))
    download = nation.get("/season/2015/download")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert web("武汉市局").get("/season/2015").status_code == 403  # for the offices only
