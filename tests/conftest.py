from __future__ import annotations

from pathlib import Path

import pytest

from ipscore.packs import Pack, find_pack

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def pack() -> Pack:
    return find_pack("cnipa-2015-demo-city")
