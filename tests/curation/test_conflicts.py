"""Conflicts of interest: one button, refused votes and answers, gone from every aggregate,
never handed out, visible to deciders."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from gallery.curation.deliberation.conflicts import (
    ConflictRefused,
    declare_conflict,
    withdraw_conflict,
)
from gallery.curation.deliberation.coverage import coverage
from gallery.curation.duplicates import merge_works
from gallery.curation.navigation import next_to_judge
from gallery.curation.operations import cast_vote
from gallery.curation.pairwise.fit import current_fit, judged_counts
from gallery.curation.pairwise.maths import Comparison as Judgement
from gallery.curation.pairwise.maths import Outcome, fit_bradley_terry
from gallery.curation.pairwise.operations import hand_out, record_comparison, refresh_strengths
from gallery.curation.queries import GalleryQuery, Sort, gallery_page
from gallery.curation.scores import maths as ranking
from gallery.curation.scores.queries import RankBy, ranking_page, work_scores
from gallery.curation.scores.works import work_rows
from gallery.curation.sorting import global_prior
from gallery.extensions import db
from gallery.models import (
    Comparison,
    ComparisonOutcome,
    Conflict,
    PairPool,
    PairReservation,
    PairwiseStrength,
    Vote,
    Work,
    WorkStatus,
)
from tests.curation.pages import csrf, grid_ids, post
from tests.factories import (
    make_comparison,
    make_conflict,
    make_entry,
    make_user,
    make_vote,
    make_work,
    make_works,
)

LEFT, RIGHT = ComparisonOutcome.LEFT, ComparisonOutcome.RIGHT


@pytest.fixture
def jury(ctx):
    """Curators A (about to declare a conflict with entry X), B and C; X holds x1 and x2.

    Everyone has voted and compared, A on X's works too; strengths are stored.
    """
    a, b, c = (make_user("curator") for _ in range(3))
    x1, x2 = make_entry(works=2).works
    y, z = make_work(), make_work()
    votes = [
        (a, x1, 5), (a, x2, 4), (a, y, 1), (a, z, 2),
        (b, x1, 1), (b, y, 5), (b, z, 3),
        (c, x1, 2), (c, y, 4),
    ]  # fmt: skip
    for user, work, score in votes:
        make_vote(user=user, work=work, score=score)
    answers = [(a, x1, y, LEFT), (a, y, z, RIGHT), (b, x1, z, RIGHT), (b, y, z, LEFT)]
    for user, left, right, outcome in answers:
        make_comparison(user=user, left=left, right=right, outcome=outcome)
    refresh_strengths()
    db.session.commit()
    return {"a": a, "b": b, "c": c, "x1": x1, "x2": x2, "y": y, "z": z, "votes": votes}


def remaining_votes(jury) -> list[tuple[int, int, int]]:
    """(curator, work, score) of every vote but A's on X."""
    x = {jury["x1"].id, jury["x2"].id}
    return [(u.id, w.id, s) for u, w, s in jury["votes"] if not (u is jury["a"] and w.id in x)]


def test_declaring_removes_the_votes_and_answers_and_says_so(jury):
    """A's two votes on X and the answer naming x1 go; A's answer on y–z stays."""
    a = jury["a"]
    declared = declare_conflict(user=a, work=jury["x2"])
    assert (declared.votes, declared.comparisons) == (2, 1)
    assert db.session.scalar(select(func.count()).select_from(Conflict)) == 1
    assert {v.work_id for v in db.session.scalars(select(Vote).where(Vote.user_id == a.id))} == {
        jury["y"].id,
        jury["z"].id,
    }
    kept = db.session.execute(
        select(Comparison.left_id, Comparison.right_id).where(Comparison.user_id == a.id)
    ).all()
    assert [tuple(row) for row in kept] == [(jury["y"].id, jury["z"].id)]
    # A second click changes nothing and leaves one declaration.
    assert declare_conflict(user=a, work=jury["x1"]) == type(declared)(votes=0, comparisons=0)
    assert db.session.scalar(select(func.count()).select_from(Conflict)) == 1


def test_means_bayesian_normalised_and_the_prior_forget_the_conflicted_votes(jury):
    """Every score aggregate equals the maths on the votes that remain (A's scale included)."""
    declare_conflict(user=jury["a"], work=jury["x1"])
    remaining = remaining_votes(jury)
    total, count = sum(s for *_, s in remaining), len(remaining)
    prior = ranking.prior_mean(total, count)
    assert global_prior() == pytest.approx(prior)
    normalised = ranking.normalised_means(remaining)
    b = jury["b"]
    for work in (jury["x1"], jury["y"], jury["z"]):
        scores = [s for _u, w, s in remaining if w == work.id]
        row = work_scores(work_id=work.id, user_id=b.id)
        assert row.votes == len(scores)
        assert row.mean == pytest.approx(sum(scores) / len(scores))
        assert row.bayesian == pytest.approx(
            ranking.bayesian_mean(sum(scores), len(scores), prior=prior)
        )
        assert row.normalised == pytest.approx(normalised[work.id][0])
    rows, listed = ranking_page(user_id=b.id, by=RankBy.NORMALISED, page=1)
    # x2 had A's vote only: it leaves the ranking.
    assert listed == 3 and jury["x2"].id not in {r.work_id for r in rows}
    for row in rows:
        assert row.normalised == pytest.approx(normalised[row.work_id][0])
        assert row.votes == normalised[row.work_id][1]


