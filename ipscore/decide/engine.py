"""The durable-rules engine: the only module that imports `durable`.

Each pack compiles to durable-rules JSON rules, held in as many rulesets as the engine's limits
need (`parts`). Every requirement gets a rule for each verdict it can be proved to have — `met`
(applicable and condition true), `unmet` (applicable and the De Morgan negation true) and
`not_applicable` (applicability false). A comparison with an absent field never matches in
durable-rules, so a requirement none of whose rules fired is `missing`; the catch-all rule
`city|seen` proves the city was evaluated at all. That is Kleene's three-valued logic, decided by
rules that fired.

The rulesets are driven through the C extension directly (`durable_rules_engine`): no `Host`, so
none of its timer threads (which race `delete_state` and segfault), and no Python actions (whose
exceptions durable-rules swallows). Numbers reach the engine as integers — amounts scaled by
their declared decimals, dates as day ordinals — and a factor such as 1.2 becomes an integer
ratio with ceiling or floor division, so every threshold is exact.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import durable_rules_engine as dre
import orjson

from ..errors import PackError, Problem
from ..intake.submission import Submission
from ..packs import FieldDecl, Pack, per_pack
from ..packs.conditions import (
    All,
    AnyOf,
    Compare,
    Condition,
    FieldRef,
    fields_read,
    in_year,
    negate,
    normalise,
)
from ..packs.model import SCALED, parts_of
from ..verdicts import (
    BAND,
    MET,
    MISSING,
    NOT_APPLICABLE,
    PREV,
    UNMET,
    VETO,
    VETO_CLEAR,
    Verdict,
    Verdicts,
)
from . import parts

SEEN = "city|seen"
_SID = "0"
_names = itertools.count(1)


class EngineError(RuntimeError):
    """durable-rules did something the compiler did not expect: a bug, never bad input."""


def key(field: str) -> str:
    """A field name as a flat fact key (no dots, never `id` or `sid`); another year's figure
    has a key of its own: `finance.fund@2009` → `finance__fund__y2009`."""
    return field.replace(".", "__").replace("@", "__y")


def encode(decl: FieldDecl, value: Any) -> Any:
    """A submitted value as the engine sees it: integers, booleans and strings only."""
    if decl.type in SCALED:
        if type(value) is int and not decl.decimals:  # most counts: already what it sees
            return value
        return int(Decimal(value).scaleb(decl.decimals))
    if decl.type == "date":
        return value.toordinal()
    return value


def _scale(pack: Pack, field: str) -> int:
    decl = pack.field(field)
    return decl.decimals if decl.type in SCALED else 0


def _constant(pack: Pack, field: str, value: Any) -> Any:
    decl = pack.field(field)
    if isinstance(value, Fraction):
        scaled = value * 10 ** _scale(pack, field)
        if scaled.denominator != 1:
            raise EngineError(f"{field}: constant {value} has more decimals than the field")
        return scaled.numerator
    if decl.type == "date":
        return value.toordinal() if isinstance(value, dt.date) else value
    return value


_OPS = {"gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte", "ne": "$neq"}


def _compare(pack: Pack, cmp: Compare) -> dict[str, Any]:
    name = key(cmp.field)
    ref = cmp.value if isinstance(cmp.value, FieldRef) else None
    if _ratio(pack, cmp.field) is not None or (ref is not None and _ratio(pack, ref.field)):
        return _compare_ratio(pack, cmp)
    if ref is not None:
        factor = ref.times * Fraction(10) ** (_scale(pack, cmp.field) - _scale(pack, ref.field))
        _check_product(pack, cmp, ref.field, factor)
        return _linear(name, cmp.op, key(ref.field), factor)
    if cmp.op in ("in", "not_in"):
        values = [_constant(pack, cmp.field, v) for v in cmp.value]
        if cmp.op == "in":
            return {"$or": [{name: v} for v in values]}
        return {"$and": [{"$neq": {name: v}} for v in values]}
    value = _constant(pack, cmp.field, cmp.value)
    if cmp.op == "eq":
        return {name: value}
    return {_OPS[cmp.op]: {name: value}}


def _test(name: str, op: str, floor: Any, ceil: Any) -> dict[str, Any]:
    """`name op x` for an integer field, given x rounded down and up: exact for any x."""
    if op in ("gte", "lt"):
        return {_OPS[op]: {name: ceil}}
    if op in ("gt", "lte"):
        return {_OPS[op]: {name: floor}}
    if op == "eq":
        return {"$and": [{name: floor}, {name: ceil}]}
    return {"$or": [{"$neq": {name: floor}}, {"$neq": {name: ceil}}]}


def _divided(top: Any, by: Any, negative: bool, round_up: bool) -> Any:
    """top / by rounded down or up, where `by` > 0 and the sign of `top` is known: the engine's
    integer division truncates towards zero, so one side needs `by - 1` added or taken off."""
    if by == 1:
        return top
    if round_up != negative:
        less = by - 1 if isinstance(by, int) else {"$sub": {"$l": by, "$r": 1}}
        top = {("$sub" if negative else "$add"): {"$l": top, "$r": less}}
    return {"$div": {"$l": top, "$r": by}}


def _linear(name: str, op: str, ref: str | None, factor: Fraction) -> dict[str, Any]:
    """name op factor·ref (or op factor alone), exactly, on integers with ref ≥ 0."""
    p, q = factor.numerator, factor.denominator
    if ref is None:
        return _test(name, op, p // q, -(-p // q))
    product: Any = {"$m": ref}
    if p != 1:
        product = {"$mul": {"$l": product, "$r": p}}
    negative = p < 0
    test = _test(
        name, op, _divided(product, q, negative, False), _divided(product, q, negative, True)
    )
    # A comparison with {"$m": absent field} matches whatever the operator: guard it, so that
    # an absent reference leaves the comparison unknown, as Kleene logic wants.
    return {"$and": [{"$ex": {ref: 1}}, test]}


@dataclass(frozen=True)
class _Ratio:
    """A computed ratio top / bottom × times − minus, by the names of its inputs."""

    top: str
    bottom: str
    times: Fraction
    minus: Fraction


def _ratio(pack: Pack, name: str) -> _Ratio | None:
    inputs = pack.ratio_inputs(name)
    if not inputs:
        return None
    decl = pack.field(name)
    return _Ratio(inputs[0], inputs[1], Fraction(decl.times), Fraction(decl.minus))


_FLIPPED = {"gt": "lt", "gte": "lte", "lt": "gt", "lte": "gte", "eq": "eq", "ne": "ne"}
_INT64 = 2**62  # headroom below the engine's signed 64-bit integers


def _compare_ratio(pack: Pack, cmp: Compare) -> dict[str, Any]:
    """A comparison that reads a computed ratio, decided on the ratio's own inputs.

    A ratio is never rounded before it is compared: `top/bottom·t − m  op  R` (bottom > 0,
    t > 0) is `top  op  bottom·(R + m)/t`, an integer comparison the engine makes exactly. R
    is a constant, another field times k, or another ratio times k; a ratio is absent (and the
    comparison unknown) while its bottom is 0 or missing.
    """
    op, value = cmp.op, cmp.value
    left = _ratio(pack, cmp.field)
    if left is None:  # a plain field against a ratio: put the ratio on the left
        ref: FieldRef = value
        right = FieldRef(cmp.field, 1 / ref.times)
        return _compare_ratio(pack, Compare(ref.field, _FLIPPED[op], right))
    w = Fraction(_power(pack, left.top), _power(pack, left.bottom)) / left.times
    guards: list[dict[str, Any]] = [{"$gt": {key(left.bottom): 0}}]
    if not isinstance(value, FieldRef):
        factor = (_exact(value) + left.minus) * w
        return {"$and": [*guards, _linear(key(left.top), op, key(left.bottom), factor)]}
    other = _ratio(pack, value.field)
    x: str
    y: str | None
    if other is None:  # top op bottom·(α·G + β)
        x, y = value.field, None
        alpha = value.times / _power(pack, x) * w
        beta = left.minus * w
        guards.append({"$ex": {key(x): 1}})
    else:  # top op bottom·(α·top₂ + β·bottom₂) / bottom₂
        x, y = other.top, other.bottom
        alpha = value.times * other.times * _power(pack, y) / _power(pack, x) * w
        beta = (left.minus - value.times * other.minus) * w
        guards += [{"$ex": {key(x): 1}}, {"$gt": {key(y): 0}}]
    d = math.lcm(alpha.denominator, beta.denominator)
    a, b = int(alpha * d), int(beta * d)
    _check_range(pack, cmp, [left.bottom, x, *([y] if y else [])], a, b, d)
    inner: Any = {"$mul": {"$l": {"$m": key(x)}, "$r": a}} if a != 1 else {"$m": key(x)}
    if b:
        tail: Any = b if y is None else {"$mul": {"$l": {"$m": key(y)}, "$r": b}}
        inner = {"$add": {"$l": inner, "$r": tail}}
    top: Any = {"$mul": {"$l": {"$m": key(left.bottom)}, "$r": inner}}
    # The divisor: d alone against a plain field, d · bottom₂ against another ratio.
    by: Any = (
        d
        if y is None
        else ({"$mul": {"$l": {"$m": key(y)}, "$r": d}} if d != 1 else {"$m": key(y)})
    )
    name = key(left.top)

    def bounded(negative: bool) -> dict[str, Any]:
        down, up = (_divided(top, by, negative, r) for r in (False, True))
        return _test(name, op, down, up)

    if b >= 0:  # the numerator is never negative
        return {"$and": [*guards, bounded(False)]}
    # Its sign is that of a·x + b·y: x ≥ (−b/a)·y or not, itself an exact comparison.
    sign = (key(x), key(y) if y else None, Fraction(-b, a))
    return {
        "$and": [
            *guards,
            {
                "$or": [
                    {"$and": [_linear(sign[0], "gte", sign[1], sign[2]), bounded(False)]},
                    {"$and": [_linear(sign[0], "lt", sign[1], sign[2]), bounded(True)]},
                ]
            },
        ]
    }


def _power(pack: Pack, field: str) -> int:
    return int(10 ** _scale(pack, field))


def _exact(value: Any) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


def _check_product(pack: Pack, cmp: Compare, ref: str, factor: Fraction) -> None:
    """Refuse `field op k·ref` where k's numerator times the largest `ref` intake takes (its
    max, else the intake's ceiling) could leave the engine's 64-bit integers: the engine would
    wrap round silently, not fail."""
    from ..packs.schema import largest

    decl = pack.field(ref)
    high = decl.max if decl.max is not None else largest(decl)
    scaled = int(Decimal(high).scaleb(_scale(pack, ref)))
    if scaled * abs(factor.numerator) + factor.denominator < _INT64:
        return
    raise PackError(
        [
            Problem(
                f"比较 {cmp.field} 时 {ref} 乘以倍数后可能超出引擎的整数范围：请为 {ref} 声明"
                "较小的 max",
                f"comparing {cmp.field}, {ref} times its factor could overflow the engine's "
                f"integers: declare a smaller max for {ref}",
                field=cmp.field,
            )
        ]
    )


def _check_range(pack: Pack, cmp: Compare, fields: list[str], a: int, b: int, d: int) -> None:
    """Refuse a comparison whose products could leave the engine's 64-bit integers."""
    highs = []
    for f in fields:
        decl = pack.field(f)
        highs.append(None if decl.max is None else int(Decimal(decl.max).scaleb(_scale(pack, f))))
    bottom, x, *rest = highs
    y = rest[0] if rest else 1
    if None in highs or bottom * (abs(a) * x + abs(b) * y) + d * y >= _INT64:  # type: ignore[operator]
        raise PackError(
            [
                Problem(
                    f"比较 {cmp.field} 时的乘积可能超出引擎的整数范围：请为 {'、'.join(fields)} "
                    "声明较小的 max",
                    f"comparing {cmp.field} could overflow the engine's integers: declare a "
                    f"smaller max for {', '.join(fields)}",
                    field=cmp.field,
                )
            ]
        )


