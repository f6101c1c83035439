"""The README's "Running on several machines", walked through for real on one machine.

Two gunicorn servers (each its own processes and empty upload folder), RQ workers, one
PostgreSQL database, one Redis and an S3 bucket (moto): an artist, a curator and a printer
move between the servers, exports are made by a worker, and no file touches a local disk.
A worker on "another host" dies mid-export; a backlog outlives the stale window.
"""

from __future__ import annotations

import json
import socket
import time

import boto3
import pytest
import requests
from redis import Redis
from sqlalchemy import select

from gallery import create_app, liveness
from gallery.extensions import db
from gallery.models import Work, WorkState
from tests.factories import make_staff, store_work
from tests.multihost.cluster import Cluster, can_make_another_host, postgres_admin_url
from tests.printing.export_kit import export_row, sharp_jpeg
from tests.servers import start_redis, stop
from tests.submissions.conftest import hidden_value

pytestmark = pytest.mark.multihost

STALE_SECONDS = 6
STOPPED = "The server stopped while this export was being made. Please try again."


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, s3_endpoint):
    """The whole set-up, started once for this module's tests."""
    admin_url = postgres_admin_url()
    if admin_url is None:
        pytest.skip("no PostgreSQL: scripts/test.sh starts one and sets GALLERY_TEST_POSTGRES_URL")
    workdir = tmp_path_factory.mktemp("machines")
    redis_url, redis_process = start_redis(workdir)
    cluster = Cluster(
        workdir,
        admin_url=admin_url,
        s3_endpoint=s3_endpoint,
        redis_url=redis_url,
        stale_seconds=STALE_SECONDS,
    )
    try:
        cluster.start()
        cluster.app = create_app(  # the tests' own view of the shared data, for their rows
            {
                "TESTING": True,
                "SECRET_KEY": cluster.secret_key,
                "DATABASE_URL": cluster.database_url,
                "UPLOAD_DIR": str(cluster.upload_dir("tests")),
                "S3_BUCKET": cluster.bucket,
                "S3_ENDPOINT_URL": s3_endpoint,
                "S3_REGION": "us-east-1",
                "S3_ACCESS_KEY_ID": "test",
                "S3_SECRET_ACCESS_KEY": "test",
                "MIN_IMAGE_SIDE": 64,
                "JOB_STALE_SECONDS": STALE_SECONDS,
            }
        )
        yield cluster
    finally:
        cluster.close()
        stop(redis_process)


@pytest.fixture
def workers(cluster):
    """Start job workers for one test (``workers(host, other_host_name=…)``); stop them after."""
    started = []

    def start(host: str = "worker-a", **kwargs):
        """Start one worker and remember it."""
        started.append(cluster.start_worker(host, **kwargs))
        return started[-1]

    yield start
    for process in started:
        Cluster.stop(process)


@pytest.fixture
def printer(cluster):
    """A printer logged in on server A (login limits start afresh)."""
    Redis.from_url(f"{cluster.redis_url}/1").flushdb()
    staff = make_staff(cluster.app, "printer")
    return cluster.log_in("a", staff.login, staff.password)


def selected_work(cluster) -> int:
    """Store a work selected for print in the shared database and bucket; return its id."""
    return store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=cluster.app).id


def submit(cluster, host: str, title: str) -> int:
    """Send the submission form to ``host`` as an artist; return the new work's id."""
    url = cluster.urls[host]
    artist = requests.Session()
    form = artist.get(f"{url}/submit", timeout=30).text
    response = artist.post(
        f"{url}/submit",
        data={
            "csrf_token": hidden_value(form, "csrf_token"),
            "started": hidden_value(form, "started"),
            "credit": "Художница из A",
            "consent_publish": "y",
            "consent_print": "y",
            "licence": "campaign",
            "images-0-title": title,
        },
        files={"images-0-file": ("poster.jpg", sharp_jpeg(), "image/jpeg")},
        allow_redirects=False,
        timeout=120,
    )
    assert response.status_code == 303, response.text[-2000:]
    with cluster.app.app_context():
        return db.session.scalar(select(Work.id).where(Work.title == title))


def post_form(web: requests.Session, page_url: str, action_url: str, **fields) -> int:
    """Post a form of ``page_url`` (its CSRF token) to ``action_url``; return the status."""
    token = hidden_value(web.get(page_url, timeout=30).text, "csrf_token")
    response = web.post(
        action_url, data={"csrf_token": token, **fields}, allow_redirects=False, timeout=60
    )
    return response.status_code


