"""Other years in packs and submissions: `year:` references, each_year / any_year, deadlines as
dates, a submission's `history`. Expected verdicts are worked out by hand from years-pack.yaml."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from ipscore import InputError, PackError, evaluate, load_pack
from ipscore.engine import fact
from ipscore.intake import read_one
from ipscore.submission import parse_submission

from .conftest import ROOT

PACK = load_pack(ROOT / "tests" / "years-pack.yaml")

# 2008: fund 200, 3 meetings; 2009: 250, 1; 2010: 300, 2; group set up on 2008-08-01.
BASE: dict[str, Any] = {
    "pack": "years",
    "year": 2010,
    "city": {"name": "甲市"},
    "facts": {"finance": {"fund": 300}, "org": {"meetings": 2, "set_up_on": "2008-08-01"}},
    "history": {
        "2009": {"finance": {"fund": 250}, "org": {"meetings": 1}},
        "2008": {"finance": {"fund": 200}, "org": {"meetings": 3}},
    },
}


def _assess(change: dict[str, Any] | None = None, drop: tuple[str, ...] = ()):
    data = copy.deepcopy(BASE)
    for path, value in (change or {}).items():
        *parents, last = path.split("/")
        holder = data
        for part in parents:
            holder = holder.setdefault(part, {})
        holder[last] = value
    for path in drop:
        *parents, last = path.split("/")
        holder = data
        for part in parents:
            holder = holder[part]
        del holder[last]
    submission = parse_submission(data, PACK, "甲市.yaml", {})
    return submission, evaluate(PACK, submission)


def test_every_year_met_gives_full_marks():
    submission, result = _assess()
    assert result.assessment.requirement_statuses() == dict.fromkeys(
        ["Y.R1", "Y.R2", "Y.R3", "Y.R4", "Y.R5"], "met"
    )
    # 300 ≥ 200 × 1.5 exactly: the boundary is met.
    assert (float(result.assessment.score), result.assessment.grade) == (100.0, "good")
    # Each year's figure is a key of its own in the one fact the engine sees.
    seen = fact(PACK, submission)
    assert (seen["finance__fund"], seen["finance__fund__y2009"], seen["finance__fund__y2008"]) == (
        3000,
        2500,
        2000,
    )


def test_a_cut_in_any_year_breaks_an_every_year_duty():
    _, result = _assess({"history/2009/finance/fund": 190})
    statuses = result.assessment.requirement_statuses()
    assert statuses["Y.R1"] == "unmet"  # 190 > 200 is false in 2009
    req = next(r for t in result.assessment.tasks for r in t.requirements if r.id == "Y.R1")
    assert req.inputs == {
        "finance.fund@2009": 190,
        "finance.fund@2008": 200,
        "finance.fund": 300,
    }
    assert "专项资金（2009年） > 专项资金（2008年）" in req.expected


def test_a_year_absent_from_the_history_is_missing_not_met():
    _, result = _assess(drop=("history/2009",))
    statuses = result.assessment.requirement_statuses()
    # Y.R1 needs 2009 twice; Y.R2 needs 2009's meetings: unknown, so missing.
    assert (statuses["Y.R1"], statuses["Y.R2"]) == ("missing", "missing")
    # Y.R3: 2008's three meetings decide it whatever 2009 was (Kleene OR).
    assert statuses["Y.R3"] == "met"
    assert result.assessment.missing == ("finance.fund@2009", "org.meetings@2009")


def test_one_failing_year_decides_an_every_year_duty_even_with_a_year_missing():
    _, result = _assess({"history/2008/org/meetings": 0}, drop=("history/2009",))
    assert result.assessment.requirement_statuses()["Y.R2"] == "unmet"  # Kleene AND


def test_any_year_needs_one_year():
    _, result = _assess({"history/2008/org/meetings": 2})
    assert result.assessment.requirement_statuses()["Y.R3"] == "unmet"  # 2, 1, 2: none ≥ 3


def test_a_deadline_is_a_date():
    _, result = _assess({"facts/org/set_up_on": "2010-03-01"})
    assert result.assessment.requirement_statuses()["Y.R5"] == "unmet"
    _, result = _assess({"facts/org/set_up_on": "2008-09-30"})
    assert result.assessment.requirement_statuses()["Y.R5"] == "met"


def test_an_absolute_year_reference_is_exact():
    _, result = _assess({"facts/finance/fund": 299.9})
    req = next(r for t in result.assessment.tasks for r in t.requirements if r.id == "Y.R4")
    # (299.9 / 200 − 1) × 100 = 49.95, shown rounded down; 300 − 299.9 = 0.1 short.
    assert (req.status, req.gap) == ("unmet", "增长49.9%，要求≥50%，还差0.1万元")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "city.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_one(path, str(ROOT / "tests" / "years-pack.yaml"))
    return [p.render().replace(f"{path.parent}/", "") for p in caught.value.problems]


def test_bad_history_is_reported_with_lines(tmp_path):
    path = _write(
        tmp_path,
        """pack: years
year: 2010
city: {name: 甲市}
facts: {finance: {fund: 300}}
history:
  去年: {finance: {fund: 1}}
  2010: {finance: {fund: 1}}
  2009:
    finance: {fundd: 250}
    org: {meetings: 三次, course_on: 2010-05-01}
""",
    )
    assert _problems(path) == [
        "city.yaml，第6行，字段 history：history 的键应为年份（如 2009），实际为“去年”",
        "city.yaml，第7行，字段 history：本年度（2010）的数据写在 facts 中，不写在 history 中",
        "city.yaml，第9行，字段 finance.fundd@2009：未知字段，是否想写 fund？",
        "city.yaml，第10行，字段 org.meetings@2009：应为不小于0的整数（次），实际为文本“三次”",
        "city.yaml，第10行，字段 org.course_on@2009：应为2009年内的日期，实际为 2010-05-01",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("year: 2008, times", "year: 2006, times"),
            "读取了2006年的 finance.fund，超出规则包的期间 2008..2010",
        ),
        (("each_year: 2009..2010", "each_year: 2007..2010"), "超出规则包的期间 2008..2010"),
        (("year: -1}", "year: 去年}"), "year 应为相对年数（如 -1 表示上一年）或年份（如 2014）"),
        (
            ("period: 2008..2010", "period: 2008..2009"),
            "期间 2008..2009 应包含规则包评估的年度 2010",
        ),
    ],
)
def test_bad_year_references_in_a_pack(tmp_path, change, message):
    text = (ROOT / "tests" / "years-pack.yaml").read_text(encoding="utf-8")
    assert change[0] in text
    path = tmp_path / "pack.yaml"
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(path)
    assert any(message in p.render() for p in caught.value.problems), caught.value.render()
