"""Word documents (.docx) of the city and cohort reports, from the same context the HTML
templates render: real headings, tables whose heading row repeats on every page, A4, page
numbers. An office opens them without edits: the document's title and the office as author
(ipscore where no `--org` is given), the time it was produced (none with `--no-timestamp`),
black headings kept with what follows, rows that never split across pages, column widths set,
and fonts Windows and WPS have by name: 宋体 and Times New Roman for text, 黑体 and Arial for
headings. One piece: every report's Word form is built by the one `_Doc` with the same
conventions, each function the Word twin of one HTML template."""

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

from .render import punct

GRADE_COLOURS = {"excellent": "1B5E20", "good": "2E7D32", "pass": "8D6E00", "fail": "C62828"}
STATUS_COLOURS = {
    "met": "2E7D32",
    "unmet": "C62828",
    "missing": "B45309",
    "not_applicable": "546E7A",
}


# Fonts by the names Windows and WPS install: (East Asian, Latin) for body text and headings.
BODY_FONTS = ("宋体", "Times New Roman")
HEADING_FONTS = ("黑体", "Arial")
BLACK = RGBColor(0, 0, 0)
# Who the document says wrote it where no office is named (`--org`).
TOOL = "ipscore"


class _Doc:
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
    ) -> Table:
        """A bordered table whose first row repeats on every page; a cell is text, or
        (text, colour) for a coloured word."""
        table: Table = self.doc.add_table(rows=1, cols=len(head))
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
        return buffer.getvalue()


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


def _notes(doc: _Doc, ctx: dict[str, Any]) -> None:
    """The data note (example data says so) and 评估依据, under the title."""
    t = ctx["t"]
    p = punct(ctx["lang"])
    for line in ctx["provenance"]["notes"]:
        doc.para(f"{t['data_note']}{p['colon']}{line}", colour="B71C1C", size=9)
    doc.para(f"{t['basis']}{p['colon']}" + p["semi"].join(ctx["office"]["basis"]), size=9)
    for line in ctx["office"]["not_encoded"]:
        doc.para(line, size=9)


def _end(doc: _Doc, ctx: dict[str, Any]) -> None:
    """The sign-off block and where the report came from."""
    t, office = ctx["t"], ctx["office"]
    doc.para()
    doc.table(
        [t["signoff"], office["org"], t["reviewer"], office["reviewer"]],
        [[t["signature"], "", t["date"], office["date"]]],
        (30, 60, 25, 55),
    )
    _provenance(doc, ctx)


def _provenance(doc: _Doc, ctx: dict[str, Any]) -> None:
    t, origin = ctx["t"], ctx["provenance"]
    doc.heading(t["provenance"], 2)
    doc.para(t["provenance_note"], size=9)
    doc.table(["", ""], [[name, value] for name, value in origin["rows"]], (45, 125))
    if origin["inputs"]:
        doc.table(
            [t["city"], t["input_file"], t["input_sha256"], t["data_note"]],
            [[i["city"], i["file"], i["sha256"], i["note"]] for i in origin["inputs"]],
        )


def _requirements(
    doc: _Doc, ctx: dict[str, Any], items: list[dict[str, Any]], points: bool = False
) -> None:
    t = ctx["t"]
    p = punct(ctx["lang"])
    rows = []
    for r in items:
        first = f"{r['id']} {r['title']}{p['lp']}{r['kind']}{p['rp']}"
        if r.get("evidence"):
            first += f"\n{t['evidence']}{p['colon']}" + p["semi"].join(r["evidence"])
        if r.get("state_label") and (
            r["status"] == "met" or r.get("state") in ("verified", "rejected")
        ):
            first += f"\n{r['state_label']}"
        late = t["overdue"] if r.get("overdue") else f"+{r.get('points')}"
        verdict = r["status_label"] + (f"\n{late}" if points and "points" in r else "")
        gap = "\n".join(x for x in (r["gap"], r["remedy"] if r["open"] else None) if x)
        rows.append(
            [
                first,
                (verdict, STATUS_COLOURS.get(r["status"])),
                "\n".join(f"{i['label']}{p['colon']}{i['value']}" for i in r["inputs"]),
                r["expected"],
                gap,
                f"“{r['citation']['text']}”{p['lp']}{r['citation']['section']}{p['rp']}",
            ]
        )
    doc.table(
        [
            t["requirement"],
            t["verdict"],
            t["inputs"],
            t["expected"],
            f"{t['gap']} / {t['remedy']}",
            t["source"],
        ],
        rows,
        (32, 16, 34, 28, 32, 36),
    )