def _expression(pack: Pack, cond: Condition) -> dict[str, Any]:
    if isinstance(cond, Compare):
        return _compare(pack, cond)
    if isinstance(cond, All):
        return {"$and": [_expression(pack, c) for c in cond.items]}
    if isinstance(cond, AnyOf):
        return {"$or": [_expression(pack, c) for c in cond.items]}
    raise EngineError(f"condition not normalised: {cond!r}")


def _rule(pack: Pack, *conditions: Condition) -> dict[str, Any]:
    # Every rule is guarded by kind == "city", so no rule can match the engine's own state
    # message (a lone negative test can, and then fires forever).
    terms: list[dict[str, Any]] = [{"kind": "city"}]
    terms += [_expression(pack, normalise(c)) for c in conditions]
    return {"all": [{"m": {"$and": terms}}]}


def compile_ruleset(pack: Pack) -> dict[str, dict[str, Any]]:
    """The pack as a durable-rules JSON ruleset: rule name → rule."""
    rules: dict[str, dict[str, Any]] = {SEEN: {"all": [{"m": {"kind": "city"}}]}}
    for _, req in pack.requirements():
        guard = [req.applies_if] if req.applies_if is not None else []
        rules[f"{req.id}|{MET}"] = _rule(pack, *guard, req.check)
        rules[f"{req.id}|{UNMET}"] = _rule(pack, *guard, negate(req.check))
        if req.applies_if is not None:
            rules[f"{req.id}|{NOT_APPLICABLE}"] = _rule(pack, negate(req.applies_if))
    for _, req in pack.requirements():
        guard = [req.applies_if] if req.applies_if is not None else []
        for p, part in enumerate(parts_of(req)):
            for b, band in enumerate(part.bands):
                rules[f"{BAND}{req.id}|{p}|{b}"] = _rule(pack, *guard, band.when)
    for veto in pack.scoring.vetoes:
        rules[f"{VETO}{veto.id}"] = _rule(pack, veto.when)
        rules[f"{VETO_CLEAR}{veto.id}"] = _rule(pack, negate(veto.when))
    for k, mandatory in enumerate(pack.mandatory):
        rules[f"mandatory|{k}"] = _rule(pack, mandatory.when)
    for check in pack.plausibility:
        rules[f"plausibility|{check.id}"] = _rule(pack, check.when)
    # A typed `x_prev` that differs from last year's `x` on record (history or archive).
    for prev, base in pack.previous_pairs().items():
        last = FieldRef(in_year(base, pack.pack.year - 1))
        rules[f"{PREV}{prev}"] = _rule(pack, Compare(prev, "ne", last))
    return rules


