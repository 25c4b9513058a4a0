"""A points sheet (评分表) in every report and table of one city or a cohort, as the office's
sheet: the terminal's item table and total line, the city report's page one (a veto first,
then the total) and item table in HTML, Markdown, Word and PDF, the cohort report, the Excel
score sheet and the CSV. The numbers are worked by hand in tests/points/*.yaml; a weighted
pack's outputs are untouched (tests/test_report.py and the goldens)."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from ipscore import report
from ipscore.cli import cli
from ipscore.decide.pipeline import assess_paths
from ipscore.report.contexts.city import city_context
from ipscore.views import output
from ipscore.views.tables.assessment import for_assessments
from ipscore.views.tables.base import as_text

from .conftest import ROOT, SCENARIOS
from .test_report import need

POINTS = ROOT / "tests" / "points"
JINAN = POINTS / "jinan-2017.yaml"
YUAN = POINTS / "yuan-2017.yaml"
GRANTS_RULE = "完成目标任务得满分，90%以下不得分，90%以上得60%分。每超1件，加0.2分。"


@pytest.fixture(scope="module")
def jinan():
    (a,) = assess_paths([JINAN])
    return a


@pytest.fixture(scope="module")
def both():
    return assess_paths([JINAN, YUAN])


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def cells(text: str, title: str) -> list[str]:
    """The words of the line of a table that names `title`."""
    return next(line for line in text.splitlines() if title in line).split()


# --- the terminal ----------------------------------------------------------------------------


def test_assess_prints_the_item_table_and_the_total_after_the_headline(tmp_path):
    out = invoke("assess", str(JINAN), "--db", str(tmp_path / "a.sqlite"))
    lines = [line.strip() for line in out.splitlines()]
    assert lines[0] == "金安区 2017年度：67.2分，先进单位候选"
    assert cells(out, "考核内容") == ["考核内容", "分值", "得分", "自评分", "差异", "说明"]
    assert cells(out, "发明专利申请")[:5] == ["发明专利申请", "15", "16.2", "16.2", "0.0"]
    assert cells(out, "发明专利授权") == [
        "发明专利授权",
        "15",
        "9.0",
        "15.0",
        "6.0",
        "完成目标任务的90%，得60%分：9分",
    ]
    assert cells(out, "专利行政执法")[:5] == ["专利行政执法", "25", "25.0", "25.0", "0.0"]
    assert cells(out, "专利权质押融资")[:5] == ["专利权质押融资", "15", "17.0", "17.0", "0.0"]
    assert "总分 67.2（满分70，起评0）" in lines
    assert "自评分合计 73.2，比计算的总分高6.0" in lines
    # The item table takes the place of the weighted requirement table; the to-do list and
    # the summary follow.
    assert out.index("总分 67.2") < out.index("待办事项") < out.index("评估结果")
    assert "完成比例" not in out


def test_the_item_table_in_english(jinan):
    text = as_text(for_assessments([jinan], True, "en"))
    assert cells(text, "Item")[:5] == ["Item", "Worth", "Points", "Self-score", "Difference"]
    assert "15 9.0 15.0 6.0 90% of the target: 60% of the points, 9" in " ".join(
        cells(text, "Invention patents")
    )
    assert "Total 67.2 (of 70, from 0)" in [line.strip() for line in text.splitlines()]


# --- the city report -------------------------------------------------------------------------


def test_the_html_report_has_the_item_table_with_the_criteria_and_the_difference(jinan):
    html = report.city_report(jinan, ".html")
    assert isinstance(html, str)
    row = html[html.index("<strong>发明专利授权</strong>") :]
    row = row[: row.index("</tr>")]
    assert '<td class="num">15</td>' in row
    assert f"<td>{GRANTS_RULE}</td>" in row
    assert '<span class="got status-unmet">9.0</span>' in row
    assert '<div class="note">完成目标任务的90%，得60%分：9分</div>' in row
    assert '<td class="num">15.0</td>' in row
    assert '<span class="gap">自评高6.0分</span>' in row
    # The 合计 row: Σ 分值, the total, the 自评分 total and its difference.
    total = html[html.index('<tr class="sum">') :]
    total = total[: total.index("</tr>")]
    for cell in ("70", "67.2", "73.2", "自评高6.0分"):
        assert f">{cell}<" in total, cell
    # Page one: the total out of the sheet's maximum, then the table, before the task tables.
    assert '<span class="score">67.2</span><span class="out-of">分（满分70分）</span>' in html
    assert (
        html.index('class="out-of"')
        < html.index("<h2>评分表</h2>")
        < html.index('<h3 class="task-head">')
    )
    # 评估依据: each source's address, and what the pack leaves out and why.
    assert "2017-02-22，http://www.88zr88.com/display/162129.html）" in html
    assert (
        "未编码的内容：先进个人（不超过30%）、优秀专利联络员（不超过15%），原因：考评办法第四条"
        in html
    )


def test_the_markdown_report_has_the_same_table(jinan):
    md = report.city_report(jinan, ".md")
    assert isinstance(md, str)
    lines = md.splitlines()
    assert "**总分 67.2分（满分70分） · 等级 先进单位候选**" in lines
    assert "| 考核内容 | 分值 | 评分标准 | 得分 | 自评分 | 差异 |" in lines
    assert (
        f"| 发明专利授权（invention-grants） | 15 | {GRANTS_RULE} | **9.0** "
        "完成目标任务的90%，得60%分：9分 | 15.0 | **自评高6.0分** |"
    ) in lines
    assert "| **合计** | 70 | | **67.2** | 73.2 | **自评高6.0分** |" in lines
    assert md.index("总分 67.2分") < md.index("## 评分表") < md.index("## creation")


def test_page_one_says_which_items_fall_short_and_where_the_self_score_differs(jinan):
    ctx = city_context(jinan)
    assert ctx["summary"] == (
        "金安区2017年度总分67.2分（满分70分），等级为先进单位候选。"
        "1项未得满分或被扣分：发明专利授权（9.0/15分）。"
        "1项自评分与计算得分不一致：发明专利授权（自评高6.0分）。"
    )
    # The to-do list counts a sheet's points: the grants' 15 − 9 = 6, not a weighted share.
    assert [(t["id"], t["points"]) for t in ctx["todo"]] == [("invention-grants", "6.0")]


def test_the_word_report_has_the_same_table(jinan):
    content = report.city_report(jinan, ".docx")
    assert isinstance(content, bytes)
    doc = Document(io.BytesIO(content))
    text = [p.text for p in doc.paragraphs]
    assert "总分 67.2分（满分70分）\u3000等级 先进单位候选" in text
    (table,) = [t for t in doc.tables if t.rows[0].cells[0].text == "考核内容"]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["考核内容", "分值", "评分标准", "得分", "自评分", "差异"]
    assert [
        "发明专利授权（invention-grants）",
        "15",
        GRANTS_RULE,
        "9.0\n完成目标任务的90%，得60%分：9分",
        "15.0",
        "自评高6.0分",
    ] in rows
    assert rows[-1] == ["合计", "70", "", "67.2", "73.2", "自评高6.0分"]


# --- a cohort: the report, the Excel score sheet, the CSV ------------------------------------


def test_the_csv_has_each_items_points_and_self_score(both):
    rows = list(csv.DictReader(io.StringIO(output.to_csv(both, None, "en"))))
    jinan, yuan = rows
    assert jinan["points.invention-grants"] == "9.0"
    assert jinan["points.invention-applications"] == "16.2"
    assert jinan["self_score.invention-grants"] == "15.0"
    assert jinan["self_score_total"] == "73.2"
    assert yuan["points.invention-grants"] == "0.0"
    assert yuan["self_score.pledge-financing"] == ""
    assert yuan["self_score_total"] == "56.2"
    # Beside the existing columns, before the rank and the provenance.
    names = list(jinan)
    at = names.index
    assert at("pledge-financing") < at("points.invention-applications") < at("rank_in_tier")


def test_the_csv_in_chinese_and_from_the_command(tmp_path):
    out = tmp_path / "scores.csv"
    invoke(
        "assess", str(JINAN), str(YUAN), "--format", "csv", "-o", str(out),
        "--db", str(tmp_path / "a.sqlite"),
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["城市"] for r in rows] == ["金安区", "裕安区"]
    assert rows[0]["invention-grants 得分"] == "9.0"
    assert rows[0]["invention-grants 自评分"] == "15.0"
    assert rows[0]["自评分合计"] == "73.2"


def test_the_excel_score_sheet_has_a_column_per_item(both):
    book = load_workbook(io.BytesIO(report.score_sheet(both[0].pack, both)))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    head = rows[1]
    assert head[4:] == ("得分", "等级", "名次", "自评分合计")
    assert rows[2][0] == "金安区" and rows[2][4:] == (67.2, "先进单位候选", 1, 73.2)
    assert rows[3][0] == "裕安区" and rows[3][4:] == (58.2, "先进单位候选", 2, 56.2)
    assert sheet.cell(3, 5).number_format == "0.0" and sheet.cell(3, 8).number_format == "0.0"
    # Each item's points on a sheet of their own, to the sheet's decimals.
    items = book["各项得分"]
    grid = list(items.iter_rows(values_only=True))
    assert grid[0] == (
        "县区",
        "发明专利申请（15分）",
        "发明专利授权（15分）",
        "专利行政执法（25分）",
        "专利权质押融资（15分）",
    )
    assert grid[1] == ("金安区", 16.2, 9, 25, 17)
    assert grid[2] == ("裕安区", 16.2, 0, 25, 17)
    assert items.cell(2, 3).number_format == "0.0"
    legend = [r for r in book["要求说明"].iter_rows(values_only=True)]
    assert legend[0][-2:] == ("分值", "评分标准")
    grants = next(row for row in legend if row[0] == "invention-grants")
    assert grants[1] == "creation" and grants[-2:] == ("15", GRANTS_RULE)


def test_the_cohort_report_has_a_column_per_item(both):
    md = report.cohort_report(both, ".md", {})
    assert isinstance(md, str)
    lines = md.splitlines()
    assert (
        "| 名次 | 县区 | 得分 | 等级 | 发明专利申请（15分） | 发明专利授权（15分） | "
        "专利行政执法（25分） | 专利权质押融资（15分） | 自评分合计 | 报告 |"
    ) in lines
    assert "| 1 | 金安区 | 67.2 | 先进单位候选 | 16.2 | 9.0 | 25.0 | 17.0 | 73.2 |  |" in lines
    assert "| 2 | 裕安区 | 58.2 | 先进单位候选 | 16.2 | 0.0 | 25.0 | 17.0 | 56.2 |  |" in lines
    html = report.cohort_report(both, ".html", {})
    assert '<td class="num">9.0</td>' in html and "<th>自评分合计</th>" in html


def test_a_weighted_pack_has_no_sheet():
    (xiangtan,) = assess_paths([SCENARIOS / "xiangtan-2015.yaml"])
    assert city_context(xiangtan)["sheet"] is None
    head = output.to_csv([xiangtan], None, "en").splitlines()[0]
    assert "points." not in head and "self_score" not in head


# --- a veto ----------------------------------------------------------------------------------

VETO_PACK = """\
pack:
  id: veto-demo
  version: 1.0.0
  title: 一票否决示例评分表
  title_en: Veto demo sheet
  year: 2017
  sources:
    - {file: demo-sheet, title: 示例考核评分表, issuer: 示例市知识产权局, date: "2017-02-22"}
  subject: {title: 县区知识产权局, noun: 县区, title_en: county IP office, noun_en: county}
