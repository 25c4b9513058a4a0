"""What differs between two packs — an amended pack and its base, or two versions of one: the
requirements added, dropped or changed (and in what), tasks, fields, the mandatory sets, the
grade lines and the weights."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .identity import canonical
from .model import Pack, Requirement


@dataclass(frozen=True)
class Difference:
    kind: str  # added | removed | changed
    what: str  # requirement | task | field | mandatory | grade | weights | pack
    target: str
    parts: tuple[str, ...] = ()  # for a change: the attributes that differ

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "what": self.what,
            "target": self.target,
            "parts": list(self.parts),
        }


def differences(a: Pack, b: Pack) -> list[Difference]:
    out: list[Difference] = []
    out += _keyed("pack", {"year": a.pack.year}, {"year": b.pack.year})
    ra, rb = _requirements(a), _requirements(b)
    out += _keyed("requirement", ra, rb)
    out += _keyed("task", {t.id: t.title for t in a.tasks}, {t.id: t.title for t in b.tasks})
    fa = {n: a.field(n) for n in a.field_names()}
    fb = {n: b.field(n) for n in b.field_names()}
    out += _keyed("field", fa, fb)
    if canonical(a.mandatory) != canonical(b.mandatory):
        out.append(Difference("changed", "mandatory", "mandatory"))
    ga = {g.code: g for g in a.scoring.grades}
    gb = {g.code: g for g in b.scoring.grades}
    out += _keyed("grade", ga, gb)
    weights = ("task_weight", "requirement_weight")
    if any(canonical(getattr(a.scoring, w)) != canonical(getattr(b.scoring, w)) for w in weights):
        out.append(Difference("changed", "weights", "weights"))
    return out


def _requirements(pack: Pack) -> dict[str, Requirement]:
    return {r.id: r for _, r in pack.requirements()}


def _keyed(what: str, a: Mapping[str, object], b: Mapping[str, object]) -> list[Difference]:
    out = [Difference("added", what, k) for k in b if k not in a]
    out += [Difference("removed", what, k) for k in a if k not in b]
    for key in a:
        if key in b and canonical(a[key]) != canonical(b[key]):
            out.append(Difference("changed", what, key, _parts(a[key], b[key])))
    return out


def _parts(a: object, b: object) -> tuple[str, ...]:
    ca, cb = canonical(a), canonical(b)
    if not (isinstance(ca, dict) and isinstance(cb, dict)):
        return ()
    return tuple(k for k in sorted({*ca, *cb}) if ca.get(k) != cb.get(k))
