"""The curators' grid: filters, sorts, the per-curator shuffle, blind mode, images, keys."""

from __future__ import annotations

import re

from gallery.curation.queries import PAGE_SIZE
from gallery.extensions import db
from gallery.models import DuplicatePair, PairVerdict, WorkStatus
from tests.curation.pages import grid_ids, post
from tests.factories import make_entry, make_user, make_vote, make_work


def _grid(client, query: str = "") -> list[int]:
    """Return the ids on the grid page for ``query``."""
    response = client.get(f"/curate{query}")
    assert response.status_code == 200
    return grid_ids(response.get_data(as_text=True))


def test_the_gallery_needs_a_curator_or_admin(app, client, login_user_as):
    """Anonymous visitors go to the login page; printers are refused."""
    response = client.get("/curate")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_user_as(client, app, "printer")
    assert client.get("/curate").status_code == 403


def test_filters_status_unvoted_transparent_and_duplicates(app, client, login_user_as):
    """Each filter narrows the grid in SQL; the default hides withdrawn works."""
    me = login_user_as(client, app, "curator")
    with app.app_context():
        plain = make_work().id
        clear = make_work(has_alpha=True).id
        listed = make_work(state=WorkStatus.SHORTLISTED).id
        gone = make_work(state=WorkStatus.WITHDRAWN).id
        voted = make_work().id
        twin_a = make_work().id
        twin_b = make_work().id
        judged_a, judged_b = make_work().id, make_work().id
        make_vote(user=me, work=voted, score=4)
        db.session.add(DuplicatePair(first_id=twin_a, second_id=twin_b, distance=3))
        db.session.add(
            DuplicatePair(
                first_id=judged_a, second_id=judged_b, distance=2, verdict=PairVerdict.DIFFERENT
            )
        )
        db.session.commit()
    everything = {plain, clear, listed, voted, twin_a, twin_b, judged_a, judged_b}
    assert set(_grid(client)) == everything
    assert _grid(client, "?status=withdrawn") == [gone]
    assert _grid(client, "?status=shortlisted") == [listed]
    assert set(_grid(client, "?unvoted=1")) == everything - {voted}
    assert _grid(client, "?transparent=1") == [clear]
    assert set(_grid(client, "?duplicates=1")) == {twin_a, twin_b}
    assert _grid(client, "?status=new&transparent=1&unvoted=1") == [clear]
    html = client.get("/curate?duplicates=1").get_data(as_text=True)
    assert "near-duplicate?" in html


def test_the_count_leaves_out_withdrawn_works_and_follows_filters(app, client, login_user_as):
    """The page's "N works" counts what the filters let through, never withdrawn by default."""
    me = login_user_as(client, app, "curator")
    with app.app_context():
        make_entry(works=3)
        make_entry(works=2, state=WorkStatus.WITHDRAWN)
        clear = make_entry(works=2, has_alpha=True).works
        make_work(has_alpha=True, state=WorkStatus.WITHDRAWN)
        make_vote(user=me, work=clear[0], score=3)

    def counted(query: str = "") -> str:
        """Return the page's "N works" line."""
        html = client.get(f"/curate{query}").get_data(as_text=True)
        return re.search(r"(\d+) works? ·", html).group(1)

    assert counted() == "5"
    assert counted("?status=withdrawn") == "3"
    assert counted("?transparent=1") == "2"
    assert counted("?transparent=1&unvoted=1") == "1"
    assert counted("?status=withdrawn&transparent=1") == "1"


