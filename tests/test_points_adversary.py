"""An adversary's pass over points sheets (issue 32): odd but plausible sheets an office could
write, counties filing odd figures and 自评分, and what the outputs then say. Each test names
the wrong answer ipscore gave before it was fixed.

The sheet below (worked by hand from its own words) starts at 10 and stops at 30:
- 申请 10: 95% of the county's target earns full marks, 80% half; 0.2 a unit over the target.
- 面积 5: 0.3 a 亩 (2 decimals), up to 5 — 16.67亩 is 5.001 → 5; 16.66亩 is 4.998.
- 融资 8: 150.5万元 (a constant written quoted, with decimals) earns 8, else 0.
- 办案 5: 3 a case A, 2 a case B, up to 5.
- 机构人员 6: where the county has an office, 2 a person, up to 6.
- 出台文件 2: a policy (an award with no label).
- 申报任务 0: 0.5 off each filing short of 10.
- vetoes: 弄虚作假 (the total counts as 0), 发生泄密事件 (leaks > 0: the lowest grade).
- grades: 良好 ≥ 25, 合格 ≥ 15, else 不合格.

甲县: 96 of 100 (96% ≥ 95%: 10, no bonus below the target); 16.67亩 (5); 150.49万元 (0,
0.01万元 = 100元 short); A 2 with B not filed (6 ≥ 5 whatever B is: 5); no office (does not
apply: 0); a policy (2); 10 filed (0). 10 + 10 + 5 + 0 + 5 + 0 + 2 + 0 = 32, held at 30.
Its 自评分 10, 5, 0, 5, 2, 0 add up the same: 10 + 22 = 32, held at 30 — as computed.
乙县: 0 of 100 (0; 95 short of the 95 full marks asks); 16.66亩 (4.998; 0.01亩 short of 16.67);
0万元 (0); A 0, B 2 (4; 1 point short of 5); an office with 1 person (2; 2 short of 3); no
policy (0); 3 filed (7 short: −3.5). 10 + 0 + 4.998 + 0 + 4 + 2 + 0 − 3.5 = 17.498 → 17.5, 合格.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ipscore.cli import cli

from .conftest import ROOT

SHEET = """pack:
  id: adversary-sheet
  version: "1"
  title: 对抗评分表
  title_en: Adversary sheet
  year: 2021
  sources: [{file: sheet.txt, title: 对抗评分表（测试用）}]
fields:
  city:
    name: {type: text, required: true, label: 单位, label_en: Unit}
  w:
    apps: {type: count, max: 100000, unit: 件, label: 申请量, label_en: Applications}
    apps_target: {type: count, role: baseline, unit: 件, label: 申请目标, label_en: Target}
    area: {type: amount, decimals: 2, max: 100000, unit: 亩, label: 面积, label_en: Area}
    money: {type: amount, decimals: 2, max: 1000000, unit: 万元, label: 融资额, label_en: Financing}
    a: {type: count, max: 1000, unit: 件, label: 甲案件, label_en: Case A}
    b: {type: count, max: 1000, unit: 件, label: 乙案件, label_en: Case B}
    has_office: {type: bool, label: 设有机构, label_en: Has an office}
    staff: {type: count, max: 1000, unit: 人, label: 人员, label_en: Staff}
    policy: {type: bool, label: 出台文件, label_en: Policy issued}
    filed: {type: count, max: 1000, unit: 件, label: 申报, label_en: Filed}
    fraud: {type: bool, label: 弄虚作假, label_en: Falsified}
    leak: {type: count, max: 100, unit: 起, label: 泄密事件, label_en: Leaks}
