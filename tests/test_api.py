"""The JSON API (`/api/v1/…`): the command line's JSON, byte for byte, for a machine client
holding a token; what a token may see; refusals as JSON, never a page or a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from ipscore.errors import InputError
from ipscore.season.people import hash_password, load_users, new_token, token_hash
from ipscore.web.app import create_app
from ipscore.web.pages import Settings

from .conftest import ROOT, SCENARIOS
from .test_web import token

BAD = ROOT / "tests" / "bad_inputs"
# The top-level scenarios that name no file beside them (evidence, a reference): sent alone,
# they are what they are on disk.
ALONE = sorted(
    p
    for p in SCENARIOS.glob("*-2015.*")
    if "evidence:" not in p.read_text(encoding="utf-8")
    and "reference:" not in p.read_text(encoding="utf-8")
)


def cli(*args: str, db: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args, "--db", db],
        capture_output=True,
        cwd=cwd,
        env={**os.environ, "IPSCORE_DB": db},
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'a.db'}"


@pytest.fixture
def local(tmp_path: Path, db: str) -> TestClient:
    """A server on this machine without a users file: everyone is the local user."""
    return TestClient(create_app(Settings(tmp_path / "data", db=db)))


def sent(client: TestClient, route: str, path: Path, **params: object):
    return client.post(
        f"/api/v1/{route}", content=path.read_bytes(), params={"name": path.name, **params}
    )


def test_assess_answers_the_command_lines_json_for_every_shipped_scenario(local, db):
    assert len(ALONE) >= 8
    for path in ALONE:
        answer = sent(local, "assess", path, timestamp=0)
        expected = cli("assess", path.name, "--format", "json", "--no-timestamp", db=db,
                       cwd=path.parent)  # fmt: skip
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/json"
        assert answer.content == expected.stdout, path.name


def test_a_time_stamp_unless_asked_not_to(local):
    stamped = sent(local, "assess", SCENARIOS / "wuhan-2015.yaml").json()
    assert stamped["provenance"]["produced_at"] is not None
    assert stamped["source"] == "wuhan-2015.yaml"  # the name it was sent as, no server folder


def test_validate_whatif_and_plan_answer_as_the_command_line(local, db):
    bad = BAD / "negative_count.yaml"
    answer = sent(local, "validate", bad, timestamp=0)
    expected = cli("validate", bad.name, "--format", "json", "--no-timestamp", db=db,
                   cwd=bad.parent)  # fmt: skip
    assert expected.returncode == 2
    assert answer.status_code == 200 and answer.content == expected.stdout
    assert answer.json()["ok"] is False
    assert answer.json()["problems"] == [
        {
            "file": "negative_count.yaml",
            "line": 6,
            "field": "enforcement.city_staff",
            "message": "应为不小于0的整数（人），不能为负数 -2",
            "message_en": "expected a whole number ≥ 0 (persons), not the negative -2",
        }
    ]
    wuhan = SCENARIOS / "wuhan-2015.yaml"
    answer = local.post(
        "/api/v1/whatif",
        content=wuhan.read_bytes(),
        params=[("name", "wuhan-2015.yaml"), ("timestamp", "0"),
                ("set", "finance.pledge_amount=7800"), ("param", "T4.R2=1.15")],
    )  # fmt: skip
    expected = cli("whatif", "wuhan-2015.yaml", "--set", "finance.pledge_amount=7800",
                   "--param", "T4.R2=1.15", "--format", "json", "--no-timestamp", db=db,
                   cwd=SCENARIOS)  # fmt: skip
    assert answer.status_code == 200 and answer.content == expected.stdout
    answer = sent(local, "plan", wuhan, target="excellent", timestamp=0)
    expected = cli("plan", "wuhan-2015.yaml", "--target", "excellent", "--format", "json",
                   "--no-timestamp", db=db, cwd=SCENARIOS)  # fmt: skip
    assert answer.status_code == 200 and answer.content == expected.stdout
    # 7800 = 6500 × 1.2 makes T4 complete: one thing to do, 98.6 优秀 (see test_web).
    assert len(answer.json()["actions"]) == 1


def test_archive_reads_and_the_published_list_answer_as_the_command_line(local, db, tmp_path):
    added = cli("archive", "add", "scenarios/wuhan-2015.yaml", "scenarios/shenzhen-2015.yaml",
                db=db)  # fmt: skip
    assert added.returncode == 0, added.stderr
    pairs = [
        ("archive/submissions", ["archive", "list", "--format", "json"]),
        ("archive/武汉市/2015", ["archive", "show", "武汉市", "2015", "--format", "json"]),
        ("history/武汉市", ["history", "武汉市", "--format", "json"]),
    ]
    for route, command in pairs:
        answer = local.get(f"/api/v1/{route}", params={"timestamp": 0})
        assert answer.status_code == 200, answer.text
        assert answer.content == cli(*command, "--no-timestamp", db=db).stdout, route
    listed = tmp_path / "名单.json"
    done = cli("publish", "--year", "2015", "--score", "declared", "-o", str(listed),
               "--no-timestamp", db=db)  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = local.get("/api/v1/published", params={"year": 2015, "score": "declared",
                                                   "timestamp": 0})  # fmt: skip
    assert answer.status_code == 200 and answer.content == listed.read_bytes()
    cities = [c["city"] for t in answer.json()["tiers"] for c in t["cities"]]
    assert sorted(cities) == ["武汉市", "深圳市"]
    assert not any("score" in c for t in answer.json()["tiers"] for c in t["cities"])


def test_refusals_are_json_with_where_and_what(local):
    unreadable = sent(local, "assess", BAD / "text_for_count.yaml")
    assert unreadable.status_code == 400
    (problem,) = unreadable.json()["problems"]
    assert problem["file"] == "text_for_count.yaml" and problem["field"].endswith("city_staff")
    assert unreadable.json()["error"] == "有 1 处问题，未能完成"
    no_name = local.post("/api/v1/assess", content=b"pack: x")
    assert no_name.status_code == 400 and "?name=" in no_name.json()["error"]
    as_json = local.post("/api/v1/assess", content=b"{}", headers={"content-type":
                         "application/json"})  # fmt: skip
    assert as_json.status_code == 400 and as_json.json()["problems"][0]["file"] == (
        "submission.json"
    )
    path = local.post("/api/v1/assess", content=b"x", params={"name": "../etc/x.yaml"})
    assert path.status_code == 400
    assert path.json() == {"error": "name 只写文件名，不带路径：../etc/x.yaml"}
    empty = local.post("/api/v1/assess", params={"name": "a.yaml"})
    assert empty.status_code == 400 and "空" in empty.json()["error"]
    no_pack = sent(local, "assess", BAD / "no_pack.yaml").json()["problems"]
    assert no_pack[0]["message"] == "提交文件没有写 pack（规则包编号），请在文件中写明或使用 ?pack="
    best = sent(local, "plan", SCENARIOS / "wuhan-2015.yaml", target="best").json()["problems"]
    assert best[0]["field"] == "target" and best[0]["message"].startswith("没有等级 best")
    assert local.get("/api/v1/nothing").status_code == 404
    assert local.get("/api/v1/nothing").json()["error"].startswith("没有这个接口")
    assert local.get("/api/v1/published", params={"year": "abc"}).status_code == 400
    assert local.get("/api/v1/archive/武汉市/2015").status_code == 400  # not on record


def test_the_openapi_document_names_every_route(local):
    found = local.get("/api/v1/openapi.json").json()
    assert found["openapi"] == "3.1.0"
    routes = {
        r.path.replace(":int", "")
        for r in local.app.routes
        if r.path.startswith("/api/v1/") and r.path not in ("/api/v1/openapi.json",)
        and "{rest" not in r.path
    }  # fmt: skip
    assert routes == set(found["paths"])
    schema = local.get("/api/v1/packs/cnipa-2015-demo-city/schema").json()
    assert schema["properties"]["pack"] == {"enum": ["cnipa-2015-demo-city"]}
    result = local.get("/api/v1/packs/cnipa-2015-demo-city/schema", params={"result": 1}).json()
    assert result["$id"].endswith(":result")


@pytest.fixture
def tokens(tmp_path: Path) -> dict[str, str]:
    return {"wuhan": new_token(), "hubei": new_token(), "nation": new_token()}


@pytest.fixture
def guarded(tmp_path: Path, db: str, tokens: dict[str, str]) -> TestClient:
    users = tmp_path / "users.yaml"
    users.write_text(
        "users:\n"
        f'  zhang: {{password: "{hash_password("z-pass")}", role: reviewer}}\n'
        "tokens:\n"
        f'  武汉接口: {{hash: "{token_hash(tokens["wuhan"])}", role: city, city: 武汉市}}\n'
        f'  湖北省平台: {{hash: "{token_hash(tokens["hubei"])}", role: reviewer, '
        "province: 湖北省}\n"
        f'  国家局: {{hash: "{token_hash(tokens["nation"])}", role: reviewer}}\n',
        encoding="utf-8",
    )
    settings = Settings(tmp_path / "data", db=db, users=load_users(users), users_file=users)
    added = cli("archive", "add", "scenarios/wuhan-2015.yaml", "scenarios/shenzhen-2015.yaml",
                db=db)  # fmt: skip
    assert added.returncode == 0, added.stderr
    return TestClient(create_app(settings))


def bearer(value: str) -> dict[str, str]:
    return {"authorization": f"Bearer {value}"}


def test_a_token_is_needed_and_sees_its_city_or_province(guarded, tokens):
    wuhan, shenzhen = SCENARIOS / "wuhan-2015.yaml", SCENARIOS / "shenzhen-2015.yaml"
    none = sent(guarded, "assess", wuhan)
    assert none.status_code == 401 and none.headers["www-authenticate"] == "Bearer"
    assert none.json() == {"error": "需要令牌：请求头写 Authorization: Bearer <令牌>"}
    wrong = guarded.post("/api/v1/assess", content=b"x", params={"name": "a.yaml"},
                         headers=bearer(tokens["wuhan"] + "x"))  # fmt: skip
    assert wrong.status_code == 401
    city = bearer(tokens["wuhan"])
    ok = guarded.post("/api/v1/assess", content=wuhan.read_bytes(), params={"name": wuhan.name},
                      headers=city)  # fmt: skip
    assert ok.status_code == 200 and ok.json()["city"] == "武汉市"
    other = guarded.post("/api/v1/assess", content=shenzhen.read_bytes(),
                         params={"name": shenzhen.name}, headers=city)  # fmt: skip
    assert other.status_code == 403
    assert other.json() == {"error": "武汉市的用户只能查看本市的记录，不能查看深圳市的"}

    def listed(who: str) -> list[str]:
        found = guarded.get("/api/v1/archive/submissions", headers=bearer(tokens[who]))
        return sorted(s["city"] for s in found.json()["submissions"])

    assert listed("wuhan") == ["武汉市"]
    assert listed("hubei") == ["武汉市"]  # 深圳市 is in 广东省
    assert listed("nation") == ["武汉市", "深圳市"]
    hubei = bearer(tokens["hubei"])
    assert guarded.get("/api/v1/archive/深圳市/2015", headers=hubei).status_code == 403
    assert guarded.get("/api/v1/history/深圳市", headers=city).status_code == 403
    assert guarded.get("/api/v1/history/武汉市", headers=city).status_code == 200


def test_a_signed_in_page_session_does_not_open_the_api(guarded):
    page = guarded.get("/login")
    signed = guarded.post("/login", data={"name": "zhang", "password": "z-pass",
                                          "csrf": token(page.text)})  # fmt: skip
    assert signed.status_code == 200 and "退出" in signed.text
    assert guarded.get("/api/v1/archive/submissions").status_code == 401


def test_a_token_written_in_the_clear_is_refused_with_its_line(tmp_path: Path):
    users = tmp_path / "users.yaml"
    users.write_text(
        "tokens:\n  省平台: {hash: abcdef, role: reviewer}\n  某市: {hash: x, role: city}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as found:
        load_users(users)
    assert [p.render() for p in found.value.problems] == [
        f"{users}，第2行，字段 省平台：hash 应为 ipscore serve --new-token 打印的 sha256$…，"
        "不能写令牌本身",
        f"{users}，第3行，字段 某市：city 用户要写 city（城市名）",
    ]


def test_new_token_prints_a_token_and_its_hash():
    done = subprocess.run([sys.executable, "-m", "ipscore", "serve", "--new-token"],
                          capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    assert done.returncode == 0
    first, _, rest = done.stdout.partition("\n")
    given = first.rpartition("：")[2]
    assert len(given) == 43 and token_hash(given) in rest
    assert json.dumps(token_hash(given))[1:8] == "sha256$"


def test_a_body_past_the_limit_is_413_in_json(tmp_path: Path, db: str):
    client = TestClient(create_app(Settings(tmp_path / "data", db=db, max_upload=2**20)))
    done = client.post("/api/v1/assess", content=b"#" * (3 * 2**20), params={"name": "a.yaml"})
    assert done.status_code == 413
    assert done.json() == {"error": "请求体超过 1 MB 的上限，什么也没有保存"}


def test_a_province_token_cannot_reach_another_provinces_record_by_claiming_its_city(
    guarded, tokens, tmp_path: Path, db: str
):
    """深圳市's 2014 figures are on record (广东省). A 湖北省 token sends 深圳市's 2015 file
    claiming 湖北省, its 2014 figures blank: were the archive read for it, the answer would
    carry 深圳市's 2014 record. It is refused before, on the province the archive holds."""
    text = (SCENARIOS / "shenzhen-2015.yaml").read_text(encoding="utf-8")
    earlier = tmp_path / "shenzhen-2014.yaml"
    earlier.write_text(text.replace("year: 2015", "year: 2014"), encoding="utf-8")
    assert cli("archive", "add", str(earlier), db=db).returncode == 0
    claimed = text.replace("广东省", "湖北省")
    assert claimed != text
    hubei = bearer(tokens["hubei"])
    for route in ("assess", "validate", "whatif", "plan"):
        asked = {"name": "sz.yaml", "target": "good"}
        done = guarded.post(f"/api/v1/{route}", content=claimed.encode(), params=asked,
                            headers=hubei)  # fmt: skip
        assert done.status_code == 403, route
        assert done.json() == {"error": "湖北省的用户不能查看广东省的城市（深圳市）"}
        assert "2014" not in done.text


