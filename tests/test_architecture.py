"""The floors of docs/architecture.md hold: every module is placed on one, none imports a module
on a higher floor, the engine stays behind the pipeline, and the CLI starts without heavy
libraries."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "ipscore"
DOC = ROOT / "docs" / "architecture.md"


def _floors() -> dict[str, int]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- floors: read by tests/test_architecture.py -->")[1]
    table = table.split("<!-- /floors -->")[0]
    floors = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].isdigit():
            for module in re.findall(r"`([\w.]+)`", cells[2]):
                floors[module] = int(cells[0])
    return floors


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or "ipscore"


def _imports(path: Path) -> set[str]:
    """The ipscore modules a file imports (relative imports resolved), and `durable…` ones."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    base = [] if package == "ipscore" else package.split(".") if package else []
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            parent = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            target = [*parent, *(node.module.split(".") if node.module else [])]
            if node.module:
                found.add(".".join(target))
            else:
                found.update(".".join([*target, alias.name]) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("durable"))
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_on_a_floor():
    floors = _floors()
    assert floors, "no floor table found in docs/architecture.md"
    unplaced = [_module(p) for p in SOURCES if _module(p) not in floors]
    assert unplaced == [], f"add these modules to the floors in docs/architecture.md: {unplaced}"
    gone = [m for m in floors if m not in {_module(p) for p in SOURCES}]
    assert gone == [], f"docs/architecture.md names modules that no longer exist: {gone}"


@pytest.mark.parametrize("path", SOURCES, ids=_module)
def test_no_module_imports_a_higher_floor(path):
    floors = _floors()
    here = floors[_module(path)]
    upward = sorted(
        f"{name} (floor {floors[name]})"
        for name in _imports(path)
        if name in floors and floors[name] > here
    )
    assert upward == [], f"{_module(path)} (floor {here}) imports {upward}"


def test_the_engine_stays_behind_the_pipeline():
    importers = {
        name: sorted(_module(p) for p in SOURCES if name in _imports(p))
        for name in ("engine", "durable_rules_engine")
    }
    assert importers == {"engine": ["pipeline"], "durable_rules_engine": ["engine"]}


def test_the_cli_starts_without_heavy_libraries():
    heavy = (
        "pandas",
        "numpy",
        "openpyxl",
        "matplotlib",
        "scipy",
        "z3",
        "weasyprint",
        "docx",
        "sqlalchemy",
        "alembic",
    )
    code = (
        "import sys, ipscore.cli; "
        f"print(sorted(m for m in {heavy!r} + ('durable_rules_engine',) if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
