"""Logging in and out: generic failures, lock-out, fresh sessions, revocable cookies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import select

from gallery.accounts.passwords import needs_rehash, verify_password
from gallery.extensions import db
from gallery.models import User
from tests.accounts.conftest import (
    client_with_cookie,
    is_anonymous,
    post_form,
    session_cookie,
    try_login,
)
from tests.conftest import csrf_token_in, log_in
from tests.factories import STAFF_PASSWORD, make_staff


def load(app, user_id: int) -> User:
    """Return a detached copy of the account."""
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def error_text(response) -> str:
    """Return the error shown under the form fields."""
    html = response.get_data(as_text=True)
    return html[html.index('class="error"') :].split("</p>")[0]


def test_login_with_the_right_password_starts_a_session(app, client):
    """Right login and password: redirected to the staff member's page, logged in."""
    staff = make_staff(app, "curator")
    response = try_login(client, staff.login.upper(), staff.password)
    assert response.status_code == 303
    assert not is_anonymous(client)
    assert load(app, staff.id).last_login_at is not None


def test_failures_give_one_generic_message_that_reveals_nothing(app, client):
    """Wrong password, unknown login and disabled account look the same."""
    staff = make_staff(app, "curator")
    disabled = make_staff(app, "curator")
    with app.app_context():
        db.session.get(User, disabled.id).active = False
        db.session.commit()
    wrong = try_login(client, staff.login, "not the password at all")
    unknown = try_login(client, "nobody-here", "not the password at all")
    off = try_login(client, disabled.login, disabled.password)
    assert wrong.status_code == unknown.status_code == off.status_code == 401
    assert error_text(wrong) == error_text(unknown) == error_text(off)
    assert staff.login not in wrong.get_data(as_text=True).split("</header>")[1].replace(
        f'value="{staff.login}"', ""
    )
    assert is_anonymous(client)


def test_five_failures_lock_the_account_and_the_message_says_to_wait(app, client):
    """After 5 wrong passwords even the right one fails for 15 minutes, with the same message."""
    staff = make_staff(app, "curator")
    for _ in range(5):
        failed = try_login(client, staff.login, "wrong guess number")
    locked = load(app, staff.id)
    assert locked.failed_logins == 5
    until = locked.locked_until.replace(tzinfo=UTC)
    assert timedelta(minutes=14) < until - datetime.now(UTC) <= timedelta(minutes=15)
    refused = try_login(client, staff.login, staff.password)
    assert refused.status_code == 401
    assert "wait 15 minutes" in error_text(refused)
    assert error_text(refused) == error_text(failed)
    assert is_anonymous(client)


def test_the_lock_out_grows_and_ends_after_a_success(app, client):
    """When a lock expires, the next failure locks for twice as long; success resets it."""
    staff = make_staff(app, "curator")
    for _ in range(5):
        try_login(client, staff.login, "wrong guess number")
    with app.app_context():
        db.session.get(User, staff.id).locked_until = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    try_login(client, staff.login, "wrong guess again")
    until = load(app, staff.id).locked_until.replace(tzinfo=UTC)
    assert timedelta(minutes=29) < until - datetime.now(UTC) <= timedelta(minutes=30)
    with app.app_context():
        db.session.get(User, staff.id).locked_until = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    assert try_login(client, staff.login, staff.password).status_code == 303
    user = load(app, staff.id)
    assert user.failed_logins == 0 and user.locked_until is None


