"""Word documents (.docx) of the city and cohort reports, from the same context the HTML
templates render: real headings, tables whose heading row repeats on every page, A4, page
numbers. An office opens them without edits: the document's title and the office as author
(ipscore where no `--org` is given), the time it was produced (none with `--no-timestamp`),
black headings kept with what follows, rows that never split across pages, column widths set,
and fonts Windows and WPS have by name: 宋体 and Times New Roman for text, 黑体 and Arial for
headings (`docxdoc.Doc`). Each function here is the Word twin of one HTML template."""

from __future__ import annotations

from typing import Any

from docx.shared import Pt, RGBColor

from . import docximages
from .docxdoc import HEADING_FONTS, Doc, card
from .render import punct

GRADE_COLOURS = {"excellent": "1B5E20", "good": "2E7D32", "pass": "8D6E00", "fail": "C62828"}
STATUS_COLOURS = {
    "met": "2E7D32",
    "unmet": "C62828",
    "missing": "B45309",
    "not_applicable": "546E7A",
}


def _figures(doc: Doc, ctx: dict[str, Any]) -> docximages.Figures:
    """The document's numbered figures, as wide as its text at most, captions in its fonts."""
    return docximages.Figures(doc.doc, ctx["lang"], doc.width, HEADING_FONTS)


def _notes(doc: Doc, ctx: dict[str, Any]) -> None:
    """The data note (example data says so) and 评估依据, under the title."""
    t = ctx["t"]
    p = punct(ctx["lang"])
    for line in ctx["provenance"]["notes"]:
        doc.para(f"{t['data_note']}{p['colon']}{line}", colour="B71C1C", size=9)
    doc.para(f"{t['basis']}{p['colon']}" + p["semi"].join(ctx["office"]["basis"]), size=9)
    for line in ctx["office"]["not_encoded"]:
        doc.para(line, size=9)


def _end(doc: Doc, ctx: dict[str, Any]) -> None:
    """The sign-off block and where the report came from."""
    t, office = ctx["t"], ctx["office"]
    doc.para()
    doc.table(
        [t["signoff"], office["org"], t["reviewer"], office["reviewer"]],
        [[t["signature"], "", t["date"], office["date"]]],
        (30, 60, 25, 55),
    )
    _provenance(doc, ctx)


def _provenance(doc: Doc, ctx: dict[str, Any]) -> None:
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
    doc: Doc, ctx: dict[str, Any], items: list[dict[str, Any]], points: bool = False
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


def _page_one(doc: Doc, ctx: dict[str, Any], page: dict[str, Any]) -> None:
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


def _vetoes(doc: Doc, ctx: dict[str, Any], sheet: dict[str, Any]) -> None:
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


