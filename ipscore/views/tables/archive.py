"""What the archive commands say: `archive add` (each record stored, each result assessed again,
last year's figures that differ from the record), `archive replay`, `list --stale`, and the
listings of `archive list`, `show` and `diff`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table

from ...errors import recorded_name
from ...packs import grade_word
from ...text import pick
from ...verdicts import verdict_word
from .base import plain_line, user_text

if TYPE_CHECKING:
    from ...packs import Pack
    from ...record.archiving import Archived
    from ...record.corrections import VersionDiff
    from ...record.replay import Refreshed, Replayed
    from ...store.records import Stored


def archived_lines(done: Iterable[Archived], lang: str = "zh") -> list[str]:
    """`archive add`: one line per submission, saying what was stored (a correction with its
    version), or that nothing was, its current version saying the same."""
    out = []
    for item in done:
        out += [_one_archived(item, lang), *_differs_lines(item.differs, lang)]
    return out


def _differs_lines(differs: Iterable[tuple[str, str]], lang: str) -> list[str]:
    """Under a stored result: each last-year figure typed other than on record."""
    return [
        pick(
            lang,
            f"  ! 往年数与记录不符：{zh}；评估用填报的数，请核对",
            f"  ! last year's figure differs from the record: {en}; the entered figure is used",
        )
        for zh, en in differs
    ]


def _one_archived(item: Archived, lang: str) -> str:
    city = plain_line(item.city)
    head, head_en = (
        f"#{item.id} {city} {item.year}年度（{item.pack}）",
        (f"#{item.id} {city} {item.year} ({item.pack})"),
    )
    if item.unchanged:
        return pick(
            lang,
            f"= {head}：未变化，与当前的第{item.version}版相同，没有再存",
            f"= {head_en}: unchanged, the same as the current version {item.version}; "
            "nothing stored",
        )
    grade = grade_word(item.pack, item.grade, item.grade_label, lang)
    if item.version > 1:  # a correction: which version it is now
        scored = item.score is not None
        return pick(
            lang,
            f"✓ {head}：更正，存为第{item.version}版"
            + (f"，{item.score}分，{item.grade_label}" if scored else ""),
            f"OK {head_en}: corrected, stored as version {item.version}"
            + (f", {item.score}, {grade}" if scored else ""),
        )
    if item.score is not None:
        return pick(
            lang,
            f"✓ {head}：已评估并存档，{item.score}分，{item.grade_label}",
            f"OK {head_en}: assessed and stored, {item.score}, {grade}",
        )
    return pick(
        lang,
        f"✓ {head}：本规则包评估的是{item.pack_year}年度，只存数据（{item.figures}项），"
        "供其他年度引用",
        f"OK {head_en}: the pack assesses {item.pack_year}, so only its {item.figures} "
        "figures are stored",
    )


def refreshed_lines(refreshed: Iterable[Refreshed], lang: str = "zh") -> list[str]:
    """`archive add`: each stored result that read a year just stored, assessed again: its
    new version with the reason, and the score and grade before and after."""
    out = []
    for r in refreshed:
        city = plain_line(r.city)
        head = f"{city} {r.year}年度（{r.pack}）"
        head_en = f"{city} {r.year} ({r.pack})"
        if r.after is None:
            out.append(
                pick(
                    lang,
                    f"! {head}：读到刚存入的数据，但评出它的规则包不在归档中，无法重新评估"
                    "（用 ipscore archive reassess --pack 规则包文件）",
                    f"! {head_en}: reads the figures just stored, but its pack is not in the "
                    "archive: it could not be assessed again (ipscore archive reassess --pack)",
                )
            )
            continue
        before, after = (_headline(r.pack, side, lang) for side in (r.before, r.after))
        moved = before != after
        out.append(
            pick(
                lang,
                f"↻ #{r.id} {head}：{r.reason}，重新评估存为第{r.version}版："
                + (f"{before[0]} → {after[0]}" if moved else f"得分等级未变（{after[0]}）"),
                f"↻ #{r.id} {head_en}: {r.reason}; assessed again as version {r.version}: "
                + (
                    f"{before[1]} → {after[1]}"
                    if moved
                    else f"score and grade unchanged ({after[1]})"
                ),
            )
        )
        out += _differs_lines(r.differs, lang)
    return out


def replayed_lines(done: Replayed, lang: str = "zh") -> list[str]:
    """`archive replay`: the result made again, and whether it is the stored one exactly."""
    s = done.stored
    head = pick(
        lang,
        f"{plain_line(s.city)} {s.year}年度第{s.version}版（{s.pack} {s.pack_version}，"
        f"规则包哈希 {s.pack_sha256[:12]}…）",
        f"{plain_line(s.city)} {s.year} version {s.version} ({s.pack} {s.pack_version}, "
        f"pack hash {s.pack_sha256[:12]}…)",
    )
    stored, again = (_headline(s.pack, r, lang) for r in (s.result or {}, done.result))
    used = {
        "archive": ("存档的规则包", "its stored pack"),
        "installed": ("本机同一哈希的规则包（归档中尚未存）", "the installed pack of that hash"),
        "file": ("--pack 指定的规则包文件", "the pack file given with --pack"),
    }[done.pack_from]
    other = (
        [
            pick(
                lang,
                f"  ! --pack 文件的内容指纹为 {done.pack_used[:12]}…，不是评出该结果的规则包"
                f"（{s.pack_sha256[:12]}…）：结果不同可能只因规则包不同",
                f"  ! the --pack file's hash is {done.pack_used[:12]}…, not that of the pack "
                f"that made the result ({s.pack_sha256[:12]}…): a difference may be the pack's",
            )
        ]
        if done.pack_used != s.pack_sha256
        else []
    )
    if done.exact:
        return [
            pick(
                lang,
                f"✓ {head}：用{used[0]}和存档的数据重放，得 {again[0]}，与存档结果完全一致",
                f"OK {head}: replayed with {used[1]} and its stored figures: {again[1]}, "
                "exactly the stored result",
            ),
            *other,
        ]
    return [
        pick(
            lang,
            f"✗ {head}：用{used[0]}重放得 {again[0]}，存档为 {stored[0]}；不同之处："
            + "、".join(done.differences),
            f"FAIL {head}: replayed with {used[1]} as {again[1]}, stored as {stored[1]}; "
            "differs in: " + ", ".join(done.differences),
        ),
        *other,
    ]


def stale_lines(found: Sequence[tuple[Stored, Pack]], lang: str = "zh") -> list[str]:
    """`archive list --stale`: what each pack id resolves to now, and what to run."""
    if not found:
        return [pick(lang, "没有规则包已更新的当前结果", "no current result has an updated pack")]
    out = []
    for pack in {p.content_hash: p for _, p in found}.values():
        count = sum(1 for _, p in found if p is pack)
        out.append(
            pick(
                lang,
                f"规则包 {pack.id} 现为 {pack.pack.version}（哈希 {pack.content_hash[:12]}…），"
                f"以上 {count} 条结果由它的其他版本评出；按新版重新评估："
                f"ipscore archive reassess --pack {pack.id}",
                f"pack {pack.id} is now {pack.pack.version} ({pack.content_hash[:12]}…); "
                f"{count} results above were made by another version: "
                f"ipscore archive reassess --pack {pack.id}",
            )
        )
    return out


def _headline(pack: str, result: Any, lang: str) -> tuple[str, str]:
    grade = grade_word(pack, result.get("grade"), result.get("grade_label"), lang)
    return (
        f"{result.get('score')}分 {result.get('grade_label')}",
        f"{result.get('score')} {grade}",
    )


ARCHIVE_COLUMNS = (
    ("id", "编号", "id"),
    ("pack", "规则包", "Pack"),
    ("city", "城市", "City"),
    ("year", "年度", "Year"),
    ("kind", "内容", "Kind"),
    ("version", "版本", "Version"),
    ("score", "得分", "Score"),
    ("grade", "等级", "Grade"),
    ("stored_at", "存档时间", "Stored at"),
    ("stored_by", "存档人", "By"),
    ("reason", "理由", "Reason"),
    ("input_sha256", "输入指纹", "Input SHA-256"),
)


def archive_listing(stored: Iterable[Stored]) -> list[dict[str, Any]]:
    """`archive list` as data: one record a stored version (codes, for JSON)."""
    return [
        {
            "id": s.id,
            "pack": s.pack,
            "city": s.city,
            "year": s.year,
            "kind": s.kind,
            "version": s.version,
            "current": s.current,
            "score": (s.result or {}).get("score"),
            "grade": (s.result or {}).get("grade"),
            "stored_at": s.stored_at,
            "stored_by": s.stored_by,
            "reason": s.reason,
            "input_sha256": s.input_sha256,
        }
        for s in stored
    ]


def archive_rows(stored: Iterable[Stored], lang: str = "zh") -> tuple[list[str], list[list[Any]]]:
    """`archive list` in the reader's words: the headings and a row a stored version, as the
    table, the CSV and the workbook show them."""
    rows = []
    for s in stored:
        result = s.result or {}
        kind = pick(lang, "评估", "assessment") if s.assessed else pick(lang, "只存数据", "figures")
        version = f"{s.version}" + (pick(lang, "（当前）", " (current)") if s.current else "")
        rows.append(
            [
                s.id,
                s.pack,
                s.city,
                s.year,
                kind,
                version,
                result.get("score"),
                grade_word(s.pack, result.get("grade"), result.get("grade_label"), lang),
                s.stored_at,
                s.stored_by or "",
                s.reason or "",
                s.input_sha256,
            ]
        )
    return [pick(lang, zh, en) for _, zh, en in ARCHIVE_COLUMNS], rows


def archive_table(stored: Iterable[Stored], lang: str = "zh") -> Table:
    """`archive list`: one row per stored submission (current ones unless --all); the reason
    column where any version has one."""
    stored = list(stored)
    heads, rows = archive_rows(stored, lang)
    reasons = any(s.reason for s in stored)
    table = Table(title=pick(lang, "归档", "Archive"), box=box.SIMPLE_HEAVY)
    shown = [k for k, (key, _, _) in enumerate(ARCHIVE_COLUMNS) if key != "reason" or reasons]
    for k in shown:
        table.add_column(heads[k])
    for row in rows:
        cells = {
            6: "" if row[6] is None else f"{row[6]}",
            9: row[9] or "—",
            11: row[11][:12],
        }
        # Every cell was stored, some typed by whoever stored it (--by, an imported file).
        table.add_row(*(user_text(cells.get(k, row[k])) for k in shown))
    return table


def stored_table(s: Stored, lang: str = "zh") -> Table:
    """`archive show`: one stored submission — where it came from, its result, its figures."""
    result = s.result or {}
    headline = (
        pick(
            lang,
            f"，{result['score']}分，{result['grade_label']}",
            f", {result['score']}, "
            f"{grade_word(s.pack, result.get('grade'), result.get('grade_label'), 'en')}",
        )
        if result
        else pick(lang, "，只存数据", ", figures only")
    )
    table = Table(
        title=pick(
            lang,
            f"{user_text(s.city)} {s.year}年度（{s.pack}，第{s.version}版"
            f"{'，当前' if s.current else ''}）{headline}",
            f"{user_text(s.city)} {s.year} ({s.pack}, version {s.version}"
            f"{', current' if s.current else ''}){headline}",
        ),
        box=box.SIMPLE,
    )
    heads, rows = stored_rows(s, lang)
    for head in heads:
        table.add_column(head, overflow="fold")
    sources = len(rows) - len(s.figures)  # where it came from, then its figures
    for k, (item, value) in enumerate(rows):
        name = user_text(item) if k < sources else f"[dim]{user_text(item)}[/]"
        table.add_row(name, user_text(value) or "—")
    return table


def stored_rows(s: Stored, lang: str = "zh") -> tuple[list[str], list[list[str]]]:
    """`archive show` as rows of item and value: where the version came from, then each
    filed figure — what the table, the CSV and the workbook show."""
    rows = [
        [pick(lang, zh, en), value]
        for zh, en, value in (
            ("填报文件", "Input file", recorded_name(s.source)),
            ("文件指纹", "Input SHA-256", s.input_sha256),
            ("规则包版本", "Pack version", s.pack_version),
            ("规则包指纹", "Pack SHA-256", s.pack_sha256),
            ("存档时间", "Stored at", s.stored_at),
            ("存档人", "Stored by", s.stored_by or ""),
            ("理由", "Reason", s.reason or ""),
            ("ipscore 版本", "ipscore version", s.ipscore_version),
        )
    ]
    rows += [[name, str(figure)] for name, figure in s.figures.items()]
    return [pick(lang, "项目", "Item"), pick(lang, "值", "Value")], rows


def diff_table(d: VersionDiff, lang: str = "zh") -> Table:
    """`archive diff`: two versions side by side — when, by whom and why each was stored, the
    score and grade, then only the figures and verdicts that differ."""
    a, b = d.before, d.after
    table = Table(
        title=pick(
            lang,
            f"{user_text(b.city)} {b.year}年度（{b.pack}）：第{a.version}版 → 第{b.version}版",
            f"{user_text(b.city)} {b.year} ({b.pack}): version {a.version} → {b.version}",
        ),
        caption=None
        if d.figures or d.verdicts
        else pick(lang, "填报数据和结论都没有变化", "no figure and no verdict changed"),
        caption_justify="left",
        box=box.SIMPLE,
    )
    for head in (
        pick(lang, "项目", "Item"),
        pick(lang, f"第{a.version}版", f"version {a.version}"),
        pick(lang, f"第{b.version}版", f"version {b.version}"),
    ):
        table.add_column(head, overflow="fold")

    def word(side: Stored) -> str:
        _, grade, label = d.headline(side)
        return grade_word(side.pack, grade, label, lang) if grade else "—"

    for zh, en, left, right in (
        ("存档时间", "Stored at", a.stored_at, b.stored_at),
        ("存档人", "Stored by", a.stored_by or "—", b.stored_by or "—"),
        ("理由", "Reason", a.reason or "—", b.reason or "—"),
        ("得分", "Score", d.headline(a)[0], d.headline(b)[0]),
        ("等级", "Grade", word(a), word(b)),
    ):
        table.add_row(
            pick(lang, zh, en), *("—" if v is None else user_text(v) for v in (left, right))
        )
    for name, before, after in d.figures:
        table.add_row(
            f"[dim]{user_text(name)}[/]",
            *("—" if v is None else user_text(v) for v in (before, after)),
        )
    for rid, title, before, after in d.verdicts:
        table.add_row(
            f"{rid} {user_text(title)}",
            *("—" if v is None else verdict_word(v, lang) for v in (before, after)),
        )
    return table
