"""Helpers for the accounts tests: cookies, CSRF tokens and an app with rate limits on."""

from __future__ import annotations

import pytest

from gallery import create_app
from gallery.extensions import db
from tests.conftest import csrf_token_in, database_url

HOST = "gallery.test"


def session_cookie(client) -> str | None:
    """Return the value of the client's session cookie, if it has one."""
    cookie = client.get_cookie("session", domain=HOST)
    return cookie.value if cookie else None


def client_with_cookie(app, value: str):
    """Return a fresh client that only carries ``value`` as its session cookie (a stolen copy)."""
    thief = app.test_client()
    thief.set_cookie("session", value, domain=HOST)
    return thief


def is_anonymous(client) -> bool:
    """Tell whether ``client`` is logged out: the account page sends it to the login page."""
    response = client.get("/account")
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def post_form(client, page: str, action: str, data: dict, **kwargs):
    """GET ``page`` for its CSRF token, then POST ``data`` to ``action``."""
    token = csrf_token_in(client.get(page).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **data}, **kwargs)


def try_login(client, login: str, password: str):
    """Send the login form once."""
    return post_form(client, "/login", "/login", {"login": login, "password": password})


@pytest.fixture
def limited_app(tmp_path):
    """An app with the login rate limit switched on (and low)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": database_url(tmp_path),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "RATELIMIT_ENABLED": True,
            "LOGIN_RATE_LIMIT": "3 per minute",
            "SERVER_NAME": HOST,
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
