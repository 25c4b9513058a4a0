"""Excel and CSV intake: the fill-in form a city office sends back (`formsheet` writes it),
and batch tables (one row per city) that reviewers receive. People type these by hand, so the
reader is tolerant where that is safe (是/否, 有/无, ✓, thousands separators, 2015年12月31日) and
strict where it matters; every problem names the sheet, the row, the column and what is
expected, all in one pass. One piece: a form and a table share the cell reading, the yes/no
and date words and the row-and-column messages, which must not drift apart.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import itertools
import os
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import (
    MOST_PROBLEMS,
    InputError,
    IpscoreError,
    Problem,
    display_path,
    document_name,
    too_many,
)
from ..packs import FieldDecl, Pack, per_pack
from ..provenance import InputFile, sha256
from ..text import chinese_date, did_you_mean, number_text, yes_no
from ..yamlio import MAX_BYTES, Lines, read_bytes
from .claims import KEY as CLAIMS
from .evidence import from_cell
from .formlayout import form_label
from .formwords import CODE, EVIDENCE, HEADINGS, ITEM, SELF, SHEETS, VALUE, enum_code
from .submission import PackChooser, Submission, parse_submission

if TYPE_CHECKING:  # openpyxl loads only when a workbook is read: a CSV batch starts sooner
    from openpyxl import Workbook

Rows = list[tuple[int, list[Any]]]  # (1-based row number, cells) of the non-empty rows
Inputs = tuple[InputFile, ...]

SHEET_SUFFIXES = (".xlsx", ".csv")
CLAIMED = f"{CLAIMS}."  # a column or row naming an item's 自评分: self_scores.<item>


def column_letter(n: int) -> str:
    """The letters of the n-th column (1 → A, 28 → AB), as Excel names it; openpyxl's own
    helper would load all of openpyxl for a CSV."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _problem(
    name: str, zh: str, en: str, row: int | None = None, field: str | None = None
) -> Problem:
    return Problem(zh, en, name, row, field)


def coerce(decl: FieldDecl, raw: Any) -> Any:
    """A hand-typed cell as the value the submission model expects, where that is unambiguous.

    Anything else is passed on unchanged for the model to reject with its own message.
    """
    if isinstance(raw, str):
        raw = raw.strip()
        if not raw:
            return None
    if decl.type == "bool" and isinstance(raw, str):
        word = yes_no(raw)
        return raw if word is None else word
    if decl.type == "enum" and isinstance(raw, str):
        return enum_code(decl, raw) or raw  # an English form's label, else as typed
    if decl.type in ("count", "amount") and isinstance(raw, str):
        if raw.isascii() and raw.isdigit():  # most cells: a plain whole number
            return int(raw)
        text = number_text(raw)  # "1,234" as the README promises, "１２" too; never "1_000"
        if text is None:
            return raw
        try:  # from the text, never through a binary float
            return Decimal(text) if "." in text or "e" in text.lower() else int(text)
        except (ArithmeticError, ValueError):
            return raw
    if decl.type == "date":
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, str):
            return chinese_date(raw) or raw
    return raw


def _twin_columns(head: list[Any], headers: dict[str, str]) -> list[tuple[str, str, str]]:
    """(zh, en, column) for every column that names a field an earlier column already names:
    one would silently win over the other."""
    first: dict[str, str] = {}
    out = []
    for i, h in enumerate(head):
        if h in (None, ""):
            continue
        field = headers.get(str(h).strip(), str(h).strip())
        letter = column_letter(i + 1)
        if field in first:
            out.append(
                (
                    f"{letter}列与{first[field]}列都是 {field}，请删去一列",
                    f"columns {first[field]} and {letter} are both {field}; remove one",
                    f"{letter}列",
                )
            )
        else:
            first[field] = letter
    return out


def _headers(pack: Pack) -> dict[str, str]:
    """Column heading → field: dotted names, Chinese labels, and the pack and year columns;
    for a points sheet, each item's 自评分 too (self_scores.<item>, 自评分·<item title>)."""
    out = {"pack": "pack", "规则包": "pack", "year": "year", "年度": "year"}
    for name in pack.field_names():
        decl = pack.field(name)
        if decl.type != "ratio":
            out[name] = name
            out.setdefault(decl.label, name)
    if pack.is_sheet:
        for _, req in pack.requirements():
            out[CLAIMED + req.id] = CLAIMED + req.id
            out.setdefault(f"{SELF}·{req.title}", CLAIMED + req.id)
    return out


