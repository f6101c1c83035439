"""/admin/contacts: admins see the contacts artists shared, and every look is logged."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Entry
from tests.conftest import log_in_as
from tests.submissions.conftest import Artist

SHARED = "wants-a-reply@example.org"
UNSHARED = "never-shown@example.org"
LEGACY = "stored-before-the-rule@example.org"


@pytest.fixture
def entries(app, make_image) -> dict:
    """Three entries: one asked to be contacted, one gave a contact without asking, and one
    stored before contacts were dropped (a contact without the wish). Returns their ids and
    the first one's claim link."""
    artist = Artist(app.test_client())
    sent = artist.submit(
        [(make_image(), "a.png", "Fist"), (make_image(colour=(9, 9, 200)), "b.png", "Dove")],
        credit="Ana",
        contact=SHARED,
        wants_contact="y",
    )
    claim = artist.claim_url(sent)
    artist.submit([(make_image(colour=(9, 200, 9)), "c.png")], credit="Bo", contact=UNSHARED)
    artist.submit([(make_image(colour=(200, 200, 9)), "d.png")], anonymous="y", credit="")
    with app.app_context():
        rows = {e.credit or "anonymous": e for e in db.session.scalars(select(Entry))}
        rows["anonymous"].contact = LEGACY  # as older rows may hold
        db.session.commit()
        return {"claim": claim, **{name: entry.id for name, entry in rows.items()}}


def test_admins_see_only_the_contacts_artists_asked_to_share(app, client, entries):
    """The page lists the entry, its works, credit, contact and date; nothing else."""
    log_in_as(client, app, "admin")
    response = client.get("/admin/contacts")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert SHARED in page and UNSHARED not in page and LEGACY not in page
    row = re.search(r"<tr>\s*<td>(\d+)</td>.*?</tr>", page, re.S)
    assert int(row.group(1)) == entries["Ana"]
    assert "Fist" in row.group(0) and "Dove" in row.group(0) and "Ana" in row.group(0)
    assert len(re.findall(r"<tr>\s*<td>\d+</td>", page)) == 1


def test_the_admin_area_links_to_the_contacts(app, client):
    """Admins find the page from the accounts page."""
    log_in_as(client, app, "admin")
    assert 'href="/admin/contacts"' in client.get("/admin/users").get_data(as_text=True)


@pytest.mark.parametrize("roles", [("curator",), ("printer",), ("curator", "printer")])
def test_other_staff_get_403(app, client, entries, roles):
    """Curators and printers, deciding or not, are refused."""
    log_in_as(client, app, *roles, decider=True)
    response = client.get("/admin/contacts")
    assert response.status_code == 403 and SHARED not in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_log_in(client, entries):
    """No session, no contacts."""
    response = client.get("/admin/contacts")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_each_view_is_logged_with_the_admin_and_a_count_only(app, client, entries, caplog):
    """Who looked and how many they saw; never the contacts themselves."""
    admin = log_in_as(client, app, "admin")
    with caplog.at_level(logging.INFO, logger="gallery"):
        client.get("/admin/contacts")
        client.get("/admin/contacts")
    lines = [r.getMessage() for r in caplog.records if "contacts page" in r.getMessage()]
    assert lines == [f"contacts page viewed by user {admin.id}: 1 contacts shown"] * 2
    assert SHARED not in caplog.text and "Ana" not in caplog.text


def test_no_other_page_shows_a_contact(app, client, entries):
    """Every other page an admin can open (with this entry's ids filled in) leaves it out."""
    log_in_as(client, app, "admin", "curator", "printer")
    with app.app_context():
        entry = db.session.get(Entry, entries["Ana"])
        ids = {"work_id": entry.works[0].id, "entry_id": entry.id}
    opened = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in ("admin.contacts", "static"):
            continue
        values = {name: ids.get(name, 1) for name in rule.arguments}
        path = rule.build(values, append_unknown=False)[1]
        response = client.get(path)
        if response.status_code == 200:
            opened.add(rule.endpoint)
        assert SHARED not in response.get_data(as_text=True), path
    # Not even the artist's own private page repeats it.
    assert SHARED not in client.get(entries["claim"]).get_data(as_text=True)
    # The pages that show an entry's details to staff were really looked at.
    assert {"curation.gallery", "curation.work", "admin.users", "printing.index"} <= opened
