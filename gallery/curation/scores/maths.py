"""Ranking maths on 1–5 scores, as plain functions (the SQL in ``queries`` mirrors them).

Three views of the same votes, each shown with its vote count:

* the plain mean;
* the Bayesian (shrunk) mean ``(m * prior + sum) / (m + n)``: every work starts with ``m``
  imaginary votes at the prior (the mean of all votes), so a single 5 does not outrank twenty
  4s. ``m = 4`` is about what one curator team of 3–10 gives a work in a first pass: a work
  needs roughly one full round of votes before its own scores dominate.
* the per-curator normalised mean: each curator's scores are turned into z-scores against that
  curator's own mean and spread, then averaged per work, so a harsh and a generous curator
  move a work equally. A curator whose scores never vary (or who voted once) has no spread to
  measure against; their votes count as 0 (neither up nor down) rather than as infinity.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Imaginary votes at the prior that every work starts with (see the module docstring).
PRIOR_WEIGHT = 4
# Prior used before anyone has voted: the middle of the 1–5 scale.
NEUTRAL_SCORE = 3.0


@dataclass(frozen=True)
class CuratorScale:
    """How one curator uses the scale: mean and (population) standard deviation."""

    mean: float
    spread: float

    def z(self, score: float) -> float:
        """Return ``score`` in this curator's standard units (0 when there is no spread)."""
        if self.spread <= 0:
            return 0.0
        return (score - self.mean) / self.spread


def mean(scores: Iterable[float]) -> float | None:
    """Return the arithmetic mean, or None for no scores."""
    values = list(scores)
    return sum(values) / len(values) if values else None


def prior_mean(total: float, count: int) -> float:
    """Return the prior for shrinking: the global mean, or the neutral score with no votes."""
    return total / count if count else NEUTRAL_SCORE


def bayesian_mean(total: float, count: int, *, prior: float, weight: float = PRIOR_WEIGHT) -> float:
    """Return the mean shrunk towards ``prior`` as if ``weight`` extra votes sat at the prior."""
    return (weight * prior + total) / (weight + count)


def curator_scale(total: float, total_squares: float, count: int) -> CuratorScale:
    """Return a curator's mean and spread from the sum and sum of squares of their scores."""
    if count == 0:
        return CuratorScale(NEUTRAL_SCORE, 0.0)
    centre = total / count
    # Clamp: rounding can push a zero variance a hair below zero.
    variance = max(total_squares / count - centre * centre, 0.0)
    return CuratorScale(centre, math.sqrt(variance))


def curator_scales(votes: Iterable[tuple[int, int, int]]) -> dict[int, CuratorScale]:
    """Return each curator's scale from (curator, work, score) triples."""
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for curator, _work, score in votes:
        acc = sums[curator]
        acc[0] += score
        acc[1] += score * score
        acc[2] += 1
    return {curator: curator_scale(*acc) for curator, acc in sums.items()}


def normalised_means(
    votes: Iterable[tuple[int, int, int]], scales: Mapping[int, CuratorScale] | None = None
) -> dict[int, tuple[float, int]]:
    """Return work → (mean z-score, vote count) from (curator, work, score) triples."""
    triples = list(votes)
    scales = scales if scales is not None else curator_scales(triples)
    sums: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
    for curator, work, score in triples:
        acc = sums[work]
        acc[0] += scales[curator].z(score)
        acc[1] += 1
    return {work: (acc[0] / acc[1], int(acc[1])) for work, acc in sums.items()}
