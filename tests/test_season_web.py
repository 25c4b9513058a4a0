"""The season on the web: each user's to-do list on the home page, a city's stage page with the
reasons it was sent back, and the steps taken by form exactly as `ipscore season` takes them."""

from __future__ import annotations

import json
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
    assert nation.get("/season/99999999999999999999").status_code == 403  # no such year
    odd = _step(nation, "武汉市", action="answer", objection="²", opinion="x")
    assert odd.status_code == 400 and "请选择要答复的异议" in odd.text


def _at(monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    """The moment every step is taken at from now on (UTC)."""
    import datetime as dt

    moment = dt.datetime.fromisoformat(when).replace(tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))


def test_the_nation_reviews_takes_objections_and_makes_final_on_the_web(
    web: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    wuhan, hubei, nation = web("武汉市局"), web("湖北省局"), web("国家局")
    db = f"sqlite:///{tmp_path / 'a.db'}"
    _at(monkeypatch, "2016-03-28T02:00:00")
    assert _step(wuhan, "武汉市", action="submit").status_code == 303
    _at(monkeypatch, "2016-04-20T02:00:00")
    assert _step(hubei, "武汉市", action="recommend").status_code == 303
    assert "湖北省武汉市</a>：国家局复核" in nation.get("/").text
    refused = _step(nation, "武汉市", action="review", notice_start="2016-06-01")
    assert refused.status_code == 400 and "佐证材料未核验" in refused.text
    pending = CliRunner().invoke(
        cli, ["verify", "--pending", "武汉市", "--format", "json", "--db", db]
    )
    ids = sorted({p["requirement"] for p in json.loads(pending.stdout)["pending"]})
    _cli(db, "国家局", "verify", "武汉市", "2015", *ids, "--ok")
    assert _step(nation, "武汉市", action="review", notice_start="2016-06-01").status_code == 303
    page = nation.get("/season/2015/武汉市").text
    assert "公示期：2016-06-01 至 2016-06-07（工作日计）" in page

    _at(monkeypatch, "2016-06-02T02:00:00")
    anonymous = _step(nation, "武汉市", action="object", kind="person", text="数据不实")
    assert anonymous.status_code == 400 and "匿名异议（未署名）" in anonymous.text
    accepted = _step(
        nation, "武汉市", action="object", kind="organisation", objector="某协会",
        sealed="on", text="数据不实", received="2016-06-02",
    )  # fmt: skip
    assert accepted.status_code == 303
    page = nation.get("/season/2015/武汉市").text
    assert "某协会（单位，2016-06-02收到）：数据不实 — 待答复" in page
    objection = re.search(r'<option value="(\d+)">#\d+ 某协会', page)
    assert objection
    _at(monkeypatch, "2016-06-07T15:00:00")  # 23:00 on the notice's last day, Beijing
    early = _step(nation, "武汉市", action="final")
    assert early.status_code == 400 and "公示期到2016-06-07为止，期满后才能定稿" in early.text
    _at(monkeypatch, "2016-06-08T02:00:00")
    unanswered = _step(nation, "武汉市", action="final")
    assert "还有未答复的异议" in unanswered.text
    answer = {"objection": objection.group(1), "upheld": "no", "opinion": "经核实不成立"}
    assert _step(nation, "武汉市", action="answer", **answer).status_code == 303
    made = _step(nation, "武汉市", action="final")
    assert made.status_code == 303
    assert "阶段：<strong>定稿</strong>" in nation.get(made.headers["location"]).text


def test_a_province_recommends_within_its_quota(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'q.db'}"
    season = tmp_path / "2015.season.yaml"
    text = (FOLDER / "2015.season.yaml").read_text(encoding="utf-8")
    season.write_text(
        text.replace(
            "quotas:\n",
            "quotas:\n"
            "  - id: half-of-a-province\n"
            "    what: recommend\n"
            "    per: province\n"
            '    share: "0.5"\n'
            "    label: 每省推荐不超过本省城市的一半（示例）\n"
            "    citation: {source: 国知办发管字〔2013〕15号（转引）, section: 二, text: 50%}\n",
        ),
        encoding="utf-8",
    )
    _cli(db, "国家局", "season", "open", str(season))
    for city, file in (("武汉市", "wuhan"), ("宜昌市", "yichang")):
        _cli(db, f"{city}局", "archive", "add", str(FOLDER / f"{file}-2015.yaml"))
        _cli(db, f"{city}局", "season", "advance", city, "--year", "2015")
    _cli(db, "湖北省局", "season", "advance", "武汉市", "--year", "2015")
    users = ["--users", str(USERS), "--user", "湖北省局"]
    second = CliRunner().invoke(
        cli, ["season", "advance", "宜昌市", "--year", "2015", "--db", db, *users]
    )
    assert second.exit_code == 2
    # 湖北省 has three cities in the season: 50% of 3 is 1.5, rounded down to 1.
    assert (
        "湖北省的推荐名额已满：每省推荐不超过本省城市的一半（示例），3家的50%（1.5家），"
        in second.stderr
    )
    assert "向下取整为1家；已推荐：武汉市" in second.stderr


def test_an_expert_scores_an_assigned_city_on_its_stage_page(tmp_path: Path):
    db = f"sqlite:///{tmp_path / 'e.db'}"
    season = tmp_path / "2015.season.yaml"
    text = (FOLDER / "2015.season.yaml").read_text(encoding="utf-8")
    text = text.replace("pack: cnipa-2015-demo-city", "pack: cnipa-2015-experts")
    season.write_text(text.replace("experts: {}", "experts: {专家甲: {cities: [武汉市]}}"), "utf-8")
    _cli(db, "国家局", "season", "open", str(season))
    wuhan = str(FOLDER / "wuhan-2015.yaml")
    _cli(db, "武汉市局", "archive", "add", wuhan, "--pack", "cnipa-2015-experts")
    _cli(db, "武汉市局", "season", "advance", "武汉市", "--year", "2015")
    _cli(db, "湖北省局", "season", "advance", "武汉市", "--year", "2015")
    settings = Settings(tmp_path / "data", db=db, users=load_users(USERS), users_file=USERS)
    expert = TestClient(create_app(settings))
    form = {"csrf": _token(expert.get("/login").text), "name": "专家甲", "password": "demo-2015"}
    assert expert.post("/login", data=form, follow_redirects=False).status_code == 303
    assert "湖北省武汉市</a>：国家局复核" in expert.get("/").text
    page = expert.get("/season/2015/武汉市").text
    assert '<option value="approach">工作思路（0—10分）</option>' in page
    scored = _step(expert, "武汉市", action="score", item="approach", points="7.5")
    assert scored.status_code == 303, scored.text
    assert "已记下：工作思路评分" in expert.get(scored.headers["location"]).text
    wrong = _step(expert, "武汉市", action="score", item="approach", points="10.5")
    assert wrong.status_code == 400 and "分数应在 0 到 10 之间，不能是 10.5" in wrong.text
    # The review is the national office's: an expert is refused for its role, told nothing of
    # the city's unchecked evidence.
    users = ["--db", db, "--users", str(USERS), "--user", "专家甲"]
    done = CliRunner().invoke(cli, ["season", "advance", "武汉市", "--year", "2015", *users])
    assert done.exit_code == 2 and "复核由国家局办理" in done.stderr
    assert "未核验" not in done.stderr
    # 专家丙 (湖北省) is not assigned, and would never score a city of its own province.
    assert _refused_page(tmp_path, settings, "专家丙", "/season/2015/武汉市")


def _refused_page(tmp_path: Path, settings: Settings, name: str, path: str) -> bool:
    client = TestClient(create_app(settings))
    form = {"csrf": _token(client.get("/login").text), "name": name, "password": "demo-2015"}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    return client.get(path).status_code == 403
