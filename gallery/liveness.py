"""Is an export's job still held by someone? Heartbeats, and failing the jobs nobody holds.

Every active export row names its holder in ``worker``:

- ``host:pid``, the process running it (or, with the thread backend, holding it in its
  queue). That process writes ``heartbeat_at`` every few seconds (``Heartbeat``); a row whose
  heartbeat is older than ``JOB_STALE_SECONDS`` is held by nobody any more. On the holder's
  own host a vanished process is noticed at once;
- ``redis-queue:<job id>``, a job waiting in Redis. Waiting is not failing: however long the
  backlog, the row stays queued while Redis still holds its job, and fails only once the job
  is gone (Redis flushed or lost).

Whichever process reads a row next (the status endpoint, the export pages, each worker's
periodic sweep) fails such a job, on any host, without a restart; it can be tried again.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

from gallery.extensions import db
from gallery.models.base import utcnow
from gallery.models.printing import ACTIVE_STATES, Export, ExportState

log = logging.getLogger(__name__)

INTERRUPTED = "interrupted"  # error code of a job whose process stopped under it
LOST = "lost"  # error code of a job the queue lost before a worker took it
QUEUED_IN_REDIS = "redis-queue"  # holder prefix of a row waiting in the Redis queue
_HEARTBEAT = "gallery.liveness.heartbeat"
_REDIS = "gallery.liveness.redis"
# Job states in which Redis will still hand the job to a worker (or one has just taken it).
_WAITING = frozenset({"queued", "deferred", "scheduled", "started"})


def worker_name() -> str:
    """Return this process's name in job rows: host and process id, no personal data."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}"


def held_in_redis(job_id: str) -> str:
    """Return the holder of a row whose job ``job_id`` waits in the Redis queue."""
    return f"{QUEUED_IN_REDIS}:{job_id}"


def stale_after(app: Flask) -> float:
    """Return how many seconds without a heartbeat make a job's holder count as gone."""
    return float(app.config["JOB_STALE_SECONDS"])


def beat_interval(app: Flask) -> float:
    """Return how often a holder writes its heartbeat: a few times per stale window."""
    return max(0.2, min(5.0, stale_after(app) / 6))


class Heartbeat:
    """Keeps ``heartbeat_at`` fresh on every active row this process holds.

    One daemon thread per process beats while anything is held (a job running, or waiting
    in this process's own queue), so a long sheet never silences it; it stops when nothing is.
    """

    def __init__(self, app: Flask) -> None:
        """Remember ``app``; the thread starts with the first hold."""
        self.app = app
        self.holds = 0
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def hold(self) -> None:
        """Count one more held job and make sure the thread beats."""
        with self.lock:
            self.holds += 1
            # After a fork the parent's thread object is dead in the child: start a new one.
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(
                    target=self._run, name="gallery-heartbeat", daemon=True
                )
                self.thread.start()

    def release(self) -> None:
        """Count one held job less; the thread stops after its next beat when none is left."""
        with self.lock:
            self.holds = max(0, self.holds - 1)

    def _run(self) -> None:
        """Beat every interval until nothing is held any more."""
        interval = beat_interval(self.app)
        stop = threading.Event()
        while not stop.wait(interval):
            with self.lock:
                if self.holds == 0:
                    self.thread = None
                    return
            self.beat()

    def beat(self) -> int:
        """Write the heartbeat of every active row held by this process; return how many."""
        try:
            with self.app.app_context(), db.engine.begin() as connection:
                return connection.execute(
                    update(Export)
                    .where(Export.worker == worker_name(), Export.state.in_(ACTIVE_STATES))
                    .values(heartbeat_at=utcnow())
                ).rowcount
        except SQLAlchemyError:
            # A busy or briefly unreachable database: the next beat tries again.
            log.warning("heartbeat not written", exc_info=True)
            return 0


