"""The local file store and files tied to database transactions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Entry, Licence
from gallery.storage.files import discard, get_storage, stage
from gallery.storage.store import LocalStorage, StorageError


def test_keys_cannot_escape_the_folder(tmp_path):
    """Keys with '..', absolute paths or odd characters are refused."""
    storage = LocalStorage(tmp_path)
    for key in ("../x", "/etc/passwd", "a/../../b", "a b", "", "a//b"):
        with pytest.raises(StorageError):
            storage.write(key, b"x")


def test_write_is_atomic_and_leaves_no_temporary_files(tmp_path):
    """A write replaces the file whole; listing never shows temporary names."""
    storage = LocalStorage(tmp_path)
    storage.write("files/a.png", b"one")
    storage.write("files/a.png", b"two")
    assert storage.read("files/a.png") == b"two"
    assert list(storage.keys()) == ["files/a.png"]


def entry_row() -> Entry:
    """Return a minimal entry for transaction tests."""
    return Entry(credit="x", licence=Licence.CAMPAIGN, claim_hash="0" * 64)


def test_staged_file_is_removed_when_the_transaction_rolls_back(app):
    """If the commit never happens, the file written for it is gone: nothing half-stored."""
    with app.app_context():
        db.session.add(entry_row())
        db.session.flush()
        stage("files/staged.png", b"data")
        assert get_storage().exists("files/staged.png")
        db.session.rollback()
        assert not get_storage().exists("files/staged.png")


def test_staged_file_stays_after_commit(app):
    """A committed transaction keeps its files."""
    with app.app_context():
        db.session.add(entry_row())
        stage("files/kept.png", b"data")
        db.session.commit()
        db.session.rollback()
        assert get_storage().exists("files/kept.png")


def test_a_failed_commit_leaves_no_file(app):
    """A commit that fails (here: a unique violation) removes the files written for it."""
    with app.app_context():
        db.session.add(entry_row())
        db.session.commit()
        db.session.add(entry_row())  # same claim hash: the database refuses it
        stage("files/doomed.png", b"data")
        with pytest.raises(Exception, match=r"(?i)unique"):
            db.session.commit()
        db.session.rollback()
        assert not get_storage().exists("files/doomed.png")
        assert len(db.session.scalars(select(Entry)).all()) == 1


def test_discarded_file_goes_only_after_commit(app):
    """A file marked for deletion survives a rollback and is deleted by a commit."""
    with app.app_context():
        get_storage().write("files/old.png", b"data")
        db.session.add(entry_row())
        discard("files/old.png")
        db.session.rollback()
        assert get_storage().exists("files/old.png")
        db.session.add(entry_row())
        discard("files/old.png")
        db.session.commit()
        assert not get_storage().exists("files/old.png")
