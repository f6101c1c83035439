"""A job nobody holds any more is failed where it is read; a job waiting in a queue never is."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from gallery import create_app, jobs, liveness
from gallery.extensions import db
from gallery.models import Export, ExportState, WorkState
from gallery.models.base import utcnow
from gallery.ops.housekeeping import housekeeping, start_sweeping
from tests.conftest import csrf_token_in, log_in_as
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

ANOTHER_HOST = "worker-b.example:4242"  # a process this host cannot look for
STOPPED = "The server stopped while this export was being made. Please try again."
LOST = "The job queue lost this export before it was made. Please try again."
READS = {
    "status": "/print/exports/{id}/status",
    "page": "/print/exports/{id}",
    "list": "/print/exports",
}


def long_ago(app) -> object:
    """Return a moment well before the app's stale window."""
    return utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 30)


def set_row(app, export_id: int, **values) -> None:
    """Change the export row as another process would."""
    with app.app_context():
        db.session.execute(update(Export).where(Export.id == export_id).values(**values))
        db.session.commit()


@pytest.mark.parametrize("read", READS)
def test_an_export_whose_worker_went_silent_on_another_host_is_failed_by_the_next_read(
    app, printer, read
):
    """No more "Being made 2/51" for ever: the status, the page and the list each fail it."""
    export_id = make_export(
        state=ExportState.RUNNING,
        worker=ANOTHER_HOST,
        heartbeat_at=long_ago(app),
        progress=2,
        total=51,
        app=app,
    ).id
    assert printer.get(READS[read].format(id=export_id)).status_code == 200
    failed = export_row(app, export_id)
    assert (failed.state, failed.error) == (ExportState.FAILED, liveness.INTERRUPTED)
    status = printer.get(f"/print/exports/{export_id}/status").get_json()
    assert (status["state"], status["error"]) == ("failed", STOPPED)
    page = printer.get(f"/print/exports/{export_id}").get_data(as_text=True)
    assert "Try again" in page and "Delete this export" in page


def test_an_export_whose_worker_beats_stays_running_on_every_read(app, printer):
    """A heartbeat within the window, from a host nobody can probe, keeps the job running."""
    recent = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] - 10)
    export_id = make_export(
        state=ExportState.RUNNING, worker=ANOTHER_HOST, heartbeat_at=recent, app=app
    ).id
    for url in READS.values():
        printer.get(url.format(id=export_id))
    assert housekeeping(app) == 0
    assert export_row(app, export_id).state is ExportState.RUNNING


def test_a_job_whose_process_on_this_host_is_gone_is_failed_at_once(app, printer):
    """On its own host a vanished process is noticed without waiting for the window."""
    host = liveness.worker_name().rpartition(":")[0]
    gone_pid = 2**22 + 7  # above Linux's largest process id: no such process
    running = make_export(
        state=ExportState.RUNNING, worker=f"{host}:{gone_pid}", heartbeat_at=utcnow(), app=app
    ).id
    waiting_in_it = make_export(
        state=ExportState.QUEUED, worker=f"{host}:{gone_pid}", heartbeat_at=utcnow(), app=app
    ).id
    alive = make_export(
        state=ExportState.RUNNING, worker=f"{host}:{os.getppid()}", heartbeat_at=utcnow(), app=app
    ).id
    printer.get("/print/exports")
    for export_id in (running, waiting_in_it):
        assert export_row(app, export_id).state is ExportState.FAILED
    assert export_row(app, alive).state is ExportState.RUNNING


