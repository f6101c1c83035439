"""A private contact is kept only when the artist asked to be contacted."""

from __future__ import annotations

from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Entry


def stored_entry(app) -> Entry:
    """Return the one stored entry."""
    with app.app_context():
        entry = db.session.scalars(select(Entry)).one()
        db.session.expunge(entry)
        return entry


def test_a_contact_given_without_asking_to_be_contacted_is_not_kept(app, artist, make_image):
    """Typed in, box left unticked: the contact is dropped before anything is stored."""
    response = artist.submit([(make_image(), "a.png")], contact="maria@example.org")
    assert response.status_code == 303
    entry = stored_entry(app)
    assert entry.contact == "" and entry.wants_contact is False


def test_a_contact_the_artist_wants_used_is_kept(app, artist, make_image):
    """Ticked: the contact is stored for the admins."""
    response = artist.submit(
        [(make_image(), "a.png")], contact="maria@example.org", wants_contact="y"
    )
    assert response.status_code == 303
    entry = stored_entry(app)
    assert entry.contact == "maria@example.org" and entry.wants_contact is True