def _page_one(doc: _Doc, ctx: dict[str, Any], page: dict[str, Any]) -> None:
    """Page one's lists after the summary: blockers, 请补报, the plan, past deadlines."""
    t, p = ctx["t"], punct(ctx["lang"])

    def aside(*words: str) -> str:  # "（已过期限，期限：2009年3月）", or nothing
        return f"{p['lp']}{''.join(words)}{p['rp']}" if all(words) else ""

    if page["blockers"]:
        doc.para(f"{t['blocked_by']} · {t['blocked_note']}", bold=True)
        doc.bullets(
            f"{b['id']} {b['title']}{aside(t['unmet_word'])}"
            + (f"{p['colon']}{b['gap']}" if b["gap"] else "")
            + aside(t["overdue"], p["comma"], b["overdue"] or "")
            + aside(t["responsible"], p["colon"], b["responsible"])
            for b in page["blockers"]
        )
    if page["to_fill"]:
        doc.para(f"{t['to_fill']} · {t['to_fill_note']}", bold=True)
        doc.bullets(
            f"{b['id']} {b['title']}{p['colon']}"
            + (p["list"].join(b["fields"]) if b["fields"] else b["gap"] or "")
            + (aside(t["to_fill_blocks"]) if b["blocks"] else "")
            for b in page["to_fill"]
        )
    if page["ahead"]:
        doc.para(page["ahead"]["head"])
        doc.bullets(f"{i['change']}{aside(i['meets'])}" for i in page["ahead"]["actions"])
        best = page["ahead"]["best"]
        doc.bullets(f"{i['id']} {i['title']}{aside('+', i['points'])}" for i in best)
    if page["overdue"]:
        doc.para(f"{t['overdue']} · {t['overdue_note']}", bold=True)
        doc.bullets(f"{b['id']} {b['title']}{aside(b['overdue'])}" for b in page["overdue"])


def _vetoes(doc: _Doc, ctx: dict[str, Any], sheet: dict[str, Any]) -> None:
    """A sheet's vetoes that hold, first on page one: title, effect and the rule quoted."""
    if not sheet["vetoes"]:
        return
    p, w = punct(ctx["lang"]), sheet["t"]
    doc.para(f"{w['veto']} · {w['veto_note']}", bold=True, colour="C62828")
    doc.bullets(
        f"{v['title']}{p['colon']}{v['effect']}{p['semi']}{w['cited']}{p['colon']}"
        f"{v['source']}{p['comma']}{v['section']}{p['colon']}“{v['text']}”"
        for v in sheet["vetoes"]
    )


def _sheet_table(doc: _Doc, ctx: dict[str, Any], sheet: dict[str, Any]) -> None:
    """The item table as the office's sheet: 考核内容 | 分值 | 评分标准 | 得分 | 自评分 | 差异,
    a row for each task's heading, a 合计 row at the foot."""
    p, w = punct(ctx["lang"]), sheet["t"]
    doc.heading(w["sheet"], 1)
    rows: list[list[Any]] = []
    for r in sheet["rows"]:
        if r["group"]:
            rows.append([(r["title"], "1A1A1A"), "", "", "", "", ""])
            continue
        rows.append(
            [
                f"{r['title']}{p['lp']}{r['id']}{p['rp']}",
                r["value"],
                r["criteria"],
                f"{r['points']}\n{r['words']}",
                r["claimed"],
                (r["difference"], "C62828") if r["differs"] else r["difference"],
            ]
        )
    total = sheet["sum"]
    rows.append(
        [
            (w["sum_row"], "1A1A1A"),
            total["value"],
            "",
            (total["points"], "1A1A1A"),
            total["claimed"],
            (total["difference"], "C62828") if total["differs"] else total["difference"],
        ]
    )
    doc.table(
        [w["item"], w["value"], w["criteria"], w["points"], w["self_score"], w["difference"]],
        rows,
        (32, 14, 44, 46, 16, 26),
    )
    if sheet["capped"]:
        doc.para(sheet["capped"], size=9)


