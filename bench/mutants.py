"""Do the tests catch a careless edit? One-token changes ("mutants") to the code that decides
results — the engine's exact arithmetic, the gaps, scoring and grading, what a number may be,
what a spreadsheet cell may start with — each applied to a copy of the tree, and the tests of
those modules run against it. A mutant the tests pass is a hole: add the case that shows it
wrong. Run: `python bench/mutants.py` (about a minute a mutant on two cores); the README's
testing section records the last count.

A script rather than a mutation tool: the list is chosen (a tool's thousands of mutants, most
equivalent, would take days here), and each one names the case that must catch it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = [
    "tests/test_engine.py",
    "tests/test_derived.py",
    "tests/test_scoring.py",
    "tests/test_golden.py",
    "tests/test_text.py",
    "tests/test_submission.py",
    "tests/test_bad_inputs.py",
    "tests/test_pack_cases.py",
    "tests/test_report.py::test_page_one_says_what_blocks_the_grade_and_what_fixing_it_gives",
]

# (file, the text as it is, the text mutated): each text occurs once in its file.
MUTANTS = [
    ("ipscore/decide/engine.py", "p // q, -(-p // q))", "p // q, p // q)"),
    ("ipscore/decide/engine.py", 'if op in ("gte", "lt"):', 'if op in ("gt", "lt"):'),
    ("ipscore/decide/engine.py", '"gt": "$gt", "gte"', '"gt": "$gte", "gte"'),
    ("ipscore/decide/engine.py", "if round_up != negative:", "if round_up == negative:"),
    ("ipscore/decide/engine.py", "dre.delete_state(handle, _SID)", "pass"),
    (
        "ipscore/decide/engine.py",
        '[{"$gt": {key(left.bottom): 0}}]',
        '[{"$gte": {key(left.bottom): 0}}]',
    ),
    ("ipscore/decide/engine.py", "if b >= 0:", "if b > 0:"),
    ("ipscore/decide/explain.py", "else math.ceil(limit) - 1)", "else math.ceil(limit))"),
    ("ipscore/decide/explain.py", "if short < step:", "if short <= step:"),
    (
        "ipscore/decide/explain.py",
        'decl.unit == "万元" and short < 1',
        'decl.unit == "万元" and short <= 1',
    ),
    (
        "ipscore/decide/explain.py",
        "math.ceil(short / step) * step",
        "math.floor(short / step) * step",
    ),
    ("ipscore/decide/scoring.py", "score < band.min_score", "score <= band.min_score"),
    ("ipscore/decide/scoring.py", "scaleb(-decimals), rounding", "scaleb(decimals), rounding"),
    ("ipscore/decide/scoring.py", "(place, -score)) - ahead > 1", "(place, -score)) - ahead >= 1"),
    (
        "ipscore/decide/scoring.py",
        "if band.mandatory_complete and not",
        "if band.mandatory_complete and",
    ),
    ("ipscore/decide/scoring.py", "status[t] == COMPLETE for t", "status[t] != COMPLETE for t"),
    ("ipscore/text.py", '"-", "@", "\\t"', '"-", "\\t"'),
    ("ipscore/intake/values.py", "-exponent > decl.decimals", "-exponent >= decl.decimals"),
    ("ipscore/intake/values.py", "number > decl.max:", "number >= decl.max:"),
    ("ipscore/intake/values.py", "    if number < 0:", "    if number < -1:"),
]


def main() -> None:
    caught = 0
    with tempfile.TemporaryDirectory(prefix="ipscore-mutants-") as folder:
        copy = Path(folder) / "tree"
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__"))
        env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
        for path, before, after in MUTANTS:
            source = (copy / path).read_text(encoding="utf-8")
            assert source.count(before) == 1, (path, before)
            (copy / path).write_text(source.replace(before, after), encoding="utf-8")
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *TESTS],
                cwd=copy, env=env, capture_output=True, text=True,
            )  # fmt: skip
            (copy / path).write_text(source, encoding="utf-8")
            killed = done.returncode != 0
            caught += killed
            took = time.perf_counter() - start
            print(
                f"{'caught' if killed else 'MISSED'}  {took:5.0f} s  {path}: {before!r} → {after!r}"
            )
    print(f"{caught} of {len(MUTANTS)} mutants caught ({caught / len(MUTANTS):.0%})")


if __name__ == "__main__":
    main()
