"""What a person sees on page one: every colour pair of the reports' badges and verdict words
meets WCAG AA (4.5:1), and the grade word on the printed page is legible — measured on the
rasterised PDF, not read from the HTML."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from ipscore import report
from ipscore.decide.pipeline import assess_paths
from ipscore.report import chromium

from .conftest import ROOT, SCENARIOS
from .test_report import need

CSS = (ROOT / "templates" / "report.css").read_text(encoding="utf-8")
PAGE, TEXT = "#ffffff", "#1a1a1a"  # the page and body text colours (report.css `html`)


def _rules() -> dict[str, dict[str, str]]:
    """Each simple selector's declarations (later rules override earlier ones)."""
    out: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", CSS):
        decls = dict(
            (k.strip(), v.strip())
            for k, _, v in (d.partition(":") for d in body.split(";"))
            if v.strip()
        )
        for selector in selectors.split(","):
            out.setdefault(selector.strip(), {}).update(decls)
    return out


def _luminance(colour: str | tuple[int, int, int]) -> float:
    if isinstance(colour, str):
        h = colour.lstrip("#")
        h = "".join(c * 2 for c in h) if len(h) == 3 else h
        colour = (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))
    linear = [
        c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4
        for c in colour
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str | tuple[int, int, int], b: str | tuple[int, int, int]) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula_matches_wcag_examples():
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#777", "#fff") == pytest.approx(4.48, abs=0.01)  # WCAG's famous near-miss


RULES = _rules()
GRADES = [s for s in RULES if s.startswith(".grade-")]
WORDS = [s for s in RULES if s.startswith((".status-", ".check-"))]
CELLS = [s for s in RULES if s.startswith(".cell-")]


@pytest.mark.parametrize("selector", GRADES)
def test_grade_badges_meet_aa(selector):
    rule = RULES[selector]
    text = rule.get("color", RULES[".grade"]["color"])
    assert contrast(text, rule["background"]) >= 4.5, (selector, text, rule["background"])


@pytest.mark.parametrize("selector", WORDS)
def test_verdict_and_check_words_meet_aa_on_the_page(selector):
    assert contrast(RULES[selector]["color"], PAGE) >= 4.5, selector


@pytest.mark.parametrize("selector", CELLS)
def test_grid_cells_meet_aa(selector):
    rule = RULES[selector]
    assert contrast(rule.get("color", TEXT), rule["background"]) >= 4.5, selector


def test_every_badge_and_word_is_tested():
    # Four grades, four verdicts, four check states, four grid cells: a new colour is tested too.
    assert (len(GRADES), len(WORDS), len(CELLS)) == (4, 8, 4)


def _word_box(pdf: Path, word: str) -> tuple[float, float, float, float, float, float]:
    """The first occurrence of `word` on page 1 (x0, y0, x1, y1 in points) and the page size."""
    html = subprocess.run(
        [need("pdftotext"), "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    width, height = map(
        float, re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html).groups()
    )
    for x0, y0, x1, y1, text in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
        html,
    ):
        if text == word:
            return float(x0), float(y0), float(x1), float(y1), width, height
    raise AssertionError(f"{word} not on page 1")


def _printed(html: str | bytes, engine: str) -> bytes:
    """A report's HTML as the engine prints it (a set of reports goes to Chromium when it is
    installed, one report to WeasyPrint): what a person holds is checked for both."""
    assert isinstance(html, str)
    if engine == "weasyprint":
        from ipscore.report.render import pdf

        return pdf(html)
    if chromium.find() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed")
        pytest.skip("chromium is not installed here (CI installs it)")
    with chromium.printing():
        return chromium.pdf(html)


@pytest.mark.parametrize("engine", ["weasyprint", "chromium"])
@pytest.mark.parametrize(
    ("scenario", "word"),
    [
        ("wuhan-2015.yaml", "不合格"),
        ("xiangtan-2015.yaml", "良好"),
        ("suzhou-2015.yaml", "优秀"),
        ("shenzhen-2015.yaml", "合格"),
    ],
)
def test_the_printed_grade_word_is_legible(tmp_path, scenario, word, engine):
    (a,) = assess_paths([SCENARIOS / scenario])
    pdf = tmp_path / "city.pdf"
    pdf.write_bytes(_printed(report.city_report(a, ".html"), engine))
    x0, y0, x1, y1, width, height = _word_box(pdf, word)
    subprocess.run(
        [
            need("pdftoppm"),
            "-png",
            "-r",
            "200",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    (png,) = tmp_path.glob("p*.png")
    page = Image.open(png).convert("RGB")
    sx, sy = page.width / width, page.height / height
    # The word's middle band (its box is the font's full height, which for Chromium's Type 3
    # glyphs reaches past the badge), and the badge's padding just left of the word (a Chinese
    # character is one em wide) for the colour behind it.
    em, middle = (x1 - x0) / len(word), (y0 + y1) / 2
    top, bottom = middle - em * 0.3, middle + em * 0.3
    badge = page.crop((int(x0 * sx), int(top * sy), int(x1 * sx) + 1, int(bottom * sy) + 1))
    colours = badge.getcolors(maxcolors=1_000_000)
    padding = page.crop(
        (int((x0 - em * 0.5) * sx), int(top * sy), int((x0 - em * 0.1) * sx), int(bottom * sy))
    )
    background = max(padding.getcolors(maxcolors=1_000_000))[1]  # the badge's own colour
    glyph = max((c for _, c in colours), key=lambda c: contrast(c, background))
    # The purest glyph pixel against its background: grey on red (the old bug) was about 1.1.
    assert background != (255, 255, 255), "the grade word is not on its badge"
    assert contrast(glyph, background) >= 4.5


@pytest.mark.parametrize("engine", ["weasyprint", "chromium"])
def test_every_cell_of_a_60_city_grid_reaches_paper(tmp_path, engine):
    """The requirement × city grid of a year's real size: every mark lies on a page (the grid
    used to run off the right edge after about 23 cities, silently)."""
    import dataclasses

    (base,) = assess_paths([SCENARIOS / "xiangtan-2015.yaml"])
    cities = [
        dataclasses.replace(base, city=f"示例市{i:02d}", source=f"c{i:02d}.yaml") for i in range(60)
    ]
    pdf = tmp_path / "cohort.pdf"
    pdf.write_bytes(_printed(report.cohort_report(cities, ".html", {}), engine))
    html = subprocess.run(
        [need("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    on_paper, off_paper = 0, []
    pages = re.findall(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', html, flags=re.S)
    for width, body in pages:
        for x1, text in re.findall(r'xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', body):
            if float(x1) > float(width):
                off_paper.append(text)
            elif text in ("✓", "✗", "?", "–"):
                on_paper += 1
    assert off_paper == []
    # The legend's four marks above each block: 60 cities as 3 blocks of 20, and 49
    # requirements as 2 of 25 and 24, one landscape page each.
    legend = 4 * 3 * 2
    assert on_paper == 60 * len(base.requirement_statuses()) + legend