def _data(pack: Pack, cells: dict[str, Any]) -> dict[str, Any]:
    """Field name → cell value as a submission document (pack, year, city, facts)."""
    data: dict[str, Any] = {"city": {}, "facts": {}}
    places = _places(pack)
    claimed: dict[str, Any] = {}
    for name, raw in cells.items():
        if name in ("pack", "year"):
            value = raw.strip() if isinstance(raw, str) else raw
            data[name] = _year(value) if name == "year" else value
            continue
        if name.startswith(CLAIMED):
            score = _score(raw)
            if score is not None:
                claimed[name.removeprefix(CLAIMED)] = score
            continue
        group, key, decl = places[name]
        holder = data["city"] if group == "city" else data["facts"].setdefault(group, {})
        holder[key] = coerce(decl, raw)
    if claimed:
        data[CLAIMS] = claimed
    return data


def _score(raw: Any) -> Any:
    """A 自评分 cell as typed: blank is none filed; "16.2", "１６.２" and "1,250" are numbers;
    anything else is passed on for `claims` to refuse with its own message."""
    if isinstance(raw, str):
        raw = raw.strip()
        if not raw:
            return None
        return number_text(raw) or raw
    return raw


_YEAR = re.compile(r"[+-]?\d{1,9}(\.0*)?")


def _year(value: Any) -> Any:
    """A year cell as a whole number (2015, "2015", Excel's 2015.0); anything else as typed,
    for the year's own message: "inf", "1e400" or twenty digits are no year, and no float
    ever turns them into an overflow or a rounded 100000000000000000000."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e9:
        return int(value)
    if isinstance(value, str) and _YEAR.fullmatch(value):
        return int(value.split(".")[0])
    return value


@per_pack
def _places(pack: Pack) -> dict[str, tuple[str, str, FieldDecl]]:
    """Each field's group, key and declaration, by its dotted name."""
    return {
        f"{group}.{key}": (group, key, decl)
        for group, decls in pack.fields.items()
        for key, decl in decls.items()
    }


def _one(
    pack: Pack,
    cells: dict[str, Any],
    where: str,
    rows: dict[str, int],
    columns: dict[str, str],
    any_year: bool = False,
    attached: dict[str, list[dict[str, Any]]] | None = None,
    folder: Path | None = None,
    form: bool = False,
) -> Submission:
    """Validate one city's cells; problems get the row and column of the offending cell (the
    rows of the keys are worked out only then); on a fill-in form, also the item's name as
    the form prints it, which a clerk finds the row by."""
    data = _data(pack, cells)
    if attached:
        data["evidence"] = attached
    try:
        return parse_submission(data, pack, where, {}, any_year=any_year, folder=folder)
    except IpscoreError:
        pass
    lines: Lines = {}
    for name in attached or {}:
        lines[("evidence", name)] = rows[name]
    for name, row in rows.items():
        if name in ("pack", "year"):
            lines[(name,)] = row
        elif name.startswith(CLAIMED):
            lines[(CLAIMS, name.removeprefix(CLAIMED))] = row
            lines.setdefault((CLAIMS,), row)
        else:
            group, key = name.split(".", 1)
            lines[("city", key) if group == "city" else ("facts", group, key)] = row
            lines[("city",) if group == "city" else ("facts", group)] = row
    try:
        return parse_submission(data, pack, where, lines, any_year=any_year, folder=folder)
    except IpscoreError as exc:
        raise InputError(
            [
                Problem(
                    p.zh,
                    p.en,
                    p.file,
                    p.line,
                    _in_column(p.field, columns),
                    form_label(pack, p.field) if form else None,
                )
                for p in exc.problems
            ]
        ) from None


def _in_column(field: str | None, columns: dict[str, str]) -> str | None:
    """A field with the column of its cell: plan.issued（D列）, evidence.plan.issued[1]（F列）."""
    if field is None:
        return None
    letter = columns.get(field) or (
        columns.get("evidence") if field.startswith("evidence.") else None
    )
    return f"{field}（{letter}列）" if letter else field


