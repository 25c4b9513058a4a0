"""The fill-in form a city downloads: one sheet, a row per field, drop-downs and range checks,
printed and stamped as an office files it. `sheets` reads it back."""

from __future__ import annotations

import io
import math
from decimal import Decimal
from typing import Any, Literal, cast

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..packs import FieldDecl, Pack, Requirement
from ..text import counted
from .formlayout import Ask, group_headings, maximum, points_text, sections
from .formwords import (
    EVIDENCE,
    ITEM,
    POINTS_HEAD,
    SELF,
    WORDS,
    Words,
    choices,
    help_text,
    in_text,
    label,
    unit,
)
from .sheets import column_letter


def form(pack: Pack, lang: str = "zh") -> bytes:
    """The fill-in form for a pack, as an office prints and stamps it: the city profile on top,
    then one row per field under a heading naming the tasks that read its group, what to fill
    in printed beside each (not only in a comment), borders, and a sign-off block. A points
    sheet's form is laid out like the office's own sheet (`_points_form`). In English
    (`lang="en"`) every word of the tool's is English, and the pack's own texts are in
    English where the pack gives them; `sheets` reads either form back alike."""
    words = WORDS[lang]
    if pack.is_sheet:
        return _points_form(pack, lang)
    book = Workbook()
    sheet = cast(Worksheet, book.active)  # a new workbook has its one sheet active
    sheet.title = words.sheet
    sheet.append([_title(pack, lang) + words.title])
    sheet.append([_pack_line(pack, words)])
    sheet.append([words.note])
    sheet.append(list(words.head))
    head_row = sheet.max_row
    sheet.append([words.pack, pack.id, "", words.keep, "", "pack"])
    sheet.append([words.year, pack.pack.year, "", words.keep, "", "year"])
    fill = PatternFill("solid", fgColor="FFF9C4")
    group_fill = PatternFill("solid", fgColor="E3F2FD")
    validations: list[DataValidation] = []
    headings = group_headings(pack, lang)
    for group, decls in pack.fields.items():
        sheet.append([headings[group]])
        for c in range(1, len(words.head) + 1):
            sheet.cell(sheet.max_row, c).fill = group_fill
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for key, decl in decls.items():
            if decl.type == "ratio":
                continue
            sheet.append(
                [
                    label(decl, lang),
                    None,
                    unit(decl, lang) or "",
                    _hint(decl, lang),
                    None,
                    f"{group}.{key}",
                ]
            )
            cell = sheet.cell(sheet.max_row, 2)
            cell.fill = fill
            sheet.cell(sheet.max_row, 5).fill = fill
            rule = _validation(decl, lang)
            if rule is not None:
                rule.add(cell)
                validations.append(rule)
            if decl.type == "date":
                cell.number_format = "yyyy-mm-dd"
    for rule in validations:
        sheet.add_data_validation(rule)
    # An English unit (institutions, 10,000 yuan) is wider than a Chinese one (家, 万元).
    widths = (40, 16, 8, 52, 40, 30) if lang == "zh" else (40, 16, 13, 52, 40, 30)
    _finish(sheet, head_row, len(words.head), 5, widths, words)
    fit_rows(sheet, head_row)  # every label and hint whole, its row as tall as it takes
    if lang != "zh":
        # The English note is three times the Chinese one's width: run on in one line, it
        # would widen the printed page and shrink its text. It wraps across the form's width
        # instead (the Chinese form stays as offices have it).
        sheet.merge_cells("A3:F3")
        sheet["A3"].alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[3].height = _lines(words.note, sum(widths)) * 15.4
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _title(pack: Pack, lang: str) -> str:
    return in_text(lang, pack.pack.title, pack.pack.title_en)


def _pack_line(pack: Pack, words: Words) -> str:
    return words.pack_line.format(
        id=pack.id, version=pack.pack.version, hash=pack.content_hash[:12]
    )


