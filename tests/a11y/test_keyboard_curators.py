"""Curators vote and compare pairs with the keyboard alone, on the Russian pages."""

from __future__ import annotations

from sqlalchemy import func, select

from gallery.extensions import db
from gallery.models import Comparison, Vote
from tests.a11y.keyboard import (
    assert_focus_shown,
    live_text,
    log_in_by_keyboard,
    tab_to,
    wait_for_new_announcement,
)
from tests.factories import make_staff, series_png, store_work


def russian(page, live_app) -> None:
    """Have ``page`` ask for the Russian pages (the language switcher's cookie)."""
    page.context.add_cookies([{"name": "lang", "value": "ru", "url": live_app.config["LIVE_URL"]}])


def works(live_app, count: int) -> list[int]:
    """Store ``count`` works waiting for a decision; return their ids."""
    return [
        store_work(image=series_png(n), title=f"Работа {n}", app=live_app).id for n in range(count)
    ]


def count(live_app, model) -> int:
    """Return how many rows of ``model`` there are."""
    with live_app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_curator_votes_through_five_works_by_keyboard(page, live_app):
    """Tab to a score and Enter, then the 1–5 keys: each vote lands on the next work with the
    saved vote said (in Russian) in a message that has visible focus."""
    first = works(live_app, 5)[0]
    russian(page, live_app)
    log_in_by_keyboard(page, make_staff(live_app, "curator"))
    page.goto(f"/curate/works/{first}")
    assert page.get_attribute("html", "lang") == "ru"

    tab_to(page, "form.vote button[value='3']")
    said = []
    for key in ("Enter", "4", "5", "2", "1"):
        with page.expect_navigation():
            page.keyboard.press(key)
        state = assert_focus_shown(page, f"after the vote by {key}")
        assert state["where"] == "P" and page.evaluate(
            "() => document.activeElement.matches('.flash[role=status]')"
        ), state
        said.append(state["text"])
    # Each vote was said, in Russian, and each time anew; the last one says all are done.
    assert all(text.startswith("Ваша оценка") for text in said[:4]), said
    assert len(set(said)) == 5
    assert "Вы оценили все работы" in said[-1]
    assert count(live_app, Vote) == 5
    # Back on the grid: from the message, Tab reaches a work's card with its ring shown.
    assert tab_to(page, ".card a")["where"] == "A"


def test_a_curator_judges_ten_pairs_by_keyboard(page, live_app):
    """Enter on a side, arrows, E and S answer; each pair is swapped in place, focus stays on
    a button of the new pair (or on the waiting message), and the new pair is announced in
    Russian in the polite live region."""
    works(live_app, 6)
    russian(page, live_app)
    log_in_by_keyboard(page, make_staff(live_app, "curator"))
    page.goto("/curate/pairs?pool=judging")
    tab_to(page, "#pick-left")

    waiting = page.get_attribute("#pair-form", "data-said-waiting")
    before = live_text(page)
    keys = ("Enter", "ArrowRight", "ArrowUp", "Enter", "s", "ArrowLeft", "e", "Enter")
    keys += ("ArrowDown", "ArrowRight")
    for step, key in enumerate(keys, 1):
        page.keyboard.press(key)
        said = wait_for_new_announcement(page, before)
        assert said.startswith("Ответ сохранён."), said
        if said == waiting:
            # No pair was ready (a slow reply): focus waits on the message, or is already
            # back if the pair came in the meantime; the pair is said when it comes.
            state = assert_focus_shown(page, f"pair {step}: waiting")
            assert state["id"] in ("pair-waiting", "pick-left"), state
            said = wait_for_new_announcement(page, said)
        # Focus stays where it was: on pick-left, whichever answer the key gave.
        state = assert_focus_shown(page, f"pair {step} answered with {key}")
        assert state["id"] == "pick-left", state
        alts = page.eval_on_selector_all(".pair-side img", "images => images.map(i => i.alt)")
        assert all(alt in said for alt in alts), (said, alts)
        before = said
    assert live_text(page, assertive=True) == ""
    page.wait_for_function("() => !document.querySelector('#pair-form').hidden")
    for _ in range(50):
        if count(live_app, Comparison) == 10:
            break
        page.wait_for_timeout(100)
    assert count(live_app, Comparison) == 10


def test_after_the_last_pair_focus_is_on_what_the_page_says_next(page, live_app):
    """Three works make three pairs: after the third answer the page is not reloaded; the
    server's "no pair is left" message is swapped in and has focus, so it is read out."""
    works(live_app, 3)
    russian(page, live_app)
    log_in_by_keyboard(page, make_staff(live_app, "curator"))
    page.goto("/curate/pairs?pool=judging")
    page.evaluate("() => { window.stillTheSamePage = true; }")
    tab_to(page, "#pick-left")
    for _ in range(3):
        before = live_text(page)
        page.keyboard.press("Enter")
        wait_for_new_announcement(page, before)
    page.wait_for_function("() => document.activeElement.id === 'pairs-left'")
    state = assert_focus_shown(page, "the end of the pairs")
    assert state["text"].startswith("В этой подборке для вас не осталось пар"), state
    assert page.evaluate("() => window.stillTheSamePage === true")
    assert count(live_app, Comparison) == 3
