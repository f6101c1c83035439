"""Pairwise pages through the client: blind pairs, answers with and without JavaScript."""

from __future__ import annotations

import re

from sqlalchemy import select

from gallery.extensions import db
from gallery.models import (
    Comparison,
    ComparisonOutcome,
    Decision,
    DecisionAction,
    PairPool,
    Work,
    WorkState,
    WorkStatus,
)
from tests.curation.pages import csrf, grid_ids
from tests.factories import make_work, make_works

SECRET_CREDIT, SECRET_NOTE = "Secret Name", "a note only the artist wrote"


def shown_pair(html: str) -> tuple[int, int]:
    """Return the (left, right) work ids of the pair on the page."""
    left = re.search(r'name="left" value="(\d+)"', html)
    right = re.search(r'name="right" value="(\d+)"', html)
    assert left and right, "no pair on the page"
    return int(left.group(1)), int(right.group(1))


def answer(client, pair: tuple[int, int], **choice):
    """Post an answer for ``pair`` the way the no-JavaScript form does."""
    token = csrf(client, "/curate/pairs")
    data = {"csrf_token": token, "left": pair[0], "right": pair[1], **choice}
    return client.post("/curate/pairs/answer", data=data)


def stored() -> list[tuple]:
    """Return (user, left, right, outcome) of every comparison, oldest first."""
    rows = db.session.execute(
        select(
            Comparison.user_id, Comparison.left_id, Comparison.right_id, Comparison.outcome
        ).order_by(Comparison.id)
    )
    return [tuple(row) for row in rows]


def test_the_pair_page_shows_two_works_blind_with_winner_buttons(app, client, login_user_as):
    """Two images, no credit or note; each side is a submit button naming its work."""
    login_user_as(client, app, "curator")
    works = make_works(
        count=4, state=WorkStatus.SHORTLISTED, credit=SECRET_CREDIT, note=SECRET_NOTE, app=app
    )
    ids = [work.id for work in works]
    html = client.get("/curate/pairs").get_data(as_text=True)
    left, right = shown_pair(html)
    assert {left, right} <= set(ids) and left != right
    for work_id in (left, right):
        assert re.search(rf'<button type="submit" name="winner" value="{work_id}"', html)
        assert f"/curate/works/{work_id}/320.webp" in html
    assert 'name="verdict" value="tie"' in html and 'name="verdict" value="skip"' in html
    assert SECRET_CREDIT not in html and SECRET_NOTE not in html
    assert 'src="/static/pairwise.js"' in html and "<script>" not in html


def test_a_form_post_records_the_answer_and_redirects_to_the_next_pair(app, client, login_user_as):
    """Without JavaScript: 303 to the pairs page, which shows a different pair."""
    me = login_user_as(client, app, "curator")
    make_works(count=4, state=WorkStatus.SHORTLISTED, app=app)
    first = shown_pair(client.get("/curate/pairs").get_data(as_text=True))
    response = answer(client, first, winner=first[1])
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/curate/pairs?pool=shortlisted")
    following = shown_pair(client.get("/curate/pairs").get_data(as_text=True))
    assert set(following) != set(first)
    with app.app_context():
        assert stored() == [(me.id, *first, ComparisonOutcome.RIGHT)]


