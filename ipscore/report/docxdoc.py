"""The Word document every report is built in (`Doc`): A4 (or landscape), page numbers, the
document's title, the office as author and the time it was produced; black headings kept
with what follows, tables whose heading row repeats and whose rows never split, column widths
fitted to their text, and fonts Windows and WPS have by name: 宋体 and Times New Roman for
text, 黑体 and Arial for headings."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table

# Fonts by the names Windows and WPS install: (East Asian, Latin) for body text and headings.
BODY_FONTS = ("宋体", "Times New Roman")
HEADING_FONTS = ("黑体", "Arial")
BLACK = RGBColor(0, 0, 0)
# Who the document says wrote it where no office is named (`--org`).
TOOL = "ipscore"


class Doc:
    """A document under construction with the report's conventions; `ctx` gives its
    author (the office) and its time (`produced_at`)."""

    def __init__(self, ctx: dict[str, Any], landscape: bool = False):
        self.doc = Document()
        self.width = 297 - 32 if landscape else 210 - 32  # the text's width, mm
        self._properties(ctx)
        section = self.doc.sections[0]
        section.page_width, section.page_height = (
            (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        )
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Mm(16))
        section.top_margin, section.bottom_margin = Mm(16), Mm(18)
        for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
            style = self.doc.styles[name]
            heading = name != "Normal"
            _fonts(style.element.get_or_add_rPr(), *(HEADING_FONTS if heading else BODY_FONTS))
            if heading:
                style.font.color.rgb = BLACK
                style.paragraph_format.keep_with_next = True
                linked = self.doc.styles[f"{name} Char"]  # a heading's text as Word shows it
                linked.font.color.rgb = BLACK
                _fonts(linked.element.get_or_add_rPr(), *HEADING_FONTS)
                # Word's Title draws a blue rule under itself: an office's title has none.
                border = style.element.get_or_add_pPr().find(qn("w:pBdr"))
                if border is not None:
                    border.getparent().remove(border)
        self.doc.styles["Normal"].font.size = Pt(10)
        self._page_numbers(section)

    def _properties(self, ctx: dict[str, Any]) -> None:
        """Author and last editor the office (`--org`; the tool's name without one), no
        comment, created and modified when the report was produced; with no time
        (`--no-timestamp`) the document carries none, so that two runs are alike."""
        props = self.doc.core_properties
        org = ctx["office"]["org"] if "office" in ctx and ctx["office"]["org"] else TOOL
        props.author = props.last_modified_by = org
        props.comments = ""
        props.revision = 1
        when = ctx["provenance"].get("produced_at")
        self.when: str | None = when
        element = props._element
        if when:
            moment = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
            props.created = props.modified = moment
        else:
            for tag in ("dcterms:created", "dcterms:modified"):
                for found in element.findall(qn(tag)):
                    element.remove(found)

    def title(self, text: str) -> None:
        """The document's title, on the page and in its properties."""
        self.doc.add_heading(text, 0)
        self.doc.core_properties.title = text

    def _page_numbers(self, section: Any) -> None:
        """页码 “3 / 9” in the footer, as Word fields (Word and LibreOffice fill them in)."""
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = 1  # centred
        for kind in ("PAGE", None, "NUMPAGES"):
            if kind is None:
                paragraph.add_run(" / ")
                continue
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), kind)
            field.append(OxmlElement("w:r"))
            paragraph._p.append(field)

    def heading(self, text: str, level: int) -> None:
        self.doc.add_heading(text, level)

    def para(
        self,
        text: str = "",
        bold: bool = False,
        colour: str | None = None,
        size: float | None = None,
    ) -> Any:
        paragraph = self.doc.add_paragraph()
        if text:
            run = paragraph.add_run(text)
            run.bold = bold
            if colour:
                run.font.color.rgb = RGBColor.from_string(colour)
            if size:
                run.font.size = Pt(size)
        return paragraph

    def bullets(self, items: Iterable[str]) -> None:
        for item in items:
            self.doc.add_paragraph(item, style="List Bullet")

    def table(
        self,
        head: Sequence[str],
        rows: Iterable[Sequence[Any]],
        widths: Sequence[float] | None = None,
        into: Any = None,
    ) -> Table:
        """A bordered table whose first row repeats on every page; a cell is text, or
        (text, colour) for a coloured word. `into`: a table's cell to put it in, or none."""
        table: Table = (into or self.doc).add_table(rows=1, cols=len(head))
        table.style = "Table Grid"
        cells = table.rows[0].cells
        for cell, text in zip(cells, head, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        header = table.rows[0]._tr.get_or_add_trPr()
        header.append(OxmlElement("w:tblHeader"))
        body = [list(row) for row in rows]
        for row in body:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                text, colour = value if isinstance(value, tuple) else (value, None)
                run = cell.paragraphs[0].add_run("" if text is None else str(text))
                if colour:
                    run.font.color.rgb = RGBColor.from_string(colour)
                    run.bold = True
        for tr in table.rows:
            tr._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        self._widths(table, widths or _widths_for(head, body, self.width))
        return table

    def _widths(self, table: Table, widths: Sequence[float]) -> None:
        """Fixed column widths in mm, within the page's text width: in the grid, the table's
        layout and every cell, as Word, WPS and LibreOffice each read one of them."""
        scale = min(1.0, self.width / sum(widths))
        mm = [w * scale for w in widths]
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl_pr.append(layout)
        for column, width in zip(table.columns, mm, strict=True):
            column.width = Mm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, mm, strict=True):
                cell.width = Mm(width)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return _stamped(buffer.getvalue(), self.when)


