"""The README's "Running on several machines", on one machine: for the test and the bench.

Two app servers (gunicorn with ``deploy/gunicorn.conf.py``, each its own process tree and its
own empty upload folder), RQ job workers, PostgreSQL, Redis (its own throw-away server) and
moto's S3 API server. A worker may run on "another host": its own UTS namespace with its own
host name (``unshare --uts``), so no process elsewhere can look for it by process id.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from tests.printing.export_kit import form_query
from tests.servers import free_port, stop, wait_until_up
from tests.submissions.conftest import hidden_value

ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
SERVERS = ("a", "b")


def postgres_admin_url() -> str | None:
    """Return a PostgreSQL URL to create the cluster's database from, if the suite has one."""
    for name in ("GALLERY_TEST_DATABASE_URL", "GALLERY_TEST_POSTGRES_URL"):
        url = os.environ.get(name, "")
        if url.startswith("postgresql"):
            return url
    return None


def can_make_another_host() -> bool:
    """Tell whether this machine lets us give a process a UTS namespace of its own."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--uts", "true"], capture_output=True, check=False)
    return probe.returncode == 0


class Cluster:
    """Every process of the set-up; ``close`` stops them and drops the database."""

    def __init__(
        self,
        workdir: Path,
        *,
        admin_url: str,
        s3_endpoint: str,
        redis_url: str,
        stale_seconds: int | None,
    ) -> None:
        """Name everything; nothing starts before ``start``."""
        self.workdir = workdir
        self.admin_url = admin_url
        base = admin_url.rsplit("/", 1)[1].split("?")[0]
        self.database = f"{base}_mh_{uuid.uuid4().hex[:8]}"
        self.database_url = admin_url.rsplit("/", 1)[0] + f"/{self.database}"
        self.bucket = f"gallery-{uuid.uuid4().hex[:12]}"
        self.s3_endpoint = s3_endpoint
        self.redis_url = redis_url
        self.stale_seconds = stale_seconds
        self.secret_key = uuid.uuid4().hex
        self.urls: dict[str, str] = {}
        self.processes: list[subprocess.Popen] = []

    # --- Settings: what every machine shares, and what each keeps for itself. ---

    def env(self, host: str, **more: str) -> dict[str, str]:
        """Return the environment of a process on ``host`` (its own upload folder)."""
        env = {
            **os.environ,
            "GALLERY_SECRET_KEY": self.secret_key,
            "GALLERY_DATABASE_URL": self.database_url,
            "GALLERY_S3_BUCKET": self.bucket,
            "GALLERY_S3_ENDPOINT_URL": self.s3_endpoint,
            "GALLERY_S3_REGION": "us-east-1",
            "GALLERY_S3_ACCESS_KEY_ID": "test",
            "GALLERY_S3_SECRET_ACCESS_KEY": "test",
            "GALLERY_JOB_BACKEND": "rq",
            "GALLERY_REDIS_URL": f"{self.redis_url}/0",
            "GALLERY_RATELIMIT_STORAGE_URI": f"{self.redis_url}/1",
            "GALLERY_LOGIN_RATE_LIMIT": "12 per minute",
            "GALLERY_SUBMIT_MIN_SECONDS": "0",
            "GALLERY_MIN_IMAGE_SIDE": "64",
            "GALLERY_LOG_FORMAT": "json",
            # Each machine's own folder: with a bucket configured nothing may land in it.
            "GALLERY_UPLOAD_DIR": str(self.upload_dir(host)),
            "GALLERY_PRINT_IMPORT_DIR": str(self.workdir / host / "layouts"),
            **more,
        }
        if self.stale_seconds is not None:
            env["GALLERY_JOB_STALE_SECONDS"] = str(self.stale_seconds)
        return env

    def upload_dir(self, host: str) -> Path:
        """Return ``host``'s local upload folder."""
        return self.workdir / host / "uploads"

    def local_files(self) -> list[Path]:
        """Return every file in any machine's local upload folder."""
        return [p for p in self.workdir.glob("*/uploads/**/*") if p.is_file()]

    def command(self, *args: str, host: str = "a", stdin: str | None = None):
        """Run ``flask --app wsgi ARGS`` as ``host`` would; return the finished process."""
        return subprocess.run(
            [*FLASK, *args],
            cwd=ROOT,
            env=self.env(host),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    # --- Starting and stopping. ---

    def start(self) -> None:
        """Create the database and the bucket as the README says, then start both servers."""
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self.database}"'))
        engine.dispose()
        for step in (("db", "upgrade"), ("storage", "init")):
            done = self.command(*step)
            assert done.returncode == 0, done.stdout + done.stderr
        starting = {}
        for host in SERVERS:
            self.upload_dir(host).mkdir(parents=True)
            starting[host] = self.start_server(host)
        for host, (process, port) in starting.items():
            wait_until_up(port, process, timeout=180)
            self.urls[host] = f"http://127.0.0.1:{port}"

    def start_server(self, host: str) -> tuple[subprocess.Popen, int]:
        """Start ``host``'s gunicorn with the example config, two processes; return it and
        its port (it answers once ``wait_until_up`` says so)."""
        port = free_port()
        env = self.env(
            host,
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS="2",
            GUNICORN_THREADS="4",
        )
        command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
        return self.spawn(command, env=env, log=f"server-{host}"), port

    def start_worker(self, host: str = "a", *, other_host_name: str | None = None, **env: str):
        """Start a job worker on ``host`` (``env``: more settings); with ``other_host_name``,
        in a UTS namespace of its own under that host name (the worker process itself)."""
        command = [*FLASK, "jobs", "worker"]
        if other_host_name:
            command = [
                "unshare",
                "--uts",
                sys.executable,
                "-c",
                "import os, socket, sys; socket.sethostname(sys.argv[1]); "
                "os.execv(sys.executable, [sys.executable, *sys.argv[2:]])",
                other_host_name,
                *command[1:],
            ]
        return self.spawn(command, env=self.env(host, **env), log=f"worker-{host}")

    def spawn(self, command: list[str], *, env: dict[str, str], log: str) -> subprocess.Popen:
        """Start a process of the set-up, its output appended to ``workdir/<log>.log``."""
        with (self.workdir / f"{log}.log").open("ab") as output:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
            )
        self.processes.append(process)
        return process

    def log_lines(self, log: str) -> list[str]:
        """Return the lines a process wrote so far."""
        path = self.workdir / f"{log}.log"
        return path.read_text(errors="replace").splitlines() if path.exists() else []

    @staticmethod
    def stop(process: subprocess.Popen, *, kill: bool = False) -> None:
        """Stop a process: SIGKILL (as a crash or a lost machine would), or a warm shutdown."""
        if kill:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
        else:
            stop(process, timeout=60)

    def close(self) -> None:
        """Stop every process and drop the database."""
        for process in self.processes:
            if process.poll() is None:
                process.terminate()  # all at once: each then finishes on its own
        for process in self.processes:
            self.stop(process)
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))
        engine.dispose()

    # --- What people do, over HTTP. ---

    def log_in(self, host: str, login: str, password: str) -> requests.Session:
        """Return a browser session logged in on ``host``."""
        web = requests.Session()
        token = hidden_value(web.get(f"{self.urls[host]}/login", timeout=30).text, "csrf_token")
        response = web.post(
            f"{self.urls[host]}/login",
            data={"csrf_token": token, "login": login, "password": password},
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 303, response.status_code
        return web

    def start_export(self, web: requests.Session, host: str, work_id: int, copies: int) -> int:
        """Press "Create PDF" on ``host`` for ``copies`` of a work; return the export id."""
        url = self.urls[host]
        token = hidden_value(web.get(f"{url}/print", timeout=30).text, "csrf_token")
        response = web.post(
            f"{url}/print/exports",
            data={"csrf_token": token, **form_query(works=[work_id], copies={work_id: copies})},
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code == 303, response.text[-2000:]
        return int(response.headers["Location"].rsplit("/", 1)[1])

    def status(self, web: requests.Session, host: str, export_id: int) -> dict:
        """Return the export's status as ``host`` reports it."""
        url = f"{self.urls[host]}/print/exports/{export_id}/status"
        return web.get(url, timeout=30).json()

    def wait_for(
        self, web: requests.Session, host: str, export_id: int, states: set[str], timeout: float
    ) -> dict:
        """Poll ``host`` until the export is in one of ``states``; return that status."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.status(web, host, export_id)
            if status["state"] in states or time.monotonic() > deadline:
                return status
            time.sleep(0.25)
