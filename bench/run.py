"""Benchmark: the durable-rules path against a plain-Python evaluation of the same conditions,
and memory over many assessments in one process.

    python bench/run.py            # 300 cities, 10,000 assessments for memory
    python bench/run.py --cities 1000 --memory-runs 20000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import time
from decimal import Decimal

from ipscore import assess, find_pack
from ipscore.engine import engine_for
from ipscore.kleene import verdict
from ipscore.packs import Pack
from ipscore.submission import Submission, derive

CITIES = ["湘潭市", "苏州市", "深圳市", "郑州市", "长春市", "佛山市", "常熟市", "成都市"]


def random_city(pack: Pack, rng: random.Random, index: int) -> Submission:
    """A plausible submission: most fields present, some missing, values near thresholds."""
    values = {}
    for name in pack.field_names():
        decl = pack.field(name)
        if decl.type == "ratio" or (not decl.required and rng.random() < 0.1):
            continue
        if decl.type == "bool":
            values[name] = rng.random() < 0.8
        elif decl.type == "count":
            low = int(decl.min or 0)
            values[name] = rng.randint(low, min(int(decl.max or 300), 300))
        elif decl.type == "amount":
            values[name] = Decimal(rng.randint(0, 10**8)).scaleb(-decl.decimals)
        elif decl.type == "date":
            values[name] = dt.date(2015, 6, 1) + dt.timedelta(days=rng.randint(0, 300))
        elif decl.type == "enum":
            values[name] = rng.choice(sorted(decl.values or {}))
        else:
            values[name] = f"{rng.choice(CITIES)}{index}"
    derive(pack, values)
    return Submission(pack.id, pack.pack.year, values, f"bench-{index}")


def rate(func, cities, repeat: int) -> float:
    """Median cities per second over `repeat` passes."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for city in cities:
            func(city)
        samples.append(len(cities) / (time.perf_counter() - start))
    return statistics.median(samples)


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--memory-runs", type=int, default=10_000)
    args = parser.parse_args()

    pack = find_pack("cnipa-2015-demo-city")
    rng = random.Random(2015)
    cities = [random_city(pack, rng, i) for i in range(args.cities)]
    engine = engine_for(pack)
    reqs = [req for _, req in pack.requirements()]

    def plain(city: Submission) -> None:
        for req in reqs:
            verdict(req.check, req.applies_if, city.values)

    for city in cities:  # same verdicts, or the comparison means nothing
        fired = engine.verdicts(city).statuses
        assert all(fired[r.id] == verdict(r.check, r.applies_if, city.values) for r in reqs)

    durable = rate(engine.verdicts, cities, args.repeat)
    python = rate(plain, cities, args.repeat)
    full = rate(lambda c: assess(pack, c), cities, args.repeat)
    rules = len(engine.ruleset)

    print(f"pack {pack.id}: {len(reqs)} requirements, {rules} compiled rules")
    print(f"{args.cities} cities, median of {args.repeat} passes")
    print(f"  durable-rules verdicts      {durable:10,.0f} cities/s")
    print(f"  plain-Python Kleene         {python:10,.0f} cities/s")
    print(f"  ratio plain / durable       {python / durable:10.1f} ×")
    print(f"  full assess (with scoring)  {full:10,.0f} cities/s")

    start_rss = rss_mb()
    checkpoints = []
    for i in range(args.memory_runs):
        assess(pack, cities[i % len(cities)])
        if (i + 1) % (args.memory_runs // 5) == 0:
            checkpoints.append((i + 1, rss_mb()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"memory over {args.memory_runs:,} assessments (RSS, MB):")
    print(
        f"  before {start_rss:.1f}; " + "; ".join(f"after {n:,}: {mb:.1f}" for n, mb in checkpoints)
    )
    print(f"  peak RSS {peak:.1f} MB")


if __name__ == "__main__":
    main()
