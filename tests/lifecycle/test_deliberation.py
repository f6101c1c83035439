"""Comments and conflicts go with what they are about, by whichever path a work is deleted,
and no copy of a deleted comment stays in the database file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from gallery.curation.duplicates import merge_works
from gallery.curation.operations import remove_entry, remove_work
from gallery.extensions import db
from gallery.models import Comment, Conflict, Entry, Work
from gallery.ops.backup import forget_again
from gallery.ops.retention import apply_retention
from tests.conftest import csrf_token_in
from tests.factories import make_comment, make_conflict, make_entry, make_user, make_work, set_state

CLAIM = "claim-token-of-the-discussed-entry"
SECRET_REMARK = "Qzxv remark about a deleted work"


@pytest.fixture
def discussed(app):
    """Entry D (one work, discussed, a conflict declared with it) beside entry K (likewise)."""
    author, declarer = make_user("curator", app=app), make_user("curator", app=app)
    doomed = make_entry(claim_token=CLAIM, app=app).works[0]
    kept = make_work(app=app)
    for work in (doomed, kept):
        make_comment(user=author.id, work=work.id, body=f"{SECRET_REMARK} {work.id}", app=app)
        make_conflict(user=declarer.id, work=work.id, app=app)
    return {"doomed": doomed.id, "kept": kept.id}


def by_the_artist(app, client, work_id: int) -> None:
    """The artist deletes the entry through the private link."""
    claim = f"/claim/{CLAIM}"
    token = csrf_token_in(client.get(claim).get_data(as_text=True))
    assert (
        client.post(f"{claim}/delete", data={"csrf_token": token, "confirm": "y"}).status_code
        == 200
    )


def as_spam_entry(app, client, work_id: int) -> None:
    """A decider deletes the whole entry."""
    with app.app_context():
        remove_entry(entry=db.session.get(Work, work_id).entry)
        db.session.commit()


def as_spam_work(app, client, work_id: int) -> None:
    """A decider deletes the work alone (its entry goes with it, being empty)."""
    with app.app_context():
        remove_work(work=db.session.get(Work, work_id))
        db.session.commit()


def by_retention(app, client, work_id: int) -> None:
    """The work was declined; the retention period ends."""
    with app.app_context():
        set_state(db.session.get(Work, work_id), "declined")
        db.session.commit()
        apply_retention(closed_on=datetime.now(UTC).date(), days=0)
        db.session.commit()


def by_restore(app, client, work_id: int) -> None:
    """A restored backup forgets again a work deleted after it was taken."""
    with app.app_context():
        forget_again({work_id})
        db.session.commit()


PATHS = {
    "artist": by_the_artist,
    "moderation-entry": as_spam_entry,
    "moderation-work": as_spam_work,
    "retention": by_retention,
    "restore": by_restore,
}


@pytest.mark.parametrize("path", PATHS)
def test_comments_and_conflicts_go_with_the_work_and_its_entry(app, client, discussed, path):
    """The database cascade takes them; the other entry's comment and conflict stay."""
    PATHS[path](app, client, discussed["doomed"])
    with app.app_context():
        assert db.session.get(Work, discussed["doomed"]) is None
        comments = db.session.scalars(select(Comment.work_id)).all()
        assert comments == [discussed["kept"]]
        kept_entry = db.session.get(Work, discussed["kept"]).entry_id
        assert db.session.scalars(select(Conflict.entry_id)).all() == [kept_entry]
        assert db.session.scalar(select(Entry.id).where(Entry.id != kept_entry)) is None


def test_merging_moves_the_copys_discussion_to_the_work_kept(app, discussed):
    """The copy's comments are about the same artwork: they join the kept thread."""
    with app.app_context():
        keep = db.session.get(Work, discussed["kept"])
        merge_works(keep=keep, drop=db.session.get(Work, discussed["doomed"]))
        db.session.commit()
        assert db.session.scalars(select(Comment.work_id)).all() == [keep.id, keep.id]


def test_no_deleted_comment_stays_in_the_sqlite_file(app, client, discussed):
    """secure_delete overwrites the freed rows (PostgreSQL dumps hold rows, not pages)."""
    by_the_artist(app, client, discussed["doomed"])
    with app.app_context():
        url = db.engine.url
        if url.get_backend_name() != "sqlite":
            assert (
                db.session.scalar(select(Comment.id).where(Comment.work_id == discussed["doomed"]))
                is None
            )
            return
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.commit()
        data = Path(url.database).read_bytes()
    assert f"{SECRET_REMARK} {discussed['doomed']}".encode() not in data
    assert f"{SECRET_REMARK} {discussed['kept']}".encode() in data
