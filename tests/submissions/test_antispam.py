"""The honeypot and the time trap refuse a form before any image is decoded or stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from gallery.extensions import db
from gallery.models import Entry
from tests.submissions.conftest import hidden_value


@pytest.fixture
def decodes(monkeypatch) -> list[str]:
    """Record every attempt to run the intake or open an image with Pillow."""
    calls: list[str] = []
    import gallery.submissions.images as images

    real_process, real_open = images.process_image, Image.open

    def process_image(data, **kwargs):
        """Count the intake run, then do it."""
        calls.append("process_image")
        return real_process(data, **kwargs)

    def open_image(*args, **kwargs):
        """Count the decode, then do it."""
        calls.append("Image.open")
        return real_open(*args, **kwargs)

    monkeypatch.setattr(images, "process_image", process_image)
    monkeypatch.setattr(Image, "open", open_image)
    return calls


def files_in_upload_folder(app) -> list[Path]:
    """Return every file under the upload folder (whatever the store's own index says)."""
    return [p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()]


def entries(app) -> int:
    """Return how many entries are stored."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Entry))


def test_a_filled_honeypot_decodes_and_writes_nothing(app, artist, make_image, decodes):
    """A bot's form is refused before its images are looked at."""
    response = artist.submit([(make_image(), "a.png")], website="http://spam.example")
    assert response.status_code == 400
    assert decodes == []
    assert files_in_upload_folder(app) == [] and entries(app) == 0


def test_a_form_sent_too_fast_decodes_and_writes_nothing(app, artist, make_image, decodes):
    """The time trap refuses with the form again (422) and says the files must be chosen again."""
    app.config["SUBMIT_MIN_SECONDS"] = 60
    response = artist.submit([(make_image(), "a.png", "My title")], credit="Quick")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "too quickly" in html and "choose them again" in html
    assert 'value="Quick"' in html and 'value="My title"' in html
    assert decodes == []
    assert files_in_upload_folder(app) == [] and entries(app) == 0


def test_a_forged_time_token_decodes_and_writes_nothing(app, artist, make_image, decodes):
    """A time token the app did not sign is refused the same way."""
    tokens = artist.form_tokens()
    tokens["started"] = "1.0.forged"
    response = artist.submit([(make_image(), "a.png")], tokens=tokens)
    assert response.status_code == 422 and "could not be checked" in response.get_data(as_text=True)
    assert decodes == []
    assert files_in_upload_folder(app) == [] and entries(app) == 0


def test_images_kept_earlier_pass_a_time_trap_refusal_untouched(app, artist, make_image, decodes):
    """A kept image survives a too-fast resend as it was, and the next send stores it."""
    first = artist.submit([(make_image(), "good.png"), (b"not an image", "bad.png")])
    assert first.status_code == 422
    written = sorted(files_in_upload_folder(app))
    decodes.clear()

    app.config["SUBMIT_MIN_SECONDS"] = 60
    fast = artist.resend(
        first.get_data(as_text=True), [(b"", ""), (make_image(colour=(0, 90, 200)), "new.png")]
    )
    page = fast.get_data(as_text=True)
    assert fast.status_code == 422 and "too quickly" in page
    assert "1 image is kept" in page and hidden_value(page, "images-0-pending")
    assert decodes == [] and sorted(files_in_upload_folder(app)) == written

    app.config["SUBMIT_MIN_SECONDS"] = 0
    again = artist.resend(page)
    assert again.status_code == 303 and entries(app) == 1
