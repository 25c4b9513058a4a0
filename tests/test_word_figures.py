"""The charts of the HTML reports in Word too (issue 33): a city's task chart, each tier's spread
of scores, a radar per city in the strength evaluation, as PNG pictures within the text's
width, each with a numbered black caption under it and kept on its page; the same chart gives
the same bytes. The strength evaluation's radar stands beside its indicators, as in the HTML."""

from __future__ import annotations

import io
import struct

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.text.paragraph import Paragraph

from ipscore import report
from ipscore.decide.pipeline import assess_paths
from ipscore.report import charts, docximages
from ipscore.strength import evaluation

from .conftest import ROOT, SCENARIOS

SPREAD = "得分分布（每5分一档，颜色为等级）"


def _doc(content: str | bytes) -> Document:
    assert isinstance(content, bytes)
    return Document(io.BytesIO(content))


def _captions(doc: Document) -> list[str]:
    """The captions in order, in the text or in a table's cell."""
    found = (Paragraph(p, doc._body) for p in doc.element.body.iter(qn("w:p")))
    return [p.text for p in found if p.style.name == "Caption"]


def _widths(doc: Document) -> list[float]:
    return [round(shape.width / Mm(1), 1) for shape in doc.inline_shapes]


def test_a_city_report_in_word_shows_the_task_chart_above_the_tasks():
    (wuhan,) = assess_paths([SCENARIOS / "wuhan-2015.yaml"])
    doc = _doc(report.city_report(wuhan, ".docx"))
    assert _captions(doc) == ["图1　各项任务完成比例"]
    assert _widths(doc) == [140.0]  # within the 178 mm between an A4 page's margins
    texts = [p.text for p in doc.paragraphs]
    at = texts.index("图1　各项任务完成比例")
    picture, caption, note = doc.paragraphs[at - 1 : at + 2]
    assert picture.text == "" and picture._p.xpath(".//pic:pic")
    assert picture.paragraph_format.keep_with_next and caption.paragraph_format.keep_with_next
    assert note.text == "带 * 的为必做任务；绿色为完成，红色为未完成，橙色为数据不全。"
    assert texts[at - 2] == "各项任务完成比例"  # its heading, as in the HTML
    assert texts[at + 2].startswith("T1 ")  # then the tasks
    assert str(doc.styles["Caption"].font.color.rgb) == "000000"  # Word's own is blue


def test_a_task_shown_as_a_dash_is_drawn_as_no_bar():
    assert docximages._fraction("71%") == 0.71
    assert docximages._fraction("—") is None


def test_the_cohort_in_word_shows_each_tiers_spread_of_scores_under_its_heading():
    doc = _doc(report.cohort_report(assess_paths([SCENARIOS]), ".docx", {}))
    tiers = ["副省级", "地级", "县级市", "直辖市所辖区"]
    assert _captions(doc) == [f"图{n}　{tier} · {SPREAD}" for n, tier in enumerate(tiers, 1)]
    assert _widths(doc) == [120.0] * 4
    texts = [p.text for p in doc.paragraphs]
    first = texts.index(f"图1　副省级 · {SPREAD}")
    assert texts[first - 2] == "副省级"
    assert texts[first + 1] == "■优秀　■良好　■合格　■不合格　"  # each ■ in its grade's colour


def test_the_strength_evaluation_in_word_has_a_radar_for_every_ranked_city():
    result = evaluation.evaluate([ROOT / "scenarios" / "strength-2015"])
    doc = _doc(report.strength_report(result, ".docx"))
    captions = _captions(doc)
    assert len(captions) == 9  # ten cities, 湘潭市 left out by its data check
    assert captions[0] == "图1　深圳市各维度得分（0–100）"
    assert "图9　北京市朝阳区各维度得分（0–100）" in captions
    assert _widths(doc) == [60.0] * 9
    # Each beside its indicators, as the HTML's card: a row of two cells that never splits.
    first = "图1　深圳市各维度得分（0–100）"
    card = next(t for t in doc.tables if first in t.rows[0].cells[0].text)
    radar, indicators = card.rows[0].cells
    assert radar._tc.xpath(".//pic:pic")
    assert [c.text for c in indicators.tables[0].rows[0].cells] == ["指标", "数值", "标准化值"]
    assert card.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None


def _chunks(png: bytes) -> dict[bytes, bytes]:
    """A PNG's chunks by type (the last of each)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    found, at = {}, 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        found[png[at + 4 : at + 8]] = png[at + 8 : at + 8 + length]
        at += 12 + length
    return found


def test_a_chart_is_printed_at_200_dpi_with_nothing_of_the_machine_and_the_same_bytes_twice():
    bars = [("T1 *", 1.0, "complete"), ("T2", None, "insufficient_data"), ("T3", 0.5, "incomplete")]
    png = charts.task_fractions_png(bars)
    assert png == charts.task_fractions_png(bars)
    chunks = _chunks(png)
    assert b"tEXt" not in chunks and b"iTXt" not in chunks and b"tIME" not in chunks
    per_metre = struct.unpack(">IIB", chunks[b"pHYs"])
    assert per_metre == (7874, 7874, 1)  # 200 dots an inch
    radar = charts.radar_png(["甲", "乙", "丙"], [100, 50, None], [50, 50, 50])
    assert radar == charts.radar_png(["甲", "乙", "丙"], [100, 50, None], [50, 50, 50])
    assert b"tEXt" not in _chunks(radar)


def test_every_part_of_a_word_file_is_dated_when_the_report_was_produced():
    """Not when it was written: two runs with SOURCE_DATE_EPOCH (or --no-timestamp) give the
    same bytes, pictures and all."""
    import zipfile

    (wuhan,) = assess_paths([SCENARIOS / "wuhan-2015.yaml"])
    for produced, stamp in (
        ("2015-11-11T00:00:00Z", (2015, 11, 11, 0, 0, 0)),
        (None, (1980, 1, 1, 0, 0, 0)),  # the earliest date a zip can hold
    ):
        content = bytes(report.city_report(wuhan, ".docx", produced_at=produced))
        parts = zipfile.ZipFile(io.BytesIO(content)).infolist()
        assert "word/media/image1.png" in [p.filename for p in parts]
        assert {p.date_time for p in parts} == {stamp}