def test_newest_sort_and_pagination(app, client, login_user_as):
    """Pages hold PAGE_SIZE works, newest first; page two continues where one stopped."""
    login_user_as(client, app, "curator")
    with app.app_context():
        ids = [w.id for w in make_entry(works=10).works for _ in [0]]
        for _ in range(PAGE_SIZE // 10):
            ids += [w.id for w in make_entry(works=10).works]
    newest = sorted(ids, reverse=True)
    first = _grid(client, "?sort=newest")
    second = _grid(client, "?sort=newest&page=2")
    assert len(first) == PAGE_SIZE
    assert first + second == newest
    html = client.get("/curate?sort=newest").get_data(as_text=True)
    assert f"{len(ids)} works" in html and 'rel="next"' in html


def test_shuffle_is_stable_per_curator_and_differs_between_curators(app, login_user_as):
    """Same curator: same order on every request. Another curator: another order."""
    with app.app_context():
        ids = [w.id for _ in range(4) for w in make_entry(works=10).works]
    alice, bob = app.test_client(), app.test_client()
    login_user_as(alice, app, "curator")
    login_user_as(bob, app, "curator")
    alice_order = _grid(alice)
    assert sorted(alice_order) == sorted(ids)
    assert _grid(alice) == alice_order
    assert _grid(alice, "?sort=shuffle") == alice_order
    bob_order = _grid(bob)
    assert sorted(bob_order) == sorted(ids)
    assert bob_order != alice_order
    # Not just the id order or its reverse: the shuffle really mixes.
    assert alice_order not in (sorted(ids), sorted(ids, reverse=True))


def test_thumbnails_use_srcset_lazy_loading_and_sizes(app, client, login_user_as):
    """Every card image: src, srcset over the derivatives, loading=lazy, width and height."""
    login_user_as(client, app, "curator")
    with app.app_context():
        work = make_work()
        work_id = work.id
    html = client.get("/curate").get_data(as_text=True)
    img = re.search(r"<img [^>]+>", html).group(0)
    assert f'src="/curate/works/{work_id}/320.webp"' in img
    assert f"/curate/works/{work_id}/320.webp 320w, /curate/works/{work_id}/640.webp 640w" in img
    assert 'loading="lazy"' in img and 'width="320"' in img and 'height="240"' in img


def test_titles_and_credits_with_markup_show_as_text(app, client, login_user_as):
    """Whatever an artist types stays text on the grid: escaped once in the alt, the tick
    box's label, the link and the credit, whether the card is rendered anew or kept."""
    login_user_as(client, app, "curator", decider=True)
    with app.app_context():
        work = make_work(credit='<b>Ann & "Bo"</b>')
        work.title = "<script>x()</script> & 'y'"
        hidden = make_work(credit="")
        db.session.commit()
        work_id, hidden_id = work.id, hidden.id
    post(client, "/curate", "/curate/blind", {})
    first = client.get("/curate?sort=newest").get_data(as_text=True)
    again = client.get("/curate?sort=newest").get_data(as_text=True)
    title = "&lt;script&gt;x()&lt;/script&gt; &amp; &#39;y&#39;"
    for html in (first, again):
        assert "<script>x()" not in html and "<b>Ann" not in html
        assert f'alt="{title}"' in html
        assert f'aria-label="Tick: {title}"' in html
        assert f'<a href="/curate/works/{work_id}?sort=newest">{title}</a>' in html
        assert '<span class="credit">&lt;b&gt;Ann &amp; &#34;Bo&#34;&lt;/b&gt;</span>' in html
        assert f'href="/curate/works/{hidden_id}?sort=newest">' in html
        assert '<span class="credit">anonymous</span>' in html


def test_kept_cards_never_show_one_curators_view_to_another(app, login_user_as):
    """Cards are kept once rendered, yet each curator sees only their own score and blind mode."""
    ann, bo = app.test_client(), app.test_client()
    ann_id = login_user_as(ann, app, "curator").id
    login_user_as(bo, app, "curator")
    with app.app_context():
        work_id = make_work(credit="Zoya Secretname").id
        make_vote(user=ann_id, work=work_id, score=5)
    post(ann, "/curate", "/curate/blind", {})
    for _ in range(2):
        seen_by_ann = ann.get("/curate").get_data(as_text=True)
        assert "Zoya Secretname" in seen_by_ann and "you: 5 · mean 5.00 · 1 vote" in seen_by_ann
        seen_by_bo = bo.get("/curate").get_data(as_text=True)
        assert "Zoya Secretname" not in seen_by_bo and "you: 5" not in seen_by_bo
        assert '<span class="votes">1 vote</span>' in seen_by_bo
    assert 'type="checkbox" name="works"' not in seen_by_ann


def test_images_are_served_to_curators_only(app, client, login_user_as):
    """Curators get the WebP with strict headers; unknown widths 404; others are refused."""
    with app.app_context():
        work_id = make_work(files=True).id
    url = f"/curate/works/{work_id}/320.webp"
    assert client.get(url).status_code == 302
    printer = app.test_client()
    login_user_as(printer, app, "printer")
    assert printer.get(url).status_code == 403
    login_user_as(client, app, "curator")
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"].startswith("private")
    assert client.get(f"/curate/works/{work_id}/999.webp").status_code == 404
    assert client.get("/curate/works/9999/320.webp").status_code == 404


def test_blind_mode_hides_credit_and_note_until_switched_off(app, client, login_user_as):
    """On by default: no credit or note in grid or work page; the toggle shows them."""
    login_user_as(client, app, "curator")
    with app.app_context():
        work_id = make_work(credit="Zoya Secretname", note="Printed on recycled paper").id
    page = f"/curate/works/{work_id}"
    for html in (
        client.get("/curate").get_data(as_text=True),
        client.get(page).get_data(as_text=True),
    ):
        assert "Zoya Secretname" not in html and "recycled paper" not in html
    assert "Blind mode: credit and note are hidden." in client.get(page).get_data(as_text=True)
    post(client, page, f"/curate/blind?next={page}", {})
    shown = client.get(page).get_data(as_text=True)
    assert "Zoya Secretname" in shown and "recycled paper" in shown
    assert "Zoya Secretname" in client.get("/curate").get_data(as_text=True)
    post(client, page, "/curate/blind", {"blind_mode": "y"})
    assert "Zoya Secretname" not in client.get(page).get_data(as_text=True)


def test_work_page_shows_real_size_print_suitability_and_siblings(app, client, login_user_as):
    """50 and 75 mm previews, the sharp print width at 300 DPI, transparency, other works."""
    login_user_as(client, app, "curator")
    with app.app_context():
        first, second = make_entry(works=2, has_alpha=True).works
        first_id, second_title = first.id, second.title
    html = client.get(f"/curate/works/{first_id}").get_data(as_text=True)
    assert "real-size-50" in html and "real-size-75" in html
    # 1200 px at 300 DPI: 101.6 mm.
    assert "101.6 mm" in html
    assert "Transparent background" in html
    assert "Other works of this entry" in html and second_title in html


def test_keyboard_script_is_served_and_pages_carry_no_inline_script(app, client, login_user_as):
    """The work page loads /static/curate.js; no inline scripts or handlers (CSP)."""
    login_user_as(client, app, "curator")
    with app.app_context():
        works = make_entry(works=3).works
        ids = [w.id for w in works]
    html = client.get(f"/curate/works/{ids[1]}?sort=newest").get_data(as_text=True)
    assert re.search(r'<script src="/static/curate.js[^"]*" defer></script>', html)
    assert not re.search(r"<script>|<script [^>]*>[^<]+</script>|\son\w+=", html)
    assert 'id="keys"' in html
    # ←/→ follow the grid's order (newest first here).
    assert f'rel="prev" id="previous-work" href="/curate/works/{ids[2]}?sort=newest"' in html
    assert f'rel="next" id="next-work" href="/curate/works/{ids[0]}?sort=newest"' in html
    with client.get("/static/curate.js") as response:
        script = response.get_data(as_text=True)
    assert "ArrowLeft" in script and "ArrowRight" in script and '"?"' in script


def test_the_ranking_page_hides_scores_of_works_i_have_not_voted_on(app, client, login_user_as):
    """Each aggregate shows with its vote count, only for works I voted on."""
    me = login_user_as(client, app, "curator")
    with app.app_context():
        mine, other = make_work().id, make_work().id
        someone = make_user("curator")
        make_vote(user=someone, work=mine, score=2)
        make_vote(user=someone, work=other, score=5)
        make_vote(user=me, work=mine, score=4)
    html = client.get("/curate/ranking").get_data(as_text=True)
    assert "3.00" in html  # mean of 2 and 4
    assert "5.00" not in html and "vote to see" in html
    assert client.get("/curate/ranking?by=normalised").status_code == 200


def test_the_ranking_page_shows_titles_with_markup_as_text(app, client, login_user_as):
    """A title typed with markup stays text in the ranking's thumbnail, link and alt."""
    me = login_user_as(client, app, "curator")
    with app.app_context():
        work = make_work(title="<script>x()</script> & 'y'")
        make_vote(user=me, work=work, score=4)
    html = client.get("/curate/ranking").get_data(as_text=True)
    title = "&lt;script&gt;x()&lt;/script&gt; &amp; &#39;y&#39;"
    assert "<script>x()" not in html
    assert f'alt="{title}"' in html and f">{title}</a>" in html


def test_stored_shuffle_keys_match_the_computed_order_and_follow_new_works(app, login_user_as):
    """The grid reads stored keys; they equal the SQL formula, and new works get theirs."""
    from sqlalchemy import select

    from gallery.curation.shuffle import shuffle_key
    from gallery.models import Work
    from gallery.models.curation import ShuffleKey

    with app.app_context():
        make_entry(works=10)
    client = app.test_client()
    me = login_user_as(client, app, "curator")
    first = _grid(client)
    with app.app_context(), app.test_request_context():
        computed = db.session.scalars(select(Work.id).order_by(shuffle_key(me.id), Work.id)).all()
        assert first == computed
        later = make_work().id
    # A work added by any path shows up on the next view, in its computed place.
    second = _grid(client)
    assert later in second and len(second) == 11
    with app.app_context(), app.test_request_context():
        computed = db.session.scalars(select(Work.id).order_by(shuffle_key(me.id), Work.id)).all()
        assert second == computed
        stored = db.session.scalar(select(db.func.count()).where(ShuffleKey.user_id == me.id))
        assert stored == 11


def test_a_new_curator_sees_every_work_even_if_works_arrived_before_their_first_visit(
    app, client, login_user_as
):
    """Keys for a new work alone must not make a new curator's shuffle look complete."""
    from gallery.curation.shuffle import shuffle_new_works

    with app.app_context():
        older = [make_work().id for _ in range(5)]
    login_user_as(client, app, "curator")
    with app.app_context():
        newer = make_entry().works
        shuffle_new_works(newer)
        db.session.commit()
        newest = newer[0].id
    assert sorted(_grid(client)) == sorted([*older, newest])


def test_works_from_the_intake_get_shuffle_keys_for_existing_staff(app, client, make_image):
    """Intake stores new works' keys for every account holding keys, in the same transaction.

    An account without any keys gets all of them on its first view instead.
    """
    from sqlalchemy import func, select

    from gallery.curation.shuffle import store_shuffle_keys
    from gallery.models.curation import ShuffleKey
    from tests.submissions.conftest import Artist

    with app.app_context():
        make_work()
        curators = [make_user("curator").id for _ in range(2)]
        for user_id in curators:
            store_shuffle_keys(user_id)
        newcomer = make_user("curator").id
        db.session.commit()
    assert Artist(client).submit([(make_image("PNG", (400, 300)), "a.png")]).status_code == 303
    with app.app_context():
        for user_id, keys in [*((c, 2) for c in curators), (newcomer, 0)]:
            count = select(func.count()).where(ShuffleKey.user_id == user_id)
            assert db.session.scalar(count) == keys
