"""The artist's private claim link."""

from __future__ import annotations

import re

from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Entry, Work, WorkStatus
from gallery.storage.files import get_storage
from tests.submissions.conftest import hidden_value


def submitted(artist, make_image, **fields) -> str:
    """Submit one entry of two images and return its claim path."""
    response = artist.submit(
        [
            (make_image("PNG", (400, 300)), "a.png", "One"),
            (make_image("JPEG", (600, 400), (1, 2, 3)), "b.jpg", "Two"),
        ],
        **fields,
    )
    assert response.status_code == 303
    return artist.claim_url(response)


def test_claim_page_shows_status_and_print_size_privately(artist, client, make_image):
    """The claim link shows each work as received, with its print size, and is never cached."""
    claim = submitted(artist, make_image)
    response = client.get(claim)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Received" in html and "prints sharp up to 50.8 mm wide" in html
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_claim_token_is_404(client):
    """A guessed token shows nothing."""
    assert client.get("/claim/not-a-real-token").status_code == 404


def test_artist_edits_credit_titles_and_consents(app, artist, client, make_image):
    """Credit, link, titles, consents and licence can be changed through the link."""
    claim = submitted(artist, make_image)
    html = client.get(claim).get_data(as_text=True)
    response = client.post(
        claim,
        data={
            "csrf_token": hidden_value(html, "csrf_token"),
            "credit": "Masha",
            "credit_url": "https://example.org/masha",
            "titles-0": "Uno",
            "titles-1": "Dos",
            "consent_print": "y",
            "licence": "cc-by-4.0",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        entry = db.session.scalars(select(Entry)).one()
        assert entry.credit == "Masha" and entry.credit_url == "https://example.org/masha"
        assert [w.title for w in entry.works] == ["Uno", "Dos"]
        assert entry.consent_print and not entry.consent_publish
        assert entry.licence.value == "cc-by-4.0"


def test_withdraw_needs_confirmation_then_withdraws_every_work(app, artist, client, make_image):
    """Withdrawing asks for confirmation, then every work is withdrawn."""
    claim = submitted(artist, make_image)
    csrf = hidden_value(client.get(claim).get_data(as_text=True), "csrf_token")
    client.post(f"{claim}/withdraw", data={"withdraw-csrf_token": csrf})
    with app.app_context():
        assert {w.status for w in db.session.scalars(select(Work))} == {WorkStatus.NEW}
    client.post(f"{claim}/withdraw", data={"withdraw-csrf_token": csrf, "withdraw-confirm": "y"})
    with app.app_context():
        assert {w.status for w in db.session.scalars(select(Work))} == {WorkStatus.WITHDRAWN}
    assert "Withdrawn" in client.get(claim).get_data(as_text=True)


def test_the_claim_pages_forms_repeat_no_id(artist, client, make_image):
    """Edit, withdraw and delete share one page: each label points at its own box."""
    claim = submitted(artist, make_image)
    html = client.get(claim).get_data(as_text=True)
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert {"withdraw-confirm", "confirm"} <= set(ids)


def test_delete_removes_rows_and_files(app, artist, client, make_image):
    """Deleting the entry removes its rows and every stored file; the link then stops working."""
    claim = submitted(artist, make_image)
    with app.app_context():
        assert list(get_storage().keys())
    csrf = hidden_value(client.get(claim).get_data(as_text=True), "csrf_token")
    response = client.post(f"{claim}/delete", data={"csrf_token": csrf, "confirm": "y"})
    assert response.status_code == 200 and "deleted" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Entry)).all() == []
        assert list(get_storage().keys()) == []
    assert client.get(claim).status_code == 404


def test_claim_previews_are_served_as_inert_images(app, artist, client, make_image):
    """Previews come with an exact type, nosniff and a CSP that forbids everything."""
    claim = submitted(artist, make_image)
    html = client.get(claim).get_data(as_text=True)
    start = html.index(f"{claim}/works/")
    url = html[start : html.index('"', start)]
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_one_entry_link_cannot_show_another_entrys_work(app, artist, client, make_image):
    """A claim token only opens its own entry's images."""
    first = submitted(artist, make_image)
    second = submitted(artist, make_image, credit="Other")
    with app.app_context():
        other_work = db.session.scalars(select(Work).order_by(Work.id.desc())).first()
    assert client.get(f"{first}/works/{other_work.id}/320.webp").status_code == 404
    assert second != first
