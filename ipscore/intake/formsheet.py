"""The fill-in form a city downloads: one sheet, a row per field, drop-downs and range checks,
printed and stamped as an office files it. `sheets` reads it back."""

from __future__ import annotations

import io
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
from ..packs.conditions import fields_read, split_year
from ..packs.model import parts_of
from .sheets import FORM_HEAD, FORM_SHEET, ITEM, POINTS_HEAD, SELF, column_letter


def form(pack: Pack) -> bytes:
    """The fill-in form for a pack, as an office prints and stamps it: the city profile on top,
    then one row per field under a heading naming the tasks that read its group, what to fill
    in printed beside each (not only in a comment), borders, and a sign-off block. A points
    sheet's form is laid out like the office's own sheet (`_points_form`)."""
    if pack.is_sheet:
        return _points_form(pack)
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
    _finish(sheet, head_row, len(FORM_HEAD), 5, (40, 16, 8, 52, 40, 30))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _finish(
    sheet: Worksheet, head_row: int, columns: int, evidence: int, widths: tuple[int, ...]
) -> None:
    """The sign-off block under the last row, borders, the heading in bold with the note on
    documents, column widths, and the printed page: the page width, the heading row repeated
    on every page, page numbers."""
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
        for cell in row[:columns]:
            cell.border = box
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=13)
    for cell in sheet[head_row]:
        cell.font = Font(bold=True)
    sheet.cell(head_row, evidence).comment = Comment(
        "每行一份佐证材料：文号；标题；日期；文件，不知道的部分留空，如\n"
        "某政发〔2015〕12号；某市知识产权工作方案；2015-11-20；附件/方案.pdf\n"
        "文件须在本表所在文件夹内；只写文件名或只写文号也可以。",
        "ipscore",
    )
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


FILL = PatternFill("solid", fgColor="FFF9C4")  # the cells to fill in
HEADING = PatternFill("solid", fgColor="E3F2FD")
COLUMN = {name: n for n, name in enumerate(POINTS_HEAD, start=1)}


