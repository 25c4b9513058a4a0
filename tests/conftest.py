from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ipscore.packs import Pack, find_pack

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
SEEDS = ROOT.parent / "shared" / "seeds"
REFERENCE = ROOT.parent / "shared" / "reference" / "real-schemes.md"


def as_in_a_terminal() -> None:
    """A child's Ctrl-C as in a terminal's foreground job (for `preexec_fn`): the default
    action, which Python turns into KeyboardInterrupt. A test run as a background job (`cmd &`
    in a script) has SIGINT ignored, and a child inherits that: it would never see the Ctrl-C
    a test sends and end with 0 instead of 130."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def ipscore(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`ipscore ARGS` in a new process from the checkout, with `env` added to the environment."""
    return subprocess.run(
        [sys.executable, "-m", "ipscore", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
    )


@pytest.fixture(scope="session")
def pack() -> Pack:
    return find_pack("cnipa-2015-demo-city")


def scenario_with(folder: Path, name: str, changes: dict[str, str], to: str | None = None) -> Path:
    """A shipped scenario copied into `folder` with each text replaced; a text the scenario no
    longer has fails the test, which would otherwise quietly test the unchanged file."""
    text = (SCENARIOS / name).read_text(encoding="utf-8")
    for old, new in changes.items():
        assert text.count(old) == 1, f"{name} should have {old!r} once"
        text = text.replace(old, new)
    path = folder / (to or name)
    path.write_text(text, encoding="utf-8")
    return path