def city(ctx: dict[str, Any]) -> bytes:
    """The city report as a Word document."""
    t = ctx["t"]
    p = punct(ctx["lang"])
    doc = _Doc(ctx)
    doc.title(f"{ctx['city']} {ctx['year']} · {ctx['title']}")
    doc.para(f"{ctx['pack_title']}{p['lp']}{ctx['pack_id']} {ctx['pack_version']}{p['rp']}", size=9)
    _notes(doc, ctx)
    profile = [f"{row['label']} {row['value']}" for row in ctx["profile"]]
    if ctx["has_mandatory"]:
        complete = t["all_complete"] if ctx["mandatory_complete"] else t["not_complete"]
        profile.append(f"{t['mandatory']} {complete}")
    doc.para("　".join(profile))

    page = ctx["conclusion"]
    doc.heading(t["conclusion"], 1)
    sheet = ctx.get("sheet")
    if sheet:
        _vetoes(doc, ctx, sheet)
    headline = doc.para(
        f"{sheet['total_line']}　{t['grade']} "
        if sheet
        else f"{t['score']} {ctx['score']}　{t['grade']} ",
        bold=True,
        size=13,
    )
    grade = headline.add_run(ctx["grade_label"])
    grade.bold = True
    grade.font.size = Pt(13)
    grade.font.color.rgb = RGBColor.from_string(GRADE_COLOURS.get(ctx["grade"], "1A1A1A"))
    if page["fixed"]:
        headline.add_run(f"　{t['once_fixed']}{p['colon']}{page['fixed']}").bold = True
    doc.para(ctx["summary"])
    _page_one(doc, ctx, page)

    if ctx["mode"] == "self-check":
        doc.heading(t["todo"], 1)
        _requirements(doc, ctx, ctx["todo"], points=True) if ctx["todo"] else doc.para(
            t["todo_none"]
        )
    if sheet:
        _sheet_table(doc, ctx, sheet)
    for task in ctx["tasks"]:
        meta = " · ".join(
            x
            for x in (
                task["mandatory"],
                task["status_label"],
                f"{t['fraction']} {task['fraction']}",
            )
            if x
        )
        doc.heading(f"{task['id']} {task['title']}", 2)
        doc.para(meta, size=9)
        _requirements(doc, ctx, task["requirements"])
    if ctx["mode"] != "self-check":
        doc.heading(t["todo"], 1)
        _requirements(doc, ctx, ctx["todo"], points=True) if ctx["todo"] else doc.para(
            t["todo_none"]
        )

    doc.heading(t["missing_inputs"], 1)
    if ctx["missing"]:
        doc.bullets(m["label"] for m in ctx["missing"])
    else:
        doc.para(t["no_missing"])
    doc.heading(t["evidence_title"], 1)
    if ctx["checked"]:
        c = ctx["checked"]
        doc.para(
            f"{t['declared_score']} {c['declared']}{p['semi']}"
            f"{t['verified_score']} {c['verified']}{p['lp']}{c['states']}{p['rp']}"
        )
    if ctx["documents"]:
        doc.table(
            [t["evidence_for"], t["evidence"], t["evidence_file"]],
            [
                [
                    d["label"],
                    d["words"],
                    (d["file"] or "")
                    + (f"{p['lp']}{t['evidence_absent']}{p['rp']}" if d["absent"] else ""),
                ]
                for d in ctx["documents"]
            ],
            (50, 70, 50),
        )
    else:
        doc.para(t["evidence_none"])
    if ctx["other_years"]:
        doc.heading(t["other_years"], 1)
        doc.table(
            [t["field"], t["figure_used"], t["origin"]],
            [[y["label"], y["value"], y["origin"]] for y in ctx["other_years"]],
            (50, 30, 90),
        )
    if ctx["warnings"]:
        doc.heading(t["warnings"], 1)
        doc.bullets(f"{w['id']} {w['text']}" for w in ctx["warnings"])
    doc.heading(t["notes"], 1)
    doc.para(t["interpretive"])
    doc.bullets(f"{n['id']}{p['colon']}{n['text']}" for n in ctx["interpretive"])
    doc.heading(t["scoring_policy"], 2)
    doc.para(ctx["scoring_note"])
    _end(doc, ctx)
    return doc.bytes()