tasks:
  - id: T1
    section: 一
    title: 创造
    requirements:
      - id: apps
        kind: required
        title: 申请
        points:
          value: 10
          criteria: 完成目标95%以上得满分，80%以上得一半。每超1件加0.2分。
          tiers: {field: w.apps, of: w.apps_target, at_least: {0.95: full, 0.8: 0.5}}
          bonus: {points: "0.2", per: 1}
        remedy: 多申请。
        citation: {source: sheet.txt, section: 一, text: 完成目标95%以上得满分}
      - id: area
        kind: required
        title: 面积
        points:
          value: 5
          criteria: 每亩0.3分，最多5分。
          per_unit: {w.area: "0.3"}
        remedy: 扩大面积。
        citation: {source: sheet.txt, section: 一, text: 每亩0.3分}
      - id: money
        kind: required
        title: 融资
        points:
          value: 8
          criteria: 融资达到150.5万元得8分。
          tiers: {field: w.money, of: "150.5", at_least: {1: full}}
        remedy: 扩大融资。
        citation: {source: sheet.txt, section: 一, text: 融资达到150.5万元得8分}
  - id: T2
    section: 二
    title: 保护
    requirements:
      - id: cases
        kind: required
        title: 办案
        points:
          value: 5
          criteria: 甲案件每件3分，乙案件每件2分，最多5分。
          per_unit: {w.a: 3, w.b: 2}
        remedy: 多办案。
        citation: {source: sheet.txt, section: 二, text: 甲案件每件3分}
      - id: office
        kind: required
        title: 机构人员
        applies_if: {field: w.has_office, eq: true}
        points:
          value: 6
          criteria: 设有机构的，每名人员得2分，最多6分。
          per_unit: {w.staff: 2}
        remedy: 配齐人员。
        citation: {source: sheet.txt, section: 二, text: 每名人员得2分}
      - id: policy
        kind: advisory
        title: 出台文件
        points:
          value: 2
          criteria: 出台文件得2分。
          when: {field: w.policy, eq: true}
        remedy: 出台文件。
        citation: {source: sheet.txt, section: 二, text: 出台文件得2分}
      - id: filing
        kind: required
        title: 申报任务
        points:
          value: 0
          criteria: 未完成的申报任务每件扣0.5分。
          deduct: {field: w.filed, of: 10, points: "0.5"}
        remedy: 完成申报。
        citation: {source: sheet.txt, section: 二, text: 每件扣0.5分}
scoring:
  method: points
  decimals: 1
  note: 起评10分，各项得分相加，总分不超过30分。
  sheet: {start: 10, max: 30}
  vetoes:
    - id: fraud
      title: 弄虚作假
      title_en: Falsified figures
      when: {field: w.fraud, eq: true}
      effect: zero
      citation: {source: sheet.txt, section: 三, text: 弄虚作假的总分计0分}
    - id: leak
      title: 发生泄密事件
      title_en: A leak
      when: {field: w.leak, gt: 0}
      effect: lowest_grade
      citation: {source: sheet.txt, section: 三, text: 发生泄密事件的一票否决}
  grades:
    - {code: good, label: 良好, label_en: Good, min_score: 25}
    - {code: pass, label: 合格, label_en: Pass, min_score: 15}
    - {code: fail, label: 不合格, label_en: Fail}
"""

JIA = """pack: adversary-sheet
year: 2021
city: {name: 甲县}
facts:
  w: {apps: 96, apps_target: 100, area: 16.67, money: 150.49, a: 2, has_office: false,
      staff: 0, policy: true, filed: 10, fraud: false, leak: 0}
self_scores: {apps: 10, area: 5, money: 0, cases: 5, policy: 2, filing: 0}
"""

YI = """pack: adversary-sheet
year: 2021
city: {name: 乙县}
facts:
  w: {apps: 0, apps_target: 100, area: 16.66, money: 0, a: 0, b: 2, has_office: true,
      staff: 1, policy: false, filed: 3, fraud: false, leak: 0}
self_scores: {apps: 0.02, area: 5}
"""

# 丙县 leaves out the leaks: the veto can be decided neither way.
BING = """pack: adversary-sheet
year: 2021
city: {name: 丙县}
facts:
  w: {apps: 100, apps_target: 100, area: 20, money: 200, a: 2, b: 0, has_office: false,
      policy: true, filed: 10, fraud: false}
"""

CASES = """pack: sheet.yaml
base:
  city: {name: 丁县}
  facts:
    w: {apps: 100, apps_target: 100, area: 20, money: 150.5, a: 1, b: 1, has_office: true,
        staff: 3, policy: true, filed: 10, fraud: false, leak: 0}
