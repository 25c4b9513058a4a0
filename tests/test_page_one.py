"""Page one tells the truth (issue 33, deliverable 2): what blocks the grade, then 请补报 (the
unreported, apart), then the least set of actions that reaches the next grade with the score it
gives, never an action past its deadline; the same state words in the terminal and the PDF."""

from __future__ import annotations

import re
import subprocess

from ipscore import assess_paths, report
from ipscore.decide.results import deadline_text, deadline_year
from ipscore.report.contexts.city import city_context
from ipscore.verdicts import TASK_LABELS
from ipscore.views.tables.assessment import for_assessments
from ipscore.views.tables.base import as_text

from .conftest import SCENARIOS, ipscore
from .test_report import need

SHENZHEN = SCENARIOS / "shenzhen-2015.yaml"
HARBIN = SCENARIOS / "harbin-2007-demo-city" / "harbin-2010-incomplete.yaml"
JIAXING = SCENARIOS / "jiaxing-2008-pilot-city" / "jiaxing-2010.yaml"


def _page_one(markdown: str) -> str:
    """The Markdown report's 结论 section, blank lines dropped."""
    section = markdown.split("## 结论\n", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.strip())


def test_shenzhen_page_one_is_the_plan_that_reaches_good():
    (a,) = assess_paths([SHENZHEN])
    page = city_context(a)["conclusion"]
    # Σw = 4 mandatory × 2 + 5 optional × 1 = 13; the score 7400/117 ≈ 63.2, 75 − 63.2 = 11.8.
    # Each T8 requirement is 100 × 1/3 / 13 = 100/39; T6.R1 100 × 1/4 / 13 = 25/13; T7.R1
    # 100 / 4.5 / 13 = 200/117 (T7.R5 advisory, 0.5; T7.R6 not applicable); T9.R1, T9.R3
    # 100 / 9 / 13 = 100/117 each. The three worth most give 300/39 ≈ 7.7, short of 11.8; the
    # plan's five actions (an operation institution also meets T9.R3, an information one T9.R1)
    # give (7400 + 900 + 225 + 200 + 200)/117 = 8925/117 ≈ 76.3: 良好.
    assert page["blockers"] == [] and page["to_fill"] == [] and page["overdue"] == []
    assert page["ahead"] == {
        "head": "离良好还差11.8分：做完以下5项可达76.3分，良好",
        "actions": [
            {
                "field": "design.advantage_units",
                "change": "认定的外观设计优势培育单位 0家 → 1家",
                "meets": "T8.R1 认定一批外观设计优势培育单位",
            },
            {
                "field": "design.competitions",
                "change": "外观设计专利（产品）竞赛活动 0次 → 1次",
                "meets": "T8.R3 开展外观设计竞赛活动",
            },
            {
                "field": "design.trainings",
                "change": "外观设计专利培训班 0期 → 1期",
                "meets": "T8.R2 至少1期外观设计培训班",
            },
            {
                "field": "services.info_orgs",
                "change": "专利信息分析利用服务机构 0家 → 1家",
                "meets": "T6.R1 至少1家专利信息分析利用服务机构；"
                "T9.R1 “5+n”：专利信息分析利用服务机构",
            },
            {
                "field": "services.operation_orgs",
                "change": "知识产权运营机构 0家 → 1家",
                "meets": "T7.R1 至少1家知识产权运营机构；T9.R3 “5+n”：知识产权运营机构",
            },
        ],
        "best": [],
    }
    assert _page_one(report.city_report(a, ".md")) == "\n".join(
        [
            "**得分 63.2 · 等级 合格**",
            "深圳市2015年度得分63.2分，等级为合格。必做任务全部完成。"
            "选做任务中T5、T6、T7、T8、T9未完成。共有23条要求未达到，0条因缺报无法判定。",
            "离良好还差11.8分：做完以下5项可达76.3分，良好",
            "- 认定的外观设计优势培育单位 0家 → 1家（T8.R1 认定一批外观设计优势培育单位）",
            "- 外观设计专利（产品）竞赛活动 0次 → 1次（T8.R3 开展外观设计竞赛活动）",
            "- 外观设计专利培训班 0期 → 1期（T8.R2 至少1期外观设计培训班）",
            "- 专利信息分析利用服务机构 0家 → 1家（T6.R1 至少1家专利信息分析利用服务机构；"
            "T9.R1 “5+n”：专利信息分析利用服务机构）",
            "- 知识产权运营机构 0家 → 1家（T7.R1 至少1家知识产权运营机构；"
            "T9.R3 “5+n”：知识产权运营机构）",
        ]
    )
    # The same plan `ipscore plan` gives.
    done = ipscore("plan", str(SHENZHEN), "--target", "good")
    assert done.returncode == 0
    assert "深圳市：达到良好最少要做的 5 件事（63.2 合格 → 76.3 良好）" in done.stdout