def cohort(ctx: dict[str, Any]) -> bytes:
    """The cohort report as a Word document (landscape: the ranking and the grid are wide)."""
    t = ctx["t"]
    p = punct(ctx["lang"])
    doc = _Doc(ctx, landscape=True)
    doc.title(f"{ctx['title']} · {ctx['year']}")
    doc.para(
        f"{ctx['pack_title']}{p['lp']}{ctx['pack_id']} {ctx['pack_version']}{p['rp']}"
        f"· {ctx['count']} {t['cities']}",
        size=9,
    )
    _notes(doc, ctx)
    doc.heading(t["ranking"], 1)
    for tier in ctx["tiers"]:
        if tier["name"]:
            doc.heading(tier["name"], 2)
        head = [t["rank"], t["city"]]
        head += [t["province"]] if ctx["with_province"] else []
        head += [t["batch"]] if ctx["with_batch"] else []
        head += [t["score"], t["grade"]]
        head += [*ctx["sheet"]["heads"], ctx["sheet"]["self_head"]] if ctx["sheet"] else []
        head += [t["blocked_head"]] if ctx["has_mandatory"] else []
        head += [ctx["verified_head"]] if ctx["with_verified"] else []
        head += [ctx["prev_head"]] if ctx["with_prev"] else []
        head += [ctx["since_head"]] if ctx["with_since"] else []
        rows = []
        for row in tier["rows"]:
            cells: list[Any] = [row["rank"], row["city"]]
            cells += [row["province"]] if ctx["with_province"] else []
            cells += [row["batch"]] if ctx["with_batch"] else []
            cells += [row["score"], (row["grade_label"], GRADE_COLOURS.get(row["grade"]))]
            cells += [*row["items"], row["claimed"]] if ctx["sheet"] else []
            cells += [row["blocked"]] if ctx["has_mandatory"] else []
            cells += [row["verified"]] if ctx["with_verified"] else []
            cells += [row["prev"]] if ctx["with_prev"] else []
            cells += [row["since"]] if ctx["with_since"] else []
            rows.append(cells)
        doc.table(head, rows)
    doc.heading(t["distribution"], 1)
    doc.table(
        [t["grade"], t["count_head"], "%"],
        [
            [(g["label"], GRADE_COLOURS.get(g["code"])), g["count"], f"{g['percent']}%"]
            for g in ctx["distribution"]
        ],
    )
    doc.heading(t["most_unmet"], 1)
    doc.table(
        [t["requirement"], t["unmet_count"], t["source"]],
        [
            [f"{r['id']} {r['title']}", f"{r['count']} / {r['of']}", r["section"]]
            for r in ctx["most_unmet"]
        ],
    )
    doc.heading(t["heatmap"], 1)
    doc.para("　".join(f"{m['mark']} {m['label']}" for m in ctx["legend"]), size=9)
    for part in ctx["grid_parts"]:
        if len(ctx["grid_parts"]) > 1:
            rows_range = (
                " · " + t["rows_range"].format(first=part["rows_from"], last=part["rows_to"])
                if part["rows_from"]
                else ""
            )
            doc.heading(
                t["cities_range"].format(first=part["from"], last=part["to"], count=ctx["count"])
                + rows_range,
                3,
            )
        head = [t["requirement"], *([t["pass_rate"]] if part["first"] else []), *part["cities"]]
        rows = [
            [
                f"{r['id']} {r['title']}",
                *([r["rate"]] if part["first"] else []),
                *[(c["mark"], STATUS_COLOURS.get(c["status"])) for c in r["cells"]],
            ]
            for r in part["rows"]
        ]
        doc.table(head, rows)
    doc.heading(t["scoring_policy"], 2)
    doc.para(ctx["scoring_note"])
    _end(doc, ctx)
    return doc.bytes()


def simulation(ctx: dict[str, Any]) -> bytes:
    """A scenario file's comparison as a Word document."""
    t = ctx["t"]
    p = punct(ctx["lang"])
    doc = _Doc(ctx, landscape=True)
    doc.title(ctx["name"])
    doc.para(
        f"{ctx['city']} · {ctx['pack_title']}"
        f"{p['lp']}{ctx['pack_id']} {ctx['pack_version']}{p['rp']}",
        size=9,
    )
    for line in ctx["provenance"]["notes"]:
        doc.para(f"{t['data_note']}{p['colon']}{line}", colour="B71C1C", size=9)
    complete = {True: t["all_complete"], False: t["not_complete"]}
    base = ctx["baseline"]
    rows: list[list[Any]] = [
        [t["baseline"], base["score"], "", (base["grade_label"], GRADE_COLOURS.get(base["grade"])),
         complete[base["mandatory_complete"]], ""]
    ]  # fmt: skip
    for v in ctx["variants"]:
        variant = v["variant"]
        rows.append(
            [v["name"], variant["score"], v["change"],
             (variant["grade_label"], GRADE_COLOURS.get(variant["grade"])),
             complete[variant["mandatory_complete"]], "\n".join(v["changes"])]
        )  # fmt: skip
    doc.table(
        [t["case"], t["score"], t["change"], t["grade"], t["mandatory"], t["changed"]],
        rows,
        (60, 18, 16, 22, 26, 120),
    )
    doc.para(ctx["scoring_note"], size=9)
    _provenance(doc, ctx)
    return doc.bytes()


