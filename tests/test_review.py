"""The reviewer's years: `history` (one row per year, rank in tier, verdicts that changed,
figures that fell) and the three-year `review`, on hand-worked archives. Each stored result
below is written by hand with only what history and review read of it, so every expected value
is worked out from the records themselves."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
from openpyxl import load_workbook

from ipscore import InputError
from ipscore.packs import PackError
from ipscore.packs.review import find_policy, load_policy
from ipscore.record.history import history
from ipscore.record.publish import published
from ipscore.record.review import review
from ipscore.report import write_published
from ipscore.store.archive import Archive, Entry

from .conftest import ROOT, SCENARIOS

PACK = "cnipa-2015-demo-city"
POLICY = find_policy(None)


def _result(
    score: str, grade: str, level: str = "prefecture", province: str = "某省", **statuses: str
) -> dict[str, Any]:
    labels = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
    return {
        "score": float(score),
        "grade": grade,
        "grade_label": labels[grade],
        "level": level,
        "province": province,
        "mandatory_complete": grade != "fail",
        "tasks": [
            {
                "id": "T1",
                "requirements": [
                    {"id": rid, "title": f"要求{rid}", "status": s} for rid, s in statuses.items()
                ],
            }
        ],
    }


def _entry(
    city: str,
    year: int,
    result: dict[str, Any] | None,
    figures: dict[str, Any] | None = None,
    pack: str = PACK,
) -> Entry:
    return Entry(
        pack, "1", "0" * 64, city, year, f"{city}-{year}.yaml", "1" * 64, figures or {}, result
    )


@pytest.fixture
def archive(tmp_path: Path):
    opened = Archive(f"sqlite:///{tmp_path / 'a.sqlite'}")
    yield opened
    opened.close()


def _history_archive(archive: Archive) -> None:
    archive.add(
        [
            _entry("甲市", 2013, _result("70.0", "pass", R1="unmet", R2="met"), {"f.pledge": 100}),
            _entry("甲市", 2014, _result("60.0", "fail", R1="unmet", R2="met"), {"f.pledge": 90}),
            _entry("乙市", 2014, _result("80.0", "good", R1="met", R2="met")),
            _entry("丙市", 2014, _result("99.0", "excellent", "sub_provincial", R1="met")),
        ],
        "2015-01-10T00:00:00Z",
        "张三",
    )
    # A corrected 2014 submission for 甲市 supersedes the first: 80.0 ties with 乙市.
    archive.add(
        [
            _entry(
                "甲市",
                2014,
                _result("80.0", "good", R1="met", R2="met"),
                {"f.pledge": Decimal("90.5")},
            )
        ],
        "2015-02-01T00:00:00Z",
        "李四",
    )


def test_history_reads_the_current_version_ranks_ties_alike_and_names_changes(archive):
    _history_archive(archive)
    h = history(archive, "甲市", last=2015)
    assert [(r.year, r.state) for r in h.rows] == [
        (2013, "assessed"),
        (2014, "assessed"),
        (2015, "absent"),
    ]
    y2013, y2014, _ = h.rows
    assert (y2013.score, y2013.grade, y2013.rank, y2013.tier_size) == (
        Decimal("70.0"),
        "pass",
        1,
        1,
    )
    # The correction counts (version 2), and 80.0 ties with 乙市 in the prefecture tier: both
    # rank 1 of 2; 丙市 is in another tier.
    assert (y2014.score, y2014.version, y2014.rank, y2014.tier_size) == (Decimal("80.0"), 2, 1, 2)
    assert [(c.id, c.before, c.after) for c in y2014.changed] == [("R1", "unmet", "met")]
    assert [(f.field, f.before, f.after) for f in y2014.fell] == [
        ("f.pledge", 100, Decimal("90.5"))
    ]
    assert h.to_dict()["years"][1]["fell"] == [
        {"field": "f.pledge", "label": "f.pledge", "before": 100, "after": 90.5}
    ]


def _review_archive(archive: Archive) -> None:
    rows = {
        # Two failed years: not passed, whatever the missing 2015 holds.
        "甲市": [("60.0", "fail"), ("59.0", "fail"), None],
        # No failed year, a missing one: rectify (if it fails) or passed (mean ≥ 75 possible).
        "乙市": [("70.0", "pass"), ("80.0", "good"), None],
        # (80 + 76 + 69.1) / 3 = 75.0333…: passed.
        "丙市": [("80.0", "good"), ("76.0", "good"), ("69.1", "pass")],
        # (80 + 80 + 64.9) / 3 = 74.9666…: rectify (the policy's "otherwise").
        "丁市": [("80.0", "good"), ("80.0", "good"), ("64.9", "pass")],
        # Exactly 75 on average: passed (≥ 75 compared exactly).
        "戊市": [("75.0", "good"), ("75.0", "good"), ("75.0", "good")],
        # One failed year: rectify, however high the others.
        "己市": [("90.0", "excellent"), ("50.0", "fail"), ("95.0", "excellent")],
    }
    entries = [
        _entry(city, 2013 + i, _result(*cell))
        for city, cells in rows.items()
        for i, cell in enumerate(cells)
        if cell is not None
    ]
    entries.append(_entry("乙市", 2015, None, {"f.pledge": 1}))  # figures only: not assessed
    archive.add(entries, "2016-01-10T00:00:00Z", "张三")


def test_review_decides_what_every_completion_agrees_on(archive):
    _review_archive(archive)
    r = review(archive, POLICY, (2013, 2015))
    got = {c.city: (c.decided, [o.code for o in c.possible], c.missing) for c in r.cities}
    assert got == {
        "甲市": (True, ["not_passed"], (2015,)),
        "乙市": (False, ["rectify", "passed"], (2015,)),
        "丙市": (True, ["passed"], ()),
        "丁市": (True, ["rectify"], ()),
        "戊市": (True, ["passed"], ()),
        "己市": (True, ["rectify"], ()),
    }
    by_city = {c.city: c for c in r.cities}
    assert by_city["丙市"].mean_score * 3 == Decimal("225.1")
    assert [y.state for y in by_city["乙市"].years] == ["assessed", "assessed", "figures"]
    data = r.to_dict()
    assert "解释" in data["interpretation"] and data["rules"][0]["when"] == {
        "failed_years": {"gte": 2}
    }


def test_review_years_default_to_the_last_three_stored(archive):
    _review_archive(archive)
    r = review(archive, POLICY)
    assert (r.first, r.last) == (2013, 2015)


def test_review_refuses_a_span_the_policy_does_not_review_and_an_unknown_city(archive):
    _review_archive(archive)
    with pytest.raises(InputError) as span:
        review(archive, POLICY, (2014, 2015))
    assert span.value.problems[0].zh == (
        "复核规则 cnipa-demo-city-review 按3个年度复核，--years 2014-2015 是2个年度"
    )
    with pytest.raises(InputError) as unknown:
        review(archive, POLICY, (2013, 2015), ["庚市"])
    assert unknown.value.problems[0].zh == "2013–2015年度的归档中没有 庚市"


def test_a_review_policy_must_end_with_an_otherwise(tmp_path):
    text = (ROOT / "rules/reviews/cnipa-demo-city-review.yaml").read_text(encoding="utf-8")
    last = "  - {code: rectify, label: 限期整改, label_en: Rectify within a deadline}\n"
    assert text.endswith(last)
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        text.removesuffix(last) + last.replace("}\n", ", when: {min_score: {gte: 1}}}\n"),
        encoding="utf-8",
    )
    with pytest.raises(PackError) as caught:
        load_policy(broken)
    problem = caught.value.problems[0]
    assert problem.zh == "最后一个结论不能有 when（其余情形都归它）"
    assert (problem.file, problem.field) == (str(broken), "outcomes")
    assert problem.line == text.splitlines().index("outcomes:") + 1


def run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "IPSCORE_DB": str(db)},
    )


def test_two_years_assessed_under_two_packs_through_the_commands(tmp_path):
    """Wuhan's 2014 file assessed under a test pack for 2014 (the 2015 pack's rules applied a
    year earlier), its 2015 file under the 2015 pack; a policy that counts both."""
    db = tmp_path / "a.sqlite"
    pack_2014 = ROOT / "tests/cnipa-2014-example.yaml"
    wuhan_2014 = SCENARIOS / "earlier-years/wuhan-2014.yaml"
    assert run("archive", "add", str(wuhan_2014), "--pack", str(pack_2014), db=db).returncode == 0
    assert run("archive", "add", str(SCENARIOS / "wuhan-2015.yaml"), db=db).returncode == 0
    shown = run("history", "武汉市", "--format", "json", "--no-timestamp", db=db)
    assert shown.returncode == 0, shown.stderr
    years = orjson.loads(shown.stdout)["years"]
    assert [(y["year"], y["pack"], y["grade"]) for y in years] == [
        (2014, "cnipa-2014-example", "fail"),
        (2015, PACK, "fail"),
    ]
    # Verdicts that changed: every requirement whose stored status differs between the years.
    archive = Archive(f"sqlite:///{db}")
    try:
        then, now = (archive.find("武汉市", y).result for y in (2014, 2015))
    finally:
        archive.close()
    status = {
        year: {r["id"]: r["status"] for t in res["tasks"] for r in t["requirements"]}
        for year, res in ((2014, then), (2015, now))
    }
    expected = [
        [rid, status[2014][rid], s] for rid, s in status[2015].items() if status[2014][rid] != s
    ]
    assert [[c["id"], c["before"], c["after"]] for c in years[1]["changed"]] == expected
    # A policy that counts both packs: two failed years decide the review though 2013 is
    # missing.
    policy = tmp_path / "policy.yaml"
    text = (ROOT / "rules/reviews/cnipa-demo-city-review.yaml").read_text(encoding="utf-8")
    policy.write_text(
        text.replace(f"annual_packs: [{PACK}]", f"annual_packs: [{PACK}, cnipa-2014-example]"),
        encoding="utf-8",
    )
    reviewed = run("review", "--years", "2013-2015", "--policy", str(policy), "--format",
                   "json", db=db)  # fmt: skip
    assert reviewed.returncode == 0, reviewed.stderr
    wuhan = orjson.loads(reviewed.stdout)["cities"][0]
    assert (wuhan["decided"], wuhan["outcome"]["code"], wuhan["missing_years"]) == (
        True,
        "not_passed",
        [2013],
    )


def test_history_and_review_refuse_clearly(tmp_path):
    db = tmp_path / "a.sqlite"
    store_all = run("archive", "add", str(SCENARIOS / "wuhan-2015.yaml"), db=db)
    assert store_all.returncode == 0
    nothing = run("history", "长沙市", db=db)
    assert nothing.returncode == 2 and "归档中没有 长沙市 的存档" in nothing.stderr
    assert "Traceback" not in nothing.stderr
    # 武汉 typed for the stored 武汉市 (issue 33): the message offers the full name, and a name
    # that is no short form of a stored one (长沙市 above) gets no guess.
    short = run("history", "武汉", db=db)
    assert short.returncode == 2
    assert "归档中没有 武汉 的存档；是否想写 武汉市？" in short.stderr
    assert "是否想写" not in nothing.stderr
    reviewed = run("review", "武汉", db=db)
    assert "2013–2015年度的归档中没有 武汉；是否想写 武汉市？" in reviewed.stderr
    bad_years = run("review", "--years", "2013到2015", db=db)
    assert bad_years.returncode == 2
    assert "年度范围应写成 2013-2015，实际为“2013到2015”" in bad_years.stderr
    undecided = run("review", "--years", "2013-2015", db=db)
    assert undecided.returncode == 0
    assert "无法判定：缺2013、2014年度考核结果" in undecided.stdout


def test_the_published_list_holds_tiers_and_grades_and_nothing_internal(archive):
    archive.add(
        [
            _entry("乙市", 2015, _result("80.0", "good")),
            _entry("甲市", 2015, _result("95.0", "excellent")),
            _entry("丙市", 2015, _result("80.0", "good", "sub_provincial")),
            _entry("丁市", 2015, _result("85.0", "good")),
        ],
        "2016-01-10T00:00:00Z",
        "张三",
    )
    plain = published(archive, 2015, basis="declared")
    tiers = plain.to_dict()["tiers"]
    assert [t["level"] for t in tiers] == ["sub_provincial", "prefecture"]
    # Without scores: by grade, then name in pinyin (ding before yi), so no rank leaks.
    assert [(c["city"], c["grade"]) for c in tiers[1]["cities"]] == [
        ("甲市", "excellent"),
        ("丁市", "good"),
        ("乙市", "good"),
    ]
    assert set(tiers[1]["cities"][0]) == {"city", "province", "grade", "grade_label"}
    scored = published(archive, 2015, with_scores=True, basis="declared")
    scored = scored.to_dict()["tiers"][1]["cities"]
    assert [(c["city"], c["score"], c["rank"]) for c in scored] == [
        ("甲市", 95.0, 1),
        ("丁市", 85.0, 2),
        ("乙市", 80.0, 3),
    ]
    with pytest.raises(InputError) as none:
        published(archive, 2014, basis="declared")
    assert none.value.problems[0].zh == "归档中没有2014年度的考核结果"


def test_the_published_list_orders_provinces_by_code_and_cities_by_pinyin(archive):
    """Issue 28: never by character code (株 U+682A comes before 长 U+957F; 重庆 before 上海).
    Provinces by their GB/T 2260 codes: 福建 35, 河南 41, 湖南 43, 浙江 33."""
    cities = [
        ("长沙市", "80.0", "good", "湖南省"),
        ("株洲市", "78.0", "good", "湖南省"),
        ("郑州市", "85.0", "good", "河南省"),
        ("南平市", "70.0", "good", "福建省"),
        ("宁波市", "64.4", "pass", "浙江省"),
        ("温州市", "94.2", "fail", "浙江省"),
        ("台州市", "94.2", "fail", "浙江省"),
    ]
    archive.add(
        [_entry(c, 2015, _result(score, grade, province=p)) for c, score, grade, p in cities],
        "2016-01-10T00:00:00Z",
        "张三",
    )
    (tier,) = published(archive, 2015, basis="declared").to_dict()["tiers"]
    # 良好: 福建, 河南, 湖南 (chang sha before zhu zhou); 合格; 不合格: tai before wen.
    assert [c["city"] for c in tier["cities"]] == [
        "南平市",
        "郑州市",
        "长沙市",
        "株洲市",
        "宁波市",
        "台州市",
        "温州市",
    ]
    (scored,) = published(archive, 2015, with_scores=True, basis="declared").to_dict()["tiers"]
    # By grade, then score: 94.2 不合格 below 64.4 合格; the two at 94.2 share rank 6.
    assert [(c["city"], c["rank"], c["rank_tied"]) for c in scored["cities"]] == [
        ("郑州市", 1, False),
        ("长沙市", 2, False),
        ("株洲市", 3, False),
        ("南平市", 4, False),
        ("宁波市", 5, False),
        ("台州市", 6, True),
        ("温州市", 6, True),
    ]


def test_history_ranks_a_stored_year_by_grade_first(archive):
    archive.add(
        [
            _entry("温州市", 2015, _result("94.2", "fail")),
            _entry("宁波市", 2015, _result("64.4", "pass")),
            _entry("台州市", 2015, _result("94.2", "fail")),
        ],
        "2016-01-10T00:00:00Z",
        "张三",
    )
    rows = {c: history(archive, c).rows[-1] for c in ("宁波市", "温州市", "台州市")}
    assert {c: (r.rank, r.tier_size, r.rank_tied) for c, r in rows.items()} == {
        "宁波市": (1, 3, False),
        "温州市": (2, 3, True),
        "台州市": (2, 3, True),
    }


def test_the_published_workbook_writes_a_formula_looking_name_as_text(archive, tmp_path):
    archive.add(
        [_entry('=HYPERLINK("http://x","y")', 2015, _result("80.0", "good"))],
        "2016-01-10T00:00:00Z",
        None,
    )
    out = tmp_path / "公布.xlsx"
    write_published(published(archive, 2015, basis="declared"), out)
    sheet = load_workbook(out).active
    cells = [c.value for row in sheet.iter_rows() for c in row if c.value]
    assert '\'=HYPERLINK("http://x","y")' in cells


def test_reports_gain_the_year_over_year_where_the_archive_holds_last_year(tmp_path):
    """Last year's stored result for 武汉市 (written by hand): T4.R3 unmet then, met in the
    2015 file; pledge financing 9000 then, 7799.9999 now; alone in its tier then (rank 1),
    third of three sub-provincial cities now (its 不合格 below 深圳's 合格, whatever the
    scores)."""
    db = tmp_path / "a.sqlite"
    archive = Archive(f"sqlite:///{db}")
    last = _result("80.0", "good", "sub_provincial", **{"T4.R3": "unmet"})
    archive.add(
        [_entry("武汉市", 2014, last, {"finance.pledge_amount": Decimal(9000)})],
        "2015-01-10T00:00:00Z",
        "张三",
    )
    archive.close()
    out = tmp_path / "wuhan.html"
    made = run("report", str(SCENARIOS / "wuhan-2015.yaml"), "-o", str(out), db=db)
    assert made.returncode == 0, made.stderr
    html = out.read_text(encoding="utf-8")
    assert "与往年相比（据归档）" in html and "上年：良好，同级第1名" in html
    assert (
        "<strong>T4.R3</strong> 投保专利保险企业数量增长30%以上（未开展的实现突破）：未达到 → 达到"
        in html
    )
    assert "9,000万元 → 7,799.9999万元" in html
    cohort = tmp_path / "cohort.html"
    assert run("report", str(SCENARIOS), "-o", str(cohort), db=db).returncode == 0
    assert "上年 良好 第1名，↓2" in cohort.read_text(encoding="utf-8")
