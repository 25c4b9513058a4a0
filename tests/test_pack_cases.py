"""The YAML cases of each pack (rules/tests/) show every requirement met and unmet."""

from __future__ import annotations

from ipscore.packcheck.cases import cases_file, load_cases, run_file
from ipscore.packs import find_pack, shipped_packs

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


def test_every_plausibility_check_fires_in_some_case():
    for pack_id in shipped_packs():
        spec = load_cases(ROOT / "rules" / "tests" / f"{pack_id}.yaml")
        fired = {w for case in spec["cases"] for w in case.get("warnings") or []}
        pack = find_pack(pack_id)
        declared = {c.id for c in pack.plausibility}
        # Besides the declared checks, a typed x_prev that disagrees with last year's record,
        # and another year's figure typed under its older name that disagrees with the record.
        twins = {f"prev:{prev}" for prev in pack.previous_pairs()}
        twins |= {f"renamed:{alias}" for alias in pack.aliases()}
        assert declared <= fired and fired - declared <= twins, pack_id


def test_every_pack_covers_every_verdict_of_every_requirement():
    for pack_id in shipped_packs():
        report = run_file(cases_file(pack_id))
        assert not report.failed
        assert report.uncovered == [] and report.coverage == 100
