"""The score sheet for Excel: a title row, one row per city, Chinese headers, printed landscape
one page wide with the heading row and city column on every page; a legend sheet names every
requirement; a last sheet says where it came from (pack hash, input files, their SHA-256, time)."""

from __future__ import annotations

import io
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..decide.explain import PREV_HEAD, level_label, recorded_differs
from ..decide.points import shown
from ..decide.results import Assessment
from ..decide.scoring import batch_table, ranking
from ..intake.formsheet import fit_rows
from ..packs import Pack, installed_pack
from ..record.publish import Published
from ..text import batch_name, cell_text, pick, ranked
from ..verdicts import LABELS, TASK_LABELS
from ..views import points
from .contexts.common import blocked_by, provenance, words
from .contexts.publish import publish_context

_FILL = {
    "met": "C8E6C9",
    "complete": "C8E6C9",
    "unmet": "FFCDD2",
    "incomplete": "FFCDD2",
    "missing": "FFE0B2",
    "insufficient_data": "FFE0B2",
    "not_applicable": "ECEFF1",
}
_GRADE_FILL = {"excellent": "A5D6A7", "good": "C8E6C9", "pass": "FFE082", "fail": "EF9A9A"}
_THIN = Side(style="thin", color="B0BEC5")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def score_sheet(
    pack: Pack, assessments: list[Assessment], lang: str = "zh", produced_at: str | None = None
) -> bytes:
    """One row per city under a title row (pack, year, date): the headline columns (score,
    grade, what blocks it, rank; each task's verdict), printed landscape one page wide at a
    size that reads; then each requirement's verdict (a points sheet's, each item's points) on
    a sheet of its own, printed across as many pages as it takes with the heading row and the
    city column on each; a legend sheet names every task and requirement; the last says where
    it came from."""
    text = words(pack, lang)
    task_ids = [t.id for t in pack.tasks]
    req_ids = [r.id for _, r in pack.requirements()]
    where = provenance(pack, assessments, produced_at, lang)
    decimals = _points_format(pack)
    book = Workbook()
    sheet = cast(Worksheet, book.active)  # a new workbook has its one sheet active
    sheet.title = pick(lang, "评估结果", "Scores")
    date = (produced_at or "")[:10]
    title = f"{text['cohort_report']} · {pack.pack.year}（{pack.id} {pack.pack.version}）"
    append_row(sheet, [title + (f" · {date}" if date else "")])
    for note in where["notes"]:
        append_row(sheet, [f"{text['data_note']}：{note}"])
    head_row = sheet.max_row + 1
    fixed = [text["city"], text["province"], text["level"], text["batch"], text["score"]]
    fixed += [text["grade"]]
    if pack.mandatory:
        fixed += [text["mandatory"], text["blocked_head"]]
    fixed += [text["rank"]]
    with_prev = any(recorded_differs(pack, a.other_years) for a in assessments)
    fixed += [pick(lang, *PREV_HEAD)] if with_prev else []
    # The summary's last columns: a points sheet's 自评分 total; a weighted pack's tasks. The
    # matrix sheet's: each item's points coloured by its verdict, or each requirement's verdict.
    headline = (
        [pick(lang, "自评分合计", "Self-score")]
        if pack.is_sheet
        else [f"{tid} {text['task']}" for tid in task_ids]
    )
    append_row(sheet, [*fixed, *headline])
    matrix = book.create_sheet(pick(lang, "各项得分", "Items") if pack.is_sheet else
                               pick(lang, "各项要求", "Requirements"))  # fmt: skip
    append_row(
        matrix,
        [text["city"], *(points.item_heads(pack, lang) if pack.is_sheet else req_ids)],
    )
    grades = {b.code: pick(lang, b.label, b.label_en) for b in pack.scoring.grades}
    standing = ranking(assessments)
    records = batch_table(assessments).to_dict("records")  # in ranking order too
    for record, place in zip(records, standing, strict=True):
        row = [
            record["city"],
            record["province"],
            level_label(pack, record["level"], lang) if record["level"] else "",
            batch_name(int(record["batch"]), lang) if _known(record["batch"]) else "",
            record["score"],
            grades[record["grade"]],
        ]
        if pack.mandatory:
            complete = (
                text["all_complete"] if record["mandatory_complete"] else text["not_complete"]
            )
            row += [complete, blocked_by(place.assessment, lang)]
        row += [_rank_cell(record["rank_in_tier"], record["rank_tied"], lang)]
        if with_prev:
            row += ["；".join(recorded_differs(pack, place.assessment.other_years, lang))]
        if pack.is_sheet:
            *items, claimed = _points_cells(place.assessment)
            append_row(sheet, [*row, claimed])
            append_row(matrix, [record["city"], *items])
            continue
        append_row(sheet, [*row, *[TASK_LABELS[lang][record[tid]] for tid in task_ids]])
        append_row(matrix, [record["city"], *[LABELS[lang][record[rid]] for rid in req_ids]])
    first_status = len(fixed) + 1
    score_col, grade_col = 5, 6
    for cell in [*sheet[head_row], *matrix[1]]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, record in enumerate(records, start=head_row + 1):
        sheet.cell(r, score_col).number_format = decimals
        sheet.cell(r, grade_col).fill = PatternFill(
            "solid", fgColor=_GRADE_FILL.get(record["grade"], "FFFFFF")
        )
        if pack.is_sheet:
            sheet.cell(r, first_status).number_format = decimals
        else:
            for c, key in enumerate(task_ids, start=first_status):
                sheet.cell(r, c).fill = PatternFill("solid", fgColor=_FILL[record[key]])
        for c, key in enumerate(req_ids, start=2):
            cell = matrix.cell(r - head_row + 1, c)
            cell.fill = PatternFill("solid", fgColor=_FILL[record[key]])
            cell.number_format = decimals if pack.is_sheet else "General"
    for rows in (sheet.iter_rows(min_row=head_row, max_row=sheet.max_row), matrix.iter_rows()):
        for cells in rows:
            for cell in cells:
                cell.border = _BOX
    for cells in sheet.iter_rows(min_row=head_row + 1, max_row=sheet.max_row):
        for cell in cells:  # a long word wraps whole in its narrow column
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.freeze_panes = f"B{head_row + 1}"
    # Narrow enough that a printed page keeps 8 pt or more: a long word wraps in its cell.
    widths = [14, 9, 8, 6, 7, 9, *([11, 18] if pack.mandatory else []), 9.5]
    widths += [20] if with_prev else []
    widths += [10] if pack.is_sheet else [6.5] * len(task_ids)
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    print_setup(sheet, f"{head_row}:{head_row}", "A:A")
    fit_rows(sheet, head_row)
    footer = cast(HeaderFooterItem, sheet.oddFooter)
    footer.left.text = where["footer"]
    footer.left.size = 7
    footer.center.text = "&P / &N"
    footer.center.size = 8
    matrix.freeze_panes = "B2"
    matrix.column_dimensions["A"].width = 16
    for c in range(2, matrix.max_column + 1):
        matrix.column_dimensions[get_column_letter(c)].width = 11 if pack.is_sheet else 7
    print_setup(matrix, "1:1", "A:A", across=True)
    _legend_sheet(book.create_sheet(pick(lang, "要求说明", "Legend")), pack, text, lang)
    _provenance_sheet(book.create_sheet(text["provenance"]), where, text)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _points_cells(a: Assessment) -> list[float | None]:
    """A points sheet's cells of a city: each item's points and the 自评分 total, as the
    sheet shows them (to its decimals), numbers a sheet can add up."""
    assert a.sheet is not None
    decimals = a.pack.scoring.decimals
    claimed = points.claimed_total(a)
    cells: list[float | None] = [float(shown(i.points, decimals)) for i in a.sheet.items]
    return [*cells, None if claimed is None else float(shown(claimed, decimals))]


