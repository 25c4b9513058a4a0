"""`rules check`, `rules show` and `ipscore test` on points sheets: each item's reachable points
and the sheet's maximum proved with z3 (each end with a witness the pipeline scores alike), the
bands proved never to overlap nor leave a gap, vetoes checked; the sheet shown as the office
writes it; cases asserting points, total and vetoes, and coverage of every band and veto.

The expected ranges are worked out by hand from the sheets' words:
- 六安 2017: 发明专利申请 tiers {100%: 15, 90%: 9, else 0} + 0.1 a unit over the target, no cap
  → 0–15 and an uncapped bonus; 授权 likewise (0.2 a unit); 专利行政执法 5 a dispute case and
  1 a counterfeiting case, up to 25 → 0–25; 质押融资 3 for policy and fund + 12 for the target,
  1 per 100万元 over it, no cap → 0–15 and an uncapped bonus; the sheet 15+15+25+15 = 70 from 0.
- the demo sheet below: 申报 10 (80% earns half) + 0.5 a unit over, at most 2 → 0–12; 办案 1 a
  case up to 5 → 0–5; 0.1 off a unit short, at most 1 → −1–0; full marks 10+5+0 = 15; with
  bonuses 12+5+0 = 17, cut to the sheet's max 16; least 0+0−1 = −1 (0 filed of a task of 10).
"""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from click.testing import CliRunner

from ipscore.cli import cli
from ipscore.decide.pipeline import assess
from ipscore.intake.submission import Submission
from ipscore.packcheck.cases import run_file
from ipscore.packcheck.lint import check
from ipscore.packcheck.sheetproofs import prove_sheet
from ipscore.packs import Pack, find_pack
from ipscore.packs.conditions import All

from .conftest import ROOT

SHEET = """pack:
  id: demo-sheet
  version: 1.0.0
  title: 演示评分表
  title_en: Demo sheet
  year: 2023
  sources:
    - {file: demo-src, title: 演示评分细则, title_en: Demo rules, date: "2023-01-01"}
fields:
  city:
    name: {type: text, required: true, role: profile, label: 单位, label_en: Unit}
  work:
    filed: {type: count, max: 1000, unit: 件, unit_en: patents, label: 专利申报量,
            label_en: Patents filed}
    task: {type: count, max: 1000, role: baseline, unit: 件, unit_en: patents,
           label: 专利申报任务, label_en: Patent task}
    cases: {type: count, max: 1000, unit: 件, unit_en: cases, label: 办结案件,
            label_en: Cases closed}
    fraud: {type: bool, label: 弄虚作假, label_en: Falsified}
tasks:
  - id: work
    section: 一
    title: 专利工作
    title_en: Patent work
    requirements:
      - id: filing
        kind: required
        title: 专利申报
        title_en: Patent filing
        points:
          value: 10
          criteria: 完成任务得满分，80%以上得一半。每超1件加0.5分，加分不超过2分。
          tiers: {field: work.filed, of: work.task, at_least: {"1": full, "0.8": "0.5"}}
          bonus: {points: "0.5", per: 1, cap: 2}
        remedy: 补足专利申报。
        citation:
          source: demo-src
          section: 一
          text: 完成任务得满分，80%以上得一半。每超1件加0.5分，加分不超过2分。
      - id: cases
        kind: required
        title: 办案
        title_en: Cases
        points:
          value: 5
          criteria: 每办结1件得1分，以5分为限。
          per_unit: {work.cases: 1}
        remedy: 多办案件。
        citation: {source: demo-src, section: 二, text: 每办结1件得1分，以5分为限。}
      - id: shortfall
        kind: required
        title: 未完成扣分
        title_en: Shortfall
        points:
          value: 0
          criteria: 未完成的专利申报任务每件扣0.1分，最多扣1分。
          deduct: {field: work.filed, of: work.task, points: "0.1", cap: 1}
        remedy: 完成专利申报任务。
        citation: {source: demo-src, section: 三, text: 未完成的专利申报任务每件扣0.1分，最多扣1分}
scoring:
  method: points
  decimals: 1
  sheet: {max: 16}
  vetoes:
    - id: fraud
      title: 弄虚作假
      title_en: Falsified figures
      when: {field: work.fraud, eq: true}
      citation: {source: demo-src, section: 四, text: 弄虚作假的，一票否决。}
  note: 各项得分相加，总分不超过16分。
  grades:
    - {code: good, label: 好, label_en: Good, min_score: 12}
    - {code: poor, label: 差, label_en: Poor}
"""

