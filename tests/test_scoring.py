"""Scoring is a pure function of verdicts and the declared policy."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipscore.decide import scoring


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


def _summary(pack, changes):
    statuses = {r.id: "met" for _, r in pack.requirements()}
    statuses.update(changes)
    return scoring.summarize(pack, statuses, {"T1", "T2", "T3", "T4"})


def test_task_status_ignores_advisory_and_not_applicable(pack):
    summary = _summary(pack, {"T2.R7": "unmet", "T4.R4": "not_applicable"})
    assert summary.task_status["T2"] == "complete" and summary.task_status["T4"] == "complete"
    assert _summary(pack, {"T1.R2": "missing"}).task_status["T1"] == "insufficient_data"
    both = _summary(pack, {"T1.R2": "missing", "T1.R3": "unmet"})
    assert both.task_status["T1"] == "incomplete" and not both.mandatory_complete


def test_task_fraction_counts_missing_as_not_met_and_skips_not_applicable(pack):
    # T2: R1 missing, R2 not applicable, R7 (advisory 0.5) met → 4.5 met of 5.5 applicable.
    summary = _summary(pack, {"T2.R1": "missing", "T2.R2": "not_applicable"})
    assert summary.task_fraction["T2"] == Fraction(9, 11)
    nothing = {r.id: "not_applicable" for r in pack.tasks[7].requirements}
    assert _summary(pack, nothing).task_fraction["T8"] is None


def test_the_score_weights_tasks():
    # Weights 2 and 1, the first task all met, the second none: 100 × 2 / 3. A second task
    # with nothing applicable does not count: 100.
    terms, denominator = scoring.score_terms([2, 1], [1, 1], [1, 0])
    assert Fraction(sum(terms), denominator) == Fraction(200, 3)
    terms, denominator = scoring.score_terms([2, 1], [1, 0], [1, 0])
    assert Fraction(sum(terms), denominator) == 100
    assert scoring.score_terms([2, 1], [0, 0], [0, 0]) == ([0, 0], 0)


def _key(city: str, grade: int, score: str, level: str = "prefecture") -> scoring.RankKey:
    return ("p", 2015, level, grade, Decimal(score), city)


def test_ranks_put_grade_before_score_and_share_a_rank_only_on_both():
    """Issue 28's cohort, by hand: 宁波 64.4 合格 above every 不合格, however high; the two
    不合格 at 94.2 share rank 3 and say so; the next city is 5th, not 4th."""
    keys = [
        _key("温州市", 3, "94.2"),
        _key("宁波市", 2, "64.4"),
        _key("成都市", 0, "95.7"),
        _key("台州市", 3, "94.2"),
        _key("绍兴市", 3, "60.0"),
    ]
    got = [(keys[i][5], rank, tied) for i, rank, tied in scoring.ranks(keys)]
    assert got == [
        ("成都市", 1, False),
        ("宁波市", 2, False),
        ("台州市", 3, True),  # tai before wen: pinyin, not character code
        ("温州市", 3, True),
        ("绍兴市", 5, False),
    ]


grades = st.integers(0, 3)
scores = st.integers(0, 1000).map(lambda tenths: Decimal(tenths) / 10)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(grades, scores, st.sampled_from(["prefecture", "county_level"]))))
def test_no_ranking_puts_a_lower_grade_above_a_higher_one(cities):
    keys = [_key(f"城{i}", g, str(s), level) for i, (g, s, level) in enumerate(cities)]
    placed = {i: (rank, tied) for i, rank, tied in scoring.ranks(keys)}
    assert sorted(placed) == list(range(len(keys)))
    for i, a in enumerate(keys):
        rivals = [b for b in keys if b[2] == a[2]]
        # One plus the cities of its tier strictly ahead: a better grade, or as good and more.
        ahead = sum(1 for b in rivals if (b[3], -b[4]) < (a[3], -a[4]))
        same = sum(1 for b in rivals if (b[3], b[4]) == (a[3], a[4]))
        assert placed[i] == (1 + ahead, same > 1)
        for j, b in enumerate(keys):
            if b[2] == a[2] and b[3] > a[3]:
                assert placed[i][0] < placed[j][0]
