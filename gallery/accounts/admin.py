"""Admin pages: accounts, their roles, and invites to new staff members."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from gallery.accounts.access import require
from gallery.accounts.forms import ActiveForm, ConfirmForm, RolesForm
from gallery.accounts.operations import (
    SelfLockoutError,
    create_invite,
    list_users,
    pending_invites,
    revoke_invite,
    set_active,
    set_roles,
)
from gallery.errors import flash_refusal
from gallery.extensions import db
from gallery.models.accounts import Invite, User
from gallery.permissions import can_admin, can_see_contacts
from gallery.submissions.contacts import shared_contacts

_NEW_INVITE = "admin_new_invite"


def _private(html: str, code: int = 200):
    """Admin pages list staff and may show invite links: never cache them."""
    return html, code, {"Cache-Control": "no-store"}


def _load_user(user_id: int) -> User:
    """Return the account or 404."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@require(can_admin)
def index():
    """The admin area starts with the accounts."""
    return redirect(url_for("admin.users"))


def _users_page(invite_form: RolesForm | None = None, code: int = 200):
    """Render the accounts list, open invites and the invite form."""
    html = render_template(
        "admin/users.html",
        users=list_users(),
        invites=pending_invites(),
        invite_form=invite_form or RolesForm(),
        confirm=ConfirmForm(),
    )
    return _private(html, code)


@require(can_admin)
def users():
    """List accounts and open invites, with the form to invite someone."""
    return _users_page()


@require(can_admin)
def invite():
    """Create a single-use invite and show its link once."""
    form = RolesForm()
    if not form.validate_on_submit():
        return _users_page(invite_form=form, code=422)
    hours = current_app.config["INVITE_HOURS"]
    _invite, token = create_invite(
        by=current_user, roles=form.roles.data, decider=form.decider.data, hours=hours
    )
    session[_NEW_INVITE] = token
    return redirect(url_for("admin.invite_created"), code=303)


@require(can_admin)
def invite_created():
    """Show the invite link made a moment ago; reloading does not show it again."""
    token = session.pop(_NEW_INVITE, None)
    if not token:
        return redirect(url_for("admin.users"))
    link = url_for("accounts.accept_invite", token=token, _external=True)
    html = render_template(
        "admin/invite_created.html", link=link, hours=current_app.config["INVITE_HOURS"]
    )
    return _private(html)


@require(can_admin)
def revoke(invite_id: int):
    """Make an open invite unusable."""
    invite = db.session.get(Invite, invite_id)
    if invite is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    revoke_invite(invite, by=current_user)
    flash(_("The invite link no longer works."), "success")
    return redirect(url_for("admin.users"), code=303)


def _user_page(account: User, roles_form: RolesForm | None = None, code: int = 200):
    """Render one account with its roles form and the enable/disable button."""
    if roles_form is None:
        roles_form = RolesForm(roles=sorted(account.role_set), decider=account.decider)
    html = render_template(
        "admin/user.html",
        account=account,
        roles_form=roles_form,
        active_form=ActiveForm(active="" if account.active else "1"),
    )
    return _private(html, code)


@require(can_admin)
def user(user_id: int):
    """Show one account with its roles and the button to disable or enable it."""
    return _user_page(_load_user(user_id))


@require(can_admin)
def roles(user_id: int):
    """Replace an account's roles."""
    account = _load_user(user_id)
    form = RolesForm()
    if not form.validate_on_submit():
        return _user_page(account, roles_form=form, code=422)
    try:
        set_roles(account, roles=form.roles.data, decider=form.decider.data, by=current_user)
    except SelfLockoutError as refused:
        flash_refusal(refused)
        return redirect(url_for("admin.user", user_id=user_id), code=303)
    flash(_("The roles are saved."), "success")
    return redirect(url_for("admin.user", user_id=user_id), code=303)


@require(can_admin)
def active(user_id: int):
    """Disable an account (ending its sessions at once) or enable it again."""
    account = _load_user(user_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    enable = form.active.data == "1"
    try:
        set_active(account, enable, by=current_user)
    except SelfLockoutError as refused:
        flash_refusal(refused)
        return redirect(url_for("admin.user", user_id=user_id), code=303)
    if enable:
        flash(_("The account is enabled again."), "success")
    else:
        flash(_("The account is disabled and logged out everywhere."), "success")
    return redirect(url_for("admin.user", user_id=user_id), code=303)


@require(can_see_contacts)
def contacts():
    """List the contacts artists asked the campaign to use; each view is logged."""
    return _private(
        render_template("admin/contacts.html", contacts=shared_contacts(by=current_user))
    )
