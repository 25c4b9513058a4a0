"""A points sheet proved with z3 for `rules check`, in the exact arithmetic of `proofs`:

- each part's bands never hold two at once, and with every figure present and the item
  applying one always holds (the loader builds them so; this proves it of what it built);
- each item's least and most points, and the sheet's, each with a witness: a set of figures
  that gives them, assessed by the pipeline, which must score it alike. A bonus or a
  deduction the sheet does not cap is left out of the range and said ("另加分不封顶",
  "扣分不封顶"): only the declared bounds of a field would stop it;
- every band that some figures reach (a band none can reach is a note);
- a veto whose condition can never hold (a note), and a veto reading a figure the form does not
  ask for — another year's, which the fill-in form has no row for (an error).

A part's points are a z3 term: the band's points, chosen by the bands' conditions in order;
a tier's bonus is ⌊(done − target) / per⌋ × points, a deduction ⌈(target − done) / per⌉ ×
points, each within its cap; per unit, Σ rate × count below the cap."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import z3

from ..decide.pipeline import Evaluation, evaluate
from ..decide.sheetwords import band_name, pts
from ..errors import Problem
from ..intake.submission import Submission
from ..intake.values import Value
from ..packs import Pack, Requirement
from ..packs.conditions import fields_read, split_year
from ..packs.model import parts_of
from ..packs.points import Part, Veto
from .proofs import TIMEOUT_MS, _ask, _Encoding, _q


@dataclass(frozen=True)
class End:
    """One end of a range: the points, the figures that give them, and what the pipeline
    scored them (None where it was not asked)."""

    points: Fraction
    witness: dict[str, Value]
    scored: Fraction | None = None
    bands: tuple[tuple[str, int, int | None, int | None], ...] = ()  # (item, part, proved, engine)


@dataclass(frozen=True)
class ItemRange:
    """An item's least and most points (None: a deduction with no cap, or unsettled), and
    whether a bonus or a deduction it may give has no cap."""

    item: str
    least: End | None
    most: End | None
    worth: Fraction
    open_bonus: bool = False
    open_deduction: bool = False
    unknown: bool = False
    never: bool = False  # the item applies to no figures


@dataclass(frozen=True)
class SheetRange:
    """The sheet's total: full marks (start + Σ 分值), the most and least it can reach (within
    its cap and floor), and whether an uncapped bonus or deduction makes it open."""

    start: Fraction
    full: Fraction
    top: End | None
    bottom: End | None
    raw_top: Fraction | None  # before the sheet's cap
    raw_bottom: Fraction | None  # before the sheet's floor
    open_bonus: bool
    open_deduction: bool
    deductions: bool


@dataclass(frozen=True)
class SheetProof:
    items: tuple[ItemRange, ...]
    sheet: SheetRange
    errors: tuple[Problem, ...] = ()
    notes: tuple[Problem, ...] = ()
    # False where a part's bands overlap or leave a gap: the engine cannot assess the pack
    well_defined: bool = True


@dataclass
class _Terms:
    """A part's points as z3 terms: the total, each band's condition, and the uncapped bonus
    or deduction (held at 0 where a range leaves it out)."""

    points: Any
    bands: list[Any]
    open_bonus: Any = None
    open_deduction: Any = None


def _target(enc: _Encoding, of: str | Any) -> Any:
    return enc.var(of) if isinstance(of, str) else _q(Fraction(of))


def _within(term: Any, cap: Any) -> Any:
    return term if cap is None else z3.If(term > _q(Fraction(cap)), _q(Fraction(cap)), term)


def _terms(enc: _Encoding, part: Part) -> _Terms:
    bands = [enc.cond(b.when) for b in part.bands]
    out = _Terms(None, bands)
    each: list[Any]
    if part.tiers is not None:
        each = [_q((b.earns or Fraction(0)) * part.worth) for b in part.bands]
        if part.bonus is not None:
            b = part.bonus
            over = enc.var(part.tiers.field) - _target(enc, part.tiers.of)
            steps = z3.ToReal(z3.ToInt(over / _q(Fraction(b.per))))
            bonus = z3.If(over > 0, steps * _q(Fraction(b.points)), _q(0))
            if b.cap is None:
                out.open_bonus = bonus
            each[0] = each[0] + _within(bonus, b.cap)
    elif part.per_unit is not None:
        cap = part.cap if part.cap is not None else part.value or 0
        counted = z3.Sum([_q(Fraction(r)) * enc.var(f) for f, r in part.per_unit.items()])
        each = [_q(Fraction(cap)), counted]
    elif part.when is not None:
        each = [_q(part.worth), _q(0)]
    else:
        d = part.deduct
        assert d is not None
        short = _target(enc, d.of) - enc.var(d.field)
        steps = -z3.ToReal(z3.ToInt(-short / _q(Fraction(d.per))))
        taken = steps * _q(Fraction(d.points))
        if d.cap is None and isinstance(d.of, str):  # a constant target bounds it itself
            out.open_deduction = taken
        each = [_q(0), -_within(taken, d.cap)]
    points = each[-1]
    for cond, value in zip(reversed(bands[:-1]), reversed(each[:-1]), strict=True):
        points = z3.If(cond, value, points)
    out.points = points
    return out


def _filed(pack: Pack, conds: list[Any]) -> list[str]:
    """Every figure a city files that the conditions read (a ratio's inputs, `x` of the year
    before for another year's `x_prev`)."""
    out: dict[str, None] = {}
    for name in (f for c in conds for f in fields_read(c)):
        out.update((pack.filed_as(f), None) for f in [*pack.ratio_inputs(name), name])
    return list(out)


def _item_conds(req: Requirement) -> list[Any]:
    conds = [b.when for part in parts_of(req) for b in part.bands]
    return conds + ([req.applies_if] if req.applies_if is not None else [])


class _Sheet:
    """The sheet's terms in one encoding: each item's points, its parts' terms, whether it
    applies."""

    def __init__(self, pack: Pack):
        self.pack = pack
        self.enc = _Encoding(pack)
        self.parts: dict[str, list[_Terms]] = {}
        self.applies: dict[str, Any] = {}
        self.points: dict[str, Any] = {}
        # The targets the city files (a tier's or a deduction's `of`), for readable witnesses.
        self.targets = [
            self.enc.var(way.of)
            for _, req in pack.requirements()
            for part in parts_of(req)
            for way in (part.tiers, part.deduct)
            if way is not None and isinstance(way.of, str)
        ]
        for _, req in pack.requirements():
            terms = [_terms(self.enc, part) for part in parts_of(req)]
            self.parts[req.id] = terms
            self.applies[req.id] = (
                self.enc.cond(req.applies_if) if req.applies_if is not None else z3.BoolVal(True)
            )
            self.points[req.id] = z3.Sum([t.points for t in terms])

    def open_bonuses(self, rid: str) -> list[Any]:
        return [t.open_bonus for t in self.parts[rid] if t.open_bonus is not None]

    def open_deductions(self, rid: str) -> list[Any]:
        return [t.open_deduction for t in self.parts[rid] if t.open_deduction is not None]

    def defined(self, names: list[str]) -> list[Any]:
        """Every ratio among the fields named computable (its divisor above 0)."""
        return [self.enc.defined[n] for n in names if n in self.enc.defined]


def _optimum(s: _Sheet, goal: Any, constraints: list[Any], most: bool) -> tuple[str, Any]:
    """The most (or least) of `goal` under the constraints and the fields' domains: the model
    that reaches it, or why there is none ("unsat", "unknown", "unbounded")."""
    opt = z3.Optimize()
    opt.set("timeout", TIMEOUT_MS)
    opt.add(*constraints)
    handle = opt.maximize(goal) if most else opt.minimize(goal)
    for target in s.targets:  # then, as a witness reads better: every target above 0
        opt.add_soft(target > 0)
    opt.add(*s.enc.domain)  # after: the goal and constraints declare the fields they read
    answer = opt.check()
    if answer != z3.sat:
        return str(answer), None
    value = handle.value()
    if not (z3.is_int_value(value) or z3.is_rational_value(value)):  # ±oo, an epsilon
        return "unbounded", None
    return "sat", opt.model()


def _value(model: Any, term: Any) -> Fraction:
    v = model.eval(term, model_completion=True)
    return Fraction(v.as_long()) if z3.is_int_value(v) else Fraction(v.as_fraction())


def _scored(pack: Pack, witness: dict[str, Value]) -> Evaluation:
    """The witness assessed by the pipeline as a city's figures."""
    return evaluate(pack, Submission(pack.id, pack.pack.year, {"city.name": "见证", **witness}))


def _bands_of(s: _Sheet, model: Any, ev: Evaluation, rids: list[str]) -> tuple[Any, ...]:
    """(item, part, band the model is in, band the engine decided) for each part of each item."""
    out = []
    for rid in rids:
        found = ev.verdicts.bands.get(rid, ())
        applies = z3.is_true(model.eval(s.applies[rid], True))  # else no band: not applicable
        for p, terms in enumerate(s.parts[rid]):
            held = [
                b for b, c in enumerate(terms.bands) if applies and z3.is_true(model.eval(c, True))
            ]
            engine = found[p] if p < len(found) else None
            out.append((rid, p, held[0] if held else None, engine))
    return tuple(out)


def _item_end(s: _Sheet, req: Requirement, most: bool) -> tuple[str, End | None]:
    rid = req.id
    goal = s.points[rid]
    held = [s.applies[rid]]
    held += [t == 0 for t in s.open_bonuses(rid)] if most else []
    answer, model = _optimum(s, goal, held, most)
    if model is None:
        return answer, None
    witness = s.enc.witness(model, _filed(s.pack, _item_conds(req)))
    ev = _scored(s.pack, witness)
    assert ev.assessment.sheet is not None
    scored = next(i.points for i in ev.assessment.sheet.items if i.id == rid)
    return answer, End(_value(model, goal), witness, scored, _bands_of(s, model, ev, [rid]))


def _item_range(s: _Sheet, req: Requirement) -> ItemRange:
    rid = req.id
    bonus_open = bool(s.open_bonuses(rid)) and _reachable(s, rid, s.open_bonuses(rid))
    ded_open = bool(s.open_deductions(rid)) and _reachable(s, rid, s.open_deductions(rid))
    a_most, most = _item_end(s, req, True)
    a_least, least = ("sat", None) if ded_open else _item_end(s, req, False)
    worth = req.points.worth if req.points is not None else Fraction(0)
    unknown = "unknown" in (a_most, a_least) or "unbounded" in (a_most, a_least)
    never = a_most == "unsat"
    return ItemRange(rid, least, most, worth, bonus_open, ded_open, unknown, never)


def _reachable(s: _Sheet, rid: str, terms: list[Any]) -> bool:
    """Some figures give one of these terms (an uncapped bonus or deduction) above 0."""
    answer, _ = _ask(s.enc, s.applies[rid], z3.Or([t > 0 for t in terms]))
    return answer == "sat"


def _sheet_range(s: _Sheet, ranges: list[ItemRange]) -> SheetRange:
    pack = s.pack
    rids = [req.id for _, req in pack.requirements()]
    sheet = pack.scoring.sheet
    start = Fraction(sheet.start)
    total = _q(start) + z3.Sum([z3.If(s.applies[r], s.points[r], _q(0)) for r in rids])
    calm = [z3.Not(s.enc.cond(v.when)) for v in pack.scoring.vetoes]  # no veto to zero it
    read = _filed(pack, [c for _, r in pack.requirements() for c in _item_conds(r)])
    read += [f for f in _filed(pack, [v.when for v in pack.scoring.vetoes]) if f not in read]
    open_bonus = any(r.open_bonus for r in ranges)
    open_deduction = any(r.open_deduction for r in ranges)
    ends: list[End | None] = []
    raws: list[Fraction | None] = []
    for most in (True, False):
        if not most and open_deduction:
            ends.append(None)
            raws.append(None)
            continue
        held = list(calm)
        for r in rids:
            held += [t == 0 for t in (s.open_bonuses(r) if most else [])]
        _, model = _optimum(s, total, held, most)
        if model is None:
            ends.append(None)
            raws.append(None)
            continue
        raw = _value(model, total)
        within = raw
        if sheet.max is not None:
            within = min(within, Fraction(sheet.max))
        if sheet.floor is not None:
            within = max(within, Fraction(sheet.floor))
        witness = s.enc.witness(model, read)
        ev = _scored(pack, witness)
        assert ev.assessment.sheet is not None
        ends.append(End(within, witness, ev.assessment.sheet.exact, _bands_of(s, model, ev, rids)))
        raws.append(raw)
    full = start + sum((r.worth for r in ranges), Fraction(0))
    deductions = any(p.deduct is not None for _, r in pack.requirements() for p in parts_of(r))
    return SheetRange(
        start, full, ends[0], ends[1], raws[0], raws[1], open_bonus, open_deduction, deductions
    )


def _clashes(s: _Sheet, req: Requirement, file: str) -> list[Problem]:
    """A part's bands that could hold at once, or none of which holds with every figure
    present and the item applying: errors, each with its witness."""
    out = []
    read = _filed(s.pack, _item_conds(req))
    for p, terms in enumerate(s.parts[req.id]):
        bands = terms.bands
        for i in range(len(bands)):
            for j in range(i + 1, len(bands)):
                _, model = _ask(s.enc, s.applies[req.id], bands[i], bands[j])
                if model is None:
                    continue
                shown = figures(s.enc.witness(model, read))
                first, second = _band(s.pack, req, p, i, "zh"), _band(s.pack, req, p, j, "zh")
                first_en, second_en = _band(s.pack, req, p, i, "en"), _band(s.pack, req, p, j, "en")
                out.append(
                    Problem(
                        f"评分项 {req.id} 的档“{first}”与“{second}”可能同时成立：{shown}",
                        f"item {req.id}: bands “{first_en}” and “{second_en}” can hold at once: "
                        f"{shown}",
                        file,
                        field=req.id,
                    )
                )
        guards = s.defined(_filed(s.pack, [b.when for b in parts_of(req)[p].bands]))
        _, model = _ask(s.enc, s.applies[req.id], *guards, *[z3.Not(b) for b in bands])
        if model is not None:
            shown = figures(s.enc.witness(model, read))
            part = _part(req, p)
            out.append(
                Problem(
                    f"评分项 {req.id}{part[0]}：数据齐全时可能一档都不成立：{shown}",
                    f"item {req.id}{part[1]}: with every figure present, no band may hold: {shown}",
                    file,
                    field=req.id,
                )
            )
    return out


def _part(req: Requirement, p: int) -> tuple[str, str]:
    if len(parts_of(req)) == 1:
        return "", ""
    return f"第{p + 1}部分", f" part {p + 1}"


def _band(pack: Pack, req: Requirement, p: int, b: int, lang: str) -> str:
    return band_name(pack, req, p, b, lang)


def _unreached(s: _Sheet, req: Requirement, file: str) -> list[Problem]:
    """Bands no figures reach with the item applying: notes."""
    out = []
    for p, terms in enumerate(s.parts[req.id]):
        for b, cond in enumerate(terms.bands):
            answer, _ = _ask(s.enc, s.applies[req.id], cond)
            if answer == "unsat":
                zh, en = _band(s.pack, req, p, b, "zh"), _band(s.pack, req, p, b, "en")
                out.append(
                    Problem(
                        f"评分项 {req.id} 的档“{zh}”无论填什么都达不到",
                        f"item {req.id}: band “{en}” is reached by no figures",
                        file,
                        field=req.id,
                    )
                )
    return out


def _veto_findings(pack: Pack, veto: Veto, file: str) -> tuple[list[Problem], list[Problem]]:
    errors: list[Problem] = []
    notes: list[Problem] = []
    unasked = [
        f
        for name in fields_read(veto.when)
        for f in [*pack.ratio_inputs(name), name]
        if split_year(pack.filed_as(f))[1] is not None and pack.field(f).type != "ratio"
    ]
    if unasked:
        names = "、".join(dict.fromkeys(unasked))
        errors.append(
            Problem(
                f"否决项 {veto.id} 读取 {names}，是其他年度的数据，填报表不要求填它："
                "一票否决只能看本年度填报的数据",
                f"veto {veto.id} reads {', '.join(dict.fromkeys(unasked))}, another year's "
                "figure the fill-in form does not ask for: a veto reads this year's figures",
                file,
                field=f"scoring.vetoes.{veto.id}",
            )
        )
        return errors, notes
    enc = _Encoding(pack)
    answer, _ = _ask(enc, enc.cond(veto.when))
    if answer == "unsat":
        notes.append(
            Problem(
                f"否决项 {veto.id}（{veto.title}）的条件无论填什么都不成立",
                f"veto {veto.id} ({veto.title_en or veto.title}): its condition can never hold",
                file,
                field=f"scoring.vetoes.{veto.id}",
            )
        )
    return errors, notes


def _disagreements(ranges: list[ItemRange], top: SheetRange, file: str) -> list[Problem]:
    """A witness the pipeline scores differently from the proof, or puts in another band: an
    engine (or scoring) bug."""
    out = []
    named = [(r.item, "最低", "least", r.least) for r in ranges]
    named += [(r.item, "最高", "most", r.most) for r in ranges]
    named += [("评分表", "最高", "most", top.top), ("评分表", "最低", "least", top.bottom)]
    for item, zh, en, end in named:
        if end is None:
            continue
        bands = [(rid, p, held, got) for rid, p, held, got in end.bands if held != got]
        if end.scored == end.points and not bands:
            continue
        out.append(
            Problem(
                f"{item}：证明得到的{zh}{_f(end.points)}分见证，评分得到{_f(end.scored)}分"
                + "".join(f"（{rid} 第{p + 1}部分：档{h}，引擎判为{g}）" for rid, p, h, g in bands)
                + f"（引擎或评分有误）：{figures(end.witness)}",
                f"{item}: the witness of the {en} points ({_f(end.points)}) is scored "
                f"{_f(end.scored)}"
                + "".join(f" ({rid} part {p + 1}: band {h}, engine {g})" for rid, p, h, g in bands)
                + f" (an engine or scoring bug): {figures(end.witness)}",
                file,
            )
        )
    return out


def figures(witness: dict[str, Value]) -> str:
    """A witness as a pack's author writes figures: field=value, in either language."""
    return ", ".join(f"{k}={_plain(v)}" for k, v in witness.items())


def _plain(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _f(value: Fraction | None) -> str:
    return "—" if value is None else pts(value)


def prove_sheet(pack: Pack, file: str) -> SheetProof:
    """The sheet's proofs, their errors and notes naming `file`."""
    s = _Sheet(pack)
    errors: list[Problem] = []
    notes: list[Problem] = []
    for _, req in pack.requirements():
        errors += _clashes(s, req, file)
    ranges = []
    well_defined = not errors
    if well_defined:  # no range where a part's points are not well defined: the engine refuses
        for _, req in pack.requirements():
            notes += _unreached(s, req, file)
            ranges.append(_item_range(s, req))
    for veto in pack.scoring.vetoes:
        e, n = _veto_findings(pack, veto, file)
        errors += e
        notes += n
    if errors:
        empty = SheetRange(Fraction(0), Fraction(0), None, None, None, None, False, False, False)
        return SheetProof(tuple(ranges), empty, tuple(errors), tuple(notes), well_defined)
    total = _sheet_range(s, ranges)
    errors += _disagreements(ranges, total, file)
    notes += [
        Problem(
            f"评分项 {r.item}：求解器未能在时限内求出得分范围",
            f"item {r.item}: the solver could not settle its range in time",
            file,
            field=r.item,
        )
        for r in ranges
        if r.unknown
    ]
    return SheetProof(tuple(ranges), total, tuple(errors), tuple(notes))
