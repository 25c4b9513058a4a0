"""A compiled ruleset split into parts that durable-rules can hold, so a pack of any size is
still decided by the engine.

Two limits of durable-rules 2.0.28 bound one ruleset, whatever the city files:

- its alpha network is walked depth first with a stack of 64 nodes (`MAX_STACK_SIZE`, error
  303). The nodes waiting on that stack head distinct paths through the network, each ending in
  a rule, so rules with at most 64 paths in all (an `$or` adds a path per side, an `$and`
  multiplies them) never fill it: 64 one-test rules under `kind == "city"` pass, 65 fail;
- a fact holds at most 255 keys (`MAX_OBJECT_PROPERTIES`, error 302), of which it uses some
  itself: measured, `kind`, `sid` and 251 fields fit, 252 fields are error 302.

More than 64 paths fit in one ruleset in groups: each rule of group g first tests
`kind != "part<g>"` (true of every city), one node shared by the group, so the stack holds the
other groups' nodes waiting plus one group's paths: G groups of at most 65 − G paths each
(measured: 8 groups of 57 one-test rules pass, of 58 fail). A part is one ruleset; a pack
needs several only past `GROUPS × GROUP_PATHS` paths or 251 fields.

A part's rules are whole rules, each with its own name, and the verdicts of all parts are read
together, so splitting changes no verdict. One rule beyond either limit cannot be split: it is
refused with the limit named.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAX_PATHS = 64  # durable-rules' MAX_STACK_SIZE
GROUPS = 16
GROUP_PATHS = MAX_PATHS - (GROUPS - 1)
MAX_KEYS = 251  # fields a fact may carry beside `kind` and `sid` (measured; see above)

_TESTS = ("$gt", "$gte", "$lt", "$lte", "$neq", "$ex", "$nex")


def paths(cond: dict[str, Any]) -> int:
    """The paths a condition makes through the alpha network: its disjunctive normal form's
    size."""
    if "$and" in cond:
        out = 1
        for item in cond["$and"]:
            out *= paths(item)
        return out
    if "$or" in cond:
        return sum(paths(item) for item in cond["$or"])
    return 1


def keys(cond: dict[str, Any]) -> set[str]:
    """The fact keys a condition reads, on either side of a test."""
    out: set[str] = set()
    for op, value in cond.items():
        if op in ("$and", "$or"):
            for item in value:
                out |= keys(item)
        elif op in _TESTS:
            for name, right in value.items():
                out |= {name} | _read(right)
        else:  # equality: {name: value}
            out |= {op} | _read(value)
    return out


def _read(value: Any) -> set[str]:
    if not isinstance(value, dict):
        return set()
    if "$m" in value:
        return {value["$m"]}
    return {name for side in value.values() for name in _read(side)}


@dataclass(frozen=True)
class Part:
    """Rules that fit one durable-rules ruleset, and the fact keys they read."""

    rules: dict[str, dict[str, Any]]
    keys: frozenset[str]


@dataclass(frozen=True)
class TooBig:
    """One rule beyond a limit of the engine: which, by how much."""

    rule: str
    paths: int
    keys: int


def split(rules: dict[str, dict[str, Any]], seen: str) -> Iterator[Part | TooBig]:
    """The rules (each `{"all": [{"m": {"$and": [{"kind": "city"}, …]}}]}`) in parts, in their
    order, each part with the catch-all rule `seen` that proves the city was evaluated; a rule
    that no part can hold is yielded as `TooBig`."""
    groups: list[tuple[dict[str, dict[str, Any]], int]] = []
    read: set[str] = set()
    yielded = False
    for name, rule in rules.items():
        if name == seen:
            continue
        cond = rule["all"][0]["m"]
        n, names = paths(cond), keys(cond) - {"kind"}
        if n > MAX_PATHS or len(names) > MAX_KEYS:
            yield TooBig(name, n, len(names))
            continue
        if n > GROUP_PATHS:  # a rule of 50 to 64 paths needs a ruleset of its own
            yielded = True
            yield _part((seen, rules[seen]), [({name: rule}, n)], names)
            continue
        if groups and len(read | names) > MAX_KEYS:
            yielded = True
            yield _part((seen, rules[seen]), groups, read)
            groups, read = [], set()
        if not groups or groups[-1][1] + n > GROUP_PATHS:
            if len(groups) == GROUPS:
                yielded = True
                yield _part((seen, rules[seen]), groups, read)
                groups, read = [], set()
            groups.append(({}, 0))
        last, used = groups[-1]
        last[name] = rule
        groups[-1] = (last, used + n)
        read |= names
    if groups or not yielded:  # the catch-all alone, for a pack with nothing else to decide
        yield _part((seen, rules[seen]), groups, read)


def _part(
    catch_all: tuple[str, dict[str, Any]],
    groups: list[tuple[dict[str, dict[str, Any]], int]],
    read: set[str],
) -> Part:
    out = dict([catch_all])
    if len(groups) == 1:  # one group needs no guard
        out.update(groups[0][0])
    else:
        for g, (members, _) in enumerate(groups):
            for name, rule in members.items():
                kind, *terms = rule["all"][0]["m"]["$and"]
                guard = {"$neq": {"kind": f"part{g}"}}
                out[name] = {"all": [{"m": {"$and": [kind, guard, *terms]}}]}
    return Part(out, frozenset(read))