fields:
  city:
    name: {type: text, required: true, role: profile, label: 县区, label_en: County}
  x:
    grants: {type: count, max: 100000, unit: 件, label: 发明专利授权量, label_en: Grants}
    target: {type: count, max: 100000, role: baseline, unit: 件, label: 授权目标, label_en: Target}
    fraud: {type: bool, label: 存在弄虚作假, label_en: Fraud found}
tasks:
  - id: creation
    section: 知识产权创造
    title: 知识产权创造
    title_en: IP creation
    requirements:
      - id: grants
        kind: required
        title: 发明专利授权
        title_en: Invention grants
        points:
          value: 10
          criteria: 完成目标任务得满分，90%以上得60%分。
          tiers: {field: x.grants, of: x.target, at_least: {"1": full, "0.9": "0.6"}}
        remedy: 提高授权量。
        citation:
          source: demo-sheet
          section: 一、发明专利授权（10分）
          text: 完成目标任务得满分，90%以上得60%分。
scoring:
  method: points
  decimals: 1
  note: 逐项计分。
  note_en: Points item by item.
  grades:
    - {code: good, label: 合格, label_en: Pass, min_score: 6}
    - {code: fail, label: 不合格, label_en: Fail}
  vetoes:
    - id: fraud
      title: 存在弄虚作假
      title_en: Falsified figures
      when: {field: x.fraud, eq: true}
      effect: EFFECT
      citation: {source: demo-sheet, section: 第五条, text: 弄虚作假的，实行一票否决。}
