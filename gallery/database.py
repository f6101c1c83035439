"""Database engine settings that keep SQLite safe under concurrent requests.

SQLite allows one writer at a time. With WAL, readers never block the writer; a busy timeout
makes a writer wait for the lock instead of failing. One trap remains: a transaction that
reads first and writes later cannot wait for the lock (SQLite refuses the upgrade at once, to
avoid a deadlock), so "database is locked" would reach the user. The driver therefore opens
a transaction only right before the first write, and opens it with ``BEGIN IMMEDIATE``: reads
before it run on their own, and the write lock is taken, waiting if need be, as the
transaction starts.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from gallery.extensions import db


def register_sqlite_pragmas(app: Flask) -> None:
    """Turn on WAL, a busy timeout, foreign keys and immediate write transactions for SQLite."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine
    create_private_file(engine.url.database)
    _configure(engine)


def dialect_insert(model):
    """Return the session database's own INSERT for ``model`` (with ON CONFLICT), or None.

    Only SQLite and PostgreSQL have one. Only the dialect in use is imported: importing
    PostgreSQL's for every SQLite site (or the reverse) cost each process 30 ms at start-up.
    """
    name = db.session.get_bind().dialect.name
    if name not in ("sqlite", "postgresql"):
        return None
    return importlib.import_module(f"sqlalchemy.dialects.{name}").insert(model)


def create_private_file(database: str | None) -> None:
    """Create a missing SQLite file readable by its owner only (its WAL files inherit that).

    It holds artists' private contacts and credits: no other account on the host reads it.
    """
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return  # a missing folder stays an error the health check reports
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _configure(engine: Engine) -> None:
    """Attach the connection hook to ``engine`` once."""
    if getattr(engine, "_gallery_pragmas", False):
        return
    engine._gallery_pragmas = True  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, _record) -> None:
        """WAL lets readers work during writes; the timeout waits instead of failing."""
        # The driver's implicit BEGIN (issued before the first INSERT/UPDATE/DELETE) becomes
        # BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = "IMMEDIATE"
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, not left in free pages: "delete" means
        # gone from the file too, not only from query results.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