def _finish(
    sheet: Worksheet,
    head_row: int,
    columns: int,
    evidence: int,
    widths: tuple[int, ...],
    words: Words,
) -> None:
    """The sign-off block under the last row, borders, the heading in bold with the note on
    documents, column widths, and the printed page: the page width, the heading row repeated
    on every page, page numbers."""
    last = sheet.max_row
    sheet.append([])
    for signed, tall in zip(words.sign_off, SIGN_OFF, strict=True):
        sheet.append([signed])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        sheet.row_dimensions[sheet.max_row].height = tall
    thin = Side(style="thin", color="90A4AE")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for row in [
        *sheet.iter_rows(min_row=head_row, max_row=last),
        *sheet.iter_rows(min_row=last + 2),
    ]:
        for cell in row[:columns]:
            cell.border = box
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=13)
    for cell in sheet[head_row]:
        cell.font = Font(bold=True)
    sheet.cell(head_row, evidence).comment = Comment(words.documents, "ipscore")
    for n, width in enumerate(widths, start=1):
        sheet.column_dimensions[column_letter(n)].width = width
    sheet.freeze_panes = f"A{head_row + 1}"
    # Printed, the form fits the page width and repeats its heading row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = f"{head_row}:{head_row}"
    cast(HeaderFooterItem, sheet.oddFooter).center.text = "&P / &N"


# Heights of the sign-off rows (`Words.sign_off`), in points: room to sign, and under
# 填报单位（盖章） to seal.
SIGN_OFF = (60.0, 40.0, 24.0, 40.0)


def _text_width(text: str) -> int:
    """A line's width in Excel's character widths: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _lines(value: Any, width: float) -> int:
    """How many lines a wrapped cell's text takes in a column `width` characters wide."""
    room = max(1.0, width - 0.5)
    return sum(max(1, math.ceil(_text_width(part) / room)) for part in str(value).split("\n"))


def fit_rows(sheet: Worksheet, first: int = 1) -> None:
    """Rows tall enough for their wrapped text, from `first` down: Excel grows a row to its
    text only when the cell is edited, LibreOffice not at all, and neither for merged cells
    (a merged block's text is shared out over its rows). A row already given a taller height
    (a sign-off row) keeps it."""
    width = {letter: (dim.width or 8.43) for letter, dim in sheet.column_dimensions.items()}

    def columns(first_col: int, last_col: int) -> float:
        return sum(width.get(column_letter(c), 8.43) for c in range(first_col, last_col + 1))

    def line(cell: Any) -> float:
        return float(cell.font.sz or 11) * 1.4

    merged = {(m.min_row, m.min_col): m for m in sheet.merged_cells.ranges}
    inside = {
        (r, c)
        for m in merged.values()
        for r in range(m.min_row, m.max_row + 1)
        for c in range(m.min_col, m.max_col + 1)
    }
    height: dict[int, float] = {}
    spans = []
    for cells in sheet.iter_rows(min_row=first):
        for cell in cells:
            if cell.value is None or not cell.alignment.wrap_text:
                continue
            at = (cell.row, cell.column)
            block = merged.get(at)
            if block is not None:
                need = _lines(cell.value, columns(block.min_col, block.max_col)) * line(cell)
                spans.append((block.min_row, block.max_row, need))
                continue
            if at in inside:
                continue
            need = _lines(cell.value, columns(cell.column, cell.column)) * line(cell)
            height[cell.row] = max(height.get(cell.row, 15.0), need)
    for top, bottom, need in spans:
        rows = range(top, bottom + 1)
        have = sum(height.get(r, 15.0) for r in rows)
        if have < need:
            for r in rows:
                height[r] = height.get(r, 15.0) + (need - have) / len(rows)
    for r, h in height.items():
        given = sheet.row_dimensions[r].height
        if h > 15.0 and (given is None or given < h):
            sheet.row_dimensions[r].height = round(h + 2, 1)


