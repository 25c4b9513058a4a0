"""Tables of rule packs: the shipped list, a pack's requirements and fields, differences, pack
tests and proofs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from ...decide.explain import describe, expected, label, show
from ...decide.sheetwords import band_name
from ...packs import Pack
from ...packs.conditions import fields_read, split_year
from ...text import counted, pick
from ...verdicts import LABELS, MET, NOT_APPLICABLE, UNMET
from .base import pack_title, user_text
from .sheet import sheet_lines

if TYPE_CHECKING:
    from ...packcheck.cases import Report
    from ...packcheck.proofs import Proof
    from ...packcheck.sheetproofs import SheetProof


def packs_table(packs: Iterable[Pack], lang: str = "zh") -> Table:
    """`rules list`: one row per pack, with the content hash that tells two editions apart."""
    table = Table(title=pick(lang, "规则包", "Rule packs"))
    for head in (
        pick(lang, "编号", "id"),
        pick(lang, "版本", "version"),
        pick(lang, "内容指纹", "sha256"),
        pick(lang, "年度", "year"),
        pick(lang, "任务", "tasks"),
        pick(lang, "要求", "reqs"),
        pick(lang, "标题", "title"),
    ):
        table.add_column(head)
    for pack in packs:
        table.add_row(
            pack.id,
            pack.pack.version,
            pack.content_hash[:12],
            str(pack.pack.year),
            str(len(pack.tasks)),
            str(len(pack.requirements())),
            user_text(pick(lang, pack.pack.title, pack.pack.title_en)),
        )
    return table


def pack_diff_table(a: Pack, b: Pack, lang: str = "zh") -> Table:
    """`rules diff`: what differs between two packs, with both tests where a check changed."""
    from ...packs.diff import differences

    table = Table(
        title=pick(
            lang,
            f"{a.id} {a.pack.version} → {b.id} {b.pack.version} 的差异",
            f"From {a.id} {a.pack.version} to {b.id} {b.pack.version}",
        ),
        show_lines=True,
    )
    for zh, en in (("变化", "Change"), ("对象", "What"), ("内容", "Detail")):
        table.add_column(pick(lang, zh, en))
    kinds = {
        "added": ("新增", "added"),
        "removed": ("删除", "removed"),
        "changed": ("修改", "changed"),
    }
    whats = {
        "requirement": ("要求", "requirement"),
        "task": ("任务", "task"),
        "field": ("字段", "field"),
        "mandatory": ("必做任务", "mandatory tasks"),
        "grade": ("等级线", "grade"),
        "weights": ("权重", "weights"),
        "pack": ("规则包", "pack"),
    }
    ra = {r.id: r for _, r in a.requirements()}
    rb = {r.id: r for _, r in b.requirements()}
    for d in differences(a, b):
        detail = pick(lang, "、", ", ").join(d.parts)  # keys of the pack's YAML
        if d.what == "requirement" and d.kind == "changed" and "check" in d.parts:
            before = describe(a, ra[d.target].check, lang)
            detail += f"\n{before}\n→ {describe(b, rb[d.target].check, lang)}"
        elif d.what == "requirement" and d.kind == "added":
            detail = describe(b, rb[d.target].check, lang)
        table.add_row(
            pick(lang, *kinds[d.kind]),
            f"{pick(lang, *whats[d.what])} {user_text(d.target)}",
            escape(detail),  # its line breaks kept
        )
    return table


_KIND_WORDS = {"required": ("必需", "required"), "advisory": ("建议", "advisory")}


def pack_table(pack: Pack, lang: str = "zh") -> Table:
    """`rules show`: every requirement with its test and the plan's words."""
    table = Table(title=pack_title(pack, lang), show_lines=True)
    for zh, en in (
        ("要求", "Requirement"),
        ("类别", "Kind"),
        ("判定标准", "Expected"),
        ("原文（章节）", "Original words (section)"),
    ):
        table.add_column(pick(lang, zh, en))
    amended = {a.target for a in pack.amendments}
    for _, req in pack.requirements():
        kind = [pick(lang, *_KIND_WORDS[req.kind])]
        kind += [pick(lang, "解读", "interpretive")] if req.interpretive else []
        kind += [pick(lang, "已修订", "amended")] if req.id in amended else []
        # A pack's text is shown as written, never read as rich markup (a `[/]` in a title).
        table.add_row(
            f"{req.id}\n{user_text(pick(lang, req.title, req.title_en))}",
            pick(lang, "·", " · ").join(kind),
            escape(expected(pack, req, lang)),  # its own line breaks kept
            # The plan's own words stay as written; only what frames them follows the reader.
            user_text(
                f"{req.citation.text}{pick(lang, '（', ' (')}{req.citation.section}"
                f"{pick(lang, '）', ')')}"
            ),
        )
    return table


