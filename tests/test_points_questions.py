"""What-if, plan and sensitivity on points sheets, against values worked out by hand.

The county (scenarios/liuan-2017-advanced-unit/shucheng-2017.yaml, the 六安 2017 sheet):
发明专利申请 89 of 100 (89% < 90%: 0), 发明专利授权 95 of 100 (≥ 90%: 60% of 15 = 9),
专利行政执法 2 disputes × 5 + 5 counterfeits × 1 = 15 (cap 25), 专利权质押融资 policy and fund 3
+ 800 of 1000万元 (short: 0) = 3. Total 0 + 9 + 15 + 3 = 27.

A small sheet with a deduction and two vetoes (written below into tmp_path) starts at 90:
专利申报 −0.1 a filing short of the task (at most −5), 案件办理 2 a case up to 10; 未按时报送
考核材料 sets the lowest grade (the city can file them), 发生重大知识产权安全事件 sets the total
to 0 (a profile figure: no work lifts it).
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from ipscore import InputError, assess, find_pack
from ipscore.decide.scoring import blocking, drop_grid, gains
from ipscore.intake.files import read_one
from ipscore.packs import load_pack
from ipscore.packs.params import names, with_params
from ipscore.questions.plan import least_work
from ipscore.questions.whatif import (
    Variant,
    field_sensitivity,
    sensitivity,
    simulate,
    whatif,
)

from .conftest import SCENARIOS, ipscore

FOLDER = SCENARIOS / "liuan-2017-advanced-unit"
COUNTY = FOLDER / "shucheng-2017.yaml"
LIUAN = find_pack("liuan-2017-advanced-unit")

VETO_PACK = """\
pack:
  id: p2-veto-sheet
  version: 1.0.0
  title: 测试评分表（一票否决）
  title_en: Test sheet with vetoes
  year: 2023
  description: 计划测试用：从90分起，扣分、按件得分、一票否决。
  subject: {title: 县区, noun: 县区, title_en: county, noun_en: county, plural_en: counties}
  sources:
    - {file: test-sheet, title: 测试评分表, issuer: 测试, date: "2023-01-01"}
fields:
  city:
    name: {type: text, required: true, role: profile, label: 县区, label_en: County}
  work:
    filings: {type: count, max: 10000, unit: 件, label: 专利申报件数, label_en: Filings}
    filings_task:
      {type: count, max: 10000, role: baseline, unit: 件, label: 专利申报任务, label_en: Task}
    cases: {type: count, max: 1000, unit: 件, label: 办结案件, label_en: Cases closed}
    materials_filed: {type: bool, label: 按时报送考核材料, label_en: Materials filed on time}
    major_incidents:
      {type: count, max: 100, role: profile, unit: 起, label: 重大知识产权安全事件,
       label_en: Incidents}
tasks:
  - id: tasks
    section: 工作任务
    title: 工作任务
    title_en: Work
    requirements:
      - id: filings
        kind: required
        title: 专利申报
        title_en: Patent filings
        points:
          value: 0
          criteria: 未完成的专利申报任务每件扣0.1分。
          deduct: {field: work.filings, of: work.filings_task, points: "0.1", per: 1, cap: 5}
        remedy: 完成专利申报任务。
        citation: {source: test-sheet, section: 一, text: 未完成的专利申报任务每件扣0.1分。}
      - id: cases
        kind: required
        title: 案件办理
        title_en: Cases
        points:
          value: 10
          criteria: 每办结1件得2分，最高10分。
          per_unit: {work.cases: 2}
        remedy: 加快办结案件。
        citation: {source: test-sheet, section: 二, text: 每办结1件得2分，最高10分。}
scoring:
  method: points
  decimals: 1
  note: 从90分起，扣分，加按件得分。
  sheet: {start: 90}
  vetoes:
    - id: late-materials
      title: 未按时报送考核材料
      when: {field: work.materials_filed, eq: false}
      remedy: 按时报送考核材料
      citation: {source: test-sheet, section: 三, text: 未按时报送考核材料的，实行一票否决。}
    - id: incident
      title: 发生重大知识产权安全事件
      when: {field: work.major_incidents, gte: 1}
      effect: zero
      citation: {source: test-sheet, section: 三, text: 发生重大知识产权安全事件的，实行一票否决。}
  grades:
    - {code: good, label: 良好, label_en: Good, min_score: 95}
    - {code: pass, label: 合格, label_en: Pass, min_score: 60}
    - {code: fail, label: 不合格, label_en: Fail}
