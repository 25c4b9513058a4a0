"""Hypothesis strategies: random but valid submissions to a pack, with absent fields and the
boundary values where exact thresholds matter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from ipscore.intake.submission import Submission
from ipscore.intake.values import derive
from ipscore.packs import FieldDecl, Pack

CITIES = ["湘潭市", "苏州市", "深圳市", "郑州", "长春市", "佛山市", "常熟市"]
AMOUNTS = ["0", "0.0001", "1", "100", "119.9999", "120", "120.0001", "6500", "7799.9999", "7800"]


def value_of(decl: FieldDecl) -> st.SearchStrategy:
    if decl.type == "bool":
        return st.booleans()
    if decl.type == "count":
        low = int(decl.min or 0)
        high = int(decl.max) if decl.max is not None else 10**6
        return st.one_of(
            st.integers(low, min(high, 15)),
            st.sampled_from([v for v in (199, 200, 201, 1000) if low <= v <= high] or [low]),
        )
    if decl.type == "amount":
        scale = Decimal(1).scaleb(-decl.decimals)
        return st.one_of(
            st.sampled_from([Decimal(a) for a in AMOUNTS if Decimal(a) % scale == 0]),
            st.integers(0, 10**6).map(lambda n: Decimal(n) * scale),
        )
    if decl.type == "date":
        return st.dates(dt.date(2015, 12, 25), dt.date(2016, 1, 5))
    if decl.type == "enum":
        return st.sampled_from(sorted(decl.values or {}))
    return st.sampled_from(CITIES)


@st.composite
def submissions(draw, pack: Pack, absent: float = 0.2) -> Submission:
    values = {}
    for name in pack.field_names():
        decl = pack.field(name)
        if decl.type == "ratio":
            continue
        if decl.required or draw(st.floats(0, 1)) >= absent:
            values[name] = draw(value_of(decl))
    derive(pack, values)
    return Submission(pack.id, pack.pack.year, values, "hypothesis")