def fields_table(pack: Pack, lang: str = "zh") -> Table:
    """`rules show --fields`: every field a submission may fill in, and what reads it."""
    table = Table(
        title=pick(lang, f"{pack.id} 的填报字段", f"Fields of {pack.id}"), show_lines=False
    )
    for zh, en in (
        ("字段代码", "Field"),
        ("名称", "Label"),
        ("类型", "Type"),
        ("单位", "Unit"),
        ("读取它的要求和规则", "Read by"),
    ):
        table.add_column(pick(lang, zh, en), overflow="fold")
    for row in field_list(pack, lang):
        table.add_row(
            row["field"],
            user_text(row["label"]),
            row["type"] + (pick(lang, "（算出）", " (computed)") if row["computed"] else ""),
            user_text(row["unit"] or ""),
            pick(lang, "、", ", ").join(row["read_by"]) or "—",
        )
    return table


def field_list(pack: Pack, lang: str = "zh") -> list[dict[str, Any]]:
    """Each field: code, label, type, unit, whether it is computed, and what reads it — the
    requirements (directly, in any year, or through a ratio computed from it), the mandatory
    sets, the plausibility checks."""
    readers: dict[str, list[str]] = {}
    users: list[tuple[str, list[Any]]] = [
        (req.id, [c for c in (req.check, req.applies_if) if c is not None])
        for _, req in pack.requirements()
    ]
    users += [(pick(lang, "必做任务", "mandatory"), [m.when for m in pack.mandatory])]
    users += [(check.id, [check.when]) for check in pack.plausibility]
    users += [(pick(lang, f"否决项 {v.id}", f"veto {v.id}"), [v.when]) for v in pack.scoring.vetoes]
    for reader, conditions in users:
        for name in sorted({split_year(f)[0] for c in conditions for f in fields_read(c)}):
            for each in (name, *(pack.field(name).of or [])):
                readers.setdefault(each, [])
                if reader not in readers[each]:
                    readers[each].append(reader)
    return [
        {
            "field": name,
            "label": label(pack.field(name), lang),
            "type": pack.field(name).type,
            "unit": pick(lang, pack.field(name).unit or "", pack.field(name).unit_en),
            "computed": pack.field(name).type == "ratio",
            "read_by": readers.get(name, []),
        }
        for name in pack.field_names()
    ]


def pack_test_line(report: Report, lang: str = "zh") -> str:
    passed, failed = len(report.passed), len(report.failed)
    if report.pack.is_sheet:
        vetoes = bool(report.pack.scoring.vetoes)
        return pick(
            lang,
            f"{report.pack.id}：{passed} 个用例通过，{failed} 个失败，"
            f"评分项的结论和档{'、否决项' if vetoes else ''}的覆盖率 {report.coverage:.1f}%",
            f"{report.pack.id}: {counted(passed, 'case')} passed, {failed} failed, "
            f"coverage of items' verdicts and bands{' and of vetoes' if vetoes else ''} "
            f"{report.coverage:.1f}%",
        )
    return pick(
        lang,
        f"{report.pack.id}：{passed} 个用例通过，{failed} 个失败，"
        f"要求和结论的覆盖率 {report.coverage:.1f}%",
        f"{report.pack.id}: {counted(passed, 'case')} passed, {failed} failed, "
        f"coverage of requirements and verdicts {report.coverage:.1f}%",
    )