"""


def _county(folder: Path, name: str, filed: str, incidents: int) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(
        f"pack: p2-veto-sheet\nyear: 2023\ncity: {{name: {name}}}\nfacts:\n"
        f"  work: {{filings: 12, filings_task: 20, cases: 1, materials_filed: {filed}, "
        f"major_incidents: {incidents}}}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def vetoed(tmp_path):
    """甲县: 90 − 8 × 0.1 + 1 × 2 = 91.2, materials not filed (lowest grade, 不合格);
    乙县: the same figures, materials filed, one major incident (total 0, 不合格)."""
    pack_path = tmp_path / "veto-pack.yaml"
    pack_path.write_text(VETO_PACK, encoding="utf-8")
    pack = load_pack(pack_path)
    return (
        pack,
        pack_path,
        _county(tmp_path, "甲县", "false", 0),
        _county(tmp_path, "乙县", "true", 1),
    )


def _read(path: Path, pack=None):
    return read_one(path, None if pack is None else str(pack))


# what-if


def test_whatif_grants_95_to_100_adds_6_points():
    cmp = whatif(COUNTY, Variant("grants", sets={"creation.invention_grants": "100"}))
    assert (cmp.baseline.score, cmp.variant.score) == (Decimal("27.0"), Decimal("33.0"))
    body = cmp.to_dict()
    assert body["score_change"] == 6.0
    assert body["points"] == {
        "total_from": "27.0",
        "total_to": "33.0",
        "items": [
            {
                "id": "invention-grants",
                "title": "发明专利授权",
                "from": "9.0",
                "to": "15.0",
                "change": "6.0",
                "why": "完成目标任务（100件，目标100件），得满分：15分",
            }
        ],
        "vetoes": [],
    }
    assert cmp.changes() == [
        "invention-grants 发明专利授权 9分→15分（完成目标任务（100件，目标100件），得满分：15分）"
    ]


def test_whatif_drop_and_complete_say_what_they_assume():
    # Dropping 知识产权保护: enforcement 15 → 0; completing 知识产权创造: applications 0 → 15
    # and grants 9 → 15 (full marks, no bonus): 27 − 15 + 15 + 6 = 33.
    cmp = whatif(COUNTY, Variant("x", drop=("protection",), complete=("creation",)))
    assert cmp.variant.score == Decimal("33.0")
    items = {p["id"]: (p["from"], p["to"], p["why"]) for p in cmp.to_dict()["points"]["items"]}
    assert items == {
        "invention-applications": ("0.0", "15.0", "假设完成：得满分15分（不计加分）"),
        "invention-grants": ("9.0", "15.0", "假设完成：得满分15分（不计加分）"),
        "enforcement": ("15.0", "0.0", "假设不做：按0分计"),
    }


def test_dropping_a_deduction_takes_off_the_whole_task(vetoed):
    _, pack_path, jia, _ = vetoed
    # Dropped: the 20 filings all unfinished, 20 × 0.1 = 2 (under the cap of 5); cases 0:
    # 90 − 2 + 0 = 88. Completed: nothing deducted, cases 10: 90 + 10 = 100.
    dropped = whatif(jia, Variant("d", drop=("tasks",)), str(pack_path))
    assert dropped.variant.score == Decimal("88.0")
    why = {p.id: p.why for p in dropped.points}
    assert why["filings"] == "假设不做：任务20件全部未完成，扣2分"
    done = whatif(jia, Variant("c", complete=("tasks",)), str(pack_path))
    assert done.variant.score == Decimal("100.0")
    assert done.variant.grade == "fail"  # the veto still holds: the lowest grade
    # Filing the materials lifts the veto: 91.2, under 良好's 95, is 合格.
    lifted = whatif(jia, Variant("m", sets={"work.materials_filed": "true"}), str(pack_path))
    assert (lifted.variant.score, lifted.variant.grade) == (Decimal("91.2"), "pass")
    assert lifted.changes() == ["一票否决“未按时报送考核材料”：解除"]


def test_a_sheets_parameters_are_its_tiers_targets_and_caps():
    assert names(LIUAN) == [
        "invention-applications",
        "invention-applications#2",
        "invention-grants",
        "invention-grants#2",
        "enforcement",
        "pledge-financing",
    ]
    # "90%以上" read as "85%以上": applications 89% now earns 60% of 15 = 9: 27 + 9 = 36.
    cmp = whatif(COUNTY, Variant("85", params={"invention-applications#2": "0.85"}))
    assert cmp.variant.score == Decimal("36.0")
    assert [p.why for p in cmp.points] == ["完成目标任务的89%，得60%分：9分"]
    assert cmp.to_dict()["pack_sha256"] != LIUAN.content_hash
    # The 25-point cap on enforcement at 12: 15 → 12.
    capped = whatif(COUNTY, Variant("cap", params={"enforcement": "12"}))
    assert capped.variant.score == Decimal("24.0")
    with pytest.raises(InputError) as weights:
        with_params(LIUAN, {"weights.mandatory": "3"})
    assert weights.value.problems[0].zh == (
        "评分表（method: points）按各项得分相加，不用权重：没有参数 weights.mandatory"
    )
    with pytest.raises(InputError) as same:
        with_params(LIUAN, {"invention-grants#2": "1"})
    assert same.value.problems[0].zh == "该项已有完成比例为1的档位"


def test_sensitivity_lists_the_totals_that_move():
    base = SCENARIOS / "liuan-2017-advanced-unit"
    found = sensitivity([base / "shucheng-2017.yaml"], "invention-grants#2", ["0.9", "0.96"])
    # At 0.96, 95% of the target falls below the tier: grants 9 → 0, 27 → 18.
    assert [len(r.changes) for r in found.rows] == [0, 1]
    change = found.rows[1].changes[0]
    assert (change.before.score, change.after.score) == (Decimal("27.0"), Decimal("18.0"))
    assert change.after.grade == "candidate"


def test_simulate_the_countys_scenario_file():
    sim = simulate(FOLDER / "shucheng-options.whatif.yaml")
    # grants to 100: +6; 2 more disputes: 15 → 25 (capped): +10; pledge to 1000: +12;
    # 85% for both tiers: applications 0 → 9 (grants stay at 9): +9; enforcement dropped: −15.
    assert [float(c.variant.score) for c in sim.comparisons] == [33.0, 37.0, 39.0, 36.0, 12.0]


def test_field_sensitivity_lists_every_way_up():
    (found,) = field_sensitivity([COUNTY])
    body = found.to_dict()
    ways = {i["item"]: [e["text"] for e in i["edges"]] for i in body["items"]}
    assert ways == {
        "invention-applications": [
            "发明专利申请量达到90件：+9分",
            "发明专利申请量达到100件：+15分",
            "发明专利申请量超出目标后每多1件：+0.1分（不封顶）",
        ],
        "invention-grants": [
            "发明专利授权量达到100件：+6分",
            "发明专利授权量超出目标后每多1件：+0.2分（不封顶）",
        ],
        "enforcement": [
            "办结专利纠纷案件每多1件：+5分（最多再得10分）",
            "办结假冒专利案件每多1件：+1分（最多再得10分）",
        ],
        "pledge-financing": [
            "专利权质押融资额达到1,000万元：+12分",
            "专利权质押融资额超出目标后每多100万元：+1分（不封顶）",
        ],
    }
    with pytest.raises(InputError) as weighted:
        field_sensitivity([SCENARIOS / "wuhan-2015.yaml"])
    assert weighted.value.problems[0].zh.startswith("--fields 只用于评分表（method: points）")


def test_gains_blocking_and_the_drop_grid_on_a_sheet(vetoed):
    a = assess(*_read(COUNTY))
    # Each item met (full value, no bonus) adds its value less what it has: 15, 6, 10, 12.
    assert gains(a) == {
        "invention-applications": Fraction(15),
        "invention-grants": Fraction(6),
        "enforcement": Fraction(10),
        "pledge-financing": Fraction(12),
    }
    assert blocking(a).requirements == ()  # no mandatory task: nothing blocks the grade
    pack = vetoed[0]
    with pytest.raises(InputError) as grid:
        drop_grid(pack, [], [()])
    assert "是评分表（method: points）" in grid.value.problems[0].zh


# plan


def test_plan_to_60_changes_one_item():
    """27 → 60 needs 33 more. No item alone reaches it without its bonus (15, 6, 10, 12 at
    most), but the bonuses have no cap: grants 6 + 0.2k ≥ 33 at k = 135 over the target (235,
    140 more: 1.40 of the target); applications 15 + 0.1k ≥ 33 at k = 180 (280, 191 more:
    1.91); pledge 12 + ⌊k/100⌋ ≥ 33 at k = 2100 (3100万元, 2300 more: 2.30); enforcement adds
    10 at most. So one item suffices, and grants is the least added work."""
    pack, submission = _read(COUNTY)
    plan = least_work(pack, submission, None, score=Decimal(60))
    assert plan.reachable and plan.target is None and plan.target_score == Decimal(60)
    assert [(i.item, [(c.field, c.before, c.after) for c in i.changes]) for i in plan.items] == [
        ("invention-grants", [("creation.invention_grants", 95, 235)])
    ]
    (item,) = plan.items
    assert (item.before, item.after) == (Fraction(9), Fraction(42))
    assert item.describe(pack) == "发明专利授权量 95件 → 235件：+33分（9分→42分）"
    assert plan.after is not None and plan.after.score == Decimal("60.0")
    body = plan.to_dict()
    assert body["points"]["total_before"] == "27.0" and body["points"]["total_after"] == "60.0"
    assert body["points"]["items"][0]["text"] == item.describe(pack)
    assert body["target"] is None and body["target_score"] == 60.0


def _least_alone(pack, submission, field: str, score: Decimal) -> int | None:
    """The least figure of one field that alone brings the county to `score`, by bisection
    over assessments (points rise with the figure)."""

    def reaches(value: int) -> bool:
        values = {**submission.values, field: value}
        changed = dataclasses.replace(submission, values=values)
        return assess(pack, changed).score >= score

    low, high = int(submission.values[field]), int(pack.field(field).max)
    if not reaches(high):
        return None
    while low < high:
        middle = (low + high) // 2
        low, high = (low, middle) if reaches(middle) else (middle + 1, high)
    return low


def test_the_plan_to_60_agrees_with_bisection_field_by_field():
    pack, submission = _read(COUNTY)
    fields = {
        "creation.invention_applications": 100,
        "creation.invention_grants": 100,
        "protection.dispute_cases": None,  # per case: at most +10
        "finance.pledge_amount": 1000,
    }
    alone = {f: _least_alone(pack, submission, f, Decimal(60)) for f in fields}
    assert alone == {
        "creation.invention_applications": 280,
        "creation.invention_grants": 235,
        "protection.dispute_cases": None,
        "finance.pledge_amount": 3100,
    }
    shares = {
        f: Fraction(v - int(submission.values[f]), fields[f] or 1)
        for f, v in alone.items()
        if v is not None
    }
    assert min(shares, key=shares.__getitem__) == "creation.invention_grants"


@pytest.mark.parametrize(
    "target, item, field, after, total",
    [
        # 13 more: applications to 100 (+15, 11 more: 0.11 of the target) beats grants to
        # 135 (6 + 7, 40 more) and pledge to 1100 (12 + 1, 300 more); enforcement adds 10 at most.
        (40, "invention-applications", "creation.invention_applications", 100, "42.0"),
        # 6 more: applications to 90 (+9, 1 more) beats grants to 100 (+6, 5 more).
        (33, "invention-applications", "creation.invention_applications", 90, "36.0"),
    ],
)
def test_plan_to_a_score_takes_the_least_added_work(target, item, field, after, total):
    pack, submission = _read(COUNTY)
    plan = least_work(pack, submission, None, score=Decimal(target))
    assert [(i.item, [(c.field, c.after) for c in i.changes]) for i in plan.items] == [
        (item, [(field, after)])
    ]
    assert plan.after is not None and str(plan.after.score) == total


def test_a_plan_already_reached_and_a_grade_on_the_sheet():
    pack, submission = _read(COUNTY)
    plan = least_work(pack, submission, "candidate")
    assert plan.reachable and plan.items == () and plan.after is plan.before
    plan = least_work(pack, submission, None, score=Decimal(20))
    assert plan.reachable and plan.items == ()


def test_a_plan_lifts_a_veto_first(vetoed):
    _, pack_path, jia, _ = vetoed
    pack_, submission = _read(jia, pack_path)
    # 良好 needs 95: the veto lifted (materials filed), then 95 − 91.2 = 3.8 more; the
    # deduction gives back 0.8 at most, 2 cases give 4: one item, 1 → 3 cases, 95.2.
    plan = least_work(pack_, submission, "good")
    assert [(v.veto, [(c.field, c.before, c.after) for c in v.changes]) for v in plan.vetoes] == [
        ("late-materials", [("work.materials_filed", False, True)])
    ]
    assert plan.vetoes[0].describe(pack_) == (
        "先解除一票否决“未按时报送考核材料”：按时报送考核材料 否 → 是（整改：按时报送考核材料）"
    )
    assert [i.describe(pack_) for i in plan.items] == ["办结案件 1件 → 3件：+4分（2分→6分）"]
    assert plan.after is not None and (plan.after.score, plan.after.grade) == (
        Decimal("95.2"),
        "good",
    )
    # 合格 needs the veto lifted only.
    plan = least_work(pack_, submission, "pass")
    assert len(plan.vetoes) == 1 and plan.items == ()
    assert plan.after is not None and plan.after.grade == "pass"


def test_a_total_leaves_a_lowest_grade_veto_and_counts_a_deduction(vetoed):
    pack_, submission = _read(vetoed[2], vetoed[1])
    # 99.9 needs 8.7 more: cases 1 → 5 (+8, the cap), and 7 of the 8 missing filings
    # (−0.8 → −0.1): 90 − 0.1 + 10 = 99.9. The veto does not touch the total: it stays.
    plan = least_work(pack_, submission, None, score=Decimal("99.9"))
    assert [i.describe(pack_) for i in plan.items] == [
        "专利申报件数 12件 → 19件：+0.7分（-0.8分→-0.1分）",
        "办结案件 1件 → 5件：+8分（2分→10分）",
    ]
    assert plan.vetoes == ()
    assert plan.after is not None and plan.after.score == Decimal("99.9")
    assert plan.to_dict()["points"]["vetoes_holding"] == ["late-materials"]
    plan = least_work(pack_, submission, None, score=Decimal("100.1"))
    assert not plan.reachable
    assert plan.reason == "即使各项都做到填报值的上限，最高 100.0 分，达不到100.1分"


def test_a_veto_no_work_lifts_makes_the_plan_unreachable(vetoed):
    pack_, submission = _read(vetoed[3], vetoed[1])
    plan = least_work(pack_, submission, "pass")
    assert not plan.reachable
    assert plan.reason == (
        "一票否决“发生重大知识产权安全事件”成立，它取决于县区不能靠工作改变的情况"
        "（重大知识产权安全事件）：否决成立期间，等级无法提高。"
    )
    plan = least_work(pack_, submission, None, score=Decimal(50))
    assert not plan.reachable and "否决成立期间，总分无法提高" in (plan.reason or "")


def test_plan_command_line(vetoed):
    done = ipscore("plan", str(COUNTY), "--score", "60", "--format", "json", "--no-timestamp")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["points"]["items"][0]["gain"] == "33.0"
    table = ipscore("plan", str(COUNTY), "--score", "60").stdout
    assert "舒城县：总分达到60分最少要改的 1 项（27.0分 → 60.0分）" in table
    assert "发明专利授权量 95件 → 235件：+33分（9分→42分）" in table
    for args in ((), ("--target", "candidate", "--score", "60")):
        done = ipscore("plan", str(COUNTY), *args)
        assert done.returncode == 2
        assert "请给出一个目标：--target 等级，或 --score 总分（只写其中一个）" in done.stderr
    done = ipscore("plan", str(COUNTY), "--score", "六十")
    assert done.returncode == 2 and "--score 应为一个数，如 60：六十" in done.stderr


def test_a_weighted_pack_planned_to_a_total():
    # 武汉市 94.2: 7,800万元 of pledge financing meets T4.R2 (and T4, mandatory): 98.6.
    pack, submission = _read(SCENARIOS / "wuhan-2015.yaml")
    plan = least_work(pack, submission, None, score=Decimal(97))
    assert [(a.field, a.value) for a in plan.actions] == [("finance.pledge_amount", 7800)]
    assert plan.after is not None and plan.after.score == Decimal("98.6")
    assert plan.to_dict()["target_score"] == 97.0 and "points" not in plan.to_dict()


# verification


def test_verification_counts_a_sheets_earning_items(tmp_path):
    db = str(tmp_path / "a.sqlite")
    assert ipscore("archive", "add", str(COUNTY), "--db", db).returncode == 0
    done = ipscore(
        "verify", "舒城县", "2017", "invention-grants", "--reject", "无证明", "--by", "张三",
        "--db", db, "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    # The 9 points of grants not counted: 27 − 9 = 18.
    assert (found["declared"]["score"], found["verified"]["score"]) == (27.0, 18.0)
    done = ipscore(
        "verify", "舒城县", "2017", "invention-applications", "--ok", "--by", "张三", "--db", db
    )
    assert done.returncode == 2
    assert "舒城县 2017年评分项 invention-applications 得0分：只有得分的评分项才核验佐证材料" in (
        done.stderr
    )
