"""The whole command, end to end: `ipscore assess DIR --format F -o out` on N YAML files and
`ipscore assess table.csv --format F -o out` on one N-row CSV, each in a new process, for each
output format F, reporting wall time, cities/s and peak RSS (the largest single process: the
command, or one of its workers; the workers are forked from the command, so their pages are
shared until written).

    python bench/e2e.py                            # 100 … 100,000 cities, CSV, JSON Lines, JSON
    python bench/e2e.py --sizes 10000 --repeat 3   # median of 3 (the machine's speed varies)
    python bench/e2e.py --sizes 1000 --jobs 1      # one process
    python bench/e2e.py --format json              # one output format

Targets on the 2-core reference machine: 10,000 YAML files ≥ 1,000 cities/s, a 10,000-row CSV
≥ 3,000 cities/s, peak RSS for 100,000 cities < 500 MB. The cities are the shipped 2015
scenarios, renamed so that each is its own city. JSON is the largest output (about 43 KB of
indented text a city, against under 1 KB of CSV) and the slowest to make.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*-2015.yaml"))


def _yaml_files(folder: Path, n: int) -> Path:
    texts = [p.read_text(encoding="utf-8") for p in SCENARIOS]
    for i in range(n):
        text = texts[i % len(texts)].replace("name: ", f"name: 城{i}号", 1)
        (folder / f"c{i:06d}.yaml").write_text(text, encoding="utf-8")
    return folder


def _csv_table(path: Path, n: int) -> Path:
    sys.path.insert(0, str(ROOT))
    from ipscore.intake.files import read_all

    rows = [(pack, s.values) for pack, s in read_all([ROOT / "scenarios"])]
    names = sorted({k for _, v in rows for k in v if "@" not in k})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["pack", "year", *names])
        for i in range(n):
            pack, values = rows[i % len(rows)]
            cells = [_cell(values.get(name)) for name in names]
            cells[names.index("city.name")] = f"城{i}号"
            writer.writerow([pack.id, pack.pack.year, *cells])
    return path


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _run(target: Path, out: Path, fmt: str, jobs: int | None) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB: os.wait4 gives the child's resource usage, whose
    maxrss is that of the largest process among it and the workers it waited for."""
    start = time.perf_counter()
    command = ["assess", str(target), "--format", fmt, "-o", str(out)]
    command += [] if jobs is None else ["--jobs", str(jobs)]
    child = subprocess.Popen(
        [sys.executable, "-m", "ipscore", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(child.stderr.read().decode() if child.stderr else status)
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000, 100_000])
    parser.add_argument(
        "--format", nargs="+", default=["csv", "jsonl", "json"], choices=["json", "jsonl", "csv"]
    )
    parser.add_argument("--jobs", type=int, help="worker processes (default: the command's)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the median is shown")
    args = parser.parse_args()
    jobs = "the cores" if args.jobs is None else args.jobs
    print(f"whole command: ipscore assess … --format F -o out (new process each; jobs: {jobs})")
    print(f"{'input':<8}{'output':<8}{'cities':>9}{'seconds':>10}{'cities/s':>10}{'peak RSS':>11}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "yaml"
            folder.mkdir()
            for kind, target in (
                ("YAML", _yaml_files(folder, n)),
                ("CSV", _csv_table(Path(tmp) / "cities.csv", n)),
            ):
                for fmt in args.format:
                    runs = [
                        _run(target, Path(tmp) / f"out.{fmt}", fmt, args.jobs)
                        for _ in range(args.repeat)
                    ]
                    wall = statistics.median(w for w, _ in runs)
                    rss = max(r for _, r in runs)
                    print(f"{kind:<8}{fmt:<8}{n:>9,}{wall:>10.1f}{n / wall:>10,.0f}{rss:>8,.0f} MB")


if __name__ == "__main__":
    main()
