"""Curators deliberate in a real browser: a discussion between two curators, a declared
conflict, the jury's progress and a ranking you can see."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from gallery.extensions import db
from gallery.models import Comment, Vote, WorkStatus
from tests.browser import log_in_page
from tests.factories import make_staff, make_user, make_vote, series_png, store_work


def work_id_of(url: str) -> int | None:
    """Return the id of the curators' work page at ``url`` (None for any other page)."""
    match = re.search(r"/curate/works/(\d+)", url)
    return int(match.group(1)) if match else None


def vote_with_key(tab, key: str) -> None:
    """Score the work on screen with a number key (and go on to the next work to judge)."""
    with tab.expect_navigation():
        tab.keyboard.press(key)


def test_two_curators_discuss_a_work_once_each_has_voted(page, browser, live_app):
    """Blind curators: the thread opens after the vote; c, typing and Ctrl+Enter post; the
    other curator reads and replies; each edits only their own comment."""
    work, _other = (store_work(image=series_png(n), app=live_app).id for n in range(2))
    ann = make_staff(live_app, "curator", login="ann")
    bob = make_staff(live_app, "curator", login="bob")
    log_in_page(page, ann)
    page.goto(f"/curate/works/{work}")
    assert "the discussion shows once you have voted" in page.inner_text("main")
    vote_with_key(page, "4")
    page.goto(f"/curate/works/{work}")
    page.keyboard.press("c")
    assert page.evaluate("document.activeElement.name") == "body"
    page.keyboard.type("The red works at 50 mm; the text does not.")
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert re.search(r"#comment-\d+$", page.url)
    assert "ann" in page.inner_text("#discussion ~ ol.comments")

    other = browser.new_context(base_url=live_app.config["LIVE_URL"])
    try:
        tab = other.new_page()
        tab.set_default_timeout(15_000)
        log_in_page(tab, bob)
        tab.goto(f"/curate/works/{work}")
        assert "The red works at 50 mm" not in tab.content(), "hidden until bob votes"
        assert "1 comment so far." in tab.inner_text("main")
        vote_with_key(tab, "2")
        tab.goto(f"/curate/works/{work}")
        thread = tab.inner_text("ol.comments")
        assert "ann" in thread and "The red works at 50 mm; the text does not." in thread
        assert tab.locator("details.comment-edit").count() == 0, "not bob's to edit"
        tab.fill("#comment-form textarea", "Agreed: shortlist it, ask for a bolder text.")
        with tab.expect_navigation():
            tab.click("#comment-form button[type='submit']")
    finally:
        other.close()

    page.goto(f"/curate/works/{work}")
    comments = page.locator("li.comment")
    assert comments.count() == 2
    assert "bob" in comments.nth(1).inner_text() and "bolder text" in comments.nth(1).inner_text()
    assert page.locator("details.comment-edit").count() == 1, "ann edits hers only"
    page.click("details.comment-edit summary")
    page.fill("details.comment-edit textarea", "The red works at 50 mm; the text needs weight.")
    with page.expect_navigation():
        page.click("details.comment-edit button[type='submit']")
    first = page.locator("li.comment").first.inner_text()
    assert "needs weight" in first and "edited" in first
    assert "Comment in the discussion" in page.inner_text("table.log")
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 2


