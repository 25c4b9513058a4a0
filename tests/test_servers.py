"""More than one server on one archive (issue 29): two `ipscore serve` apps, each with its own
data folder and server, sharing one PostgreSQL database, as two machines behind a proxy
would. A session made on one is honoured by the other, an upload taken by one is read on the
other, and fifty clients spread over both lose nothing."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest

from ipscore.season.people import load_users
from ipscore.store.archive import Archive
from ipscore.web.pages import Settings

from .conftest import SCENARIOS
from .databases import fresh_postgres
from .test_web import users_file
from .webserver import serve

WUHAN = SCENARIOS / "wuhan-2015.yaml"


def _token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


@pytest.fixture
def two_servers(tmp_path: Path, postgres_server: str):
    db = fresh_postgres(postgres_server)
    users = users_file(tmp_path)
    started = []
    for n in (1, 2):
        settings = Settings(tmp_path / f"machine{n}", db=db, users=load_users(users))
        server = serve(settings)
        started.append((server, next(server)))
    yield db, [site for _, site in started], [tmp_path / "machine1", tmp_path / "machine2"]
    for server, _ in started:
        next(server, None)


def test_a_session_and_an_upload_made_on_one_server_work_on_the_other(two_servers):
    _, (one, other), (_, second_data) = two_servers
    with httpx2.Client(base_url=one, timeout=60) as first:
        form = {"csrf": _token(first.get("/login").text), "name": "zhang", "password": "z-pass"}
        assert first.post("/login", data=form).status_code == 303
        done = first.post(
            "/check",
            data={"csrf": _token(first.get("/").text)},
            files={"file": ("wuhan.yaml", WUHAN.read_bytes())},
        )
        assert done.status_code == 303, done.text
        where = done.headers["location"]
        cookies = dict(first.cookies)
    with httpx2.Client(base_url=other, timeout=60, cookies=cookies) as second:
        page = second.get(where)
        assert page.status_code == 200 and "94.2" in page.text  # signed in, the file found
    # The other machine took the file from the database into its own folder to read it.
    assert (second_data / "uploads" / where.rsplit("/", 1)[-1] / "files" / "wuhan.yaml").is_file()
    with httpx2.Client(base_url=other, timeout=60, cookies=cookies) as second:
        second.post("/logout", data={"csrf": _token(second.get("/").text)})
    with httpx2.Client(base_url=one, timeout=60, cookies=cookies) as again:
        assert again.get("/").headers["location"] == "/login"  # signed out on the other


def test_fifty_clients_over_two_servers_lose_nothing(two_servers):
    db, sites, _ = two_servers
    text = WUHAN.read_text(encoding="utf-8")

    def one(n: int) -> int:
        upload_to, read_on = sites[n % 2], sites[(n + 1) % 2]
        with httpx2.Client(base_url=upload_to, timeout=120) as client:
            form = {"csrf": _token(client.get("/login").text), "name": "zhang",
                    "password": "z-pass"}  # fmt: skip
            assert client.post("/login", data=form).status_code == 303
            city = text.replace("name: 武汉市", f"name: 示例市{n:02d}").encode()
            done = client.post(
                "/batch",
                data={"csrf": _token(client.get("/").text)},
                files={"files": (f"c{n}.yaml", city)},
            )
            assert done.status_code == 303, done.text
            cookies = dict(client.cookies)
        with httpx2.Client(base_url=read_on, timeout=120, cookies=cookies) as reader:
            return reader.get(done.headers["location"]).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(one, range(50)))
    assert codes == [200] * 50
    archive = Archive(db)
    try:
        assert len({s.city for s in archive.submissions(year=2015)}) == 50
    finally:
        archive.close()
