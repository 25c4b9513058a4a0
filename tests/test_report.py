"""Reports rendered from every shipped scenario, in every format, checked for their content,
and looked at as pictures (a PDF page and a browser screenshot must not be blank)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import UndefinedError
from openpyxl import load_workbook
from PIL import Image

from ipscore import assess_paths, find_pack, report, tables
from ipscore.intake import submission_files
from ipscore.report import context
from ipscore.report.render import render
from ipscore.submission import parse_submission

from .conftest import ROOT, SCENARIOS

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
    for suffix in (".html", ".md"):
        text = report.city_report(a, suffix)
        assert "<script>alert" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_missing_template_value_fails_loudly():
    with pytest.raises(UndefinedError):
        render("city.html.j2", {"t": context.TEXT["zh"], "lang": "zh"})


def test_self_check_orders_by_effect_on_the_grade():
    wuhan = context.city(_result(SCENARIOS / "wuhan-2015.yaml"), mode="self-check")
    # T4.R2 keeps a mandatory task incomplete, so it comes before T7.R6 whatever the points.
    assert [(i["id"], i["blocks"], i["points"]) for i in wuhan["todo"]] == [
        ("T4.R2", True, "4.4"),
        ("T7.R6", False, "1.4"),
    ]
    xiangtan = context.city(_result(SCENARIOS / "xiangtan-2015.yaml"), mode="self-check")
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
    ctx = context.cohort(find_pack("cnipa-2015-demo-city"), list(ALL.values()), {})
    assert ctx["most_unmet"][0]["id"] == "T7.R5" and ctx["most_unmet"][0]["count"] == 4
    assert [g["count"] for g in ctx["distribution"]] == [2, 2, 1, 4]
    prefecture = next(t for t in ctx["tiers"] if t["name"] == "地级")
    assert [(r["rank"], r["city"]) for r in prefecture["rows"]] == [
        (1, "苏州市"),
        (2, "佛山市"),
        (2, "郑州市"),
        (4, "湘潭市"),
    ]


def test_cohort_markdown_and_pdf(tmp_path):
    md = report.cohort_report(list(ALL.values()), ".md", {})
    assert "| **T7.R5**" in md and "北京市朝阳区" in md
    pdf = report.cohort_report(list(ALL.values()), ".pdf", {})
    assert pdf.startswith(b"%PDF")


def test_score_sheet(tmp_path):
    out = tmp_path / "scores.xlsx"
    out.write_bytes(report.score_sheet(find_pack("cnipa-2015-demo-city"), list(ALL.values())))
    sheet = load_workbook(out).active
    assert sheet.freeze_panes == "B2"
    head = [c.value for c in sheet[1]]
    assert head[:8] == ["城市", "省份", "层级", "批次", "得分", "等级", "必做任务", "名次"]
    assert head[8] == "T1 任务" and head[-1] == "T9.R9"
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 9
    assert rows["苏州市"][4:8] == (100.0, "优秀", "全部完成", 1)
    assert rows["北京市朝阳区"][head.index("T5.R4")] == "缺报"


def test_cli_report_and_xlsx(tmp_path):
    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "ipscore", *args], capture_output=True, text=True, cwd=ROOT
        )

    done = run("report", "scenarios/xiangtan-2015.yaml", "-o", str(tmp_path / "湘潭.html"))
    assert done.returncode == 0 and (tmp_path / "湘潭.html").is_file()
    done = run("report", "scenarios/xiangtan-2015.yaml", "-o", str(tmp_path / "x.docx"))
    assert done.returncode == 2 and "不支持的输出格式 .docx" in done.stderr
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
    ctx = context.city(a)
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
    assert {t["mandatory"] for t in context.city(a)["tasks"]} == {"—"}
    assert "不分必做选做" in str(report.city_report(a, ".html"))
    text = tables.as_text(tables.for_assessments([a], True, "zh"))
    assert "不分必做选做" in text and "选做 ·" not in text and "必做 ·" not in text


def test_a_note_shared_by_many_files_is_shown_once():
    # Sixty example cities filled the cohort report's first page with sixty identical notes.
    assessments = assess_paths([SCENARIOS])
    md = report.cohort_report(assessments, ".md", {}, "zh")
    assert "> - 9个文件：示例数据，非官方统计：仅用于演示和测试" in md
    assert md.count("示例数据，非官方统计") == 1 + sum(1 for _ in assessments)  # banner + appendix
