"""No claim, invitation or kept-image token reaches any log line, whoever writes it."""

from __future__ import annotations

import http.client
import logging
import os
import secrets
import subprocess
import sys
import threading
import uuid

import pytest
from werkzeug.serving import make_server

from gallery import create_app
from tests.servers import ROOT, app_env, gunicorn


def secret_paths() -> tuple[list[str], list[str]]:
    """Return fresh tokens and request paths carrying them, as browsers ask for them."""
    tokens = [secrets.token_urlsafe(32) for _ in range(5)]
    kept = f"eyJ{secrets.token_urlsafe(40)}.{secrets.token_urlsafe(6)}.{secrets.token_urlsafe(20)}"
    tokens.append(kept)
    paths = [
        f"/claim/{tokens[0]}",
        f"/claim/{tokens[1]}/withdraw",
        f"/invite/{tokens[2]}",
        f"/submit/kept/{kept}",
        f"/language/ru?next=/claim/{tokens[3]}",  # the switcher on a claim page
        f"/language/ru?next=%2Fclaim%2F{tokens[4]}%3F",
    ]
    return tokens, paths


def leaked(text: str, tokens: list[str]) -> list[str]:
    """Return the tokens found in ``text``."""
    return [token for token in tokens if token in text]


@pytest.fixture(params=[False, True], ids=["addresses hidden", "GALLERY_LOG_IPS=true"])
def log_ips(request, app):
    """Run the test with and without IP logging: redaction holds either way."""
    if request.param:
        create_app({**app.config, "LOG_IPS": True})
    yield request.param
    create_app({**app.config, "LOG_IPS": False})


def test_app_loggers_redact_tokens(app, caplog, log_ips):
    """The app's own log lines, whatever their logger, carry no token."""
    tokens, paths = secret_paths()
    with caplog.at_level(logging.DEBUG):
        for path in paths:
            logging.getLogger("gallery.submissions.claim").info("opened %s", path)
            logging.getLogger("gallery").warning("seen " + path)
    assert "/claim/[redacted]" in caplog.text and "/invite/[redacted]" in caplog.text
    assert leaked(caplog.text, tokens) == []


def test_an_error_on_a_claim_page_logs_no_token(app, client, caplog, monkeypatch):
    """The 500 handler logs the path and the traceback, both redacted."""
    tokens, _paths = secret_paths()

    def broken(token):
        """Fail the way a bug might: quoting the address in its message."""
        raise RuntimeError(f"cannot load /claim/{token}")

    monkeypatch.setattr("gallery.submissions.claim.find_entry_by_claim", broken)
    with caplog.at_level(logging.ERROR):
        assert client.get(f"/claim/{tokens[0]}").status_code == 500
    assert "unhandled error on /claim/[redacted]" in caplog.text
    assert "RuntimeError" in caplog.text and leaked(caplog.text, tokens) == []


def test_json_log_lines_on_stderr_are_redacted(tmp_path, capfd, monkeypatch):
    """The stderr handler production uses writes the redacted line and traceback."""
    tokens, paths = secret_paths()
    monkeypatch.setenv("GALLERY_LOG_FORMAT", "json")
    root = logging.getLogger()
    create_app(
        {
            "SECRET_KEY": "x",
            "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
            "UPLOAD_DIR": str(tmp_path / "u"),
            "LOG_FORMAT": "json",
            "LOG_IPS": True,
        }
    )
    try:
        try:
            raise ValueError(paths[0])
        except ValueError:
            logging.getLogger("gallery.test").exception("failed on %s", paths[2])
    finally:
        for handler in [h for h in root.handlers if getattr(h, "_gallery", False)]:
            root.removeHandler(handler)
    err = capfd.readouterr().err
    assert '"exception"' in err and "/invite/[redacted]" in err
    assert leaked(err, tokens) == []