Body = Iterator[tuple[int, list[Any]]]


def read(path: Path, pack_of: PackChooser, any_year: bool = False) -> list[Submission]:
    """Every city in an .xlsx (a form or a batch table) or a .csv (a batch table)."""
    opened = open_sheet(path, pack_of, any_year)
    if isinstance(opened, Submission):
        return [opened]
    table, body = opened
    return collect(table, typed(table, body, pack_of, any_year))


def open_sheet(
    path: Path, pack_of: PackChooser, any_year: bool = False
) -> Submission | tuple[Table, Body]:
    """A fill-in form's submission, or a batch table's heading and its body rows; a CSV's
    rows are read as they are asked for."""
    name = display_path(path)  # for its problems; documents and records by `document_name`
    shown = document_name(path)
    csv_file = path.suffix.lower() == ".csv"
    raw = read_bytes(path, limit=_TABLE_LIMIT if csv_file else (MAX_BYTES, "IPSCORE_MAX_INPUT_MB"))
    read_from = (InputFile(shown, sha256(raw)),)
    if csv_file:
        rows = _csv_rows(raw, name)
        head_row, head = next(rows)
        return Table(name, read_from, head_row, tuple(head), shown), rows
    book, formulas = _workbook(raw, name)
    if not book.worksheets:
        raise InputError(
            [_problem(name, "工作簿中没有工作表（文件可能已损坏）", "the workbook has no sheet")]
        )
    visible = [ws for ws in book.worksheets if ws.sheet_state == "visible"] or book.worksheets
    sheet = next((book[n] for n in SHEETS if n in book.sheetnames), visible[0])
    where = f"{name}［{sheet.title}］"
    if sheet.max_row > MAX_ROWS or sheet.max_column > MAX_COLUMNS:
        raise InputError(
            [
                _problem(
                    where,
                    f"表格范围 {sheet.max_row} 行 × {sheet.max_column} 列，超过上限 {MAX_ROWS} 行、"
                    f"{MAX_COLUMNS} 列（也许远处有一个误填的单元格）",
                    f"the sheet spans {sheet.max_row} rows × {sheet.max_column} columns, over the "
                    f"limit of {MAX_ROWS} rows and {MAX_COLUMNS} columns",
                )
            ]
        )
    grid = [
        [_cell(where, cell, formulas[sheet.title]) for cell in row] for row in sheet.iter_rows()
    ]
    filled = [(i + 1, r) for i, r in enumerate(grid) if any(v not in (None, "") for v in r)]
    head_at = next(
        (
            n
            for n, r in filled
            if any(_heading(v) == CODE for v in r if v is not None and not isinstance(v, Problem))
        ),
        None,
    )
    merged = _merged_over(sheet, None if head_at is None else grid[head_at - 1], head_at or 0)
    problems = [
        _problem(
            where,
            f"有合并单元格（{merged}），请取消合并后再提交",
            f"merged cells ({merged}): unmerge them first",
            # On a form, the row of the merge: the clerk finds it by its item's name.
            int(re.sub(r"^[A-Z]+(\d+).*$", r"\1", merged)) if merged and head_at else None,
        )
    ] * bool(merged)
    problems += [p for row in grid for value in row if isinstance(value, Problem) for p in [value]]
    if problems and head_at is None:
        raise InputError(problems)
    if not filled:
        raise InputError([_problem(where, "工作表是空的", "the sheet is empty")])
    named = f"{shown}［{sheet.title}］"
    if head_at is not None:
        # A form's every problem at once: a merged or formula cell hides none of the others.
        cleaned = [(n, [None if isinstance(v, Problem) else v for v in r]) for n, r in filled]
        form = _form(cleaned, head_at, where, pack_of, read_from, any_year, path.parent, problems)
        return dataclasses.replace(form, source=named)
    (head_row, head), *body = filled
    return Table(where, read_from, head_row, tuple(head), named), iter(body)