def heartbeat(app: Flask | None = None) -> Heartbeat:
    """Return the app's heartbeat (one per app and process)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    beat = app.extensions.get(_HEARTBEAT)
    if beat is None:
        beat = app.extensions[_HEARTBEAT] = Heartbeat(app)
    return beat


def fail_stale_jobs(exports: Iterable[Export] | None = None) -> int:
    """Fail the jobs among ``exports`` (default: every active one) that nobody holds any more.

    Each row is failed with a condition on what made it stale, checked by the database, so a
    heartbeat or a claim that lands meanwhile wins. Flushes; returns how many were failed.
    """
    if exports is None:
        exports = db.session.scalars(select(Export).where(Export.state.in_(ACTIVE_STATES)))
    active = [export for export in exports if export.state in ACTIVE_STATES]
    if not active:
        return 0
    cutoff = utcnow() - timedelta(seconds=stale_after(current_app))
    in_redis = _jobs_in_redis([_redis_job(export) for export in active])
    failed = 0
    for export in active:
        job_id = _redis_job(export)
        if job_id is not None:
            still_there = in_redis.get(job_id)
            if still_there is False:
                failed += _fail(export, LOST, Export.state == ExportState.QUEUED)
            continue  # waiting in Redis, or Redis cannot say: waiting is not failing
        if export.worker == QUEUED_IN_REDIS:
            continue  # queued before holders named their Redis job: nothing to ask Redis
        if _process_gone(export.worker):
            failed += _fail(export, INTERRUPTED)
        elif _seen(export) < cutoff:
            seen = func.coalesce(Export.heartbeat_at, Export.created_at)
            failed += _fail(export, INTERRUPTED, seen < cutoff)
    if failed:
        log.warning("marked %d export jobs failed: nobody holds them any more", failed)
    return failed


def _seen(export: Export) -> datetime:
    """Return when the row's holder was last heard of, as an aware UTC time."""
    seen = export.heartbeat_at or export.created_at
    return seen if seen.tzinfo else seen.replace(tzinfo=utcnow().tzinfo)


def _fail(export: Export, code: str, *conditions) -> int:
    """Fail ``export`` if it still has the holder and state it was read with; return 1 if so."""
    failed = db.session.execute(
        update(Export)
        .where(
            Export.id == export.id,
            Export.state == export.state,
            Export.worker == export.worker,
            *conditions,
        )
        .values(state=ExportState.FAILED, error=code, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.flush()
    db.session.refresh(export)
    return failed


def _process_gone(worker: str) -> bool:
    """Tell whether ``worker`` names a process on this host that no longer exists."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname()[:60] or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # exists, owned by someone else
    return False


def _redis_job(export: Export) -> str | None:
    """Return the Redis job id the row waits for, or None when it is held by a process."""
    prefix, _, job_id = (export.worker or "").partition(":")
    return job_id if prefix == QUEUED_IN_REDIS and job_id else None


def _jobs_in_redis(job_ids: list[str | None]) -> dict[str, bool | None]:
    """Tell for each job id whether Redis will still run it (None: Redis cannot be asked)."""
    wanted = [job_id for job_id in job_ids if job_id]
    if not wanted:
        return {}
    if not current_app.config.get("REDIS_URL"):
        return dict.fromkeys(wanted)
    from redis.exceptions import RedisError
    from rq.job import Job

    try:
        jobs = Job.fetch_many(wanted, connection=redis_connection())
    except (RedisError, OSError):
        log.warning("cannot ask Redis whether %d queued jobs are still there", len(wanted))
        return dict.fromkeys(wanted)
    return {
        job_id: job is not None and getattr(job.get_status(refresh=False), "value", "") in _WAITING
        for job_id, job in zip(wanted, jobs, strict=True)
    }


def redis_connection():
    """Return this app's Redis connection for job checks (short timeouts: a page waits)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    connection = app.extensions.get(_REDIS)
    if connection is None:
        from redis import Redis

        connection = Redis.from_url(
            app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5
        )
        app.extensions[_REDIS] = connection
    return connection
