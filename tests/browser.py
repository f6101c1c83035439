"""Browser fixtures: the real app served on loopback, driven by headless Chromium.

Registered for the whole suite from ``tests/conftest.py``. One Chromium serves the session:
Playwright's sync API allows one instance per thread.

Chromium comes from the machine's packages (Debian `chromium`); nothing is downloaded at run
time. Screenshots of failing tests are kept under `test-artifacts/` for CI to collect.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from gallery import create_app
from gallery.extensions import db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    """Return the system Chromium, if installed."""
    return (
        os.environ.get("GALLERY_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for the session (skips with the install command if missing)."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is a test dependency: pip install -e .[test]"
    )
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed: apt-get install chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@contextmanager
def served(app) -> Iterator[str]:
    """Serve ``app`` on loopback from a thread for the block; yield its address."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def live_app(tmp_path):
    """The app with its own database and files, served by a threaded server on loopback."""
    from tests.conftest import database_url  # conftest imports this module: import late

    app = create_app(
        {
            "SECRET_KEY": "e2e-secret",
            "DATABASE_URL": database_url(tmp_path),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "RATELIMIT_ENABLED": False,
            "SUBMIT_MIN_SECONDS": 1,
            "MIN_IMAGE_SIDE": 64,
            "JOB_BACKEND": "thread",
            "LOG_FORMAT": "none",
        }
    )
    with app.app_context():
        db.create_all()
    with served(app) as url:
        app.config["LIVE_URL"] = url
        yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def page(browser, live_app, request):
    """A fresh browser page (own cookies) that refuses requests to any other host."""
    context = browser.new_context(base_url=live_app.config["LIVE_URL"], accept_downloads=True)
    outside: list[str] = []

    def guard(route) -> None:
        """Abort and remember any request that leaves the app's own origin."""
        if route.request.url.startswith(live_app.config["LIVE_URL"]):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert outside == [], f"pages made requests to other hosts: {outside}"


def log_in_page(page, staff) -> None:
    """Log the browser ``page`` in as ``staff`` through the login form."""
    page.goto("/login")
    page.fill("input[name='login']", staff.login)
    page.fill("input[name='password']", staff.password)
    page.click("main button[type='submit']")
    page.wait_for_load_state()


def export_and_download(page, *, stickers: int) -> bytes:
    """On the print page: preview ``stickers`` stickers, create the PDF, return the download."""
    page.click("button:has-text('Preview')")
    page.wait_for_selector("svg image")
    assert page.locator("svg image").count() == stickers
    page.click("button:has-text('Create PDF')")
    page.wait_for_url(re.compile(r"/print/exports/\d+$"))
    page.wait_for_selector("a:has-text('Download PDF')", timeout=120_000)
    with page.expect_download() as download_info:
        page.click("a:has-text('Download PDF')")
    return download_info.value.path().read_bytes()


def send_submission(page, files, *, credit: str, titles=()) -> None:
    """Fill the public form with ``files`` (paths), a credit and both consents, and send it."""
    page.goto("/submit")
    for slot, path in enumerate(files):
        page.set_input_files(f"input[name='images-{slot}-file']", str(path))
        if slot < len(titles):
            page.fill(f"input[name='images-{slot}-title']", titles[slot])
    page.fill("input[name='credit']", credit)
    page.check("input[name='consent_publish']")
    page.check("input[name='consent_print']")
    page.wait_for_timeout(1100)  # the time trap refuses forms sent within a second
    page.click("button[type='submit']")
    page.wait_for_url(re.compile(r"/submit/receipt$"))