def _merged_over(sheet: Any, form_head: list[Any] | None, head_at: int = 0) -> str | None:
    """The first merged range a reader would misread: in a table any (a merged cell holds its
    value in its first cell only, the rows below would read blank); in a form one over a
    column it is read by (a points sheet's form merges an item's title, 分值, 评分标准 and
    自评分 down its block, which is read from the block's first row)."""
    ranges = list(sheet.merged_cells.ranges)
    if form_head is not None:  # a form's title and note above its heading row are not read
        ranges = [r for r in ranges if r.max_row > head_at]
        read = {i + 1 for i in _form_columns(form_head)[:3] if i is not None}
        ranges = [r for r in ranges if any(r.min_col <= c <= r.max_col for c in read)]
    return min((str(r) for r in ranges), default=None)


def _form_columns(head: list[Any]) -> tuple[int, int, int | None, int | None, int | None]:
    """Where a form's columns are, by its heading row: the code, the value, the documents,
    and on a points sheet's form the 自评分 and the item code."""
    at = {_heading(v): i for i, v in enumerate(head) if v is not None}
    return at[CODE], at.get(VALUE, 3), at.get(EVIDENCE), at.get(SELF), at.get(ITEM)


def _heading(value: Any) -> str:
    """A form's column heading by its Chinese name, in either language's form."""
    text = str(value).strip()
    return HEADINGS.get(text, text)


MAX_UNZIPPED = 200 * 2**20  # an .xlsx is a zip: a few KB can unpack to gigabytes
MAX_ROWS, MAX_COLUMNS = 200_000, 2_000
# A CSV table is read row by row, so it may be larger than one submission (MAX_BYTES).
_TABLE_LIMIT = (int(os.environ.get("IPSCORE_MAX_TABLE_MB", "500")) * 2**20, "IPSCORE_MAX_TABLE_MB")
OLE = b"\xd0\xcf\x11\xe0"  # an encrypted workbook, or an old .xls


def _workbook(raw: bytes, name: str) -> tuple[Workbook, dict[str, Any]]:
    if raw.startswith(OLE):
        raise InputError(
            [
                _problem(
                    name,
                    "这是加密的工作簿或旧版 .xls 文件：请在 Excel 中取消密码，另存为 .xlsx",
                    "an encrypted workbook or an old .xls: remove the password, save as .xlsx",
                )
            ]
        )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unzipped = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        unzipped = 0  # openpyxl below says it is damaged
    if unzipped > MAX_UNZIPPED:
        raise InputError(
            [
                _problem(
                    name,
                    f"解压后有 {unzipped // 2**20} MB，"
                    f"超过上限 {MAX_UNZIPPED // 2**20} MB，拒绝读取",
                    f"unpacks to {unzipped // 2**20} MB, over the {MAX_UNZIPPED // 2**20} MB "
                    "limit: refused",
                )
            ]
        )
    from openpyxl import load_workbook

    try:
        values = load_workbook(io.BytesIO(raw), data_only=True)
        formulas = load_workbook(io.BytesIO(raw), data_only=False)
    except Exception as exc:  # any failure to parse an untrusted file means it is damaged
        if _entities(exc):
            raise InputError(
                [
                    _problem(
                        name,
                        "文件里的 XML 声明了实体（DTD），正常的 Excel 文件没有这种内容，"
                        "出于安全原因拒绝读取",
                        "its XML declares entities (a DTD), which no Excel file has: refused",
                    )
                ]
            ) from None
        raise InputError(
            [
                _problem(
                    name,
                    "不是有效的 Excel（.xlsx）文件，可能已损坏或只下载了一部分",
                    "not a valid Excel (.xlsx) file; it may be damaged or truncated",
                )
            ]
        ) from None
    return values, {ws.title: ws for ws in formulas.worksheets}


def _entities(exc: BaseException | None) -> bool:
    """Whether defusedxml (which openpyxl parses through) refused an entity: an attempt to
    read a local file (XXE) or to expand a "billion laughs"."""
    from defusedxml import DefusedXmlException

    while exc is not None:
        if isinstance(exc, DefusedXmlException):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _cell(where: str, cell: Any, formula_sheet: Any) -> Any:
    value = cell.value
    if value is None:
        source = formula_sheet.cell(cell.row, cell.column).value
        if isinstance(source, str) and source.startswith("="):
            return _problem(
                where,
                f"{cell.coordinate} 是没有计算结果的公式（{source}），"
                "请在 Excel 中计算或粘贴为数值",
                f"{cell.coordinate} is a formula with no computed value ({source}); paste values",
                cell.row,
            )
    return value


