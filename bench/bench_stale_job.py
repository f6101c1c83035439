"""From a worker killed on another host to an export that says "failed, try again".

    .venv/bin/python bench/bench_stale_job.py --postgres URL [--runs 3] [--stale 60]

Runs the README's several-machines set-up on this machine (tests/multihost/cluster.py: two
gunicorn servers, RQ workers, PostgreSQL, a throw-away Redis and moto's S3 server). Each run
starts a worker in a UTS namespace of its own (another host name, so nobody can look for its
process), waits until it renders an export, kills it with SIGKILL, then measures:

- ``page open``: until the status endpoint, polled every 1.5 s as the export page does, says
  failed with the "try again" message;
- ``nobody looking``: the same with no page open, until a live worker's periodic sweep has
  failed the row (read from the database, which fails nothing itself).

``--stale`` sets GALLERY_JOB_STALE_SECONDS (default: the app's own default). Loopback only;
needs root or user namespaces for ``unshare --uts``, and an admin PostgreSQL URL (it creates
and drops a database beside it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gallery.models import ExportState, WorkState
from tests.factories import make_staff, store_work
from tests.multihost.cluster import Cluster
from tests.printing.export_kit import sharp_jpeg
from tests.servers import free_port, start_redis, stop, wait_for_port

PAGE_POLL_SECONDS = 1.5  # print.js asks for the status this often


def start_s3(workdir: Path) -> tuple[str, subprocess.Popen]:
    """Start moto's S3 API server on loopback."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, process, what="moto", timeout=60)
    return f"http://127.0.0.1:{port}", process


def kill_mid_export(cluster: Cluster, printer, work_id: int, run: int) -> tuple[int, float]:
    """Start an export on a worker of another host, kill it mid-render; return (id, when)."""
    doomed = cluster.start_worker("worker-b", other_host_name=f"worker-b-{run}.bench")
    export_id = cluster.start_export(printer, "a", work_id, copies=300)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status = cluster.status(printer, "b", export_id)
        if status["state"] == "running" and status["progress"] >= 1:
            break
        time.sleep(0.1)
    else:
        raise RuntimeError(f"export {export_id} never ran: {status}")
    Cluster.stop(doomed, kill=True)
    return export_id, time.monotonic()


def page_open(cluster: Cluster, printer, export_id: int, killed: float) -> float:
    """Poll the status as the export page does; return seconds from the kill to "failed"."""
    while True:
        status = cluster.status(printer, "b", export_id)
        if status["state"] == "failed" and "try again" in status.get("error", ""):
            return time.monotonic() - killed
        if status["state"] != "running":
            raise RuntimeError(f"unexpected: {status}")
        time.sleep(PAGE_POLL_SECONDS)


def nobody_looking(cluster: Cluster, export_id: int, killed: float) -> float:
    """Read the row directly (this fails nothing) until a worker's sweep failed it."""
    from gallery.extensions import db
    from gallery.models import Export

    while True:
        with cluster.app.app_context():
            state = db.session.get(Export, export_id).state
            db.session.remove()
        if state is ExportState.FAILED:
            return time.monotonic() - killed
        time.sleep(0.1)


def main() -> int:
    """Run the set-up, measure each run in both ways, print a table."""
    from gallery import create_app
    from gallery.liveness import beat_interval, stale_after
    from gallery.ops.housekeeping import sweep_interval

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("GALLERY_TEST_POSTGRES_URL"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stale", type=int, default=None)
    args = parser.parse_args()
    if not args.postgres:
        parser.error("give --postgres postgresql+psycopg://user@host:port/db (an admin URL)")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        redis_url, redis = start_redis(workdir)
        s3_url, s3 = start_s3(workdir)
        cluster = Cluster(
            workdir,
            admin_url=args.postgres,
            s3_endpoint=s3_url,
            redis_url=redis_url,
            stale_seconds=args.stale,
        )
        try:
            cluster.start()
            settings = {
                "TESTING": True,
                "SECRET_KEY": cluster.secret_key,
                "DATABASE_URL": cluster.database_url,
                "UPLOAD_DIR": str(cluster.upload_dir("bench")),
                "S3_BUCKET": cluster.bucket,
                "S3_ENDPOINT_URL": s3_url,
                "S3_REGION": "us-east-1",
                "S3_ACCESS_KEY_ID": "test",
                "S3_SECRET_ACCESS_KEY": "test",
                "MIN_IMAGE_SIDE": 64,
            }
            if args.stale is not None:
                settings["JOB_STALE_SECONDS"] = args.stale
            cluster.app = create_app(settings)
            work_id = store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=cluster.app).id
            staff = make_staff(cluster.app, "printer")
            printer = cluster.log_in("a", staff.login, staff.password)
            print(
                f"stale window {stale_after(cluster.app):.0f} s, heartbeat every "
                f"{beat_interval(cluster.app):.1f} s, worker sweep every "
                f"{sweep_interval(cluster.app):.1f} s, page polls every {PAGE_POLL_SECONDS} s"
            )
            print("run".ljust(6) + "page open (s)".rjust(16) + "nobody looking (s)".rjust(22))
            # A live worker on this host sweeps; it listens on a queue of its own, so each export
            # goes to the worker that is killed.
            sweeper = cluster.start_worker("worker-a", GALLERY_JOB_QUEUE="sweeper-only")
            for run in range(1, args.runs + 1):
                export_id, killed = kill_mid_export(cluster, printer, work_id, run)
                with_page = page_open(cluster, printer, export_id, killed)
                export_id, killed = kill_mid_export(cluster, printer, work_id, run + 100)
                unseen = nobody_looking(cluster, export_id, killed)
                print(f"{run}".ljust(6) + f"{with_page:16.1f}" + f"{unseen:22.1f}", flush=True)
            Cluster.stop(sweeper)
        finally:
            cluster.close()
            stop(s3)
            stop(redis)
    return 0


if __name__ == "__main__":
    sys.exit(main())