def read_by_rules(pack: Pack) -> frozenset[str]:
    """Every field a compiled rule reads (a ratio's inputs, other years' figures included): the
    fact carries these and nothing else, for durable-rules holds at most 255 keys in a fact."""
    names = {f for cond in pack.conditions() for f in fields_read(cond)}
    for prev, base in pack.previous_pairs().items():
        names |= {prev, in_year(base, pack.pack.year - 1)}
    return frozenset(n for name in names for n in (pack.ratio_inputs(name) or [name]))


def fact(
    pack: Pack, submission: Submission, wanted: frozenset[str] | None = None
) -> dict[str, Any]:
    """The submission as one flat fact; absent fields stay absent, so nothing matches them.
    A computed ratio is compared through its inputs, never as a rounded number, so it stays
    out; with `wanted`, so does every field no rule reads."""
    out: dict[str, Any] = {"kind": "city", "sid": _SID}
    known = _encodings(pack)
    for field, value in submission.values.items():
        # `type`, not isinstance: Fraction's ABC check was a fifth of building the fact.
        if (wanted is None or field in wanted) and type(value) is not Fraction:
            encoding = known.get(field)
            if encoding is None:
                encoding = known[field] = (key(field), pack.field(field))
            name, decl = encoding
            out[name] = encode(decl, value)
    return out


