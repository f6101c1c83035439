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


def test_page_views_read_in_parallel_and_writes_take_the_lock_first(app):
    """GET requests start deferred transactions; posts and background work start immediate."""
    from gallery.database import begin_mode

    with app.test_request_context("/", method="GET"):
        assert begin_mode() == "DEFERRED"
    with app.test_request_context("/submit", method="POST"):
        assert begin_mode() == "IMMEDIATE"
    with app.app_context():
        assert begin_mode() == "IMMEDIATE"