def test_harbin_unreported_figures_are_asked_for_apart_from_the_work():
    (a,) = assess_paths([HARBIN])
    page = city_context(a)["conclusion"]
    # The draft files no figure of an earlier year and no fund at all: H1.R1 reads the growth of
    # applications and of GDP in 2007–2010 (each year's figure over the year before's), H6.R1
    # the fund in 2007–2010. Both are asked for by the form's names, each year once.
    assert [(f["id"], f["fields"], f["blocks"]) for f in page["to_fill"]] == [
        (
            "H1.R1",
            [
                "2006年专利申请量（件）",
                "2007年专利申请量（件）",
                "2008年专利申请量（件）",
                "2009年专利申请量（件）",
                "2006年地区生产总值（亿元）",
                "2007年地区生产总值（亿元）",
                "2008年地区生产总值（亿元）",
                "2009年地区生产总值（亿元）",
            ],
            False,
        ),
        (
            "H6.R1",
            [
                "2007年市政府专利专项发展资金（万元）",
                "2008年市政府专利专项发展资金（万元）",
                "2009年市政府专利专项发展资金（万元）",
                "2010年市政府专利专项发展资金（万元）",
            ],
            False,
        ),
    ]
    # Six groups of equal weight; H1 holds R1–R3 (1 each) and R4 (advisory, 0.5): R3 and R4 met
    # give 1.5/3.5, so the score is 100 × (3/7 + 4)/6 ≈ 73.8 and 75 − 73.8 = 1.2 to 良好. Only
    # the work on what was reported is planned: H1.R2 met gives 100 × (5/7 + 4)/6 ≈ 78.6.
    assert page["ahead"]["head"] == "离良好还差1.2分：做完以下1项可达78.6分，良好"
    assert page["ahead"]["actions"] == [
        {
            "field": "patents.applications",
            "change": "2010年专利申请量 4,400件 → 4,500件",
            "meets": "H1.R2 2010年专利申请量5000件左右",
        }
    ]
    text = _page_one(report.city_report(a, ".md"))
    fill = text.index("**请补报**")
    plan = text.index("离良好还差1.2分")
    assert fill < plan
    assert "2009年地区生产总值（亿元）" in text[fill:plan]
    assert "H6.R1" not in text[plan:] and "H1.R1" not in text[plan:]
    assert "可加分最多" not in text
    # The terminal's to-do list in the same order, 请补报 a table of its own.
    out = as_text(for_assessments([a], True, "zh"))
    assert (
        out.index("待办事项 · 请补报")
        < out.index("待办事项 · 离良好还差1.2分：做完以下1项可达78.6分，良好")
        < out.index("评估结果")
    )
    todo = out[out.index("待办事项 · 请补报") : out.index("离良好还差1.2分")]
    assert "H1.R1" in todo and "H6.R1" in todo and "H1.R2" not in todo


