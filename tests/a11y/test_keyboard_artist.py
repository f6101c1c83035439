"""An artist sends an entry with the keyboard alone, through a refused image and back."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from gallery.extensions import db
from gallery.models import Licence, Work, WorkState
from tests.a11y.keyboard import assert_focus_shown, focus_state, tab_to, type_into
from tests.factories import series_png, store_work

# An iPhone photo: an ISO-BMFF box with HEIC brands is refused as HEIC by its content.
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)


def described_by(page, selector: str) -> str:
    """Return the text of the elements the field ``selector`` names in aria-describedby."""
    return page.evaluate(
        "s => (document.querySelector(s).getAttribute('aria-describedby') || '').split(' ')"
        ".map(id => document.getElementById(id)).filter(Boolean)"
        ".map(e => e.textContent).join(' ')",
        selector,
    )


def test_an_entry_with_two_images_is_sent_by_keyboard(page, live_app, tmp_path):
    """Skip link, files, title, credit, consents and Send by Tab, Space and Enter; the refused
    image's message names its file and takes focus; the receipt focuses the private link."""
    first, second = tmp_path / "first.png", tmp_path / "second.png"
    first.write_bytes(series_png(1))
    second.write_bytes(series_png(2))
    holiday = tmp_path / "holiday.heic"
    holiday.write_bytes(HEIC)
    page.goto("/submit")

    page.keyboard.press("Tab")
    assert assert_focus_shown(page, "skip link")["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert focus_state(page)["id"] == "main"

    tab_to(page, "input[name='images-0-file']")
    page.set_input_files("input[name='images-0-file']", str(first))  # the OS dialog: out of reach
    type_into(page, "input[name='images-0-title']", "Солидарность")
    tab_to(page, "input[name='images-1-file']")
    page.set_input_files("input[name='images-1-file']", str(holiday))
    type_into(page, "input[name='credit']", "Маша К.")
    for consent in ("consent_publish", "consent_print"):
        tab_to(page, f"input[name='{consent}']")
        page.keyboard.press("Space")
    page.wait_for_timeout(1100)  # the time trap refuses forms sent within a second
    tab_to(page, "main form button[type='submit']")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Refused: the HEIC file's input has focus, is marked invalid and described by a message
    # naming the file; the summary at the top links to it.
    state = assert_focus_shown(page, "after the refusal")
    assert state["name"] == "images-1-file", state
    field = "input[name='images-1-file']"
    assert page.get_attribute(field, "aria-invalid") == "true"
    assert "holiday.heic" in described_by(page, field)
    assert "HEIC" in described_by(page, field)
    summary = page.locator(".error-summary a[href='#images-1-file']")
    assert "holiday.heic" in summary.text_content()
    assert page.locator(".kept").count() == 1  # the first image is kept

    page.set_input_files(field, str(second))
    page.wait_for_timeout(1100)
    tab_to(page, "main form button[type='submit']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(r"/submit/receipt$", page.url)
    state = assert_focus_shown(page, "on the receipt")
    assert state["where"] == "INPUT" and "/claim/" in state["text"]
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Work)) == 2


def test_every_stop_on_the_public_pages_shows_focus(page, live_app):
    """From the skip link through the menu, the languages and the works: each Tab stop of the
    gallery shows its focus ring, the work's picture link too; Shift+Tab goes back the same
    way; on the work's page the same holds down to its licence."""
    work = store_work(
        image=series_png(3),
        title="Солидарность",
        licence=Licence.CC_BY,
        state=WorkState.PUBLISHED,
        app=live_app,
    )
    page.goto("/")
    picture = tab_to(page, f".work-card a[href$='/works/{work.id}']")
    assert picture["text"] == ""  # the picture's link, before the title's
    assert tab_to(page, ".work-title a")["text"] == "Солидарность"
    assert tab_to(page, ".skip-link", backwards=True)["text"] == "Skip to main content"
    with page.expect_navigation():
        tab_to(page, f".work-title a[href$='/works/{work.id}']")
        page.keyboard.press("Enter")
    tab_to(page, "main a[rel~='license']")
