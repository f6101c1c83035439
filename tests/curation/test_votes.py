"""Votes: one per curator and work (even under racing processes), changeable, retractable."""

from __future__ import annotations

import multiprocessing
import re

import pytest
from sqlalchemy import func, select

from gallery import create_app
from gallery.curation.navigation import next_to_judge
from gallery.curation.operations import VoteRefused, cast_vote, retract_vote
from gallery.extensions import db
from gallery.models import User, Vote, Work, WorkStatus
from tests.curation.pages import csrf, post
from tests.factories import make_user, make_vote, make_work

RACERS = 8


def _votes(work_id: int | None = None) -> list[tuple[int, int, int]]:
    """Return (user, work, score) rows, optionally for one work."""
    query = select(Vote.user_id, Vote.work_id, Vote.score).order_by(Vote.id)
    if work_id is not None:
        query = query.where(Vote.work_id == work_id)
    return [tuple(row) for row in db.session.execute(query)]


def test_a_vote_is_stored_changed_and_retracted(ctx):
    """Voting twice keeps one row with the last score; retracting removes it."""
    user = make_user("curator")
    work = make_work()
    cast_vote(user=user, work=work, score=3)
    db.session.commit()
    cast_vote(user=user, work=work, score=5)
    db.session.commit()
    assert _votes() == [(user.id, work.id, 5)]
    assert retract_vote(user=user, work=work) is True
    db.session.commit()
    assert _votes() == []
    assert retract_vote(user=user, work=work) is False


def test_scores_outside_one_to_five_and_withdrawn_works_are_refused(ctx):
    """The range is checked before the database; withdrawn works take no votes."""
    user = make_user("curator")
    work = make_work()
    for score in (0, 6, -1):
        with pytest.raises(ValueError):
            cast_vote(user=user, work=work, score=score)
    work.status = WorkStatus.WITHDRAWN
    with pytest.raises(VoteRefused):
        cast_vote(user=user, work=work, score=4)


def _race(url: str, upload_dir: str, user_id: int, work_id: int, score: int, barrier) -> None:
    """Child process: open its own app on the shared database, wait, vote, commit."""
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "race", "DATABASE_URL": url, "UPLOAD_DIR": upload_dir}
    )
    with app.app_context():
        user = db.session.get(User, user_id)
        work = db.session.get(Work, work_id)
        barrier.wait(timeout=60)
        cast_vote(user=user, work=work, score=score)
        db.session.commit()
        db.engine.dispose()


@pytest.mark.slow
def test_simultaneous_votes_from_separate_processes_leave_exactly_one_row(app, tmp_path):
    """Several processes vote for the same (curator, work) at the same instant: one row."""
    # The real database: a SQLite file, or the PostgreSQL server of the second test pass.
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        user = make_user("curator")
        work = make_work()
        user_id, work_id = user.id, work.id
        # Children must not inherit an open connection: close the session's, then the pool.
        db.session.remove()
        db.engine.dispose()
    # Fork where the platform has it (fast: no re-import); every child still opens its own
    # app and connection, so the database sees truly separate processes.
    methods = multiprocessing.get_all_start_methods()
    processes = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    barrier = processes.Barrier(RACERS)
    racers = [
        processes.Process(
            target=_race,
            args=(url, str(tmp_path / "uploads"), user_id, work_id, 1 + i % 5, barrier),
        )
        for i in range(RACERS)
    ]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=120)
    assert [racer.exitcode for racer in racers] == [0] * RACERS
    with app.app_context():
        rows = _votes(work_id)
        assert len(rows) == 1
        assert rows[0][:2] == (user_id, work_id)
        assert 1 <= rows[0][2] <= 5
        assert db.session.scalar(select(func.count()).select_from(Vote)) == 1


