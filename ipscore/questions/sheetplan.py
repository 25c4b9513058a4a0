"""The least work on a points sheet: which items to raise, and how far, to reach a score or a
grade with the fewest items changed.

Each item's parts offer moves, each a change of the city's own figures and the points it adds:
a tier part the least figure of each better tier (ceil(share × target) in the field's
decimals) and, in its top tier with a bonus, any number of bonus steps beyond the target
(capped where the sheet caps them); a per-unit part any number of added units, up to its
cap; an award the least settings that make its condition true; a deduction any number of
steps done, up to the whole task. Points stay exact (`Fraction`). Choosing the moves is a
small mixed-integer programme that SciPy's HiGHS solves exactly: first the fewest items (or
the least declared `cost`), then, among those, the least added work — every figure's
increase as a share of its target (a per-unit figure's as a share of its cap), since 件 and
万元 cannot be added together. The caller applies the moves and assesses the city again
through the pipeline: the total reported is the engine's.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from ..decide import kleene
from ..decide.explain import label, show
from ..decide.options import Option, options
from ..decide.points import ItemScore, points_text, target_of
from ..intake.values import Value
from ..packs import FieldDecl, Pack
from ..packs.conditions import Not, normalise, split_year
from ..packs.model import parts_of
from ..packs.points import Part, Veto, rates_of, shares

if TYPE_CHECKING:
    import numpy.typing as npt

# A figure with no declared maximum is not raised past this (a bound for the solver only).
NO_MAX = Fraction(10**12)


def actionable(name: str, decl: FieldDecl) -> bool:
    """What work can change: a city's achievements this year, never its profile, a target or
    another year's figures."""
    return decl.role == "achievement" and decl.type != "ratio" and split_year(name)[1] is None


@dataclass(frozen=True)
class Step:
    """Units a move may add, any number up to `most`: each adds `gain` points."""

    field: str
    gain: Fraction
    most: int
    cost: Fraction  # added work a step, as a share of the target


@dataclass(frozen=True)
class Move:
    """One way to raise one part: a fixed change worth `gain`, and steps beyond it that add
    up to `room` more (None: no cap but the figures' own). `finish`: the steps must fill the
    room for the part to reach its best band (a per-unit part's cap, a deduction's task)."""

    item: str
    part: int
    gain: Fraction
    cost: Fraction
    steps: tuple[Step, ...]
    room: Fraction | None
    best: bool
    finish: bool
    values: Callable[[tuple[int, ...]], Option]


def _number(values: Mapping[str, Value], name: str) -> Fraction | None:
    value = values.get(name)
    if value is None or isinstance(value, bool):
        return None
    return Fraction(value)  # type: ignore[arg-type]


def _unit(decl: FieldDecl) -> Fraction:
    return Fraction(1, 10**decl.decimals)


def _up(value: Fraction, unit: Fraction) -> Fraction:
    """The least multiple of `unit` at or above `value`."""
    return math.ceil(value / unit) * unit


def _most(decl: FieldDecl) -> Fraction:
    return Fraction(decl.max) if decl.max is not None else NO_MAX


def typed(decl: FieldDecl, number: Fraction) -> Value:
    if decl.type == "count":
        return int(number)
    return Decimal(number.numerator) / Decimal(number.denominator)


def moves(pack: Pack, item: ItemScore, values: Mapping[str, Value], need: Fraction) -> list[Move]:
    """Every move that raises one of the item's parts, given the points still needed (steps
    past them are never useful)."""
    out: list[Move] = []
    for k, (part, got) in enumerate(
        zip(parts_of(pack.requirement(item.id)), item.parts, strict=True)
    ):
        if part.tiers is not None:
            out += _tier_moves(pack, item.id, k, part, got.band, got.points, values, need)
        elif part.per_unit is not None:
            out += _unit_moves(pack, item.id, k, part, values, need)
        elif part.when is not None and got.band != 0:
            out += _award_moves(pack, item.id, k, part, got.points, values)
        elif part.deduct is not None and got.band != 0:
            out += _deduct_moves(pack, item.id, k, part, got.points, values)
    return out


