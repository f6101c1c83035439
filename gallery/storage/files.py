"""Files that follow the database transaction: written before commit, undone on rollback.

``stage`` writes a file and remembers it on the session; if the transaction rolls back the file
is deleted, so a failed entry leaves neither rows nor files. ``discard`` deletes a file only
once the transaction that dropped its row has committed, so a failed delete loses nothing.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from gallery.extensions import db
from gallery.storage.store import LocalStorage, Storage

log = logging.getLogger(__name__)

_STAGED = "gallery.staged_files"
_DOOMED = "gallery.doomed_files"


def init_storage(app: Flask) -> None:
    """Create the app's file store from its settings: local folder, or S3 when a bucket is set."""
    cfg = app.config
    if cfg.get("S3_BUCKET"):
        from gallery.storage.s3 import S3Storage

        storage: Storage = S3Storage(
            bucket=cfg["S3_BUCKET"],
            prefix=cfg.get("S3_PREFIX", ""),
            endpoint_url=cfg.get("S3_ENDPOINT_URL"),
            region=cfg.get("S3_REGION"),
            access_key=cfg.get("S3_ACCESS_KEY_ID"),
            secret_key=cfg.get("S3_SECRET_ACCESS_KEY"),
        )
    else:
        storage = LocalStorage(cfg["UPLOAD_DIR"])
    app.extensions["gallery.storage.store"] = storage


def get_storage() -> Storage:
    """Return the current app's file store."""
    return current_app.extensions["gallery.storage.store"]


def stage(key: str, data: bytes, *, session: Session | None = None) -> None:
    """Write ``data`` now; delete it again if the current transaction rolls back."""
    storage = get_storage()
    storage.write(key, data)
    keep_with_transaction(key, session=session)


def keep_with_transaction(key: str, *, session: Session | None = None) -> None:
    """Tie an already written file to the current transaction: a rollback deletes it."""
    info = (session or db.session()).info
    info.setdefault(_STAGED, []).append((get_storage(), key))


def discard(key: str, *, session: Session | None = None) -> None:
    """Delete ``key`` after the current transaction commits (never before)."""
    info = (session or db.session()).info
    info.setdefault(_DOOMED, []).append((get_storage(), key))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    """Committed: staged files are now owned by rows; doomed files can go."""
    session.info.pop(_STAGED, None)
    for storage, key in session.info.pop(_DOOMED, []):
        try:
            storage.delete(key)
        except OSError:
            # The row is gone already; ``storage sweep`` will catch the leftover file.
            log.warning("could not delete %s after commit", key)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: object) -> None:
    """Rolled back: files written for the lost rows go; files meant for deletion stay."""
    if session.in_transaction():
        return
    session.info.pop(_DOOMED, None)
    for storage, key in session.info.pop(_STAGED, []):
        try:
            storage.delete(key)
        except OSError:
            log.warning("could not remove %s after rollback", key)
