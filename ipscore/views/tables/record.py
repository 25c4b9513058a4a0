"""Tables of the season's record: stored entries, a city's years, the three-year review, reviewers'
checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table

from ...packs import grade_word, installed_pack
from ...text import pick, ranked
from ...verdicts import MANDATORY_LABELS, MET, Verdict, verdict_word
from .base import STYLE, grade_cell, joined_lines, user_text

if TYPE_CHECKING:
    from ...record.checklists import CityChecks, Pending
    from ...record.history import History, YearRow
    from ...record.review import Review
    from ...record.verification import Scored, Verification


def _stored_title(pack_id: str | None, req_id: str, title: str, lang: str) -> str:
    """A stored requirement's title in the reader's language (results store the Chinese)."""
    pack = installed_pack(pack_id) if lang == "en" and pack_id else None
    try:
        return pick(lang, title, pack.requirement(req_id).title_en) if pack else title
    except StopIteration:  # a requirement the pack no longer has
        return title


_STATE_WORDS = {
    "figures": ("只存数据，未考核", "figures only, not assessed"),
    "absent": ("无存档", "nothing stored"),
}


def history_table(h: History, lang: str = "zh", checks_only: bool = False) -> Table:
    """`history`: one row per year — score, grade, rank in tier, mandatory tasks, and what
    changed since the year before. For an index pack (`checks_only`) its years hold data
    checks, whose score ranks nothing: no rank column (the index's own table ranks)."""
    table = Table(
        title=user_text(
            pick(lang, f"{h.city} {h.first}–{h.last}年度", f"{h.city}, {h.first}–{h.last}")
        ),
        caption=_data_notes(h.notes, lang),
        caption_justify="left",
        box=box.SIMPLE_HEAVY,
        show_lines=True,
    )
    heads = [
        ("年度", "Year"),
        ("规则包", "Pack"),
        ("得分", "Score") if not checks_only else ("数据核对得分", "Data checks' score"),
        ("等级", "Grade") if not checks_only else ("数据核对", "Data checks"),
        ("同级排名", "Rank in tier"),
        ("必做任务", "Mandatory"),
        ("与上年相比", "Since the year before"),
    ]
    for zh, en in heads:
        table.add_column(pick(lang, zh, en))
    for row in h.rows:
        if row.state != "assessed":
            zh, en = _STATE_WORDS[row.state]
            fell = _fell_lines(row, lang)
            table.add_row(str(row.year), row.pack or "—", "—", pick(lang, zh, en), "", "", fell)
            continue
        mandatory = (
            ""
            if row.mandatory_complete is None
            else MANDATORY_LABELS["en" if lang == "en" else "zh"][row.mandatory_complete]
        )
        table.add_row(
            str(row.year),
            row.pack or "",
            str(row.score),
            grade_cell(row.grade or "", grade_word(row.pack, row.grade, row.grade_label, lang)),
            f"{ranked(row.rank, row.rank_tied, lang)}/{row.tier_size}"
            if row.rank is not None and not checks_only
            else "—",
            mandatory,
            "\n".join(
                [
                    f"{c.id} {user_text(pick(lang, c.title, c.title_en))}"
                    f"{pick(lang, '：', ': ')}{verdict_word(c.before, lang)} → "
                    f"{verdict_word(c.after, lang)}"
                    for c in row.changed
                ]
                + [_fell_lines(row, lang)]
            ).strip(),
        )
    return table


def _data_notes(notes: Iterable[str], lang: str) -> str | None:
    head = pick(lang, "数据说明：", "About the data: ")
    return "\n".join(user_text(head + n) for n in notes) or None


def _fell_lines(row: YearRow, lang: str) -> str:
    return "\n".join(
        pick(
            lang,
            f"{user_text(f.label)}下降：{f.before} → {f.after}",
            f"{user_text(f.label)} fell: {f.before} → {f.after}",
        )
        for f in row.fell
    )


def review_table(r: Review, lang: str = "zh") -> Table:
    """`review`: each city's years and the outcome, or the outcomes a missing year leaves open."""
    about = r.policy.review
    table = Table(
        title=pick(
            lang,
            f"{about.title}（{r.first}–{r.last}）",
            f"{about.title_en} ({r.first}–{r.last})",
        ),
        caption=joined_lines(
            pick(lang, about.interpretation, about.interpretation_en), _data_notes(r.notes, lang)
        ),
        caption_justify="left",
        box=box.SIMPLE_HEAVY,
        show_lines=True,
    )
    table.add_column(pick(lang, "城市", "City"))
    for year in range(r.first, r.last + 1):
        table.add_column(str(year))
    table.add_column(pick(lang, "平均分", "Mean"))
    table.add_column(pick(lang, "复核结论", "Outcome"))
    for c in r.cities:
        cells = []
        for y in c.years:
            if y.state == "assessed":
                word = grade_word(y.pack, y.grade, y.grade_label, lang)
                half = pick(
                    lang, *(("前一半", "top half") if y.top_half else ("后一半", "lower half"))
                )
                rank = (
                    ""
                    if y.rank is None
                    else pick(
                        lang,
                        f" 同级第{y.rank}/{y.tier_size}名（{half}）",
                        f" rank {y.rank}/{y.tier_size} ({half})",
                    )
                )
                cells.append(f"{y.score} {grade_cell(y.grade or '', word)}{rank}")
            else:
                cells.append(pick(lang, *_STATE_WORDS[y.state]))
        mean = c.mean_score
        if c.outcome is not None:
            verdict = f"[bold]{pick(lang, c.outcome.label, c.outcome.label_en)}[/]"
        else:
            missing = "、".join(str(y) for y in c.missing)
            verdict = pick(
                lang,
                f"无法判定：缺{missing}年度考核结果；可能为"
                + "、".join(o.label for o in c.possible),
                f"undecided: no result for {', '.join(str(y) for y in c.missing)}; could be "
                + ", ".join(o.label_en or o.label for o in c.possible),
            )
        table.add_row(
            user_text(c.city), *cells, "—" if mean is None else f"{float(mean):.1f}", verdict
        )
    return table


_STATE_STYLE = {
    "verified": "green",
    "rejected": "bold red",
    "unverified": "yellow",
    "no_evidence": "dim",
}


def _scored(s: Scored, lang: str) -> str:
    return f"{s.score} {grade_cell(s.grade, pick(lang, s.grade_label, s.grade_label_en))}"


def verification_table(v: Verification, lang: str = "zh") -> Table:
    """`verify CITY YEAR`: each requirement's verdict, documents and check; the score as
    declared and as verified."""
    from ...record.verification import state_word

    policy = v.pack.scoring.verification
    counts = v.counts()
    head = pick(
        lang,
        f"申报得分 {_scored(v.declared, lang)}；核验得分 {_scored(v.verified, lang)}"
        f"（“达到”{sum(counts.values())}项：已核实{counts['verified']}、"
        f"已驳回{counts['rejected']}、待核验{counts['unverified']}、"
        f"无佐证材料{counts['no_evidence']}）",
        f"declared {_scored(v.declared, lang)}; verified {_scored(v.verified, lang)} "
        f"({sum(counts.values())} met: {counts['verified']} verified, "
        f"{counts['rejected']} rejected, {counts['unverified']} unverified, "
        f"{counts['no_evidence']} without evidence)",
    )
    table = Table(
        title=user_text(
            pick(
                lang,
                f"{v.city} {v.year}年度佐证材料核验（第{v.version}版存档）",
                f"{v.city} {v.year}: checks of supporting documents (stored version {v.version})",
            )
        ),
        caption=joined_lines(
            head,
            pick(lang, policy.note or "", policy.note_en)
            or pick(
                lang,
                "未核验的“达到”在核验得分中"
                + ("照计" if policy.unverified == "counts" else "按未达到计"),
                "an unverified met "
                + ("counts" if policy.unverified == "counts" else "counts as unmet")
                + " in the verified score",
            ),
            _data_notes(v.notes, lang),
        ),
        caption_justify="left",
        box=box.SIMPLE_HEAVY,
    )
    for zh, en in (
        ("要求", "Req."),
        ("内容", "Requirement"),
        ("结论", "Verdict"),
        ("佐证材料", "Evidence"),
        ("核验", "Check"),
    ):
        table.add_column(pick(lang, zh, en))
    for r in v.requirements:
        docs = "\n".join(user_text(_document(e, lang)) for e in r.evidence)
        check = f"[{_STATE_STYLE[r.state]}]{state_word(r.state, lang)}[/]"
        if r.status != MET and r.check is None and not r.evidence:
            check = "—"  # nothing claimed, nothing to check
        elif r.check is not None:
            check += "\n" + user_text(
                f"{r.check.checked_by} {r.check.checked_at}"
                + (f"：{r.check.reason}" if r.check.reason else "")
            )
        elif r.outdated is not None:
            check += "\n" + pick(
                lang,
                f"（{user_text(r.outdated.checked_by)}的核验之后结论或材料已变，需重新核验）",
                f"(checked by {user_text(r.outdated.checked_by)}; "
                "verdict or documents changed since)",
            )
        table.add_row(
            r.id,
            user_text(pick(lang, r.title, v.pack.requirement(r.id).title_en)),
            f"[{STYLE[Verdict(r.status)]}]{verdict_word(r.status, lang)}[/]",
            docs,
            check,
        )
    return table


def _document(e: dict[str, Any], lang: str) -> str:
    parts = [p for p in (e.get("doc"), e.get("title"), e.get("date")) if p]
    file = e.get("file")
    if file:
        parts.append(
            file
            if e.get("present", True)
            else pick(lang, f"{file}（文件缺失）", f"{file} (absent)")
        )
    return " · ".join(parts)


def pending_table(items: Sequence[Pending], notes: Iterable[str], lang: str = "zh") -> Table:
    """`verify --pending`: what still needs a check, what changes the grade first."""
    from ...record.verification import state_word

    table = Table(
        title=pick(lang, f"待核验（{len(items)}项）", f"Still to check ({len(items)})"),
        caption=joined_lines(
            pick(
                lang,
                "按核验结果的影响排序：先列核实与驳回会得出不同等级的，再按分数差；"
                "“核实则”“驳回则”按其他未核验的“达到”照申报计算。",
                "Ordered by effect: first those whose check decides a grade, then by points; "
                "“if verified” and “if rejected” take every other unchecked claim as declared.",
            ),
            _data_notes(notes, lang),
        ),
        caption_justify="left",
        box=box.SIMPLE_HEAVY,
    )
    for zh, en in (
        ("城市", "City"),
        ("年度", "Year"),
        ("要求", "Req."),
        ("内容", "Requirement"),
        ("状态", "State"),
        ("核实则", "If verified"),
        ("驳回则", "If rejected"),
        ("影响", "Effect"),
    ):
        table.add_column(pick(lang, zh, en))
    for p in items:
        effect = f"{float(p.points):.1f}" + pick(lang, "分", " pts")
        if p.changes_grade:
            effect = f"[bold]{effect}{pick(lang, '；决定等级', '; decides the grade')}[/]"
        table.add_row(
            user_text(p.city),
            str(p.year),
            p.requirement,
            user_text(_stored_title(p.pack, p.requirement, p.title, lang)),
            state_word(p.state, lang),
            _scored(p.if_verified, lang),
            _scored(p.if_rejected, lang),
            effect,
        )
    return table


def checks_summary_table(cities: Sequence[CityChecks], year: int, lang: str = "zh") -> Table:
    """`verify --summary`: each city's score as declared and as verified, and its claims by
    state; the cities whose two differ are marked, as `publish` asks which to publish."""
    from ...record.verification import NO_EVIDENCE, REJECTED, UNVERIFIED, VERIFIED, state_word

    states = (VERIFIED, REJECTED, UNVERIFIED, NO_EVIDENCE)
    table = Table(
        title=pick(lang, f"{year}年度 申报得分与核验得分", f"{year}: declared and verified scores"),
        box=box.SIMPLE_HEAVY,
        caption=pick(
            lang,
            "* 核验后的得分或等级与申报的不同",
            "* the verified score or grade differs from the declared",
        )
        if any(c.differs for c in cities)
        else None,
        caption_justify="left",
    )
    for head in (
        pick(lang, "城市", "City"),
        pick(lang, "申报", "Declared"),
        pick(lang, "核验", "Verified"),
        *(state_word(s, lang) for s in states),
    ):
        table.add_column(head)
    for c in cities:  # by tier, province and name, as `checks_of` gives them
        table.add_row(
            user_text(c.city) + ("*" if c.differs else ""),
            *(
                "—"
                if s is None
                else grade_cell(s.grade, f"{s.score} {pick(lang, s.grade_label, s.grade_label_en)}")
                for s in (c.declared, c.verified)
            ),
            *(str(c.claims[s]) for s in states),
        )
    return table