def _tier_moves(
    pack: Pack,
    item: str,
    k: int,
    part: Part,
    band: int | None,
    points: Fraction,
    values: Mapping[str, Value],
    need: Fraction,
) -> list[Move]:
    assert part.tiers is not None
    name = part.tiers.field
    decl = pack.field(name)
    target = target_of(part.tiers.of, values)
    if target is None or not actionable(name, decl):
        return []
    unit, top = _unit(decl), _most(decl)
    done = _number(values, name) or Fraction(0)
    scale = target if target > 0 else Fraction(1)
    bonus = part.bonus
    out = []
    for b, (share, earns) in enumerate(shares(part.tiers)):
        if band is not None and b >= band:
            break
        least = max(done, _up(share * target, unit))
        if least > top:
            continue
        steps: tuple[Step, ...] = ()
        room = None
        if b == 0 and bonus is not None:
            per, each = Fraction(bonus.per), Fraction(bonus.points)
            most = math.floor((top - target) / per) if top >= target else 0
            most = min(most, math.ceil(need / each))
            if bonus.cap is not None:
                room = Fraction(bonus.cap)
                most = min(most, math.ceil(room / each))
            if most > 0:
                steps = (Step(name, each, most, per / scale),)
        out.append(
            Move(
                item,
                k,
                earns * part.worth - points,
                (least - done) / scale,
                steps,
                room,
                b == 0,
                False,
                _tier_values(decl, name, least, target, bonus.per if bonus else None, unit),
            )
        )
    if band == 0 and bonus is not None and done >= target:  # more bonus steps
        per, each = Fraction(bonus.per), Fraction(bonus.points)
        already = math.floor((done - target) / per)
        most = min(math.floor((top - target) / per) - already, math.ceil(need / each))
        room = None
        if bonus.cap is not None:
            room = max(Fraction(0), Fraction(bonus.cap) - already * each)
            most = min(most, math.ceil(room / each))
        if most > 0:
            base = target + already * per

            def more(taken: tuple[int, ...]) -> Option:
                return {name: typed(decl, max(done, _up(base + taken[0] * per, unit)))}

            out.append(
                Move(
                    item,
                    k,
                    Fraction(0),
                    Fraction(0),
                    (Step(name, each, most, per / scale),),
                    room,
                    True,
                    False,
                    more,
                )
            )
    return out


def _tier_values(
    decl: FieldDecl,
    name: str,
    least: Fraction,
    target: Fraction,
    per: Decimal | None,
    unit: Fraction,
) -> Callable[[tuple[int, ...]], Option]:
    def values(taken: tuple[int, ...]) -> Option:
        steps = taken[0] if taken else 0
        if not steps or per is None:
            return {name: typed(decl, least)}
        return {name: typed(decl, max(least, _up(target + steps * Fraction(per), unit)))}

    return values


def _unit_moves(
    pack: Pack, item: str, k: int, part: Part, values: Mapping[str, Value], need: Fraction
) -> list[Move]:
    cap = Fraction(part.cap if part.cap is not None else part.value or 0)
    rates = rates_of(part)
    total = sum((r * (_number(values, f) or 0) for f, r in rates), Fraction(0))
    room = cap - total
    if room <= 0:
        return []
    steps = []
    for name, rate in rates:
        decl = pack.field(name)
        if not actionable(name, decl):
            continue
        unit = _unit(decl)
        gain = rate * unit
        done = _number(values, name) or Fraction(0)
        most = min(math.floor((_most(decl) - done) / unit), math.ceil(min(room, need) / gain))
        if most > 0:
            steps.append(Step(name, gain, most, gain / cap))
    if not steps:
        return []
    decls = {s.field: pack.field(s.field) for s in steps}

    def added(taken: tuple[int, ...]) -> Option:
        out: Option = {}
        for step, n in zip(steps, taken, strict=True):
            if n:
                done = _number(values, step.field) or Fraction(0)
                out[step.field] = typed(decls[step.field], done + n * _unit(decls[step.field]))
        return out

    return [Move(item, k, Fraction(0), Fraction(0), tuple(steps), room, True, True, added)]


def _award_moves(
    pack: Pack, item: str, k: int, part: Part, points: Fraction, values: Mapping[str, Value]
) -> list[Move]:
    when = part.bands[0].when
    found = options(pack, normalise(when), values, actionable)
    return [
        Move(item, k, part.worth - points, Fraction(0), (), None, True, False, _fixed(o))
        for o in found
        if o
    ]


