"""Background export jobs: the thread backend, status polling, time limits and crash recovery."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import update

from gallery import jobs, liveness
from gallery.extensions import db
from gallery.models import Export, ExportState, WorkState
from tests.conftest import log_in_as
from tests.factories import make_export, store_work
from tests.printing.export_kit import (
    close_app,
    export_id_from,
    export_row,
    form_query,
    make_app,
    post_export,
    sharp_jpeg,
)

ROOT = Path(__file__).resolve().parents[2]

# A handler the thread test controls: it reports one step, then waits to be released.
RELEASE = threading.Event()
STARTED = threading.Event()


def held_job(export_id: int, *, progress) -> None:
    """Report 1 of 3 steps, wait for the test, then finish."""
    progress(1, 3)
    STARTED.set()
    assert RELEASE.wait(30)
    progress(2, 3)


@pytest.fixture
def app(tmp_path):
    """An app whose jobs run in a background thread, as in production."""
    app = make_app(tmp_path, JOB_BACKEND="thread")
    yield app
    # Let a job still rendering finish before its tables are dropped.
    app.extensions["gallery.jobs"].wait(60)
    close_app(app)


def test_thread_backend_runs_the_job_and_status_reports_progress(app, client, monkeypatch):
    """While the job runs the status endpoint shows its progress; then it is done."""
    jobs.register_handler(app, "held", f"{__name__}:held_job")
    RELEASE.clear()
    STARTED.clear()
    log_in_as(client, app, "printer")
    export_id = make_export(state=ExportState.QUEUED, app=app).id
    with app.app_context():
        jobs.enqueue("held", export_id)
    assert STARTED.wait(30)
    status = client.get(f"/print/exports/{export_id}/status").get_json()
    assert (status["state"], status["progress"], status["total"]) == ("running", 1, 3)
    RELEASE.set()
    assert app.extensions["gallery.jobs"].wait(30)
    status = client.get(f"/print/exports/{export_id}/status").get_json()
    assert (status["state"], status["progress"], status["total"]) == ("done", 3, 3)


def test_thread_backend_renders_a_real_export_after_the_request_returned(app, client):
    """Create PDF returns at once; the thread renders; the status ends with a download link."""
    log_in_as(client, app, "printer")
    work = store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=app).id
    response = post_export(client, form_query(works=[work]))
    assert response.status_code == 303
    assert app.extensions["gallery.jobs"].wait(60)
    export_id = export_id_from(response)
    status = client.get(f"/print/exports/{export_id}/status").get_json()
    assert status["state"] == "done" and status["progress"] == status["total"] == 2
    assert status["download"] == f"/print/exports/{export_id}/download"
    assert client.get(status["download"]).data.startswith(b"%PDF-")


def test_a_job_given_up_as_stale_stops_at_its_next_report_and_changes_nothing(app):
    """A worker that comes back after its job was failed neither reports nor finishes it."""
    jobs.register_handler(app, "held", f"{__name__}:held_job")
    RELEASE.clear()
    STARTED.clear()
    export_id = make_export(state=ExportState.QUEUED, app=app).id
    with app.app_context():
        jobs.enqueue("held", export_id)
    assert STARTED.wait(30)
    with app.app_context():  # another process read it while it was silent, and failed it
        db.session.execute(
            update(Export)
            .where(Export.id == export_id)
            .values(state=ExportState.FAILED, error=liveness.INTERRUPTED)
        )
        db.session.commit()
    RELEASE.set()
    assert app.extensions["gallery.jobs"].wait(30)
    given_up = export_row(app, export_id)
    assert (given_up.state, given_up.error, given_up.progress) == (
        ExportState.FAILED,
        liveness.INTERRUPTED,
        1,
    )


def test_an_interrupted_export_can_be_tried_again(tmp_path):
    """A failed export keeps its choices; "Try again" renders it."""
    app = make_app(tmp_path)
    client = app.test_client()
    log_in_as(client, app, "printer")
    work = store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=app).id
    export_id = export_id_from(post_export(client, form_query(works=[work])))
    with app.app_context():
        export = db.session.get(Export, export_id)
        export.state, export.error, export.pdf_key = ExportState.FAILED, liveness.INTERRUPTED, None
        db.session.commit()
    page = client.get(f"/print/exports/{export_id}").get_data(as_text=True)
    assert "The server stopped while this export was being made" in page
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(f"/print/exports/{export_id}/retry", data={"csrf_token": token})
    assert response.status_code == 303
    row = export_row(app, export_id)
    assert row.state is ExportState.DONE and row.pdf_key and row.error == ""
    close_app(app)


def test_a_job_over_its_time_limit_is_stopped_between_sheets(tmp_path):
    """With no time left the job stops at its first progress report and says why."""
    app = make_app(tmp_path, JOB_TIMEOUT_SECONDS=0)
    client = app.test_client()
    log_in_as(client, app, "printer")
    work = store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=app).id
    export_id = export_id_from(post_export(client, form_query(works=[work])))
    row = export_row(app, export_id)
    assert (row.state, row.error, row.pdf_key) == (ExportState.FAILED, jobs.TIMED_OUT, None)
    status = client.get(f"/print/exports/{export_id}/status").get_json()
    assert status["error"] == "This export took too long and was stopped. Try fewer sheets."
    close_app(app)


def test_the_rq_backend_needs_a_redis_url(tmp_path):
    """Choosing rq without a Redis server fails loudly at start-up, not at the first export."""
    with pytest.raises(ValueError, match="GALLERY_REDIS_URL"):
        make_app(tmp_path, JOB_BACKEND="rq", REDIS_URL="")


def test_rq_backend_queues_in_redis_and_a_worker_renders_the_pdf(tmp_path, redis_url):
    """With Redis, the web process only queues; `jobs worker` in another process renders."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings = {"JOB_BACKEND": "rq", "REDIS_URL": redis_url, "JOB_QUEUE": queue}
    app = make_app(tmp_path, **settings)
    try:
        work_id = store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=app).id
        client = app.test_client()
        log_in_as(client, app, "printer")
        export_id = export_id_from(
            post_export(client, form_query(works=[work_id], copies={work_id: 2}))
        )
        queued = export_row(app, export_id)
        assert queued.state is ExportState.QUEUED
        assert queued.worker.startswith(f"{liveness.QUEUED_IN_REDIS}:")

        env = {
            **os.environ,
            "GALLERY_DATABASE_URL": app.config["DATABASE_URL"],
            "GALLERY_UPLOAD_DIR": app.config["UPLOAD_DIR"],
            "GALLERY_SECRET_KEY": app.config["SECRET_KEY"],
            "GALLERY_JOB_BACKEND": "rq",
            "GALLERY_REDIS_URL": redis_url,
            "GALLERY_JOB_QUEUE": queue,
            "GALLERY_PRINT_IMPORT_DIR": app.config["PRINT_IMPORT_DIR"],
        }
        worker = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--burst"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert worker.returncode == 0, worker.stderr[-2000:]
        done = export_row(app, export_id)
        assert done.state is ExportState.DONE, done.error
        download = client.get(f"/print/exports/{export_id}/download")
        assert download.status_code == 200 and download.data.startswith(b"%PDF")
    finally:
        close_app(app)


def test_a_job_claimed_once_is_never_run_twice(tmp_path):
    """Running a job that is no longer queued does nothing (two workers, one row)."""
    app = make_app(tmp_path)
    export_id = make_export(state=ExportState.DONE, with_pdf=False, progress=2, total=2, app=app).id
    with app.app_context():
        jobs.run_job("export", export_id)
    row = export_row(app, export_id)
    assert row.state is ExportState.DONE and row.error == ""
    close_app(app)
