"""The log canary: a browser's identity and address, sent all the way through, logged nowhere.

An artist submits, opens the claim link, edits and deletes; a printer makes an export that a
`jobs worker` renders from Redis. Every request carries a user agent and a forwarded address
made for this test alone, through gunicorn (one proxy trusted, its access log on, in a format
that asks for both) with the app's own JSON logs at DEBUG. Afterwards neither string is in the
access log, gunicorn's error log, the app's log or the worker's output. With
GALLERY_LOG_IPS=true the address may appear (and does, in the access log), the user agent
still never; that run leaves the export out, as the setting changes nothing for a worker.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import uuid

import pytest
import requests

from gallery.extensions import db
from gallery.models import Export, ExportState
from gallery.submissions.operations import find_entry_by_claim
from tests.conftest import csrf_token_in
from tests.factories import image_bytes, make_staff, set_state
from tests.printing.export_kit import form_query
from tests.servers import ROOT, app_env, gunicorn
from tests.submissions.conftest import hidden_value

# gunicorn's default access format, then the forwarded address, the user agent once more and
# a control header that must show up (so an empty log cannot pass).
ACCESS_FORMAT = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
    "%({x-forwarded-for}i)s %({user-agent}i)s %({x-canary-control}i)s"
)


class Browser(requests.Session):
    """A browser session whose every request carries the canary headers."""

    def __init__(self, base: str, user_agent: str, address: str, control: str) -> None:
        """Start a session against ``base`` with its own cookies."""
        super().__init__()
        self.base = base
        self.headers.update(
            {"User-Agent": user_agent, "X-Forwarded-For": address, "X-Canary-Control": control}
        )

    def request(self, method, url, *args, **kwargs):
        """Send to a path of the served site."""
        kwargs.setdefault("timeout", 60)
        return super().request(method, self.base + url if url.startswith("/") else url, **kwargs)

    def form(self, path: str) -> str:
        """Return the CSRF token of the first form on ``path``."""
        return csrf_token_in(self.get(path).text)


def submit(artist: Browser) -> str:
    """Send one image through the form; return the claim path the receipt shows."""
    page = artist.get("/submit").text
    data = {
        "csrf_token": hidden_value(page, "csrf_token"),
        "started": hidden_value(page, "started"),
        "credit": "Canary",
        "consent_publish": "y",
        "consent_print": "y",
        "licence": "campaign",
        "images-0-title": "Bird",
    }
    files = {"images-0-file": ("bird.png", image_bytes("PNG", (600, 600)), "image/png")}
    receipt = artist.post("/submit", data=data, files=files)
    assert receipt.status_code == 200 and receipt.url.endswith("/submit/receipt"), receipt.text
    refused = artist.post("/submit", data=data, files=files)
    assert refused.status_code == 429  # the limiter's "exceeded" line names the client
    return re.search(r'value="https?://[^/"]+(/claim/[^"]+)"', receipt.text).group(1)


def edit(artist: Browser, claim: str) -> None:
    """Change the credit and the title through the claim link."""
    data = {"csrf_token": artist.form(claim), "credit": "Canary K.", "titles-0": "Bird II"}
    data.update({"consent_publish": "y", "consent_print": "y", "licence": "campaign"})
    edited = artist.post(claim, data=data)
    assert edited.status_code == 200 and "Canary K." in edited.text


def select_for_print(app, claim: str) -> int:
    """Curators select the work for print (directly in the database); return its id."""
    with app.app_context():
        work = find_entry_by_claim(claim.rsplit("/", 1)[1]).works[0]
        set_state(work, "selected")
        db.session.commit()
        return work.id


def start_export(printer: Browser, staff, work_id: int) -> int:
    """Log in as the printer and start an export of the work; return the export id."""
    login = {"csrf_token": printer.form("/login"), "login": staff.login}
    assert printer.post("/login", data={**login, "password": staff.password}).ok
    data = {**form_query(works=[work_id]), "csrf_token": printer.form("/print")}
    started = printer.post("/print/exports", data=data, allow_redirects=False)
    assert started.status_code == 303, started.text
    return int(started.headers["Location"].rsplit("/", 1)[1])


def run_worker(app, env: dict[str, str]) -> str:
    """Run `flask jobs worker --burst` until the queue is empty; return all it wrote."""
    worker = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--burst"],
        cwd=ROOT,
        env=app_env(app, **env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr[-2000:]
    return worker.stdout + worker.stderr


def delete(artist: Browser, claim: str) -> None:
    """Tick "Yes, I am sure" and delete the entry."""
    data = {"csrf_token": artist.form(claim), "confirm": "y"}
    assert artist.post(f"{claim}/delete", data=data).status_code == 200
    assert artist.get(claim).status_code == 404


@pytest.mark.parametrize("log_ips", ["false", "true"])
def test_no_log_line_holds_the_visitors_user_agent_or_address(app, tmp_path, log_ips):
    """Submit, claim, edit, export through a worker, delete: the canaries stay out of logs."""
    redis_url = os.environ.get("GALLERY_TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("no Redis server: scripts/test.sh starts one and sets GALLERY_TEST_REDIS_URL")
    user_agent = f"CanaryBrowser/{uuid.uuid4().hex}"
    address = f"198.18.{secrets.randbelow(256)}.{1 + secrets.randbelow(254)}"
    control = uuid.uuid4().hex
    staff = make_staff(app, "printer")
    env = {
        "GALLERY_PROXY_COUNT": "1",
        "GALLERY_LOG_IPS": log_ips,
        "GALLERY_LOG_FORMAT": "json",
        "GALLERY_LOG_LEVEL": "DEBUG",
        "GALLERY_SUBMIT_MIN_SECONDS": "0",
        "GALLERY_SUBMIT_RATE_LIMIT": "1 per hour",
        "GALLERY_JOB_BACKEND": "rq",
        "GALLERY_REDIS_URL": redis_url,
        "GALLERY_JOB_QUEUE": f"canary-{uuid.uuid4().hex[:8]}",
        "GALLERY_PRINT_IMPORT_DIR": str(tmp_path / "layouts"),
    }
    access_log, server_log = tmp_path / "access.log", tmp_path / "server.log"
    options = ["--access-logfile", str(access_log), "--access-logformat", ACCESS_FORMAT]
    with gunicorn(app, server_log, *options, "--log-level", "debug", **env) as port:
        base = f"http://127.0.0.1:{port}"
        artist = Browser(base, user_agent, address, control)
        claim = submit(artist)
        edit(artist, claim)
        worker_log = ""
        if log_ips == "false":
            # The worker is told an export id, never a request: one run shows it logs neither.
            printer = Browser(base, user_agent, address, control)
            export_id = start_export(printer, staff, select_for_print(app, claim))
            worker_log = run_worker(app, env)
            with app.app_context():
                assert db.session.get(Export, export_id).state is ExportState.DONE
            download = printer.get(f"/print/exports/{export_id}/download")
            assert download.content.startswith(b"%PDF")
            assert '"logger": "gallery.jobs"' in worker_log
        delete(artist, claim)

    access, server = access_log.read_text(), server_log.read_text()
    canary_lines = [line for line in access.splitlines() if control in line]
    assert len(canary_lines) >= 10, access  # every request of the story was logged
    assert '"message": "ratelimit' in server
    for name, text in (("access", access), ("server", server), ("worker", worker_log)):
        assert user_agent not in text, name
        if log_ips == "false" or name == "worker":
            assert address not in text, name
    if log_ips == "true":
        assert address in access  # the operator asked for addresses: the canary does show