def _fixed(option: Option) -> Callable[[tuple[int, ...]], Option]:
    return lambda _: dict(option)


def _deduct_moves(
    pack: Pack, item: str, k: int, part: Part, points: Fraction, values: Mapping[str, Value]
) -> list[Move]:
    """Steps of a deduction done: each `per` units done takes `points` less off, once the
    deduction is below its cap."""
    d = part.deduct
    assert d is not None
    decl = pack.field(d.field)
    target = target_of(d.of, values)
    if target is None or not actionable(d.field, decl):
        return []
    unit, per, each = _unit(decl), Fraction(d.per), Fraction(d.points)
    done = _number(values, d.field) or Fraction(0)
    short = math.ceil((target - done) / per)  # steps unfinished
    taken = -points
    # Steps done before the deduction falls below its cap earn nothing: start past them.
    first = max(0, math.ceil(short - Fraction(d.cap) / each)) if d.cap is not None else 0
    left = short - first
    if left <= 0 or _up(target, unit) > _most(decl):
        return []
    start = left * each if d.cap is None else min(left * each, Fraction(d.cap))
    scale = target if target > 0 else Fraction(1)

    def at(remaining: int) -> Fraction:
        return max(done, _up(target - remaining * per, unit))

    def finished(steps: tuple[int, ...]) -> Option:
        return {d.field: typed(decl, at(left - (steps[0] if steps else 0)))}

    return [
        Move(
            item,
            k,
            taken - start,
            (at(left) - done) / scale,
            (Step(d.field, each, left, per / scale),),
            start,
            True,
            True,
            finished,
        )
    ]


def veto_options(pack: Pack, veto: Veto, values: Mapping[str, Value]) -> list[Option]:
    """The least changes of a city's own figures that make a veto's condition false."""
    return [o for o in options(pack, normalise(Not(veto.when)), values, actionable) if o]


def veto_holds(veto: Veto, values: Mapping[str, Value]) -> bool:
    return kleene.evaluate(veto.when, values) is True


@dataclass(frozen=True)
class Chosen:
    """The moves taken, each with the steps taken beyond its fixed change."""

    moves: tuple[tuple[Move, tuple[int, ...]], ...]

    def changes(self) -> dict[str, Option]:
        """Each item's changed figures."""
        out: dict[str, Option] = {}
        for move, taken in self.moves:
            out.setdefault(move.item, {}).update(move.values(taken))
        return out


def ceiling(found: list[Move]) -> Fraction:
    """The most the moves could add together: the best move of each part."""
    best: dict[tuple[str, int], Fraction] = {}
    for m in found:
        more = sum((s.gain * s.most for s in m.steps), Fraction(0))
        if m.room is not None:
            more = min(more, m.room)
        key = (m.item, m.part)
        best[key] = max(best.get(key, Fraction(0)), m.gain + more)
    return sum(best.values(), Fraction(0))


