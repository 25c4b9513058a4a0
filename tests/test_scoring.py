"""Scoring is a pure function of verdicts and the declared policy."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from ipscore import scoring


@pytest.mark.parametrize(
    "exact, want",
    [
        (Fraction(6225, 100), "62.3"),  # half-up, not banker's rounding
        (Fraction(6235, 100), "62.4"),
        (Fraction(7499, 100), "75.0"),
        (Fraction(749499, 10000), "74.9"),
        (Fraction(94300, 1001), "94.2"),
        (Fraction(100), "100.0"),
    ],
)
def test_rounding_is_half_up_to_one_decimal(exact, want):
    assert scoring.rounded(exact, 1) == Decimal(want)


@pytest.mark.parametrize(
    "score, complete, want",
    [
        ("90.0", True, "excellent"),
        ("89.9", True, "good"),
        ("75.0", True, "good"),
        ("74.9", True, "pass"),
        ("60.0", True, "pass"),
        ("59.9", True, "fail"),
        ("100.0", False, "fail"),
    ],
)
def test_grade_bands(pack, score, complete, want):
    assert scoring.grade(pack, Decimal(score), complete).code == want


def test_task_status_ignores_advisory_and_not_applicable():
    assert scoring.task_status([("required", "met"), ("advisory", "unmet")]) == "complete"
    assert scoring.task_status([("required", "met"), ("required", "missing")]) == (
        "insufficient_data"
    )
    assert scoring.task_status([("required", "unmet"), ("required", "missing")]) == "incomplete"
    assert scoring.task_status([("required", "not_applicable")]) == "complete"


def test_task_fraction_counts_missing_as_not_met_and_skips_not_applicable():
    one, half = Fraction(1), Fraction(1, 2)
    weighted = [(one, "met"), (one, "missing"), (half, "met"), (one, "not_applicable")]
    assert scoring.task_fraction(weighted) == Fraction(3, 5)
    assert scoring.task_fraction([(one, "not_applicable")]) is None


def test_total_weights_tasks():
    assert scoring.total([(Fraction(2), Fraction(1)), (Fraction(1), Fraction(0))]) == Fraction(
        200, 3
    )
    assert scoring.total([(Fraction(2), Fraction(1)), (Fraction(1), None)]) == 100
