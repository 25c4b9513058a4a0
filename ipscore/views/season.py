"""`season status` and `season log` as a terminal table, CSV, Excel or JSON: each city's stage,
who it waits on and by when, and what was done to its file, by whom and when."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table

from ..text import pick
from .tables.base import user_text

if TYPE_CHECKING:
    from ..season.running import Row
    from ..season.seasonfile import Season
    from ..store.stages import Event

_HEAD = (
    ("省份", "Province"),
    ("城市", "City"),
    ("阶段", "Stage"),
    ("等待", "Waiting on"),
    ("截止日期", "Due"),
    ("逾期", "Overdue"),
    ("存档版本", "Version"),
    ("最近办理", "Last step"),
    ("退回理由 / 异议", "Reasons / objections"),
)


def status_cells(rows: Sequence[Row], lang: str) -> list[list[str]]:
    """One line per city, in the order of `rows`, as words."""
    from ..season.stages import ACTIONS, STAGES, WAITING

    out = []
    for r in rows:
        d = r.to_dict()
        now = r.now
        stage = pick(lang, *STAGES[now.stage])
        if now.stage == "city" and not now.submitted:
            stage = pick(lang, "未提交", "not submitted")
        elif now.returned is not None:
            stage = pick(lang, "退回修改", "sent back") + f"（{stage}）"
        last = now.last
        did = (
            ""
            if last is None
            else f"{pick(lang, *ACTIONS[last.action])} · {last.by} · {last.at}"
            + (pick(lang, "（逾期）", " (late)") if last.late else "")
        )
        notes = [f"{k}：{v}" for k, v in (d["reasons"] or {}).items()]
        notes += [
            pick(lang, f"异议#{o['id']}", f"objection #{o['id']}")
            + pick(lang, "（已答复）" if o["answered"] else "（待答复）", "")
            for o in d["objections"]
        ]
        out.append(
            [
                now.province or "",
                now.city,
                stage,
                pick(lang, *WAITING[now.stage]),
                d["deadline"] or "",
                pick(lang, "是", "yes") if d["overdue"] else "",
                "" if r.version is None else f"#{r.version}",
                did,
                "；".join(notes),
            ]
        )
    return out


def status_table(season: Season, rows: Sequence[Row], lang: str) -> Table:
    title = pick(lang, f"{season.title}：各城市办理阶段", f"{season.title}: where each city is")
    table = Table(
        title=user_text(title),
        caption=user_text(season.example or "") or None,
        caption_justify="left",
        box=box.SIMPLE_HEAVY,
        show_lines=True,
    )
    for zh, en in _HEAD:
        table.add_column(pick(lang, zh, en))
    for cells in status_cells(rows, lang):
        table.add_row(*(user_text(c) for c in cells))
    return table


def status_csv(season: Season, rows: Sequence[Row], lang: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if season.example:
        writer.writerow([season.example])
    writer.writerow([pick(lang, zh, en) for zh, en in _HEAD])
    writer.writerows(status_cells(rows, lang))
    return "\ufeff" + out.getvalue()  # with a BOM, so that Excel reads it as UTF-8


def status_xlsx(season: Season, rows: Sequence[Row], lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.properties import PageSetupProperties

    from ..intake.formsheet import fit_rows

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = pick(lang, "办理阶段", "Stages")
    sheet.append([pick(lang, f"{season.title}：各城市办理阶段", season.title)])
    sheet["A1"].font = Font(bold=True, size=13)
    if season.example:
        sheet.append([season.example])
    sheet.append([pick(lang, zh, en) for zh, en in _HEAD])
    head = sheet.max_row
    for cell in sheet[head]:
        cell.font = Font(bold=True)
    for cells in status_cells(rows, lang):
        sheet.append(cells)
    sheet.freeze_panes = f"A{head + 1}"
    for column, width in zip("ABCDEFGHI", (10, 12, 16, 10, 12, 6, 9, 40, 50), strict=True):
        sheet.column_dimensions[column].width = width
    # Printed: A4 landscape one page wide, the heading row on every page, long notes wrapped.
    for printed in sheet.iter_rows(min_row=head):
        for one in printed:
            one.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = f"{head}:{head}"
    fit_rows(sheet, head)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def log_table(city: str, year: int, events: Sequence[Event], lang: str) -> Table:
    from ..season.stages import ACTIONS, STAGES

    table = Table(
        title=user_text(pick(lang, f"{city} {year}年度办理记录", f"{city}, {year}: the record")),
        box=box.SIMPLE_HEAVY,
        show_lines=True,
    )
    for zh, en in (
        ("编号", "#"),
        ("时间（UTC）", "At (UTC)"),
        ("办理人", "By"),
        ("办理", "Step"),
        ("之后阶段", "Stage after"),
        ("版本", "Version"),
        ("意见 / 理由", "Opinion / reasons"),
    ):
        table.add_column(pick(lang, zh, en))
    for e in events:
        table.add_row(
            str(e.id),
            e.at,
            user_text(f"{e.by}（{e.role}）"),
            pick(lang, *ACTIONS[e.action]) + (pick(lang, "（逾期）", " (late)") if e.late else ""),
            pick(lang, *STAGES[e.stage]),
            "" if e.submission_id is None else f"#{e.submission_id}",
            user_text(_said(e)),
        )
    return table


def _said(e: Event) -> str:
    d: dict[str, Any] = e.details
    parts = [e.opinion or ""]
    parts += [f"{k}：{v}" for k, v in (d.get("reasons") or {}).items()]
    if "objector" in d:
        o = d["objector"]
        parts.append(f"异议人：{o.get('name') or '（匿名）'}；{d.get('text') or ''}")
    if "why" in d:
        parts.append(f"不予受理：{d['why']}")
    if "notice_start" in d and e.action == "review":
        parts.append(f"公示 {d['notice_start']} 至 {d['notice_end']}")
    return "\n".join(p for p in parts if p)