def _hint(decl: FieldDecl, lang: str) -> str:
    words = WORDS[lang]
    labels = words.list_sep.join(choices(decl, lang).values())
    decimals = counted(decl.decimals, "decimal") if lang == "en" else decl.decimals
    kind = words.kinds[decl.type].format(decimals=decimals, labels=labels)
    shown = unit(decl, lang)
    per = words.unit.format(unit=shown) if shown else ""
    note = help_text(decl, lang) or ""
    return f"{words.fill.format(kind=kind, unit=per)}\n{note}".strip()


def _validation(decl: FieldDecl, lang: str) -> DataValidation | None:
    words = WORDS[lang]
    if decl.type == "bool":
        return _rule("list", words, words.choose_yes_no, words.yes_no)
    if decl.type == "enum":
        labels = ",".join(choices(decl, lang).values())
        return _rule("list", words, words.choose, f'"{labels}"')
    if decl.type in ("count", "amount"):
        top = str(decl.max) if decl.max is not None else "1000000000000"
        low = str(decl.min if decl.min is not None else 0)
        kind: Literal["whole", "decimal"] = "whole" if decl.type == "count" else "decimal"
        return _rule(kind, words, words.between.format(low=low, top=top), low, top)
    if decl.type == "date":
        return _rule("date", words, words.a_date, "36526", "73051")
    return None


def _rule(
    kind: Literal["list", "whole", "decimal", "date"],
    words: Words,
    error: str,
    formula1: str,
    formula2: str | None = None,
) -> DataValidation:
    """A drop-down or range check on a cell, with a message in the form's language when it
    is broken."""
    return DataValidation(
        type=kind,
        operator=None if formula2 is None else "between",
        formula1=formula1,
        formula2=formula2,
        error=error,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=words.wrong,
    )


FILL = PatternFill("solid", fgColor="FFF9C4")  # the cells to fill in
HEADING = PatternFill("solid", fgColor="E3F2FD")
COLUMN = {name: n for n, name in enumerate(POINTS_HEAD, start=1)}
# The columns printed (考核内容 … 佐证材料) add up to a width that prints at 8 pt or more on
# A4 landscape with narrow margins; 评分标准 wraps. The two code columns are for the reader,
# not the page: they are left out of the print area.
_POINTS_WIDTHS = (15, 6, 32, 22, 12, 8, 25, 21, 32, 24)


