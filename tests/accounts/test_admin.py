"""Admin pages: invites that work once and expire, roles, disabling accounts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from gallery.accounts.operations import create_invite
from gallery.extensions import db
from gallery.models import Invite, User
from tests.accounts.conftest import (
    client_with_cookie,
    is_anonymous,
    post_form,
    session_cookie,
    try_login,
)
from tests.conftest import log_in
from tests.factories import make_staff

NEW_PASSWORD = "seven blue kites over the river"


def invite_link(client, roles=("curator",), decider: bool = False) -> str:
    """Create an invite through the admin page and return the path of its link."""
    data = {"roles": list(roles)}
    if decider:
        data["decider"] = "y"
    response = post_form(client, "/admin/users", "/admin/invites", data)
    assert response.status_code == 303, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    match = re.search(r'value="https?://[^/"]+(/invite/[^"]+)"', page)
    assert match, "no invite link on the page"
    return match.group(1)


def accept(client, path: str, login: str, password: str = NEW_PASSWORD):
    """Fill in the invite form."""
    return post_form(
        client, path, path, {"login": login, "new_password": password, "confirm": password}
    )


def account(app, login: str) -> User | None:
    """Return the account with ``login``, detached."""
    with app.app_context():
        user = db.session.query(User).filter_by(login=login).one_or_none()
        if user:
            db.session.expunge(user)
        return user


def test_admin_pages_are_for_admins_only(app, client, login_user_as):
    """Anonymous visitors go to login; curators and printers get 403."""
    assert client.get("/admin/users").status_code == 302
    login_user_as(client, app, "curator", "printer", decider=True)
    assert client.get("/admin/users").status_code == 403
    assert client.post("/admin/invites").status_code in (400, 403)


def test_an_invite_link_is_shown_once_and_creates_one_account(app, client, login_user_as):
    """The link appears once; the invited person picks a login and is logged in."""
    login_user_as(client, app, "admin")
    path = invite_link(client, roles=("curator",), decider=True)
    assert client.get("/admin/invites/new").status_code == 302
    newcomer = app.test_client()
    response = accept(newcomer, path, "Kite")
    assert response.status_code == 303
    assert not is_anonymous(newcomer)
    user = account(app, "kite")
    assert user.roles == "curator" and user.decider and user.active


def test_an_invite_works_only_once(app, client, login_user_as):
    """A second person with the same link gets nothing."""
    login_user_as(client, app, "admin")
    path = invite_link(client)
    assert accept(app.test_client(), path, "first").status_code == 303
    second = app.test_client()
    assert second.get(path).status_code == 404
    with app.app_context():
        invite = db.session.query(Invite).one()
        assert invite.used_at is not None and invite.used_by_id is not None
    assert account(app, "second") is None


def test_an_expired_invite_does_not_work(app):
    """After its hours are up the link is dead."""
    with app.app_context():
        invite, token = create_invite(by=None, roles=["printer"], decider=False, hours=1)
        invite.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
    client = app.test_client()
    assert client.get(f"/invite/{token}").status_code == 404
    assert client.post(f"/invite/{token}").status_code in (400, 404)


def test_a_revoked_invite_does_not_work(app, client, login_user_as):
    """An admin can take back a link sent to the wrong person."""
    login_user_as(client, app, "admin")
    path = invite_link(client)
    with app.app_context():
        invite_id = db.session.query(Invite).one().id
    response = post_form(client, "/admin/users", f"/admin/invites/{invite_id}/revoke", {})
    assert response.status_code == 303
    assert app.test_client().get(path).status_code == 404


def test_an_invite_keeps_working_after_a_refused_password(app, client, login_user_as):
    """A weak password or a taken login is explained; the link is not used up."""
    admin = login_user_as(client, app, "admin")
    path = invite_link(client)
    newcomer = app.test_client()
    assert accept(newcomer, path, "kite", password="iloveyou1").status_code == 422
    assert accept(newcomer, path, "kite", password="kite" + "kite").status_code == 422
    assert accept(newcomer, path, admin.login).status_code == 422
    assert accept(newcomer, path, "kite").status_code == 303


def test_disabling_an_account_ends_its_session_at_once(app, client, login_user_as):
    """The disabled person's browser and any copy of their cookie are logged out."""
    curator = make_staff(app, "curator")
    victim = app.test_client()
    log_in(victim, curator)
    stolen = session_cookie(victim)
    login_user_as(client, app, "admin")
    response = post_form(
        client, f"/admin/users/{curator.id}", f"/admin/users/{curator.id}/active", {"active": ""}
    )
    assert response.status_code == 303
    assert is_anonymous(victim)
    assert is_anonymous(client_with_cookie(app, stolen))
    assert try_login(app.test_client(), curator.login, curator.password).status_code == 401
    response = post_form(
        client, f"/admin/users/{curator.id}", f"/admin/users/{curator.id}/active", {"active": "1"}
    )
    assert account(app, curator.login).active
    assert try_login(app.test_client(), curator.login, curator.password).status_code == 303


def test_an_admin_cannot_disable_themselves_or_drop_their_admin_role(app, client, login_user_as):
    """So the campaign is never left without anyone who can manage accounts."""
    admin = login_user_as(client, app, "admin")
    post_form(client, f"/admin/users/{admin.id}", f"/admin/users/{admin.id}/active", {"active": ""})
    post_form(
        client, f"/admin/users/{admin.id}", f"/admin/users/{admin.id}/roles", {"roles": ["curator"]}
    )
    user = account(app, admin.login)
    assert user.active and user.roles == "admin"


def test_roles_can_be_changed_and_take_effect_at_once(app, client, login_user_as):
    """A curator made printer loses the admin-free pages and gains nothing else."""
    staff = make_staff(app, "printer")
    other = app.test_client()
    log_in(other, staff)
    login_user_as(client, app, "admin")
    response = post_form(
        client,
        f"/admin/users/{staff.id}",
        f"/admin/users/{staff.id}/roles",
        {"roles": ["admin", "curator"], "decider": "y"},
    )
    assert response.status_code == 303
    user = account(app, staff.login)
    assert user.roles == "admin,curator" and user.decider
    assert other.get("/admin/users").status_code == 200


def test_roles_need_at_least_one(app, client, login_user_as):
    """An account without a role could do nothing; the form says so."""
    staff = make_staff(app, "printer")
    login_user_as(client, app, "admin")
    response = post_form(
        client, f"/admin/users/{staff.id}", f"/admin/users/{staff.id}/roles", {"roles": []}
    )
    assert response.status_code == 422
    assert account(app, staff.login).roles == "printer"


def test_admin_pages_are_never_cached(app, client, login_user_as):
    """They list staff and show invite links."""
    login_user_as(client, app, "admin")
    assert client.get("/admin/users").headers["Cache-Control"] == "no-store"
