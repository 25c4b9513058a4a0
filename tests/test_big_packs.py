"""Packs of any size the pack language allows are decided by the engine (issue 30): durable-rules
holds 64 paths through its network and 251 fields in one ruleset, so a big pack is compiled
into groups and parts whose verdicts are read together."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipscore import PackError, load_pack
from ipscore.decide import engine, parts
from ipscore.decide.pipeline import evaluate
from ipscore.intake.submission import Submission


def _pack(tmp_path: Path, fields: int, checks: list[str]) -> object:
    declared = "\n".join(
        f"    f{i}: {{type: count, label: F{i}, label_en: F{i}}}" for i in range(1, fields + 1)
    )
    requirements = "\n".join(
        f"      - {{id: R{k}, kind: required, title: r{k}, check: {check}, remedy: .,"
        f" citation: {{source: a.txt, section: 一, text: x}}}}"
        for k, check in enumerate(checks, 1)
    )
    path = tmp_path / "big.yaml"
    path.write_text(
        f"""pack: {{id: big, version: "1", title: 大, title_en: Big, year: 2015,
       sources: [{{file: a.txt, title: a}}]}}
fields:
  city:
    name: {{type: text, required: true, label: 城市, label_en: City}}
  x:
{declared}
tasks:
  - id: T1
    section: 一
    title: t
    requirements:
{requirements}
scoring:
  note: .
  grades:
    - {{code: ok, label: 合格, label_en: Pass, min_score: 50}}
    - {{code: no, label: 不合格, label_en: Fail}}
""",
        encoding="utf-8",
    )
    return load_pack(path)


def test_a_pack_of_500_requirements_and_fields_is_decided_by_the_engine(tmp_path):
    """Issue 30: 64 requirements worked, 65 failed with durable-rules' error 303. Requirement k
    asks x.fk ≥ k; the city files fk = k for even k, k − 1 for odd k, and nothing for k a
    multiple of 7: met exactly for the even k not a multiple of 7."""
    pack = _pack(tmp_path, 500, [f"{{field: x.f{k}, gte: {k}}}" for k in range(1, 501)])
    values = {"city.name": "甲市"}
    values |= {f"x.f{k}": k if k % 2 == 0 else k - 1 for k in range(1, 501) if k % 7}
    verdicts = evaluate(pack, Submission("big", 2015, values)).verdicts
    met = [k for k in range(1, 501) if verdicts.statuses[f"R{k}"] == "met"]
    unmet = [k for k in range(1, 501) if verdicts.statuses[f"R{k}"] == "unmet"]
    missing = [k for k in range(1, 501) if verdicts.statuses[f"R{k}"] == "missing"]
    assert met == [k for k in range(2, 501, 2) if k % 7]
    assert unmet == [k for k in range(1, 501, 2) if k % 7]
    assert missing == list(range(7, 501, 7))
    assert (len(met), len(unmet), len(missing)) == (215, 214, 71)


@pytest.mark.parametrize("fields", [251, 252, 300])
def test_every_field_filled_fits_the_engines_fact(tmp_path, fields):
    """A fact of 252 filled fields was durable-rules' error 302 (a traceback), though 253 were
    thought to fit: 251 is what it holds beside `kind` and `sid`. Every field filled with
    fk = k against fk ≥ k: every requirement met, one part or two."""
    pack = _pack(tmp_path, fields, [f"{{field: x.f{k}, gte: {k}}}" for k in range(1, fields + 1)])
    values = {"city.name": "甲市", **{f"x.f{k}": k for k in range(1, fields + 1)}}
    verdicts = evaluate(pack, Submission("big", 2015, values)).verdicts
    assert set(verdicts.statuses.values()) == {"met"} and len(verdicts.statuses) == fields


def test_hundreds_of_requirements_on_few_fields_fit_one_ruleset_in_groups(tmp_path):
    """300 requirements reading 10 fields: 600 one-test rules, in 13 groups of at most 49 under
    one ruleset (65 − 16 groups), so one assert decides them all. Requirement k asks
    x.f(k mod 10 + 1) ≥ k mod 37; the city files fj = 2j."""
    checks = [f"{{field: x.f{k % 10 + 1}, gte: {k % 37}}}" for k in range(1, 301)]
    pack = _pack(tmp_path, 10, checks)
    split = list(parts.split(engine.compile_ruleset(pack), engine.SEEN))
    assert len(split) == 1 and isinstance(split[0], parts.Part)
    assert len(split[0].rules) == 601
    values = {"city.name": "甲市", **{f"x.f{j}": 2 * j for j in range(1, 11)}}
    verdicts = evaluate(pack, Submission("big", 2015, values)).verdicts
    want = {f"R{k}": "met" if 2 * (k % 10 + 1) >= k % 37 else "unmet" for k in range(1, 301)}
    assert dict(verdicts.statuses) == want
    assert list(want.values()).count("met") == 99


def _rules(conditions: list[dict]) -> dict:
    rules = {engine.SEEN: {"all": [{"m": {"kind": "city"}}]}}
    for k, test in enumerate(conditions):
        rules[f"R{k}|met"] = {"all": [{"m": {"$and": [{"kind": "city"}, test]}}]}
    return rules


def test_a_ruleset_is_split_where_durable_rules_would_overflow():
    """Sixty-five one-test rules overflowed the engine's stack of 64. Two-path rules (an `or`)
    on 100 fields: 24 rules (48 paths) to a group of at most 49, 16 groups (384 rules) to a
    part. One-path rules each on a field of its own: 251 fields to a part."""
    pairs = [{"$or": [{"$gte": {f"f{k % 100}": 1}}, {"f0": k}]} for k in range(1000)]
    split = list(parts.split(_rules(pairs), engine.SEEN))
    assert [len(p.rules) - 1 for p in split] == [384, 384, 232]  # less the catch-all
    first = split[0].rules["R0|met"]["all"][0]["m"]["$and"]
    last = split[0].rules["R383|met"]["all"][0]["m"]["$and"]
    assert first[1] == {"$neq": {"kind": "part0"}} and last[1] == {"$neq": {"kind": "part15"}}
    own = [{"$gte": {f"f{k}": 1}} for k in range(600)]
    split = list(parts.split(_rules(own), engine.SEEN))
    assert [len(p.rules) - 1 for p in split] == [251, 251, 98]
    assert [len(p.keys) for p in split] == [251, 251, 98]


def test_one_rule_beyond_the_engine_is_refused_naming_its_requirement(tmp_path):
    # all of seven any-pairs: 2⁷ = 128 combinations, more than the engine's 64.
    pairs = ", ".join(
        f"{{any: [{{field: x.f{2 * i + 1}, gte: 1}}, {{field: x.f{2 * i + 2}, gte: 1}}]}}"
        for i in range(7)
    )
    pack = _pack(tmp_path, 14, ["{field: x.f1, gte: 1}", "{all: [" + pairs + "]}"])
    with pytest.raises(PackError) as caught:
        engine.Engine(pack)
    assert caught.value.render("zh") == (
        "字段 R2：规则包 big 的要求 R2 的条件太复杂，规则引擎无法编译：展开后有 128 种组合"
        "（all 里的每个 any 都使组合成倍增加），一条规则最多 64 种；请拆成几条要求"
    )
