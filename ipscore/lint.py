"""Deeper checks of a pack than loading does: requirements that no input could ever meet, and
fields that nothing reads. `ipscore rules check` runs them on every pack it is given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import PackError, Problem, display_path
from .options import options
from .packs import FieldDecl, Pack, load_pack, shipped_packs
from .packs.conditions import fields_read, normalise, split_year
from .pipeline import other_years_read
from .submission import Value


def findings(pack: Pack, file: str) -> tuple[list[Problem], list[Problem]]:
    """(errors, notes): impossible requirements are errors; unread fields are notes."""
    read = {f for cond in pack.conditions() for f in fields_read(cond)}
    # Comparisons with other fields need those fields to have a value: try every figure (other
    # years' included) at its least and at its greatest value.
    names = [*pack.field_names(), *other_years_read(pack)]
    numbers = [n for n in names if pack.field(n).type in ("count", "amount", "ratio")]
    first = pack.years()[0]
    seeds: list[dict[str, Value]] = [
        {n: pack.field(n).min or 0 for n in numbers},
        {n: pack.field(n).max or 10**6 for n in numbers},
        # Figures growing year by year, for duties such as "逐年增加".
        {n: 100 * (1 + (split_year(n)[1] or pack.pack.year) - first) for n in numbers},
    ]
    errors = []
    for _, req in pack.requirements():
        check = normalise(req.check)
        if not any(options(pack, check, seed, _any_but_text) for seed in seeds):
            errors.append(
                Problem(
                    f"要求 {req.id} 无论填什么都达不到，请检查条件和字段的取值范围",
                    f"requirement {req.id} cannot be met by any input; check its condition "
                    "and the fields' bounds",
                    file,
                    field=req.id,
                )
            )
    read = {split_year(f)[0] for f in read}
    for name in pack.field_names():
        read.update(pack.field(name).of or [])
    notes = [
        Problem(
            f"字段 {name} 没有被任何要求读取（只用于报告）",
            f"field {name} is read by no requirement (reports only)",
            file,
            field=name,
        )
        for name in pack.field_names()
        if name not in read and name != "city.name"
    ]
    return errors, notes


def _any_but_text(_: str, decl: FieldDecl) -> bool:
    return decl.type != "text"


@dataclass(frozen=True)
class Checked:
    """One pack checked: the pack (None if it did not load), its errors and notes."""

    name: str
    pack: Pack | None
    errors: tuple[Problem, ...]
    notes: tuple[Problem, ...]


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
        errors, notes = findings(pack, name)
        out.append(Checked(name, pack, tuple(errors), tuple(notes)))
    return out