CASES = """pack: sheet.yaml
base:
  city: {name: 甲镇}
  facts:
    work: {filed: 10, task: 10, cases: 5, fraud: false}
cases:
  - name: 完成任务
    expect: {filing: met, cases: met, shortfall: met}
    points: {filing: 10, cases: 5, shortfall: 0}
    total: 15
    vetoes: []
    grade: good
  - name: 超出6件，加分以2分为限，总分以16分为限
    set: {work.filed: 16}
    points: {filing: 12}
    total: 16
  - name: 完成85%，得一半，扣0.3分
    set: {work.filed: 17, work.task: 20}
    expect: {filing: unmet, shortfall: unmet}
    points: {filing: 5, shortfall: -0.3}
    total: 9.7
    grade: poor
  - name: 办结3件
    set: {work.cases: 3}
    expect: {cases: unmet}
    points: {cases: 3}
    total: 13
  - name: 弄虚作假，等级最低
    set: {work.fraud: true}
    vetoes: [fraud]
    total: 15
    grade: poor
  - name: 未报办案
    unset: [work.cases]
    expect: {cases: missing}
  - name: 未报任务
    unset: [work.task]
    expect: {filing: missing, shortfall: missing}
"""


def _cli(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def sheet(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sheet.yaml").write_text(SHEET, encoding="utf-8")
    return tmp_path / "sheet.yaml"


def test_rules_check_states_liuan_ranges_and_maximum(monkeypatch):
    monkeypatch.chdir(ROOT)
    out = _cli("rules", "check", "liuan-2017-advanced-unit")
    assert out == (
        "✓ rules/liuan-2017-advanced-unit.yaml：3项任务、4条要求，检查通过。z3 证明：可得到的结论"
        "各有见证（达到4、未达到4、不适用0），引擎对每份见证的判定一致；“达到”与“未达到”无重叠、"
        "无遗漏\n"
        "  评分表：满分70分（起评0分）；加分不封顶，总分可超过70分\n"
        "  invention-applications 发明专利申请：0–15分，另加分不封顶\n"
        "  invention-grants 发明专利授权：0–15分，另加分不封顶\n"
        "  enforcement 专利行政执法：0–25分\n"
        "  pledge-financing 专利权质押融资：0–15分，另加分不封顶\n"
        "  z3 证明：每个评分项各部分的档互不重叠，数据齐全且适用时总有一档成立；每个范围的两端"
        "各有见证，评分与证明一致\n"
    )
    english = _cli("--lang", "en", "rules", "check", "liuan-2017-advanced-unit")
    assert english.splitlines()[1:6] == [
        "  Sheet: full marks 70 (from 0); bonuses uncapped: the total may pass 70",
        "  invention-applications Invention patent applications: 0–15, plus an uncapped bonus",
        "  invention-grants Invention patents granted: 0–15, plus an uncapped bonus",
        "  enforcement Administrative patent enforcement: 0–25",
        "  pledge-financing Patent-pledge financing: 0–15, plus an uncapped bonus",
    ]


def _scored(pack: Pack, witness: dict) -> Submission:
    return Submission(pack.id, pack.pack.year, {"city.name": "复核", **witness})


def test_each_witness_gives_its_points_through_the_pipeline():
    """Each end's witness, assessed again here, gives exactly the points stated."""
    [checked] = check(["liuan-2017-advanced-unit"])
    assert checked.errors == () and checked.sheet is not None
    pack = checked.pack
    assert pack is not None
    ends = {item.item: (item.least, item.most) for item in checked.sheet.items}
    expected = {
        "invention-applications": (0, 15),
        "invention-grants": (0, 15),
        "enforcement": (0, 25),
        "pledge-financing": (0, 15),
    }
    for rid, (least, most) in expected.items():
        low, high = ends[rid]
        assert low is not None and high is not None
        assert (low.points, high.points) == (least, most)
        for end in (low, high):
            sheet = assess(pack, _scored(pack, end.witness)).sheet
            assert sheet is not None
            got = next(i.points for i in sheet.items if i.id == rid)
            assert got == end.points == end.scored
            assert all(proved == engine for _, _, proved, engine in end.bands)
    top = checked.sheet.sheet.top
    assert top is not None and top.points == 70
    sheet = assess(pack, _scored(pack, top.witness)).sheet
    assert sheet is not None and sheet.exact == 70


def test_witness_lines_name_each_end(monkeypatch):
    monkeypatch.chdir(ROOT)
    out = _cli("rules", "check", "liuan-2017-advanced-unit", "--witness")
    ends = [line for line in out.splitlines() if re.match(r"  \S+ 最(低|高)", line)]
    assert [line.split("：")[0] for line in ends] == [
        "  invention-applications 最低0分",
        "  invention-applications 最高15分",
        "  invention-grants 最低0分",
        "  invention-grants 最高15分",
        "  enforcement 最低0分",
        "  enforcement 最高25分",
        "  pledge-financing 最低0分",
        "  pledge-financing 最高15分",
        "  评分表 最低0分",
        "  评分表 最高70分",
    ]
    assert "enforcement 最高25分：protection.counterfeit_cases=" in out


def test_capped_bonus_and_sheet_max_give_a_number(sheet):
    out = _cli("rules", "check", "sheet.yaml")
    assert out == (
        "✓ sheet.yaml：1项任务、3条要求，检查通过。z3 证明：可得到的结论各有见证（达到3、未达到3、"
        "不适用0），引擎对每份见证的判定一致；“达到”与“未达到”无重叠、无遗漏\n"
        "  评分表：满分15分（起评0分）；含加分最高16分（总分上限）；扣分后最低−1分\n"
        "  filing 专利申报：0–12分（分值10分，加分至多2分）\n"
        "  cases 办案：0–5分\n"
        "  shortfall 未完成扣分：−1–0分\n"
        "  z3 证明：每个评分项各部分的档互不重叠，数据齐全且适用时总有一档成立；每个范围的两端"
        "各有见证，评分与证明一致；已检查1个否决项\n"
    )
    [checked] = check(["sheet.yaml"])
    assert checked.sheet is not None
    top, bottom = checked.sheet.sheet.top, checked.sheet.sheet.bottom
    assert top is not None and bottom is not None
    assert (top.points, checked.sheet.sheet.raw_top, top.scored) == (16, 17, 16)
    assert (bottom.points, bottom.scored) == (-1, -1)
    assert top.witness["work.fraud"] is False  # a veto would zero nothing here, but none holds


def test_a_sheet_without_its_cap_may_pass_full_marks(sheet):
    """Without `sheet.max` the capped bonus shows in the maximum: 12 + 5 + 0 = 17."""
    sheet.write_text(SHEET.replace("  sheet: {max: 16}\n", ""), encoding="utf-8")
    out = _cli("rules", "check", "sheet.yaml")
    assert "  评分表：满分15分（起评0分）；含加分最高17分；扣分后最低−1分\n" in out


def test_uncapped_deduction_and_the_floor(sheet):
    """南江: every unit starts at 100 and loses 0.1 a patent short, with no cap; against a
    task the unit files that is 扣分不封顶; a floor bounds the total."""
    text = SHEET.replace('points: "0.1", cap: 1}', 'points: "0.1"}').replace(
        "  sheet: {max: 16}", "  sheet: {start: 100, floor: 60}"
    )
    sheet.write_text(text, encoding="utf-8")
    out = _cli("rules", "check", "sheet.yaml")
    assert "  评分表：满分115分（起评100分）；含加分最高117分；扣分不封顶，总分最低60分\n" in out
    assert "  shortfall 未完成扣分：至多0分，扣分不封顶\n" in out


def test_a_deduction_against_a_constant_task_is_bounded_by_it(sheet):
    """南江's 镇: a task of 2 patents, 0.1 off each one short: at most 0.2 off (−0.2–0)."""
    text = SHEET.replace(
        'deduct: {field: work.filed, of: work.task, points: "0.1", cap: 1}',
        'deduct: {field: work.filed, of: 2, points: "0.1"}',
    )
    sheet.write_text(text, encoding="utf-8")
    out = _cli("rules", "check", "sheet.yaml")
    assert "  shortfall 未完成扣分：−0.2–0分\n" in out


def _with_bands(pack: Pack, rid: str, bands: tuple) -> Pack:
    """The pack with one item's (single) part given these bands, as no loader would build."""
    tasks = []
    for task in pack.tasks:
        reqs = []
        for req in task.requirements:
            if req.id == rid:
                assert req.points is not None
                part = req.points.parts[0].model_copy(update={"bands": bands})
                points = req.points.model_copy(update={"parts": [part]})
                req = req.model_copy(update={"points": points})
            reqs.append(req)
        tasks.append(task.model_copy(update={"requirements": reqs}))
    return pack.model_copy(update={"tasks": tasks})


def _witness(message: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"(work\.\w+)=(\d+)", message)}


def test_overlapping_bands_are_an_error_with_the_witness(sheet):
    pack = find_pack("sheet.yaml")
    full, half, below = pack.requirement("filing").points.parts[0].bands  # type: ignore[union-attr]
    assert isinstance(half.when, All)  # ≥80% and not ≥100%: drop the second half
    loose = dataclasses.replace(half, when=half.when.items[0])
    proof = prove_sheet(_with_bands(pack, "filing", (full, loose, below)), "sheet.yaml")
    [error] = proof.errors
    assert error.zh.startswith("评分项 filing 的档“≥100%（满分）”与“≥80%（50%）”可能同时成立：")
    assert error.en.startswith(
        "item filing: bands “≥100% (full marks)” and “≥80% (50%)” can hold at once: "
    )
    seen = _witness(error.zh)
    assert seen["work.filed"] >= seen["work.task"]  # in both bands indeed
    assert (error.file, error.field) == ("sheet.yaml", "filing")


def test_bands_that_leave_a_gap_are_an_error_with_the_witness(sheet):
    pack = find_pack("sheet.yaml")
    full, half, _ = pack.requirement("filing").points.parts[0].bands  # type: ignore[union-attr]
    proof = prove_sheet(_with_bands(pack, "filing", (full, half)), "sheet.yaml")
    [error] = proof.errors
    assert error.zh.startswith("评分项 filing：数据齐全时可能一档都不成立：")
    seen = _witness(error.zh)
    assert 10 * seen["work.filed"] < 8 * seen["work.task"]  # below 80%: no band of the two


def test_vetoes_never_holding_or_reading_another_year(sheet):
    never = SHEET.replace(
        "when: {field: work.fraud, eq: true}",
        "when: {all: [{field: work.cases, gte: 5}, {field: work.cases, lt: 3}]}",
    )
    sheet.write_text(never, encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "check", "sheet.yaml"])
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == [
        "提示：sheet.yaml，字段 work.fraud：字段 work.fraud 没有被任何要求读取（只用于报告）",
        "提示：sheet.yaml，字段 scoring.vetoes.fraud：否决项 fraud（弄虚作假）的条件无论填什么"
        "都不成立",
    ]
    other_year = SHEET.replace(
        "when: {field: work.fraud, eq: true}", "when: {field: work.cases@2022, gte: 1}"
    ).replace("  year: 2023\n", "  year: 2023\n  period: 2022..2023\n")
    sheet.write_text(other_year, encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "check", "sheet.yaml"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "sheet.yaml，字段 scoring.vetoes.fraud：否决项 fraud 读取 work.cases@2022，是其他年度的"
        "数据，填报表不要求填它：一票否决只能看本年度填报的数据"
    )