def test_the_grid_and_works_list_count_only_the_remaining_votes(jury):
    """Cards and `works list` show x1 with B's 1 and C's 2: two votes, mean 1.50."""
    declare_conflict(user=jury["a"], work=jury["x1"])
    page = gallery_page(user=jury["b"], query=GalleryQuery(sort=Sort.NEWEST), blind=True)
    card = next(c for c in page.cards if c.id == jury["x1"].id)
    assert (card.votes, card.total) == (2, 3)
    listed = {row[0]: row for row in work_rows()}
    assert listed[jury["x1"].id][4:6] == (2, "1.50")
    assert listed[jury["x2"].id][4:6] == (0, "")


def test_the_pairwise_fit_and_stored_strengths_forget_the_conflicted_answers(jury):
    """Stored at once (the gallery sorts by them): equal to a fit of the remaining answers."""
    declare_conflict(user=jury["a"], work=jury["x1"])
    rows = db.session.execute(
        select(
            Comparison.left_id, Comparison.right_id, Comparison.outcome, Comparison.user_id
        ).order_by(Comparison.id)
    )
    expected = fit_bradley_terry(
        [Judgement(left, right, Outcome(o.value), judge=u) for left, right, o, u in rows]
    )
    _key, fit = current_fit()
    stored = {s.work_id: s for s in db.session.scalars(select(PairwiseStrength))}
    assert set(stored) == set(expected.strengths) == set(fit.strengths)
    for work_id, strength in expected.strengths.items():
        assert stored[work_id].theta == pytest.approx(strength.theta)
        assert stored[work_id].comparisons == strength.comparisons
        assert fit.strengths[work_id].theta == pytest.approx(strength.theta)
    assert judged_counts()[jury["x1"].id] == 1


def test_coverage_counts_the_conflicted_works_as_no_longer_to_judge(jury):
    """A: votes on y and z only, nothing left to judge (x1, x2 are out of A's hands)."""
    declare_conflict(user=jury["a"], work=jury["x1"])
    figures = coverage(min_votes=3)
    a = next(c for c in figures.curators if c.login == jury["a"].login)
    assert (a.votes, a.to_judge, a.comparisons, a.conflicts) == (2, 0, 1, 1)
    assert figures.by_votes == [1, 0, 2, 1]  # x2: 0 votes; x1 and z: 2; y: 3


def test_votes_and_answers_are_refused_with_403(jury):
    """Refused in the domain, nothing stored."""
    a = jury["a"]
    declare_conflict(user=a, work=jury["x1"])
    with pytest.raises(ConflictRefused) as refused:
        cast_vote(user=a, work=jury["x2"], score=3)
    assert refused.value.status == 403
    pool = PairPool.JUDGING
    with pytest.raises(ConflictRefused):
        record_comparison(user=a, left=jury["z"], right=jury["x2"], outcome=LEFT, pool=pool)
    assert db.session.scalar(select(Vote.id).where(Vote.work_id == jury["x2"].id)) is None


def test_next_to_judge_and_pairs_never_hand_out_the_entry(ctx):
    """However many times a conflicted curator asks, X's works never come."""
    me = make_user("curator")
    x = make_entry(works=2).works
    others = make_works(count=4)
    make_conflict(user=me, work=x[0])
    x_ids = {w.id for w in x}
    judged = []
    while (work_id := next_to_judge(me)) is not None:
        judged.append(work_id)
        make_vote(user=me, work=work_id)
    assert sorted(judged) == sorted(w.id for w in others)
    seen = set()
    rng = random.Random(3)
    while held := hand_out(user=me, pool=PairPool.JUDGING, rng=rng):
        left, right = held[0].sides
        assert not {left, right} & x_ids
        seen.add(frozenset((left, right)))
        record_comparison(
            user=me,
            left=db.session.get(type(x[0]), left),
            right=db.session.get(type(x[0]), right),
            outcome=LEFT,
            pool=PairPool.JUDGING,
        )
    assert len(seen) == 6  # every pair of the four other works, once


def test_declaring_gives_back_the_pairs_held_with_the_entry(ctx):
    """A reservation naming one of the works is dropped at once (another curator gets it)."""
    me = make_user("curator")
    x = make_work()
    make_works(count=1)
    (held,) = hand_out(user=me, pool=PairPool.JUDGING, rng=random.Random(1))
    assert x.id in held.sides
    declare_conflict(user=me, work=x)
    assert db.session.scalar(select(func.count()).select_from(PairReservation)) == 0


def test_the_unvoted_filter_leaves_the_entry_out(app, client, login_user_as):
    """ "Not yet voted by me" lists works I may still vote on."""
    me = login_user_as(client, app, "curator")
    conflicted, free = make_work(app=app), make_work(app=app)
    make_conflict(user=me.id, work=conflicted.id, app=app)
    assert grid_ids(client.get("/curate?unvoted=1").get_data(as_text=True)) == [free.id]
    assert set(grid_ids(client.get("/curate").get_data(as_text=True))) == {conflicted.id, free.id}


