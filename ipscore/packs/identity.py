"""What makes a pack this pack: a content hash of its canonical form, and caches keyed by the
pack object itself (packs are unhashable pydantic models)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from functools import wraps
from typing import Any, TypeVar

from pydantic import BaseModel

T = TypeVar("T")
P = TypeVar("P")


def per_pack(build: Callable[[P], T]) -> Callable[[P], T]:
    """Build something from a pack once per pack object.

    The cache holds the pack itself beside the result, so an id reused after a pack is freed
    can never return what was built for another pack.
    """
    built: dict[int, tuple[P, T]] = {}

    @wraps(build)
    def get(pack: P) -> T:
        hit = built.get(id(pack))
        if hit is None or hit[0] is not pack:
            hit = built[id(pack)] = (pack, build(pack))
        return hit[1]

    return get


def canonical(node: Any) -> Any:
    """Plain JSON data that is equal exactly when two packs mean the same.

    A field left at its default is left out, so a pack's hash stays the same when a later
    ipscore adds an optional feature it does not use; numbers are exact fractions (so 1.2 and
    1.20 agree); a parsed condition keeps the name of its node type (all and any differ).
    """
    if isinstance(node, BaseModel):
        return {
            name: canonical(getattr(node, name))
            for name, info in type(node).model_fields.items()
            if getattr(node, name) != info.get_default(call_default_factory=True)
        }
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        fields = {f.name: canonical(getattr(node, f.name)) for f in dataclasses.fields(node)}
        return {"node": type(node).__name__, **fields}
    if isinstance(node, bool) or node is None or isinstance(node, str):
        return node
    if isinstance(node, (int, Decimal, Fraction)):
        exact = Fraction(node)
        return str(exact.numerator) if exact.denominator == 1 else f"{exact}"
    if isinstance(node, float):
        return canonical(Fraction(Decimal(repr(node))))
    if isinstance(node, dt.date):
        return node.isoformat()
    if isinstance(node, dict):
        return {str(k): canonical(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [canonical(v) for v in node]
    raise TypeError(f"no canonical form for {type(node).__name__}")


@per_pack
def content_hash(pack: BaseModel) -> str:
    """SHA-256 of the pack's canonical form: what it decides, not how its file is written."""
    text = json.dumps(canonical(pack), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