def test_rules_show_reads_like_the_sheet(monkeypatch):
    monkeypatch.chdir(ROOT)
    out = _cli("rules", "show", "liuan-2017-advanced-unit")
    for line in (
        "评分表：起评0分，各项分值合计70分；总分不设上限；不设最低分",
        "│ 先进个人（不超过30%）、优秀专利联络员（不超过15%） │ 考评办法第四条的这两类表彰对象"
        "是个人，不是县区，评分表也不给他们的分值。         │",
    ):
        assert line in out.splitlines()
    data = json.loads(_cli("rules", "show", "liuan-2017-advanced-unit", "--format", "json"))
    assert [(i["id"], i["value"], i["rule"]) for i in data["items"]] == [
        (
            "invention-applications",
            "15",
            "≥100%：满分；≥90%：60%；其余0分；每超1件加0.1分",
        ),
        ("invention-grants", "15", "≥100%：满分；≥90%：60%；其余0分；每超1件加0.2分"),
        ("enforcement", "25", "办结专利纠纷案件每件5分、办结假冒专利案件每件1分，以25分为限"),
        (
            "pledge-financing",
            "15",
            "出台专利权质押融资文件且有配套资金扶持：3分；其余0分\n"
            "完成任务（12分）：≥100%：满分；其余0分；每超100万元加1分",
        ),
    ]
    assert data["items"][0]["criteria"] == (
        "完成目标任务得满分，90%以上得60%分，90%以下不得分。每超1件，加0.1分。"
    )
    assert data["sheet"] == {"start": "0", "max": None, "floor": None}
    assert data["vetoes"] == []
    assert [e["item"] for e in data["not_encoded"]] == [
        "专利权质押融资（“每超100万元加1分，每…”之后）",
        "先进个人（不超过30%）、优秀专利联络员（不超过15%）",
    ]
    english = json.loads(
        _cli("--lang", "en", "rules", "show", "liuan-2017-advanced-unit", "--format", "json")
    )
    assert english["items"][2]["rule"] == (
        "Patent dispute cases closed: 5 each; Patent counterfeiting cases closed: 1 each; "
        "at most 25"
    )


