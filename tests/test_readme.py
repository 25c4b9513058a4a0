"""The README's examples are run, as sqlite-utils does with its documentation.

- A plain block that starts with `$ ipscore …` is a session: each command runs and its output
  (stdout, then stderr) must match the lines shown; a line `…` stands for any number of lines.
- A `bash` block lists commands: each `ipscore …` (or `mkdir …`) line must run with exit code 0.
- A `yaml` block whose first line names a shipped file (`# scenarios/…`) must be that file.

They run in order in one scratch directory holding copies of `scenarios/`, `rules/` and
`tests/bad_inputs/`, with an archive of their own, so a command that writes a file writes it
there — never into the repository.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import ROOT

README = ROOT / "README.md"
ELLIPSIS = "…"
# The first block installs and tests the project itself: CI runs exactly those.
SETUP = ("pip install", "python -m pytest", "python3 -m venv")


@dataclass
class Step:
    line: int
    command: str
    expected: list[str] | None = None  # None: only the exit code is checked


@dataclass
class Example:
    line: int
    steps: list[Step] = field(default_factory=list)


def examples() -> list[Example]:
    lines = README.read_text(encoding="utf-8").splitlines()
    out: list[Example] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("```"):
            i += 1
            continue
        info, start, i = lines[i][3:].strip(), i + 1, i + 1
        while not lines[i].startswith("```"):
            i += 1
        block = lines[start:i]
        i += 1
        if info == "" and block and block[0].startswith("$ "):
            out.append(_session(start, block))
        elif info == "bash":
            out.append(_commands(start, block))
    return [e for e in out if e.steps]


def _session(start: int, block: list[str]) -> Example:
    example = Example(start)
    for n, text in enumerate(block):
        if text.startswith("$ "):
            example.steps.append(Step(start + n + 1, text[2:].split("  #")[0].strip(), []))
        else:
            example.steps[-1].expected.append(text)  # type: ignore[union-attr]
    return example


def _commands(start: int, block: list[str]) -> Example:
    example = Example(start)
    for n, text in enumerate(block):
        command = text.split("  #")[0].strip()
        if command.startswith(("ipscore ", "mkdir ")) and not any(s in command for s in SETUP):
            example.steps.append(Step(start + n + 1, command))
    return example


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("readme")
    for part in ("scenarios", "rules", "tests/bad_inputs"):
        shutil.copytree(ROOT / part, root / part)
    return root


def run(sandbox: Path, command: str) -> subprocess.CompletedProcess[str]:
    words = shlex.split(command)
    if words[0] == "ipscore":
        words = [sys.executable, "-m", "ipscore", *words[1:]]
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPSCORE_")}
    env["XDG_DATA_HOME"] = str(sandbox / "data")
    return subprocess.run(words, capture_output=True, text=True, cwd=sandbox, env=env)


def matches(expected: list[str], got: list[str]) -> bool:
    """Every expected line in order, `…` standing for any run of lines."""
    if not expected:
        return not got
    if expected[0] == ELLIPSIS:
        return any(matches(expected[1:], got[k:]) for k in range(len(got) + 1))
    return bool(got) and got[0] == expected[0] and matches(expected[1:], got[1:])


def _clean(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


EXAMPLES = examples()


def test_the_readme_has_examples_to_run():
    assert sum(len(e.steps) for e in EXAMPLES) >= 20


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"README.md:{e.line}" for e in EXAMPLES])
def test_readme_example(example: Example, sandbox: Path):
    for step in example.steps:
        done = run(sandbox, step.command)
        where = f"README.md:{step.line}: {step.command}"
        if step.expected is None:
            assert done.returncode == 0, f"{where}\n{done.stderr}"
            continue
        got = _clean(done.stdout) + _clean(done.stderr)
        expected = [line.rstrip() for line in step.expected]
        assert matches(expected, got), f"{where}\n--- got ---\n" + "\n".join(got)


def shown_files() -> list[tuple[str, str]]:
    """(path, text) of every `yaml` block that says which shipped file it shows."""
    text = README.read_text(encoding="utf-8")
    out = []
    for block in text.split("```yaml\n")[1:]:
        body = block.split("```", 1)[0]
        first, _, rest = body.partition("\n")
        if first.startswith("# ") and (ROOT / first[2:]).is_file():
            out.append((first[2:], rest))
    return out


def test_a_file_the_readme_shows_is_the_shipped_file():
    shown = shown_files()
    assert shown, "the README shows no shipped file"
    for path, text in shown:
        assert text == (ROOT / path).read_text(encoding="utf-8"), path
