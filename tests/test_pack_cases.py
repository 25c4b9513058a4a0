"""The YAML cases of each pack (rules/tests/) show every requirement met and unmet."""

from __future__ import annotations

from ipscore.packs import find_pack, shipped_packs
from tests.pack_cases import load_cases, run_case

from .conftest import ROOT


def test_every_requirement_is_shown_met_and_unmet():
    for pack_id in shipped_packs():
        spec = load_cases(ROOT / "rules" / "tests" / f"{pack_id}.yaml")
        seen: dict[str, set[str]] = {}
        for case in spec["cases"]:
            for rid, status in (case.get("expect") or {}).items():
                seen.setdefault(rid, set()).add(status)
        for _, req in find_pack(pack_id).requirements():
            assert {"met", "unmet"} <= seen.get(req.id, set()), req.id


def test_a_case_can_fail():
    spec = load_cases(ROOT / "rules" / "tests" / "cnipa-2015-demo-city.yaml")
    result = run_case(
        spec["pack"], spec["base"], {"name": "x", "set": {"enforcement.city_staff": 2}}
    )
    assert result.requirement_statuses()["T2.R1"] == "unmet"


def test_every_plausibility_check_fires_in_some_case():
    for pack_id in shipped_packs():
        spec = load_cases(ROOT / "rules" / "tests" / f"{pack_id}.yaml")
        fired = {w for case in spec["cases"] for w in case.get("warnings") or []}
        assert fired == {c.id for c in find_pack(pack_id).plausibility}
