"""pairwise.js in headless Chromium: keys answer, the prefetched pair swaps in without a load."""

from __future__ import annotations

import time

from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Comparison, ComparisonOutcome, WorkStatus
from tests.browser import log_in_page
from tests.factories import make_staff, series_png, store_work


def outcomes(app, expected: int) -> list[ComparisonOutcome]:
    """Wait until ``expected`` comparisons are stored (fetch runs in the background)."""
    deadline = time.monotonic() + 10
    while True:
        with app.app_context():
            stored = list(db.session.scalars(select(Comparison.outcome).order_by(Comparison.id)))
        if len(stored) >= expected or time.monotonic() > deadline:
            return stored
        time.sleep(0.05)


def shown(tab) -> tuple[str, str]:
    """Return the (left, right) work ids the form would send now."""
    return (
        tab.locator("input[name='left']").input_value(),
        tab.locator("input[name='right']").input_value(),
    )


def test_keys_answer_and_the_next_pair_appears_without_a_page_load(page, live_app):
    """←, S and ↑ record left, skip and tie; the page itself never reloads; 60 mm boxes."""
    for n in range(5):
        store_work(image=series_png(n), state=WorkStatus.SHORTLISTED, app=live_app)
    log_in_page(page, make_staff(live_app, "curator"))
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/curate/pairs")
    page.evaluate("window.stillTheSamePage = true")
    box = page.locator(".sticker-box").first.bounding_box()
    assert abs(box["width"] - 226.77) < 1 and abs(box["height"] - 226.77) < 1  # 60 CSS mm
    seen = [shown(page)]
    for key in ("ArrowLeft", "s", "ArrowUp"):
        page.keyboard.press(key)
        page.wait_for_function(
            "([l, r]) => document.querySelector(\"input[name='left']\").value !== l"
            " || document.querySelector(\"input[name='right']\").value !== r",
            arg=list(seen[-1]),
        )
        seen.append(shown(page))
    assert outcomes(live_app, 3) == [
        ComparisonOutcome.LEFT,
        ComparisonOutcome.SKIP,
        ComparisonOutcome.TIE,
    ]
    assert page.evaluate("window.stillTheSamePage") is True
    assert len({frozenset(pair) for pair in seen}) == 4
    assert errors == []