def test_rules_show_of_a_sheet_with_a_veto_deduction_and_cap(sheet):
    out = _cli("rules", "show", "sheet.yaml")
    lines = out.splitlines()
    assert "评分表：起评0分，各项分值合计15分；总分以16分为限；不设最低分" in lines
    assert (
        "│ 弄虚作假 │ 弄虚作假：是 │ 等级为最低一档（差） │ 弄虚作假的，一票否决。（四） │" in lines
    )
    data = json.loads(_cli("rules", "show", "sheet.yaml", "--format", "json"))
    assert [i["rule"] for i in data["items"]] == [
        "≥100%：满分；≥80%：50%；其余0分；每超1件加0.5分，加分以2分为限",
        "办结案件每件1分，以5分为限",
        "每少1件扣0.1分，至多扣1分",
    ]
    assert data["vetoes"] == [
        {
            "id": "fraud",
            "title": "弄虚作假",
            "condition": "弄虚作假：是",
            "effect": "等级为最低一档（差）",
            "citation": {"source": "demo-src", "section": "四", "text": "弄虚作假的，一票否决。"},
        }
    ]
    assert data["sheet"] == {"start": "0", "max": "16", "floor": None}
    fields = json.loads(_cli("rules", "show", "sheet.yaml", "--fields", "--format", "json"))
    assert {f["field"]: f["read_by"] for f in fields} == {
        "city.name": [],
        "work.filed": ["filing", "shortfall"],
        "work.task": ["filing", "shortfall"],
        "work.cases": ["cases"],
        "work.fraud": ["否决项 fraud"],
    }


