"""A Word document (.docx) made official (GB/T 9704-2012), from the ordinary one `report.docx`
wrote and the same context: A4 portrait with the standard's margins (37 mm top, 35 bottom, 28
left, 26 right) and its tables narrowed to the text block; the red head (发文机关标志, 文号, the
red rule) before the title and 主送 after it; styles by the standard's fonts (title 小标宋,
body 仿宋 16 pt, headings 黑体 and 楷体, all black); the org and 成文日期 over the seal's room
in place of the sign-off table; the tool's line as a 附注 at the end; page numbers "— 1 —",
odd pages right and even pages left."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

# The standard's fonts by name (East Asian, Latin); Word and WPS substitute a font a machine
# lacks, LibreOffice asks fontconfig.
TITLE_FONTS = ("方正小标宋简体", "Times New Roman")
BODY_FONTS = ("仿宋_GB2312", "Times New Roman")
HEADING_FONTS = {1: ("黑体", "Times New Roman"), 2: ("楷体_GB2312", "Times New Roman")}
FOLIO_FONTS = ("宋体", "Times New Roman")
RED = RGBColor(0xCC, 0, 0)
BLACK = RGBColor(0, 0, 0)
TEXT_WIDTH = 210 - 28 - 26  # mm: the text block is 156 mm wide
TABLE_PT = 10.5  # 五号: tables and notes under the 3号 body


def official(written: bytes, ctx: dict[str, Any]) -> bytes:
    """The document `written` in the official form `ctx["office"]["official"]` asks for."""
    doc = Document(io.BytesIO(written))
    about = ctx["office"]["official"]
    _page(doc)
    _styles(doc)
    for table in doc.tables:
        _narrowed(table)
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(TABLE_PT)
    _head(doc, about)
    _signed(doc, ctx, about)
    _folios(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(25)  # the folio's dashes 7 mm under the text block


def _fonts(style: Any, fonts: tuple[str, str], size: float, bold: bool = False) -> None:
    rpr = style.element.get_or_add_rPr()
    found = rpr.get_or_add_rFonts()
    east_asian, latin = fonts
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        found.set(qn(attr), latin)
    found.set(qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        found.attrib.pop(qn(theme), None)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = BLACK


def _styles(doc: Any) -> None:
    styles = doc.styles
    _fonts(styles["Normal"], BODY_FONTS, 16)
    _fonts(styles["Title"], TITLE_FONTS, 22)
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for level in (1, 2, 3, 4):
        fonts = HEADING_FONTS.get(level, BODY_FONTS)
        for name in (f"Heading {level}", f"Heading {level} Char"):
            if name in [s.name for s in styles]:
                _fonts(styles[name], fonts, 16)
    if "Title Char" in [s.name for s in styles]:
        _fonts(styles["Title Char"], TITLE_FONTS, 22)


def _narrowed(table: Any) -> None:
    """A table made for a wider page scaled into the text block, column by column, its
    borders on the text block's edges (Word sets a cell's text there, its border a cell
    margin further out, unless the table is indented by that margin)."""
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), "108")  # Word's default cell margin, 1.9 mm
    indent.set(qn("w:type"), "dxa")
    table._tbl.tblPr.append(indent)
    grid = table._tbl.tblGrid
    columns = grid.findall(qn("w:gridCol"))
    widths = [int(c.get(qn("w:w")) or 0) for c in columns]
    total = sum(widths)
    room = int(Mm(TEXT_WIDTH).twips)
    if not total or total <= room:
        return
    # The widest columns give way first, the narrow ones (a rank, a score, a grade) kept
    # whole; where even that cannot fit, all alike.
    least = int(Mm(12).twips)
    cap = max(widths)
    while sum(min(w, cap) for w in widths) > room and cap > least:
        cap -= 20
    fitted = [min(w, cap) for w in widths]
    if cap < int(Mm(30).twips):
        # Many columns (a requirement beside ten cities): each keeps a few characters' room
        # and shares the rest as it was wider than that.
        floor = int(Mm(9).twips)
        kept = [min(w, floor) for w in widths]
        over = sum(w - k for w, k in zip(widths, kept, strict=True))
        share = max(0, room - sum(kept)) / over if over else 0
        fitted = [int(k + (w - k) * share) for w, k in zip(widths, kept, strict=True)]
    else:  # room left: the columns that gave way take it back alike
        spare = room - sum(fitted)
        cut = [n for n, w in enumerate(widths) if w > cap]
        for n in cut:
            fitted[n] += spare // len(cut)
    for column, width in zip(columns, fitted, strict=True):
        column.set(qn("w:w"), str(width))
    for row in table.rows:
        for tc, width in zip(row._tr.tc_lst, fitted, strict=False):
            tcw = tc.tcPr.find(qn("w:tcW")) if tc.tcPr is not None else None
            if tcw is not None:
                tcw.set(qn("w:w"), str(width))


def _run(paragraph: Any, text: str, fonts: tuple[str, str], size: float) -> Any:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.name = fonts[1]
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), fonts[0])
    return run


def _head(doc: Any, about: dict[str, Any]) -> None:
    """发文机关标志 (red, centred), 文号, the red rule, before the title; 主送 after it."""
    title = doc.paragraphs[0]
    issuer = title.insert_paragraph_before()
    issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _run(issuer, about["org"], TITLE_FONTS, 32)
    run.font.color.rgb = RED
    issuer.paragraph_format.space_after = Pt(12)
    if about["number"]:
        number = title.insert_paragraph_before()
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(number, about["number"], BODY_FONTS, 16)
        rule = number
    else:
        rule = issuer
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (
        ("w:val", "single"),
        ("w:sz", "18"),
        ("w:space", "8"),
        ("w:color", "CC0000"),
    ):
        bottom.set(qn(key), value)
    border.append(bottom)
    rule._p.get_or_add_pPr().append(border)
    rule.paragraph_format.space_after = Pt(24)
    if about["to"]:
        to = OxmlElement("w:p")
        title._p.addnext(to)
        next(p for p in doc.paragraphs if p._p is to).add_run(about["to"])


def _signed(doc: Any, ctx: dict[str, Any], about: dict[str, Any]) -> None:
    """The org centred over 成文日期, four characters in from the right, with room above for
    the seal, where the sign-off table was (at the end where there was none); the tool's line
    as a 附注 in small type at the very end."""
    t = ctx["t"]
    signoff = next(
        (tb for tb in doc.tables if tb.rows[0].cells[0].text.strip() == t.get("signoff")), None
    )
    body = doc.element.body
    anchor = signoff._tbl if signoff is not None else None
    made = []
    for n, text in enumerate((about["org"], about["date"])):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.left_indent = Mm(TEXT_WIDTH - 86)
        paragraph.paragraph_format.right_indent = Pt(16 * 4)  # 右空四字
        paragraph.paragraph_format.keep_with_next = n == 0
        paragraph.paragraph_format.keep_together = True
        if n == 0:
            paragraph.paragraph_format.space_before = Mm(18)  # the seal's upper half
        paragraph.add_run(text)
        made.append(paragraph)
    if anchor is not None:
        for paragraph in made:
            anchor.addprevious(paragraph._p)
        body.remove(anchor)
        # What follows (来源信息: hashes and files) is an attachment, on a page of its own.
        after = made[-1]._p.getnext()
        found = next((p for p in doc.paragraphs if p._p is after), None)
        if found is not None and found.style.name.startswith("Heading"):
            found.paragraph_format.page_break_before = True
    footer = ctx["provenance"]["footer"]
    for paragraph in doc.paragraphs:  # the ordinary form's own line, now the 附注
        if paragraph.text == footer:
            body.remove(paragraph._p)
    note = doc.add_paragraph()
    note.paragraph_format.first_line_indent = Pt(TABLE_PT * 2)
    _run(note, f"（{footer}）", BODY_FONTS, TABLE_PT)


def _folios(doc: Any) -> None:
    """ "— 3 —" as a PAGE field: on odd pages at the right, on even pages at the left, each a
    character in from the edge."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        for child in list(paragraph._p):
            if child.tag != qn("w:pPr"):
                paragraph._p.remove(child)
        paragraph.alignment = align
        indent = Pt(14)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = indent
        else:
            paragraph.paragraph_format.left_indent = indent
        _run(paragraph, "— ", FOLIO_FONTS, 14)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        inner = OxmlElement("w:r")
        props = OxmlElement("w:rPr")
        size = OxmlElement("w:sz")
        size.set(qn("w:val"), "28")
        props.append(size)
        inner.append(props)
        text = OxmlElement("w:t")
        text.text = "1"
        inner.append(text)
        field.append(inner)
        paragraph._p.append(field)
        _run(paragraph, " —", FOLIO_FONTS, 14)
