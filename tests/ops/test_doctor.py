"""`doctor` names, one line per check, what keeps a set-up from working on several machines."""

from __future__ import annotations

import uuid

import pytest

from gallery import create_app
from tests.servers import free_port


def doctor_app(tmp_path, **settings):
    """Return a non-test app (as an operator's) on throw-away data with ``settings``."""
    return create_app(
        {
            "SECRET_KEY": "a-shared-secret",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "LOG_FORMAT": "none",
            **settings,
        }
    )


def doctor(app) -> tuple[int, dict[str, tuple[str, str]]]:
    """Run `doctor`; return its exit status and each check's status and detail by name."""
    result = app.test_cli_runner().invoke(args=["doctor"])
    rows = [line.split("\t") for line in result.output.splitlines()]
    assert all(len(row) == 3 for row in rows), result.output
    assert all(row[0] in ("ok", "warn", "fail") for row in rows), result.output
    return result.exit_code, {name: (status, detail) for status, name, detail in rows}


def test_a_one_machine_set_up_is_all_ok(tmp_path, monkeypatch):
    """SQLite at the current schema, local files, one web process, jobs in a thread."""
    monkeypatch.setenv("GUNICORN_WORKERS", "1")
    app = doctor_app(tmp_path)
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    status, checks = doctor(app)
    assert status == 0
    assert list(checks) == [
        "database",
        "schema",
        "secret-key",
        "store",
        "write",
        "read",
        "delete",
        "rate-limits",
        "jobs",
    ]
    assert {check[0] for check in checks.values()} == {"ok"}


def test_a_database_behind_the_code_fails(tmp_path):
    """A database never upgraded is named, with the command that fixes it."""
    status, checks = doctor(doctor_app(tmp_path))
    assert status == 1
    assert checks["schema"][0] == "fail" and "flask --app wsgi db upgrade" in checks["schema"][1]


def test_what_breaks_across_machines_is_named(tmp_path, monkeypatch, redis_url):
    """Per-process rate limits, local files beside a shared database, a key made here, no
    worker listening: each gets its line, and a failure makes the exit status 1."""
    monkeypatch.setenv("GUNICORN_WORKERS", "4")
    app = doctor_app(
        tmp_path,
        DATABASE_URL=f"postgresql+psycopg://gallery@127.0.0.1:{free_port()}/nowhere",
        JOB_BACKEND="rq",
        REDIS_URL=redis_url,
        JOB_QUEUE=f"test-{uuid.uuid4().hex[:8]}",
    )
    # What `load_config` does without GALLERY_SECRET_KEY: a key of this machine's own.
    app.instance_path = str(tmp_path / "instance")
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "secret_key").write_text(app.config["SECRET_KEY"])
    status, checks = doctor(app)
    assert status == 1
    assert checks["database"][0] == "fail"
    assert checks["secret-key"][0] == "warn" and "GALLERY_SECRET_KEY" in checks["secret-key"][1]
    assert checks["store"][0] == "warn" and "GALLERY_S3_BUCKET" in checks["store"][1]
    assert checks["rate-limits"][0] == "warn" and "4 gunicorn workers" in checks["rate-limits"][1]
    assert checks["jobs"][0] == "ok"
    assert checks["workers"][0] == "fail" and "no worker seen recently" in checks["workers"][1]


def test_a_missing_bucket_fails_and_a_listening_worker_is_seen(
    tmp_path, s3_endpoint, s3_credentials, redis_url
):
    """The bucket is named with `storage init`; a worker registered with Redis is counted."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    name = f"test-{uuid.uuid4().hex[:8]}"
    connection = Redis.from_url(redis_url)
    worker = SimpleWorker([Queue(name, connection=connection)], connection=connection)
    worker.register_birth()
    try:
        app = doctor_app(
            tmp_path,
            S3_BUCKET=f"gallery-{uuid.uuid4().hex[:12]}",
            S3_ENDPOINT_URL=s3_endpoint,
            S3_REGION="us-east-1",
            JOB_BACKEND="rq",
            REDIS_URL=redis_url,
            JOB_QUEUE=name,
            RATELIMIT_STORAGE_URI=redis_url,
        )
        status, checks = doctor(app)
    finally:
        worker.register_death()
    assert status == 1
    assert checks["store"][0] == "fail" and "storage init" in checks["store"][1]
    assert "write" not in checks  # nothing to probe without a bucket
    assert checks["rate-limits"] == ("ok", f"shared in {redis_url}")
    assert checks["workers"][0] == "ok" and checks["workers"][1].startswith(f"1 on queue {name}")


@pytest.mark.parametrize("check", ["rate-limits", "jobs"])
def test_an_unreachable_redis_fails(tmp_path, redis_url, check):
    """Shared counters or a job queue nobody can reach are failures, not warnings."""
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    app = doctor_app(
        tmp_path,
        JOB_BACKEND="rq",
        REDIS_URL=nowhere if check == "jobs" else redis_url,
        RATELIMIT_STORAGE_URI=nowhere if check == "rate-limits" else redis_url,
    )
    status, checks = doctor(app)
    assert status == 1 and checks[check][0] == "fail"
    assert checks[check][1].startswith(f"{nowhere}: ")