def _points_format(pack: Pack) -> str:
    decimals = pack.scoring.decimals
    return "0." + "0" * decimals if decimals else "0"


def print_setup(
    sheet: Worksheet, rows: str, columns: str | None = None, across: bool = False
) -> None:
    """A4 landscape, one page wide (as many tall as it takes), heading rows on every page;
    `across`: a wide matrix printed at full size over as many pages across as it takes, its
    heading row and first column on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_margins.left = sheet.page_margins.right = 0.3  # inches
    if not across:
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = rows
    if columns:
        sheet.print_title_cols = columns


def _legend_sheet(sheet: Worksheet, pack: Pack, text: dict[str, Any], lang: str) -> None:
    """What each column code means: every task and requirement, its kind and its source."""
    # A points sheet's items also with their 分值 and 评分标准, as the office's sheet has them.
    more = (
        [pick(lang, "分值", "Worth"), pick(lang, "评分标准", "Scoring rule")]
        if pack.is_sheet
        else []
    )
    append_row(sheet, [text["requirement"], text["task"], pick(lang, "内容", "Requirement"),
                       pick(lang, "类别", "Kind"), text["source"], *more])  # fmt: skip
    for task in pack.tasks:
        append_row(sheet, [task.id, "", pick(lang, task.title, task.title_en), "", task.section])
        for req in task.requirements:
            sheet_cells = (
                [
                    points.amount(req.points.worth),
                    pick(lang, req.points.criteria, req.points.criteria_en),
                ]
                if req.points is not None
                else []
            )
            append_row(
                sheet,
                [req.id, task.id, pick(lang, req.title, req.title_en),
                 text["kind"][req.kind], req.citation.section, *sheet_cells],
            )  # fmt: skip
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
        for cell in row:
            cell.border = _BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = (9, 7, 60, 8, 14, *((7, 60) if pack.is_sheet else ()))
    for letter, width in zip("ABCDEFG", widths, strict=False):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    print_setup(sheet, "1:1")
    fit_rows(sheet)


def _rank_cell(rank: int, tied: bool, lang: str) -> int | str:
    """A shared rank in words ("3（并列）"); the others stay numbers a sheet can sort."""
    return ranked(rank, tied, lang) if tied else rank


def append_row(sheet: Worksheet, row: list[Any]) -> None:
    """A row whose text cells stay text: never a live formula, never a control character."""
    sheet.append([cell_text(v) for v in row])


def _provenance_sheet(sheet: Worksheet, where: dict[str, Any], text: dict[str, Any]) -> None:
    append_row(sheet, [text["provenance"]])
    append_row(sheet, [text["provenance_note"]])
    for name, value in where["rows"]:
        append_row(sheet, [name, value])
    append_row(sheet, [])
    append_row(sheet, [text["city"], text["input_file"], text["input_sha256"], text["data_note"]])
    for i in where["inputs"]:
        append_row(sheet, [i["city"], i["file"], i["sha256"], i["note"]])
    sheet["A1"].font = Font(bold=True, size=13)
    # Printed portrait one page wide: the note across the page, hashes and paths wrapped.
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
    sheet.row_dimensions[2].height = 30  # a merged cell's text sets no height of its own
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for c, width in zip("ABCD", (16, 30, 35, 30), strict=True):
        sheet.column_dimensions[c].width = width
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    fit_rows(sheet, 2)


def publish_sheet(p: Published, lang: str = "zh", produced_at: str | None = None) -> bytes:
    """The published list as a workbook: one row per city, its tier in the first column."""
    ctx = publish_context(p, lang, produced_at)
    t = ctx["t"]
    book = Workbook()
    sheet = cast(Worksheet, book.active)  # a new workbook has its one sheet active
    sheet.title = pick(lang, "公布名单", "Published")
    append_row(sheet, [ctx["title"]])
    append_row(sheet, [t["basis"]])
    for note in p.notes:
        append_row(sheet, [t["data_note"] + note])
    head = [pick(lang, "类别", "Tier"), t["city"], t["province"], t["grade"]]
    if p.with_scores:
        head += [t["score"], t["rank"]]
    quotas = ctx["quotas"]
    if quotas is not None:
        head.append(t["quota"])
    append_row(sheet, head)
    for tier in ctx["tiers"]:
        for c in tier["cities"]:
            row = [tier["name"], c["city"], c["province"], c["grade_label"]]
            if p.with_scores:
                row += [float(c["score"]), _rank_cell(c["rank_number"], c["rank_tied"], lang)]
            if quotas is not None:
                row.append(c["cut"])
            append_row(sheet, row)
    if quotas is not None:
        _quota_sheet(book.create_sheet(t["quotas"]), quotas, t)
    sheet["A1"].font = Font(bold=True, size=13)
    head_row = 3 + len(p.notes)
    for cell in sheet[head_row]:
        cell.font = Font(bold=True)
    if p.with_scores:  # to the pack's decimals: 100.0, 88.0
        pack = installed_pack(p.pack)
        decimals = _points_format(pack) if pack else "0.0"
        for r in range(head_row + 1, sheet.max_row + 1):
            sheet.cell(r, 5).number_format = decimals
    widths = [14, 20, 12, 10, *([8, 10] if p.with_scores else []), *([40] if quotas else [])]
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    for cells in sheet.iter_rows(min_row=head_row):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"A{head_row + 1}"
    print_setup(sheet, f"{head_row}:{head_row}")
    fit_rows(sheet, head_row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _quota_sheet(sheet: Worksheet, quotas: list[dict[str, str]], t: dict[str, str]) -> None:
    """Each quota's cut in each group: the cap and how it was worked out, who kept, who was
    cut, the tie and the rule."""
    append_row(sheet, [t[k] for k in ("quota", "group", "cap", "kept", "cut", "tie", "cited")])
    for q in quotas:
        append_row(
            sheet,
            [
                f"{q['label']} ({q['id']})",
                q["group"],
                q["cap"],
                q["kept"],
                q["cut"],
                q["tie"],
                q["citation"],
            ],
        )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for c, width in enumerate((20, 12, 8, 24, 24, 16, 30), start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    print_setup(sheet, "1:1")
    fit_rows(sheet)


def plain_sheet(title: str, heads: list[str], rows: list[list[Any]]) -> bytes:
    """A listing as a workbook (`archive list`, `archive show`, `archive diff`): a bold
    heading row that stays in view, text cells never formulas."""
    book = Workbook()
    sheet = cast(Worksheet, book.active)  # a new workbook has its one sheet active
    sheet.title = title[:31]  # Excel's limit for a sheet name
    append_row(sheet, heads)
    for row in rows:
        append_row(sheet, row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    print_setup(sheet, "1:1")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _known(value: object) -> bool:
    """A cell of the batch table that holds a value (pandas gives NaN or None for none)."""
    return value is not None and value == value and value != ""
