"""The floors of docs/architecture.md hold: every module is placed on one (by its package or its
own name), none imports a module on a higher floor, no import goes round in a circle, the engine
stays behind the pipeline, the CLI starts without heavy libraries, the tree stays shallow and its
modules short, and the newcomer's page names only files that exist."""

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
    """Each module or package the floor table names, with its floor."""
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
    """The ipscore modules a file imports (relative and absolute imports resolved; a name
    imported from a package that is a module of it counts as that module), and `durable…` ones."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    base = [] if package == "ipscore" else package.split(".") if package else []
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            parent = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            target = [*parent, *(node.module.split(".") if node.module else [])]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "ipscore":
            target = (node.module or "").split(".")[1:]
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("durable"))
            found.update(
                a.name[len("ipscore.") :] for a in node.names if a.name.startswith("ipscore.")
            )
            continue
        else:
            continue
        # A package holding this module is loaded before it, whatever it imports: no edge.
        if target and not (module + ".").startswith(".".join(target) + "."):
            found.add(".".join(target))
        for alias in node.names:
            name = ".".join([*target, alias.name])
            if (PACKAGE / name.replace(".", "/")).with_suffix(".py").exists() or (
                PACKAGE / name.replace(".", "/") / "__init__.py"
            ).exists():
                found.add(name)
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))
MODULES = {_module(p) for p in SOURCES}


def _floor_of(module: str, floors: dict[str, int]) -> int | None:
    """The floor of the longest name in the table that is the module or a package holding it."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in floors:
            return floors[name]
    return None


def test_every_module_is_on_a_floor():
    floors = _floors()
    assert floors, "no floor table found in docs/architecture.md"
    unplaced = sorted(m for m in MODULES if _floor_of(m, floors) is None)
    assert unplaced == [], f"add these modules to the floors in docs/architecture.md: {unplaced}"
    gone = [m for m in floors if m not in MODULES]
    assert gone == [], f"docs/architecture.md names modules that no longer exist: {gone}"


@pytest.mark.parametrize("path", SOURCES, ids=_module)
def test_no_module_imports_a_higher_floor(path):
    floors = _floors()
    here = _floor_of(_module(path), floors)
    assert here is not None
    upward = sorted(
        f"{name} (floor {_floor_of(name, floors)})"
        for name in _imports(path)
        if name in MODULES and (_floor_of(name, floors) or 0) > here
    )
    assert upward == [], f"{_module(path)} (floor {here}) imports {upward}"


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of more than one module, or a module importing itself
    (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    part = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        part.append(top)
                        if top == node:
                            break
                    if len(part) > 1 or node in graph[node]:
                        found.append(sorted(part))
    return found


def test_circles_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}, "f": set()}
    assert sorted(_circles(graph)) == [["a", "b", "c"], ["e"]]


def test_no_import_circles():
    """Every import counts, at the top or inside a function, for type checking or not: a
    circle there is a knot a reader has to untie, whether or not Python trips on it."""
    graph = {_module(p): {m for m in _imports(p) if m in MODULES} for p in SOURCES}
    assert _circles(graph) == []


def test_the_engine_stays_behind_the_pipeline():
    importers = {
        name: sorted(_module(p) for p in SOURCES if name in _imports(p))
        for name in ("decide.engine", "durable_rules_engine")
    }
    assert importers == {
        "decide.engine": ["decide.pipeline"],
        "durable_rules_engine": ["decide.engine"],
    }


def test_the_tree_shows_the_architecture():
    """A dozen modules at the top at most; the rest in packages that say what they hold."""
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top
    for package in (p.parent for p in PACKAGE.rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert doc, f"{package.relative_to(ROOT)}/__init__.py says nothing of what it holds"


@pytest.mark.parametrize("path", SOURCES, ids=_module)
def test_modules_stay_short(path):
    """No module over 800 lines; one over 600 says at its top why it is one piece."""
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= 800, f"{path.relative_to(ROOT)} has {lines} lines"
    if lines > 600:
        doc = ast.get_docstring(ast.parse(text)) or ""
        assert "One piece:" in doc, f"{path.relative_to(ROOT)} ({lines} lines) says not why"


NEWCOMER = ("How to add a command", "How to add a pack feature", "How to add an output format")


@pytest.mark.parametrize("section", NEWCOMER)
def test_the_newcomers_page_names_files_that_exist(section):
    text = DOC.read_text(encoding="utf-8")
    assert f"## {section}" in text
    body = text.split(f"## {section}")[1].split("\n## ")[0]
    named = re.findall(r"`((?:ipscore|templates|rules|tests|docs|bench)/[^`\s]*)`", body)
    assert len(named) >= 3, f"{section} names too few files"
    missing = [n for n in named if not (ROOT / n.rstrip("/")).exists()]
    assert missing == [], f"{section} names files that do not exist: {missing}"


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
