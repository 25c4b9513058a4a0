"""Invariants that hold for every submission."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipscore import assess, load_pack
from ipscore.intake.submission import Submission

from .strategies import submissions

PACK = load_pack(Path(__file__).parents[1] / "rules/cnipa-2015-demo-city.yaml")
ACHIEVEMENTS = [
    name
    for name in PACK.field_names()
    if PACK.field(name).type in ("count", "amount") and PACK.field(name).role == "achievement"
]
RANK = {band.code: i for i, band in enumerate(PACK.scoring.grades)}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=submissions(PACK),
    field=st.sampled_from(ACHIEVEMENTS),
    raise_by=st.integers(1, 500),
)
def test_raising_a_count_or_amount_never_lowers_score_or_grade(base, field, raise_by):
    current = base.values.get(field, 0)
    raised = current + (raise_by if PACK.field(field).type == "count" else Decimal(raise_by))
    better = Submission(base.pack_id, base.year, {**base.values, field: raised})
    before, after = assess(PACK, base), assess(PACK, better)
    assert after.exact_score >= before.exact_score
    assert RANK[after.grade] <= RANK[before.grade]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=submissions(PACK))
def test_score_is_within_bounds_and_grade_follows_bands(base):
    result = assess(PACK, base)
    assert 0 <= result.exact_score <= 100
    if result.grade != "fail":
        assert result.mandatory_complete


def test_public_api():
    import ipscore

    assert sorted(ipscore.__all__) == sorted(
        [
            "Assessment",
            "InputError",
            "IpscoreError",
            "Pack",
            "PackError",
            "__version__",
            "assess",
            "assess_paths",
            "evaluate",
            "find_pack",
            "load_pack",
            "to_csv",
            "to_json",
        ]
    )
