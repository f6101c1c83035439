"""Benchmark pairwise curation: fit and next-pair timings at 1,000 works, simulated accuracy.

Run: .venv/bin/python bench/bench_pairwise.py
Goals: fit (1,000 works, 10,000 comparisons) < 1 s; next_pair < 50 ms.
"""

from __future__ import annotations

import math
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gallery.curation.pairwise.maths import (
    Comparison,
    Outcome,
    fit_bradley_terry,
)
from gallery.curation.pairwise.pairing import next_pair, random_pair
from tests.curation.test_pairing import simulate  # the test's own session

N_WORKS = 1_000
N_COMPARISONS = 10_000
FIT_RUNS = 7
PAIR_CALLS = 100
SEEDS = range(1, 9)


def judged(rng: random.Random) -> list[Comparison]:
    """10,000 random pairs of 1,000 works judged by Bradley–Terry, with some ties and skips."""
    truth = [2 * rng.gauss(0, 1) for _ in range(N_WORKS)]
    comparisons = []
    for _ in range(N_COMPARISONS):
        a, b = rng.sample(range(N_WORKS), 2)
        p = 1 / (1 + math.exp(truth[b] - truth[a]))
        u = rng.random()
        outcome = Outcome.LEFT if u < p else Outcome.RIGHT
        if abs(u - p) < 0.02:
            outcome = Outcome.TIE
        elif rng.random() < 0.02:
            outcome = Outcome.SKIP
        comparisons.append(Comparison(a, b, outcome, judge=rng.randrange(3)))
    return comparisons


def timed(call) -> float:
    """Seconds one call takes."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    """Print timings against their goals and adaptive-vs-random accuracy."""
    rng = random.Random(2025)
    comparisons = judged(rng)
    ids = list(range(N_WORKS))
    fit_times = [
        timed(lambda: fit_bradley_terry(comparisons, work_ids=ids)) for _ in range(FIT_RUNS)
    ]
    fit = fit_bradley_terry(comparisons, work_ids=ids)
    print(
        f"fit_bradley_terry  {N_WORKS} works x {N_COMPARISONS} comparisons: "
        f"median {statistics.median(fit_times) * 1000:.0f} ms over {FIT_RUNS} runs "
        f"(goal < 1000 ms); {fit.iterations} Newton iterations, reliability {fit.reliability:.3f}"
    )

    counts = Counter(w for c in comparisons if c.outcome != Outcome.SKIP for w in (c.left, c.right))
    # One busy curator: has seen 2,000 pairs; five pairs are out with other curators.
    seen = {frozenset((c.left, c.right)) for c in comparisons[:2000]}
    reserved = {frozenset((c.left, c.right)) for c in comparisons[2000:2005]}
    pair_times = [
        timed(
            lambda: next_pair(
                work_ids=ids, fit=fit, seen_pairs=seen, counts=counts, reserved=reserved, rng=rng
            )
        )
        for _ in range(PAIR_CALLS)
    ]
    median_ms = statistics.median(pair_times) * 1000
    print(
        f"next_pair          {N_WORKS} works: median {median_ms:.2f} ms, "
        f"max {max(pair_times) * 1000:.2f} ms over {PAIR_CALLS} calls (goal < 50 ms)"
    )

    def balanced(**kwargs):
        """Adaptive pairing with the fit withheld: balance and coverage only."""
        return next_pair(**{**kwargs, "fit": None})

    print("simulation         100 works, 10 comparisons per work, 3 judges, refit every 25:")
    for name, pairer in (("adaptive", next_pair), ("balanced", balanced), ("random", random_pair)):
        rhos = [simulate(pairer, seed) for seed in SEEDS]
        listed = " ".join(f"{rho:.3f}" for rho in rhos)
        print(f"  {name:<9} mean Spearman rho {statistics.mean(rhos):.3f}  (seeds 1-8: {listed})")


if __name__ == "__main__":
    main()
