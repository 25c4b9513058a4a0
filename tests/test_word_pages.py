"""The cohort in Word is about as long as its PDF (issue 33: it was 40 pages against the PDF's
15): landscape, its tables' text at 9 pt, the verdict grid's requirement column wide enough
for a title on one line and each city's column narrow, as a mark needs."""

from __future__ import annotations

import dataclasses
import io
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm, Pt

from ipscore import report
from ipscore.decide.pipeline import assess_paths

from .conftest import SCENARIOS
from .test_report import need


def _pages(pdf: Path) -> int:
    info = subprocess.run([need("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True)
    return int(next(ln for ln in info.stdout.splitlines() if ln.startswith("Pages:")).split()[1])


def _sixty() -> list:
    """Sixty cities, a year's real size: the shipped 2015 cities again under other names."""
    shipped = assess_paths([SCENARIOS])
    return [
        dataclasses.replace(shipped[i % 9], city=f"示例市{i:02d}", source=f"c{i:02d}.yaml")
        for i in range(60)
    ]


def test_the_cohort_in_word_runs_to_at_most_half_as_many_pages_again_as_its_pdf(tmp_path):
    """The shipped cohort: Word through LibreOffice 6 pages, WeasyPrint 5 (sixty cities, run
    by hand: 16 against 14)."""
    soffice = need("soffice")
    cities = assess_paths([SCENARIOS])
    pdf, word = tmp_path / "cohort.pdf", tmp_path / "cohort.docx"
    pdf.write_bytes(bytes(report.cohort_report(cities, ".pdf", {})))
    word.write_bytes(bytes(report.cohort_report(cities, ".docx", {})))
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "word"), str(word)],
        capture_output=True, timeout=180, check=True,
    )  # fmt: skip
    printed, from_word = _pages(pdf), _pages(tmp_path / "word" / "cohort.pdf")
    assert from_word <= 1.5 * printed, (from_word, printed)


def test_the_grid_in_word_gives_the_requirement_room_and_each_city_a_marks_width():
    doc = Document(io.BytesIO(bytes(report.cohort_report(_sixty(), ".docx", {}))))
    grids = [t for t in doc.tables if t.rows[0].cells[0].text == "要求" and len(t.columns) > 4]
    # As the PDF: 20 cities a block, 49 requirements in two parts of 25 and 24 (3 × 2 blocks).
    assert len(grids) == 6
    widths = [[c.width / Mm(1) for c in t.columns] for t in grids]
    # With 达到率 (15 mm): 265 mm of text less 50 for the requirement, 200 mm for 20 cities,
    # 10 each; without it 215 mm, 10.75 each. 14 mm a city only where fewer cities leave room.
    assert widths[0] == pytest.approx([50.0, 15.0, *[10.0] * 20], abs=0.05)
    assert widths[2] == pytest.approx([50.0, *[10.75] * 20], abs=0.05)
    sizes = {r.font.size for t in doc.tables for row in t.rows for c in row.cells
             for p in c.paragraphs for r in p.runs}  # fmt: skip
    assert sizes == {Pt(9)}
