"""Background jobs: ``enqueue(kind, export_id)`` runs a job and records its state on the row.

The backend is chosen by ``JOB_BACKEND``: ``thread`` runs jobs one at a time in a thread of
the web process, ``sync`` runs them inline (tests, the command line), ``rq`` puts them on a
Redis queue that ``flask --app wsgi jobs worker`` processes run (on any machine that shares
the database and the file store). A job
owns its own app context and database session and commits progress as it goes, so the page
that started it can be reloaded, or even the process restarted. Whoever holds a job keeps its
heartbeat fresh; a job nobody holds any more is failed where it is read (``gallery.liveness``).
"""

from __future__ import annotations

import importlib
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from functools import cached_property
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import update

from gallery.extensions import db
from gallery.liveness import heartbeat, held_in_redis, worker_name
from gallery.models.printing import Export, ExportState
from gallery.models.submissions import utcnow
from gallery.refusals import Refused

log = logging.getLogger(__name__)

TIMED_OUT = "timed-out"
_EXTENSION = "gallery.jobs"
_HANDLERS = "gallery.jobs.handlers"


class JobError(Exception):
    """A job failed with a message fit to show the person who started it."""


class JobTimeoutError(JobError):
    """A job ran longer than ``JOB_TIMEOUT_SECONDS``."""


class JobAbandonedError(Exception):
    """The row is no longer this process's to run: failed as stale, removed or retried."""


class Backend(Protocol):
    """What a job backend does: take a job and make sure it runs once."""

    def enqueue(self, kind: str, export_id: int) -> None:
        """Run (or schedule) job ``kind`` for export ``export_id``."""


class SyncBackend:
    """Run each job inline, in the caller's app context (tests, commands)."""

    def enqueue(self, kind: str, export_id: int) -> None:
        """Run the job now and return when it is finished."""
        run_job(kind, export_id)


class ThreadBackend:
    """Run jobs one at a time in a daemon thread of this process (bounded memory)."""

    def __init__(self, app: Flask) -> None:
        """Remember ``app``; the worker thread starts with the first job."""
        self.app = app
        self.jobs: queue.Queue[tuple[str, int]] = queue.Queue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()

    def enqueue(self, kind: str, export_id: int) -> None:
        """Queue the job; start the worker thread if it is not running."""
        # Held by this process until done: its heartbeat shows it is still waiting here.
        heartbeat(self.app).hold()
        self.jobs.put((kind, export_id))
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                # Daemon: stopping the server must not wait for a render; the abandoned
                # row's heartbeat stops, and whoever reads it next fails it.
                self.thread = threading.Thread(target=self._work, name="gallery-jobs", daemon=True)
                self.thread.start()

    def _work(self) -> None:
        """Take jobs off the queue forever, each in a fresh app context and session."""
        while True:
            kind, export_id = self.jobs.get()
            try:
                with self.app.app_context():
                    try:
                        run_job(kind, export_id)
                    finally:
                        db.session.remove()
            except Exception:
                # run_job records failures itself; this only guards the thread.
                log.exception("job %s %s crashed the worker", kind, export_id)
            finally:
                heartbeat(self.app).release()
                self.jobs.task_done()

    def wait(self, timeout: float = 60.0) -> bool:
        """Wait until every queued job is done (tests); return False on timeout."""
        deadline = time.monotonic() + timeout
        while self.jobs.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True


class RQBackend:
    """Hand jobs to a Redis queue; `flask --app wsgi jobs worker` processes run them."""

    def __init__(self, app: Flask) -> None:
        """Check the settings; the queue is opened with the first job (see ``queue``)."""
        self.url = app.config.get("REDIS_URL")
        if not self.url:
            raise ValueError(
                "JOB_BACKEND=rq needs GALLERY_REDIS_URL (e.g. redis://127.0.0.1:6379/0)"
            )
        self.name = app.config["JOB_QUEUE"]
        self.timeout = int(app.config["JOB_TIMEOUT_SECONDS"]) + 60

    @cached_property
    def queue(self):
        """Return the ``JOB_QUEUE`` queue at ``REDIS_URL``.

        Opened on first use: redis and rq would otherwise load in every process that builds
        the app, most of which never start an export. Redis connects lazily as well, so two
        threads making it at once cost nothing but a spare object.
        """
        from redis import Redis
        from rq import Queue

        return Queue(self.name, connection=Redis.from_url(self.url))

    def enqueue(self, kind: str, export_id: int) -> None:
        """Queue the job in Redis, then name that job as the row's holder."""
        job_id = uuid.uuid4().hex
        self.queue.enqueue(run_queued_job, kind, export_id, job_id=job_id, job_timeout=self.timeout)
        # A web process may restart before a worker picks the job up; the job is safe in Redis,
        # and the row waits as long as Redis holds it. A worker that claimed it already wins.
        db.session.execute(
            update(Export)
            .where(
                Export.id == export_id,
                Export.state == ExportState.QUEUED,
                Export.worker == worker_name(),
            )
            .values(worker=held_in_redis(job_id), heartbeat_at=utcnow())
        )
        db.session.commit()


def run_queued_job(kind: str, export_id: int) -> None:
    """Run a job inside a queue worker (the worker command provides the app context)."""
    try:
        run_job(kind, export_id)
    finally:
        db.session.remove()