def _csv_rows(raw: bytes, name: str) -> Body:
    """The non-empty rows, parsed as they are asked for (a large table is never held parsed
    whole); the first is the heading."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        mixed = _mixed_encodings(raw, name)
        if mixed:
            raise InputError(mixed) from None
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise InputError(
                [
                    _problem(
                        name,
                        "无法识别文件编码，请另存为 UTF-8 或 GB18030 的 CSV",
                        "unknown encoding: save the CSV as UTF-8 or GB18030",
                    )
                ]
            ) from None
    rows = _parsed(csv.reader(io.StringIO(text)), name)
    first = next(rows, None)
    if first is None:
        raise InputError([_problem(name, "文件是空的", "the file is empty")])
    return itertools.chain([first], rows)


def _mixed_encodings(raw: bytes, name: str) -> list[Problem]:
    """The lines of a file that is not UTF-8 throughout but has UTF-8 lines: GB18030 reads
    almost any bytes, so a UTF-8 row pasted into a GB18030 file would be read as mojibake
    (鐢插競) without a word; a GB18030 row in a UTF-8 file is named too. A line is taken for
    UTF-8 when it decodes as UTF-8 into Chinese (a GB18030 line rarely decodes at all, and
    then into other scripts); the fewer kind is named."""
    utf8: list[int] = []
    other: list[int] = []
    for n, line in enumerate(raw.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            other.append(n)
            continue
        (utf8 if all(c.isascii() or _chinese(c) for c in text) else other).append(n)
    if not utf8 or not other:
        return []
    odd, encoding, rest = (
        (utf8, "UTF-8", "GB18030") if len(utf8) <= len(other) else (other, "GB18030", "UTF-8")
    )
    zh = f"这一行是 {encoding} 编码，文件其余部分是 {rest}：请把整个文件另存为 UTF-8 的 CSV"
    en = f"this line is {encoding}, the rest of the file {rest}: save the whole file as UTF-8"
    return [_problem(name, zh, en, n) for n in odd[:MOST_PROBLEMS]]


def _chinese(c: str) -> bool:
    """A character of Chinese text: a hanzi, or Chinese and full-width punctuation."""
    return "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" or c in "\ufeff\u2014\u2026“”‘’·"


def _parsed(reader: Iterator[list[str]], name: str) -> Body:
    n = 0
    try:
        for n, row in enumerate(reader, start=1):
            if any(c.strip() for c in row):
                if n > MAX_ROWS:
                    raise InputError(
                        [_problem(name, f"超过 {MAX_ROWS} 行的上限", f"over {MAX_ROWS} rows")]
                    )
                yield n, row
    except csv.Error as exc:
        raise InputError(
            [_problem(name, f"CSV 格式错误：{exc}", f"malformed CSV: {exc}", n + 1)]
        ) from None


def _form(
    rows: Rows,
    head_at: int,
    where: str,
    pack_of: PackChooser,
    read_from: Inputs,
    any_year: bool = False,
    folder: Path | None = None,
    found: list[Problem] | None = None,
) -> Submission:
    """The vertical fill-in form, read by its heading row: 字段代码 names each row's field,
    填报值 holds the value, 佐证材料 the supporting documents (one per line: 文号；标题；日期；
    文件). Rows without a code (group headings, the sign-off block) are not data. Forms made
    before the columns moved (code in A, value in D, documents in F) read the same way. A
    points sheet's form also has each item's 自评分, on the row naming the item in 评分项代码.
    `found` are the sheet's own problems (a merged or formula cell), reported with the rest."""
    head = next(r for n, r in rows if n == head_at)
    code_at, value_at, evidence_at, self_at, item_at = _form_columns(head)
    letters = {"code": column_letter(code_at + 1), "value": column_letter(value_at + 1)}

    def cell(r: list[Any], i: int | None) -> Any:
        return r[i] if i is not None and len(r) > i else None

    body = [(n, r) for n, r in rows if n > head_at and cell(r, code_at) not in (None, "")]
    cells = {str(cell(r, code_at)).strip(): cell(r, value_at) for _, r in body}
    attached = {
        str(cell(r, code_at)).strip(): from_cell(str(cell(r, evidence_at)))
        for _, r in body
        if cell(r, evidence_at) not in (None, "")
        and str(cell(r, code_at)).strip() not in ("pack", "year")
        and not str(cell(r, code_at)).strip().startswith(CLAIMED)
    }
    pack = pack_of(cells.get("pack") if isinstance(cells.get("pack"), str) else None)
    known = set(_headers(pack).values())
    code_of = {n: str(cell(r, code_at)).strip() for n, r in body}
    problems = [
        dataclasses.replace(p, label=form_label(pack, code_of.get(p.line or 0)))
        for p in found or ()
    ]
    problems += [
        _problem(
            where,
            _unknown_zh(code, known),
            _unknown_en(code, known),
            n,
            f"{code}（{letters['code']}列）",
        )
        for n, r in body
        if (code := str(cell(r, code_at)).strip()) not in known
    ]
    row_of = {str(cell(r, code_at)).strip(): n for n, r in body}
    columns = dict.fromkeys(cells, letters["value"])
    if evidence_at is not None:
        columns["evidence"] = column_letter(evidence_at + 1)
    if self_at is not None:
        self_letter = column_letter(self_at + 1)
        for n, name, score in _claimed(rows, head_at, self_at, item_at, where, problems):
            cells[name], row_of[name], columns[name] = score, n, self_letter
    try:
        usable = {k: v for k, v in cells.items() if k in known or k.startswith(CLAIMED)}
        submission = _one(pack, usable, where, row_of, columns, any_year, attached, folder, True)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.line or 0))
    return dataclasses.replace(submission, inputs=read_from)


