"""Deeper checks of a pack than loading does: what each requirement can reach, proved exactly
(`proofs`), and fields that nothing reads. `ipscore rules check` runs them on every pack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import PackError, Problem, display_path
from ..packs import Pack, load_pack, shipped_packs
from ..packs.conditions import fields_read, split_year
from ..verdicts import LABELS, MET, NOT_APPLICABLE, UNMET
from .proofs import Proof, prove_all
from .sheetproofs import SheetProof, prove_sheet


def findings(pack: Pack, file: str) -> tuple[list[Problem], list[Problem], list[Proof]]:
    """(errors, notes, proofs): a requirement no input can meet, rules that could overlap or
    leave a gap, or an engine that disagrees with a proof are errors; a requirement that cannot
    be unmet, an applicability that always holds, a question the solver could not settle and
    a field nothing reads are notes."""
    proofs = prove_all(pack)
    errors, notes = [], []
    for proof in proofs:
        errors += _errors(proof, file)
        notes += _notes(proof, file)
    read = {split_year(f)[0] for cond in pack.conditions() for f in fields_read(cond)}
    for name in pack.field_names():
        read.update(pack.field(name).of or [])
    # An older name is read wherever the figure it names is; a `_prev` figure, by the check
    # that it agrees with last year's figure on record.
    read.update(a for a, target in pack.aliases().items() if split_year(target)[0] in read)
    read.update(prev for prev, base in pack.previous_pairs().items() if base in read)
    if pack.index is not None:  # an index reads its indicators' fields and ranks by tier
        read.update(f for i in pack.index.indicators for f in (i.field, i.per) if f)
        read.update([pack.index.tier] if pack.index.tier else [])
    notes += [
        Problem(
            f"字段 {name} 没有被任何要求读取（只用于报告）",
            f"field {name} is read by no requirement (reports only)",
            file,
            field=name,
        )
        for name in pack.field_names()
        if name not in read and name != "city.name"
    ]
    return errors, notes, proofs


def _errors(proof: Proof, file: str) -> list[Problem]:
    rid, out = proof.requirement, []
    met = proof.reach(MET)
    if met is not None and met.answer == "unsat":
        out.append(
            Problem(
                f"要求 {rid} 无论填什么都达不到，请检查条件和字段的取值范围",
                f"requirement {rid} cannot be met by any input; check its condition "
                "and the fields' bounds",
                file,
                field=rid,
            )
        )
    if proof.overlap == "sat" or proof.gap == "sat":
        out.append(
            Problem(
                f"要求 {rid} 的“达到”和“未达到”规则可能同时成立或都不成立（规则编译有误）",
                f"requirement {rid}: its met and unmet rules could overlap or leave a gap "
                "(a compiler bug)",
                file,
                field=rid,
            )
        )
    for reach in proof.reaches:
        if reach.engine is not None and reach.engine != reach.verdict:
            out.append(
                Problem(
                    f"要求 {rid}：证明得到的“{LABELS['zh'][reach.verdict]}”见证，引擎判为"
                    f"“{LABELS['zh'][reach.engine]}”（引擎有误）：{reach.witness}",
                    f"requirement {rid}: the engine decides the witness of "
                    f"{reach.verdict} as {reach.engine} (an engine bug): {reach.witness}",
                    file,
                    field=rid,
                )
            )
    return out


def _notes(proof: Proof, file: str) -> list[Problem]:
    rid, out = proof.requirement, []
    unmet, na = proof.reach(UNMET), proof.reach(NOT_APPLICABLE)
    if unmet is not None and unmet.answer == "unsat":
        out.append(
            Problem(
                f"要求 {rid} 无论填什么都算达到（条件是否写反？）",
                f"requirement {rid} is met whatever is filed (is the condition reversed?)",
                file,
                field=rid,
            )
        )
    if na is not None and na.answer == "unsat":
        out.append(
            Problem(
                f"要求 {rid} 的适用条件总是成立，可以去掉",
                f"requirement {rid}: its applicability always holds",
                file,
                field=rid,
            )
        )
    undecided = [r.verdict for r in proof.reaches if r.answer == "unknown"]
    if undecided or "unknown" in (proof.overlap, proof.gap):
        out.append(
            Problem(
                f"要求 {rid}：求解器未能在时限内判定（{'、'.join(undecided) or '重叠/遗漏'}）",
                f"requirement {rid}: the solver could not settle "
                f"{', '.join(undecided) or 'overlap/gap'} in time",
                file,
                field=rid,
            )
        )
    return out


@dataclass(frozen=True)
class Checked:
    """One pack checked: the pack (None if it did not load), its errors and notes."""

    name: str
    pack: Pack | None
    errors: tuple[Problem, ...]
    notes: tuple[Problem, ...]
    proofs: tuple[Proof, ...] = ()
    sheet: SheetProof | None = None  # a points sheet's ranges, maximum and witnesses


def check(refs: Sequence[str]) -> list[Checked]:
    """Each pack named (a shipped id or a file; every shipped pack when none is), checked in
    full whatever the others gave, so one run reports every broken pack."""
    shipped = shipped_packs()
    out = []
    for ref in refs or list(shipped):
        path = shipped[ref] if ref in shipped else Path(ref)
        name = display_path(path)
        try:
            pack = load_pack(path)
        except PackError as exc:
            out.append(Checked(name, None, tuple(exc.problems), ()))
            continue
        try:
            sheet = prove_sheet(pack, name) if pack.is_sheet else None
            if sheet is not None and not sheet.well_defined:  # no engine to check witnesses
                out.append(Checked(name, pack, sheet.errors, sheet.notes, (), sheet))
                continue
            errors, notes, proofs = findings(pack, name)
        except PackError as exc:  # beyond the engine's limits: said, naming the pack's file
            found = tuple(Problem(p.zh, p.en, name, p.line, p.field) for p in exc.problems)
            out.append(Checked(name, pack, found, ()))
            continue
        if sheet is not None:  # after the requirements' findings, as a reader goes down the sheet
            errors += sheet.errors
            notes += sheet.notes
        out.append(Checked(name, pack, tuple(errors), tuple(notes), tuple(proofs), sheet))
    return out
