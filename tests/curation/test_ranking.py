"""Ranking maths on hand-checked numbers, and the SQL aggregates agreeing with it."""

from __future__ import annotations

import math

import pytest

from gallery.curation.queries import GalleryQuery, Sort, gallery_page, global_prior
from gallery.curation.scores import maths as ranking
from gallery.curation.scores.queries import RankBy, ranking_page, work_scores
from tests.factories import make_entry, make_user, make_vote, make_work


def test_mean_of_scores_and_of_nothing():
    """(4 + 5 + 3) / 3 = 4; no scores has no mean."""
    assert ranking.mean([4, 5, 3]) == 4
    assert ranking.mean([]) is None


def test_prior_is_the_global_mean_or_neutral_without_votes():
    """Prior = sum / count; 3.0 (middle of 1–5) before anyone voted."""
    assert ranking.prior_mean(21, 6) == 3.5
    assert ranking.prior_mean(0, 0) == 3.0


def test_bayesian_mean_by_hand():
    """m = 4, prior 3.5: one 5 → (14 + 5) / 5 = 3.8; twenty 4s → (14 + 80) / 24 = 3.9166…"""
    assert ranking.PRIOR_WEIGHT == 4
    single_five = ranking.bayesian_mean(5, 1, prior=3.5)
    twenty_fours = ranking.bayesian_mean(80, 20, prior=3.5)
    assert single_five == pytest.approx(3.8)
    assert twenty_fours == pytest.approx(94 / 24)
    assert twenty_fours > single_five
    # Without votes a work sits at the prior; with many it approaches its own mean.
    assert ranking.bayesian_mean(0, 0, prior=3.5) == 3.5
    assert ranking.bayesian_mean(4000, 1000, prior=1) == pytest.approx(4, abs=0.02)


def test_curator_scale_by_hand():
    """Scores 2, 4: mean 3, population spread 1. Scores 5, 5: no spread."""
    assert ranking.curator_scale(6, 20, 2) == ranking.CuratorScale(3.0, 1.0)
    flat = ranking.curator_scale(10, 50, 2)
    assert flat.spread == 0
    assert flat.z(5) == 0.0
    assert ranking.curator_scale(0, 0, 0).spread == 0


def test_normalised_means_put_harsh_and_generous_curators_on_one_scale():
    """Harsh H gives A=1, B=3 (mean 2, sd 1); generous G gives A=5, B=3 (mean 4, sd 1).

    z: H(A) = -1, H(B) = +1, G(A) = +1, G(B) = -1 → A and B both average 0, although A's raw
    mean is 3 and B's is 3 too; and a third work C rated only by G with 4 gets z = 0.
    """
    votes = [("H", "A", 1), ("H", "B", 3), ("G", "A", 5), ("G", "B", 3), ("G", "C", 4)]
    scales = ranking.curator_scales(votes)
    assert scales["H"] == ranking.CuratorScale(2.0, 1.0)
    assert scales["G"].mean == 4.0
    assert scales["G"].spread == pytest.approx(math.sqrt(2 / 3))
    result = ranking.normalised_means(votes)
    assert result["A"][1] == 2 and result["C"][1] == 1
    # G: A = (5-4)/0.8165 = 1.2247; B = (3-4)/0.8165 = -1.2247; C = 0.
    assert result["A"][0] == pytest.approx((-1 + 1.2247449) / 2)
    assert result["B"][0] == pytest.approx((1 - 1.2247449) / 2)
    assert result["C"][0] == pytest.approx(0)


def test_normalising_cancels_a_curator_who_is_just_harsher():
    """A curator who gives every work one point less than another ranks them identically."""
    votes = [("soft", w, s) for w, s in (("x", 5), ("y", 4), ("z", 3))]
    votes += [("hard", w, s) for w, s in (("x", 4), ("y", 3), ("z", 2))]
    result = ranking.normalised_means(votes)
    assert result["x"][0] == pytest.approx(1.2247449)
    assert result["y"][0] == pytest.approx(0)
    assert result["z"][0] == pytest.approx(-1.2247449)


