"""Database engine settings that keep SQLite safe under concurrent requests."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from gallery.extensions import db


def register_sqlite_pragmas(app: Flask) -> None:
    """Turn on WAL, a busy timeout and foreign keys for every SQLite connection."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    _configure(engine)


def _configure(engine: Engine) -> None:
    """Attach the pragma hook to ``engine`` once."""
    if getattr(engine, "_gallery_pragmas", False):
        return
    engine._gallery_pragmas = True  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, _record) -> None:
        """WAL lets readers work during writes; the timeout waits instead of failing."""
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