def test_odd_numbers_and_names_are_400_never_500(guarded, tokens):
    nation = bearer(tokens["nation"])
    for params in ({"year": "²"}, {"year": "٢٠١٥"}, {"year": "9" * 20}):
        done = guarded.get("/api/v1/published", params={**params, "score": "declared"},
                           headers=nation)  # fmt: skip
        assert done.status_code == 400 and "应为不超过9位的整数" in done.json()["error"]
    assert guarded.get("/api/v1/archive/武汉市/" + "9" * 20, headers=nation).status_code == 400
    wuhan = (SCENARIOS / "wuhan-2015.yaml").read_bytes()
    for name in ("a\x00.yaml", "x" * 300 + ".yaml", "a\n.yaml"):
        done = guarded.post("/api/v1/assess", content=wuhan, params={"name": name},
                            headers=nation)  # fmt: skip
        assert done.status_code == 400, name


def test_the_published_list_is_for_reviewers_and_a_province_gets_its_own(guarded, tokens):
    asked = {"year": 2015, "score": "declared", "with_scores": 1}
    city = guarded.get("/api/v1/published", params=asked, headers=bearer(tokens["wuhan"]))
    assert city.status_code == 403
    hubei = guarded.get("/api/v1/published", params=asked, headers=bearer(tokens["hubei"]))
    nation = guarded.get("/api/v1/published", params=asked, headers=bearer(tokens["nation"]))
    listed = [c["city"] for t in hubei.json()["tiers"] for c in t["cities"]]
    assert listed == ["武汉市"]
    whole = {c["city"]: c for t in nation.json()["tiers"] for c in t["cities"]}
    assert sorted(whole) == ["武汉市", "深圳市"]
    (wuhan,) = (c for t in hubei.json()["tiers"] for c in t["cities"])
    assert wuhan == whole["武汉市"]  # ranked as in the whole list


def test_a_wrong_method_is_405_and_an_unknown_pack_404(local):
    done = local.get("/api/v1/assess")
    assert done.status_code == 405 and done.headers["allow"] == "POST"
    assert done.json() == {"error": "/api/v1/assess 只接受 POST"}
    assert local.patch("/api/v1/published").status_code == 405
    missing = local.get("/api/v1/packs/nope/schema")
    assert missing.status_code == 404 and missing.json()["error"].startswith("没有这个规则包")
