"""Comments on works: a staff thread with author and time, blind until voted, author-owned."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from gallery.curation.deliberation.comments import (
    CommentRefused,
    add_comment,
    delete_comment,
    edit_comment,
)
from gallery.curation.deliberation.conflicts import ConflictRefused
from gallery.extensions import db
from gallery.models import Comment, User, WorkStatus
from tests.curation.pages import csrf, post
from tests.factories import (
    make_comment,
    make_conflict,
    make_decision,
    make_user,
    make_vote,
    make_work,
)


def bodies(app) -> list[tuple[int | None, str]]:
    """Return (author, text) of every stored comment, oldest first."""
    with app.app_context():
        rows = db.session.execute(select(Comment.user_id, Comment.body).order_by(Comment.id))
        return [tuple(row) for row in rows]


def sighted(app, client, *roles, decider: bool = False):
    """Log ``client`` in as new staff with blind mode off (they read the thread at once)."""
    from tests.conftest import log_in_as

    staff = log_in_as(client, app, *roles, decider=decider)
    with app.app_context():
        db.session.get(User, staff.id).blind_mode = False
        db.session.commit()
    return staff


def test_post_edit_and_delete_my_comment_without_javascript(app, client):
    """Plain form posts: the thread shows author and time; editing marks it edited."""
    me = sighted(app, client, "curator")
    work_id = make_work(app=app).id
    page = f"/curate/works/{work_id}"
    response = post(client, page, f"{page}/comments", {"body": "  Strong  colours,\r\nweak text  "})
    assert response.status_code == 303
    assert re.search(rf"{page}#comment-\d+$", response.headers["Location"])
    assert bodies(app) == [(me.id, "Strong colours,\nweak text")]
    html = client.get(page).get_data(as_text=True)
    thread = html[html.index('id="discussion"') :]
    assert f"<strong>{me.login}</strong>" in thread and "Strong colours,\nweak text" in thread
    with app.app_context():
        comment_id = db.session.scalar(select(Comment.id))
    edit = f"/curate/comments/{comment_id}/edit"
    assert post(client, page, edit, {"body": "Strong colours."}).status_code == 303
    assert bodies(app) == [(me.id, "Strong colours.")]
    assert "edited" in client.get(page).get_data(as_text=True)
    assert post(client, page, f"/curate/comments/{comment_id}/delete").status_code == 303
    assert bodies(app) == []


def test_only_the_author_edits_or_deletes_a_comment(app, client, login_user_as):
    """Another curator — even a decider or an admin — gets 403 and sees no edit button."""
    author = make_user("curator", app=app)
    work_id = make_work(app=app).id
    comment = make_comment(user=author.id, work=work_id, body="Mine.", app=app)
    for roles in (("curator",), ("admin",)):
        other = app.test_client()
        sighted(app, other, *roles, decider=True)
        page = f"/curate/works/{work_id}"
        html = other.get(page).get_data(as_text=True)
        assert "Mine." in html and f"/curate/comments/{comment.id}/edit" not in html
        edited = post(other, page, f"/curate/comments/{comment.id}/edit", {"body": "Theirs."})
        deleted = post(other, page, f"/curate/comments/{comment.id}/delete")
        assert edited.status_code == deleted.status_code == 403
        assert "Only its author can change or delete a comment." in deleted.get_data(as_text=True)
    assert bodies(app) == [(author.id, "Mine.")]


def test_after_declaring_a_conflict_the_author_no_longer_edits_their_comment(app, client):
    """A conflicted curator leaves the discussion: their old comment stays, unchangeable."""
    me = sighted(app, client, "curator")
    work = make_work(app=app)
    comment = make_comment(user=me.id, work=work.id, body="Before I knew.", app=app)
    make_conflict(user=me.id, work=work.id, app=app)
    page = f"/curate/works/{work.id}"
    edited = post(client, page, f"/curate/comments/{comment.id}/edit", {"body": "Changed."})
    assert edited.status_code == 403
    assert "conflict of interest" in edited.get_data(as_text=True)
    assert bodies(app) == [(me.id, "Before I knew.")]


def test_blind_curators_see_the_thread_once_they_have_voted(app, client, login_user_as):
    """Like scores: hidden (with a count) until my vote; posting before it is refused (409)."""
    login_user_as(client, app, "curator")  # new accounts work blind
    other = make_user("curator", app=app)
    work_id = make_work(app=app).id
    make_comment(user=other.id, work=work_id, body="I love the lettering.", app=app)
    page = f"/curate/works/{work_id}"
    before = client.get(page).get_data(as_text=True)
    assert "I love the lettering." not in before
    assert "Vote first: in blind mode the discussion shows once you have voted." in before
    assert "1 comment so far." in before
    refused = post(client, page, f"{page}/comments", {"body": "Me too."})
    assert refused.status_code == 409
    assert "Vote first" in refused.get_data(as_text=True)
    post(client, page, f"{page}/vote", {"score": "4"})
    after = client.get(page).get_data(as_text=True)
    assert "I love the lettering." in after and 'id="comment-form"' in after
    assert post(client, page, f"{page}/comments", {"body": "Me too."}).status_code == 303


def test_staff_who_cannot_vote_read_the_thread_even_when_blind(app, client, login_user_as):
    """An admin without the curator role has no judgement to protect: the thread shows."""
    login_user_as(client, app, "admin")
    work_id = make_work(app=app).id
    make_comment(
        user=make_user("curator", app=app).id, work=work_id, body="Ask the artist.", app=app
    )
    assert "Ask the artist." in client.get(f"/curate/works/{work_id}").get_data(as_text=True)


def test_a_bad_comment_comes_back_with_a_clear_400_and_the_text_kept(app, client):
    """Empty: refused in the reader's language; too long: the text stays in the box."""
    sighted(app, client, "curator")
    work_id = make_work(app=app).id
    page = f"/curate/works/{work_id}"
    empty = post(client, page, f"{page}/comments", {"body": "   "})
    assert empty.status_code == 400
    assert "Please write something first." in empty.get_data(as_text=True)
    long = post(client, page, f"{page}/comments", {"body": "x" * 2001})
    assert long.status_code == 400
    html = long.get_data(as_text=True)
    assert "At most 2000 characters, please." in html and "x" * 2001 in html
    russian = app.test_client()
    sighted(app, russian, "curator")
    russian.set_cookie("lang", "ru", domain="gallery.test")
    refused = post(russian, page, f"{page}/comments", {"body": ""})
    assert refused.status_code == 400 and "Сначала напишите что-нибудь." in refused.get_data(
        as_text=True
    )
    assert bodies(app) == []


