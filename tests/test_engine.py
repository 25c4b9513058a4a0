"""The compiled durable-rules ruleset decides exactly what Kleene logic says, at exact
decimal thresholds, and leaves no state behind."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import durable_rules_engine as dre
import pytest
from hypothesis import HealthCheck, given, settings

from ipscore import PackError, load_pack
from ipscore.decide import engine, kleene
from ipscore.decide.engine import _SID, compile_ruleset, engine_for
from ipscore.intake.submission import Submission
from ipscore.intake.values import derive
from ipscore.packs.model import parts_of

from .strategies import submissions

PACK_2015 = load_pack(Path(__file__).parents[1] / "rules/cnipa-2015-demo-city.yaml")
OPS_PACK = load_pack(Path(__file__).parent / "ops-pack.yaml")


def _verdicts(pack, values):
    return engine_for(pack).verdicts(Submission(pack.id, pack.pack.year, values)).statuses


def test_ruleset_has_a_pass_and_fail_rule_per_requirement(pack):
    rules = compile_ruleset(pack)
    for _, req in pack.requirements():
        assert f"{req.id}|met" in rules and f"{req.id}|unmet" in rules
        assert (f"{req.id}|not_applicable" in rules) == (req.applies_if is not None)
    assert engine.SEEN in rules


def test_factor_compiles_to_exact_integer_ceiling(pack):
    rule = compile_ruleset(pack)["T4.R3|unmet"]
    text = repr(rule)
    # insured < ceil(prev × 13 / 10) = (prev × 13 + 9) div 10, guarded by prev existing.
    assert "'$mul': {'$l': {'$m': 'finance__insured_firms_prev'}, '$r': 13}" in text
    assert "'$r': 9" in text and "'$div'" in text
    assert "{'$ex': {'finance__insured_firms_prev': 1}}" in text


def test_amounts_compare_exactly_at_the_threshold(pack):
    base = {
        "city.name": "甲市",
        "city.level": "prefecture",
        "city.batch": 1,
        "city.counties": 0,
        "finance.pledge_started_before": True,
    }
    cases = [
        ("7800", "6500", "met"),
        ("7799.9999", "6500", "unmet"),
        ("7800.6", "6500.5", "met"),
        ("7800.5999", "6500.5", "unmet"),
        ("0", "0", "unmet"),
        ("0.0001", "0", "met"),
    ]
    for amount, prev, want in cases:
        values = dict(
            base,
            **{
                "finance.pledge_amount": Decimal(amount),
                "finance.pledge_amount_prev": Decimal(prev),
            },
        )
        assert _verdicts(pack, values)["T4.R2"] == want, (amount, prev)


def test_three_valued_and_or(pack):
    base = {"city.name": "甲市", "city.level": "prefecture", "city.batch": 1, "city.counties": 0}
    # and: one false term decides even when another is missing.
    assert _verdicts(pack, {**base, "plan.issued": False})["T1.R2"] == "unmet"
    assert _verdicts(pack, {**base, "plan.issued": True})["T1.R2"] == "missing"
    # or: one true term decides even when another is missing.
    both = {**base, "finance.pledge_started_before": True, "finance.insurance_started_before": True}
    assert _verdicts(pack, {**both, "finance.matchmaking_events": 1})["T4.R7"] == "met"
    assert _verdicts(pack, {**both, "finance.matchmaking_events": 0})["T4.R7"] == "missing"


def test_absent_reference_field_leaves_the_verdict_missing(pack):
    # durable-rules matches any comparison with {"$m": absent}: the compiler must guard it.
    values = {
        "city.name": "甲市",
        "city.level": "prefecture",
        "city.batch": 1,
        "city.counties": 0,
        "finance.insurance_started_before": True,
        "finance.insured_firms": 15,
    }
    assert _verdicts(pack, values)["T4.R3"] == "missing"


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=submissions(PACK_2015))
def test_engine_agrees_with_kleene_reference_on_2015_pack(data):
    _agree(PACK_2015, data)


@settings(max_examples=1500, deadline=None)
@given(data=submissions(OPS_PACK, absent=0.25))
def test_engine_agrees_with_kleene_reference_on_every_operator(data):
    _agree(OPS_PACK, data)


def test_a_ratio_against_a_negative_bound_rounds_down():
    # R18: share > 1.2 × growth. Share = 0 / 0.0001 = 0%; growth = 9/10 − 1 = −10%, so the
    # bound is −12% and 0% is above it: met. In the engine's units of x.m (0.01) the bound is
    # 0.0001 × 100 × (1.2 × −10) / 100 = −0.12, which must round down to −1, not up to 0.
    values = {"city.name": "甲", "x.c": 9, "x.d": 10, "x.m": Decimal(0), "x.n": Decimal("0.0001")}
    derive(OPS_PACK, values)
    assert _verdicts(OPS_PACK, values)["R18"] == "met"


def test_a_ratio_plus_a_constant_against_an_amount_tests_its_sign_rounded_up():
    # R23: c/d + 0.5 ≤ 3 × m. With c = 0, d = 1 and m = 0.16: 0.5 ≤ 0.48, unmet. The engine
    # decides c ≤ d·(3·m − 50)/100 (m in hundredths) on the sign of 3·m − 50, that is
    # m ≥ 50/3 = 16.67 rounded up to 17; rounded down to 16, the negative side would be taken
    # as positive and truncated to 0, and 0 ≤ 0 would make it met. At 0.17, 0.5 ≤ 0.51: met.
    for m, want in ((Decimal("0.16"), "unmet"), (Decimal("0.17"), "met")):
        values = {"city.name": "甲", "x.c": 0, "x.d": 1, "x.m": m}
        derive(OPS_PACK, values)
        assert _verdicts(OPS_PACK, values)["R23"] == want
        _agree(OPS_PACK, Submission(OPS_PACK.id, 2015, values))


def _agree(pack, submission):
    got = engine_for(pack).verdicts(submission)
    for _, req in pack.requirements():
        want = kleene.verdict(req.check, req.applies_if, submission.values)
        assert got.statuses[req.id] == want, (req.id, submission.values)
    fired = {
        k for k, rule in enumerate(pack.mandatory) if kleene.evaluate(rule.when, submission.values)
    }
    assert set(got.mandatory_rules) == fired
    for _, req in pack.requirements():  # a points sheet: each part's band
        want_bands = tuple(
            kleene.band([b.when for b in part.bands], req.applies_if, submission.values)
            for part in parts_of(req)
        )
        assert got.bands.get(req.id, ()) == want_bands, (req.id, submission.values)
    vetoes = [v.id for v in pack.scoring.vetoes if kleene.evaluate(v.when, submission.values)]
    assert list(got.vetoes) == vetoes


def test_state_is_deleted_after_each_assessment(pack):
    """More assessments than durable-rules' 1,024 live sessions, two cities taking turns: each
    is decided on its own facts alone (a session left with the last city's facts would
    decide T1.R1 for the other), and the engine keeps no session after it answers."""
    eng = engine_for(pack)
    city = {"city.name": "甲市", "city.level": "prefecture", "city.batch": 1, "city.counties": 0}
    done = {**city, "plan.in_city_fyp": True}
    undone = {**city, "plan.in_city_fyp": False}
    for i in range(1500):
        got = eng.verdicts(Submission(pack.id, 2015, done if i % 2 else undone))
        assert got.statuses["T1.R1"] == ("met" if i % 2 else "unmet")
    for handle, _ in eng._parts:  # every ruleset of the pack
        with pytest.raises(dre.error, match="error code: 309"):  # no such session
            dre.get_state(handle, _SID)


def _wide_pack(tmp_path, n: int, check: str):
    fields = "\n".join(
        f"    f{i}: {{type: count, max: 100, label: F{i}, label_en: F{i}}}" for i in range(n)
    )
    text = f"""pack: {{id: wide, version: "1", title: w, title_en: w, year: 2015,
       sources: [{{file: a.txt, title: a}}]}}