"""


def _vetoed(folder: Path, effect: str, fraud: bool = True):
    """A county with its target met (10 points of 10), assessed under a one-item sheet whose
    veto has `effect`; the veto holds when `fraud`."""
    pack = folder / f"veto-{effect}.yaml"
    pack.write_text(VETO_PACK.replace("EFFECT", effect), encoding="utf-8")
    city = folder / f"county-{effect}-{fraud}.yaml"
    city.write_text(
        "pack: veto-demo\nyear: 2017\ncity: {name: 示例县}\n"
        f"facts:\n  x: {{grants: 100, target: 100, fraud: {str(fraud).lower()}}}\n"
        "self_scores: {grants: 10}\n",
        encoding="utf-8",
    )
    (a,) = assess_paths([city], str(pack))
    return a


def test_a_true_veto_makes_the_grade_the_lowest_and_is_named_on_page_one_of_the_pdf(tmp_path):
    assert _vetoed(tmp_path, "lowest_grade", fraud=False).grade == "good"  # 10 points: 合格
    a = _vetoed(tmp_path, "lowest_grade")
    assert (a.grade, str(a.score)) == ("fail", "10.0")  # the points stand; the grade is lowest
    pdf = tmp_path / "county.pdf"
    pdf.write_bytes(report.city_report(a, ".pdf"))
    page_one = subprocess.run(
        [need("pdftotext"), "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    text = "".join(page_one.split())
    total = text.index("总分10.0分（满分10分）")
    for said in ("一票否决", "存在弄虚作假：等级定为最低（不合格）", "示例考核评分表，第五条"):
        assert text.index(said) < total, said
    assert text.index("“弄虚作假的，实行一票否决。”") < total
    # The terminal names it under the headline, before the items.
    shown = as_text(for_assessments([a], True, "zh"))
    assert shown.index("一票否决：存在弄虚作假（示例考核评分表，第五条）") < shown.index("考核内容")


def test_a_zero_veto_makes_the_total_0(tmp_path):
    a = _vetoed(tmp_path, "zero")
    assert (a.grade, str(a.score)) == ("fail", "0.0")
    md = report.city_report(a, ".md")
    assert "**总分 0.0分（满分10分） · 等级 不合格**" in md
    assert (
        "- **存在弄虚作假**：总分计为0，等级定为最低（不合格）；"
        "依据：示例考核评分表，第五条：“弄虚作假的，实行一票否决。”"
    ) in md
    assert "总分 0.0（满分10，起评0）" in as_text(for_assessments([a], True, "zh"))
