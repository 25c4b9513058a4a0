"""The season file: read with the line of every key, checked against its pack and the working-day
calendar, opened into the archive by the national office only, appended, and shown."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ipscore.errors import InputError
from ipscore.season.people import hash_password
from ipscore.season.seasonfile import load_season, season_from_document
from ipscore.store.archive import Archive
from ipscore.store.seasons import add_season, seasons_of, standing_season

from .conftest import ROOT, SCENARIOS, ipscore
from .databases import fresh_postgres

EXAMPLE = SCENARIOS / "season-2015" / "2015.season.yaml"
BAD = ROOT / "tests" / "bad_inputs" / "season"
D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def users(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("users") / "users.yaml"
    hashed = hash_password("x")
    path.write_text(
        "users:\n"
        f'  国家局: {{password: "{hashed}", role: national}}\n'
        f'  湖北省局: {{password: "{hashed}", role: province, province: 湖北省}}\n',
        encoding="utf-8",
    )
    return path


def opened(path: Path, db: Path, users: Path, user: str = "国家局", *more: str):
    return ipscore(
        "season", "open", str(path), "--db", str(db), *more, IPSCORE_USERS=str(users),
        IPSCORE_USER=user, SOURCE_DATE_EPOCH="1459468800",  # 2016-04-01T00:00:00Z
    )  # fmt: skip


def test_the_example_reads_as_written():
    season = load_season(EXAMPLE)
    assert (season.year, season.pack) == (2015, "cnipa-2015-demo-city")
    assert season.example == "示例数据，非官方安排：仅用于演示和测试"
    assert (season.deadlines.submit, season.deadlines.province, season.deadlines.national) == (
        D("2016-03-31"),
        D("2016-04-29"),
        D("2016-05-31"),
    )
    assert (season.notice.start, season.notice.working_days) == (None, 5)
    assert season.notice.rule.endswith("匿名或超期异议不予受理。")
    assert "真实身份：以单位名义" in season.notice.rule  # folded without a space
    assert season.notice.citation.text == "匿名或超期异议不予受理"
    assert season.cities == {
        "湖北省": ["武汉市", "宜昌市", "襄阳市"],
        "广东省": ["深圳市", "佛山市", "东莞市"],
    }
    (quota,) = season.quotas
    assert (quota.id, quota.grade, quota.per, quota.at_most, quota.ties) == (
        "one-excellent-per-tier", "excellent", "tier", 1, "earlier_submission",
    )  # fmt: skip
    assert season.experts == {}
    text = EXAMPLE.read_text(encoding="utf-8")
    assert season_from_document(text, "2015.season.yaml") == season


# Each bad season file: where (line, field) and what, exit code 2 from `ipscore season open`.
EXPECTED = {
    "malformed.season.yaml": (7, None, "YAML 格式错误（请检查缩进、冒号和引号）"),
    "unknown_key.season.yaml": (4, "expert_part", "不认识的键，请检查拼写"),
    "deadline_not_a_date.season.yaml": (
        5,
        "deadlines.submit",
        "应为日期，格式如 2016-03-31，实际为“2016年3月31日”",
    ),
    "deadlines_out_of_order.season.yaml": (
        6,
        "deadlines.province",
        "省局初审截止日 2016-03-30 早于自评提交截止日 2016-03-31：各截止日应依次为 "
        "submit ≤ province ≤ national",
    ),
    "unknown_pack.season.yaml": (
        2,
        "pack",
        "没有编号为 cnipa-2015-demo-cty 的规则包，是否想写 cnipa-2015-demo-city？",
    ),
    "pack_of_another_year.season.yaml": (
        2,
        "pack",
        "规则包 harbin-2007-demo-city 评估的是2010年度，不是本文件的2015年度",
    ),
    "unknown_grade.season.yaml": (
        14,
        "quotas[0].grade",
        "规则包 cnipa-2015-demo-city 没有等级 excelent，是否想写 excellent？",
    ),
    "city_in_two_provinces.season.yaml": (
        6,
        "cities.广东省[1]",
        "武汉市 已列在湖北省，一个城市只属于一个省",
    ),
    "deadline_on_holiday.season.yaml": (
        6,
        "deadlines.province",
        "省局初审截止日 2016-04-04（星期一）不是工作日：截止日须为工作日，"
        "最近的前一个工作日是 2016-04-01（星期五）",
    ),
    "deadline_beyond_calendar.season.yaml": (
        7,
        "deadlines.national",
        "2031-05-30 不在节假日库 chinesecalendar 所含的年份（2004–",
    ),
}


def test_every_bad_season_file_has_an_expected_message():
    assert {p.name for p in BAD.iterdir()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_bad_season_file_is_refused_with_its_line_and_field(name, users, tmp_path):
    done = opened(BAD / name, tmp_path / "a.sqlite", users)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    line, field, message = EXPECTED[name]
    where = f"tests/bad_inputs/season/{name}，第{line}行" + (f"，字段 {field}" if field else "")
    assert f"{where}：{message}" in done.stderr, done.stderr
    archive = Archive.open(str(tmp_path / "a.sqlite"))
    assert seasons_of(archive, 2015) == []
    archive.close()


def test_every_problem_is_named_in_one_pass(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in {
        "  submit: 2016-03-31 ": "  submit: 2015-12-31 ",  # in the assessed year
        "  national: 2016-05-31": "  national: 2016-04-02",  # a Saturday, before province
        "  working_days: 5": "  working_days: 5\n  start: 2016-04-01",
    }.items():
        assert text.count(old) == 1
        text = text.replace(old, new)
    with pytest.raises(InputError) as caught:
        season_from_document(text, "x.season.yaml")
    found = [(p.line, p.field, p.zh) for p in caught.value.problems]
    assert found == [
        (
            17,
            "deadlines.national",
            "国家局复核截止日 2016-04-02（星期六）不是工作日：截止日须为工作日，"
            "最近的前一个工作日是 2016-04-01（星期五）",
        ),
        (15, "deadlines.submit", "自评提交截止日 2015-12-31 应在考核年度（2015年）结束之后"),
        (
            17,
            "deadlines.national",
            "国家局复核截止日 2016-04-02 早于省局初审截止日 2016-04-29："
            "各截止日应依次为 submit ≤ province ≤ national",
        ),
        (20, "notice.start", "公示开始日 2016-04-01 应在国家局复核截止日 2016-04-02 之后"),
    ]
    assert caught.value.problems[0].en == (
        "the deadline for the national review, 2016-04-02 (Saturday), is not a working day: a "
        "deadline must be one; the nearest working day before it is 2016-04-01 (Friday)"
    )


def test_only_the_national_office_opens_a_season(users, tmp_path):
    done = opened(EXAMPLE, tmp_path / "a.sqlite", users, "湖北省局")
    assert done.returncode == 2
    assert "省局用户（湖北省）不能开启考核年度（只有国家局用户可以）" in done.stderr
    anyone = ipscore("season", "open", str(EXAMPLE), "--db", str(tmp_path / "a.sqlite"))
    assert anyone.returncode == 2
    assert "请用 --users 用户文件 --user 用户名 说明由谁办理" in anyone.stderr


def test_a_season_is_stored_whole_once_and_a_change_appended(users, tmp_path):
    db = tmp_path / "a.sqlite"
    first = opened(EXAMPLE, db, users)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == "已开启 2015年度考核（第1版）"
    assert "  自评提交截止：2016-03-31（星期四）" in lines
    assert "  省局初审截止：2016-04-29（星期五）" in lines
    assert "  国家局复核截止：2016-05-31（星期二）" in lines
    assert "  公示：5个工作日，开始日期由国家局开始公示时确定" in lines
    assert "  专家：0人" in lines
    quota = "  名额：one-excellent-per-tier：excellent 每档不超过1家，同分者先提交的在前"
    assert quota in lines
    assert (
        "  开启：第1版（#1），国家局 于 2016-04-01T00:00:00Z，"
        "文件 scenarios/season-2015/2015.season.yaml" in lines
    )
    again = opened(EXAMPLE, db, users)
    assert again.stdout.splitlines()[0] == "= 2015年度考核未变化：与当前的第1版相同，没有再存"
    archive = Archive.open(str(db))
    stored = seasons_of(archive, 2015)
    assert len(stored) == 1
    assert stored[0].document == EXAMPLE.read_text(encoding="utf-8")
    assert (stored[0].stored_by, stored[0].stored_at) == ("国家局", "2016-04-01T00:00:00Z")

    # The notice set to start on Monday 2016-06-06: 06-06, 07, 08, then 端午 (06-09..11) off,
    # Sunday 06-12 a make-up working day (its fourth), and Monday 06-13 (its fifth).
    changed = tmp_path / "2015.season.yaml"
    changed.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace(
            "  working_days: 5", "  working_days: 5\n  start: 2016-06-06"
        ),
        encoding="utf-8",
    )
    second = opened(changed, db, users)
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[0] == "已开启 2015年度考核（第2版）"
    assert "  公示：5个工作日，2016-06-06（星期一）至2016-06-13（星期一）" in second.stdout
    assert [s.id for s in seasons_of(archive, 2015)] == [1, 2]
    standing = standing_season(archive, 2015)
    assert standing is not None and standing.id == 2
    assert standing_season(archive, 2016) is None

    shown = ipscore("season", "show", "2015", "--db", str(db), "--format", "json")
    body = json.loads(shown.stdout)
    assert body["season"]["notice"]["start"] == "2016-06-06"
    assert body["notice_ends"] == "2016-06-13"
    assert body["weekdays"] == {"submit": "Thursday", "province": "Friday", "national": "Tuesday"}
    assert body["stored"]["version"] == 2 and body["stored"]["stored_by"] == "国家局"
    table = ipscore("season", "show", "2015", "--db", str(db))
    assert "第2版（#2），国家局 于 2016-04-01T00:00:00Z" in table.stdout
    archive.close()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_add_season_stores_a_year_s_text_once(kind, tmp_path, request):
    if kind == "sqlite":
        archive = Archive.open(str(tmp_path / "a.sqlite"), writes=True)
    else:
        archive = Archive(fresh_postgres(request.getfixturevalue("postgres_server")))
    row = {
        "year": 2015,
        "file": "a.season.yaml",
        "document": "year: 2015\n",
        "sha256": "0" * 64,
        "stored_at": "2016-04-01T00:00:00Z",
        "stored_by": "国家局",
    }
    assert add_season(archive, row) == (1, True)
    assert add_season(archive, {**row, "stored_at": "2016-04-02T00:00:00Z"}) == (1, False)
    assert add_season(archive, {**row, "sha256": "1" * 64}) == (2, True)
    # Back to the first text: it stands again, as a new row.
    assert add_season(archive, row) == (3, True)
    assert [s.sha256[0] for s in seasons_of(archive, 2015)] == ["0", "1", "0"]
    archive.close()


def test_show_names_a_year_never_opened(tmp_path):
    done = ipscore("season", "show", "2015", "--db", str(tmp_path / "a.sqlite"))
    assert done.returncode == 2
    assert "字段 YEAR：归档中没有2015年度的考核安排：请先用 ipscore season open 开启" in done.stderr


def test_a_season_file_is_not_a_submission(tmp_path):
    done = ipscore("assess", str(EXAMPLE))
    assert done.returncode == 2
    assert (
        "scenarios/season-2015/2015.season.yaml：这是考核年度文件（*.season.yaml），不是提交文件："
        "请用 ipscore season open" in done.stderr
    )
    folder = tmp_path / "cohort"
    folder.mkdir()
    (folder / "2015.season.yaml").write_bytes(EXAMPLE.read_bytes())
    (folder / "wuhan-2015.yaml").write_bytes((SCENARIOS / "wuhan-2015.yaml").read_bytes())
    both = ipscore("assess", str(folder), "--format", "json")
    assert both.returncode == 0, both.stderr
    assert "武汉市" in both.stdout and "考核年度" not in both.stdout


def test_quotas_are_summed_up_in_words():
    from ipscore.store.seasons import StoredSeason
    from ipscore.views.tables.season import season_rows

    example = EXAMPLE.read_text(encoding="utf-8")
    text = example[: example.index("quotas:\n")] + (
        "quotas:\n"
        "  - {id: top, what: grade, grade: excellent, per: tier, at_most: 1, label: 优秀名额,\n"
        "     citation: {source: 六安市考评办法, section: 第四条, text: 每年不超过3家}}\n"
        "  - {id: share, what: recommend, per: province, share: 0.3, ties: all_kept,\n"
        "     label: 推荐名额,\n"
        "     citation: {source: 六安市考评办法, section: 第四条, text: 不超过30%}}\n"
        "experts: {}\n"
    )
    season = season_from_document(text, "q.season.yaml")
    stored = StoredSeason(
        1, 2015, "q.season.yaml", text, "0" * 64, "2016-04-01T00:00:00Z", "国家局"
    )
    rows = dict(season_rows(season, stored, 1, "zh"))
    assert rows["名额"] == (
        "top：excellent 每档不超过1家，同分者全部划出\n"
        "share：推荐 每省不超过30%，同分者全部保留（超出名额并写明）"
    )
    english = dict(season_rows(season, stored, 1, "en"))
    assert english["Quotas"] == (
        "top: excellent, at most 1 per tier; ties all cut\n"
        "share: recommended, at most 30% per province; ties all kept (the cap exceeded, and said)"
    )
