"""Issue 31 part 4: experts score what the 2015 plan calls subjective effort (四(一): 工作思路、
工作措施、工作投入); the aggregate enters the assessment as a fact, and replays exactly."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import insert

from ipscore.cli import cli
from ipscore.errors import InputError, IpscoreError, PackError
from ipscore.packs import find_pack, load_pack
from ipscore.record.replay import replay
from ipscore.season.experts import (
    aggregate,
    apply,
    check_assignments,
    exact_aggregate,
    may_score,
    score,
    spread,
    standing,
)
from ipscore.season.people import User, hash_password
from ipscore.season.seasonfile import Season
from ipscore.store.archive import Archive
from ipscore.store.experts import ExpertScore, scores_of
from ipscore.store.schema import season_events, seasons
from ipscore.yamlio import parse_fast

from .conftest import ROOT, SCENARIOS

PACK = "cnipa-2015-experts"
D = Decimal
SEASON = """\
year: 2015
pack: cnipa-2015-experts
title: 2015年度示范城市考核（示例）
example: 示例数据
deadlines: {submit: 2016-01-29, province: 2016-02-15, national: 2016-03-15}
notice:
  rule: 公示期5个工作日
  citation: {source: 示例, section: 一, text: 公示期5个工作日}
experts:
  专家甲: {cities: [湘潭市, 武汉市]}
  专家乙: {cities: [湘潭市]}
  专家丙: {cities: [湘潭市], items: [approach, input]}
  专家丁: {cities: [湘潭市]}
