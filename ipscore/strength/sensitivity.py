"""Which assumptions move the ranks: a variance-based sensitivity analysis of the index.

The output is the mean absolute rank shift: over the cities the published index ranks, the
mean of |rank under a draw − published rank|. Each assumption the pack's `uncertainty:` lists
is one factor (ipscore/strength/montecarlo.py; a weight factor is a group of columns, one per
weight). Saltelli's design (Sobol' sequence, scrambled and seeded) needs N(d + 2) runs for
d factors; the first-order index S1 of a factor is the share of the output's variance it
explains alone, the total index ST its share with every interaction it takes part in
(Saltelli et al. 2010 estimators, as SALib's `sobol.analyze` computes them; Saisana,
Saltelli & Tarantola 2005 for composite indicators; COINr's `get_sensitivity` does the same).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError, Problem
from ..packs.index import IndexSpec
from .index import Matrix, _need_a_cohort
from .montecarlo import Factor, factors, published_ranks, ranks_of, width


@dataclass(frozen=True)
class Share:
    """One assumption's Sobol indices, each with its bootstrap 95% half-width."""

    factor: Factor
    first: float
    total: float
    first_conf: float
    total_conf: float


@dataclass(frozen=True)
class Sensitivity:
    base: int  # N, the base sample
    seed: int
    runs: int  # N(d + 2)
    mean_shift: float  # the output's mean over the runs
    shares: tuple[Share, ...]  # in factors(spec) order

    def to_dict(self) -> dict[str, object]:
        return {
            "base_sample": self.base,
            "seed": self.seed,
            "runs": self.runs,
            "output": "mean absolute rank shift",
            "mean_shift": self.mean_shift,
            "factors": [
                {
                    "factor": s.factor.name,
                    "first_order": s.first,
                    "total": s.total,
                    "first_order_conf95": s.first_conf,
                    "total_conf95": s.total_conf,
                }
                for s in self.shares
            ],
        }


def shown(value: float) -> str:
    """A Sobol index as printed, three decimals: an estimate of 0 just below it (−0.0002, noise)
    is "0.000", never "-0.000"."""
    return f"{round(value, 3) + 0.0:.3f}"


def shown_with(value: float, conf: float) -> str:
    """An index with its 95% confidence half-width, "0.213 ±0.052": two indices closer than
    that cannot be told apart."""
    return f"{shown(value)} ±{abs(conf):.3f}"


def need_a_power_of_two(base: int) -> None:
    """Sobol' sequences keep their balance only at powers of 2 (SALib warns otherwise)."""
    if base < 2 or base & (base - 1):
        raise InputError(
            [
                Problem(
                    f"敏感性分析的基础样本数应为2的幂（如512、1024），实际为{base}",
                    f"the sensitivity analysis's base sample must be a power of 2 (512, 1024), "
                    f"not {base}",
                    field="--sensitivity",
                )
            ]
        )


def mean_shift(ranks: NDArray[np.int64], published: NDArray[np.int64]) -> NDArray[np.float64]:
    """Per run (column): the mean |rank − published rank| over the cities ranked in both."""
    both = (ranks > 0) & (published[:, None] > 0)
    shift = np.where(both, np.abs(ranks - published[:, None]), 0)
    counted = both.sum(axis=0)
    out: NDArray[np.float64] = shift.sum(axis=0) / np.maximum(counted, 1)
    return out


def sensitivity(
    spec: IndexSpec, raw: Matrix, tiers: Sequence[str | None], base: int, seed: int
) -> Sensitivity:
    """Sobol first-order and total indices of every assumption the pack varies. Seeded: the
    same seed gives the same indices."""
    _need_a_cohort(raw)
    need_a_power_of_two(base)
    varied = factors(spec)
    if not varied:
        return Sensitivity(base, seed, 0, 0.0, ())
    from SALib.analyze import sobol as analyse  # loads scipy.stats: only when asked
    from SALib.sample import sobol as sample

    problem = {
        "num_vars": width(spec),
        "names": [f"{f.name}.{k}" for f in varied for k in range(f.width)],
        "bounds": [[0.0, 1.0]] * width(spec),
        "groups": [f.name for f in varied for _ in range(f.width)],
    }
    design = sample.sample(problem, base, calc_second_order=False, seed=seed)
    design = np.minimum(design, np.nextafter(1.0, 0.0))  # the unit interval, 1 excluded
    output = mean_shift(ranks_of(spec, raw, tiers, design), published_ranks(spec, raw, tiers))
    if np.ptp(output) == 0:  # no assumption moves any rank: nothing to share out
        zero = tuple(Share(f, 0.0, 0.0, 0.0, 0.0) for f in varied)
        return Sensitivity(base, seed, len(design), float(output.mean()), zero)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib's notes on sample sizes; N is checked above
        # A Generator, not the int: SALib 1.6 leaves the bootstrap unseeded for `seed=0`.
        rng = np.random.default_rng(seed)
        si = analyse.analyze(problem, output, calc_second_order=False, num_resamples=100, seed=rng)
    shares = tuple(
        Share(
            f,
            float(si["S1"][k]),
            float(si["ST"][k]),
            float(si["S1_conf"][k]),
            float(si["ST_conf"][k]),
        )
        for k, f in enumerate(varied)
    )
    return Sensitivity(base, seed, len(design), float(output.mean()), shares)
