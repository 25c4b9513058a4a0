"""Exact satisfiability of a pack's requirements, decided by the z3 SMT solver.

For every requirement `rules check` asks z3, in exact integer and rational arithmetic over
each field's declared domain (counts whole and within min/max, amounts to their decimals,
dates within the year where the field says so, ratios defined only over a non-zero divisor):

- which verdicts it can reach — met (applicable and the check true), unmet (applicable and the
  check false), not applicable (applicability false) — each with a witness submission;
- that the engine's rules cannot overlap or leave a gap: with every input present and every
  ratio computable, the De Morgan negation the engine compiles for `unmet` is true exactly
  when the check is false (so exactly one verdict holds).

Each witness is then assessed by the durable-rules engine, which must give the verdict the
solver claims: the proof and the engine check each other. Nothing here decides a city's verdict.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import z3

from ..decide.pipeline import assess
from ..intake.submission import Submission
from ..intake.values import Value
from ..packs import Pack, Requirement
from ..packs.conditions import (
    All,
    Compare,
    Condition,
    FieldRef,
    Not,
    fields_read,
    negate,
    normalise,
    split_year,
)
from ..verdicts import MET, NOT_APPLICABLE, UNMET, Verdict

TIMEOUT_MS = 10_000  # per question; nonlinear ratio arithmetic may in principle not finish


@dataclass(frozen=True)
class Reach:
    """One verdict of one requirement: reachable (with a witness), impossible, or unknown."""

    verdict: Verdict
    answer: str  # "sat", "unsat" or "unknown"
    witness: dict[str, Value] = field(default_factory=dict)
    engine: Verdict | None = None  # what the engine decided for the witness


@dataclass(frozen=True)
class Proof:
    requirement: str
    reaches: tuple[Reach, ...]
    overlap: str  # "unsat" when met and unmet can never both hold
    gap: str  # "unsat" when, all inputs present, neither can fail to hold

    def reach(self, verdict: Verdict) -> Reach | None:
        return next((r for r in self.reaches if r.verdict == verdict), None)


class _Encoding:
    """Fields as z3 variables and conditions as z3 formulas, exactly."""

    def __init__(self, pack: Pack):
        self.pack = pack
        self.vars: dict[str, Any] = {}
        self.domain: list[Any] = []
        self.defined: dict[str, Any] = {}  # ratio → its divisor is above 0

    def var(self, name: str) -> Any:
        if name not in self.vars:
            self.vars[name] = self._declare(name)
        return self.vars[name]

    def _declare(self, name: str) -> Any:
        decl = self.pack.field(name)
        if decl.type == "bool":
            return z3.Bool(name)
        if decl.type in ("enum", "text"):
            v = z3.String(name)
            if decl.type == "enum":
                self.domain.append(z3.Or([v == z3.StringVal(k) for k in decl.values or {}]))
            return v
        if decl.type == "date":
            v = z3.Int(name)
            year = split_year(name)[1] or self.pack.pack.year
            low, high = (dt.date(1900, 1, 1), dt.date(2100, 12, 31))
            if decl.within_year:
                low, high = dt.date(year, 1, 1), dt.date(year, 12, 31)
            self.domain += [v >= low.toordinal(), v <= high.toordinal()]
            return v
        if decl.type == "ratio":
            top, bottom = self.pack.ratio_inputs(name)
            r = z3.Real(name)
            b = self.var(bottom)
            self.defined[name] = b > 0
            # r = top / bottom × times − minus, wherever the divisor is not zero
            self.domain.append(
                z3.Implies(b > 0, (r + _q(decl.minus)) * b == self.var(top) * _q(decl.times))
            )
            return r
        # count or amount: an exact multiple of 10^-decimals, within the declared bounds
        units = z3.Int(f"{name}#units")
        step = Fraction(1, 10**decl.decimals)
        self.domain.append(units >= int(Fraction(decl.min or 0) / step))
        if decl.max is not None:
            self.domain.append(units <= int(Fraction(decl.max) / step))
        value = z3.ToReal(units) * _q(step)
        filed = self.pack.filed_as(name)
        if filed != name:  # another year's `x_prev` is `x` of the year before it
            self.domain.append(value == self.var(filed))
        return value

    def cond(self, c: Condition) -> Any:
        if isinstance(c, Compare):
            return self._compare(c)
        if isinstance(c, Not):
            return z3.Not(self.cond(c.item))
        parts = [self.cond(i) for i in c.items]
        return z3.And(parts) if isinstance(c, All) else z3.Or(parts)

    def _compare(self, c: Compare) -> Any:
        left = self.var(c.field)
        guards = [self.defined[c.field]] if c.field in self.defined else []
        if isinstance(c.value, FieldRef):
            right = self.var(c.value.field) * _q(c.value.times)
            if c.value.field in self.defined:
                guards.append(self.defined[c.value.field])
            test = _op(c.op, left, right)
        elif c.op in ("in", "not_in"):
            test = z3.Or([left == self._const(c.field, v) for v in c.value])
            test = test if c.op == "in" else z3.Not(test)
        else:
            test = _op(c.op, left, self._const(c.field, c.value))
        # A ratio over a zero divisor is absent: neither the comparison nor its negation holds.
        return z3.And(*guards, test) if guards else test

    def _const(self, name: str, value: Any) -> Any:
        decl = self.pack.field(name)
        if decl.type == "bool":
            return z3.BoolVal(bool(value))
        if decl.type in ("enum", "text"):
            return z3.StringVal(str(value))
        if decl.type == "date":
            return z3.IntVal(value.toordinal() if isinstance(value, dt.date) else int(value))
        return _q(Fraction(value))

    def witness(self, model: Any, names: Iterable[str]) -> dict[str, Value]:
        """The model's values of the fields named, as a submission would carry them."""
        out: dict[str, Value] = {}
        for name in names:
            decl = self.pack.field(name)
            if decl.type == "ratio":
                continue
            v = model.eval(self.var(name), model_completion=True)
            if decl.type == "bool":
                out[name] = z3.is_true(v)
            elif decl.type in ("enum", "text"):
                out[name] = _text(v.as_string())
            elif decl.type == "date":
                out[name] = dt.date.fromordinal(v.as_long())
            else:
                units = model.eval(z3.Int(f"{name}#units"), model_completion=True).as_long()
                if decl.type == "count":
                    out[name] = units
                else:
                    out[name] = Decimal(units).scaleb(-decl.decimals)
        return out