cases:
  - name: 全部满分，起评10加36为46，以30为限
    expect: {apps: met, area: met, money: met, cases: met, office: met, policy: met, filing: met}
    points: {apps: 10, area: 5, money: 8, cases: 5, office: 6, policy: 2, filing: 0}
    total: 30
    grade: good
  - name: 95%即满分
    set: {w.apps: 95}
    expect: {apps: met}
    points: {apps: 10}
  - name: 不足95%得一半
    set: {w.apps: 94}
    expect: {apps: unmet}
    points: {apps: 5}
  - name: 16.67亩已达5分
    set: {w.area: 16.67}
    expect: {area: met}
    points: {area: 5}
  - name: 无机构不适用
    set: {w.has_office: false}
    expect: {office: not_applicable}
    points: {office: 0}
  - name: 弄虚作假总分为0
    set: {w.fraud: true}
    vetoes: [fraud]
    total: 0
    grade: fail
"""


def _cli(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, text in [
        ("sheet.yaml", SHEET),
        ("jia.yaml", JIA),
        ("yi.yaml", YI),
        ("bing.yaml", BING),
        ("cases.yaml", CASES),
    ]:
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _json(name: str) -> dict:
    out = _cli("assess", name, "--pack", "sheet.yaml", "--format", "json", "--no-timestamp")
    return json.loads(out)


def _items(result: dict) -> dict[str, dict]:
    return {item["id"]: item for item in result["points"]["items"]}


def _requirements(result: dict) -> dict[str, dict]:
    return {r["id"]: r for t in result["tasks"] for r in t["requirements"]}


def test_the_odd_sheet_checks_shows_and_tests(folder):
    """Was: rules check called its own witness an engine bug where an item does not apply
    ("证明得到的最低14分见证，评分得到14分（…档0，引擎判为None）"); a constant target with
    decimals was refused ("不能与 '301/2' 比较"), a quoted one read as a field ("未声明的字段
    150.5"); rules show crashed (TypeError) on an award without a label — the shipped demo
    pack's 出台文件 among them."""
    checked = _cli("rules", "check", "sheet.yaml")
    assert "✓ sheet.yaml：2项任务、7条要求，检查通过" in checked
    assert "评分表：满分46分（起评10分）；加分不封顶，总分以30分为限；扣分后最低5分" in checked
    assert "money 融资：0–8分" in checked and "office 机构人员：0–6分" in checked
    shown = _cli("rules", "show", "sheet.yaml")
    assert "出台文件：是：2分；其余0分" in shown
    assert "≥150.5万元：满分；其余0分" in shown
    demo = _cli("rules", "show", str(ROOT / "tests" / "points" / "demo-pack.yaml"))
    assert "已出台文件：是：5分；其余0分" in demo
    tested = _cli("test", "cases.yaml", "--min-coverage", "0")
    assert "6 个用例通过，0 个失败" in tested


def test_jia_county_is_scored_and_worded_as_worked_by_hand(folder):
    result = _json("jia.yaml")
    items, reqs = _items(result), _requirements(result)
    assert {k: i["points_exact"] for k, i in items.items()} == {
        "apps": "10",
        "area": "5",
        "money": "0",
        "cases": "5",
        "office": "0",
        "policy": "2",
        "filing": "0",
    }
    assert (result["points"]["total_exact"], result["points"]["capped"]) == ("30", True)
    assert result["grade"] == "good"
    # Was "完成目标任务（96件，目标100件），得满分": 96 is not the target of 100.
    assert items["apps"]["parts"][0]["explanation"] == "完成目标任务的96%，达到95%，得满分：10分"
    # Was 未达到 with "还差0.33亩": full marks were judged as if 面积 had no decimals (≥ 17).
    assert items["area"]["status"] == "met"
    assert "area" not in [r for r, v in reqs.items() if v["status"] == "unmet"]
    # Was "还差5,100元" (150.5 rounded up to 151): 0.01万元 short.
    assert reqs["money"]["gap"] == "还差0.01万元"
    # Was "乙案件0件×2分 … = 6分": 乙 was not filed, not 0.
    assert items["cases"]["parts"][0]["explanation"] == (
        "甲案件2件×3分 + 乙案件（未填报），已填报的合计6分，以5分为限：得5分"
    )
    # Was "不适用或数据不全，本项不计分" (and once a part).
    assert items["office"]["status"] == "not_applicable"
    assert items["office"]["parts"][0]["explanation"] == (
        "本项不适用（适用条件：设有机构：是），不计分"
    )
    table = _cli("assess", "jia.yaml", "--pack", "sheet.yaml")
    # Was "满分46" and "各项合计32.0": the sheet stops at 30, and 32 counts the start.
    assert "总分 30.0（满分30，起评10）；起评10加各项22.0，合计32.0，按评分表的上下限计" in table
    # Was "自评分合计 32.0，比计算的总分高2.0" though every item's 自评分 matched.
    # (The office does not apply: no 自评分 for it, and the line says so.)
    assert "自评分合计 30.0（1项未填自评分），与计算的总分一致" in table


def test_yi_county_gaps_differences_and_its_csv(folder):
    result = _json("yi.yaml")
    assert result["points"]["total_exact"] == "8749/500"  # 17.498
    assert (result["score"], result["grade"]) == (17.5, "pass")
    reqs = _requirements(result)
    assert {r: reqs[r]["gap"] for r in ("apps", "area", "money", "cases", "office", "filing")} == {
        "apps": "还差95件",  # was "增长-100.0%，要求≥-5%，还差95件", then "还差100件"
        "area": "离5分还差0.002分：面积每亩0.3分",  # was "还差0.34亩", then "还差0分：…每件"
        "money": "还差150.5万元",  # was "还差151万元"
        "cases": "离5分还差1分：甲案件每件3分、乙案件每件2分",  # was "还差5件；还差3件；…"
        "office": "离6分还差4分：人员每人2分",  # was "…每件2分"
        "filing": "还差7件",
    }
    table = _cli("assess", "yi.yaml", "--pack", "sheet.yaml")
    # Was "0.0" and "自评高0.0分" beside "不一致": 0.02 and 0.002 are differences.
    rows = {line.split()[0]: line.split() for line in table.splitlines() if line.strip()}
    assert rows["申请"][1:5] == ["10", "0.0", "0.0", "0.02"]
    assert rows["面积"][1:5] == ["5", "5.0", "5.0", "0.002"]
    # Was "自评分合计 15.0，比计算的总分低2.5": two of seven items self-scored, not a total.
    assert "自评分合计 15.0（5项未填自评分），比计算的总分低2.5" in table
    report = folder / "乙县.md"
    _cli("report", "yi.yaml", "--pack", "sheet.yaml", "-o", str(report))
    assert "2项自评分与计算得分不一致：申请（自评高0.02分）、面积（自评高0.002分）。" in (
        report.read_text(encoding="utf-8")
    )
    # Was '-3.5 (text, an apostrophe before it): a deduction is a number.
    out = _cli("assess", "yi.yaml", "--pack", "sheet.yaml", "--format", "csv", "--no-timestamp")
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert (row["filing 得分"], row["area 得分"], row["自评分合计"]) == ("-3.5", "5.0", "15.0")


def test_a_veto_whose_figure_is_missing_is_not_passed_over(folder):
    """Was: no word at all — 30.0 良好, validate "无缺报", the leak figure simply absent."""
    result = _json("bing.yaml")
    assert result["missing"] == ["w.leak"]
    assert result["points"]["vetoes_undecided"] == [{"id": "leak", "title": "发生泄密事件"}]
    assert result["points"]["vetoes"] == []
    assert "一票否决事项无法判定（缺报数据）：发生泄密事件" in _cli(
        "assess", "bing.yaml", "--pack", "sheet.yaml"
    )
    assert "格式无误；影响结论的缺报 1 项：w.leak" in _cli(
        "validate", "bing.yaml", "--pack", "sheet.yaml"
    )
    filed = BING.replace("fraud: false}", "fraud: false, leak: 1}")
    (folder / "bing.yaml").write_text(filed, encoding="utf-8")
    held = _json("bing.yaml")
    assert (held["grade"], held["missing"]) == ("fail", [])
    assert "vetoes_undecided" not in held["points"]  # none: the key left out, as before
    assert [v["id"] for v in held["points"]["vetoes"]] == ["leak"]


def _bad(folder: Path, old: str, new: str) -> list[str]:
    assert old in SHEET
    (folder / "sheet.yaml").write_text(SHEET.replace(old, new, 1), encoding="utf-8")
    out = _cli("rules", "check", "sheet.yaml", code=2)
    assert "Traceback" not in out
    return [line for line in out.splitlines() if line.startswith("sheet.yaml，")]


TIERS = "at_least: {0.95: full, 0.8: 0.5}"
AT = "sheet.yaml，第35行，字段 tasks[0].requirements[0].points.tiers.at_least："
STEPS = (
    "at_least 写作 {完成目标的比例: 得分比例}，比例写小数，例如 {1: full, 0.9: 0.6}"
    "（完成目标得满分，90%以上得60%分）；"
)


@pytest.mark.parametrize(
    "old, new, message",
    [
        # Each was a traceback (decimal.InvalidOperation, ZeroDivisionError, StopIteration…).
        (TIERS, "at_least: {0.95: ful, 0.8: 0.5}", AT + STEPS + "“0.95: ful”不是"),
        (TIERS, "at_least: {0.95: FULL, 0.8: 0.5}", AT + STEPS + "“0.95: FULL”不是"),
        (TIERS, 'at_least: {"95%": full}', AT + STEPS + "“95%: full”不是"),
        (TIERS, 'at_least: {"2/3": full}', AT + STEPS + "“2/3: full”不是"),
        (TIERS, "at_least: {0.95: full, 0.8: 一半}", AT + STEPS + "“0.8: 一半”不是"),
        (TIERS, "at_least: {0.95: full, 0.8: 1.5}", AT + STEPS + "“0.8: 1.5”不是"),
        (TIERS, "at_least: [0.95, 0.8]", AT + "应为映射（键: 值）"),
        (
            TIERS,
            'at_least: {"0.95": full, "0.950": 0.5}',
            AT + "at_least 中同一个完成比例写了两次",
        ),
        (
            'per_unit: {w.area: "0.3"}',
            "per_unit: {w.area: 0}",
            "sheet.yaml，第45行，字段 tasks[0].requirements[1].points.per_unit："
            "每单位分值应大于0：w.area 是 0",
        ),
        (
            'per_unit: {w.area: "0.3"}',
            "per_unit: {}",
            "sheet.yaml，第45行，字段 tasks[0].requirements[1].points.per_unit："
            "per_unit 写作 {字段: 每单位分值}，不能为空",
        ),
        # Was "Value error, 一个得分部分只写…… / a part gives points one way…".
        (
            'per_unit: {w.area: "0.3"}',
            'per_unit: {w.area: "0.3"}\n          when: {field: w.policy, eq: true}',
            "sheet.yaml，第42行，字段 tasks[0].requirements[1].points："
            "一个得分部分只写 tiers、per_unit、when、deduct 中的一个，这里写了 per_unit、when",
        ),
        # Was "Input should be greater than 0".
        (
            'bonus: {points: "0.2", per: 1}',
            'bonus: {points: "-0.2", per: 1}',
            "sheet.yaml，第36行，字段 tasks[0].requirements[0].points.bonus.points：应大于0",
        ),
        # Was accepted, the cap silently ignored ("加分不封顶").
        (
            'bonus: {points: "0.2", per: 1}',
            'bonus: {points: "0.2", per: 1}\n          cap: 2',
            "sheet.yaml，第32行，字段 tasks[0].requirements[0].points："
            "cap 是按件计分（per_unit）的上限：加分的上限写在 bonus.cap，扣分的上限写在 deduct.cap",
        ),
        # Was accepted: 分值 5 that only ever deducts, "满分51".
        (
            "          value: 0\n          criteria: 未完成",
            "          value: 5\n          criteria: 未完成",
            "sheet.yaml，第93行，字段 filing.points.value：评分项 filing 只有扣分部分，分值应为0"
            "（扣分从起评分 scoring.sheet.start 扣），实际为 5："
            "有得分部分的，写在 parts 里与扣分并列",
        ),
        # Was accepted: every total the same 40.
        (
            "sheet: {start: 10, max: 30}",
            "sheet: {start: 10, max: 30, floor: 40}",
            "sheet.yaml，第102行，字段 scoring.sheet：总分下限 floor 40 高于上限 max 30："
            "每个单位的总分都会是同一个数",
        ),
        # Was said 7 times, once for each band and the item's check.
        (
            "tiers: {field: w.apps,",
            "tiers: {field: w.appz,",
            "sheet.yaml，第32行，字段 w.appz：未声明的字段 w.appz，是否想写 w.apps？",
        ),
        # Was said 8 times, "只能用数值字段乘以倍数作比较" and then this.
        (
            "tiers: {field: w.apps,",
            "tiers: {field: w.policy,",
            "sheet.yaml，第32行，字段 w.policy："
            "评分项读取的 w.policy 应为计数或金额字段，实际为 bool",
        ),
        (
            'of: "150.5"',
            "of: -150.5",
            "sheet.yaml，第54行，字段 tasks[0].requirements[2].points.tiers.of："
            "目标 of 应≥0，实际为 -150.5",
        ),
        # Was accepted: a part worth nothing that leaves the item 未达到 at its full 分值.
        (
            'per_unit: {w.area: "0.3"}',
            "parts:\n"
            '            - {value: 5, per_unit: {w.area: "0.3"}}\n'
            "            - {value: 0, when: {field: w.policy, eq: true}}",
            "sheet.yaml，第47行，字段 area.points.parts[1].value：评分项 area 的第2部分分值为0，"
            "不给分：只会让本项因它“未达到”。请删去它，或把它写成本项的 applies_if",
        ),
        (
            "      - id: area\n        kind: required\n",
            "      - id: area\n        kind: required\n        each_year: 2021..2021\n",
            "sheet.yaml，第41行，字段 area.each_year：评分项不能跨年度（each_year/any_year）",
        ),
        # Was said twice, of the item's value and of the part the inline form copies it to.
        (
            "          value: 10\n",
            "          value: -10\n",
            "sheet.yaml，第33行，字段 tasks[0].requirements[0].points.value：应≥0",
        ),
    ],
)
def test_a_mistake_in_points_is_said_once_with_its_line_and_key(folder, old, new, message):
    assert _bad(folder, old, new) == [message]


@pytest.mark.parametrize(
    "claimed, message",
    [
        # Was "实际为 Decimal('1E+400')", and for 2000 "应为一个数……实际为 2000".
        ("1e400", "自评分 1E+400 超出范围：一项的自评分应在 −1000 到 1000 分之间"),
        ("-2000", "自评分 -2000 超出范围：一项的自评分应在 −1000 到 1000 分之间"),
        # Was "实际为 True", "实际为 None", "实际为 Decimal('NaN')".
        ("true", "自评分应为一个数（如 12.5），实际为“是”"),
        ("null", "自评分应为一个数（如 12.5），实际为空"),
        (".nan", "自评分应为一个数（如 12.5），实际为“NaN”"),
        ("5分", "自评分应为一个数（如 12.5），实际为文本“5分”"),
    ],
)
def test_a_bad_self_score_says_what_was_filed(folder, claimed, message):
    bad = YI.replace("self_scores: {apps: 0.02, area: 5}", f"self_scores: {{apps: {claimed}}}")
    (folder / "yi.yaml").write_text(bad, encoding="utf-8")
    out = _cli("assess", "yi.yaml", "--pack", "sheet.yaml", code=2)
    assert out.strip().splitlines()[-1] == f"yi.yaml，第7行，字段 self_scores.apps：{message}"


AMEND = """extends: sheet.yaml
pack:
  id: adversary-amended
  version: "2"
  title: 对抗评分表（修订）
  title_en: Adversary sheet amended
  year: 2021
  sources: [{file: amend.txt, title: 修订通知}]
changes:
  - {set: apps, value: "0.9", citation: {source: amend.txt, section: 一, text: 改为90%以上得满分}}
  - {drop: policy, citation: {source: amend.txt, section: 二, text: 删去出台文件}}
"""


def test_an_amended_sheet_says_what_changed_and_takes_the_base_s_submissions(folder):
    """Was: rules show of an amended sheet listed no amendment, the 评分标准 still reading
    95% beside a rule of ≥90%; and a county's file naming the sheet it amends (a file, not a
    shipped id) was refused: "提交文件写的规则包是 adversary-sheet，但本次用 adversary-amended
    评估"."""
    (folder / "amend.yaml").write_text(AMEND, encoding="utf-8")
    shown = _cli("rules", "show", "amend.yaml")
    assert "≥90%：满分；≥80%：50%；其余0分；每超1件加0.2分" in shown
    assert "·已修订" in shown and "对 adversary-sheet 的修订" in shown
    assert "改为90%以上得满分（amend.txt 一）" in shown
    out = _cli("assess", "yi.yaml", "--pack", "amend.yaml", "--format", "json")
    # 乙县 without 出台文件 (0 there anyway): the same 17.498.
    assert json.loads(out)["points"]["total_exact"] == "8749/500"


def test_the_form_s_total_row_is_the_sheet_s_full_marks(folder):
    """Was 46 (the start and every 分值) on a sheet that stops at 30."""
    from openpyxl import load_workbook

    _cli("template", "--pack", "sheet.yaml", "-o", "form.xlsx")
    rows = load_workbook(folder / "form.xlsx")["填报表"].iter_rows(values_only=True)
    assert [row[1] for row in rows if row[0] == "合计"] == [30]


def test_a_share_of_a_constant_target_is_shown_as_the_band_compares_it(folder):
    """Was "≥100.33835万元": two thirds written 0.6667 of 150.5万元, which the band compares
    to the figure's 2 decimals, rounded up — 100.34万元."""
    halves = SHEET.replace(
        'of: "150.5", at_least: {1: full}', 'of: "150.5", at_least: {1: full, 0.6667: 0.5}'
    )
    (folder / "sheet.yaml").write_text(halves, encoding="utf-8")
    assert "≥150.5万元：满分；≥100.34万元：50%；其余0分" in _cli("rules", "show", "sheet.yaml")


@pytest.mark.parametrize(
    "money, points, words",
    [
        # 150.5万元 earns 8; 1 more for every whole 10.25万元 over it, never for part of one.
        (
            "191.5",
            "12",
            "完成目标任务（191.5万元，目标150.5万元），得满分：8分；超出目标41万元，加4分",
        ),
        (
            "191.49",
            "11",
            "完成目标任务（191.49万元，目标150.5万元），得满分：8分；超出目标40.99万元，加3分",
        ),
        (
            "160.74",
            "8",
            "完成目标任务（160.74万元，目标150.5万元），得满分：8分；超出目标10.24万元，加0分",
        ),
    ],
)
def test_a_bonus_per_10_25_on_an_amount_counts_whole_steps(folder, money, points, words):
    bonus = SHEET.replace(
        'of: "150.5", at_least: {1: full}}',
        'of: "150.5", at_least: {1: full}}\n          bonus: {points: 1, per: "10.25"}',
    )
    (folder / "sheet.yaml").write_text(bonus, encoding="utf-8")
    (folder / "jia.yaml").write_text(JIA.replace("150.49", money), encoding="utf-8")
    money_item = _items(_json("jia.yaml"))["money"]
    assert (money_item["points_exact"], money_item["parts"][0]["explanation"]) == (points, words)


@pytest.mark.parametrize(
    "a, b, filed, points, status",
    [
        # 3 a case A, 2 a case B, 1 a filing, up to 5: 3 + 0 + 2 = 5 reaches it, 0 + 2 + 2 not.
        (1, 0, 2, "5", "met"),
        (0, 1, 2, "4", "unmet"),
        (1, 1, 0, "5", "met"),
        (0, 2, 0, "4", "unmet"),
        (0, 0, 5, "5", "met"),
        (0, 0, 4, "4", "unmet"),
    ],
)
def test_points_per_unit_over_three_counts(folder, a, b, filed, points, status):
    three = SHEET.replace("per_unit: {w.a: 3, w.b: 2}", "per_unit: {w.a: 3, w.b: 2, w.filed: 1}")
    (folder / "sheet.yaml").write_text(three, encoding="utf-8")
    _cli("rules", "check", "sheet.yaml")
    figures = JIA.replace("a: 2, has_office", f"a: {a}, b: {b}, has_office")
    (folder / "jia.yaml").write_text(figures.replace("filed: 10", f"filed: {filed}"), "utf-8")
    cases = _items(_json("jia.yaml"))["cases"]
    assert (cases["points_exact"], cases["status"]) == (points, status)