def _claimed(
    rows: Rows,
    head_at: int,
    self_at: int,
    item_at: int | None,
    where: str,
    problems: list[Problem],
) -> Iterator[tuple[int, str, Any]]:
    """(row, self_scores.<item>, cell) for each 自评分 filled in on a points sheet's form: on
    the row that names its item in 评分项代码. One anywhere else, or in a form whose item
    codes are gone, cannot be told apart from another item's: it is a problem."""
    letter = column_letter(self_at + 1)
    for n, r in rows:
        score = r[self_at] if len(r) > self_at else None
        if n <= head_at or score is None or not str(score).strip():
            continue
        item = r[item_at] if item_at is not None and len(r) > item_at else None
        if item is not None and str(item).strip():
            yield n, CLAIMED + str(item).strip(), score
            continue
        if item_at is None:
            zh = f"表中没有“{ITEM}”列，读不出这个自评分是哪一项的：请在下载的原表上填写"
            en = "the sheet has no “Item code” column: this self-score's item is unknown"
        else:
            at = column_letter(item_at + 1)
            zh = f"这一行没有评分项代码（{at}列），自评分请填在评分项的第一行"
            en = f"column {at} names no item here: a self-score goes on its item's first row"
        problems.append(_problem(where, zh, en, n, f"{SELF}（{letter}列）"))


def _unknown_zh(code: str, known: Iterable[str]) -> str:
    return f"不认识的字段“{code}”" + did_you_mean(code, sorted(known))[0]


def _unknown_en(code: str, known: Iterable[str]) -> str:
    return f"unknown field “{code}”" + did_you_mean(code, sorted(known))[1]


@dataclass(frozen=True)
class Table:
    """A batch table's heading row, where it is and the file it came from. Its body rows are
    typed in parts (`typed`), by this process or by workers, so a large table is never held
    typed in memory at once."""

    where: str
    read_from: Inputs
    head_row: int
    head: tuple[Any, ...]
    named: str = ""  # where, as documents and records name it (`document_name`)

    def pack_column(self) -> int | None:
        return next(
            (i for i, h in enumerate(self.head) if str(h).strip() in ("pack", "规则包")), None
        )


@dataclass(frozen=True)
class Heading:
    """What a table's heading means under one pack: field → column index and letter, and the
    problems of the heading itself (unknown or twice-named columns)."""

    index: dict[str, int]
    letters: dict[str, str]
    problems: tuple[Problem, ...]


