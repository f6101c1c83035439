"""Spam and abuse: deciders and admins delete a work or a whole entry, files included."""

from __future__ import annotations

from gallery.extensions import db
from gallery.models import Entry, Work
from gallery.storage.files import get_storage
from tests.curation.pages import post
from tests.factories import make_entry, make_work


def test_deleting_a_work_needs_the_box_ticked_and_removes_its_files(app, client, login_user_as):
    """Without confirmation nothing happens; with it the work and its files go, the entry stays."""
    login_user_as(client, app, "curator", decider=True)
    with app.app_context():
        spam, kept = make_entry(works=2, files=True).works
        spam_id, kept_id, spam_keys = spam.id, kept.id, spam.file_keys()
    page = f"/curate/works/{spam_id}"
    post(client, page, f"{page}/delete", {})
    with app.app_context():
        assert db.session.get(Work, spam_id) is not None
    response = post(client, page, f"{page}/delete", {"confirm": "y"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Work, spam_id) is None
        assert db.session.get(Work, kept_id) is not None
        assert not set(get_storage().keys()) & set(spam_keys)


def test_deleting_a_whole_entry_removes_every_work_and_file(app, client, login_user_as):
    """One confirmed button: the entry, its works and all their files are gone."""
    login_user_as(client, app, "admin")
    with app.app_context():
        works = make_entry(works=3, files=True).works
        entry_id, work_id = works[0].entry_id, works[0].id
    page = f"/curate/works/{work_id}"
    response = post(client, page, f"/curate/entries/{entry_id}/delete", {"entry-confirm": "y"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Entry, entry_id) is None
        assert list(get_storage().keys()) == []


def test_plain_curators_cannot_delete(app, client, login_user_as):
    """Removal is for deciders and admins only."""
    login_user_as(client, app, "curator")
    with app.app_context():
        work = make_work()
        work_id, entry_id = work.id, work.entry_id
    page = f"/curate/works/{work_id}"
    assert "Spam or abuse" not in client.get(page).get_data(as_text=True)
    assert post(client, page, f"{page}/delete", {"confirm": "y"}).status_code == 403
    whole = post(client, page, f"/curate/entries/{entry_id}/delete", {"entry-confirm": "y"})
    assert whole.status_code == 403