def init_app(app: Flask) -> None:
    """Create the configured backend (nothing is read or changed in the database here)."""
    name = str(app.config.get("JOB_BACKEND", "thread")).lower()
    if name == "sync":
        backend: Backend = SyncBackend()
    elif name == "thread":
        backend = ThreadBackend(app)
    elif name == "rq":
        backend = RQBackend(app)
    else:
        raise ValueError(f"JOB_BACKEND: expected thread, sync or rq, got {name!r}")
    app.extensions[_EXTENSION] = backend


def register_handler(app: Flask, kind: str, target: str) -> None:
    """Let jobs of ``kind`` run ``target`` ("module:function" taking (export_id, progress=…)).

    Features register the jobs they own when the app is built; the function is imported
    only when a job runs, so processes that never run one never load it.
    """
    app.extensions.setdefault(_HANDLERS, {})[kind] = target


def backend() -> Backend:
    """Return the current app's job backend."""
    return current_app.extensions[_EXTENSION]


def enqueue(kind: str, export_id: int) -> None:
    """Run job ``kind`` for ``export_id`` on the configured backend (after the row is committed)."""
    if kind not in current_app.extensions.get(_HANDLERS, {}):
        raise ValueError(f"unknown job kind {kind!r}")
    # Held by this process until a queue or worker takes it: a crash before then is noticed.
    db.session.execute(
        update(Export)
        .where(Export.id == export_id, Export.state == ExportState.QUEUED)
        .values(worker=worker_name(), heartbeat_at=utcnow())
    )
    db.session.commit()
    backend().enqueue(kind, export_id)


def start_job(kind: str, export_id: int) -> None:
    """Run job ``kind`` for ``export_id`` once the request's work is committed.

    A job runs in another thread or process, which sees the export's row only once it is
    committed.
    """
    from gallery.transaction import after_commit

    after_commit(lambda: enqueue(kind, export_id))


def _handler(kind: str) -> Callable[..., None]:
    """Import the function that does the work of ``kind``."""
    module, _, name = current_app.extensions[_HANDLERS][kind].partition(":")
    return getattr(importlib.import_module(module), name)


def run_job(kind: str, export_id: int) -> None:
    """Run one job: mark it running, report progress, then done or failed (committing each)."""
    me = worker_name()
    # Claim the row atomically so two processes never run the same job.
    claimed = db.session.execute(
        update(Export)
        .where(Export.id == export_id, Export.state == ExportState.QUEUED)
        .values(state=ExportState.RUNNING, worker=me, heartbeat_at=utcnow())
    ).rowcount
    db.session.commit()
    if not claimed or db.session.get(Export, export_id) is None:
        log.info("job %s %s skipped: not queued", kind, export_id)
        return
    beat = heartbeat()
    beat.hold()  # beats between progress reports too: a long sheet is not silence
    try:
        _run_claimed(kind, export_id, me)
    finally:
        beat.release()


def _mine(export_id: int, me: str) -> tuple:
    """Return the condition that the row is still running and held by this process."""
    return (Export.id == export_id, Export.state == ExportState.RUNNING, Export.worker == me)


def _run_claimed(kind: str, export_id: int, me: str) -> None:
    """Run a claimed job's handler and record how it ended, as long as the row is ours."""
    deadline = time.monotonic() + float(current_app.config["JOB_TIMEOUT_SECONDS"])

    def progress(done: int, total: int) -> None:
        """Record progress; stop the job once it is over time or no longer ours."""
        if time.monotonic() > deadline:
            raise JobTimeoutError(TIMED_OUT)
        reported = db.session.execute(
            update(Export)
            .where(*_mine(export_id, me))
            .values(progress=done, total=total, heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if not reported:
            raise JobAbandonedError(export_id)

    try:
        _handler(kind)(export_id, progress=progress)
    except JobAbandonedError:
        db.session.rollback()
        log.info("job %s %s stopped: the export is no longer this process's", kind, export_id)
        return
    except Exception as exc:
        db.session.rollback()
        _fail(export_id, me, exc)
        return
    # Only a job still running here may finish: a work of this export may have been deleted
    # while it rendered (then the export was removed and its PDF must not be kept), or the
    # job was given up as stale and tried again elsewhere.
    finished = db.session.execute(
        update(Export)
        .where(*_mine(export_id, me))
        .values(state=ExportState.DONE, progress=Export.total, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not finished:
        db.session.rollback()  # also deletes the PDF the job stored
        log.info("job %s %s dropped: the export is no longer this process's", kind, export_id)
        return
    db.session.commit()
    log.info("job %s %s done", kind, export_id)


def _fail(export_id: int, me: str, exc: Exception) -> None:
    """Record why a job failed: known problems by message, anything else as a generic error."""
    if isinstance(exc, JobError | Refused | ValueError):
        log.warning("job for export %s failed: %s", export_id, exc)
        message = str(exc)
    else:
        log.exception("job for export %s crashed", export_id)
        message = "error"
    db.session.execute(
        update(Export)
        .where(*_mine(export_id, me))
        .values(state=ExportState.FAILED, error=message[:2000], finished_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
