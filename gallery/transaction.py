"""One commit per request, in one place.

Views and domain functions only flush. When a view returns, the request's work is committed
here; when it raises (a refusal, an abort, a crash), the error handlers roll it back first
(``roll_back_request``), so the commit below finds nothing left to write. Work that must wait
until the rows are committed (handing an export to a job runner, which reads it from another
session) is registered with ``after_commit`` and runs right after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, g

from gallery.extensions import db

_WAITING = "gallery_after_commit"


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once this request's work is committed (never if it is rolled back)."""
    g.setdefault(_WAITING, []).append(callback)


def roll_back_request() -> None:
    """Drop the request's work and whatever waited for its commit (error answers call this)."""
    db.session.rollback()
    g.pop(_WAITING, None)


def commit_requests(app: Flask) -> None:
    """Commit every request's work after its view, then run what waited for the commit."""

    @app.after_request
    def commit(response: Response) -> Response:
        """Commit what the view did (error answers rolled back already)."""
        db.session.commit()
        for callback in g.pop(_WAITING, ()):
            callback()
        return response


@contextmanager
def short_write() -> Iterator[None]:
    """Commit the writes of the block at once, in a transaction of their own.

    For the few writes many curators make at the same moment (handing out pairs, refitting
    the ranking): SQLite has one write lock, and holding it while the page renders would make
    the others wait. Whatever the request read before is ended first, so the block's
    transaction can wait for the lock instead of failing to upgrade a read.
    """
    db.session.commit()
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