def _stamped(package: bytes, when: str | None) -> bytes:
    """The .docx with every part dated when the report was produced (1980-01-01, the
    earliest a zip can say, with no time), not the moment it was written: two runs with
    `SOURCE_DATE_EPOCH` or `--no-timestamp` give the same bytes."""
    import zipfile

    moment = dt.datetime.fromisoformat(when.replace("Z", "+00:00")) if when else None
    stamp = moment.timetuple()[:6] if moment and moment.year >= 1980 else (1980, 1, 1, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for part in source.infolist():
            info = zipfile.ZipInfo(part.filename, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(part))
    return out.getvalue()


def _fonts(rpr: Any, east_asian: str, latin: str) -> None:
    """A style's fonts by name: `east_asian` for Chinese text, `latin` for the rest."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _text_width(value: Any) -> float:
    """How wide a cell's longest line is, in half-width characters (a Chinese character
    counts two)."""
    text = value[0] if isinstance(value, tuple) else value
    lines = str("" if text is None else text).split("\n")
    return max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in line) for line in lines)


def _widths_for(head: Sequence[str], rows: list[list[Any]], page: float) -> list[float]:
    """Column widths (mm) from what the columns hold: each as wide as its longest cell
    (a heading may wrap at its words; a name should not), at least 10 mm, shared out
    within the page's width."""
    per_char = 1.85  # mm a half-width character takes at 10 pt (a Chinese one twice that)
    margins = 5.0  # the cell's margins left and right, and some room for bold
    wanted = []
    for n, name in enumerate(head):
        cells = [_text_width(row[n]) for row in rows] or [0]
        heading = max((_text_width(word) for word in str(name).split()), default=0)
        wanted.append(max(10.0, per_char * max(*cells, min(heading, 8)) + margins))
    total = sum(wanted)
    if total <= page:  # room to spare: a little more for every column, for fonts that run wide
        return [w * min(1.25, page / total) for w in wanted]
    # Too wide: narrow the widest columns first, keeping the narrow ones whole.
    cap = max(wanted)
    while sum(min(w, cap) for w in wanted) > page and cap > 10:
        cap -= 1
    return [min(w, cap) for w in wanted]


def card(doc: Doc, widths: tuple[float, float]) -> Any:
    """Two cells side by side with no borders, never split across pages: a city's radar
    beside its indicators, as the HTML's card has them."""
    card = doc.doc.add_table(rows=1, cols=2)
    doc._widths(card, widths)
    card.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return card.rows[0].cells