@per_pack
def _encodings(pack: Pack) -> dict[str, tuple[str, FieldDecl]]:
    """Field → its fact key and declaration, filled as fields are met (another year's figure
    included): a city's fact is built without parsing names again."""
    return {}


def _rule_name(message: str) -> str:
    """The rule name of an action message `{"<name>": {"m": {...the whole fact...}}}`.

    Parsing the whole message as JSON for one name cost most of the engine's time; rule names
    are plain (pack ids are restricted to letters, digits, `.`, `_` and `-`), so the name is
    the text between the first two quotes.
    """
    return message[2 : message.index('"', 2)]


def _too_big(pack: Pack, zh: str, en: str) -> PackError:
    return PackError([Problem(f"规则包 {pack.id} 的{zh}", f"pack {pack.id}: {en}")])


def _refused(too_big: list[parts.TooBig]) -> list[tuple[str, str, str]]:
    """(what, zh, en) for each requirement or check with a rule no ruleset can hold, once."""
    out: dict[str, tuple[str, str, str]] = {}
    for big in too_big:
        kind, _, name = big.rule.partition("|")
        owner, zh, en = {
            "mandatory": (
                f"mandatory[{name}]",
                f"必做任务规则 {name} 的",
                f"mandatory rule {name}",
            ),
            "plausibility": (name, f"合理性检查 {name} 的", f"plausibility check {name}"),
        }.get(kind, (kind, f"要求 {kind} 的", f"requirement {kind}"))
        if owner in out:
            continue
        if big.keys > parts.MAX_KEYS:
            out[owner] = (
                owner,
                f"{zh}条件共读取 {big.keys} 个字段（含往年的数），"
                f"规则引擎一次最多读 {parts.MAX_KEYS} 个",
                f"{en}: its condition reads {big.keys} fields (other years included); the "
                f"engine reads at most {parts.MAX_KEYS} in one rule",
            )
        else:
            out[owner] = (
                owner,
                f"{zh}条件太复杂，规则引擎无法编译：展开后有 {big.paths} 种组合"
                f"（all 里的每个 any 都使组合成倍增加），一条规则最多 {parts.MAX_PATHS} 种；"
                "请拆成几条要求",
                f"{en}: its condition is too complex for the engine: it expands into "
                f"{big.paths} combinations (each any inside an all multiplies them), at most "
                f"{parts.MAX_PATHS} in one rule; split the requirement",
            )
    return list(out.values())


