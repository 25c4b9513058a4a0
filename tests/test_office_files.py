"""Word and Excel files an office opens and prints without edits (issue 33): a .docx with its
title, the office as author and the time it was produced, black headings in fonts Windows and
WPS have, rows that never split and heading rows that repeat; a score sheet whose summary
prints one page wide at 8 pt or more with the requirement matrix on a sheet of its own, scores
to the pack's decimals; a published list and a blank form set up to print."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from openpyxl import load_workbook

from ipscore import report
from ipscore.decide.pipeline import assess_paths
from ipscore.intake.formsheet import form
from ipscore.packs import find_pack

from .conftest import ROOT, SCENARIOS

WUHAN = SCENARIOS / "wuhan-2015.yaml"
ORG = "某省知识产权局"


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**base, **(env or {})},
    )


def test_a_word_report_has_its_title_the_office_as_author_and_the_time_it_was_made(tmp_path):
    out = tmp_path / "武汉.docx"
    done = _run(
        "report", str(WUHAN), "-o", str(out), "--org", ORG, "--db", str(tmp_path / "a.sqlite"),
        env={"SOURCE_DATE_EPOCH": "1447200000"},  # 2015-11-11T00:00:00Z
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    props = Document(str(out)).core_properties
    assert props.title == "武汉市 2015 · 示范城市年度评估报告"
    assert (props.author, props.last_modified_by, props.comments) == (ORG, ORG, "")
    moment = dt.datetime(2015, 11, 11, tzinfo=dt.UTC)
    assert (props.created, props.modified) == (moment, moment)


def test_without_an_office_the_tool_is_the_author_and_without_a_time_there_is_none():
    (wuhan,) = assess_paths([WUHAN])
    props = Document(io.BytesIO(bytes(report.city_report(wuhan, ".docx")))).core_properties
    assert (props.author, props.last_modified_by, props.comments) == ("ipscore", "ipscore", "")
    assert (props.created, props.modified) == (None, None)  # --no-timestamp: none, not 2013
    sim = _run("simulate", "scenarios/wuhan-thresholds.whatif.yaml", "--no-timestamp")
    assert sim.returncode == 0, sim.stderr


def _fonts(style) -> dict[str, str]:
    fonts = style.element.rPr.rFonts
    return {k: fonts.get(qn(f"w:{k}")) for k in ("eastAsia", "ascii", "hAnsi")}


def test_word_headings_are_black_in_fonts_windows_and_wps_have_and_keep_with_what_follows():
    (wuhan,) = assess_paths([WUHAN])
    doc = Document(io.BytesIO(bytes(report.city_report(wuhan, ".docx"))))
    body = {"eastAsia": "宋体", "ascii": "Times New Roman", "hAnsi": "Times New Roman"}
    heading = {"eastAsia": "黑体", "ascii": "Arial", "hAnsi": "Arial"}
    assert _fonts(doc.styles["Normal"]) == body
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        style = doc.styles[name]
        assert _fonts(style) == heading, name
        assert str(style.font.color.rgb) == "000000", name
        assert style.element.rPr.color.get(qn("w:themeColor")) is None, name
        assert style.paragraph_format.keep_with_next, name
        # Word shows a heading's text through its linked character style: black too.
        assert str(doc.styles[f"{name} Char"].font.color.rgb) == "000000", name
    assert "Noto" not in doc.styles.element.xml


def test_word_table_rows_never_split_heading_rows_repeat_and_columns_are_set():
    assessments = assess_paths([SCENARIOS])
    doc = Document(io.BytesIO(bytes(report.cohort_report(assessments, ".docx", {}))))
    text_width = 297 - 2 * 16  # landscape A4 less the margins, mm
    for table in doc.tables:
        rows = [row._tr.trPr for row in table.rows]
        assert all(pr.find(qn("w:cantSplit")) is not None for pr in rows)
        assert rows[0].find(qn("w:tblHeader")) is not None
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        widths = [col.width / Mm(1) for col in table.columns]
        assert sum(widths) <= text_width + 0.5
    ranking = next(
        t for t in doc.tables if "北京市朝阳区" in [c.text for r in t.rows for c in r.cells]
    )
    head = [c.text for c in ranking.rows[0].cells]
    city = head.index("城市")
    # The longest name, 北京市朝阳区: six Chinese characters, each 3.7 mm at 10 pt, and the
    # cell's margins (5 mm): on one line, not wrapped a character a line.
    assert ranking.columns[city].width / Mm(1) >= 6 * 3.7 + 5


def test_the_score_sheets_summary_prints_one_page_wide_and_the_matrix_on_its_own_sheet():
    pack = find_pack("cnipa-2015-demo-city")
    book = load_workbook(io.BytesIO(report.score_sheet(pack, assess_paths([SCENARIOS]))))
    assert book.sheetnames == ["评估结果", "各项要求", "要求说明", "来源信息"]
    summary = book["评估结果"]
    setup = summary.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    # 9 headline columns and the 9 tasks, where 67 were squeezed onto one page.
    assert summary.max_column == 18
    # 150 character widths: at Calibri 11's 7 pixels a character and 5 pixels a column,
    # 1140 px = 301.6 mm, fitted to the 281.8 mm between margins of 0.3 inch: printed at 93%,
    # 11 pt text at 10.3 pt (LibreOffice with wider fonts: 8.4 pt, the last test).
    widths = [summary.column_dimensions[chr(ord("A") + i)].width for i in range(18)]
    assert sum(widths) == 150
    assert (summary.page_margins.left, summary.page_margins.right) == (0.3, 0.3)
    scores = [summary.cell(r, 5) for r in range(4, 13)]
    assert {c.number_format for c in scores} == {"0.0"}
    assert 100.0 in [c.value for c in scores]  # 苏州市, printed 100.0
    matrix = book["各项要求"]
    assert (matrix.print_title_rows, matrix.print_title_cols) == ("$1:$1", "$A:$A")
    assert not matrix.sheet_properties.pageSetUpPr or not (
        matrix.sheet_properties.pageSetUpPr.fitToPage
    )  # printed at full size, across as many pages as it takes
    assert matrix.max_column == 1 + len(list(pack.requirements()))
    origin = book["来源信息"]
    assert origin.page_setup.orientation == "portrait" and origin.page_setup.fitToWidth == 1
    assert origin.sheet_properties.pageSetUpPr.fitToPage
    assert origin["B4"].alignment.wrap_text  # 规则包版本: every value wraps within the page


def test_the_published_list_prints_on_one_page_wide_with_its_scores_decimals(tmp_path):
    db = str(tmp_path / "a.sqlite")
    assert _run("archive", "add", "scenarios/", "--db", db).returncode == 0
    out = tmp_path / "公布.xlsx"
    done = _run(
        "publish", "--year", "2015", "--with-scores", "--score", "declared", "-o", str(out),
        "--db", db, "--no-timestamp",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(out).active
    setup = sheet.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    rows = {r[1]: r for r in sheet.iter_rows(values_only=True) if r[1]}
    assert rows["城市"][4:6] == ("得分", "同级排名")
    suzhou = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == "苏州市")
    assert sheet.cell(suzhou, 5).value == 100.0
    assert sheet.cell(suzhou, 5).number_format == "0.0"  # prints 100.0, not 100


def test_the_blank_form_wraps_its_labels_whole_and_has_room_to_sign_and_seal():
    sheet = load_workbook(io.BytesIO(form(find_pack("cnipa-2015-demo-city"))))["填报表"]
    by_code = {sheet.cell(r, 6).value: r for r in range(1, sheet.max_row + 1)}
    level = by_code["city.level"]
    assert sheet.cell(level, 4).alignment.wrap_text
    # 填写说明 (52 wide): "填写：从下拉中选：副省级、地级、县级市、直辖市所辖区" is 27 Chinese
    # characters, 54 wide: two lines; "副省级、地级为“地级及以上”，明确执法人员的要求不同。" 25 and
    # two quotes, 52 wide: two lines. Four lines of 11 pt (15.4 pt) and 2 pt: 63.6 pt.
    assert sheet.row_dimensions[level].height == 63.6
    labels = {sheet.cell(r, 1).value: r for r in range(sheet.max_row - 3, sheet.max_row + 1)}
    heights = {k: sheet.row_dimensions[r].height for k, r in labels.items()}
    assert heights == {"填报单位（盖章）": 60, "填报人": 40, "联系电话": 24, "填报日期": 40}


def test_a_points_sheets_form_keeps_its_merged_items_whole():
    sheet = load_workbook(io.BytesIO(form(find_pack("liuan-2017-advanced-unit"))))["填报表"]
    for block in sheet.merged_cells.ranges:
        text = str(sheet.cell(block.min_row, block.min_col).value or "")
        # A block merged across columns wraps over all of them (the form's note, A3:H3).
        width = sum(
            sheet.column_dimensions[chr(ord("A") + c - 1)].width
            for c in range(block.min_col, block.max_col + 1)
        )
        wide = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
        rows = range(block.min_row, block.max_row + 1)
        tall = sum(sheet.row_dimensions[r].height or 15 for r in rows)
        assert tall >= -(-wide // (width - 0.5)) * 15.4, (block, text)


def _soffice_pdf(path: Path, tmp_path: Path) -> Path:
    """The workbook printed by LibreOffice Calc; skipped where it is not installed."""
    from .test_report import need

    soffice = need("soffice")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(path)],
        capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "pdf" / f"{path.stem}.pdf"
    if not pdf.exists():
        pytest.skip("LibreOffice has no Calc here (libreoffice-calc)")
    return pdf


def test_libreoffice_prints_the_summary_one_page_wide_at_8_pt_or_more(tmp_path):
    from .test_report import need

    out = tmp_path / "scores.xlsx"
    assert _run("assess", "scenarios/", "--format", "xlsx", "-o", str(out)).returncode == 0
    pdf = _soffice_pdf(out, tmp_path)
    boxes = subprocess.run(
        [need("pdftotext"), "-f", "1", "-l", "1", "-bbox", str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    box = r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)<'
    words = {m[2]: (float(m[0]), float(m[1])) for m in re.findall(box, boxes)}
    assert "T9" in words and "武汉市" in words  # the last task's column is on page one
    left, right = words["成都市"]
    assert (right - left) / 3 >= 8.0  # a Chinese character is one em wide: 8 pt or more
