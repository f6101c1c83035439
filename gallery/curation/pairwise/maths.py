"""Bradley–Terry strengths from forced-choice "which is more eye-catching?" comparisons."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import linalg, sparse, stats
from scipy.sparse import linalg as sparse_linalg
from scipy.special import expit

# Two-sided 95 % normal quantile for the reported intervals.
_Z95 = 1.959963984540054
_MAX_ITERATIONS = 100
_STEP_TOLERANCE = 1e-9


class Outcome(StrEnum):
    """What a curator answered for one pair."""

    LEFT = "left"
    RIGHT = "right"
    TIE = "tie"
    SKIP = "skip"


# Score credited to the left work. A tie is half a win for each side: the usual
# comparative-judgement convention, which keeps one parameter per work (Davidson 1970
# would add a tie parameter, not worth it when ties are rare in forced choice).
# Skips carry no preference and are left out of the likelihood.
_LEFT_SCORE = {Outcome.LEFT: 1.0, Outcome.RIGHT: 0.0, Outcome.TIE: 0.5, Outcome.SKIP: None}


@dataclass(frozen=True)
class Comparison:
    """One judgement: which of two works the curator found more eye-catching."""

    left: int
    right: int
    outcome: Outcome
    judge: int | None = None


@dataclass(frozen=True)
class Strength:
    """A work's log-strength (centred at mean 0) with its standard error and 95 % interval."""

    work_id: int
    theta: float
    se: float
    low: float
    high: float
    comparisons: int


@dataclass(frozen=True)
class Fit:
    """Fitted strengths of all works plus the scale-separation reliability of the ranking."""

    strengths: dict[int, Strength]
    reliability: float
    iterations: int


def fit_bradley_terry(
    comparisons: Iterable[Comparison],
    *,
    work_ids: Iterable[int] | None = None,
    prior: float = 0.25,
) -> Fit:
    """Fit Bradley–Terry log-strengths by penalised maximum likelihood (Newton's method)."""
    # Model: P(i beats j) = expit(theta_i - theta_j) (Bradley & Terry 1952), all comparisons
    # fitted at once so the result does not depend on their order (unlike Elo), curators
    # pooled, no left/right bias term because next_pair randomises sides.
    # `prior` is the precision of an N(0, 1/prior) prior on every theta (a ridge penalty
    # prior/2 * theta^2): it keeps works with only wins or only losses finite, ties
    # disconnected groups of works to a common zero and centres theta at mean 0 (score
    # residuals cancel in pairs, so the stationarity condition forces prior * sum(theta) = 0).
    # The default 0.25 (SD 2 logits) is weak next to ~10 comparisons per work, yet in
    # simulation a weaker 0.1 let adaptive pairing stretch the scale and overstate the
    # reliability (the adaptive-CJ inflation of Bramley & Vitello 2019).
    if not prior > 0:
        raise ValueError("prior must be a positive precision")
    lefts, rights, scores = [], [], []
    for comparison in comparisons:
        score = _LEFT_SCORE[Outcome(comparison.outcome)]
        if score is None:
            continue
        if comparison.left == comparison.right:
            raise ValueError(f"work {comparison.left} compared with itself")
        lefts.append(comparison.left)
        rights.append(comparison.right)
        scores.append(score)
    extra = () if work_ids is None else work_ids
    ids = np.unique(np.array([*lefts, *rights, *extra], dtype=np.int64))
    n = len(ids)
    first, second, wins, totals = _aggregate(
        np.searchsorted(ids, np.array(lefts, dtype=np.int64)),
        np.searchsorted(ids, np.array(rights, dtype=np.int64)),
        np.array(scores, dtype=float),
    )
    theta, iterations = _newton(n, first, second, wins, totals, prior)
    se = _centred_se(theta, first, second, totals, prior)
    counts = np.bincount(first, totals, n) + np.bincount(second, totals, n)
    strengths = {
        int(work): Strength(
            work_id=int(work),
            theta=float(t),
            se=float(s),
            low=float(t - _Z95 * s),
            high=float(t + _Z95 * s),
            comparisons=round(c),
        )
        for work, t, s, c in zip(ids, theta, se, counts, strict=True)
    }
    return Fit(strengths=strengths, reliability=_reliability(theta, se), iterations=iterations)


