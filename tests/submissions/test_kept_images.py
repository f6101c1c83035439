"""Images kept from a refused form become one work, once: a form sent again never costs files."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Entry
from gallery.storage.files import get_storage
from gallery.submissions import operations
from tests.submissions.conftest import Artist

SVG = b"<svg xmlns='http://www.w3.org/2000/svg'/>"
ALREADY_SENT = "This form was already sent"


def stored_keys(app) -> set[str]:
    """Return every key in the file store."""
    with app.app_context():
        return set(get_storage().keys())


def entry_files(app) -> dict[int, set[str]]:
    """Return each stored entry's file keys, by entry id."""
    with app.app_context():
        return {
            entry.id: {key for work in entry.works for key in work.file_keys()}
            for entry in db.session.scalars(select(Entry))
        }


@pytest.fixture
def fixed_form(artist, make_image):
    """Send one good and one bad image; return the form page that keeps the good one."""
    first = artist.submit([(make_image(), "good.png", "Good"), (SVG, "bad.svg")])
    assert first.status_code == 422
    return first.get_data(as_text=True)


def send_fixed(artist: Artist, page: str, make_image):
    """Send the kept image again with the bad one replaced, as the browser shows the form."""
    return artist.resend(page, [(b"", ""), (make_image(colour=(20, 160, 90)), "fixed.png")])


def test_back_and_send_again_is_refused_and_the_first_entry_keeps_its_files(
    app, artist, fixed_form, make_image
):
    """The exact scenario: fix the bad image, send, press Back, send the same form again."""
    sent = send_fixed(artist, fixed_form, make_image)
    assert sent.status_code == 303
    files = entry_files(app)
    assert len(files) == 1 and stored_keys(app) == next(iter(files.values()))

    again = send_fixed(artist, fixed_form, make_image)
    assert again.status_code == 409
    assert ALREADY_SENT in again.get_data(as_text=True)
    assert entry_files(app) == files
    # The first entry's master and previews are there, and the replay left no files behind.
    assert stored_keys(app) == next(iter(files.values()))


def test_the_refusal_is_in_the_artists_language(app, artist, fixed_form, make_image):
    """A Russian-speaking artist reads the refusal in Russian."""
    assert send_fixed(artist, fixed_form, make_image).status_code == 303
    artist.client.set_cookie("lang", "ru", domain="gallery.test")
    again = send_fixed(artist, fixed_form, make_image)
    assert again.status_code == 409
    assert "Эта форма уже отправлена" in again.get_data(as_text=True)


def test_a_replay_that_slips_past_the_check_is_still_a_409(
    app, artist, fixed_form, make_image, monkeypatch
):
    """When the check sees nothing (the first copy committed just after it), the unique file
    token refuses the insert: the answer is a 409, and the rollback removes only this
    request's own files."""
    assert send_fixed(artist, fixed_form, make_image).status_code == 303
    files = entry_files(app)
    monkeypatch.setattr(operations, "images_already_sent", lambda images: set())

    again = send_fixed(artist, fixed_form, make_image)
    assert again.status_code == 409 and ALREADY_SENT in again.get_data(as_text=True)
    assert entry_files(app) == files
    assert stored_keys(app) == next(iter(files.values()))


def test_two_copies_racing_make_one_entry_and_one_409(
    app, client, fixed_form, make_image, monkeypatch
):
    """Two posts of the same form at once: one entry, one refusal, never a 500."""
    real_check = operations.images_already_sent
    together = threading.Barrier(2, timeout=30)

    def check_then_wait(images):
        """Let both requests pass the check before either inserts."""
        found = real_check(images)
        together.wait()
        return found

    monkeypatch.setattr(operations, "images_already_sent", check_then_wait)
    twin = app.test_client()
    twin.set_cookie(
        "session", client.get_cookie("session", domain="gallery.test").value, domain="gallery.test"
    )
    statuses: list[int] = []

    def send(browser) -> None:
        """Send the fixed form from one browser tab."""
        statuses.append(send_fixed(Artist(browser), fixed_form, make_image).status_code)

    threads = [threading.Thread(target=send, args=(c,)) for c in (client, twin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [303, 409]
    files = entry_files(app)
    assert len(files) == 1
    assert stored_keys(app) == next(iter(files.values()))