def test_login_posts_are_rate_limited_per_client(limited_app):
    """Flask-Limiter answers 429 once a client sends too many login forms."""
    client = limited_app.test_client()
    codes = [try_login(client, "someone", "wrong guess number").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_login_starts_a_new_session_and_the_old_cookie_stays_anonymous(app, client):
    """Nothing from before the login survives; a planted pre-login cookie gains nothing."""
    staff = make_staff(app, "printer")
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = session_cookie(client)
    log_in(client, staff)
    after = session_cookie(client)
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
    assert is_anonymous(client_with_cookie(app, before))
    assert not is_anonymous(client_with_cookie(app, after))


def test_the_session_carries_a_revocable_token_not_the_user_id(app, client):
    """Flask-Login's alternative id: the cookie names the session token."""
    staff = make_staff(app, "curator")
    log_in(client, staff)
    with client.session_transaction() as session:
        assert session["_user_id"] == load(app, staff.id).session_token
        assert session["_user_id"] != str(staff.id)


def test_logout_kills_the_session_on_the_server(app, client):
    """A copy of the cookie taken before logging out does not work afterwards."""
    staff = make_staff(app, "curator")
    log_in(client, staff)
    stolen = session_cookie(client)
    assert not is_anonymous(client_with_cookie(app, stolen))
    response = post_form(client, "/account", "/logout", {})
    assert response.status_code == 303
    assert is_anonymous(client)
    assert is_anonymous(client_with_cookie(app, stolen))


def test_logout_needs_a_csrf_token(app, client):
    """Another site cannot log staff out (or in) behind their back."""
    staff = make_staff(app, "curator")
    log_in(client, staff)
    assert client.post("/logout").status_code == 400
    assert not is_anonymous(client)


def test_changing_the_password_logs_out_other_devices_but_not_this_one(app, client):
    """Another device's cookie dies; this browser continues with a fresh session."""
    staff = make_staff(app, "curator")
    log_in(client, staff)
    other = app.test_client()
    log_in(other, staff)
    new = "a much longer secret phrase"
    response = post_form(
        client,
        "/account",
        "/account/password",
        {"current": staff.password, "new_password": new, "confirm": new},
    )
    assert response.status_code == 303
    assert not is_anonymous(client)
    assert is_anonymous(other)
    assert verify_password(load(app, staff.id).password_hash, new)


def test_changing_the_password_checks_the_current_one_and_the_policy(app, client):
    """A wrong current password or a common new one changes nothing."""
    staff = make_staff(app, "curator")
    log_in(client, staff)
    attempts = [("wrong current one", "a much longer phrase"), (STAFF_PASSWORD, "password1")]
    for current, new in attempts:
        response = post_form(
            client,
            "/account",
            "/account/password",
            {"current": current, "new_password": new, "confirm": new},
        )
        assert response.status_code == 422
    assert verify_password(load(app, staff.id).password_hash, STAFF_PASSWORD)


def test_blind_mode_is_on_by_default_and_can_be_switched_off(app, client):
    """The curator's setting lives on the account."""
    staff = make_staff(app, "curator")
    log_in(client, staff)
    assert load(app, staff.id).blind_mode
    response = post_form(client, "/account", "/account/blind-mode", {})
    assert response.status_code == 303
    assert not load(app, staff.id).blind_mode


def test_a_hash_with_old_parameters_is_replaced_at_login(app, client):
    """argon2 parameters can be raised; old hashes upgrade when the password is known."""
    staff = make_staff(app, "curator")
    with app.app_context():
        user = db.session.get(User, staff.id)
        user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192).hash(staff.password)
        db.session.commit()
        assert needs_rehash(user.password_hash)
    log_in(client, staff)
    new_hash = load(app, staff.id).password_hash
    assert not needs_rehash(new_hash)
    assert verify_password(new_hash, staff.password)


def test_anonymous_visitors_are_sent_to_login_and_back(app, client):
    """The login page remembers the local page; after login the visitor lands there."""
    staff = make_staff(app, "admin")
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/admin/users"
    token = csrf_token_in(client.get("/login?next=/admin/users").get_data(as_text=True))
    response = client.post(
        "/login?next=/admin/users",
        data={"csrf_token": token, "login": staff.login, "password": staff.password},
    )
    assert response.headers["Location"] == "/admin/users"


def test_next_never_leads_to_another_site(app, client):
    """No open redirect through the login page."""
    staff = make_staff(app, "admin")
    for target in ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]:
        fresh = app.test_client()
        token = csrf_token_in(fresh.get("/login").get_data(as_text=True))
        response = fresh.post(
            "/login",
            query_string={"next": target},
            data={"csrf_token": token, "login": staff.login, "password": staff.password},
        )
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith("//"), target
        assert "evil" not in location


def test_no_password_or_login_reaches_the_logs(app, client, caplog):
    """Logs keep account ids only: no logins, no passwords."""
    staff = make_staff(app, "curator", login="very-private-name")
    with caplog.at_level("DEBUG"):
        try_login(client, staff.login, "wrong guess number")
        log_in(client, staff)
    assert "very-private-name" not in caplog.text
    assert staff.password not in caplog.text


def test_user_rows_hold_only_a_hash(app):
    """The database never holds a password."""
    staff = make_staff(app, "curator")
    with app.app_context():
        row = db.session.scalar(select(User).where(User.id == staff.id))
        assert staff.password not in row.password_hash
