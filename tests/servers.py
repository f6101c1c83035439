"""The app in real server processes on loopback: gunicorn with the example config, `flask run`.

For the tests that must see what a real server writes: its headers and its logs. Each server
runs on the test app's database and files, in a process of its own; its stderr (the server's
error log and the app's own log lines) goes to a file the test reads afterwards.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
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


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    """Wait for the server to answer /healthz."""
    deadline = time.monotonic() + 60
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
