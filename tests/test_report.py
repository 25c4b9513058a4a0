"""Reports rendered from every shipped scenario, in every format, checked for their content,
and looked at as pictures (a PDF page and a browser screenshot must not be blank)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import UndefinedError
from openpyxl import load_workbook
from PIL import Image

from ipscore import assess_paths, find_pack, report
from ipscore.intake.files import submission_files
from ipscore.intake.submission import parse_submission
from ipscore.report.contexts.city import city_context
from ipscore.report.contexts.cohort import cohort_context
from ipscore.report.contexts.common import TEXT
from ipscore.report.render import render
from ipscore.views.tables.assessment import for_assessments
from ipscore.views.tables.base import as_text

from .conftest import ROOT, SCENARIOS, scenario_with

CASES = [p for p in submission_files([SCENARIOS]) if p.suffix in (".yaml", ".json")]
ALL = {a.source: a for a in assess_paths([SCENARIOS])}


def need(tool: str) -> str:
    """The path of an external tool; CI installs them all, so there a missing one fails."""
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is not installed")
        pytest.skip(f"{tool} is not installed here (CI installs it)")
    return path


def _result(path: Path):
    return next(a for source, a in ALL.items() if source.endswith(path.name))


def _check_content(text: str, a) -> None:
    pack = a.pack
    assert a.city in text
    assert a.grade_label in text
    assert str(a.score) in text
    for _, req in pack.requirements():
        assert req.id in text, req.id
    first = a.tasks[0].requirements[0]
    assert first.citation["text"][:12] in text
    for task in a.tasks:
        for r in task.requirements:
            if r.gap:
                assert r.gap in text.replace("\\|", "|"), r.id


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_city_report_shows_verdicts_citations_and_gaps(path, suffix):
    a = _result(path)
    _check_content(report.city_report(a, suffix), a)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_city_report_pdf(path, tmp_path):
    a = _result(path)
    out = tmp_path / "city.pdf"
    out.write_bytes(report.city_report(a, ".pdf"))
    text = subprocess.run(
        [need("pdftotext"), "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert a.city in text and a.grade_label in text and "T9.R9" in text
    fonts = subprocess.run([need("pdffonts"), str(out)], capture_output=True, text=True).stdout
    assert "Noto-Sans-CJK" in fonts


def _not_blank(png: Path) -> float:
    """The share of pixels darker than light grey."""
    histogram = Image.open(png).convert("L").histogram()
    return sum(histogram[:200]) / sum(histogram)


def test_pdf_page_is_not_blank(tmp_path):
    a = _result(SCENARIOS / "wuhan-2015.yaml")
    out = tmp_path / "w.pdf"
    out.write_bytes(report.city_report(a, ".pdf", mode="self-check"))
    subprocess.run(
        [need("pdftoppm"), "-png", "-r", "40", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")],
        check=True,
    )
    (page,) = tmp_path.glob("p*.png")
    assert _not_blank(page) > 0.02


def test_html_screenshot_is_not_blank(tmp_path):
    browser = shutil.which("chromium") or need("chromium-browser")
    html = tmp_path / "x.html"
    html.write_text(report.city_report(_result(SCENARIOS / "xiangtan-2015.yaml"), ".html"))
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1000,1200",
            html.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert _not_blank(shot) > 0.02


def test_report_has_no_external_resources():
    html = report.city_report(_result(SCENARIOS / "suzhou-2015.yaml"), ".html")
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "<link" not in html and "src=" not in html


def test_city_name_is_escaped(pack):
    data = {
        "city": {
            "name": "<script>alert(1)</script>",
            "level": "prefecture",
            "batch": 1,
            "counties": 0,
        },
        "facts": {},
    }
    from ipscore import assess

    a = assess(pack, parse_submission(data, pack, "evil.yaml", {}))
    html = report.city_report(a, ".html")
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # Markdown escapes the way Markdown does: a backslash before each `<`, no HTML entities.
    markdown = report.city_report(a, ".md")
    assert re.search(r"(?<!\\)<script", markdown) is None
    assert r"\<script>alert(1)\</script>" in markdown


def test_markdown_shows_every_field_as_written_and_nothing_live(pack, tmp_path):
    # Issue 30: only `<` was escaped, so an evidence title made a live image of a local file
    # or a javascript: link for any Markdown viewer, and an escape byte stayed in the file.
    from markdown_it import MarkdownIt

    from ipscore import assess

    titles = ["![x](file:///etc/passwd)", "[c](javascript:alert(1))", "**粗** `码` \x1b[2J"]
    data = {
        # A name holds no space (it is one identity), but may hold what Markdown reads.
        "city": {
            "name": "**甲**[市](javascript:x)",
            "level": "prefecture",
            "batch": 1,
            "counties": 0,
        },
        "facts": {},
        "evidence": {"T1.R2": [{"title": t} for t in titles]},
    }
    a = assess(pack, parse_submission(data, pack, "evil.yaml", {}, folder=tmp_path))
    text = report.city_report(a, ".md")
    assert "\x1b" not in text
    assert (
        r"《!\[x\](file:///etc/passwd)》；《\[c\](javascript:alert(1))》；"
        r"《\*\*粗\*\* \`码\`  \[2J》" in text
    )
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<img" not in html and "<a " not in html and "<code>码" not in html
    assert "<strong>粗" not in html
    assert (
        "《![x](file:///etc/passwd)》；《[c](javascript:alert(1))》；《**粗** `码`  [2J》" in html
    )
    assert "<h1>**甲**[市](javascript:x)" in html  # the city's name, not a link nor bold


def test_markdown_has_no_raw_html():
    text = report.city_report(_result(SCENARIOS / "wuhan-2015.yaml"), ".md")
    assert "<br>" not in text and "&gt;" not in text and "&lt;" not in text
    assert "2015年金额 > 0" in text  # as typed, not as an entity


def test_missing_template_value_fails_loudly():
    with pytest.raises(UndefinedError):
        render("city.html.j2", {"t": TEXT["zh"], "lang": "zh"})


def test_self_check_orders_by_effect_on_the_grade():
    wuhan = city_context(_result(SCENARIOS / "wuhan-2015.yaml"), mode="self-check")
    # T4.R2 keeps a mandatory task incomplete, so it comes before T7.R6 whatever the points.
    assert [(i["id"], i["blocks"], i["points"]) for i in wuhan["todo"]] == [
        ("T4.R2", True, "4.4"),
        ("T7.R6", False, "1.4"),
    ]
    xiangtan = city_context(_result(SCENARIOS / "xiangtan-2015.yaml"), mode="self-check")
    # 100 × 1 × 1 / 3 / 15 = 2.22 per T8 requirement; T7: 100 / 4.5 / 15 = 1.48 (advisory 0.74);
    # T9: 100 / 8 / 15 = 0.83.
    assert [i["id"] for i in xiangtan["todo"]] == [
        "T8.R1",
        "T8.R2",
        "T8.R3",
        "T7.R2",
        "T7.R3",
        "T9.R4",
        "T9.R7",
        "T7.R5",
    ]


def test_cohort_report_ranks_and_links(tmp_path):
    out = tmp_path / "cohort.html"
    written = report.write(list(ALL.values()), out, cohort=True)
    assert out in written and len(written) == 10
    html = out.read_text(encoding="utf-8")
    for a in ALL.values():
        assert a.city in html
    assert 'href="cohort-cities/suzhou-2015.html"' in html
    assert (tmp_path / "cohort-cities" / "suzhou-2015.html").is_file()
    ctx = cohort_context(find_pack("cnipa-2015-demo-city"), list(ALL.values()), {})
    assert ctx["most_unmet"][0]["id"] == "T7.R5" and ctx["most_unmet"][0]["count"] == 4
    assert [g["count"] for g in ctx["distribution"]] == [2, 2, 1, 4]
    prefecture = next(t for t in ctx["tiers"] if t["name"] == "地级")
    # Grade first (issue 28): 湘潭's 良好 above the two 不合格 at 95.6, which share a rank.
    assert [(r["rank"], r["city"]) for r in prefecture["rows"]] == [
        ("1", "苏州市"),
        ("2", "湘潭市"),
        ("3（并列）", "佛山市"),
        ("3（并列）", "郑州市"),
    ]


def test_cohort_markdown_and_pdf(tmp_path):
    md = report.cohort_report(list(ALL.values()), ".md", {})
    assert "| **T7.R5**" in md and "北京市朝阳区" in md
    pdf = report.cohort_report(list(ALL.values()), ".pdf", {})
    assert pdf.startswith(b"%PDF")


def test_score_sheet(tmp_path):
    out = tmp_path / "scores.xlsx"
    pack = find_pack("cnipa-2015-demo-city")
    out.write_bytes(
        report.score_sheet(pack, list(ALL.values()), produced_at="2016-01-05T08:00:00Z")
    )
    book = load_workbook(out)
    sheet = book["评估结果"]
    assert (
        sheet["A1"].value
        == "示范城市年度评估汇总 · 2015（cnipa-2015-demo-city 1.1.0） · 2016-01-05"
    )
    assert sheet["A2"].value.startswith("数据说明：")  # the examples say so on the sheet itself
    head_row = 3
    head = [c.value for c in sheet[head_row]]
    assert head[:9] == [
        "城市",
        "省份",
        "层级",
        "批次",
        "得分",
        "等级",
        "必做任务",
        "卡在（必做要求）",
        "名次",
    ]
    assert head[9:] == [f"T{n} 任务" for n in range(1, 10)]
    # Printed: landscape, one page wide, the heading row and the city column on every page.
    assert sheet.freeze_panes == "B4"
    assert (sheet.print_title_rows, sheet.print_title_cols) == ("$3:$3", "$A:$A")
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    rows = {r[0]: r for r in sheet.iter_rows(min_row=head_row + 1, values_only=True)}
    assert len(rows) == 9
    assert rows["苏州市"][4:9] == (100.0, "优秀", "全部完成", None, 1)
    # A batch as an office writes it (第一批), never 批次 1.
    assert (rows["苏州市"][3], rows["湘潭市"][3], rows["常熟市"][3]) == (
        "第一批",
        "第三批",
        "第二批",
    )
    assert rows["武汉市"][5:8] == ("不合格", "未完成", "T4.R2 未达到")  # as the terminal says
    # Each requirement's verdict on a sheet of its own, the cities in the same order.
    matrix = book["各项要求"]
    grid = list(matrix.iter_rows(values_only=True))
    assert grid[0][:2] == ("城市", "T1.R1") and grid[0][-1] == "T9.R9"
    assert [r[0] for r in grid[1:]] == list(rows)
    by_city = {r[0]: r for r in grid[1:]}
    assert by_city["北京市朝阳区"][grid[0].index("T5.R4")] == "缺报"
    head = [*head, *grid[0][1:]]
    wuhan_row = next(
        r for r in range(head_row + 1, sheet.max_row + 1) if sheet.cell(r, 1).value == "武汉市"
    )
    assert sheet.cell(wuhan_row, 5).number_format == "0.0"
    assert sheet.cell(wuhan_row, 6).fill.fgColor.rgb.endswith("EF9A9A")  # 不合格 in red
    # The legend names every task and requirement the columns are headed by.
    legend = {r[0]: r for r in book["要求说明"].iter_rows(min_row=2, values_only=True)}
    assert set(head[9:]) - {f"{t.id} 任务" for t in pack.tasks} <= set(legend)
    assert legend["T4.R2"][2] == "专利权质押融资金额增长20%以上（未开展的实现突破）"


def test_cli_report_and_xlsx(tmp_path):
    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "ipscore", *args], capture_output=True, text=True, cwd=ROOT
        )

    done = run("report", "scenarios/xiangtan-2015.yaml", "-o", str(tmp_path / "湘潭.html"))
    assert done.returncode == 0 and (tmp_path / "湘潭.html").is_file()
    done = run("report", "scenarios/xiangtan-2015.yaml", "-o", str(tmp_path / "x.txt"))
    assert done.returncode == 2 and "不支持的输出格式 .txt" in done.stderr
    done = run("assess", "scenarios/", "--format", "xlsx")
    assert done.returncode == 2 and "-o" in done.stderr
    done = run("assess", "scenarios/", "--format", "xlsx", "-o", str(tmp_path / "s.xlsx"))
    assert done.returncode == 0 and (tmp_path / "s.xlsx").stat().st_size > 0


def test_pdf_without_weasyprint_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(report.IpscoreError) as caught:
        report.city_report(_result(SCENARIOS / "suzhou-2015.yaml"), ".pdf")
    assert "pip install 'ipscore[pdf]'" in str(caught.value)


def test_a_pack_given_by_path_works_in_every_output(tmp_path):
    cities, out = tmp_path / "cities", tmp_path / "out"
    cities.mkdir(), out.mkdir()
    sub = cities / "甲市.yaml"
    sub.write_text("pack: tiny\nyear: 2015\ncity: {name: 甲市}\nfacts: {work: {staff: 2}}\n")
    tiny = str(ROOT / "tests" / "tiny-pack.yaml")
    for args in (
        ["assess", str(sub)],
        ["assess", str(sub), "--format", "xlsx", "-o", str(out / "s.xlsx")],
        ["report", str(sub), "-o", str(out / "r.html")],
        ["report", str(cities), "-o", str(out / "c.md")],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "ipscore", *args, "--pack", tiny],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert done.returncode == 0, (args, done.stderr)
    assert "还差1人" in (out / "r.html").read_text(encoding="utf-8")


def test_city_report_groups_by_responsible_unit():
    (a,) = assess_paths([SCENARIOS / "xuancheng-2019-strong-city" / "xuancheng-2020.yaml"])
    ctx = city_context(a)
    first = ctx["by_unit"][0]
    # 市市场监管局 is named for every measure but (十七) and (十九), and 一(三) names no unit:
    # 3+2+3+2+1+1+1+1+1+1+1+2+4+2 = 25 requirements of (四)–(十六), (十八); 5 still open.
    assert (first["unit"], first["met"], first["of"]) == ("市市场监管局", 20, 25)
    assert [r["id"] for r in first["open"]] == ["X04.R2", "X06.R1", "X15.R2", "X16.R2", "X16.R4"]
    units = {u["unit"] for u in ctx["by_unit"]}
    # Issue 11: seven units the plan names had nothing to do; 绩溪县政府 and 泾县政府 were
    # added to (十六), whose 责任单位 are city departments only.
    named = {
        "市农业农村局",
        "市商务局",
        "市林业局",
        "市法院",
        "市检察院",
        "市税务局",
        "市地方金融监管局",
    }
    assert named <= units
    assert not {"绩溪县政府", "泾县政府"} & units
    html = report.city_report(a, ".html")
    assert "按责任单位" in html and "市地方金融监管局" in html
    (plain,) = assess_paths([SCENARIOS / "xiangtan-2015.yaml"])
    assert "按责任单位" not in report.city_report(plain, ".html")


def test_a_plan_without_mandatory_tasks_labels_none_optional():
    # Issue 11: every Xuancheng measure was labelled 选做, though the plan has no mandatory tasks.
    (a,) = assess_paths([SCENARIOS / "xuancheng-2019-strong-city" / "xuancheng-2020.yaml"])
    assert {t["mandatory"] for t in city_context(a)["tasks"]} == {""}
    html = str(report.city_report(a, ".html")).replace(a.pack.scoring.note, "")
    # Issue 14: a plan with no mandatory tasks says nothing about them in its report (but for
    # the pack's own scoring note, which says so).
    assert "必做" not in html and "选做" not in html
    text = as_text(for_assessments([a], True, "zh"))
    assert "不分必做选做" in text and "选做 ·" not in text and "必做 ·" not in text


def test_a_note_shared_by_many_files_is_shown_once():
    # Sixty example cities filled the cohort report's first page with sixty identical notes.
    assessments = assess_paths([SCENARIOS])
    md = report.cohort_report(assessments, ".md", {}, "zh")
    assert "> - 9个文件：示例数据，非官方统计：仅用于演示和测试" in md
    assert md.count("示例数据，非官方统计") == 1 + sum(1 for _ in assessments)  # banner + appendix


def test_page_one_says_what_blocks_the_grade_and_what_fixing_it_gives(tmp_path):
    (wuhan,) = assess_paths([SCENARIOS / "wuhan-2015.yaml"])
    page = city_context(wuhan)["conclusion"]
    # 7799.9999万元 against 6500 × 1.2 = 7800: 0.0001万元 = 1元 short.
    assert [(b["id"], b["gap"]) for b in page["blockers"]] == [
        ("T4.R2", "增长19.9%，要求≥20%，还差1元")
    ]
    # T4 complete: its fraction 5/7 → 1 adds 100 × 2 × 2/7 / 13 ≈ 4.4 (4 mandatory tasks of
    # weight 2, 5 optional of weight 1): 94.2 → 98.6, and every mandatory task complete: 优秀.
    assert page["fixed"] == "98.6 优秀" and page["to_fill"] == []
    # A whole 1万元 short is said in 万元; only less than that in 元.
    less = {"pledge_amount: 7799.9999": "pledge_amount: 7799"}
    (short,) = assess_paths([scenario_with(tmp_path, "wuhan-2015.yaml", less)])
    blockers = city_context(short)["conclusion"]["blockers"]
    assert [b["gap"] for b in blockers] == ["增长19.9%，要求≥20%，还差1万元"]
    html = report.city_report(wuhan, ".html")
    assert html.index("卡在") < html.index("各项任务完成比例")  # on page one, before the chart

    (xiangtan,) = assess_paths([SCENARIOS / "xiangtan-2015.yaml"])
    ahead = city_context(xiangtan)["conclusion"]["ahead"]
    # 88.0 良好, nothing blocking: 90 − 88.0 = 2.0 to 优秀; each T8 requirement is one of three
    # required in an optional task of weight 1 out of Σw = 15 (6 mandatory × 2 + 3 × 1):
    # 100 × 1/3 / 15 = 2.2 points, so one of them is enough (the plan's: 88.0 + 2.2 = 90.2).
    assert ahead["head"] == "离优秀还差2.0分：做完以下1项可达90.2分，优秀"
    assert ahead["actions"] == [
        {
            "field": "design.competitions",
            "change": "外观设计专利（产品）竞赛活动 0次 → 1次",
            "meets": "T8.R3 开展外观设计竞赛活动",
        }
    ]


def test_unreported_figures_are_asked_for_not_called_unmet():
    (chaoyang,) = assess_paths([SCENARIOS / "chaoyang-2015.json"])
    page = city_context(chaoyang)["conclusion"]
    assert page["blockers"] == []
    assert page["to_fill"] and all(item["fields"] for item in page["to_fill"])
    html = report.city_report(chaoyang, ".html")
    assert "请补报" in html


def test_reports_fit_their_pack_and_carry_the_office_elements(tmp_path):
    (xuancheng,) = assess_paths([SCENARIOS / "xuancheng-2019-strong-city" / "xuancheng-2020.yaml"])
    html = report.city_report(
        xuancheng, ".html", signoff=report.SignOff("宣城市市场监管局", "李四")
    )
    assert "知识产权强市建设年度评估报告" in html and "示范城市" not in html
    assert "None" not in html and "批次" not in html  # nothing the pack or the city lacks
    assert (
        "评估依据" in html
        and "宣城市人民政府办公室关于印发宣城市知识产权强市建设实施方案的通知" in html
    )
    assert "宣城市市场监管局" in html and "李四" in html and "签字（盖章）" in html

    out = tmp_path / "汇总.md"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ipscore",
            "report",
            str(SCENARIOS),
            "-o",
            str(out),
            "--org",
            "某省知识产权局",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "IPSCORE_DB": str(tmp_path / "none.sqlite")},
    )
    assert done.returncode == 0, done.stderr
    cohort = out.read_text(encoding="utf-8")
    assert (
        "卡在（必做要求）" in cohort
        and "| 武汉市 | 湖北省 | 第一批 | 94.2 | 不合格 | T4.R2 未达到 |" in cohort
    )
    assert "缺报" in cohort.split("北京市朝阳区")[1].splitlines()[0]  # blocked by unreported data
    assert "某省知识产权局" in cohort and "None" not in cohort


def test_the_task_chart_draws_each_tasks_fraction_to_scale():
    from ipscore.report.charts import COLOURS, task_fractions

    (xiangtan,) = assess_paths([SCENARIOS / "xiangtan-2015.yaml"])
    svg = task_fractions(xiangtan)
    bars = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" [^>]*fill="(#\w+)"', svg)
    assert len(bars) == 9
    full = float(bars[0][1])  # T1: all four requirements met, 100%
    # T7: R1 and R4 met of weights 1+1+1+1+½ (R6 not applicable) = 2/4.5 = 44%; T8 nothing
    # met; T9: 6 of its 8 applicable requirements = 75%. Each bar's width over T1's (100%) is
    # its fraction.
    assert round(float(bars[6][1]) / full * 100) == 44 and bars[6][2] == COLOURS["incomplete"]
    assert float(bars[7][1]) == 0
    assert round(float(bars[8][1]) / full * 100) == 75
    # Each task by its id and its title cut to twelve characters (the table names it in full).
    labels = re.findall(r'text-anchor="end" fill="#1a1a1a">([^<]+)<', svg)
    assert labels == [
        "T1 研究制定城市知识产权工… *",
        "T2 实施专利行政执法能力提… *",
        "T3 扎实推进企业工作 *",
        "T4 积极推进知识产权金融服务 *",
        "T5 贯彻落实提升专利申请质… *",
        "T6 持续提升专利信息分析利… *",
        "T7 探索实施专利导航试点项目",
        "T8 实施外观设计助力竞争力…",
        "T9 大力培育知识产权服务业…",
    ]
    assert ">44%<" in svg and ">0%<" in svg
    # T8 at 0% still shows a mark of its colour at the axis; the legend gives each colour one
    # status.
    (zero,) = re.findall(
        r'<rect class="zero" x="[\d.]+" y="[\d.]+" width="([\d.]+)"[^>]*fill="(#\w+)"', svg
    )
    assert float(zero[0]) > 0 and zero[1] == COLOURS["incomplete"]
    legend = re.findall(r'<rect class="legend"[^>]*fill="(#\w+)"/><text[^>]*>([^<]*)<', svg)
    assert legend == [
        (COLOURS["complete"], "完成"),
        (COLOURS["incomplete"], "未完成"),
        (COLOURS["insufficient_data"], "数据不全"),
    ]


def test_the_cohort_shows_each_tiers_spread_of_scores():
    assessments = list(ALL.values())
    ctx = cohort_context(find_pack("cnipa-2015-demo-city"), assessments, {})
    assert [t["name"] for t in ctx["tiers"]] == ["副省级", "地级", "县级市", "直辖市所辖区"]
    assert all(t["chart"].startswith("<svg") for t in ctx["tiers"])
    html = report.cohort_report(assessments, ".html", {})
    assert html.count("得分分布（每5分一档，颜色为等级）") == 4


def test_english_reports_read_as_english():
    (wuhan,) = assess_paths([SCENARIOS / "wuhan-2015.yaml"])
    t4r2 = next(r for t in wuhan.tasks for r in t.requirements if r.id == "T4.R2")
    # 7800 − 7799.9999 = 0.0001万元 = 1 yuan; English has no 万元, so money is in yuan.
    assert t4r2.gap_en == "grew 19.9%, 20% required, 1 yuan short"
    md = report.city_report(wuhan, ".md", lang="en")
    # 7799.9999万元 × 10,000 = 77,999,999 yuan exactly; 6500万元 = 65,000,000 yuan.
    assert "Patent pledge financing in 2015: 77,999,999 yuan; " in md
    assert "65,000,000 yuan" in md and "10k yuan" not in md
    assert "2 requirements unmet, 0 requirements lacking data." in md
    assert "Trainings for core enforcement staff in 2015 ≥ 1 session |" in md
    # Outside the quoted Chinese originals and the submission's own note, no full-width marks.
    outside = re.sub(r"“[^”]*”", "", md).replace("示例数据，非官方统计：仅用于演示和测试", "")
    assert not re.search(r"[：；（）]", outside), re.findall(r".{20}[：；（）].{20}", outside)[:3]


def test_numbers_carry_thousands_separators():
    (wuhan,) = assess_paths([SCENARIOS / "wuhan-2015.yaml"])
    md = report.city_report(wuhan, ".md")
    assert "2015年专利权质押融资金额：7,799.9999万元" in md
    assert "7799" not in md.replace("7799.99999999999999", "")
