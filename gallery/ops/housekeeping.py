"""Housekeeping of serving and worker processes, in one place, after logging is configured.

Once per process, before its first request (web servers) or before its first job (``jobs
worker``), the jobs nobody holds any more are failed; job workers repeat that every little
while, so no export waits for someone to look at it. Building the app does none of this, so
commands that only read (``works list``, ``doctor`` …) never change a job's state.
"""

from __future__ import annotations

import logging
import os
import threading

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from gallery.extensions import db
from gallery.liveness import fail_stale_jobs, stale_after

log = logging.getLogger(__name__)

_DONE_IN = "gallery.housekeeping.pid"


def housekeeping(app: Flask) -> int:
    """Fail the jobs nobody holds any more, in a session of its own; return how many."""
    # A fresh app context has a session of its own: a request under way is not touched.
    with app.app_context():
        try:
            failed = fail_stale_jobs()
            db.session.commit()
            return failed
        except SQLAlchemyError:
            # A database without the exports table yet (before `db upgrade`), or unreachable:
            # the next reader of a job checks it anyway.
            db.session.rollback()
            log.warning("job housekeeping skipped: database not ready", exc_info=True)
            return 0
        finally:
            db.session.remove()


def register_housekeeping(app: Flask) -> None:
    """Run ``housekeeping`` before the first request each serving process answers."""
    lock = threading.Lock()

    @app.before_request
    def housekeeping_once() -> None:
        """Do the start-up housekeeping of this process, once (a fork is a new process)."""
        if app.extensions.get(_DONE_IN) == os.getpid():
            return
        with lock:
            if app.extensions.get(_DONE_IN) != os.getpid():
                app.extensions[_DONE_IN] = os.getpid()
                housekeeping(app)


def sweep_interval(app: Flask) -> float:
    """Return how often a job worker looks for jobs nobody holds: four times per stale window."""
    return max(0.5, min(15.0, stale_after(app) / 4))


def start_sweeping(app: Flask) -> threading.Event:
    """Run ``housekeeping`` now, then every sweep interval, in a daemon thread.

    Returns the event that stops the thread (a worker never sets it: the sweep ends with it).
    """
    stop = threading.Event()

    def sweep() -> None:
        """Sweep until stopped or the process ends."""
        while True:
            try:
                housekeeping(app)
            except Exception:  # the sweep must outlive any one failure
                log.exception("job sweep failed")
            if stop.wait(sweep_interval(app)):
                return

    threading.Thread(target=sweep, name="gallery-job-sweep", daemon=True).start()
    return stop