def _aggregate(
    left: np.ndarray, right: np.ndarray, score: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Collapse comparisons into unique pairs (i < j) with i's summed score and pair totals."""
    # Scores are multiples of 0.5, so the sums are exact whatever the comparison order:
    # a shuffled history gives a bit-identical fit.
    swap = left > right
    first = np.where(swap, right, left)
    second = np.where(swap, left, right)
    first_score = np.where(swap, 1.0 - score, score)
    n = int(max(first.max(initial=-1), second.max(initial=-1))) + 1
    keys, inverse = np.unique(first * max(n, 1) + second, return_inverse=True)
    wins = np.bincount(inverse, first_score, len(keys))
    totals = np.bincount(inverse, minlength=len(keys)).astype(float)
    return keys // max(n, 1), keys % max(n, 1), wins, totals


def _newton(
    n: int,
    first: np.ndarray,
    second: np.ndarray,
    wins: np.ndarray,
    totals: np.ndarray,
    prior: float,
) -> tuple[np.ndarray, int]:
    """Maximise the penalised log-likelihood by Newton steps; return theta and iterations."""
    theta = np.zeros(n)
    if n == 0:
        return theta, 0
    objective = _objective(theta, first, second, wins, totals, prior)
    iterations = 0
    while iterations < _MAX_ITERATIONS:
        iterations += 1
        p = expit(theta[first] - theta[second])
        residual = wins - totals * p
        gradient = np.bincount(first, residual, n) - np.bincount(second, residual, n)
        gradient = gradient - prior * theta
        information = _information(n, first, second, totals * p * (1.0 - p), prior)
        # The information matrix is as sparse as the comparison graph, so conjugate
        # gradients (Jacobi-preconditioned) solve for the step without dense factorisations.
        preconditioner = sparse.diags_array(1.0 / information.diagonal())
        step, _ = sparse_linalg.cg(information, gradient, rtol=1e-10, M=preconditioner)
        # Backtrack if a full step overshoots (possible far from the optimum); the penalised
        # objective is strictly concave so halving always finds an ascent.
        scale = 1.0
        while True:
            candidate = theta + scale * step
            value = _objective(candidate, first, second, wins, totals, prior)
            if value >= objective - 1e-12 * abs(objective) or scale < 1e-6:
                break
            scale /= 2
        theta, objective = candidate, value
        if np.max(np.abs(scale * step)) < _STEP_TOLERANCE:
            break
    return theta, iterations


def _information(
    n: int, first: np.ndarray, second: np.ndarray, weight: np.ndarray, prior: float
) -> sparse.csr_array:
    """Fisher information (negative Hessian) of the penalised log-likelihood."""
    # A graph Laplacian weighted by n p (1 - p) per pair, plus the prior precision on the
    # diagonal, so it is positive definite even for disconnected comparison graphs.
    diagonal = np.bincount(first, weight, n) + np.bincount(second, weight, n) + prior
    rows = np.concatenate([first, second, np.arange(n)])
    columns = np.concatenate([second, first, np.arange(n)])
    values = np.concatenate([-weight, -weight, diagonal])
    return sparse.coo_array((values, (rows, columns)), shape=(n, n)).tocsr()


def _centred_se(
    theta: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    totals: np.ndarray,
    prior: float,
) -> np.ndarray:
    """Standard errors of theta_i - mean(theta) from the inverse information at the optimum."""
    # Only differences are identified; the overall level is pure prior, so report the SE of
    # the centred value: var_i - 2 (cov 1)_i / n + 1' cov 1 / n^2 with cov = inverse
    # information. One dense Cholesky: diag(cov) is the column norms of L^-1.
    n = len(theta)
    if n == 0:
        return np.zeros(0)
    p = expit(theta[first] - theta[second])
    information = _information(n, first, second, totals * p * (1.0 - p), prior).toarray()
    factor = linalg.cholesky(information, lower=True, check_finite=False)
    inverse_factor, info = linalg.lapack.dtrtri(factor, lower=1)
    if info != 0:
        raise linalg.LinAlgError("information matrix is not positive definite")
    variance = np.einsum("ij,ij->j", inverse_factor, inverse_factor)
    row_sums = linalg.cho_solve((factor, True), np.ones(n), check_finite=False)
    centred = variance - 2.0 * row_sums / n + row_sums.sum() / n**2
    return np.sqrt(np.maximum(centred, 0.0))


def _objective(
    theta: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    wins: np.ndarray,
    totals: np.ndarray,
    prior: float,
) -> float:
    """Penalised Bradley–Terry log-likelihood (ties as half wins)."""
    d = theta[first] - theta[second]
    # log expit(d) = -logaddexp(0, -d), stable for large |d|.
    log_lik = -(wins * np.logaddexp(0.0, -d) + (totals - wins) * np.logaddexp(0.0, d)).sum()
    return float(log_lik - 0.5 * prior * theta @ theta)


def _reliability(theta: np.ndarray, se: np.ndarray) -> float:
    """Scale-separation reliability: share of the spread of theta that is not estimation error."""
    # SSR as used in comparative judgement (Verhavert et al. 2019): (var - mean se^2) / var.
    if len(theta) < 2:
        return 0.0
    variance = float(np.var(theta, ddof=1))
    if variance <= 0:
        return 0.0
    return float(np.clip((variance - float(np.mean(se**2))) / variance, 0.0, 1.0))


def comparisons_until_stable(
    fit: Fit, *, n_works: int, done: int, target: float = 0.8
) -> int | None:
    """Estimate comparisons still needed for `target` reliability (0: there, None: can't tell)."""
    if not 0 < target < 1:
        raise ValueError("target must be between 0 and 1")
    # Each comparison shows two works, so 2 * done / n_works comparisons per work; below
    # two each the fitted spread is mostly prior shrinkage and says nothing yet.
    if n_works < 2 or done < n_works:
        return None
    if fit.reliability >= target:
        return 0
    thetas = np.array([s.theta for s in fit.strengths.values()])
    variance = float(np.var(thetas, ddof=1)) if len(thetas) > 1 else 0.0
    if variance <= 0:
        return None
    # Fisher information grows linearly with comparisons, so mean se^2 shrinks ~ done / m;
    # hold the observed spread fixed and solve 1 - mse(m) / var = target for m. Early on
    # prior shrinkage hides part of the spread, which makes this err on the long side
    # (Spearman–Brown overshot far more in simulation, as it treats the shrunk spread as true).
    mean_square_error = float(np.mean([s.se**2 for s in fit.strengths.values()]))
    total = done * mean_square_error / (variance * (1 - target))
    # Round off float noise before ceil so exact cases come out exact.
    return max(1, math.ceil(round(total - done, 6)))


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman rank correlation of two equally long sequences (nan when undefined)."""
    if len(a) != len(b):
        raise ValueError("sequences differ in length")
    if len(a) < 2:
        return math.nan
    with warnings.catch_warnings():
        # Constant input has no rank correlation; report nan rather than warn.
        warnings.simplefilter("ignore", stats.ConstantInputWarning)
        return float(stats.spearmanr(a, b).statistic)