class Engine:
    """One pack compiled into as many durable-rules rulesets as it needs (`parts`); assess one
    city at a time, leaving no state behind."""

    def __init__(self, pack: Pack):
        self.pack = pack
        self.ruleset = compile_ruleset(pack)
        # Rule name → the requirement and verdict it proves, worked out once: a city's fired
        # rules are read by name, not by asking for every rule of every requirement.
        self._proves = {
            f"{req.id}|{v.value}": (req.id, v)
            for _, req in pack.requirements()
            for v in (MET, UNMET, NOT_APPLICABLE)
        }
        self._undecided: dict[str, Verdict] = {req.id: MISSING for _, req in pack.requirements()}
        self._mandatory = [(k, f"mandatory|{k}") for k in range(len(pack.mandatory))]
        self._plausibility = [(c.id, f"plausibility|{c.id}") for c in pack.plausibility]
        self._wanted = read_by_rules(pack)
        split = list(parts.split(self.ruleset, SEEN))
        refused = _refused([p for p in split if isinstance(p, parts.TooBig)])
        if refused:
            raise PackError(
                [
                    Problem(f"规则包 {pack.id} 的{zh}", f"pack {pack.id}: {en}", field=f)
                    for f, zh, en in refused
                ]
            )
        # One part (most packs) reads the city's whole fact; several read only their keys.
        self._parts = [
            (self._compiled(p.rules), None if len(split) == 1 else p.keys)
            for p in split
            if isinstance(p, parts.Part)
        ]

    def _compiled(self, rules: dict[str, Any]) -> Any:
        name = f"{self.pack.id}-{next(_names)}"
        try:  # durable-rules mutates what it is given: hand it a copy.
            return dre.create_ruleset(name, json.dumps(copy.deepcopy(rules), ensure_ascii=False))
        except dre.error as exc:
            raise _too_big(
                self.pack,
                f"条件太复杂，规则引擎无法编译（{exc}）："
                "all 里的 any 展开后组合太多，请拆成几条要求",
                f"its conditions are too complex for the engine ({exc}): an any inside an all "
                "expands into too many combinations; split the requirement",
            ) from None

    def fired(self, submission: Submission) -> set[str]:
        """The names of every rule that fired for this city, in every part."""
        whole = fact(self.pack, submission, self._wanted)
        names: set[str] = set()
        for handle, read in self._parts:
            one = whole if read is None else {k: v for k, v in whole.items() if k in read}
            one["kind"], one["sid"] = "city", _SID
            names |= self._fired(handle, one, submission.city)
        return names

    @staticmethod
    def _fired(handle: Any, one: dict[str, Any], city: str) -> set[str]:
        # orjson: a fact's JSON five times faster (its numbers are checked to fit 64 bits).
        code, state = dre.assert_fact(handle, orjson.dumps(one).decode())
        if code != 0:
            raise EngineError(f"durable-rules returned {code} for {city}")
        names: set[str] = set()
        try:
            result = dre.start_action_for_state(handle, state)
            pending = result[1] if result else None
            while pending:
                names.add(_rule_name(pending))
                pending = dre.complete_and_start_action(handle, state)
        finally:
            # One live session at a time, always cleaned: memory stays flat and the 1,024
            # session limit is never reached.
            dre.delete_state(handle, _SID)
        if SEEN not in names:
            raise EngineError(f"the catch-all rule did not fire for {city}")
        return names

    def verdicts(self, submission: Submission) -> Verdicts:
        names = self.fired(submission)
        statuses = dict(self._undecided)  # in the pack's order; missing where no rule fired
        proved: dict[str, str] = {}
        for name in names:
            hit = self._proves.get(name)
            if hit is None:
                continue
            req_id, verdict = hit
            if req_id in proved:
                raise EngineError(f"{req_id}: contradictory rules fired: {proved[req_id]}, {name}")
            statuses[req_id], proved[req_id] = verdict, name
        mandatory = tuple(k for k, rule in self._mandatory if rule in names)
        warnings = tuple(c for c, rule in self._plausibility if rule in names)
        warnings += tuple(sorted(n for n in names if n.startswith(PREV)))
        if not self.pack.is_sheet:
            return Verdicts(statuses, proved, mandatory, warnings)
        held = tuple(v.id for v in self.pack.scoring.vetoes if f"{VETO}{v.id}" in names)
        undecided = tuple(
            v.id
            for v in self.pack.scoring.vetoes
            if f"{VETO}{v.id}" not in names and f"{VETO_CLEAR}{v.id}" not in names
        )
        return Verdicts(statuses, proved, mandatory, warnings, self._bands(names), held, undecided)

    def _bands(self, names: set[str]) -> dict[str, tuple[int | None, ...]]:
        """Each item's parts' bands, as the rules that fired prove them: none fired for a part
        whose figures are missing (or that does not apply); two would be a contradiction."""
        out: dict[str, tuple[int | None, ...]] = {}
        for _, req in self.pack.requirements():
            found: list[int | None] = []
            for p, part in enumerate(parts_of(req)):
                hits = [b for b in range(len(part.bands)) if f"{BAND}{req.id}|{p}|{b}" in names]
                if len(hits) > 1:
                    raise EngineError(f"{req.id}: part {p} is in bands {hits} at once")
                found.append(hits[0] if hits else None)
            out[req.id] = tuple(found)
        return out


@per_pack
def engine_for(pack: Pack) -> Engine:
    """The compiled engine of this pack object, compiled once per process."""
    return Engine(pack)
