"""The grid's score sort is fair: others' scores never order works I have not voted on.

A curator sees others' scores of a work only after voting on it. Sorting by score must not
give those scores away either, so the score sort ranks only the works I have voted on and
lists the rest after them in my own shuffled order.
"""

from __future__ import annotations

import re

from gallery.curation.queries import PAGE_SIZE
from gallery.models import Role
from tests.curation.pages import grid_ids
from tests.factories import make_user, make_vote, make_works

SCORE_NOTE = "Only works you have voted on are sorted by score"


def _grid(client, query: str = "") -> list[int]:
    """Return the ids on the grid page for ``query``."""
    response = client.get(f"/curate{query}")
    assert response.status_code == 200
    return grid_ids(response.get_data(as_text=True))


def _vote_all(app, user_id: int, scores: dict[int, int]) -> None:
    """Store ``user_id``'s score for each work of ``scores``."""
    for work_id, score in scores.items():
        make_vote(user=user_id, work=work_id, score=score, app=app)


def test_my_voted_works_come_first_by_score_then_the_rest_in_my_shuffle(app, client, login_user_as):
    """Voted: best Bayesian score first. Unvoted: my shuffle, whatever others gave them."""
    me = login_user_as(client, app, "curator")
    works = [w.id for w in make_works(count=12, app=app)]
    low, high, middle = works[:3]
    with app.app_context():
        others = [make_user("curator").id for _ in range(3)]
    _vote_all(app, me.id, {low: 1, high: 5, middle: 3})
    for other in others:
        # Others love the works I have not judged yet and agree with me on the rest.
        _vote_all(app, other, {w: 5 for w in works[3:]} | {low: 1, high: 5, middle: 3})
    unvoted = [w for w in _grid(client) if w not in (low, high, middle)]
    assert _grid(client, "?sort=score") == [high, middle, low, *unvoted]


def test_others_votes_do_not_move_the_works_i_have_not_voted_on(app, client, login_user_as):
    """However others score my unvoted works, their place in my score sort stays the same."""
    me = login_user_as(client, app, "curator")
    works = [w.id for w in make_works(count=10, app=app)]
    _vote_all(app, me.id, {works[0]: 4})
    before = _grid(client, "?sort=score")
    with app.app_context():
        fan, critic = make_user("curator").id, make_user("curator").id
    shuffled = before[1:]
    _vote_all(app, fan, {shuffled[-1]: 5, shuffled[-2]: 5})
    _vote_all(app, critic, {shuffled[0]: 1, shuffled[1]: 1})
    assert _grid(client, "?sort=score") == before


def test_a_work_joins_the_score_order_once_i_vote_on_it(app, client, login_user_as):
    """Voting moves a work from the shuffled tail to its place among my voted works."""
    me = login_user_as(client, app, "curator")
    works = [w.id for w in make_works(count=6, app=app)]
    _vote_all(app, me.id, {works[0]: 2, works[1]: 4})
    tail = _grid(client, "?sort=score")[2:]
    _vote_all(app, me.id, {tail[-1]: 3})
    assert _grid(client, "?sort=score") == [works[1], tail[-1], works[0], *tail[:-1]]


def test_each_curator_gets_their_own_fair_order(app, login_user_as):
    """Two curators with different votes see different voted heads and shuffled tails."""
    works = [w.id for w in make_works(count=8, app=app)]
    alice, bob = app.test_client(), app.test_client()
    alice_id = login_user_as(alice, app, "curator").id
    bob_id = login_user_as(bob, app, "curator").id
    _vote_all(app, alice_id, {works[0]: 5, works[1]: 1})
    _vote_all(app, bob_id, {works[2]: 2, works[3]: 4, works[4]: 3})
    alice_order, bob_order = _grid(alice, "?sort=score"), _grid(bob, "?sort=score")
    assert alice_order[:2] == [works[0], works[1]]
    assert bob_order[:3] == [works[3], works[4], works[2]]
    assert alice_order[2:] == [w for w in _grid(alice) if w not in works[:2]]
    assert bob_order[3:] == [w for w in _grid(bob) if w not in works[2:5]]


