"""Every URL of staff accounts (login, invitations, own account) and of the admin pages."""

from __future__ import annotations

from flask import Blueprint

from gallery.accounts import admin, views

accounts = Blueprint("accounts", __name__)
accounts.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
accounts.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
accounts.add_url_rule(
    "/invite/<token>", "accept_invite", views.accept_invite, methods=["GET", "POST"]
)
accounts.add_url_rule("/account", "account", views.account)
accounts.add_url_rule("/account/password", "password", views.password, methods=["POST"])
accounts.add_url_rule("/account/blind-mode", "blind_mode", views.blind_mode, methods=["POST"])

administration = Blueprint("admin", __name__, url_prefix="/admin")
administration.add_url_rule("/", "index", admin.index)
administration.add_url_rule("/users", "users", admin.users)
administration.add_url_rule("/invites", "invite", admin.invite, methods=["POST"])
administration.add_url_rule("/invites/new", "invite_created", admin.invite_created)
administration.add_url_rule(
    "/invites/<int:invite_id>/revoke", "revoke", admin.revoke, methods=["POST"]
)
administration.add_url_rule("/users/<int:user_id>", "user", admin.user)
administration.add_url_rule("/users/<int:user_id>/roles", "roles", admin.roles, methods=["POST"])
administration.add_url_rule("/users/<int:user_id>/active", "active", admin.active, methods=["POST"])
administration.add_url_rule("/contacts", "contacts", admin.contacts)

blueprints = (accounts, administration)
