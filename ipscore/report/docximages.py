"""Figures in the Word reports: the charts the HTML report draws as SVG, as PNG pictures
(`charts`) at the text's width with a numbered caption under each (图1 …), where the HTML shows
them: a city's task chart, each tier's spread of scores in the cohort, a radar per city in the
strength evaluation. A picture is kept on the page of its caption; captions are black."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from . import charts

# "图1　各项任务完成比例" / "Figure 1. Completion of each task"
NUMBERED = {"zh": "图{n}　{caption}", "en": "Figure {n}. {caption}"}
WORDS = {
    "zh": {"radar": "{city}各维度得分（0–100）"},
    "en": {"radar": "{city}: the dimensions (0–100)"},
}


class Figures:
    """The figures of one document, numbered in order; `width` is the text's width, mm."""

    def __init__(self, doc: Document, lang: str, width: float, fonts: tuple[str, str]):
        self.doc, self.lang, self.width, self.count = doc, lang, width, 0
        style = doc.styles["Caption"]
        style.font.color.rgb = RGBColor(0, 0, 0)  # Word's caption is blue, as its headings were
        style.font.size = Pt(9)
        rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        rfonts.set(qn("w:eastAsia"), fonts[0])
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            rfonts.set(qn(attr), fonts[1])
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def add(
        self,
        image: bytes,
        caption: str,
        width: float,
        note: Sequence[tuple[str, str | None]] = (),
        into: Any = None,
    ) -> None:
        """A picture `width` mm wide (no wider than the text), centred, its numbered caption
        under it and a note under that (what the colours mean: pieces of text, each in its
        colour or none), all on one page; `into` a table's cell, or the page."""
        self.count += 1
        where = into or self.doc
        empty = into is not None and len(into.paragraphs) == 1 and not into.paragraphs[0].text
        picture = into.paragraphs[0] if empty else where.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.keep_with_next = True
        picture.add_run().add_picture(io.BytesIO(image), width=Mm(min(width, self.width)))
        line = where.add_paragraph(
            NUMBERED[self.lang].format(n=self.count, caption=caption), style="Caption"
        )
        if note:
            line.paragraph_format.keep_with_next = True
            small = where.add_paragraph()
            small.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for text, colour in note:
                run = small.add_run(text)
                run.font.size = Pt(8)
                if colour:
                    run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())


def task_chart(figures: Figures, ctx: dict[str, Any]) -> None:
    """The city's task chart, as the HTML shows it above the tasks: a bar a task, mandatory
    tasks starred, the colours' meaning under the caption."""
    t = ctx["t"]
    bars = [(_label(task, t), _fraction(task["fraction"]), task["status"]) for task in ctx["tasks"]]
    note = (t["chart_star"] if ctx["has_mandatory"] else "") + t["chart_note"]
    figures.add(charts.task_fractions_png(bars), t["chart"], 140, [(note, None)])


def _label(task: dict[str, Any], t: dict[str, Any]) -> str:
    return f"{task['id']}{' *' if task['mandatory'] == t['mandatory_task'] else ''}"


def _fraction(shown: str) -> float | None:
    """A task's fraction as the report prints it ("67%", "—" when it cannot be worked out)."""
    return None if not shown.endswith("%") else float(shown[:-1]) / 100


def tier_chart(figures: Figures, ctx: dict[str, Any], tier: dict[str, Any]) -> None:
    """A tier's spread of scores, as the HTML shows it under the tier's heading, the grades'
    colours named under it."""
    t = ctx["t"]
    scores = [(float(row["score"]), row["grade"]) for row in tier["rows"]]
    grades = [g["code"] for g in ctx["distribution"]]
    caption = f"{tier['name']} · {t['spread']}" if tier["name"] else t["spread"]
    legend: list[tuple[str, str | None]] = []
    for g in ctx["distribution"]:
        legend += [("■", charts.GRADE_COLOURS.get(g["code"], "#78909c")), (f"{g['label']}　", None)]
    figures.add(charts.score_histogram_png(scores, grades), caption, 120, legend)


def radar(figures: Figures, ctx: dict[str, Any], city: dict[str, Any], into: Any = None) -> None:
    """A city's radar in the strength evaluation: the city against its tier's median, in
    the cell `into` beside its indicators."""
    png = charts.radar_png(ctx["dimension_names"], city["radar_values"], city["radar_median"])
    caption = WORDS[ctx["lang"]]["radar"].format(city=city["city"])
    figures.add(png, caption, 60, [(ctx["t"]["radar_note"], None)], into)
