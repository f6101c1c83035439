"""Bradley–Terry fit, reliability and stopping rule: hand-checked cases and simulations."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from gallery.curation.pairwise.maths import (
    Comparison,
    Fit,
    Outcome,
    Strength,
    comparisons_until_stable,
    fit_bradley_terry,
    spearman,
)

# Nearly flat prior for the hand-checked cases: shrinks log-odds by ~0.1 %.
WEAK = 1e-3


def beats(winner: int, loser: int, times: int = 1) -> list[Comparison]:
    """`times` comparisons that `winner` won, shown on alternating sides."""
    return [
        Comparison(winner, loser, Outcome.LEFT)
        if i % 2 == 0
        else Comparison(loser, winner, Outcome.RIGHT)
        for i in range(times)
    ]


def simulated(
    n_works: int, n_comparisons: int, *, seed: int
) -> tuple[list[float], list[Comparison]]:
    """Latent strengths 2 * N(0, 1) and random pairs judged by Bradley–Terry on them."""
    rng = random.Random(seed)
    truth = [2 * rng.gauss(0, 1) for _ in range(n_works)]
    comparisons = []
    for _ in range(n_comparisons):
        a, b = rng.sample(range(n_works), 2)
        p = 1 / (1 + math.exp(truth[b] - truth[a]))
        comparisons.append(Comparison(a, b, Outcome.LEFT if rng.random() < p else Outcome.RIGHT))
    return truth, comparisons


def test_three_wins_in_four_give_log_three() -> None:
    """A beats B 3 times out of 4: theta_A - theta_B is the log-odds log(3)."""
    fit = fit_bradley_terry([*beats(1, 2, 3), *beats(2, 1)], prior=WEAK)
    a, b = fit.strengths[1], fit.strengths[2]
    assert a.theta - b.theta == pytest.approx(math.log(3), abs=0.005)
    # Centred SE: half the SE of the difference, 1 / sqrt(4 * 3/4 * 1/4) / 2.
    assert a.se == pytest.approx(1 / math.sqrt(0.75) / 2, rel=0.01)
    assert a.low == pytest.approx(a.theta - 1.96 * a.se, abs=1e-3)
    assert a.high == pytest.approx(a.theta + 1.96 * a.se, abs=1e-3)
    assert a.comparisons == b.comparisons == 4


def test_symmetric_data_gives_equal_strengths() -> None:
    """Each of three works wins once against each other work: all strengths equal."""
    comparisons = [*beats(1, 2), *beats(2, 1), *beats(2, 3), *beats(3, 2)]
    comparisons += [*beats(1, 3), *beats(3, 1)]
    fit = fit_bradley_terry(comparisons)
    for strength in fit.strengths.values():
        assert strength.theta == pytest.approx(0, abs=1e-12)
        assert strength.se == pytest.approx(fit.strengths[1].se, rel=1e-9)


def test_all_wins_stays_finite_and_ranks_first() -> None:
    """A work that never lost gets a finite strength and the top rank."""
    comparisons = [*beats(1, 2, 2), *beats(1, 3, 2), *beats(1, 4, 2)]
    comparisons += [*beats(2, 3), *beats(3, 4), *beats(4, 2)]
    fit = fit_bradley_terry(comparisons, prior=WEAK)
    top = max(fit.strengths.values(), key=lambda s: s.theta)
    assert top.work_id == 1
    assert all(math.isfinite(v) for v in (top.theta, top.se, top.low, top.high))
    assert top.theta < 20


def test_ties_count_as_half_a_win() -> None:
    """Tie against tie is even; a win plus a tie is 1.5 of 2, i.e. log-odds log(3)."""
    even = fit_bradley_terry([Comparison(1, 2, Outcome.TIE)] * 2)
    assert even.strengths[1].theta == pytest.approx(even.strengths[2].theta, abs=1e-12)
    win_and_tie = fit_bradley_terry(
        [Comparison(1, 2, Outcome.LEFT), Comparison(2, 1, Outcome.TIE)], prior=WEAK
    )
    difference = win_and_tie.strengths[1].theta - win_and_tie.strengths[2].theta
    assert difference == pytest.approx(math.log(3), abs=0.01)
    assert win_and_tie.strengths[1].comparisons == 2


def test_skips_change_nothing() -> None:
    """Skipped comparisons leave the fit exactly as it was."""
    _, comparisons = simulated(10, 60, seed=1)
    skips = [Comparison(a, b, Outcome.SKIP, judge=7) for a, b in [(0, 1), (2, 3), (0, 9)]]
    assert fit_bradley_terry([*skips[:2], *comparisons, skips[2]]) == fit_bradley_terry(comparisons)


def test_order_and_sides_do_not_matter() -> None:
    """Shuffling comparisons or mirroring left/right gives an identical fit."""
    _, comparisons = simulated(20, 200, seed=2)
    shuffled = comparisons[:]
    random.Random(3).shuffle(shuffled)
    mirror = {Outcome.LEFT: Outcome.RIGHT, Outcome.RIGHT: Outcome.LEFT}
    mirrored = [Comparison(c.right, c.left, mirror[c.outcome]) for c in comparisons]
    fit = fit_bradley_terry(comparisons)
    assert fit_bradley_terry(shuffled) == fit
    assert fit_bradley_terry(mirrored) == fit


def test_disconnected_works_and_unjudged_works() -> None:
    """Two separate groups plus an unjudged work: finite, centred, wide intervals."""
    comparisons = [*beats(1, 2, 3), *beats(3, 4, 3)]
    fit = fit_bradley_terry(comparisons, work_ids=[5, 1])
    assert sorted(fit.strengths) == [1, 2, 3, 4, 5]
    thetas = [s.theta for s in fit.strengths.values()]
    assert sum(thetas) == pytest.approx(0, abs=1e-9)
    assert all(math.isfinite(s.se) for s in fit.strengths.values())
    unjudged = fit.strengths[5]
    assert unjudged.comparisons == 0
    assert unjudged.theta == pytest.approx(0, abs=1e-9)
    assert unjudged.se > max(fit.strengths[w].se for w in (1, 2, 3, 4))


def test_strengths_are_centred_and_track_the_truth() -> None:
    """On simulated data the fit is centred and ranks works close to their latent order."""
    truth, comparisons = simulated(30, 600, seed=4)
    fit = fit_bradley_terry(comparisons)
    thetas = [fit.strengths[w].theta for w in range(30)]
    assert sum(thetas) == pytest.approx(0, abs=1e-9)
    assert spearman(truth, thetas) > 0.9


def test_empty_and_invalid_input() -> None:
    """No comparisons give an empty fit; self-comparisons and a zero prior are refused."""
    assert fit_bradley_terry([]) == Fit(strengths={}, reliability=0.0, iterations=0)
    lonely = fit_bradley_terry([], work_ids=[3])
    assert lonely.strengths[3].theta == 0 and lonely.reliability == 0
    with pytest.raises(ValueError, match="itself"):
        fit_bradley_terry([Comparison(1, 1, Outcome.LEFT)])
    with pytest.raises(ValueError, match="prior"):
        fit_bradley_terry([], prior=0)


def test_reliability_rises_with_more_comparisons() -> None:
    """Scale-separation reliability grows as comparisons accumulate."""
    _, comparisons = simulated(50, 1000, seed=5)
    reliabilities = [fit_bradley_terry(comparisons[:k]).reliability for k in (100, 250, 500, 1000)]
    assert reliabilities == sorted(reliabilities)
    assert len(set(reliabilities)) == len(reliabilities)
    assert reliabilities[0] >= 0 and reliabilities[-1] <= 1


def test_stopping_rule_counts_down_to_zero() -> None:
    """The estimate of comparisons still needed falls as data comes in, then reaches 0."""
    _, comparisons = simulated(50, 2000, seed=6)
    estimates = []
    for done in (25, 100, 200, 400, 800, 2000):
        fit = fit_bradley_terry(comparisons[:done])
        estimate = comparisons_until_stable(fit, n_works=50, done=done)
        assert (estimate == 0) == (fit.reliability >= 0.8)
        estimates.append(estimate)
    assert estimates[0] is None  # half a comparison per work: too little to say
    counted = estimates[1:]
    assert all(isinstance(e, int) for e in counted)
    assert counted[-1] == 0
    assert all(a > b for a, b in itertools.pairwise(counted) if a)


def test_stopping_rule_projects_standard_errors_forward() -> None:
    """Spread 2 and mean se^2 1 after 200 comparisons: se^2 must fall to 0.4, 300 more."""
    strengths = {
        w: Strength(work_id=w, theta=t, se=1.0, low=t - 1.96, high=t + 1.96, comparisons=4)
        for w, t in ((1, -1.0), (2, 1.0))
    }
    fit = Fit(strengths=strengths, reliability=0.5, iterations=1)
    assert comparisons_until_stable(fit, n_works=2, done=200, target=0.8) == 300
    assert comparisons_until_stable(fit, n_works=2, done=200, target=0.5) == 0
    assert comparisons_until_stable(fit, n_works=300, done=299) is None
    flat = Fit(strengths={}, reliability=0.0, iterations=1)
    assert comparisons_until_stable(flat, n_works=2, done=500) is None
    with pytest.raises(ValueError, match="target"):
        comparisons_until_stable(fit, n_works=2, done=200, target=1.0)


def test_spearman() -> None:
    """Rank correlation: monotone is 1, reversed is -1, constant is nan without warning."""
    assert spearman([1, 2, 3, 4], [10, 20, 30, 400]) == pytest.approx(1)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1)
    assert math.isnan(spearman([1, 2, 3], [5, 5, 5]))
    with pytest.raises(ValueError, match="length"):
        spearman([1, 2], [1])