fields:
  city:
    name: {{type: text, required: true, label: 城市, label_en: City}}
  x:
{fields}
tasks:
  - id: T1
    section: 一
    title: t
    requirements:
      - {{id: R1, kind: required, title: r, check: {check}, remedy: .,
          citation: {{source: a.txt, section: 一, text: x}}}}
scoring:
  note: .
  grades:
    - {{code: ok, label: 好, label_en: OK, min_score: 50}}
    - {{code: no, label: 差, label_en: No}}
"""
    path = tmp_path / "wide.yaml"
    path.write_text(text, encoding="utf-8")
    return load_pack(path)


def test_a_pack_beyond_the_engines_limits_is_refused_with_a_message(tmp_path):
    """Issue 12: 300 fields in one condition, or an `all` of 16 `any` pairs, passed loading and
    then failed inside durable-rules with an error code."""
    many = _wide_pack(
        tmp_path,
        300,
        "{all: [" + ", ".join(f"{{field: x.f{i}, gte: 1}}" for i in range(300)) + "]}",
    )
    with pytest.raises(
        PackError, match="条件共读取 300 个字段（含往年的数），规则引擎一次最多读 251 个"
    ):
        engine.Engine(many)
    pairs = ", ".join(
        f"{{any: [{{field: x.f{2 * i}, gte: 1}}, {{field: x.f{2 * i + 1}, gte: 1}}]}}"
        for i in range(16)
    )
    nested = _wide_pack(tmp_path, 32, "{all: [" + pairs + "]}")
    with pytest.raises(PackError, match="条件太复杂，规则引擎无法编译"):
        engine.Engine(nested)


def test_the_fact_carries_only_what_the_rules_read():
    values = {"city.name": "甲", "city.province": "乙省", "enforcement.city_staff": 3}
    seen = engine.fact(
        PACK_2015, Submission(PACK_2015.id, 2015, values), engine.read_by_rules(PACK_2015)
    )
    assert "city__province" not in seen and seen["enforcement__city_staff"] == 3


def test_a_factor_that_could_overflow_the_engine_is_refused_not_wrapped(tmp_path):
    """`m ≥ 1.3 × n`, n an amount of 4 decimals without a max: intake takes n up to 10^14, the
    engine sees 10^18 ten-thousandths, and 13 × 10^18 leaves its 64-bit integers — it would wrap
    round without a word and decide wrongly. Refused, naming the field; with a max it compiles."""
    text = """pack: {id: big, version: "1", title: b, title_en: b, year: 2015,
       sources: [{file: a.txt, title: a}]}