def test_jiaxing_suggests_no_deadline_already_passed():
    (a,) = assess_paths([JIAXING])
    page = city_context(a)["conclusion"]
    # The meeting was held 2009-04-08, after 2009年3月; 2009's grants 3200 < 3300 by 2009年底:
    # both due before 2010, the year assessed, so neither can be met on time now.
    assert [(b["id"], b["overdue"]) for b in page["overdue"]] == [
        ("J03.R1", "期限：2009年3月"),
        ("J06.R1", "期限：2009年底"),
    ]
    assert page["ahead"]["head"] == "离优秀还差3.1分：做完以下2项可达90.5分，优秀"
    assert [i["field"] for i in page["ahead"]["actions"]] == [
        "demonstration.new_province_firms",
        "demonstration.province_firms",
    ]
    text = _page_one(report.city_report(a, ".md"))
    plan, late = text.index("离优秀还差3.1分"), text.index("**已过期限**")
    assert plan < late and "2009" not in text[plan:late]
    assert text[late:].splitlines()[1:] == [
        "- **J03.R1** 2009年3月底前召开推进大会（期限：2009年3月）",
        "- **J06.R1** 2009年专利申请5500件、授权3300件以上（期限：2009年底）",
    ]
    # The report's to-do list puts them last, past the deadline, worth no points to chase.
    todo = city_context(a, mode="self-check")["todo"]
    assert [(i["id"], i["overdue"]) for i in todo[-2:]] == [
        ("J03.R1", "期限：2009年3月"),
        ("J06.R1", "期限：2009年底"),
    ]
    english = city_context(a, "en")["conclusion"]["overdue"]
    assert [b["overdue"] for b in english] == ["due March 2009", "due the end of 2009"]
    # `ipscore plan` leaves them out too, and says so.
    done = ipscore("plan", str(JIAXING), "--target", "excellent")
    assert done.returncode == 0 and "organisation.kickoff_on" not in done.stdout
    assert (
        "已过期限、不列入计划：J03.R1（期限：2009年3月）、J06.R1（期限：2009年底）" in done.stdout
    )


def test_terminal_and_pdf_say_the_same_state_words(tmp_path):
    (harbin,) = assess_paths([HARBIN])
    terminal = as_text(for_assessments([harbin], True, "zh"))
    # H1 has an unmet requirement: 未完成; H6 only a missing one: 数据不全, in both.
    assert re.search(r"H1\s+专利数量和结构\s+未完成", terminal)
    assert re.search(r"H6\s+加大资金投入\s+数据不全", terminal)
    pdf = tmp_path / "harbin.pdf"
    pdf.write_bytes(report.city_report(harbin, ".pdf"))
    text = subprocess.run(
        [need("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert "H1未完成，H6数据不全。" in flat and "尚未完成" not in flat
    for task in harbin.tasks:
        assert f"{TASK_LABELS['zh'][task.status]}·完成比例" in flat
    # A city's mandatory tasks: 未完成 in the terminal's summary and on the report alike.
    (wuhan,) = assess_paths([SCENARIOS / "wuhan-2015.yaml"])
    summary = as_text(for_assessments([wuhan], False, "zh"))
    assert re.search(r"武汉市.*不合格\s+未完成", summary)
    markdown = report.city_report(wuhan, ".md")
    assert "必做任务 未完成" in markdown and "尚未完成" not in markdown
    assert "必做任务中T4未完成，因此等级只能是最低一档。选做任务中T7未完成。" in markdown


def test_a_deadline_is_read_by_its_year():
    # The packs write 2015-12-31 (a date), 2009年3月, 2009年底, 2010年底 and 试点期内.
    assert deadline_year("2015-12-31") == 2015
    assert deadline_year("2009年3月") == 2009 and deadline_year("2009年底") == 2009
    assert deadline_year("2009年至2010年") == 2010  # a span: its end
    assert deadline_year("试点期内") is None  # no year: never past
    assert deadline_text("2009年3月", "en") == "March 2009"
    assert deadline_text("2010年底", "en") == "the end of 2010"
    assert (
        deadline_text("试点期内", "en") == "试点期内"
        and deadline_text("2009年3月", "zh") == "2009年3月"
    )


def test_a_points_sheet_keeps_its_page_one_with_missing_items_under_please_report():
    (a,) = assess_paths([SCENARIOS / "liuan-2017-advanced-unit" / "jinzhai-2017.yaml"])
    page = city_context(a)["conclusion"]
    # 金寨县 files 3 patent-dispute cases but not the counterfeiting cases the item also counts.
    assert [(f["id"], f["fields"]) for f in page["to_fill"]] == [
        ("enforcement", ["办结假冒专利案件（件）"])
    ]
    text = _page_one(report.city_report(a, ".md"))
    assert text.splitlines()[0] == "**总分 26.0分（满分70分） · 等级 先进单位候选**"
    assert text.splitlines()[2:] == [
        "**请补报** · 以下数据没有填报，所以无法判定（不等于没做）：",
        "- **enforcement** 专利行政执法：办结假冒专利案件（件）",
    ]
