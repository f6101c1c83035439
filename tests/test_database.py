"""SQLite under concurrency: writers wait for each other instead of failing."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from gallery.extensions import db
from gallery.models import Entry, Licence


def read_then_write(app, n: int, errors: list) -> None:
    """A transaction that reads first and writes after: the pattern SQLite cannot upgrade."""
    with app.app_context():
        try:
            for i in range(5):
                count = db.session.scalar(select(func.count()).select_from(Entry))
                db.session.add(
                    Entry(
                        credit=f"c{count}", licence=Licence.CAMPAIGN, claim_hash=f"{n:032x}{i:032x}"
                    )
                )
                db.session.commit()
        except Exception as error:  # any failure is what the test looks for
            errors.append(error)
        finally:
            db.session.remove()


def test_concurrent_read_then_write_transactions_never_fail(app):
    """Eight threads reading then writing at once all succeed: no 'database is locked'."""
    errors: list = []
    threads = [threading.Thread(target=read_then_write, args=(app, n, errors)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Entry)) == 40


def test_engine_settings_for_concurrency_and_time(app):
    """SQLite: WAL and immediate write transactions. PostgreSQL: the session speaks UTC."""
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            driver = connection.driver_connection
            if db.engine.dialect.name == "sqlite":
                # The write lock is taken as a write transaction begins, never by upgrading.
                assert driver.isolation_level == "IMMEDIATE"
                assert driver.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            else:
                assert driver.execute("SHOW timezone").fetchone()[0].upper() == "UTC"
        finally:
            connection.close()