def test_submit_decide_export_download_across_two_servers_with_nothing_on_local_disk(
    cluster, workers, printer
):
    """Submit on A, vote and decide on B, export on A made by the worker, download on B."""
    a, b = cluster.urls["a"], cluster.urls["b"]
    worker = workers()
    work_id = submit(cluster, "a", "Solidarity on two servers")

    curator = make_staff(cluster.app, "curator", decider=True)
    on_b = cluster.log_in("b", curator.login, curator.password)
    work_page = f"{b}/curate/works/{work_id}"
    assert post_form(on_b, work_page, f"{work_page}/vote", score="5") == 303
    assert post_form(on_b, work_page, f"{work_page}/decide", status="selected") == 303
    with cluster.app.app_context():
        assert db.session.get(Work, work_id).state is WorkState.SELECTED
    # The session cookie B set works on A as well.
    same_cookie = on_b.get(f"{a}/curate/works/{work_id}", allow_redirects=False, timeout=30)
    assert same_cookie.status_code == 200 and "Solidarity on two servers" in same_cookie.text

    export_id = cluster.start_export(printer, "a", work_id, copies=2)
    status = cluster.wait_for(printer, "b", export_id, {"done", "failed"}, timeout=240)
    assert status["state"] == "done", status
    assert export_row(cluster.app, export_id).worker == f"{socket.gethostname()[:60]}:{worker.pid}"
    download = printer.get(f"{b}/print/exports/{export_id}/download", timeout=60)
    assert download.status_code == 200 and download.content.startswith(b"%PDF")

    assert cluster.local_files() == []
    s3 = boto3.client(
        "s3",
        endpoint_url=cluster.s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=cluster.bucket)["Contents"]]
    assert any(k.startswith("files/") for k in keys) and any(k.startswith("exports/") for k in keys)

    doctor = cluster.command("doctor")
    assert doctor.returncode == 0, doctor.stdout
    rows = [line.split("\t") for line in doctor.stdout.splitlines()]
    assert {row[0] for row in rows} == {"ok"}, doctor.stdout
    assert {"clock", "store", "rate-limits", "workers"} <= {row[1] for row in rows}


def test_the_login_limit_counts_across_both_servers(cluster):
    """Twelve tries a minute from one client in all: the thirteenth gets 429 on either server."""
    Redis.from_url(f"{cluster.redis_url}/1").flushdb()
    web = requests.Session()
    codes = []
    for attempt in range(13):
        url = cluster.urls["ab"[attempt % 2]]
        token = hidden_value(web.get(f"{url}/login", timeout=30).text, "csrf_token")
        response = web.post(
            f"{url}/login",
            data={"csrf_token": token, "login": "nobody", "password": "wrong password"},
            allow_redirects=False,
            timeout=30,
        )
        codes.append(response.status_code)
    assert codes == [401] * 12 + [429]
    token = hidden_value(web.get(f"{cluster.urls['b']}/login", timeout=30).text, "csrf_token")
    refused = web.post(
        f"{cluster.urls['b']}/login",
        data={"csrf_token": token, "login": "nobody", "password": "wrong password"},
        timeout=30,
    )
    assert refused.status_code == 429


@pytest.mark.skipif(not can_make_another_host(), reason="unshare --uts is not allowed here")
def test_a_worker_killed_on_another_host_fails_its_export_within_the_stale_window(
    cluster, workers, printer
):
    """Nobody can look for its process: the silent heartbeat fails the export in time, and
    "Try again" has it made by a worker that lives."""
    work_id = selected_work(cluster)
    doomed = workers("worker-b", other_host_name="worker-b.test")
    export_id = cluster.start_export(printer, "a", work_id, copies=120)  # 20 sheets
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        status = cluster.status(printer, "b", export_id)
        if status["state"] != "queued" and status["progress"] >= 1:
            break
        time.sleep(0.1)
    assert status["state"] == "running", status
    assert export_row(cluster.app, export_id).worker == f"worker-b.test:{doomed.pid}"

    Cluster.stop(doomed, kill=True)
    killed = time.monotonic()
    status = cluster.wait_for(printer, "b", export_id, {"failed", "done"}, timeout=120)
    waited = time.monotonic() - killed
    assert (status["state"], status["error"]) == ("failed", STOPPED)
    beat = liveness.beat_interval(cluster.app)
    assert STALE_SECONDS - beat - 1 <= waited <= STALE_SECONDS + 3, waited
    marked = [
        json.loads(line)
        for host in ("a", "b")
        for line in cluster.log_lines(f"server-{host}")
        if '"marked ' in line
    ]
    assert [line["logger"] for line in marked] == ["gallery.liveness"]

    export_page = f"{cluster.urls['a']}/print/exports/{export_id}"
    assert post_form(printer, export_page, f"{export_page}/retry") == 303
    workers()
    status = cluster.wait_for(printer, "b", export_id, {"done", "failed"}, timeout=300)
    assert status["state"] == "done", status
    download = printer.get(f"{cluster.urls['b']}{status['download']}", timeout=60)
    assert download.content.startswith(b"%PDF")


def test_a_backlog_older_than_the_stale_window_waits_until_a_worker_starts(
    cluster, workers, printer
):
    """No worker for longer than the window, pages and commands read it: still queued."""
    work_id = selected_work(cluster)
    export_id = cluster.start_export(printer, "a", work_id, copies=1)
    waited_until = time.monotonic() + STALE_SECONDS + 3
    seen = set()
    while time.monotonic() < waited_until:
        seen.add(cluster.status(printer, "b", export_id)["state"])
        printer.get(f"{cluster.urls['a']}/print/exports", timeout=30)
        time.sleep(0.5)
    listing = cluster.command("works", "list", host="b")
    assert listing.returncode == 0, listing.stderr
    assert seen == {"queued"}
    assert cluster.status(printer, "a", export_id)["state"] == "queued"

    workers()
    status = cluster.wait_for(printer, "b", export_id, {"done", "failed"}, timeout=240)
    assert status["state"] == "done", status