def test_the_fetch_path_returns_the_next_pairs_and_progress(app, client, login_user_as):
    """pairwise.js posts with a CSRF header and gets the queue: the prefetched pair, one more."""
    login_user_as(client, app, "curator")
    make_works(count=5, state=WorkStatus.SHORTLISTED, app=app)
    html = client.get("/curate/pairs").get_data(as_text=True)
    queue = re.search(r"data-pairs='([^']*)'", html).group(1)
    current = shown_pair(html)
    token = csrf(client, "/curate/pairs")
    response = client.post(
        "/curate/pairs/answer?pool=shortlisted",
        data={"csrf_token": token, "left": current[0], "right": current[1], "winner": current[0]},
        headers={"Accept": "application/json", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    reply = response.get_json()
    prefetched = reply["pairs"][0]
    assert f'"key": "{prefetched["key"]}"' in queue  # the page had it ready already
    assert len(reply["pairs"]) == 2
    keys = {frozenset((p["left"]["id"], p["right"]["id"])) for p in reply["pairs"]}
    assert frozenset(current) not in keys and len(keys) == 2
    assert "comparisons" in reply["progress"]["stopping"]
    assert reply["pairs"][1]["left"]["srcset"].endswith("640.webp 640w")


def test_a_curator_never_gets_a_pair_twice_and_is_told_when_done(app, client, login_user_as):
    """Five works make ten pairs: each is shown once, then the page says none is left."""
    login_user_as(client, app, "curator")
    make_works(count=5, state=WorkStatus.SHORTLISTED, app=app)
    seen = []
    for _ in range(10):
        pair = shown_pair(client.get("/curate/pairs").get_data(as_text=True))
        seen.append(frozenset(pair))
        assert answer(client, pair, winner=pair[0]).status_code == 303
    assert len(set(seen)) == 10
    html = client.get("/curate/pairs").get_data(as_text=True)
    assert "No pair is left for you to compare" in html
    assert 'name="winner"' not in html


def test_a_repeated_answer_is_refused_not_stored_twice(app, client, login_user_as):
    """A double submit (or the back button) records the pair once."""
    login_user_as(client, app, "curator")
    make_works(count=3, state=WorkStatus.SHORTLISTED, app=app)
    pair = shown_pair(client.get("/curate/pairs").get_data(as_text=True))
    answer(client, pair, winner=pair[0])
    response = answer(client, pair, winner=pair[1])
    assert response.status_code == 303
    page = client.get("/curate/pairs").get_data(as_text=True)
    assert "You have already compared these two works." in page
    with app.app_context():
        assert len(stored()) == 1


def test_two_curators_at_the_same_time_get_different_pairs(app, login_user_as):
    """Pairs handed out are reserved: the second curator is steered elsewhere."""
    make_works(count=6, state=WorkStatus.SHORTLISTED, app=app)
    first, second = app.test_client(), app.test_client()
    login_user_as(first, app, "curator")
    login_user_as(second, app, "curator")
    one = re.search(r"data-pairs='([^']*)'", first.get("/curate/pairs").get_data(as_text=True))
    two = re.search(r"data-pairs='([^']*)'", second.get("/curate/pairs").get_data(as_text=True))
    keys_one = set(re.findall(r'"key": "(\d+-\d+)"', one.group(1)))
    keys_two = set(re.findall(r'"key": "(\d+-\d+)"', two.group(1)))
    as_pairs = [{frozenset(k.split("-")) for k in keys} for keys in (keys_one, keys_two)]
    assert len(keys_one) == len(keys_two) == 2
    assert not as_pairs[0] & as_pairs[1]


def test_equal_and_skip_are_stored_as_tie_and_skip(app, client, login_user_as):
    """Both buttons record a comparison; neither repeats the pair."""
    me = login_user_as(client, app, "curator")
    make_works(count=4, state=WorkStatus.SHORTLISTED, app=app)
    tied = shown_pair(client.get("/curate/pairs").get_data(as_text=True))
    answer(client, tied, verdict="tie")
    skipped = shown_pair(client.get("/curate/pairs").get_data(as_text=True))
    answer(client, skipped, verdict="skip")
    assert answer(client, skipped, verdict="maybe").status_code == 400
    assert answer(client, skipped, winner=999).status_code == 400
    with app.app_context():
        assert stored() == [
            (me.id, *tied, ComparisonOutcome.TIE),
            (me.id, *skipped, ComparisonOutcome.SKIP),
        ]


def test_ranking_lists_strengths_with_intervals_and_the_stopping_rule(app, client, login_user_as):
    """The work that wins every comparison ranks first, with θ and a 95 % interval."""
    login_user_as(client, app, "curator")
    ids = [work.id for work in make_works(count=3, state=WorkStatus.SHORTLISTED, app=app)]
    champion = ids[1]
    for _ in range(3):
        pair = shown_pair(client.get("/curate/pairs").get_data(as_text=True))
        winner = champion if champion in pair else min(pair)
        answer(client, pair, winner=winner)
    html = client.get("/curate/pairs/ranking").get_data(as_text=True)
    ranked = [
        int(i)
        for i in re.findall(r'<td class="pair-ranking-work"><a href="/curate/works/(\d+)"', html)
    ]
    assert ranked[0] == champion and sorted(ranked) == sorted(ids)
    assert re.search(
        r"<td>-?\d+\.\d\d</td>\s*<td>-?\d+\.\d\d … -?\d+\.\d\d</td>\s*<td>2</td>", html
    )
    assert "Too few comparisons to tell" in html or "until the ranking is stable" in html
    assert "treat it as an estimate" in html
    # The pairs page shows the same stopping rule to curators.
    assert "comparisons" in client.get("/curate/pairs").get_data(as_text=True)


def test_printers_are_refused_and_visitors_sent_to_log_in(app, client, login_user_as):
    """The pair pages belong to curators."""
    for path in ("/curate/pairs", "/curate/pairs/ranking"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_user_as(client, app, "printer")
    assert client.get("/curate/pairs").status_code == 403
    assert client.get("/curate/pairs/ranking").status_code == 403
    assert client.post("/curate/pairs/answer").status_code in (400, 403)


def test_deciders_tick_the_top_n_and_select_them_for_print(app, client, login_user_as):
    """'Tick the top 2' pre-ticks ranks 1–2; applying refuses works without print consent."""
    login_user_as(client, app, "curator", decider=True)
    with app.app_context():
        allowed = make_work(state=WorkStatus.SHORTLISTED).id
        refused = make_work(state=WorkStatus.SHORTLISTED, consent_print=False).id
        last = make_work(state=WorkStatus.SHORTLISTED).id
    strength = {allowed: 3, refused: 2, last: 1}
    for _ in range(3):
        pair = shown_pair(client.get("/curate/pairs").get_data(as_text=True))
        answer(client, pair, winner=max(pair, key=strength.get))
    html = client.get("/curate/pairs/ranking?top=2").get_data(as_text=True)
    ticked = re.findall(r'name="works" value="(\d+)" form="select"[^>]*checked', html)
    assert [int(i) for i in ticked] == [allowed, refused]
    token = csrf(client, "/curate/pairs/ranking")
    response = client.post(
        "/curate/pairs/select?pool=shortlisted",
        data={"csrf_token": token, "works": [allowed, refused]},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "1 work selected for print." in page
    assert "did not allow printing" in page
    with app.app_context():
        assert db.session.get(Work, allowed).state == WorkState.SELECTED
        assert db.session.get(Work, refused).status == WorkStatus.SHORTLISTED
        assert db.session.scalar(select(Decision.action)) == DecisionAction.SELECTED
    # Selected works stay on the shortlist's ranking, with their new status.
    html = client.get("/curate/pairs/ranking").get_data(as_text=True)
    assert f'value="{allowed}" form="select"' in html and "Selected for print" in html


def test_curators_without_the_decider_flag_cannot_select(app, client, login_user_as):
    """No ticks on their ranking page, and the POST is refused."""
    login_user_as(client, app, "curator")
    make_works(count=2, state=WorkStatus.SHORTLISTED, app=app)
    html = client.get("/curate/pairs/ranking").get_data(as_text=True)
    assert 'form="select"' not in html
    token = csrf(client, "/curate/pairs")
    response = client.post("/curate/pairs/select", data={"csrf_token": token, "works": [1]})
    assert response.status_code == 403


def test_the_gallery_sorts_by_pairwise_strength_uncompared_last(app, client, login_user_as):
    """The grid's "pairwise strength" order reads the stored strengths in SQL."""
    me = login_user_as(client, app, "curator")
    shortlisted = make_works(count=4, state=WorkStatus.SHORTLISTED, app=app)
    weak, strong, middle, unseen = (work.id for work in shortlisted)
    with app.app_context():
        for left, right in ((strong, weak), (strong, middle), (middle, weak)):
            db.session.add(
                Comparison(
                    user_id=me.id,
                    left_id=left,
                    right_id=right,
                    outcome=ComparisonOutcome.LEFT,
                    pool=PairPool.SHORTLISTED,
                )
            )
        db.session.commit()
    client.get("/curate/pairs/ranking")  # the ranking page stores the latest fit
    html = client.get("/curate?sort=pairwise&status=shortlisted").get_data(as_text=True)
    assert grid_ids(html) == [strong, middle, weak, unseen]
    assert '<option value="pairwise" selected>Pairwise strength</option>' in html
    page = client.get(f"/curate/works/{middle}?sort=pairwise&status=shortlisted")
    assert f'href="/curate/works/{weak}?' in page.get_data(as_text=True)


def test_the_pair_page_reads_russian(app, client, login_user_as):
    """A Russian-speaking curator gets the question, buttons and stopping rule in Russian."""
    login_user_as(client, app, "curator")
    make_works(count=3, state=WorkStatus.SHORTLISTED, app=app)
    client.set_cookie("lang", "ru", domain="gallery.test")
    html = client.get("/curate/pairs").get_data(as_text=True)
    assert "Какая из двух сильнее бросается в глаза?" in html
    assert "Одинаково" in html and "Пропустить" in html
    assert "Пока слишком мало сравнений" in html


def test_curators_answering_at_once_never_see_an_error(app, login_user_as):
    """Four curators (pages, answers, ranking) in parallel on the database file: no 500s."""
    import threading

    make_works(count=12, state=WorkStatus.SHORTLISTED, app=app)
    clients = [app.test_client() for _ in range(4)]
    for client in clients:
        login_user_as(client, app, "curator")
    statuses: list[int] = []
    barrier = threading.Barrier(len(clients))

    def work(client) -> None:
        """Load the pair page, answer it without JavaScript, now and then look at the ranking."""
        barrier.wait(timeout=30)
        for round_ in range(8):
            page = client.get("/curate/pairs")
            statuses.append(page.status_code)
            html = page.get_data(as_text=True)
            if 'name="winner"' not in html:
                continue
            pair = shown_pair(html)
            statuses.append(answer(client, pair, winner=pair[round_ % 2]).status_code)
            if round_ % 3 == 0:
                statuses.append(client.get("/curate/pairs/ranking").status_code)

    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses and set(statuses) <= {200, 303}, sorted(set(statuses))
    with app.app_context():
        pairs = [frozenset(p[1:3]) for p in stored()]
        by_curator = {}
        for user, left, right, _outcome in stored():
            by_curator.setdefault(user, []).append(frozenset((left, right)))
    assert len(pairs) >= 20
    assert all(len(set(mine)) == len(mine) for mine in by_curator.values())


def test_an_empty_shortlist_says_so_and_offers_every_work_being_judged(app, client, login_user_as):
    """Not "you have judged them all": the pool is empty, and pool=judging is one click away."""
    login_user_as(client, app, "curator")
    make_works(count=3, app=app)
    html = client.get("/curate/pairs").get_data(as_text=True)
    assert "The shortlist is empty" in html and "No pair is left" not in html
    assert 'href="/curate/pairs?pool=judging">Compare all new and shortlisted works instead' in html
    assert 'name="winner"' in client.get("/curate/pairs?pool=judging").get_data(as_text=True)
    make_work(state=WorkStatus.SHORTLISTED, app=app)
    single = client.get("/curate/pairs").get_data(as_text=True)
    assert "The shortlist holds a single work: comparing needs at least two." in single
    client.set_cookie("lang", "ru", domain="gallery.test")
    russian = client.get("/curate/pairs?pool=shortlisted").get_data(as_text=True)
    assert "В коротком списке одна работа" in russian and "pool=judging" in russian


def test_an_empty_judging_pool_says_nothing_waits_for_a_decision(app, client, login_user_as):
    """With every work decided there is no other pool to offer."""
    login_user_as(client, app, "curator")
    make_works(count=2, state=WorkStatus.DECLINED, app=app)
    html = client.get("/curate/pairs?pool=judging").get_data(as_text=True)
    assert "Fewer than two works are waiting for a decision" in html