def _points_form(pack: Pack) -> bytes:
    """A points sheet's form, laid out like the office's 考核评分表: 考核内容 | 分值 | 评分标准 |
    填报项 | 填报值 | 自评分. The city's profile on top; then under each task's heading one
    block per item: its title, 分值 and 评分标准 (and its one 自评分) merged down the block, a
    row for each figure the item reads; the figures no item reads after the items. What to fill
    in is printed beside each figure, and the codes in the last two columns are what
    `sheets` reads the form by."""
    book = Workbook()
    sheet = cast(Worksheet, book.active)  # a new workbook has its one sheet active
    sheet.title = FORM_SHEET
    sheet.append([f"{pack.pack.title} — 考核评分表（自评填报）"])
    sheet.append([f"规则包 {pack.id} {pack.pack.version}（指纹 {pack.content_hash[:12]}）"])
    sheet.append(
        [
            "只填黄色格：“填报值”“自评分”和“佐证材料”。不知道的留空（算缺报），不要填0代替；"
            "是/否请从下拉中选；金额单位为万元。“自评分”按评分标准自己打分，每项一格（可留空），"
            "评估结果逐项列出自评分与计算得分之差。“佐证材料”每行一份：文号；标题；日期；文件。"
            "最右两列的代码不要修改。"
        ]
    )
    sheet.append(list(POINTS_HEAD))
    head_row = sheet.max_row
    filling = _Filling(sheet)
    filling.fixed("规则包", pack.id, "pack")
    filling.fixed("评估年度", pack.pack.year, "year")
    filling.heading("城市概况")
    for key, decl in pack.fields.get("city", {}).items():
        filling.field(f"city.{key}", decl)
    for n, task in enumerate(pack.tasks, start=1):
        total = sum((req.points.value for req in task.requirements if req.points), Decimal(0))
        filling.heading(
            f"{_numeral(n)}、{task.title}" + (f"（{_number(total)}分）" if total else "")
        )
        for req in task.requirements:
            filling.item(pack, req)
    filling.rest(pack)
    start = pack.scoring.sheet.start
    maximum = start + sum((r.points.value for _, r in pack.requirements() if r.points), Decimal(0))
    sheet.append(["合计", _number(maximum), f"基础分{_number(start)}分" if start else None])
    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    for rule in filling.validations:
        sheet.add_data_validation(rule)
    _finish(sheet, head_row, len(POINTS_HEAD), COLUMN["佐证材料"], _POINTS_WIDTHS)
    for first in filling.blocks:
        for column in ("考核内容", "分值", SELF):
            sheet.cell(first, COLUMN[column]).alignment = Alignment(
                wrap_text=True, horizontal="center", vertical="center"
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_POINTS_WIDTHS = (16, 7, 44, 30, 14, 9, 34, 30, 32, 24)


class _Filling:
    """The rows of a points sheet's form as they are written: which fields are already on it,
    the data validations, and each item's block of rows (merged down in its first columns)."""

    def __init__(self, sheet: Worksheet) -> None:
        self.sheet = sheet
        self.shown: dict[str, str] = {}  # field → where it is filled in (the item or 城市概况)
        self.validations: list[DataValidation] = []
        self.blocks: list[int] = []  # the first row of each item's block
        self.under = "城市概况"

    def _row(self, cells: dict[str, Any]) -> int:
        self.sheet.append([cells.get(name) for name in POINTS_HEAD])
        return self.sheet.max_row

    def fixed(self, label: str, value: Any, code: str) -> None:
        self._row({"填报项": label, "填报值": value, "填写说明": "不要修改", "字段代码": code})

    def heading(self, text: str) -> None:
        self.under = text
        row = self._row({"考核内容": text})
        for c in range(1, len(POINTS_HEAD) + 1):
            self.sheet.cell(row, c).fill = HEADING
        self.sheet.cell(row, 1).font = Font(bold=True)

    def field(self, name: str, decl: FieldDecl) -> None:
        """A row to fill in: the field's label and unit, its value cell (with the drop-down or
        range check of the field's type) and its documents."""
        label = f"{decl.label}（{decl.unit}）" if decl.unit else decl.label
        row = self._row({"填报项": label, "填写说明": _hint(decl), "字段代码": name})
        cell = self.sheet.cell(row, COLUMN["填报值"])
        cell.fill = FILL
        self.sheet.cell(row, COLUMN["佐证材料"]).fill = FILL
        rule = _validation(decl)
        if rule is not None:
            rule.add(cell)
            self.validations.append(rule)
        if decl.type == "date":
            cell.number_format = "yyyy-mm-dd"
        self.shown[name] = self.under

    def item(self, pack: Pack, req: Requirement) -> None:
        """An item's block: a row per figure it reads (one filled in under an earlier item is
        named, not asked twice), its title, 分值, 评分标准 and 自评分 merged down the block."""
        assert req.points is not None  # every requirement of a points sheet is an item
        first = self.sheet.max_row + 1
        self.under = f"“{req.title}”"
        for name in item_fields(pack, req):
            if name in self.shown:
                self._row({"填报项": f"{pack.field(name).label}：见{self.shown[name]}"})
            else:
                self.field(name, pack.field(name))
        if self.sheet.max_row < first:
            self._row({"填报项": "（无需另外填报）"})
        last = self.sheet.max_row
        put = {
            "考核内容": req.title,
            "分值": _number(req.points.value),
            "评分标准": req.points.criteria,
            ITEM: req.id,
        }
        for column, value in put.items():
            self.sheet.cell(first, COLUMN[column]).value = value
        self.sheet.cell(first, COLUMN[SELF]).fill = FILL
        claimed = _rule("decimal", "请填一个数（自评分）", "-999", "999")
        claimed.add(self.sheet.cell(first, COLUMN[SELF]))
        self.validations.append(claimed)
        if last > first:
            for column in (*put, SELF):
                c = COLUMN[column]
                self.sheet.merge_cells(start_row=first, start_column=c, end_row=last, end_column=c)
        self.blocks.append(first)

    def rest(self, pack: Pack) -> None:
        """The figures no item reads: under each veto that reads them, then the others."""
        left = [n for n in pack.field_names() if n not in self.shown and _asked(pack, n)]
        for veto in pack.scoring.vetoes:
            read = [n for n in _inputs(pack, fields_read(veto.when)) if n in left]
            if read:
                self.heading(f"一票否决：{veto.title}")
                for name in read:
                    self.field(name, pack.field(name))
                left = [n for n in left if n not in read]
        if left:
            self.heading("其他填报项")
            for name in left:
                self.field(name, pack.field(name))


def item_fields(pack: Pack, req: Requirement) -> list[str]:
    """The fields a city files for an item, in the pack's order: those its parts' bands and
    its applicability read (a ratio by the figures it is computed from, another year's
    figure by this year's field)."""
    read: list[str] = []
    for part in parts_of(req):
        for band in part.bands:
            read += fields_read(band.when)
    for cond in (req.check, req.applies_if):
        if cond is not None:
            read += fields_read(cond)
    return _inputs(pack, read)


def _inputs(pack: Pack, names: list[str]) -> list[str]:
    wanted: set[str] = set()
    for name in names:
        base = split_year(name)[0]
        decl = pack.field(base)
        wanted.update(decl.of if decl.type == "ratio" and decl.of else [base])
    return [n for n in pack.field_names() if n in wanted and _asked(pack, n)]


def _asked(pack: Pack, name: str) -> bool:
    return pack.field(name).type != "ratio"


def _number(value: Decimal) -> int | float:
    """分值 as a number a spreadsheet adds up: 15, 2.5."""
    return int(value) if value == value.to_integral_value() else float(value)


_DIGITS = "零一二三四五六七八九"


def _numeral(n: int) -> str:
    """一, 二, …, 十, 十一, …, 二十: a heading's number as an office writes it (n < 100)."""
    tens, ones = divmod(n, 10)
    if not tens:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