def test_retry_and_delete_work_at_once_on_a_stale_export(app, printer):
    """Nobody has to open the page first: "Try again" makes it, "Delete" removes it."""
    work = store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=app).id
    retried = export_id_from(post_export(printer, form_query(works=[work])))
    deleted = export_id_from(post_export(printer, form_query(works=[work])))
    for export_id in (retried, deleted):
        set_row(
            app,
            export_id,
            state=ExportState.RUNNING,
            worker=ANOTHER_HOST,
            heartbeat_at=long_ago(app),
            pdf_key=None,
        )
    token = csrf_token_in(printer.get("/print").get_data(as_text=True))
    response = printer.post(f"/print/exports/{retried}/retry", data={"csrf_token": token})
    assert response.status_code == 303
    done = export_row(app, retried)
    assert done.state is ExportState.DONE and done.pdf_key and done.error == ""
    response = printer.post(f"/print/exports/{deleted}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Export, deleted) is None


def test_building_the_app_and_read_only_commands_never_change_a_job(app):
    """`works list`, `doctor` and a new process's start leave even stale jobs as they are."""
    host = liveness.worker_name().rpartition(":")[0]
    stale = make_export(
        state=ExportState.RUNNING, worker=ANOTHER_HOST, heartbeat_at=long_ago(app), app=app
    ).id
    orphaned = make_export(
        state=ExportState.QUEUED, worker=f"{host}:{2**22 + 7}", created_at=long_ago(app), app=app
    ).id
    again = create_app(app.config | {"TESTING": True})
    runner = again.test_cli_runner()
    assert runner.invoke(args=["works", "list"]).exit_code == 0
    runner.invoke(args=["doctor"])
    runner.invoke(args=["layouts", "list"])
    assert export_row(again, stale).state is ExportState.RUNNING
    assert export_row(again, orphaned).state is ExportState.QUEUED


# A handler the heartbeat test controls: one report, then a long silent step.
SILENT_SECONDS = 3.0


def silent_step(export_id: int, *, progress) -> None:
    """Report the start, compute for SILENT_SECONDS without a report, then finish."""
    progress(0, 1)
    end = time.monotonic() + SILENT_SECONDS
    while time.monotonic() < end:
        sum(range(1000))  # busy, like laying out a big sheet: no progress report meanwhile
    progress(1, 1)


def test_the_heartbeat_goes_on_during_a_long_step(tmp_path):
    """A step three times the stale window long, read all along, is never taken for dead."""
    app = make_app(tmp_path, JOB_BACKEND="thread", JOB_STALE_SECONDS=1)
    try:
        jobs.register_handler(app, "silent", f"{__name__}:silent_step")
        client = app.test_client()
        log_in_as(client, app, "printer")
        export_id = make_export(state=ExportState.QUEUED, app=app).id
        with app.app_context():
            jobs.enqueue("silent", export_id)
        states = set()
        while app.extensions["gallery.jobs"].jobs.unfinished_tasks:
            states.add(client.get(f"/print/exports/{export_id}/status").get_json()["state"])
            time.sleep(0.1)
        assert "running" in states and "failed" not in states
        assert export_row(app, export_id).state is ExportState.DONE
    finally:
        app.extensions["gallery.jobs"].wait(30)
        close_app(app)


def test_a_job_worker_sweeps_up_stale_jobs_nobody_reads(tmp_path):
    """Without any page open, the sweep every worker runs fails a silent job on its own."""
    app = make_app(tmp_path, JOB_STALE_SECONDS=1)
    stop = None
    try:
        export_id = make_export(
            state=ExportState.RUNNING, worker=ANOTHER_HOST, heartbeat_at=utcnow(), app=app
        ).id
        stop = start_sweeping(app)
        deadline = time.monotonic() + 15
        while (
            export_row(app, export_id).state is ExportState.RUNNING and time.monotonic() < deadline
        ):
            time.sleep(0.1)
        assert export_row(app, export_id).state is ExportState.FAILED
    finally:
        if stop is not None:
            stop.set()
            time.sleep(0.6)  # let a sweep under way end before the tables go
        close_app(app)


def test_an_export_waiting_in_redis_is_never_failed_for_waiting_only_when_redis_lost_it(
    tmp_path, redis_url
):
    """A backlog far older than the window stays queued; once Redis loses the job, retry."""
    from redis import Redis
    from rq import Queue

    name = f"test-{uuid.uuid4().hex[:8]}"
    app = make_app(tmp_path, JOB_BACKEND="rq", REDIS_URL=redis_url, JOB_QUEUE=name)
    queue = Queue(name, connection=Redis.from_url(redis_url))
    try:
        client = app.test_client()
        log_in_as(client, app, "printer")
        work = store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=app).id
        export_id = export_id_from(post_export(client, form_query(works=[work])))
        waiting = export_row(app, export_id)
        assert queue.fetch_job(waiting.worker.partition(":")[2]) is not None
        set_row(app, export_id, created_at=long_ago(app), heartbeat_at=long_ago(app))

        for url in READS.values():
            client.get(url.format(id=export_id))
        housekeeping(app)
        # A process that cannot reach Redis cannot tell either: it leaves the job waiting.
        unreachable = create_app(app.config | {"REDIS_URL": "redis://127.0.0.1:9/0"})
        unreachable.test_client().get("/healthz")
        with unreachable.app_context():
            liveness.fail_stale_jobs()
            db.session.commit()
        assert export_row(app, export_id).state is ExportState.QUEUED

        queue.empty()  # Redis flushed or lost: the job is gone
        status = client.get(f"/print/exports/{export_id}/status").get_json()
        assert (status["state"], status["error"]) == ("failed", LOST)
        token = csrf_token_in(client.get("/print").get_data(as_text=True))
        response = client.post(f"/print/exports/{export_id}/retry", data={"csrf_token": token})
        assert response.status_code == 303
        assert queue.count == 1 and export_row(app, export_id).state is ExportState.QUEUED
    finally:
        queue.delete(delete_jobs=True)
        close_app(app)