def test_someone_who_cannot_vote_sees_the_score_sort_as_their_shuffle(app, client, login_user_as):
    """An admin without the curator role votes on nothing: every work is in their shuffle."""
    login_user_as(client, app, Role.ADMIN.value)
    works = [w.id for w in make_works(count=6, app=app)]
    with app.app_context():
        curator = make_user("curator").id
    _vote_all(app, curator, {works[0]: 5, works[5]: 1})
    assert _grid(client, "?sort=score") == _grid(client)


def test_pages_continue_the_fair_order(app, client, login_user_as):
    """Page two carries on where page one stopped, across the voted and unvoted groups."""
    me = login_user_as(client, app, "curator")
    works = [w.id for w in make_works(count=PAGE_SIZE + 5, app=app)]
    _vote_all(app, me.id, {w: 1 + i % 5 for i, w in enumerate(works[: PAGE_SIZE - 3])})
    first, second = _grid(client, "?sort=score"), _grid(client, "?sort=score&page=2")
    assert len(first) == PAGE_SIZE and len(second) == 5
    assert sorted(first + second) == sorted(works)
    unvoted = [w for w in _grid(client) + _grid(client, "?page=2") if w in works[PAGE_SIZE - 3 :]]
    assert (first + second)[PAGE_SIZE - 3 :] == unvoted


def test_the_work_page_arrows_follow_the_fair_order(app, client, login_user_as):
    """←/→ on a work page opened from the score sort walk the grid's own order."""
    me = login_user_as(client, app, "curator")
    works = [w.id for w in make_works(count=5, app=app)]
    with app.app_context():
        other = make_user("curator").id
    _vote_all(app, me.id, {works[0]: 3, works[1]: 5})
    _vote_all(app, other, {works[4]: 5, works[2]: 1})
    order = _grid(client, "?sort=score")
    for previous, current, following in zip(order, order[1:], order[2:], strict=False):
        html = client.get(f"/curate/works/{current}?sort=score").get_data(as_text=True)
        assert re.search(rf'id="previous-work" href="/curate/works/{previous}\?sort=score"', html)
        assert re.search(rf'id="next-work" href="/curate/works/{following}\?sort=score"', html)


def test_the_score_sort_says_how_unvoted_works_are_ordered(app, client, login_user_as):
    """One line under the count explains the order, in the curator's language."""
    login_user_as(client, app, "curator")
    make_works(count=2, app=app)
    assert SCORE_NOTE in client.get("/curate?sort=score").get_data(as_text=True)
    for other in ("", "?sort=shuffle", "?sort=votes", "?sort=newest", "?sort=pairwise"):
        assert SCORE_NOTE not in client.get(f"/curate{other}").get_data(as_text=True)
    russian = client.get("/curate?sort=score", headers={"Accept-Language": "ru"})
    russian = russian.get_data(as_text=True)
    assert "По оценке упорядочены только работы, которые вы уже оценили" in russian


def test_new_works_take_their_shuffled_place_in_the_score_sort(app, login_user_as):
    """A work added since my last visit shows up in the score sort's tail, in my shuffle."""
    from sqlalchemy import select

    from gallery.curation.shuffle import shuffle_key
    from gallery.extensions import db
    from gallery.models import Work

    client = app.test_client()
    me = login_user_as(client, app, "curator")
    works = [w.id for w in make_works(count=6, app=app)]
    _vote_all(app, me.id, {works[0]: 4})
    assert len(_grid(client, "?sort=score")) == 6
    later = [w.id for w in make_works(count=2, app=app)]
    order = _grid(client, "?sort=score")
    with app.test_request_context():
        shuffled = db.session.scalars(select(Work.id).order_by(shuffle_key(me.id), Work.id))
        expected = [w for w in shuffled if w != works[0]]
    assert set(later) <= set(order)
    assert order == [works[0], *expected]