def test_ipscore_test_counts_bands_and_vetoes(sheet):
    (sheet.parent / "sheet-cases.yaml").write_text(CASES, encoding="utf-8")
    out = _cli("test", "sheet-cases.yaml", code=1)
    assert out == (
        "demo-sheet：7 个用例通过，0 个失败，评分项的结论和档、否决项的覆盖率 94.4%\n"
        "┏━━━━━━━━━━━━━┳━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n"
        "┃ 用例 / 要求 ┃ 预期 ┃ 实际 / 未覆盖的结论             ┃\n"
        "┡━━━━━━━━━━━━━╇━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩\n"
        "│ filing      │      │ 没有用例得到 档“不足80%（0分）” │\n"
        "└─────────────┴──────┴─────────────────────────────────┘\n"
    )
    report = run_file(sheet.parent / "sheet-cases.yaml")
    # 9 verdicts (met, unmet, missing of 3 items) + 7 bands + the veto held and not: 18, one missed
    assert report.uncovered == [] and report.uncovered_vetoes == []
    assert report.uncovered_bands == [("filing", 0, 2)]
    assert report.coverage == pytest.approx(100 * 17 / 18)


def test_case_expectations_of_points_total_and_vetoes(sheet):
    wrong = CASES.split("cases:\n")[0] + (
        "cases:\n"
        "  - name: 写错\n"
        "    set: {work.filed: 9}\n"
        "    points: {filing: 5.0, shortfall: -0.2, nosuch: 1}\n"
        "    total: 10\n"
        "    vetoes: [fraud]\n"
        "  - name: 没有加分\n"
        "    set: {work.filed: 13}\n"
        "    points: {filing: 11.5}\n"
        "    total: 16.5\n"
    )
    (sheet.parent / "sheet-cases.yaml").write_text(wrong, encoding="utf-8")
    report = run_file(sheet.parent / "sheet-cases.yaml")
    # 9 of 10 is 90%: 5 points, 5 for the cases, 0.1 off: 9.9 in all; 13 of 10 earns 10 + 1.5,
    # and the total 16.5 is cut to the sheet's 16. 5.0 is 5: the written number, exactly.
    assert report.failed == {
        "写错": {
            "points.shortfall": (-0.2, "-0.1"),
            "points.nosuch": (1, "no such item; one of filing, cases, shortfall"),
            "total": (10, "9.9"),
            "vetoes": (["fraud"], []),
        },
        "没有加分": {"total": (16.5, "16")},
    }
