"""Database engine settings that keep SQLite safe under concurrent requests.

SQLite allows one writer at a time. With WAL, readers never block; a busy timeout makes a
writer wait for the lock instead of failing. One trap remains: a transaction that starts
by reading and later writes cannot wait for the lock (SQLite refuses the upgrade at once, to
avoid a deadlock), so "database is locked" would reach the user. Transactions that may write
therefore start with ``BEGIN IMMEDIATE``, taking the write lock up front (and waiting for it),
while page views (GET/HEAD) start deferred so they read in parallel.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from gallery.extensions import db

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def register_sqlite_pragmas(app: Flask) -> None:
    """Turn on WAL, a busy timeout, foreign keys and write-safe transactions for SQLite."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    _configure(engine)


def begin_mode() -> str:
    """Return how the next transaction starts: deferred for page views, else immediate."""
    if has_request_context() and request.method in READ_ONLY_METHODS:
        return "DEFERRED"
    return "IMMEDIATE"


def _configure(engine: Engine) -> None:
    """Attach the connection and transaction hooks to ``engine`` once."""
    if getattr(engine, "_gallery_pragmas", False):
        return
    engine._gallery_pragmas = True  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, _record) -> None:
        """WAL lets readers work during writes; the timeout waits instead of failing."""
        # Let SQLAlchemy's "begin" hook below issue BEGIN instead of the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(connection) -> None:
        """Start each transaction deferred or immediate, as ``begin_mode`` says."""
        connection.exec_driver_sql(f"BEGIN {begin_mode()}")
