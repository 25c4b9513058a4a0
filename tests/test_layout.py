"""Issue 33, layout: no heading alone at the foot of a page in any document the tool prints;
the cohort in landscape with a page for each block of its grid and its hashes in one compact
appendix; the strength report's page numbers on one line; 第一批, field names, the review's
basis by its title and a 文号 in 〔〕.

Every kind of document (a city's report, a points sheet city's, the cohort, the three-year
review, the published list, the strength evaluation, a what-if comparison) is printed, and on
each page the last line of the body is read back from the PDF and compared with the headings
of the HTML it was printed from.

How the last line is found, robustly: `pdftotext -bbox-layout` gives every text line with its
box. Lines in the page's margins are the running header and footer (page number, title,
provenance line), so only lines inside the @page margins of report.css count. A table row is
several lines (one per cell) at the same height, so the last row is every line whose bottom
lies within a few points of the lowest one, joined left to right. A heading is any h1–h4 or
caption of the HTML, spaces removed; the last row is a stranded heading when it is one, or
when it ends one that wrapped (the row above is the heading's start). The checker itself is
tested on a page made to strand a heading.
"""

from __future__ import annotations

import html as entities
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_legibility import _printed as printed
from .test_report import need

CSS = (ROOT / "templates" / "report.css").read_text(encoding="utf-8")
# The page's top and bottom margins (mm), as report.css sets them for every report.
TOP, BOTTOM = (
    float(m)
    for m in re.search(r"@page \{[^}]*?margin: ([\d.]+)mm [\d.]+mm ([\d.]+)mm", CSS, re.S).groups()
)
ROW = 4.0  # points: lines whose bottoms lie this close are one row (a table's cells)


def headings(html: str) -> set[str]:
    """The text of every h1–h4 and table caption, spaces removed."""
    found = set()
    for m in re.finditer(r"<(h[1-4]|caption)\b[^>]*>(.*?)</\1>", html, re.S):
        text = re.sub(r"\s+", "", entities.unescape(re.sub(r"<[^>]+>", "", m.group(2))))
        if text:
            found.add(text)
    return found