def test_merging_never_gives_a_conflicted_curator_a_vote(ctx):
    """A's vote on the copy stays behind when the copy is folded into X's work."""
    a, b = make_user("curator"), make_user("curator")
    keep, drop = make_work(), make_work()
    make_vote(user=a, work=drop, score=5)
    make_vote(user=b, work=drop, score=2)
    make_conflict(user=a, work=keep)
    merge_works(keep=keep, drop=drop)
    rows = db.session.execute(select(Vote.user_id, Vote.work_id))
    assert [tuple(row) for row in rows] == [(b.id, keep.id)]


def test_one_button_declares_then_votes_and_answers_get_403(app, client, login_user_as):
    """POST, back to the work page; no vote buttons; a crafted vote or answer is a clear 403."""
    login_user_as(client, app, "curator")
    work, other = make_work(app=app), make_work(app=app)
    page = f"/curate/works/{work.id}"
    before = client.get(page).get_data(as_text=True)
    assert "Declare a conflict of interest" in before
    response = post(client, page, f"{page}/conflict")
    assert response.status_code == 303 and response.headers["Location"].endswith("#conflict")
    html = client.get(page).get_data(as_text=True)
    assert 'name="score"' not in html and "Withdraw my declaration" in html
    vote = post(client, page, f"{page}/vote", {"score": "5"})
    assert vote.status_code == 403
    assert "You declared a conflict of interest with this entry" in vote.get_data(as_text=True)
    token = csrf(client, page)
    data = {"csrf_token": token, "left": other.id, "right": work.id, "winner": work.id}
    form = client.post("/curate/pairs/answer?pool=judging", data=data)
    assert form.status_code == 403
    fetched = client.post(
        "/curate/pairs/answer?pool=judging", data=data, headers={"Accept": "application/json"}
    )
    assert fetched.status_code == 403 and "conflict of interest" in fetched.get_json()["error"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Vote)) == 0
        assert db.session.scalar(select(func.count()).select_from(Comparison)) == 0
    assert post(client, page, f"{page}/conflict/withdraw").status_code == 303
    assert post(client, page, f"{page}/vote", {"score": "5"}).status_code == 303


def test_deciders_see_who_declared_a_conflict_other_curators_do_not(app, login_user_as):
    """The decider's work page lists the declarations; a plain curator's shows none."""
    declarer = make_user("curator", login="knows-the-artist", app=app)
    work = make_work(app=app)
    make_conflict(user=declarer.id, work=work.id, app=app)
    decider, curator = app.test_client(), app.test_client()
    login_user_as(decider, app, "curator", decider=True)
    login_user_as(curator, app, "curator")
    page = f"/curate/works/{work.id}"
    shown = decider.get(page).get_data(as_text=True)
    assert "Declared conflicts of interest with this entry:" in shown
    assert "knows-the-artist" in shown
    assert "knows-the-artist" not in curator.get(page).get_data(as_text=True)


def test_withdrawing_lets_the_curator_judge_again(ctx):
    """The declaration goes; votes are accepted again (the removed ones do not come back)."""
    me = make_user("curator")
    work = make_work()
    make_vote(user=me, work=work, score=4)
    declare_conflict(user=me, work=work)
    assert withdraw_conflict(user=me, work=work) is True
    assert withdraw_conflict(user=me, work=work) is False
    assert db.session.scalar(select(Vote.id)) is None
    cast_vote(user=me, work=work, score=2)
    assert db.session.scalar(select(Vote.score)) == 2


def test_a_decider_with_a_conflict_leaves_the_decision_to_others(app, client, login_user_as):
    """No decision buttons for them; a crafted or bulk decision is refused and changes nothing."""
    staff = login_user_as(client, app, "curator", decider=True)
    with app.app_context():
        work, other = make_entry(works=2).works
        work_id, other_id = work.id, other.id
        free_id = make_work().id
    make_conflict(user=staff.id, work=work_id, app=app)
    page = f"/curate/works/{work_id}"
    html = client.get(page).get_data(as_text=True)
    assert "others decide on its works" in html and 'name="status"' not in html
    refused = post(client, page, f"{page}/decide", {"status": "shortlisted"}, follow_redirects=True)
    assert "others decide on its works" in refused.get_data(as_text=True)
    ticked = [str(work_id), str(other_id), str(free_id)]
    bulk = post(client, "/curate", "/curate/bulk", {"status": "declined", "works": ticked})
    assert bulk.status_code == 303
    with app.app_context():
        states = {w.id: w.status for w in db.session.scalars(select(Work))}
        assert states == {
            work_id: WorkStatus.NEW,
            other_id: WorkStatus.NEW,
            free_id: WorkStatus.DECLINED,
        }
    assert post(client, page, f"{page}/conflict/withdraw").status_code == 303
    post(client, page, f"{page}/decide", {"status": "shortlisted"})
    with app.app_context():
        assert db.session.get(Work, work_id).status == WorkStatus.SHORTLISTED