def test_vote_form_without_javascript_then_retract(app, client, login_user_as):
    """A plain POST with the field ``score`` votes; the separate button takes it back."""
    me = login_user_as(client, app, "curator")
    with app.app_context():
        work_id = make_work().id
    page = f"/curate/works/{work_id}"
    html = client.get(page).get_data(as_text=True)
    assert re.search(r'<button type="submit" name="score" value="4"', html)
    response = post(client, page, f"{page}/vote", {"score": "4"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(page)
    with app.app_context():
        assert _votes() == [(me.id, work_id, 4)]
    assert "You gave 4." in client.get(page).get_data(as_text=True)
    response = post(client, page, f"{page}/retract")
    assert response.status_code == 303
    with app.app_context():
        assert _votes() == []


def test_a_bad_score_is_refused_and_printers_cannot_vote(app, client, login_user_as):
    """Score 9 stores nothing; a printer gets 403."""
    login_user_as(client, app, "curator")
    with app.app_context():
        work_id = make_work().id
    page = f"/curate/works/{work_id}"
    post(client, page, f"{page}/vote", {"score": "9"})
    with app.app_context():
        assert _votes() == []
    printer = app.test_client()
    login_user_as(printer, app, "printer")
    assert printer.get(page).status_code == 403
    token = csrf(client, page)
    assert printer.post(f"{page}/vote", data={"csrf_token": token, "score": "3"}).status_code in (
        400,
        403,
    )


def test_others_scores_are_hidden_until_i_have_voted(app, client, login_user_as):
    """Before my vote the page shows no mean; after it, mean, Bayesian and normalised show."""
    me = login_user_as(client, app, "curator")
    with app.app_context():
        work_id = make_work().id
        for score in (2, 5, 5):
            make_vote(user=make_user("curator").id, work=work_id, score=score)
    page = f"/curate/works/{work_id}"
    before = client.get(page).get_data(as_text=True)
    assert "Vote first" in before
    assert "4.00" not in before and "Bayesian mean" not in before
    assert "3 votes so far" in before
    grid = client.get("/curate").get_data(as_text=True)
    assert "mean 4.00" not in grid
    post(client, page, f"{page}/vote", {"score": "4"})
    after = client.get(page).get_data(as_text=True)
    assert "Bayesian mean" in after and "4.00" in after and "4 votes" in after
    assert "mean 4.00" in client.get("/curate").get_data(as_text=True)
    with app.app_context():
        assert (me.id, work_id, 4) in _votes(work_id)


def test_score_then_advance_goes_to_the_least_voted_work_i_have_not_voted_on(
    app, client, login_user_as
):
    """next_to_judge: none of my votes, fewest from others; the form's advance box uses it."""
    me = login_user_as(client, app, "curator")
    with app.app_context():
        busy, quiet, mine, current = (make_work() for _ in range(4))
        declined = make_work(state=WorkStatus.DECLINED)
        others = [make_user("curator") for _ in range(3)]
        for other in others:
            make_vote(user=other, work=busy, score=3)
        make_vote(user=others[0], work=quiet, score=3)
        make_vote(user=me, work=mine, score=5)
        make_vote(user=others[0], work=current, score=3)
        make_vote(user=others[1], work=current, score=3)
        ids = {"busy": busy.id, "quiet": quiet.id, "current": current.id, "declined": declined.id}
    page = f"/curate/works/{ids['current']}"
    response = post(client, page, f"{page}/vote", {"score": "2", "advance": "y"})
    assert response.headers["Location"].endswith(f"/curate/works/{ids['quiet']}")
    second = f"/curate/works/{ids['quiet']}"
    response = post(client, second, f"{second}/vote", {"score": "3", "advance": "y"})
    assert response.headers["Location"].endswith(f"/curate/works/{ids['busy']}")
    third = f"/curate/works/{ids['busy']}"
    response = post(client, third, f"{third}/vote", {"score": "3", "advance": "y"})
    # Declined works are out of the judging pool: nothing left.
    assert response.headers["Location"].startswith("/curate")
    assert "/works/" not in response.headers["Location"]


def test_next_to_judge_spreads_curators_over_different_works(ctx):
    """With all counts equal, curators' own shuffles pick (usually) different works."""
    works = [make_work() for _ in range(30)]
    assert works
    picks = {next_to_judge(make_user("curator")) for _ in range(6)}
    assert len(picks) > 1
