"""Choosing the next pair of works to show a curator."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection, Mapping, Sequence

import numpy as np
from scipy.special import expit

from gallery.curation.pairwise.maths import Fit

# Candidate pool per call: the least-compared works as anchors, each tried against its
# neighbours in strength order (where outcomes are closest to a coin flip) plus a few
# random works (which keep the comparison graph well connected).
_ANCHORS = 8
_NEIGHBOURS = 12
_RANDOM_PARTNERS = 4
# Each comparison a pair has beyond twice the least-compared work's count divides its
# score by this much: keeps exposure balanced without ignoring information.
_BALANCE = 2.0
# SE assumed for works the fit has not seen yet (theta 0): the default prior's SD.
_UNFITTED_SE = 2.0
# Pair at random (balance only) until the median work has this many comparisons: strengths
# from one or two results are mostly luck, and steering by them locks early luck into the
# scale (adaptive CJ likewise opens with random rounds, Pollitt 2012). The median, not the
# minimum, so a trickle of new submissions does not switch adaptivity off. In simulation
# this lifted mean rho by ~0.007 and cut the sessions ending below 0.9.
_WARM_UP = 2


def next_pair(
    *,
    work_ids: Sequence[int],
    fit: Fit | None,
    seen_pairs: Collection[frozenset[int]],
    counts: Mapping[int, int],
    reserved: Collection[frozenset[int]] = (),
    rng: random.Random,
) -> tuple[int, int] | None:
    """Pick the most informative unseen, unreserved pair among the least-compared works."""
    # Pass sets for seen_pairs and reserved: membership is tested per candidate.
    ids = np.fromiter(dict.fromkeys(work_ids), dtype=np.int64)
    n = len(ids)
    if n < 2:
        return None
    generator = np.random.default_rng(rng.getrandbits(64))
    # A reserved pair is being judged right now, so its works count as one comparison busier.
    busy = Counter(work for pair in reserved for work in pair)
    load = np.array([counts.get(w, 0) + busy.get(w, 0) for w in ids.tolist()], dtype=float)
    theta, se = _fit_arrays(ids, fit if np.median(load) >= _WARM_UP else None)
    by_load = np.lexsort((generator.random(n), load))
    if load[by_load[1]] == 0:
        # Coverage first: pair works nobody has judged yet with each other.
        unjudged = by_load[: int(np.count_nonzero(load == 0))]
        anchors = unjudged[:_ANCHORS]
        partners = np.tile(unjudged[: _NEIGHBOURS * 2], (len(anchors), 1))
    else:
        anchors = by_load[:_ANCHORS]
        partners = _partners(anchors, theta, generator)
    scores = _score(anchors[:, None], partners, theta, se, load)
    scores[partners == anchors[:, None]] = -np.inf
    for flat in np.argsort(-scores, axis=None, kind="stable"):
        if scores.flat[flat] == -np.inf:
            break
        a, b = int(anchors[flat // partners.shape[1]]), int(partners.flat[flat])
        pair = frozenset((int(ids[a]), int(ids[b])))
        if pair not in seen_pairs and pair not in reserved:
            return _randomise_sides(int(ids[a]), int(ids[b]), rng)
    # Every sampled candidate is taken: search all works, least-compared first.
    return _exhaustive(ids, by_load, seen_pairs, reserved, rng, theta, se, load)


def random_pair(
    *,
    work_ids: Sequence[int],
    fit: Fit | None,
    seen_pairs: Collection[frozenset[int]],
    counts: Mapping[int, int],
    reserved: Collection[frozenset[int]] = (),
    rng: random.Random,
) -> tuple[int, int] | None:
    """Baseline: a uniformly random unseen, unreserved pair (ignores fit and counts)."""
    ids = list(dict.fromkeys(work_ids))
    if len(ids) < 2:
        return None
    for _ in range(32):
        a, b = rng.sample(ids, 2)
        pair = frozenset((a, b))
        if pair not in seen_pairs and pair not in reserved:
            return a, b
    array = np.array(ids, dtype=np.int64)
    order = np.array(rng.sample(range(len(ids)), len(ids)))
    flat = np.zeros(len(ids))
    return _exhaustive(array, order, seen_pairs, reserved, rng, flat, flat + 1, flat)


def _fit_arrays(ids: np.ndarray, fit: Fit | None) -> tuple[np.ndarray, np.ndarray]:
    """Theta and SE per work; works unknown to the fit sit at 0 with a wide SE."""
    strengths = fit.strengths if fit else {}
    theta = np.zeros(len(ids))
    se = np.full(len(ids), _UNFITTED_SE)
    for index, work in enumerate(ids.tolist()):
        strength = strengths.get(work)
        if strength is not None:
            theta[index], se[index] = strength.theta, strength.se
    return theta, se


def _partners(anchors: np.ndarray, theta: np.ndarray, generator: np.random.Generator) -> np.ndarray:
    """Candidate partners per anchor: strength-order neighbours plus a few random works."""
    n = len(theta)
    by_theta = np.lexsort((generator.random(n), theta))
    rank = np.empty(n, dtype=np.int64)
    rank[by_theta] = np.arange(n)
    offsets = np.concatenate([np.arange(-_NEIGHBOURS, 0), np.arange(1, _NEIGHBOURS + 1)])
    # Clipping at the ends repeats the extreme works; duplicates are harmless.
    near = by_theta[np.clip(rank[anchors][:, None] + offsets, 0, n - 1)]
    far = generator.integers(0, n, size=(len(anchors), _RANDOM_PARTNERS))
    return np.concatenate([near, far], axis=1)


def _score(
    a: np.ndarray, b: np.ndarray, theta: np.ndarray, se: np.ndarray, load: np.ndarray
) -> np.ndarray:
    """Log expected information of comparing a with b, discounted for over-compared works."""
    # One comparison adds Fisher information p(1 - p) on theta_a - theta_b (Bradley–Terry);
    # with prior variance v = se_a^2 + se_b^2 a Gaussian update shrinks that variance by
    # v^2 p(1 - p) / (1 + v p(1 - p)): largest for coin-flip pairs of uncertain works.
    variance = se[a] ** 2 + se[b] ** 2
    # Average p(1 - p) over the uncertainty in the difference (probit approximation,
    # MacKay 1992): while strengths are vague, far pairs are not yet known to be lopsided.
    spread = np.sqrt(1.0 + np.pi * variance / 8.0)
    p = expit((theta[a] - theta[b]) / spread)
    information = p * (1.0 - p) / spread
    gain = variance**2 * information / (1.0 + variance * information)
    excess = load[a] + load[b] - 2.0 * load.min()
    # In logs so a long-neglected work (large excess elsewhere) cannot overflow the discount.
    return np.log(np.maximum(gain, 1e-300)) - excess * np.log(_BALANCE)


def _exhaustive(
    ids: np.ndarray,
    anchors: np.ndarray,
    seen_pairs: Collection[frozenset[int]],
    reserved: Collection[frozenset[int]],
    rng: random.Random,
    theta: np.ndarray,
    se: np.ndarray,
    load: np.ndarray,
) -> tuple[int, int] | None:
    """Best free pair for the first anchor that still has one; None when none is left."""
    index = {work: i for i, work in enumerate(ids.tolist())}
    taken: dict[int, set[int]] = {}
    for pair in (*seen_pairs, *reserved):
        if len(pair) == 2 and all(work in index for work in pair):
            a, b = (index[w] for w in pair)
            taken.setdefault(a, set()).add(b)
            taken.setdefault(b, set()).add(a)
    everyone = np.arange(len(ids))
    for anchor in anchors.tolist():
        if len(taken.get(anchor, ())) >= len(ids) - 1:
            continue
        scores = _score(np.full(len(ids), anchor), everyone, theta, se, load)
        scores[[anchor, *taken.get(anchor, ())]] = -np.inf
        best = np.flatnonzero(scores == scores.max())
        partner = int(best[rng.randrange(len(best))])
        return _randomise_sides(int(ids[anchor]), int(ids[partner]), rng)
    return None


def _randomise_sides(a: int, b: int, rng: random.Random) -> tuple[int, int]:
    """Show the pair in random left/right order so position bias averages out."""
    return (a, b) if rng.random() < 0.5 else (b, a)