def solve(
    found: list[Move],
    need: Fraction,
    required: set[tuple[str, int]],
    costs: Mapping[str, Fraction | None],
) -> Chosen | None:
    """The moves reaching `need` more points with the fewest items (or the least declared
    cost), then the least added work; each part in `required` ends in its best band. None
    when no choice reaches it."""
    import numpy as np  # the solver loads only when a plan is asked for
    from scipy.optimize import Bounds, LinearConstraint, milp

    items = sorted({m.item for m in found} | {i for i, _ in required})
    n_z, n_y = len(items), len(found)
    step_at: list[tuple[int, int]] = [
        (j, s) for j, m in enumerate(found) for s in range(len(m.steps))
    ]
    n_s = len(step_at)
    n_g = n_y  # each move's gain from its steps
    size = n_z + n_y + n_s + n_g
    numbers = [need, *(m.gain for m in found), *(m.room for m in found if m.room is not None)]
    numbers += [s.gain for m in found for s in m.steps]
    scale = math.lcm(*(Fraction(x).denominator for x in numbers))
    rows: list[npt.NDArray[np.float64]] = []
    lower: list[float] = []
    upper: list[float] = []

    def add(cells: dict[int, float], low: float, high: float) -> None:
        row = np.zeros(size)
        for at, value in cells.items():
            row[at] += value
        rows.append(row)
        lower.append(low)
        upper.append(high)

    z = {item: i for i, item in enumerate(items)}
    y0, s0, g0 = n_z, n_z + n_y, n_z + n_y + n_s
    parts = sorted({(m.item, m.part) for m in found} | required)
    for key in parts:
        taken = {y0 + j: 1.0 for j, m in enumerate(found) if (m.item, m.part) == key}
        best = {y0 + j: 1.0 for j, m in enumerate(found) if (m.item, m.part) == key and m.best}
        if key in required:
            if not best:
                return None
            add(best, 1, 1)
        if taken:
            add(taken, 0, 1)
    steps_of: dict[int, list[int]] = {}
    for col, (j, _) in enumerate(step_at):
        steps_of.setdefault(j, []).append(col)
    cap = float(need * scale) + 1
    for j, m in enumerate(found):
        add({y0 + j: 1, z[m.item]: -1}, -np.inf, 0)
        gain = {g0 + j: 1.0}
        for col in steps_of.get(j, []):
            step = m.steps[step_at[col][1]]
            add({s0 + col: 1, y0 + j: -step.most}, -np.inf, 0)
            gain[s0 + col] = -float(step.gain * scale)
        add(gain, -np.inf, 0)  # the steps' gain is no more than their units give
        room = float(m.room * scale) if m.room is not None else cap
        add({g0 + j: 1, y0 + j: -room}, -np.inf, 0)
        if m.finish and (m.item, m.part) in required:
            add({g0 + j: 1, y0 + j: -room}, 0, np.inf)
    reach = {y0 + j: float(m.gain * scale) for j, m in enumerate(found)}
    reach.update({g0 + j: 1.0 for j in range(n_y)})
    add(reach, float(need * scale), np.inf)

    integrality = np.concatenate([np.ones(n_z + n_y + n_s), np.zeros(n_g)])
    high = np.concatenate(
        [
            np.ones(n_z + n_y),
            [found[j].steps[s].most for j, s in step_at],
            np.full(n_g, np.inf),
        ]
    )
    bounds = Bounds(np.zeros(size), high)
    declared = [c for c in costs.values() if c is not None]
    weight = np.zeros(size)
    if declared:  # least declared cost first, fewest items among equally cheap plans
        units = math.lcm(*(c.denominator for c in declared))
        for item, i in z.items():
            weight[i] = int((costs.get(item) or 0) * units) * (n_z + 1) + 1
    else:
        weight[:n_z] = 1
    constraints = LinearConstraint(np.array(rows), lower, upper)
    first = milp(
        weight,
        constraints=constraints,
        integrality=integrality,
        bounds=bounds,
        options={"mip_rel_gap": 0},
    )
    if first.status != 0:
        return None
    # Among the plans with as few items, the least added work.
    add({i: weight[i] for i in range(n_z)}, -np.inf, round(first.fun) + 0.5)
    work = np.zeros(size)
    for j, m in enumerate(found):
        work[y0 + j] = float(m.cost)
    for col, (j, s) in enumerate(step_at):
        work[s0 + col] = float(found[j].steps[s].cost)
    second = milp(
        work,
        constraints=LinearConstraint(np.array(rows), lower, upper),
        integrality=integrality,
        bounds=bounds,
        options={"mip_rel_gap": 0},
    )
    x = (second if second.status == 0 else first).x
    chosen = []
    for j, m in enumerate(found):
        if round(x[y0 + j]) == 1:
            counts = tuple(round(x[s0 + col]) for col in steps_of.get(j, []))
            chosen.append((m, counts))
    return Chosen(tuple(chosen))