def review(ctx: dict[str, Any]) -> bytes:
    """The three-year review as a Word document."""
    t = ctx["t"]
    p = punct(ctx["lang"])
    doc = _Doc(ctx, landscape=True)
    doc.title(f"{ctx['title']}{p['lp']}{ctx['first']}–{ctx['last']}{p['rp']}")
    doc.para(f"{t['interpretation']}{p['colon']}{ctx['interpretation']}", colour="B71C1C", size=9)
    doc.para(f"{t['source']}{p['colon']}{ctx['source']}", size=9)
    rows = []
    for c in ctx["cities"]:
        years = [
            y["text"] + (f" {y['grade_label']}\n{y['stored']}" if y["grade"] else "")
            for y in c["years"]
        ]
        outcome = c["outcome"] + (f"\n{c['why']}" if c["why"] else "")
        rows.append([c["city"], c["province"], *years, c["mean"], outcome])
    doc.table(
        [t["city"], t["province"], *map(str, ctx["year_list"]), t["mean"], t["outcome"]], rows
    )
    doc.heading(t["counts"], 2)
    doc.bullets(f"{label}{p['colon']}{n}" for label, n in ctx["counts"])
    doc.table(["", ""], [[name, value] for name, value in ctx["provenance"]["rows"]], (45, 125))
    return doc.bytes()


def strength(ctx: dict[str, Any]) -> bytes:
    """The strength evaluation as a Word document: ranking per tier, the cities left out, the
    method, then a radar and the indicators per city."""
    from docx.shared import Mm as Width

    from .charts import radar_png

    t = ctx["t"]
    p = punct(ctx["lang"])
    doc = _Doc(ctx, landscape=True)
    doc.title(ctx["title"])
    doc.para(f"{ctx['index_title']} · {ctx['year']}", size=9)
    doc.para(f"{t['method']}{p['colon']}{ctx['interpretation']}", colour="B71C1C", size=9)
    _notes(doc, ctx)
    if ctx["uncertainty"]:
        doc.para(ctx["uncertainty"], size=9)
    for tier in ctx["tiers"]:
        doc.heading(tier["name"], 1)
        head = [t["rank"], t["city"], t["province"], t["index"], *ctx["dimension_names"]]
        if ctx["uncertainty"]:
            head += [t["median_rank"], t["interval"]]
        rows = []
        for c in tier["cities"]:
            row = [f"{c['rank']}{t['of']}{c['of']}", c["city"], c["province"], c["index"]]
            row += c["dimensions"]
            if ctx["uncertainty"]:
                row += [c["median_rank"], c["interval"]]
            rows.append(row)
        doc.table(head, rows)
    if ctx["excluded"]:
        doc.heading(t["excluded"], 1)
        doc.bullets(
            e["city"]
            + "".join(
                f"{p['colon']}{f['id']} {f['title']}{p['semi']}{f['remedy']}" for f in e["failed"]
            )
            for e in ctx["excluded"]
        )
    doc.heading(t["method"], 1)
    doc.para(p["semi"].join(ctx["method"]))
    doc.table(
        [t["dimension"], t["weight"], t["indicator"], t["source"]],
        [
            [
                d["label"],
                d["weight"],
                f"{i['id']} {i['label']}{p['semi']}{i['direction']}",
                i["citation"],
            ]
            for d in ctx["dimensions"]
            for i in d["indicators"]
        ],
    )
    for tier in ctx["tiers"]:
        for c in tier["cities"]:
            doc.heading(f"{c['city']} · {tier['name']} · {t['index']} {c['index']}", 2)
            doc.doc.add_picture(
                io.BytesIO(radar_png(ctx["dimension_names"], c["radar_values"], c["radar_median"])),
                width=Width(55),
            )
            doc.para(t["radar_note"], size=8)
            doc.table(
                [t["indicator"], t["value"], t["normalised"]],
                [[i["label"], i["value"], i["normalised"]] for i in c["indicators"]],
            )
    _end(doc, ctx)
    return doc.bytes()
