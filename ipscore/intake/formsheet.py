"""The fill-in form a city downloads: one sheet, a row per field, drop-downs and range checks,
printed and stamped as an office files it. `sheets` reads it back."""

from __future__ import annotations

import io
from typing import Literal, cast

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..packs import FieldDecl, Pack
from ..packs.conditions import fields_read
from .sheets import FORM_HEAD, FORM_SHEET


def form(pack: Pack) -> bytes:
    """The fill-in form for a pack, as an office prints and stamps it: the city profile on top,
    then one row per field under a heading naming the tasks that read its group, what to fill
    in printed beside each (not only in a comment), borders, and a sign-off block."""
    book = Workbook()
    sheet = cast(Worksheet, book.active)  # a new workbook has its one sheet active
    sheet.title = FORM_SHEET
    sheet.append([f"{pack.pack.title} — 数据填报表"])
    sheet.append([f"规则包 {pack.id} {pack.pack.version}（指纹 {pack.content_hash[:12]}）"])
    sheet.append(
        [
            "只填黄色格：“填报值”和“佐证材料”。不知道的留空（算缺报），不要填0代替；"
            "是/否请从下拉中选；金额单位为万元。“佐证材料”每行一份：文号；标题；日期；文件"
            "（文件放在本表所在文件夹内，写相对路径）。最右一列的字段代码不要修改。"
        ]
    )
    sheet.append(list(FORM_HEAD))
    head_row = sheet.max_row
    sheet.append(["规则包", pack.id, "", "不要修改", "", "pack"])
    sheet.append(["评估年度", pack.pack.year, "", "不要修改", "", "year"])
    fill = PatternFill("solid", fgColor="FFF9C4")
    group_fill = PatternFill("solid", fgColor="E3F2FD")
    validations: list[DataValidation] = []
    headings = _group_headings(pack)
    for group, decls in pack.fields.items():
        sheet.append([headings[group]])
        for c in range(1, len(FORM_HEAD) + 1):
            sheet.cell(sheet.max_row, c).fill = group_fill
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for key, decl in decls.items():
            if decl.type == "ratio":
                continue
            sheet.append([decl.label, None, decl.unit or "", _hint(decl), None, f"{group}.{key}"])
            cell = sheet.cell(sheet.max_row, 2)
            cell.fill = fill
            sheet.cell(sheet.max_row, 5).fill = fill
            rule = _validation(decl)
            if rule is not None:
                rule.add(cell)
                validations.append(rule)
            if decl.type == "date":
                cell.number_format = "yyyy-mm-dd"
    for rule in validations:
        sheet.add_data_validation(rule)
    last = sheet.max_row
    sheet.append([])
    for label in ("填报单位（盖章）", "填报人", "联系电话", "填报日期"):
        sheet.append([label])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    thin = Side(style="thin", color="90A4AE")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for row in [
        *sheet.iter_rows(min_row=head_row, max_row=last),
        *sheet.iter_rows(min_row=last + 2),
    ]:
        for cell in row[: len(FORM_HEAD)]:
            cell.border = box
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=13)
    for cell in sheet[head_row]:
        cell.font = Font(bold=True)
    sheet.cell(head_row, 5).comment = Comment(
        "每行一份佐证材料：文号；标题；日期；文件，不知道的部分留空，如\n"
        "某政发〔2015〕12号；某市知识产权工作方案；2015-11-20；附件/方案.pdf\n"
        "文件须在本表所在文件夹内；只写文件名或只写文号也可以。",
        "ipscore",
    )
    for letter, width in zip("ABCDEF", (40, 16, 8, 52, 40, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{head_row + 1}"
    # Printed, the form fits the page width and repeats its heading row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = f"{head_row}:{head_row}"
    cast(HeaderFooterItem, sheet.oddFooter).center.text = "&P / &N"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _group_headings(pack: Pack) -> dict[str, str]:
    """Each field group's heading: the tasks whose requirements read it (城市概况 for the
    profile), so a clerk fills in a task's figures together."""
    tasks: dict[str, dict[str, str]] = {group: {} for group in pack.fields}
    for task, req in pack.requirements():
        for name in fields_read(req.check):
            group = name.split("@")[0].split(".")[0]
            if group in tasks:
                tasks[group][task.id] = task.title
    out = {}
    for group, used in tasks.items():
        if group == "city":
            out[group] = "城市概况"
        elif used:
            out[group] = "用于：" + "；".join(f"{tid} {title}" for tid, title in used.items())
        else:
            out[group] = group
    return out


def _hint(decl: FieldDecl) -> str:
    kinds = {
        "bool": "从下拉中选“是”或“否”",
        "count": "不小于0的整数",
        "amount": f"不小于0的数，最多{decl.decimals}位小数",
        "date": "日期，如 2015-12-31",
        "enum": "从下拉中选：" + "、".join((decl.values or {}).values()),
        "text": "文字",
    }
    unit = f"（单位：{decl.unit}）" if decl.unit else ""
    return f"填写：{kinds[decl.type]}{unit}\n{decl.help or ''}".strip()


def _validation(decl: FieldDecl) -> DataValidation | None:
    if decl.type == "bool":
        return _rule("list", "请选“是”或“否”", '"是,否"')
    if decl.type == "enum":
        labels = ",".join((decl.values or {}).values())
        return _rule("list", "请从下拉中选", f'"{labels}"')
    if decl.type in ("count", "amount"):
        top = str(decl.max) if decl.max is not None else "1000000000000"
        low = str(decl.min if decl.min is not None else 0)
        kind: Literal["whole", "decimal"] = "whole" if decl.type == "count" else "decimal"
        return _rule(kind, f"请填 {low} 到 {top} 之间的数", low, top)
    if decl.type == "date":
        return _rule("date", "请填日期，如 2015-12-31", "36526", "73051")
    return None


def _rule(
    kind: Literal["list", "whole", "decimal", "date"],
    error: str,
    formula1: str,
    formula2: str | None = None,
) -> DataValidation:
    """A drop-down or range check on a cell, with a Chinese message when it is broken."""
    return DataValidation(
        type=kind,
        operator=None if formula2 is None else "between",
        formula1=formula1,
        formula2=formula2,
        error=error,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="填写有误",
    )