def _points_form(pack: Pack, lang: str) -> bytes:
    """A points sheet's form, laid out like the office's 考核评分表 (`formlayout.sections`):
    考核内容 | 分值 | 评分标准 | 填报项 | 填报值 | 自评分, an item's title, 分值, 评分标准 and
    its one 自评分 merged down its block, a row for each figure; what to fill in printed
    beside each, and the codes in the last two columns that `sheets` reads the form by. The
    columns are named here by their Chinese headings (`COLUMN`), and headed in the form's
    language."""
    words = WORDS[lang]
    book = Workbook()
    sheet = cast(Worksheet, book.active)  # a new workbook has its one sheet active
    sheet.title = words.sheet
    sheet.append([_title(pack, lang) + words.points_title])
    sheet.append([_pack_line(pack, words)])
    sheet.append([words.points_note])
    sheet.append(list(words.points_head))
    head_row = sheet.max_row
    validations: list[DataValidation] = []

    def row(cells: dict[str, Any]) -> int:
        sheet.append([cells.get(name) for name in POINTS_HEAD])
        return sheet.max_row

    row({"填报项": words.pack, "填报值": pack.id, "填写说明": words.keep, "字段代码": "pack"})
    row(
        {
            "填报项": words.year,
            "填报值": pack.pack.year,
            "填写说明": words.keep,
            "字段代码": "year",
        }
    )
    firsts = []
    for section in sections(pack, lang):
        at = row({"考核内容": section.heading})
        for c in range(1, len(POINTS_HEAD) + 1):
            sheet.cell(at, c).fill = HEADING
        sheet.cell(at, 1).font = Font(bold=True)
        for block in section.blocks:
            first = sheet.max_row + 1
            for ask in block.asks:
                named = ask.label_in(lang)
                if ask.see:
                    named = words.see.format(label=named, where=ask.see)
                at = row({"填报项": named})
                if ask.see is None:
                    validations += _asked(sheet, at, ask, lang)
            if block.item is not None:
                if sheet.max_row < first:
                    row({"填报项": words.nothing})
                validations += _item(sheet, first, sheet.max_row, block.item, lang)
                firsts.append(first)
    sheet.append([words.total, _number(maximum(pack))])
    start = pack.scoring.sheet.start
    if start:
        based = words.start.format(points=points_text(start))
        sheet.cell(sheet.max_row, COLUMN["评分标准"]).value = based
    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    for rule in validations:
        sheet.add_data_validation(rule)
    _finish(sheet, head_row, len(POINTS_HEAD), COLUMN["佐证材料"], _POINTS_WIDTHS, words)
    for first in firsts:
        for column in ("考核内容", "分值", SELF):
            sheet.cell(first, COLUMN[column]).alignment = Alignment(
                wrap_text=True, horizontal="center", vertical="center"
            )
    fit_rows(sheet, head_row)  # every label and hint whole, its row as tall as it takes
    printed = column_letter(COLUMN[EVIDENCE])
    # The note on what to fill in, wrapped across the printed width, not run off the page.
    sheet.merge_cells(f"A3:{printed}3")
    sheet["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[3].height = _lines(sheet["A3"].value, sum(_POINTS_WIDTHS[:8])) * 15.4
    sheet.print_area = f"A1:{printed}{sheet.max_row}"
    sheet.page_margins.left = sheet.page_margins.right = 0.3  # inches: narrow, as Excel's
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _asked(sheet: Worksheet, at: int, ask: Ask, lang: str) -> list[DataValidation]:
    """A figure's row to fill in: its hint and code, its value cell (with the drop-down or
    range check of the field's type) and its documents."""
    sheet.cell(at, COLUMN["填写说明"]).value = _hint(ask.decl, lang)
    sheet.cell(at, COLUMN["字段代码"]).value = ask.name
    cell = sheet.cell(at, COLUMN["填报值"])
    cell.fill = FILL
    sheet.cell(at, COLUMN["佐证材料"]).fill = FILL
    if ask.decl.type == "date":
        cell.number_format = "yyyy-mm-dd"
    rule = _validation(ask.decl, lang)
    if rule is None:
        return []
    rule.add(cell)
    return [rule]


def _item(
    sheet: Worksheet, first: int, last: int, req: Requirement, lang: str
) -> list[DataValidation]:
    """An item's title, 分值, 评分标准, code and 自评分 on its block's first row, merged down
    the block."""
    assert req.points is not None  # every requirement of a points sheet is an item
    put = {
        "考核内容": in_text(lang, req.title, req.title_en),
        "分值": _number(req.points.value),
        "评分标准": in_text(lang, req.points.criteria, req.points.criteria_en),
        ITEM: req.id,
    }
    for column, value in put.items():
        sheet.cell(first, COLUMN[column]).value = value
    claimed = sheet.cell(first, COLUMN[SELF])
    claimed.fill = FILL
    words = WORDS[lang]
    rule = _rule("decimal", words, words.a_score, "-999", "999")
    rule.add(claimed)
    if last > first:
        for column in (*put, SELF):
            c = COLUMN[column]
            sheet.merge_cells(start_row=first, start_column=c, end_row=last, end_column=c)
    return [rule]


def _number(value: Decimal) -> int | float:
    """分值 as a number a spreadsheet adds up: 15, 2.5."""
    return int(value) if value == value.to_integral_value() else float(value)