@dataclass(frozen=True)
class Edge:
    """One way an item's points rise: reach a figure (`value`) for `gain` points; or every
    `per` units more of `field` for `gain` points each, up to `room` more (None: no cap); or
    set figures (`settings`, an award's) for `gain`."""

    field: str | None
    gain: Fraction
    value: Value | None = None
    per: Fraction | None = None
    room: Fraction | None = None
    settings: tuple[tuple[str, Value], ...] = ()
    less: bool = False  # a deduction: each step takes `gain` less off
    bonus: bool = False  # a tier's bonus: every `per` units over the target

    def kind(self) -> str:
        return "settings" if self.settings else "reach" if self.per is None else "rate"

    def describe(self, pack: Pack, values: Mapping[str, Value], lang: str = "zh") -> str:
        """ "发明专利授权量 达到100件：+6分", "超出目标后每多1件：+0.2分（不封顶）"."""
        decimals = pack.scoring.decimals
        gain = points_text(self.gain, decimals)
        en = lang == "en"
        if self.settings:
            what = ("; " if en else "，").join(
                f"{label(pack.field(f), lang)} {show(pack.field(f), values.get(f), lang)} → "
                f"{show(pack.field(f), v, lang)}"
                for f, v in self.settings
            )
            return f"{what}: +{gain}" if en else f"{what}：+{gain}分"
        assert self.field is not None
        decl = pack.field(self.field)
        name = label(decl, lang)
        if self.per is None:
            to = show(decl, self.value, lang)
            return (
                f"{name} to {to}: +{gain}"
                if en
                else f"{name}达到{show(decl, self.value)}：+{gain}分"
            )
        per = show(decl, self.per, lang)
        room = None if self.room is None else points_text(self.room, decimals)
        if en:
            verb = "less deducted" if self.less else "more"
            most = " (no cap)" if room is None else f" (at most {room})"
            over = " over the target" if self.bonus else ""
            return f"{name}: each {per} more{over}: {gain} {verb}{most}"
        if self.less:
            return f"{name}每多完成{per}：少扣{gain}分（最多少扣{room}分）"
        most = "（不封顶）" if room is None else f"（最多再得{room}分）"
        over = "超出目标后" if self.bonus else ""
        return f"{name}{over}每多{per}：+{gain}分{most}"


@dataclass(frozen=True)
class Margin:
    """An item's points and every way the city's own figures could raise them."""

    item: str
    title: str
    points: Fraction
    value: Fraction  # 分值
    edges: tuple[Edge, ...]


def margins(pack: Pack, items: tuple[ItemScore, ...], values: Mapping[str, Value]) -> list[Margin]:
    """How the total moves with each figure a city files: for each item, the next tiers and
    the points each brings, the points a unit (a case, a bonus step), an award's settings."""
    out = []
    for item in items:
        req = pack.requirement(item.id)
        edges: list[Edge] = []
        for part, got in zip(parts_of(req), item.parts, strict=True):
            edges += _edges(pack, part, got.band, got.points, values)
        out.append(Margin(item.id, req.title, item.points, item.value, tuple(edges)))
    return out


def _edges(
    pack: Pack, part: Part, band: int | None, points: Fraction, values: Mapping[str, Value]
) -> list[Edge]:
    if part.tiers is not None:
        name, decl = part.tiers.field, pack.field(part.tiers.field)
        target = target_of(part.tiers.of, values)
        if target is None or not actionable(name, decl):
            return []
        done = _number(values, name) or Fraction(0)
        out = [  # the nearest tier first
            Edge(name, earns * part.worth - points, typed(decl, _up(share * target, _unit(decl))))
            for b, (share, earns) in reversed(list(enumerate(shares(part.tiers))))
            if band is None or b < band
        ]
        if part.bonus is not None:
            b = part.bonus
            room = None
            if b.cap is not None:
                already = math.floor((done - target) / Fraction(b.per)) if done > target else 0
                room = max(Fraction(0), Fraction(b.cap) - already * Fraction(b.points))
            out.append(Edge(name, Fraction(b.points), per=Fraction(b.per), room=room, bonus=True))
        return out
    if part.per_unit is not None:
        cap = Fraction(part.cap if part.cap is not None else part.value or 0)
        total = sum((r * (_number(values, f) or 0) for f, r in rates_of(part)), Fraction(0))
        if total >= cap:
            return []
        return [
            Edge(f, r, per=Fraction(1), room=cap - total)
            for f, r in rates_of(part)
            if actionable(f, pack.field(f))
        ]
    if part.when is not None:
        if band == 0:
            return []
        found = options(pack, normalise(part.bands[0].when), values, actionable)
        return [
            Edge(None, part.worth - points, settings=tuple(sorted(o.items()))) for o in found if o
        ][:1]
    d = part.deduct
    assert d is not None
    if band == 0 or not actionable(d.field, pack.field(d.field)) or points == 0:
        return []
    return [Edge(d.field, Fraction(d.points), per=Fraction(d.per), room=-points, less=True)]
