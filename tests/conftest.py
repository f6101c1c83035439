"""Shared fixtures: an app on a temporary database and upload folder, its client and runner."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

from gallery import create_app
from gallery.extensions import db
from tests.browser import browser, live_app, page  # noqa: F401  (fixtures for every test)
from tests.factories import Staff, image_bytes, make_staff
from tests.servers import (  # noqa: F401  (fixtures for every test)
    redis_url,
    s3_credentials,
    s3_endpoint,
    s3_settings,
)

SHARED_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def database_url(tmp_path: Path) -> str:
    """Return the test database: PostgreSQL when the suite is pointed at one, else SQLite."""
    return os.environ.get("GALLERY_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite3'}"


def app_settings(folder: Path, **overrides) -> dict:
    """Return the settings of a test app whose database and files live in ``folder``."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url(folder),
        "UPLOAD_DIR": str(folder / "uploads"),
        "RATELIMIT_ENABLED": False,
        "SUBMIT_MIN_SECONDS": 0,
        "MIN_IMAGE_SIDE": 64,
        "SERVER_NAME": "gallery.test",
        **overrides,
    }


@contextmanager
def running_app(folder: Path, **overrides):
    """Run an app on an empty database and upload folder in ``folder``; drop it afterwards."""
    app = create_app(app_settings(folder, **overrides))
    with app.app_context():
        db.create_all()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


@pytest.fixture
def app(tmp_path: Path):
    """An app with its own empty database and upload folder."""
    with running_app(tmp_path) as app:
        yield app


@pytest.fixture
def client(app):
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for ``app``'s commands."""
    return app.test_cli_runner()


@pytest.fixture
def make_image():
    """Build test images on demand: ``make_image("JPEG", (800, 600))``."""
    return image_bytes


# --- Staff accounts: log a test client in as a curator, printer or admin. ---


def csrf_token_in(html: str) -> str:
    """Return the CSRF token of the first form in ``html``."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]*)"', html) or re.search(
        r'value="([^"]*)"[^>]*name="csrf_token"', html
    )
    assert match, "no csrf_token in the page"
    return match.group(1)


def log_in(client, staff: Staff) -> None:
    """Log ``client`` in as ``staff`` through the real login form (CSRF on)."""
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"csrf_token": token, "login": staff.login, "password": staff.password}
    )
    assert response.status_code == 303, response.get_data(as_text=True)


def log_in_as(client, app, *roles, decider: bool = False, login: str | None = None) -> Staff:
    """Create a staff account with ``roles`` and log ``client`` in as it."""
    staff = make_staff(app, *roles, decider=decider, login=login)
    log_in(client, staff)
    return staff


@pytest.fixture
def login_user_as():
    """Log a client in as new staff: ``login_user_as(client, app, "curator", decider=True)``."""
    return log_in_as


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    """Hash test passwords with light argon2 settings; production keeps the library defaults."""
    from argon2 import PasswordHasher

    from gallery.accounts import passwords

    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = original


@pytest.fixture(autouse=True, scope="session")
def compiled_translations():
    """Compile each language's .po into the .mo the app reads, when missing or out of date."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    translations = Path(__file__).resolve().parents[1] / "gallery" / "translations"
    for po in translations.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parts[-3])
        # Write aside and rename, so parallel test processes never read a half-written file.
        partial = mo.with_name(f"{mo.name}.{os.getpid()}.tmp")
        with partial.open("wb") as target:
            write_mo(target, catalog)
        os.replace(partial, mo)


@pytest.fixture(autouse=True)
def no_stderr_log_handler(monkeypatch):
    """Apps built from the environment in tests leave logging to pytest's capture."""
    monkeypatch.setenv("GALLERY_LOG_FORMAT", "none")


# In CI everything the suite needs is installed and started by scripts/test.sh, so a test that
# skips there hides a missing install step: report it as a failure instead.
STRICT_SKIPS = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Turn skips into failures when running in CI."""
    outcome = yield
    report = outcome.get_result()
    # Fixtures (the browser's failure screenshots) look at each phase's result.
    setattr(item, f"rep_{report.when}", report)
    if STRICT_SKIPS and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (where it must run): {report.longrepr}"


@pytest.fixture(autouse=True)
def close_every_engine():
    """After each test, close the pooled connections of every app it created.

    Apps made inside a test (a second app on the same database, a restarted one) would
    otherwise leave connections for the garbage collector, which PostgreSQL's driver reports.
    """
    yield
    for engines in list(db._app_engines.values()):
        for engine in engines.values():
            engine.dispose()