def test_markup_in_a_comment_shows_as_text(app, client):
    """A comment is text: no tag of it reaches the page."""
    sighted(app, client, "curator")
    work_id = make_work(app=app).id
    page = f"/curate/works/{work_id}"
    post(client, page, f"{page}/comments", {"body": "<script>alert(1)</script>"})
    html = client.get(page).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_decision_log_mentions_comments_in_time_order(app, client):
    """Decisions and comments in one log, newest first, each linking to the comment."""
    me = sighted(app, client, "curator", decider=True)
    work = make_work(state="shortlisted", app=app)
    make_decision(work=work.id, by=me.id, app=app)
    comment = make_comment(user=me.id, work=work.id, body="Shortlisted: why?", app=app)
    html = client.get(f"/curate/works/{work.id}").get_data(as_text=True)
    log = html[html.index("Decision log") :]
    assert f'href="#comment-{comment.id}"' in log
    assert log.index("Comment in the discussion") < log.index("Shortlist")


def test_the_domain_refuses_conflicted_blind_and_foreign_changes(ctx):
    """The rules hold without the pages: conflict 403, vote first 409, not the author 403."""
    author, stranger = make_user("curator"), make_user("curator")
    work = make_work()
    with pytest.raises(CommentRefused) as blind:
        add_comment(user=author, work=work, body="Too early.")
    assert blind.value.status == 409
    make_vote(user=author, work=work, score=3)
    comment = add_comment(user=author, work=work, body="Now.")
    for change in (
        lambda: edit_comment(comment=comment, by=stranger, body="No."),
        lambda: delete_comment(comment=comment, by=stranger),
    ):
        with pytest.raises(CommentRefused) as foreign:
            change()
        assert foreign.value.status == 403
    make_conflict(user=stranger, work=work)
    stranger.blind_mode = False
    with pytest.raises(ConflictRefused) as conflicted:
        add_comment(user=stranger, work=work, body="I know them.")
    assert conflicted.value.status == 403


def test_comments_on_a_withdrawn_work_stay_readable(app, client):
    """Nobody votes on a withdrawn work, so the thread is not held back."""
    sighted(app, client, "curator")
    work_id = make_work(state=WorkStatus.WITHDRAWN, app=app).id
    make_comment(user=make_user("curator", app=app).id, work=work_id, body="Pity.", app=app)
    assert "Pity." in client.get(f"/curate/works/{work_id}").get_data(as_text=True)
    assert csrf(client, f"/curate/works/{work_id}")