def test_a_declared_conflict_refuses_the_vote_and_never_hands_the_work_out(page, browser, live_app):
    """One button; keys 1–5 do nothing, a forged vote gets 403 with the reason; "Judge the
    next work" and the pairs go through every other work and never show this one."""
    target = store_work(image=series_png(0), state=WorkStatus.SHORTLISTED, app=live_app).id
    others = [
        store_work(image=series_png(n), state=WorkStatus.SHORTLISTED, app=live_app).id
        for n in range(1, 4)
    ]
    curator = make_staff(live_app, "curator")
    log_in_page(page, curator)
    page.goto(f"/curate/works/{target}")
    with page.expect_navigation():
        page.click("#declare-conflict")
    assert "Conflict of interest declared" in page.inner_text("main")
    assert page.locator("form.vote").count() == 0
    page.keyboard.press("3")
    page.wait_for_timeout(300)
    assert work_id_of(page.url) == target, "no vote button, so the key does nothing"
    forged = page.evaluate(
        """async (url) => {
            const token = document.querySelector("input[name='csrf_token']").value;
            const body = new URLSearchParams({csrf_token: token, score: "5"});
            const response = await fetch(url, {method: "POST", body});
            return [response.status, await response.text()];
        }""",
        f"/curate/works/{target}/vote",
    )
    assert forged[0] == 403
    assert "You declared a conflict of interest with this entry" in forged[1]

    judged = []
    page.goto("/curate/next")
    while (work_id := work_id_of(page.url)) is not None:
        judged.append(work_id)
        vote_with_key(page, "3")
    assert sorted(judged) == sorted(others)
    assert "You have voted on every work" in page.inner_text("main")

    # The pairs, here without JavaScript: each answer is a plain form post.
    plain = browser.new_context(base_url=live_app.config["LIVE_URL"], java_script_enabled=False)
    try:
        tab = plain.new_page()
        tab.set_default_timeout(15_000)
        log_in_page(tab, curator)
        tab.goto("/curate/pairs")
        shown = []
        while tab.locator("#pair-form").count():
            sides = ("left", "right")
            shown.append({int(tab.locator(f"input[name='{s}']").input_value()) for s in sides})
            with tab.expect_navigation():
                tab.click("#pick-left")
        assert "No pair is left for you to compare" in tab.inner_text("main")
    finally:
        plain.close()
    assert len(shown) == 3 and all(target not in pair for pair in shown)
    with live_app.app_context():
        assert db.session.scalar(select(Vote.id).where(Vote.work_id == target)) is None


def test_the_coverage_view_shows_the_jury_and_leads_to_the_next_work(page, live_app):
    """Works short of votes, fewest first, each curator's counts; the button judges on."""
    voted, unvoted = (store_work(image=series_png(n), app=live_app).id for n in range(2))
    for _ in range(3):
        make_vote(user=make_user("curator", app=live_app).id, work=voted, app=live_app)
    curator = make_staff(live_app, "curator", login="zoe")
    log_in_page(page, curator)
    page.goto("/curate")
    page.click("a:has-text('Jury progress')")
    page.wait_for_url(re.compile(r"/curate/coverage$"))
    summary = page.inner_text("#coverage-summary")
    assert "Works being judged: 2; with 3 votes or more: 1; with fewer: 1." in summary
    listed = [
        work_id_of(a.get_attribute("href")) for a in page.locator("#coverage-works td a").all()
    ]
    assert set(listed) == {unvoted}
    assert re.search(r"zoe\s+0\s+2\s+0\s+0\s+0", page.inner_text("#curators"))
    with page.expect_navigation():
        page.click("#judge-next")
    assert work_id_of(page.url) == unvoted


def test_the_score_ranking_shows_every_work_as_a_thumbnail(page, live_app):
    """Untitled works are told apart by their pictures, which load; badges show decisions."""
    ids = [store_work(image=series_png(n), title="", app=live_app).id for n in range(3)]
    curator = make_staff(live_app, "curator")
    for work_id, score in zip(ids, (5, 3, 1), strict=True):
        make_vote(user=curator.id, work=work_id, score=score, app=live_app)
    log_in_page(page, curator)
    page.goto("/curate/ranking")
    images = page.locator("table.ranking img")
    assert images.count() == 3
    page.wait_for_function(
        "() => [...document.querySelectorAll('table.ranking img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    for n in range(3):
        assert images.nth(n).get_attribute("srcset")
    ranked = [
        work_id_of(a.get_attribute("href"))
        for a in page.locator("td.pair-ranking-work > a:first-child").all()
    ]
    assert ranked == ids  # 5, 3, 1: best first
    assert page.locator("table.ranking .badge.status-new").count() == 3