"""
EXPERTS = {"专家甲": "广东省", "专家乙": "湖北省", "专家丙": "北京市", "专家丁": "湖南省"}
AT = "2016-03-01T08:00:00Z"


def _season(text: str = SEASON) -> Season:
    return Season.model_validate(parse_fast(text))


def _expert(name: str) -> User:
    return User(name, "expert", province=EXPERTS[name])


def test_the_worked_example_aggregates_exactly_and_rounds_half_up_at_the_end():
    assert exact_aggregate([D(7), D("7.5"), D("7.5")], "mean") == Fraction(22, 3)
    assert aggregate([D(7), D("7.5"), D("7.5")], "mean", 1) == D("7.3")
    assert aggregate([D(7), D("7.5"), D("7.5")], "median", 1) == D("7.5")
    assert aggregate([D(6), D(7), D(9), D(10)], "median", 1) == D("8.0")  # (7 + 9) / 2
    assert aggregate([D(6), D(7), D(9), D(10)], "trimmed_mean", 1) == D("8.0")  # (7 + 9) / 2
    assert aggregate([D(6), D(7), D(10)], "trimmed_mean", 1) == D("7.0")  # 7 alone is left
    # Half up at the end: 7.25 is 7.3, never the 7.2 of rounding half to even.
    assert aggregate([D("7"), D("7.5")], "mean", 1) == D("7.3")
    assert aggregate([D("6.5"), D("7.5"), D("7.5")], "mean", 0) == D(7)  # 43/6 = 7.17 → 7
    with pytest.raises(ValueError):
        aggregate([D(6), D(7)], "trimmed_mean", 1)
    assert spread([D(5), D(9), D(7)]) == D(4)


def _score(item: str, expert: str, points: str, n: int, city: str = "湘潭市") -> ExpertScore:
    return ExpertScore(n, PACK, city, 2015, item, expert, D(points), None, 1, AT)


def test_the_newest_score_of_each_expert_stands_and_a_wide_spread_is_flagged():
    part = find_pack(PACK).experts
    assert part is not None and (part.min_experts, part.spread, part.decimals) == (3, 3, 1)
    rows = [
        _score("approach", "专家甲", "6", 1),
        _score("approach", "专家甲", "7", 2),  # 专家甲 changes 6 to 7: 7 stands
        _score("approach", "专家乙", "7.5", 3),
        _score("approach", "专家丙", "7.5", 4),
        _score("measures", "专家甲", "5", 5),
        _score("measures", "专家乙", "9", 6),
    ]
    approach, measures, resources = standing(part, rows)
    assert approach.points == [D("7.5"), D("7.5"), D(7)]  # by expert name: 丙, 乙, 甲
    assert (approach.exact, approach.aggregate) == (Fraction(22, 3), D("7.3"))
    assert (approach.spread, approach.flagged) == (D("0.5"), False)
    # Two scores are too few to sum up, but their spread of 4 (above 3) is flagged already.
    assert (measures.aggregate, measures.spread, measures.flagged) == (None, D(4), True)
    assert (resources.scores, resources.aggregate, resources.spread) == ((), None, None)
    assert approach.summary() == "工作思路7.3（3位专家，均值）"


def test_who_may_score_what():
    season, part = _season(), find_pack(PACK).experts
    assert part is not None
    item = may_score(_expert("专家甲"), season, part, "湘潭市", "approach", D("7.5"), "湖南省")
    assert item.field == "effort.approach"
    refusals = [
        (_expert("专家丁"), "湘潭市", "approach", "7", "专家不评本省城市：湘潭市 属于湖南省"),
        (_expert("专家乙"), "武汉市", "approach", "7", "没有把 武汉市 分配给专家 专家乙"),
        (
            _expert("专家丙"),
            "湘潭市",
            "measures",
            "7",
            "只分配给专家 专家丙 这些评分项：approach、input",
        ),
        (_expert("专家甲"), "湘潭市", "approach", "10.5", "分数应在 0 到 10 之间，不能是 10.5"),
        (_expert("专家甲"), "湘潭市", "approach", "7.25", "分数最多保留1位小数，不能是 7.25"),
        (
            _expert("专家甲"),
            "湘潭市",
            "approch",
            "7",
            "没有专家评分项 approch，是否想写 approach？",
        ),
        (
            User("省局", "province", province="湖南省"),
            "湘潭市",
            "approach",
            "7",
            "不能给城市评分（只有专家可以）",
        ),
    ]
    for user, city, item_id, points, message in refusals:
        with pytest.raises(IpscoreError) as caught:
            may_score(user, season, part, city, item_id, D(points), "湖南省")
        assert message in caught.value.render("zh"), message
    with pytest.raises(InputError, match="没有填省份"):
        may_score(_expert("专家甲"), season, part, "湘潭市", "approach", D(7), None)


def test_a_season_file_asks_its_pack_for_the_items_it_assigns():
    assert check_assignments(_season(), find_pack(PACK)) == []
    plain = find_pack("cnipa-2015-demo-city")
    (no_part,) = check_assignments(_season(), plain)
    assert "规则包 cnipa-2015-demo-city 没有专家评分部分" in no_part.zh
    typo = _season(SEASON.replace("items: [approach, input]", "items: [approach, inputs]"))
    (wrong,) = check_assignments(typo, find_pack(PACK))
    assert wrong.field == "experts.专家丙.items" and "是否想写 input？" in wrong.zh


def test_the_2015_pack_is_untouched_and_its_expert_part_is_a_pack_of_its_own():
    base, experts = find_pack("cnipa-2015-demo-city"), find_pack(PACK)
    assert base.experts is None and "effort" not in base.fields
    assert [t.id for t in experts.tasks] == [f"T{i}" for i in range(1, 11)]
    assert [i.title for i in experts.experts.items] == ["工作思路", "工作措施", "工作投入"]  # type: ignore[union-attr]
    for req in experts.tasks[-1].requirements:
        assert "ipscore 的解读，不是公布的评分细则" in (req.interpretive or "")
    # The part counts in the pack's identity: another spread is another pack.
    changed = experts.model_copy(
        update={"experts": experts.experts.model_copy(update={"spread": D(2)})}  # type: ignore[union-attr]
    )
    assert changed.content_hash != experts.content_hash


FIELD = "approach: {type: amount, decimals: 1, min: 0, max: 10,"
RATIO = "approach: {type: ratio, of: [effort.measures, effort.input],"
MEAN = "  aggregate: mean\n  min_experts: 3\n"


@pytest.mark.parametrize(
    "change, line, message",
    [
        (
            "field: effort.approach\n",
            "field: effort.aproach\n",
            "effort.aproach 未在 fields 中声明",
        ),
        ("approach: {type: amount,", RATIO, "应为整数或金额字段"),
        (FIELD, FIELD.replace("10", "100"), "的 min/max 应与评分范围 0—10 相同"),
        (FIELD, FIELD.replace("1,", "2,", 1), "的小数位（decimals）应为评分部分的 1"),
        (FIELD, FIELD + " role: reference,", "的 role 应为 achievement"),
        ("    - id: input\n", "    - id: approach\n", "专家评分项 approach 重复"),
        (MEAN, MEAN.replace("mean", "trimmed_mean").replace("3", "2"), "至少要3位专家"),
    ],
)
def test_a_wrong_expert_part_is_refused_with_file_and_line(tmp_path, change, line, message):
    text = (ROOT / "rules" / f"{PACK}.yaml").read_text(encoding="utf-8")
    assert change in text
    path = tmp_path / "bad-experts.yaml"
    path.write_text(text.replace(change, line, 1), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(path)
    rendered = caught.value.render("zh")
    assert message in rendered and "bad-experts.yaml，第" in rendered


@pytest.fixture
def season_db(tmp_path: Path):
    """An archive holding 湘潭市's 2015 file under the expert pack, and the season file."""
    db = tmp_path / "season.sqlite"
    h = hash_password("x")
    users = tmp_path / "users.yaml"
    lines = [f'  {n}: {{password: "{h}", role: expert, province: {p}}}' for n, p in EXPERTS.items()]
    lines += [f'  国家局: {{password: "{h}", role: national}}']
    users.write_text("users:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    run("archive", "add", str(SCENARIOS / "xiangtan-2015.yaml"), "--pack", PACK, "--db", str(db))
    archive = Archive(f"sqlite:///{db}")
    with archive.engine.begin() as conn:
        conn.execute(
            insert(seasons).values(
                year=2015,
                file="season.yaml",
                document=SEASON,
                sha256=hashlib.sha256(SEASON.encode()).hexdigest(),
                stored_at=AT,
                stored_by="国家局",
            )
        )
        conn.execute(  # 湘潭市's file recommended: at the national review, when experts score
            insert(season_events).values(
                year=2015, city="湘潭市", pack=PACK, action="recommend", stage="national",
                by="湖南省局", role="province", at=AT, details_json="{}", late=False,
            )
        )  # fmt: skip
    archive.close()
    return db, users


def run(*args: str, code: int = 0) -> str:
    done = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert done.exit_code == code, done.output
    return done.output


def test_scores_are_refused_until_each_item_has_three_then_the_aggregate_is_stored(season_db):
    db, users = season_db
    archive = Archive(f"sqlite:///{db}")
    try:
        with pytest.raises(InputError, match="工作思路只有0位专家评分，至少要3位"):
            apply(archive, PACK, "湘潭市", 2015, "国家局", AT)
        given = [
            ("专家甲", "approach", "7"),
            ("专家乙", "approach", "7.5"),
            ("专家丙", "approach", "7.5"),
            ("专家甲", "measures", "5"),
            ("专家乙", "measures", "7"),
            ("专家丁", "measures", "9"),  # of 湖南省, as 湘潭市 is: refused, stores nothing
            ("专家甲", "input", "5"),
            ("专家乙", "input", "5.5"),
            ("专家丙", "input", "6"),
        ]
        for expert, item, points in given:
            if expert == "专家丁":
                with pytest.raises(InputError, match="专家不评本省城市"):
                    score(archive, _expert(expert), 2015, "湘潭市", item, points, None, AT)
                continue
            score(archive, _expert(expert), 2015, "湘潭市", item, points, None, AT)
        with pytest.raises(InputError, match="工作措施只有2位专家评分"):
            apply(archive, PACK, "湘潭市", 2015, "国家局", AT)
        score(
            archive,
            User("专家乙", "expert", province="湖北省"),
            2015,
            "湘潭市",
            "measures",
            "9",
            "复议后",
            AT,
        )
        assert len(scores_of(archive, PACK, "湘潭市", 2015)) == 9
        # 专家乙 changed 7 to 9: measures are 5, 9 and … only two experts still.
        with pytest.raises(InputError, match="工作措施只有2位专家评分"):
            apply(archive, PACK, "湘潭市", 2015, "国家局", AT)
    finally:
        archive.close()
    run("season", "score", "湘潭市", "--year", "2015", "--item", "measures", "--points", "7",
        "--db", str(db), "--users", str(users), "--user", "专家丙", code=2)  # fmt: skip
    season = SEASON.replace("items: [approach, input]", "items: [approach, input, measures]")
    archive = Archive(f"sqlite:///{db}")
    try:
        with archive.engine.begin() as conn:
            conn.execute(
                insert(seasons).values(
                    year=2015, file="s2.yaml", document=season, sha256="0" * 64,
                    stored_at=AT, stored_by="国家局",
                )
            )  # fmt: skip
    finally:
        archive.close()
    out = run("season", "score", "湘潭市", "--year", "2015", "--item", "measures", "--points", "1",
              "--db", str(db), "--users", str(users), "--user", "专家丙")  # fmt: skip
    # An expert is told its own score only, never the others' nor their aggregate.
    assert out == "已记录 #10：专家丙 给 湘潭市 的工作措施评 1 分。\n"
    # 5, 9, 1: mean 5.0; the spread of 8 is above the part's 3 (the national office sees it).
    out = run("season", "experts", "2015", "--format", "json", "--db", str(db))
    measures = next(
        i for c in json.loads(out)["cities"] if c["city"] == "湘潭市" for i in c["items"]
        if i["item"] == "measures"
    )  # fmt: skip
    assert (measures["aggregate"], measures["spread"], measures["discuss"]) == ("5.0", "8", True)
    out = run("season", "apply-scores", "湘潭市", "--year", "2015", "--db", str(db))
    reason = (
        "工作思路7.3（3位专家，均值）；工作措施5.0（3位专家，均值）；工作投入5.5（3位专家，均值）"
    )
    assert f"专家评分汇总：{reason}；得分 84.5，等级 良好" in out
    archive = Archive(f"sqlite:///{db}")
    try:
        first = archive.find("湘潭市", 2015, PACK, 1)
        now = archive.find("湘潭市", 2015, PACK)
        assert now.version == 2 and now.stored_by == "本机"
        effort = {k: v for k, v in now.figures.items() if k.startswith("effort.")}
        assert effort == {
            "effort.approach": D("7.3"),
            "effort.measures": D("5.0"),
            "effort.input": D("5.5"),
        }
        before = {r["id"]: r["status"] for t in first.result["tasks"] for r in t["requirements"]}
        after = {r["id"]: r["status"] for t in now.result["tasks"] for r in t["requirements"]}
        assert [before[f"T10.R{i}"] for i in (1, 2, 3)] == ["missing"] * 3
        # 7.3 ≥ 6 met; 5.0 and 5.5 below 6 unmet: T10 is 1/3 done. T1–T6 complete (weight 2
        # each), T7 4/9, T8 0, T9 3/4: 100 × (12 + 4/9 + 3/4) / 16 = 82.47 → 82.5 before, and
        # 100 × (12 + 4/9 + 3/4 + 1/3) / 16 = 84.55 → 84.5 (half up of 84.548…) after.
        assert [after[f"T10.R{i}"] for i in (1, 2, 3)] == ["met", "unmet", "unmet"]
        assert (first.result["score"], now.result["score"]) == (82.5, 84.5)
        again = replay(archive, now)
        assert again.exact and again.pack_from == "archive"
        # Nothing changed since: a second apply stores no new version.
        assert apply(archive, PACK, "湘潭市", 2015, "国家局", AT) == now.id
        assert archive.find("湘潭市", 2015, PACK).version == 2
    finally:
        archive.close()
    assert "与存档结果完全一致" in run("archive", "replay", "湘潭市", "2015", "--db", str(db))


def test_a_city_cannot_score_itself_when_its_file_is_stored(tmp_path):
    text = (SCENARIOS / "xiangtan-2015.yaml").read_text(encoding="utf-8")
    city = tmp_path / "xiangtan.yaml"
    city.write_text(text.replace("\nfacts:\n", "\nfacts:\n  effort: {approach: 9}\n"), "utf-8")
    db = str(tmp_path / "a.sqlite")
    out = run("archive", "add", str(city), "--pack", PACK, "--db", db, code=2)
    assert "effort.approach（工作思路）由专家评分汇总填入，城市提交的文件不能自填" in out
    # Assessing it (a what-if of the experts' verdict) is not storing it.
    assert "湘潭市" in run("assess", str(city), "--pack", PACK)


def test_who_sees_the_scores(season_db):
    db, users = season_db
    archive = Archive(f"sqlite:///{db}")
    try:
        for expert, points in (("专家甲", "7"), ("专家乙", "7.5"), ("专家丙", "7.5")):
            score(archive, _expert(expert), 2015, "湘潭市", "approach", points, None, AT)
    finally:
        archive.close()
    common = ["--db", str(db), "--users", str(users)]
    table = run(
        "season",
        "experts",
        "2015",
        "--city",
        "湘潭市",
        "--format",
        "csv",
        *common,
        "--user",
        "国家局",
    )
    assert table.splitlines()[:2] == [
        "城市,评分项,各专家评分,汇总,规则,分差,提示",
        "湘潭市,工作思路,专家丙 7.5；专家乙 7.5；专家甲 7,7.3,均值,0.5,",
    ]
    own = run("season", "experts", "2015", "--format", "csv", *common, "--user", "专家乙")
    assert own.splitlines()[1] == "湘潭市,工作思路,专家乙 7.5,,均值,,"
    assert "专家甲" not in own and "武汉市" not in own
    out = run("season", "score", "武汉市", "--year", "2015", "--item", "approach", "--points", "7",
              *common, "--user", "专家乙", code=2)  # fmt: skip
    assert "2015年度考核文件没有把 武汉市 分配给专家 专家乙" in out
    out = run(
        "season", "apply-scores", "湘潭市", "--year", "2015", *common, "--user", "专家甲", code=2
    )
    assert "不能存入专家评分汇总（只有国家局用户可以）" in out