def test_dev_server_request_lines_carry_no_token(app, caplog, log_ips):
    """werkzeug's request line for each secret address is logged with the token redacted."""
    tokens, paths = secret_paths()
    caplog.set_level(logging.INFO, logger="werkzeug")
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in paths:
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            connection.request("GET", path, headers={"Host": "gallery.test"})
            connection.getresponse().read()
            connection.close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    lines = "\n".join(r.getMessage() for r in caplog.records if r.name == "werkzeug")
    assert lines.count("[redacted]") >= len(paths), lines
    assert leaked(lines, tokens) == []
    assert ("127.0.0.1" in lines) is log_ips


@pytest.mark.parametrize("log_ips", ["false", "true"])
def test_gunicorn_access_log_carries_no_token(app, tmp_path, log_ips):
    """The example gunicorn config with its access log turned on: request lines, decoded
    paths, query strings and Referer values all come out redacted."""
    tokens, paths = secret_paths()
    referer_token = secrets.token_urlsafe(32)
    tokens.append(referer_token)
    access_log = tmp_path / "access.log"
    options = [
        "--access-logfile",
        str(access_log),
        "--access-logformat",
        '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s %(q)s %({referer}i)s',
    ]
    stderr = tmp_path / "stderr.log"
    with gunicorn(app, stderr, *options, GALLERY_LOG_IPS=log_ips) as port:
        for path in paths:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            referer = f"https://gallery.example/claim/{referer_token}"
            connection.request("GET", path, headers={"Referer": referer})
            connection.getresponse().read()
            connection.close()
    err = stderr.read_text()
    log = access_log.read_text()
    requests = [line for line in log.splitlines() if "/healthz" not in line]
    assert len(requests) == len(paths), log
    assert "/claim/[redacted]" in log and "/submit/kept/[redacted]" in log
    assert leaked(log, tokens) == [] and leaked(err, tokens) == []
    assert ("127.0.0.1" in log) is (log_ips == "true")


def test_rq_worker_log_lines_carry_no_token(app, capsys):
    """RQ's worker logger, with the handler RQ installs itself, writes redacted lines."""
    from rq.logutils import setup_loghandlers

    tokens, paths = secret_paths()
    worker_log = logging.getLogger("rq.worker")
    saved = (worker_log.handlers[:], worker_log.propagate, worker_log.level)
    worker_log.handlers, worker_log.propagate = [], False
    try:
        # As in a worker process whose root logger has no handler: RQ adds its own.
        root_handlers, logging.getLogger().handlers = logging.getLogger().handlers, []
        try:
            setup_loghandlers("INFO")
        finally:
            logging.getLogger().handlers = root_handlers
        for path in paths:
            worker_log.info("default: gallery.jobs.run('%s') (%s)", path, uuid.uuid4())
    finally:
        worker_log.handlers, worker_log.propagate, worker_log.level = saved
    out = capsys.readouterr().out
    assert out.count("[redacted]") >= len(paths), out
    assert leaked(out, tokens) == []


def test_a_real_rq_worker_logs_no_token(app):
    """`flask jobs worker` logs the job it runs; the token in its arguments is redacted."""
    redis_url = os.environ.get("GALLERY_TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("no Redis server: scripts/test.sh starts one and sets GALLERY_TEST_REDIS_URL")
    from redis import Redis
    from rq import Queue

    tokens, paths = secret_paths()
    queue_name = f"test-{uuid.uuid4().hex[:8]}"
    queue = Queue(queue_name, connection=Redis.from_url(redis_url))
    for path in paths:
        queue.enqueue("gallery.logging.redact_secrets", path)
    worker = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--burst"],
        cwd=ROOT,
        env=app_env(
            app,
            GALLERY_JOB_BACKEND="rq",
            GALLERY_REDIS_URL=redis_url,
            GALLERY_JOB_QUEUE=queue_name,
            GALLERY_LOG_FORMAT="text",
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = worker.stdout + worker.stderr
    assert worker.returncode == 0, output[-2000:]
    assert output.count("/claim/[redacted]") >= 2, output
    assert leaked(output, tokens) == []