def pack_test_table(report: Report, lang: str = "zh") -> Table | None:
    """`ipscore test`: the failing cases and the verdicts no case reaches, and on a points
    sheet the bands and vetoes (None if nothing)."""
    gaps = [*report.uncovered, *report.uncovered_bands, *report.uncovered_vetoes]
    if not report.failed and not gaps:
        return None
    table = Table()
    table.add_column(pick(lang, "用例 / 要求", "Case / requirement"))
    table.add_column(pick(lang, "预期", "Expected"))
    table.add_column(pick(lang, "实际 / 未覆盖的结论", "Actual / verdict not reached"))
    for case, wrong in report.failed.items():
        for key, (want, got) in wrong.items():
            table.add_row(
                user_text(f"{case}{pick(lang, '：', ': ')}{key}"), user_text(want), user_text(got)
            )
    for rid, verdict in report.uncovered:
        table.add_row(rid, "", pick(lang, f"没有用例得到 {verdict}", f"no case reaches {verdict}"))
    for rid, p, b in report.uncovered_bands:
        name = band_name(report.pack, report.pack.requirement(rid), p, b, lang)
        table.add_row(
            rid,
            "",
            user_text(pick(lang, f"没有用例得到 档“{name}”", f"no case reaches band “{name}”")),
        )
    for veto, held in report.uncovered_vetoes:
        table.add_row(
            pick(lang, f"否决项 {veto}", f"veto {veto}"),
            "",
            pick(lang, "没有用例使其成立", "no case where it holds")
            if held
            else pick(lang, "没有用例使其不成立", "no case where it does not hold"),
        )
    return table


def amendments_table(pack: Pack, lang: str = "zh") -> Table | None:
    """`rules show` of an amending pack: each change to the pack it extends, with its text."""
    if not pack.amendments:
        return None
    table = Table(
        title=pick(lang, f"对 {pack.extends} 的修订", f"Amendments to {pack.extends}"),
        show_lines=True,
    )
    for zh, en in (("修订", "Change"), ("对象", "Target"), ("修订依据（章节）", "Text (section)")):
        table.add_column(pick(lang, zh, en))
    for a in pack.amendments:
        change = a.change + (f" = {a.value}" if a.value is not None else "")
        table.add_row(
            user_text(change),
            user_text(a.target),
            user_text(f"{a.citation.text}（{a.citation.source} {a.citation.section}）"),
        )
    return table


def proof_lines(
    name: str,
    pack: Pack,
    proofs: Sequence[Proof],
    witness: bool,
    lang: str = "zh",
    sheet: SheetProof | None = None,
) -> list[str]:
    """`rules check` of a pack that passed: what was proved, and each witness if asked."""
    reached = Counter(r.verdict for p in proofs for r in p.reaches if r.answer == "sat")
    counts = pick(lang, "、", ", ").join(
        f"{LABELS[lang][v]}{reached[v]}" for v in (MET, UNMET, NOT_APPLICABLE)
    )
    tasks, reqs = len(pack.tasks), len(proofs)
    lines = [
        pick(
            lang,
            f"✓ {name}：{tasks}项任务、{reqs}条要求，检查通过。z3 证明：可得到的结论各有见证"
            f"（{counts}），引擎对每份见证的判定一致；“达到”与“未达到”无重叠、无遗漏",
            f"OK {name}: {counted(tasks, 'task')}, {counted(reqs, 'requirement')}. "
            f"Proved with z3: a witness for every reachable verdict ({counts}), each decided "
            "alike by the engine; met and unmet never overlap and leave no gap",
        )
    ]
    if witness:
        for proof in proofs:
            for reach in proof.reaches:
                if reach.answer != "sat":
                    continue
                shown = pick(lang, "，", ", ").join(
                    f"{f}={user_text(show(pack.field(f), v, lang))}"
                    for f, v in reach.witness.items()
                )
                verdict = LABELS[lang][reach.verdict]
                lines.append(f"  {proof.requirement} {verdict}{pick(lang, '：', ': ')}{shown}")
    if sheet is not None:
        lines += sheet_lines(pack, sheet, witness, lang)
    return lines