def _sheet_table(doc: Doc, ctx: dict[str, Any], sheet: dict[str, Any]) -> None:
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
    doc = Doc(ctx)
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
    else:
        doc.heading(t["chart"], 1)
        docximages.task_chart(_figures(doc, ctx), ctx)
    for task in ctx["tasks"]:
        meta = " · ".join(
            x
            for x in (
                task["mandatory"],
                task["status_label"],
                t["fraction_of"].format(task["fraction"]),
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
    doc = Doc(ctx, landscape=True)
    doc.title(f"{ctx['title']} · {ctx['year']}")
    doc.para(
        f"{ctx['pack_title']}{p['lp']}{ctx['pack_id']} {ctx['pack_version']}{p['rp']}"
        f"· {ctx['count']} {t['cities']}",
        size=9,
    )
    _notes(doc, ctx)
    doc.heading(t["ranking"], 1)
    figures = _figures(doc, ctx)
    for tier in ctx["tiers"]:
        if tier["name"]:
            doc.heading(tier["name"], 2)
        docximages.tier_chart(figures, ctx, tier)
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
        doc.table(head, rows, _grid_widths(doc, part))
    doc.heading(t["scoring_policy"], 2)
    doc.para(ctx["scoring_note"])
    _end(doc, ctx)
    _table_text(doc, 9)
    return doc.bytes()


def _grid_widths(doc: Doc, part: dict[str, Any]) -> list[float]:
    """The verdict grid's columns (mm): a city's narrow, its name wrapping in the heading row
    (which repeats on every page) and a mark in each cell, 14 mm or, for a block of 20 cities,
    what leaves the requirement 50 mm; 达到率 as wide as "100%"; the requirement the rest, up
    to 130 mm, so that its title runs on one line, at most two."""
    rate = [15.0] if part["first"] else []
    each = min(14.0, (doc.width - 50.0 - sum(rate)) / max(1, len(part["cities"])))
    marks = [each] * len(part["cities"])
    return [min(130.0, doc.width - sum(marks) - sum(rate)), *rate, *marks]


def _table_text(doc: Doc, size: float) -> None:
    """Every table's text at `size` pt (8 or more reads on paper): a cohort's tables are
    long, and at the body's 10 pt its ranking and grid ran to nearly three times the PDF's
    pages."""
    for table in doc.doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(size)


def simulation(ctx: dict[str, Any]) -> bytes:
    """A scenario file's comparison as a Word document."""
    t = ctx["t"]
    p = punct(ctx["lang"])
    doc = Doc(ctx, landscape=True)
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
    doc = Doc(ctx, landscape=True)
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
    t = ctx["t"]
    p = punct(ctx["lang"])
    doc = Doc(ctx, landscape=True)
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
    if ctx["sobol"]:
        doc.heading(t["sobol"], 1)
        doc.table([t["assumption"], t["first_order"], t["total_order"]], ctx["sobol"]["rows"])
        doc.para(ctx["sobol"]["note"], size=9)
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
    if ctx.get("revision"):
        doc.para(ctx["revision"], size=9)
    if ctx.get("outliers"):  # each indicator's skew and kurtosis, before and after
        doc.heading(ctx["outliers"]["title"], 2)
        doc.para(ctx["outliers"]["rule"], size=9)
        doc.table(ctx["outliers"]["heads"], ctx["outliers"]["rows"])
    figures = _figures(doc, ctx)
    for tier in ctx["tiers"]:
        for c in tier["cities"]:
            doc.heading(f"{c['city']} · {tier['name']} · {t['index']} {c['index']}", 2)
            radar, indicators = card(doc, (72, doc.width - 72))
            docximages.radar(figures, ctx, c, into=radar)
            doc.table(
                [t["indicator"], t["value"], t["normalised"]],
                [[i["label"], i["value"], i["normalised"]] for i in c["indicators"]],
                (100, 55, 30),
                into=indicators,
            )
            indicators._element.remove(indicators.paragraphs[0]._p)  # the cell's empty line
    if ctx.get("audit"):
        from .audit import docx_section

        docx_section(doc, ctx)
    _end(doc, ctx)
    return doc.bytes()


def publish(ctx: dict[str, Any]) -> bytes:
    """The published list as a Word document: each tier's cities and grades (scores and
    ranks when published), the quotas that cut a grade, the sign-off block."""
    t = ctx["t"]
    p = punct(ctx["lang"])
    doc = Doc(ctx)
    doc.title(ctx["title"])
    doc.para(t["basis"], size=9)
    doc.para(t["order"], size=9)
    quotas = ctx["quotas"] is not None
    for tier in ctx["tiers"]:
        doc.heading(tier["name"], 1)
        head = [t["rank"]] if ctx["with_scores"] else []
        head += [t["city"], t["province"], t["grade"]]
        head += [t["score"]] if ctx["with_scores"] else []
        head += [t["quota"]] if quotas else []
        rows = []
        for c in tier["cities"]:
            row: list[Any] = [c["rank"]] if ctx["with_scores"] else []
            row += [c["city"], c["province"], (c["grade_label"], GRADE_COLOURS.get(c["grade"]))]
            row += [c["score"]] if ctx["with_scores"] else []
            row += [c["cut"]] if quotas else []
            rows.append(row)
        doc.table(head, rows)
    for q in ctx["quotas"] or []:
        doc.heading(f"{q['label']}{p['lp']}{q['id']}{p['rp']}· {q['group']}", 2)
        doc.para(q["cap"])
        doc.para(f"{t['kept']}{p['colon']}{q['kept']}")
        doc.para(f"{t['cut']}{p['colon']}{q['cut']}")
        if q["tie"]:
            doc.para(f"{t['tie']}{p['colon']}{q['tie']}")
        doc.para(q["citation"], size=9)
    office = ctx["office"]
    doc.para()
    doc.table(
        [t["signoff"], office["org"], t["reviewer"], office["reviewer"]],
        [[t["signature"], "", t["date"], office["date"]]],
        (30, 60, 25, 55),
    )
    doc.para(ctx["provenance"]["footer"], size=8)
    return doc.bytes()