def _text(z3_string: str) -> str:
    """z3 writes characters beyond ASCII as \\u{8fbd}: back to the text itself."""
    return re.sub(r"\\u\{([0-9a-fA-F]+)\}", lambda m: chr(int(m.group(1), 16)), z3_string)


def _q(value: Fraction | Decimal | int) -> Any:
    f = Fraction(value)
    return z3.RealVal(f"{f.numerator}/{f.denominator}")


def _op(op: str, left: Any, right: Any) -> Any:
    return {
        "eq": lambda: left == right,
        "ne": lambda: left != right,
        "gt": lambda: left > right,
        "gte": lambda: left >= right,
        "lt": lambda: left < right,
        "lte": lambda: left <= right,
    }[op]()


def _ask(enc: _Encoding, *formulas: Any) -> tuple[str, Any]:
    solver = z3.Solver()
    solver.set("timeout", TIMEOUT_MS)
    solver.add(*formulas)
    solver.add(*enc.domain)  # after the formulas: they declare the fields they read
    answer = solver.check()
    return str(answer), solver.model() if answer == z3.sat else None


def prove(pack: Pack, req: Requirement) -> Proof:
    enc = _Encoding(pack)
    check = enc.cond(req.check)
    applies = enc.cond(req.applies_if) if req.applies_if is not None else z3.BoolVal(True)
    negation = enc.cond(normalise(negate(req.check)))
    read = _inputs(pack, req)
    questions = [(MET, z3.And(applies, check)), (UNMET, z3.And(applies, negation))]
    if req.applies_if is not None:
        questions.append((NOT_APPLICABLE, enc.cond(normalise(negate(req.applies_if)))))
    reaches = []
    for verdict, formula in questions:
        answer, model = _ask(enc, formula)
        if model is None:
            reaches.append(Reach(verdict, answer))
            continue
        witness = enc.witness(model, read)
        reaches.append(Reach(verdict, answer, witness, _engine(pack, req, witness)))
    every_ratio = [enc.defined[n] for n in read if n in enc.defined]
    overlap, _ = _ask(enc, check, negation)
    gap, _ = _ask(enc, *every_ratio, z3.Not(check), z3.Not(negation))
    return Proof(req.id, tuple(reaches), overlap, gap)


def _inputs(pack: Pack, req: Requirement) -> list[str]:
    """Every figure a city files that the requirement reads (a ratio's inputs, and `x` of the
    year before for another year's `x_prev`)."""
    conds = [req.check, *([req.applies_if] if req.applies_if is not None else [])]
    out: dict[str, None] = {}
    for name in (f for c in conds for f in fields_read(c)):
        out.update((pack.filed_as(f), None) for f in [*pack.ratio_inputs(name), name])
    return list(out)


def _engine(pack: Pack, req: Requirement, witness: dict[str, Value]) -> Verdict:
    """The verdict the pipeline and its engine give the witness, filed as a city would."""
    submission = Submission(pack.id, pack.pack.year, {"city.name": "见证", **witness})
    return assess(pack, submission).requirement_statuses()[req.id]


def prove_all(pack: Pack) -> list[Proof]:
    return [prove(pack, req) for _, req in pack.requirements()]