def test_sql_aggregates_match_the_plain_functions(ctx):
    """work_scores and the ranking table compute what ranking.py computes."""
    harsh, generous = make_user("curator"), make_user("curator")
    a, b = make_entry(works=2).works
    c = make_work()
    raw = [(harsh, a, 1), (harsh, b, 3), (generous, a, 5), (generous, b, 3), (generous, c, 4)]
    for user, work, score in raw:
        make_vote(user=user, work=work, score=score)
    triples = [(u.id, w.id, s) for u, w, s in raw]
    expected = ranking.normalised_means(triples)
    prior = ranking.prior_mean(16, 5)
    assert global_prior() == pytest.approx(prior)
    scores = work_scores(work_id=a.id, user_id=harsh.id)
    assert scores.votes == 2 and scores.mean == 3 and scores.my_score == 1
    assert scores.bayesian == pytest.approx(ranking.bayesian_mean(6, 2, prior=prior))
    assert scores.normalised == pytest.approx(expected[a.id][0])
    rows, total = ranking_page(user_id=generous.id, by=RankBy.NORMALISED, page=1)
    assert total == 3
    assert [r.work_id for r in rows] == sorted(expected, key=lambda w: -expected[w][0])
    for row in rows:
        assert row.normalised == pytest.approx(expected[row.work_id][0])


def test_score_sort_puts_twenty_fours_above_a_single_five(ctx):
    """The gallery's score order is the Bayesian mean, computed in SQL.

    Prior = (5 + 20·4 + 20·2) / 41 ≈ 3.05: one 5 → 3.44, twenty 4s → 3.84, twenty 2s → 2.17.
    """
    curators = [make_user("curator") for _ in range(20)]
    lucky, steady, weak, unvoted = (make_work() for _ in range(4))
    make_vote(user=curators[0], work=lucky, score=5)
    for curator in curators:
        make_vote(user=curator, work=steady, score=4)
        make_vote(user=curator, work=weak, score=2)
    page = gallery_page(user=curators[0], query=GalleryQuery(sort=Sort.SCORE), blind=True)
    # The work nobody voted on would sit at the prior (3.05), between the lucky 5 and the
    # twenty 2s; as curators[0] has not voted on it, it comes after the works they voted on.
    assert [card.id for card in page.cards] == [steady.id, lucky.id, weak.id, unvoted.id]
    votes = gallery_page(user=curators[0], query=GalleryQuery(sort=Sort.VOTES), blind=True)
    assert [card.id for card in votes.cards] == [steady.id, weak.id, lucky.id, unvoted.id]


@pytest.mark.parametrize("by", [RankBy.BAYESIAN, RankBy.MEAN, RankBy.NORMALISED])
def test_ranked_by_score_works_i_have_not_voted_on_follow_mine_oldest_first(ctx, by):
    """Their scores are hidden from me, and so is their place: it would tell the same story."""
    me, other = make_user("curator"), make_user("curator")
    older_star, mine_low, mine_high, newer_star = (make_work() for _ in range(4))
    for work, score in ((older_star, 5), (mine_low, 2), (mine_high, 4), (newer_star, 5)):
        make_vote(user=other, work=work, score=score)
    make_vote(user=me, work=mine_low, score=2)
    make_vote(user=me, work=mine_high, score=4)
    rows, total = ranking_page(user_id=me.id, by=by, page=1)
    assert total == 4
    assert [r.work_id for r in rows] == [mine_high.id, mine_low.id, older_star.id, newer_star.id]
    assert [r.visible for r in rows] == [True, True, False, False]


def test_ranked_by_votes_every_work_keeps_its_place(ctx):
    """Vote counts are shown on every card, so ordering by them hides nothing."""
    me, a, b, c = (make_user("curator") for _ in range(4))
    once, thrice = make_work(), make_work()
    make_vote(user=me, work=once, score=3)
    for curator in (a, b, c):
        make_vote(user=curator, work=thrice, score=3)
    rows, _total = ranking_page(user_id=me.id, by=RankBy.VOTES, page=1)
    assert [r.work_id for r in rows] == [thrice.id, once.id]
