"""Word reports (.docx): real headings, heading rows that repeat on every page, A4, page
numbers — and LibreOffice opens them without repair (converted headless, read back)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from ipscore import report
from ipscore.decide.pipeline import assess_paths

from .conftest import ROOT, SCENARIOS
from .test_report import need


def _document(content: str | bytes) -> Document:
    assert isinstance(content, bytes)
    return Document(io.BytesIO(content))


def test_a_city_report_in_word_has_headings_repeating_heads_a4_and_page_numbers():
    (wuhan,) = assess_paths([SCENARIOS / "wuhan-2015.yaml"])
    doc = _document(
        report.city_report(wuhan, ".docx", signoff=report.SignOff("某省知识产权局", "张三"))
    )
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "武汉市 2015 · 示范城市年度评估报告"
    assert "结论" in headings and any(h.startswith("T4 ") for h in headings)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "补足后：98.6 优秀" in text and "还差1元" in text and "评估依据" in text
    section = doc.sections[0]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    footer = section.footer._element.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    # Every table's first row repeats on each page; the sign-off names the office.
    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in doc.tables)
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert {"某省知识产权局", "张三", "签字（盖章）"} <= cells


def test_libreoffice_opens_the_word_reports(tmp_path):
    soffice = need("soffice")
    out = tmp_path / "汇总.docx"
    env = {**os.environ, "IPSCORE_DB": str(tmp_path / "none.sqlite")}
    done = subprocess.run(
        [sys.executable, "-m", "ipscore", "report", str(SCENARIOS), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    city = tmp_path / "汇总-cities" / "wuhan-2015.docx"
    assert city.exists()
    converted = tmp_path / "pdf"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(converted),
            str(out),
            str(city),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    for name, expected in (
        ("汇总.pdf", ["分层排名", "T4.R2未达到", "武汉市"]),
        ("wuhan-2015.pdf", ["98.6", "不合格"]),
    ):
        pdf = converted / name
        assert pdf.exists(), f"LibreOffice did not convert {name}"
        text = subprocess.run(
            [need("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for words in expected:
            assert words in text.replace(" ", ""), (name, words)


def test_simulation_and_review_reports_in_word(tmp_path):
    env = {**os.environ, "IPSCORE_DB": str(tmp_path / "a.sqlite")}

    def run(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "ipscore", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
        )
        assert done.returncode == 0, done.stderr

    run("simulate", "scenarios/wuhan-thresholds.whatif.yaml", "-o", str(tmp_path / "s.docx"))
    doc = Document(str(tmp_path / "s.docx"))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "门槛降为增长15%" in cells and "98.6" in cells
    run("archive", "add", "scenarios/")
    run("review", "-o", str(tmp_path / "r.docx"))
    doc = Document(str(tmp_path / "r.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "不是官方规定" in text  # the review policy is stated as an interpretation
    assert any("武汉市" in c.text for t in doc.tables for r in t.rows for c in r.cells)