def last_rows(pdf: Path) -> list[tuple[str, str]]:
    """Each page's last row of body text and the row above it, spaces removed."""
    layout = subprocess.run(
        [need("pdftotext"), "-bbox-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = []
    for height, body in re.findall(
        r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', layout, re.S
    ):
        top, bottom = TOP * 72 / 25.4, float(height) - BOTTOM * 72 / 25.4
        lines = [
            (float(y1), float(x0), "".join(re.findall(r">([^<]*)</word>", words)))
            for x0, y0, y1, words in re.findall(
                r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</line>',
                body,
                re.S,
            )
            if float(y0) >= top and float(y1) <= bottom
        ]
        rows: list[tuple[float, str]] = []
        for y1, _, text in sorted(lines):
            if rows and y1 - rows[-1][0] <= ROW:
                rows[-1] = (rows[-1][0], rows[-1][1] + text)
            else:
                rows.append((y1, text))
        texts = [re.sub(r"\s+", "", entities.unescape(t)) for _, t in rows]
        pages.append((texts[-1] if texts else "", texts[-2] if len(texts) > 1 else ""))
    return pages


def stranded(pdf: Path, html: str) -> list[str]:
    """The pages (as "page N: heading") whose body ends in a heading."""
    heads = headings(html)
    found = []
    for n, (last, above) in enumerate(last_rows(pdf), 1):
        if last in heads or (above + last) in heads:
            found.append(f"page {n}: {above + last if above + last in heads else last}")
    return found


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Each shipped kind of document as HTML, made by the commands a user types."""
    out = tmp_path_factory.mktemp("feet")
    env = {**os.environ, "IPSCORE_DB": str(out / "archive.sqlite")}

    def run(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "ipscore", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
        )
        assert done.returncode == 0, done.stderr

    run("report", "scenarios/wuhan-2015.yaml", "-o", str(out / "city.html"))
    harbin = "scenarios/harbin-2007-demo-city/harbin-2010-incomplete.yaml"
    run("report", harbin, "-o", str(out / "harbin.html"))
    run(
        "report",
        "scenarios/liuan-2017-advanced-unit/jinzhai-2017.yaml",
        "-o",
        str(out / "points.html"),
    )
    run("report", "scenarios/", "-o", str(out / "cohort.html"))
    run("simulate", "scenarios/wuhan-thresholds.whatif.yaml", "-o", str(out / "simulate.html"))
    run("strength", "scenarios/strength-2015", "-o", str(out / "strength.html"))
    run("archive", "add", "scenarios/", "scenarios/earlier-years/", "--by", "测试")
    run("review", "-o", str(out / "review.html"))
    run("publish", "--year", "2015", "--score", "declared", "-o", str(out / "publish.html"))
    return {p.stem: p.read_text(encoding="utf-8") for p in out.glob("*.html")}


KINDS = ["city", "points", "cohort", "review", "publish", "strength", "simulate"]


def pages_text(pdf: Path) -> list[str]:
    """Each page's text as pdftotext lays it out."""
    text = subprocess.run(
        [need("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def page_sizes(pdf: Path) -> set[tuple[int, int]]:
    """The sizes (points, rounded) of the PDF's pages."""
    info = subprocess.run(
        [need("pdfinfo"), "-f", "1", "-l", "999", str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        (round(float(w)), round(float(h)))
        for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+)", info)
    }


@pytest.mark.parametrize("engine", ["weasyprint", "chromium"])
@pytest.mark.parametrize("kind", KINDS)
def test_no_heading_is_alone_at_a_page_foot(documents, tmp_path, kind, engine):
    html = documents[kind]
    pdf = tmp_path / f"{kind}.pdf"
    pdf.write_bytes(printed(html, engine))
    assert stranded(pdf, html) == []


def test_the_checker_finds_a_stranded_heading(tmp_path):
    """A page made to end in a heading (a tall block before it, one that cannot follow it on
    the page after): the checker names it, so a pass above means something."""
    from ipscore.report.render import pdf

    html = (
        f"<html><head><style>{CSS} h2 {{ break-after: auto; }}</style></head><body>"
        '<div style="height: 225mm"></div><h2>孤立的标题</h2>'
        '<div style="height: 200mm; break-inside: avoid">正文</div></body></html>'
    )
    out = tmp_path / "strand.pdf"
    out.write_bytes(pdf(html))
    assert stranded(out, html) == ["page 1: 孤立的标题"]


@pytest.mark.parametrize("engine", ["weasyprint", "chromium"])
def test_the_strength_reports_page_numbers_stay_on_one_line(documents, tmp_path, engine):
    """Its long title in the corner squeezed the page number to "1 /⏎8" on every page."""
    pdf = tmp_path / "strength.pdf"
    pdf.write_bytes(printed(documents["strength"], engine))
    pages = pages_text(pdf)
    for n, page in enumerate(pages, 1):
        assert re.search(rf"\b{n} ?/ ?{len(pages)}\b", page), f"page {n}"


def test_the_cohort_prints_landscape_with_a_page_for_each_grid_block(documents, tmp_path):
    from ipscore.report.render import pdf

    html = documents["cohort"]
    out = tmp_path / "cohort.pdf"
    out.write_bytes(pdf(html))
    assert page_sizes(out) == {(842, 595)}  # A4 landscape
    # 49 requirements of nine cities: two blocks of 25 and 24 requirements, each on a page of
    # its own, both its first and its last requirement there.
    pages = [p.replace(" ", "") for p in pages_text(out)]
    for first, last in (("T1.R1", "T5.R2"), ("T5.R3", "T9.R9")):
        (page,) = [p for p in pages if f"要求{first}–{last}" in p]
        assert f"{first}" in page and f"{last}" in page
    # Batches as an office writes them; badges and short heads whole.
    assert "<td>第一批</td>" in html and "<td>第三批</td>" in html
    assert '<th class="nw">批次</th>' in html


def test_the_cohorts_hashes_are_one_compact_appendix(documents):
    html = documents["cohort"]
    appendix = html[html.index('<table class="hashes">') :]
    rows = re.findall(r"<tr>(.*?)</tr>", appendix[: appendix.index("</table>")], re.S)
    # Nine files, three to a row, each with its full SHA-256.
    assert len(rows) == 1 + 3
    assert len(re.findall(r"<code>[0-9a-f]{64}</code>", appendix)) == 9


def test_field_names_a_batch_and_a_doc_number_as_an_office_writes_them(documents):
    harbin = documents["harbin"]
    # Figures by their names (2009年专利申请量), never keys (patents.applications@2009).
    assert not re.search(r"[a-z_]+\.[a-z_]+@\d{4}", harbin)
    assert "<li>2009年专利申请量</li>" in harbin
    # The plan's 文号 is stored as 哈政办发[2007]11号; printed in 六角括号.
    assert "哈政办发〔2007〕11号" in harbin and "[2007]" not in harbin
    assert '<span class="label">批次</span>第一批' in documents["city"]  # Wuhan, batch 1


def test_the_review_names_its_basis_by_the_plans_title(documents):
    review = documents["review"]
    assert "依据：国家知识产权局《2015年国家知识产权示范城市工作计划》及通知 四（一）：" in review
    assert "003_4b9b" not in review
