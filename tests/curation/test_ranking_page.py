"""The score ranking you can see: a thumbnail on every row, the work's decisions, the grid's
filters."""

from __future__ import annotations

import re

from gallery.extensions import db
from gallery.models import DuplicatePair, WorkState, WorkStatus
from tests.factories import make_user, make_vote, make_work, make_works


def rows(html: str) -> list[int]:
    """Return the work ids of the ranking's rows, in order (from each row's thumbnail link)."""
    return [
        int(i)
        for i in re.findall(r'<td class="pair-ranking-work"><a href="/curate/works/(\d+)"', html)
    ]


def test_every_row_has_a_thumbnail_with_srcset_and_the_works_decisions(app, client, login_user_as):
    """Untitled works are recognisable by their picture; badges say what was decided."""
    me = login_user_as(client, app, "curator")
    untitled = make_work(title="", app=app)
    both = make_work(title="Fist", state=WorkState.PUBLISHED_SELECTED, app=app)
    for work in (untitled, both):
        make_vote(user=me.id, work=work.id, score=4, app=app)
    html = client.get("/curate/ranking").get_data(as_text=True)
    assert sorted(rows(html)) == sorted([untitled.id, both.id])
    images = re.findall(r"<img [^>]*>", html[html.index('<table class="ranking"') :])
    assert len(images) == 2
    for image in images:
        assert re.search(
            r'srcset="/curate/works/\d+/320\.webp 320w, /curate/works/\d+/640\.webp 640w"', image
        )
        assert 'sizes="4rem"' in image and 'loading="lazy"' in image
    assert f"Untitled</a> (#{untitled.id})" in html
    assert (
        'class="badge status-published status-selected">Published and selected for print<' in html
    )
    assert 'class="badge status-new">New<' in html


def test_filters_status_transparent_and_duplicates_like_the_grid(app, client, login_user_as):
    """Each filter narrows the ranking; the default leaves withdrawn works out."""
    me = login_user_as(client, app, "curator")
    plain = make_work(app=app)
    clear = make_work(has_alpha=True, app=app)
    listed = make_work(state=WorkStatus.SHORTLISTED, app=app)
    gone = make_work(state=WorkStatus.WITHDRAWN, app=app)
    twin_a, twin_b = make_work(app=app), make_work(app=app)
    unvoted = make_work(app=app)
    for work in (plain, clear, listed, gone, twin_a, twin_b):
        make_vote(user=me.id, work=work.id, app=app)
    with app.app_context():
        db.session.add(DuplicatePair(first_id=twin_a.id, second_id=twin_b.id, distance=3))
        db.session.commit()
    everything = {plain.id, clear.id, listed.id, twin_a.id, twin_b.id}
    assert set(rows(client.get("/curate/ranking").get_data(as_text=True))) == everything
    assert unvoted.id not in everything
    cases = {
        "status=withdrawn": [gone.id],
        "status=shortlisted": [listed.id],
        "transparent=1": [clear.id],
        "status=new&transparent=1": [clear.id],
    }
    for args, expected in cases.items():
        assert rows(client.get(f"/curate/ranking?{args}").get_data(as_text=True)) == expected
    flagged = client.get("/curate/ranking?duplicates=1&by=votes").get_data(as_text=True)
    assert set(rows(flagged)) == {twin_a.id, twin_b.id} and "near-duplicate?" in flagged
    assert 'name="duplicates" value="1" checked' in flagged
    assert 'href="/curate/ranking?by=mean&amp;duplicates=1"' in flagged
    empty = client.get("/curate/ranking?status=declined").get_data(as_text=True)
    assert "No voted work matches these filters." in empty


def test_the_pager_keeps_the_filters(app, client, login_user_as):
    """61 transparent voted works: page 2 holds one, and the links carry the filter."""
    login_user_as(client, app, "curator")
    works = make_works(count=61, has_alpha=True, app=app)
    voter = make_user("curator", app=app)
    for work in works:
        make_vote(user=voter.id, work=work.id, app=app)
    first = client.get("/curate/ranking?transparent=1&by=votes").get_data(as_text=True)
    assert len(rows(first)) == 60
    link = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "transparent=1" in link and "page=2" in link
    second = client.get(link).get_data(as_text=True)
    # Ranked by votes, places are no secret: the one row is number 61.
    assert len(rows(second)) == 1 and "<td>61</td>" in second
