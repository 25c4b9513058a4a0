"""The official form (issue 33, part 3; GB/T 9704-2012 党政机关公文格式): `--official` with
`--org`, `--doc-number`, `--to` and `--tz` on the city and cohort reports, the review decision
and the published list, and the reviewers' official downloads on the web. Measured on the
printed page: A4, the text block 37 mm from the top, 28 mm from the left, 26 mm from the right
and 35 mm from the foot (±2 mm on the page rasterised at 72 dpi), "— 1 —" page numbers whose
dashes sit 7 mm under the text block, odd pages right and even pages left; the 成文日期 in
Chinese form on the office's day; the fonts by the standard's names, their fallbacks listed by
`pdffonts`; no tool's line at the top of a page. Word: the section's margins, the styles'
fonts, the red head, the folios."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image

from ipscore.report.official import date_text, doc_number, local_day

from .conftest import ROOT, SCENARIOS
from .test_report import need

WUHAN = SCENARIOS / "wuhan-2015.yaml"
ORG = "湖北省知识产权局"
# 2016-01-10T20:00:00Z: still the 10th in London, already the 11th in Beijing.
EPOCH = "1452456000"
MM = 25.4 / 72  # a pixel at 72 dpi, in mm


def _run(*args: str, tz: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("IPSCORE_TZ", "IPSCORE_ORG")}
    env["SOURCE_DATE_EPOCH"] = EPOCH
    if tz:
        env["IPSCORE_TZ"] = tz
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args], capture_output=True, text=True, cwd=ROOT, env=env
    )


def _official(*args: str) -> list[str]:
    return [*args, "--official", "--org", ORG, "--doc-number", "鄂知[2016]3号",
            "--to", "武汉市知识产权局："]  # fmt: skip


def _text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return subprocess.run(
        [need("pdftotext"), *pages, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pages(pdf: Path, folder: Path) -> list[np.ndarray]:
    """Each page rasterised at 72 dpi: True where there is ink."""
    folder.mkdir(exist_ok=True)
    subprocess.run([need("pdftoppm"), "-r", "72", "-gray", "-png", str(pdf), str(folder / "p")],
                   check=True)  # fmt: skip
    return [np.asarray(Image.open(p).convert("L")) < 200 for p in sorted(folder.glob("p-*.png"))]


def _edges(ink: np.ndarray) -> dict[str, float]:
    """The text block's edges in mm from the page's edges (the folio, in the bottom margin
    under the text block, apart) and the height of the folio's dashes above the page's foot."""
    height, width = ink.shape
    folio_zone = int((297 - 35 + 3) / MM)  # 3 mm under the text block
    rows = np.where(ink[:folio_zone].any(1))[0]
    cols = np.where(ink[:folio_zone].any(0))[0]
    folio = ink[folio_zone:]
    dashes = folio_zone + int(np.argmax(folio.sum(1)))  # the row the dashes draw across
    return {
        "top": rows[0] * MM,
        "bottom": (height - 1 - rows[-1]) * MM,
        "left": cols[0] * MM,
        "right": (width - 1 - cols[-1]) * MM,
        "dashes": (height - 1 - dashes) * MM,
        "folio_left": np.where(folio.any(0))[0][0] * MM,
    }


def test_a_doc_number_takes_its_year_in_the_standards_brackets():
    assert doc_number("皖知[2016]3号") == "皖知〔2016〕3号"
    assert doc_number(" 皖知(2016)3号") == "皖知〔2016〕3号"
    assert doc_number("皖知（2016）3号") == "皖知〔2016〕3号"
    assert doc_number("皖知〔2016〕3号") == "皖知〔2016〕3号"


def test_the_date_is_the_offices_day_in_chinese_form():
    moment = "2016-01-10T20:00:00Z"
    assert date_text(local_day(moment)) == "2016年1月11日"  # Beijing: already the 11th
    assert date_text(local_day(moment, "Europe/London")) == "2016年1月10日"
    assert date_text(local_day(moment), "en") == "11 January 2016"
    assert date_text(local_day(None)) == "　　　　年　　月　　日"  # --no-timestamp: by hand


def test_bad_official_options_are_one_message_each(tmp_path):
    out = str(tmp_path / "x.pdf")
    db = str(tmp_path / "a.sqlite")
    bad = _run("report", str(WUHAN), "-o", out, "--db", db, *_official("--tz", "Mars/Olympus"))
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "错误：\n字段 --tz：不认识的时区“Mars/Olympus”：请写时区名，如 Asia/Shanghai、Asia/Urumqi"
    ), bad.stderr
    english = _run("report", str(WUHAN), "-o", out, "--db", db, "--lang", "en", "--tz", "Nowhere")
    assert english.returncode == 2
    assert "unknown time zone “Nowhere”: give its name, such as Asia/Shanghai" in english.stderr
    alone = _run("report", str(WUHAN), "-o", out, "--db", db, "--doc-number", "鄂知〔2016〕3号")
    assert alone.returncode == 2
    assert "--doc-number 只用于公文格式，请同时写 --official" in alone.stderr
    nobody = _run("publish", "--year", "2015", "-o", out, "--db", db, "--official")
    assert nobody.returncode == 2
    assert "公文格式要有发文机关：请用 --org 写明（也可设 IPSCORE_ORG）" in nobody.stderr
    # GB/T 9704 lays out a page: Markdown, Excel and the terminal have no official form, and
    # saying so beats a plain document the office takes for the official one.
    markdown = str(tmp_path / "x.md")
    plain = _run("report", str(WUHAN), "-o", markdown, "--db", db, "--official", "--org", "某局")
    assert plain.returncode == 2 and not Path(markdown).exists()
    assert "公文格式只用于 .pdf、.html、.docx，.md 没有公文格式" in plain.stderr
    table = _run("review", "--db", db, "--official", "--org", "某局")
    assert "公文格式只用于 .pdf、.html、.docx，终端和 JSON 没有公文格式" in table.stderr
    assert not Path(out).exists() and "Traceback" not in bad.stderr + alone.stderr


ENGINES = ("weasyprint", "chromium")


@pytest.mark.parametrize("engine", ENGINES)
def test_an_official_city_report_keeps_the_standards_page(tmp_path, engine):
    if engine == "chromium":
        from ipscore.report import chromium

        if chromium.find() is None:
            if os.environ.get("CI"):
                pytest.fail("chromium is not installed")
            pytest.skip("chromium is not installed here (CI installs it)")
    out = tmp_path / "武汉.pdf"
    done = _run("report", str(WUHAN), "-o", str(out), "--db", str(tmp_path / "a.sqlite"),
                "--pdf-engine", engine, *_official())  # fmt: skip
    assert done.returncode == 0, done.stderr
    info = subprocess.run([need("pdfinfo"), str(out)], capture_output=True, text=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size, info
    width, height = (float(v) * 25.4 / 72 for v in size.groups())
    assert abs(width - 210) < 0.5 and abs(height - 297) < 0.5, info  # A4

    pages = [_edges(ink) for ink in _pages(out, tmp_path / "pages")]
    assert len(pages) > 4
    body = pages[1:-1]  # page one starts under the red head; the last may be short
    # A page whose table runs on from the page before: its border on the block's top edge.
    assert any(abs(p["top"] - 37) <= 2 for p in body), [p["top"] for p in body]
    assert all(p["top"] >= 35 for p in pages)
    for p in pages:  # nothing in the side margins (a page of a list may start further in)
        assert p["left"] >= 26 and p["right"] >= 24, p
    assert sum(abs(p["left"] - 28) <= 2 for p in body) >= len(body) - 2, body
    assert any(abs(p["right"] - 26) <= 2 for p in body)  # a table the block's width
    # Nothing runs into the foot's margin; a box broken at a page's foot meets it.
    assert all(p["bottom"] >= 33 for p in pages), [p["bottom"] for p in pages]
    assert min(p["bottom"] for p in pages) <= 37, [p["bottom"] for p in pages]
    # "— 1 —": its dashes 7 mm under the text block (35 − 7 = 28 mm above the page's foot),
    # at the right on odd pages and the left on even ones.
    for n, p in enumerate(pages, 1):
        assert abs(p["dashes"] - 28) <= 2, (n, p)
        assert (p["folio_left"] > 105) == (n % 2 == 1), (n, p)

    text = _text(out)
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)
    first = _text(out, 1, 1)
    assert first.index(ORG) < first.index("鄂知〔2016〕3号") < first.index("武汉市知识产权局：")
    assert "UTC" not in first and "ipscore" not in first  # no tool's line over the page
    last = _text(out, len(pages), len(pages))
    assert "ipscore 0.1.0" in last and "2016-01-10T20:00:00Z" in last  # the 附注
    assert "2016年1月11日" in re.sub(r"\s+", "", text)

    fonts = subprocess.run([need("pdffonts"), str(out)], capture_output=True, text=True).stdout
    if engine == "weasyprint":  # Chromium draws CJK glyphs as Type 3, without their names
        assert "Noto-Serif-CJK-SC" in fonts  # 小标宋 and 仿宋 by their fallback
        assert "Noto-Sans-CJK-SC" in fonts  # 黑体
        if "AR PL UKai CN" in subprocess.run(["fc-list"], capture_output=True, text=True).stdout:
            assert "AR-PL-UKai-CN" in fonts  # 楷体


def test_the_review_the_published_list_and_the_cohort_in_official_form(tmp_path):
    db = str(tmp_path / "a.sqlite")
    assert _run("archive", "add", "scenarios/", "--db", db).returncode == 0
    listed = tmp_path / "公布.pdf"
    done = _run("publish", "--year", "2015", "--score", "declared", "-o", str(listed), "--db", db,
                "--official", "--org", "国家知识产权局",
                "--doc-number", "国知发管字(2016)6号")  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = re.sub(r"\s+", "", _text(listed))
    assert "国家知识产权局国知发管字〔2016〕6号" in text and "国家知识产权局2016年1月11日" in text
    word = tmp_path / "公布.docx"  # the list in Word too, its sign-off block as in the PDF
    done = _run("publish", "--year", "2015", "--score", "declared", "-o", str(word), "--db", db,
                "--org", "国家知识产权局", "--reviewer", "张三")  # fmt: skip
    assert done.returncode == 0, done.stderr
    cells = [[c.text for c in r.cells] for r in Document(str(word)).tables[-1].rows]
    assert cells == [["公布单位", "国家知识产权局", "审核人", "张三"],
                     ["签字（盖章）", "", "日期", "2016-01-11"]]  # fmt: skip
    reviewed = tmp_path / "复核.docx"
    done = _run("review", "--years", "2013-2015", "-o", str(reviewed), "--db", db,
                *_official(), tz="Europe/London")  # fmt: skip
    assert done.returncode == 0, done.stderr
    words = [p.text for p in Document(str(reviewed)).paragraphs]
    assert words[:2] == [ORG, "鄂知〔2016〕3号"] and words[3] == "武汉市知识产权局："
    assert words[-3:-1] == [ORG, "2016年1月10日"]  # in London it is still the 10th
    # The review names its basis by the plan's title, never by the pack's file of its text.
    basis = "依据：国家知识产权局《2015年国家知识产权示范城市工作计划》及通知 四（一）：每年年初"
    assert any(w.startswith(basis) for w in words), words
    cohort = tmp_path / "汇总.pdf"
    done = _run("report", "scenarios/", "-o", str(cohort), "--db", db, "--pdf-engine",
                "weasyprint", *_official())  # fmt: skip
    assert done.returncode == 0, done.stderr
    pages = [_edges(ink) for ink in _pages(cohort, tmp_path / "cohort")]
    assert all(p["left"] >= 26 and p["top"] >= 35 and p["bottom"] >= 33 for p in pages)
    assert any(abs(p["left"] - 28) <= 2 and abs(p["right"] - 26) <= 2 for p in pages[1:-1])


def test_an_official_word_document_has_the_standards_section_styles_and_folios(tmp_path):
    out = tmp_path / "武汉.docx"
    done = _run("report", str(WUHAN), "-o", str(out), "--db", str(tmp_path / "a.sqlite"),
                *_official())  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = Document(str(out))
    section = doc.sections[0]
    margins = [round(m.mm, 1) for m in (section.top_margin, section.bottom_margin,
                                         section.left_margin, section.right_margin)]  # fmt: skip
    assert margins == [37.0, 35.0, 28.0, 26.0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)

    def fonts(name: str) -> tuple[str | None, float | None, object]:
        style = doc.styles[name]
        east = style.element.rPr.rFonts.get(qn("w:eastAsia"))
        return east, style.font.size.pt if style.font.size else None, style.font.color.rgb

    black = doc.styles["Normal"].font.color.rgb
    assert fonts("Normal") == ("仿宋_GB2312", 16.0, black)
    assert fonts("Title") == ("方正小标宋简体", 22.0, black)
    assert fonts("Heading 1") == ("黑体", 16.0, black)
    assert fonts("Heading 2") == ("楷体_GB2312", 16.0, black)
    assert str(black) == "000000"
    paragraphs = doc.paragraphs
    assert [p.text for p in paragraphs[:4]] == [
        ORG, "鄂知〔2016〕3号", "武汉市 2015 · 示范城市年度评估报告", "武汉市知识产权局："
    ]  # fmt: skip
    assert paragraphs[0].runs[0].font.color.rgb is not None
    assert str(paragraphs[0].runs[0].font.color.rgb) == "CC0000"
    assert "2016年1月11日" in [p.text for p in paragraphs]
    assert doc.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert 'w:instr="PAGE"' in xml and footer.paragraphs[0].text.startswith("— ")
    assert not any(t.rows[0].cells[0].text == "评估单位" for t in doc.tables)  # the seal instead


def test_the_ordinary_sign_off_is_dated_on_the_offices_day(tmp_path):
    out = tmp_path / "武汉.html"
    done = _run("report", str(WUHAN), "-o", str(out), "--db", str(tmp_path / "a.sqlite"))
    assert done.returncode == 0, done.stderr
    assert "<td>2016-01-11</td>" in out.read_text(encoding="utf-8")
    done = _run("report", str(WUHAN), "-o", str(out), "--db", str(tmp_path / "a.sqlite"),
                tz="UTC")  # fmt: skip
    assert "<td>2016-01-10</td>" in out.read_text(encoding="utf-8")


def test_the_reviewers_official_downloads_on_the_web(tmp_path):
    pytest.importorskip("starlette")
    from starlette.testclient import TestClient

    from ipscore.web.app import create_app
    from ipscore.web.pages import Settings

    from .test_web import _batch, _zip

    def client(org: str | None, name: str) -> TestClient:
        settings = Settings(tmp_path / name, db=f"sqlite:///{tmp_path / name}.db", org=org)
        return TestClient(create_app(settings))

    cities = {p.name: p.read_bytes() for p in sorted(SCENARIOS.glob("*-2015.yaml"))[:2]}
    served = client(ORG, "with")
    done = _batch(served, [("cities.zip", _zip(cities))])
    batch = done.headers["location"]
    page = served.get(batch).text
    assert f"{batch}/download/cohort-official.pdf" in page and f"发文机关：{ORG}" in page
    made = served.get(f"{batch}/download/cohort-official.docx")
    assert made.status_code == 200
    doc = Document(io.BytesIO(made.content))
    assert doc.paragraphs[0].text == ORG and round(doc.sections[0].top_margin.mm) == 37
    listed = served.get(f"{batch}/download/published-declared-official.pdf")
    assert listed.status_code == 200 and listed.content.startswith(b"%PDF")
    plain = client(None, "without")
    done = _batch(plain, [("cities.zip", _zip(cities))])
    assert "cohort-official" not in plain.get(done.headers["location"]).text
    refused = plain.get(f"{done.headers['location']}/download/cohort-official.pdf")
    assert refused.status_code == 403
