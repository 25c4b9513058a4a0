"""The score sheet for Excel: one row per city, Chinese headers, frozen header row; a second
sheet says where it came from (pack hash, input files and their SHA-256, time)."""

from __future__ import annotations

import io
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.worksheet import Worksheet

from ..explain import level_label
from ..packs import Pack
from ..publish import Published
from ..results import Assessment
from ..scoring import batch_table
from ..text import cell_text, pick
from ..verdicts import LABELS, TASK_LABELS
from . import context
from .context import provenance, words

_FILL = {
    "met": "C8E6C9",
    "complete": "C8E6C9",
    "unmet": "FFCDD2",
    "incomplete": "FFCDD2",
    "missing": "FFE0B2",
    "insufficient_data": "FFE0B2",
    "not_applicable": "ECEFF1",
}
_FIXED = 8  # city … rank; task and requirement columns follow


def score_sheet(
    pack: Pack, assessments: list[Assessment], lang: str = "zh", produced_at: str | None = None
) -> bytes:
    text = words(pack, lang)
    task_ids = [t.id for t in pack.tasks]
    req_ids = [r.id for _, r in pack.requirements()]
    book = Workbook()
    sheet = cast(Worksheet, book.active)  # a new workbook has its one sheet active
    sheet.title = pick(lang, "评估结果", "Scores")
    _append(
        sheet,
        [
            text["city"],
            text["province"],
            text["level"],
            text["batch"],
            text["score"],
            text["grade"],
            text["mandatory"],
            text["rank"],
            *[f"{tid} {text['task']}" for tid in task_ids],
            *req_ids,
        ],
    )
    grades = {b.code: pick(lang, b.label, b.label_en) for b in pack.scoring.grades}
    records = batch_table(assessments).to_dict("records")
    for record in records:
        _append(
            sheet,
            [
                record["city"],
                record["province"],
                level_label(pack, record["level"], lang),
                record["batch"],
                record["score"],
                grades[record["grade"]],
                text["all_complete"] if record["mandatory_complete"] else text["not_complete"],
                record["rank_in_tier"],
                *[TASK_LABELS[lang][record[tid]] for tid in task_ids],
                *[LABELS[lang][record[rid]] for rid in req_ids],
            ],
        )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, record in enumerate(records, start=2):
        for c, key in enumerate([*task_ids, *req_ids], start=_FIXED + 1):
            sheet.cell(r, c).fill = PatternFill("solid", fgColor=_FILL[record[key]])
    sheet.freeze_panes = "B2"
    for c in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(c)].width = 12 if c <= _FIXED else 8
    sheet.column_dimensions["A"].width = 16
    where = provenance(pack, assessments, produced_at, lang)
    footer = cast(HeaderFooterItem, sheet.oddFooter)
    footer.left.text = where["footer"]
    footer.left.size = 7
    _provenance_sheet(book.create_sheet(text["provenance"]), where, text)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append(sheet: Worksheet, row: list[Any]) -> None:
    """A row whose text cells stay text: never a live formula, never a control character."""
    sheet.append([cell_text(v) for v in row])


def _provenance_sheet(sheet: Worksheet, where: dict[str, Any], text: dict[str, Any]) -> None:
    _append(sheet, [text["provenance"]])
    _append(sheet, [text["provenance_note"]])
    for name, value in where["rows"]:
        _append(sheet, [name, value])
    _append(sheet, [])
    _append(sheet, [text["city"], text["input_file"], text["input_sha256"], text["data_note"]])
    for i in where["inputs"]:
        _append(sheet, [i["city"], i["file"], i["sha256"], i["note"]])
    sheet["A1"].font = Font(bold=True, size=13)
    for c, width in zip("ABCD", (24, 48, 70, 48), strict=True):
        sheet.column_dimensions[c].width = width


def publish_sheet(p: Published, lang: str = "zh", produced_at: str | None = None) -> bytes:
    """The published list as a workbook: one row per city, its tier in the first column."""
    ctx = context.publish(p, lang, produced_at)
    t = ctx["t"]
    book = Workbook()
    sheet = cast(Worksheet, book.active)  # a new workbook has its one sheet active
    sheet.title = pick(lang, "公布名单", "Published")
    _append(sheet, [ctx["title"]])
    for note in p.notes:
        _append(sheet, [t["data_note"] + note])
    head = [pick(lang, "类别", "Tier"), t["city"], t["province"], t["grade"]]
    if p.with_scores:
        head += [t["score"], t["rank"]]
    _append(sheet, head)
    for tier in ctx["tiers"]:
        for c in tier["cities"]:
            row = [tier["name"], c["city"], c["province"], c["grade_label"]]
            if p.with_scores:
                row += [float(c["score"]), c["rank"]]
            _append(sheet, row)
    sheet["A1"].font = Font(bold=True, size=13)
    head_row = 2 + len(p.notes)
    for cell in sheet[head_row]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (14, 20, 12, 10, 8, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{head_row + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