def heading(table: Table, pack: Pack) -> Heading:
    """The heading read under `pack`."""
    headers = _headers(pack)
    first = {str(h).strip(): i for i, h in enumerate(table.head) if h not in (None, "")}
    problems = [
        _problem(table.where, zh, en, table.head_row, column)
        for zh, en, column in _twin_columns(list(table.head), headers)
    ]
    index, letters = {}, {}
    for text, i in first.items():
        letter = column_letter(i + 1)
        if text not in headers:
            problems.append(
                _problem(
                    table.where,
                    _unknown_zh(text, headers),
                    _unknown_en(text, headers),
                    table.head_row,
                    f"{letter}列",
                )
            )
            continue
        index[headers[text]] = i
        letters[headers[text]] = letter
    return Heading(index, letters, tuple(dict.fromkeys(problems)))


@dataclass(frozen=True)
class TypedRow:
    """One body row: its Submission, or the error naming its row and columns."""

    n: int
    result: Submission | InputError
    city_column: str | None = None  # for the message when a city is named twice


def typed(
    table: Table,
    rows: Iterable[tuple[int, list[Any]]],
    pack_of: PackChooser,
    any_year: bool = False,
) -> Iterator[TypedRow]:
    """Each body row typed; the heading's own problems come with the first row read under
    each pack. The heading is worked out once per pack, not once per row."""
    pack_column = table.pack_column()
    headings: dict[str, Heading] = {}
    for n, row in rows:
        pack_id = row[pack_column] if pack_column is not None and pack_column < len(row) else None
        try:
            pack = pack_of(
                pack_id.strip() if isinstance(pack_id, str) and pack_id.strip() else None
            )
        except IpscoreError as exc:
            if any(p.file for p in exc.problems):
                raise  # a broken pack file: its own file and line, once, not once per row
            problems = [Problem(p.zh, p.en, table.where, n, p.field) for p in exc.problems]
            yield TypedRow(n, InputError(problems))
            continue
        head = headings.get(pack.content_hash)
        if head is None:
            head = headings[pack.content_hash] = heading(table, pack)
            if head.problems:
                yield TypedRow(n, InputError(list(head.problems)))
        cells = {f: row[i] if i < len(row) else None for f, i in head.index.items()}
        try:
            submission = _one(
                pack, cells, table.where, dict.fromkeys(cells, n), head.letters, any_year
            )
        except IpscoreError as exc:
            yield TypedRow(n, InputError(exc.problems))
            continue
        yield TypedRow(
            n,
            dataclasses.replace(submission, source=row_source(table, n), inputs=table.read_from),
            head.letters.get("city.name"),
        )


def row_source(table: Table, n: int) -> str:
    return f"{table.named or table.where}第{n}行"


def twice(where: str, n: int, city: str, first: int, column: str | None) -> Problem:
    """A city named on row `n` of a table and on row `first` before it."""
    return _problem(
        where,
        f"城市 {city} 重复（另见第{first}行）",
        f"city {city} appears twice (see also row {first})",
        n,
        f"city.name（{column or '?'}列）",
    )


def empty(table: Table) -> Problem:
    return _problem(table.where, "表中没有城市数据", "no city rows in the table")


def collect(table: Table, rows: Iterable[TypedRow]) -> list[Submission]:
    """Every row typed, every problem (a bad row, a city named twice) reported at once."""
    problems: dict[Problem, None] = {}  # each once, in order (a list's `in` is quadratic)
    out: list[Submission] = []
    seen: dict[str, int] = {}
    for row in rows:
        if len(problems) >= MOST_PROBLEMS:
            raise InputError([*list(problems)[:MOST_PROBLEMS], too_many(table.where)])
        if isinstance(row.result, InputError):
            problems.update(dict.fromkeys(row.result.problems))
        elif row.result.city in seen:
            city = row.result.city
            problems[twice(table.where, row.n, city, seen[city], row.city_column)] = None
        else:
            seen[row.result.city] = row.n
            out.append(row.result)
    if problems:
        raise InputError(list(problems))
    if not out:
        raise InputError([empty(table)])
    return out
