"""``flask --app wsgi doctor``: is this set-up fit for several processes and machines?

Each check yields one ``Check`` (ok, warn or fail). Nothing is changed: the store is probed
with a file that is deleted again, and no job's state is touched.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import text

from gallery.cli import Check
from gallery.extensions import db
from gallery.storage.files import get_storage
from gallery.storage.probe import bucket_check, describe, probe, where

# Farther apart than this, a host's and the database's clocks make heartbeats lie.
CLOCK_TOLERANCE_SECONDS = 5.0


def run_checks(app: Flask) -> Iterator[Check]:
    """Yield every check in turn (inside an app context)."""
    database = database_check()
    yield database
    if not database.failed:
        yield schema_check()
        if is_server_database(app):
            yield clock_check()
    yield secret_key_check(app)
    yield from store_checks(app)
    yield rate_limit_check(app)
    yield from job_checks(app)


def is_server_database(app: Flask) -> bool:
    """Tell whether the database is a server other machines can share (not SQLite)."""
    return not str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")


def web_processes() -> int:
    """Return how many gunicorn workers ``deploy/gunicorn.conf.py`` starts on this machine."""
    return int(os.environ.get("GUNICORN_WORKERS") or os.cpu_count() or 1)


def public_url(url: str) -> str:
    """Return ``url`` without user name or password, for output."""
    parts = urlsplit(url)
    host = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname or ""
    return f"{parts.scheme}://{host}{parts.path}"


def database_check() -> Check:
    """Run a trivial query."""
    name = db.engine.url.render_as_string(hide_password=True)
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "not reachable"
        db.session.rollback()
        return Check("fail", "database", f"{name}: {describe(exc)}")
    return Check("ok", "database", name)


def schema_check() -> Check:
    """Compare the database's migration with the one this code needs."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(Path(__file__).resolve().parents[1] / "migrations"))
    needed = set(script.get_heads())
    chatty = logging.getLogger("alembic")
    level = chatty.level
    chatty.setLevel(logging.WARNING)  # its "Context impl" lines are no news to an operator
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    finally:
        chatty.setLevel(level)
    if current == needed:
        return Check("ok", "schema", f"at {', '.join(sorted(current))}")
    found = ", ".join(sorted(current)) or "no schema"
    return Check(
        "fail",
        "schema",
        f"{found}, this code needs {', '.join(sorted(needed))}: run `flask --app wsgi db upgrade`",
    )


def clock_check() -> Check:
    """Compare this host's clock with the database server's: heartbeats rely on both."""
    before = time.time()
    now = db.session.execute(text("SELECT now()")).scalar_one()
    after = time.time()
    db.session.rollback()
    offset = now.timestamp() - (before + after) / 2
    if abs(offset) > CLOCK_TOLERANCE_SECONDS:
        return Check(
            "warn",
            "clock",
            f"this host is {offset:+.1f} s off the database server: job heartbeats look "
            "older or newer than they are; keep every machine's clock in step (NTP)",
        )
    return Check("ok", "clock", f"{offset:+.1f} s from the database server")


def secret_key_check(app: Flask) -> Check:
    """A key made in the instance folder is this machine's alone."""
    made_here = Path(app.instance_path) / "secret_key"
    if made_here.is_file() and made_here.read_text().strip() == app.config["SECRET_KEY"]:
        return Check(
            "warn",
            "secret-key",
            f"made on this machine ({made_here}): set the same GALLERY_SECRET_KEY on every "
            "machine, or sessions and forms from one are refused by another",
        )
    return Check("ok", "secret-key", "set in the settings")


def store_checks(app: Flask) -> Iterator[Check]:
    """Check the bucket (or warn about a local folder next to a shared database), then probe."""
    storage = get_storage()
    store = bucket_check(storage, create=False)
    if store.failed:
        yield store
        return
    if not app.config.get("S3_BUCKET") and is_server_database(app):
        yield Check(
            "warn",
            "store",
            f"{where(storage)} on this machine while the database is shared: other machines "
            "will not find its files; set GALLERY_S3_BUCKET",
        )
    else:
        yield store
    yield from probe(storage)


def rate_limit_check(app: Flask) -> Check:
    """Rate-limit counters must be shared by every process that answers requests."""
    if not app.config.get("RATELIMIT_ENABLED", True):
        return Check("warn", "rate-limits", "off: logins and submissions are not limited")
    uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if uri.startswith("memory"):
        processes = web_processes()
        if processes > 1 or is_server_database(app) or app.config.get("S3_BUCKET"):
            return Check(
                "warn",
                "rate-limits",
                f"counted in each process (memory://): with {processes} gunicorn workers "
                f"(GUNICORN_WORKERS) a client gets {processes} times each limit, more on every "
                "further machine; set GALLERY_RATELIMIT_STORAGE_URI=redis://…",
            )
        return Check("ok", "rate-limits", "memory:// in the one web process")
    if uri.startswith(("redis://", "rediss://")):
        problem = _redis_problem(uri)
        if problem:
            return Check("fail", "rate-limits", f"{public_url(uri)}: {problem}")
    return Check("ok", "rate-limits", f"shared in {public_url(uri)}")


def job_checks(app: Flask) -> Iterator[Check]:
    """Say how exports are made; for Redis, whether it answers and a worker listens."""
    backend = str(app.config.get("JOB_BACKEND", "thread")).lower()
    if backend == "thread":
        yield Check("ok", "jobs", "made in a thread of each web process")
        return
    if backend != "rq":
        yield Check("warn", "jobs", f"{backend}: exports are made inside the request")
        return
    url, name = app.config.get("REDIS_URL") or "", app.config["JOB_QUEUE"]
    problem = _redis_problem(url) if url else "GALLERY_REDIS_URL is not set"
    if problem:
        yield Check("fail", "jobs", f"{public_url(url)}: {problem}")
        return
    yield Check("ok", "jobs", f"queue {name} in {public_url(url)}")
    yield workers_check(url, name)


def workers_check(url: str, name: str) -> Check:
    """Look for job workers that told Redis they listen on the queue (RQ expires silent ones)."""
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        workers = Worker.all(queue=Queue(name, connection=connection))
    except Exception as exc:  # any client or network error means "cannot tell"
        return Check("fail", "workers", f"cannot list the workers of queue {name}: {describe(exc)}")
    heard = [w.last_heartbeat for w in workers if w.last_heartbeat is not None]
    if not workers:
        return Check(
            "fail",
            "workers",
            f"no worker seen recently on queue {name}: exports wait until "
            "`flask --app wsgi jobs worker` runs",
        )
    latest = max(heard, default=None)
    age = f", last heard {_age(latest):.0f} s ago" if latest else ""
    return Check("ok", "workers", f"{len(workers)} on queue {name}{age}")


def _age(moment: datetime) -> float:
    """Return the seconds since ``moment`` (RQ writes naive UTC times)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return (datetime.now(UTC) - aware).total_seconds()


def _redis_problem(url: str) -> str | None:
    """Ping Redis at ``url``; return what went wrong, or None when it answers."""
    from redis import Redis

    try:
        Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5).ping()
    except Exception as exc:  # any client or network error means "not usable"
        return describe(exc)
    return None