fields:
  city:
    name: {type: text, required: true, label: 城市, label_en: City}
  x:
    m: {type: amount, decimals: 4, max: 1000, label: M, label_en: M}
    n: {type: amount, decimals: 4, MAX label: N, label_en: N}
tasks:
  - id: T1
    section: 一
    title: t
    requirements:
      - {id: R1, kind: required, title: r, check: {field: x.m, gte: {field: x.n, times: "1.3"}},
         remedy: ., citation: {source: a.txt, section: 一, text: x}}
scoring:
  note: .
  grades: [{code: ok, label: 好, label_en: OK, min_score: 100}, {code: no, label: 差, label_en: No}]
"""
    unbounded = tmp_path / "unbounded.yaml"
    unbounded.write_text(text.replace("MAX ", ""), encoding="utf-8")
    with pytest.raises(PackError) as caught:
        compile_ruleset(load_pack(unbounded))
    assert caught.value.problems[0].zh == (
        "比较 x.m 时 x.n 乘以倍数后可能超出引擎的整数范围：请为 x.n 声明较小的 max"
    )
    bounded = tmp_path / "bounded.yaml"
    bounded.write_text(text.replace("MAX ", "max: 1000, "), encoding="utf-8")
    assert "R1|met" in compile_ruleset(load_pack(bounded))
