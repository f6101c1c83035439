"""Servers the tests run on loopback: the app in gunicorn or `flask run`, S3 (moto), Redis.

For the tests that must see what a real server writes: its headers and its logs. Each server
runs on the test app's database and files, in a process of its own; its stderr (the server's
error log and the app's own log lines) goes to a file the test reads afterwards. The S3 and
Redis fixtures are registered for the whole suite from ``tests/conftest.py``; everything comes
from the machine's packages or the ``[test]`` extras, nothing is downloaded.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """Return a loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen, *, timeout: float = 60) -> None:
    """Wait for the server to answer /healthz."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    pytest.fail("the server did not start")


def app_env(app, **more: str) -> dict[str, str]:
    """Return the environment that points a server process at the test app's data."""
    return {
        **os.environ,
        "GALLERY_DATABASE_URL": app.config["DATABASE_URL"],
        "GALLERY_UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "GALLERY_SECRET_KEY": app.config["SECRET_KEY"],
        **more,
    }


@contextmanager
def serving(command: list[str], port: int, env: dict[str, str], stderr: Path) -> Iterator[int]:
    """Run ``command`` until the block ends; yield its port once it answers."""
    with stderr.open("ab") as err:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err
        )
        try:
            wait_until_up(port, process)
            yield port
        finally:
            process.terminate()
            process.wait(timeout=30)


def gunicorn(app, stderr: Path, *options: str, **env: str):
    """Serve the app with ``deploy/gunicorn.conf.py`` (one worker) and extra ``options``."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", *options]
    settings = {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"}
    settings = {**settings, "GUNICORN_THREADS": "2", **env}
    return serving([*command, "wsgi:app"], port, app_env(app, **settings), stderr)


def flask_run(app, stderr: Path, **env: str):
    """Serve the app with the development server, as `scripts/run.sh` starts it."""
    port = free_port()
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", str(port)]
    return serving([*command, "--host", "127.0.0.1"], port, app_env(app, **env), stderr)


def wait_for_port(port: int, process: subprocess.Popen, *, what: str, timeout: float = 60):
    """Wait until something accepts connections on ``port``; fail if ``process`` ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{what} stopped (exit status {process.returncode})"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{what} did not start on port {port}")


def stop(process: subprocess.Popen, *, timeout: float = 30) -> None:
    """Ask ``process`` to stop, and kill it when it does not in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def start_redis(folder: Path) -> tuple[str, subprocess.Popen]:
    """Start a throw-away Redis server on a free loopback port; return its URL and process."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed: apt-get install redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, process, what="redis-server", timeout=30)
    return f"redis://127.0.0.1:{port}", process


@pytest.fixture
def redis_url() -> str:
    """The suite's Redis server (scripts/test.sh starts one and names it)."""
    url = os.environ.get("GALLERY_TEST_REDIS_URL")
    if not url:
        pytest.skip("no Redis server: scripts/test.sh starts one and sets GALLERY_TEST_REDIS_URL")
    return url


@pytest.fixture(scope="session")
def s3_endpoint():
    """Start an S3 API server (moto) on loopback for the session."""
    pytest.importorskip("moto", reason="moto[server] is a test dependency: pip install -e .[test]")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process, what="the S3 test server", timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process, timeout=10)


@pytest.fixture
def s3_credentials(monkeypatch):
    """Credentials the S3 test server accepts, where boto3 looks for them."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")


@pytest.fixture
def s3_settings(s3_endpoint, s3_credentials):
    """Settings for a fresh, existing bucket on the test server."""
    import boto3

    bucket = f"gallery-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(
        Bucket=bucket
    )
    return {
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": "us-east-1",
        "S3_PREFIX": "site",
    }
