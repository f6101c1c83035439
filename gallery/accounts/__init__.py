"""Accounts: staff users, roles, invites, login and the permission gate."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, select

from gallery.extensions import db, login_manager
from gallery.models.accounts import Role, User
from gallery.permissions import can_admin, can_curate, can_print


def init_login(app: Flask) -> None:
    """Set up Flask-Login: token-based user loading, the login page and cookie security."""
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    # The lazy message becomes text in the visitor's language when it is flashed.
    login_manager.localize_callback = str
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    if app.config.get("SECURE_COOKIES"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    # No "remember me" is offered; should a remember cookie appear, it carries the same
    # revocable session token and is as well protected as the session cookie.
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.context_processor(_staff_context)


# Built once: every staff request runs it, and building it anew cost a third of running it.
_USER_BY_TOKEN = select(User).where(User.session_token == bindparam("token"))


def load_user(session_token: str) -> User | None:
    """Return the active account whose current session token the cookie carries."""
    if not session_token:
        return None
    user = db.session.scalar(_USER_BY_TOKEN, {"token": session_token})
    if user is None or not user.active:
        return None
    return user


def staff_links(user) -> list[tuple[str, str]]:
    """Return the staff pages ``user`` may open, as (label, url), most used first."""
    links: list[tuple[str, str]] = []
    if not getattr(user, "is_authenticated", False):
        return links
    if can_curate(user):
        links.append((_("Curate"), url_for("curation.gallery")))
    if can_print(user):
        links.append((_("Print"), url_for("printing.index")))
    if can_admin(user):
        links.append((_("Admin"), url_for("admin.users")))
    links.append((_("Account"), url_for("accounts.account")))
    return links


def role_names(roles) -> str:
    """Return roles as translated words, comma-joined, for lists shown to admins."""
    labels = {Role.ADMIN: _("admin"), Role.CURATOR: _("curator"), Role.PRINTER: _("printer")}
    return ", ".join(sorted(labels[Role(role)] for role in roles))


def _staff_context() -> dict:
    """Give templates the staff navigation of the current user and the role names."""
    return {"staff_links": staff_links(current_user), "role_names": role_names}
