"""Staff accounts (curators, printers, admins) and the single-use invites that create them."""

from __future__ import annotations

import enum
import functools
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gallery.extensions import db
from gallery.models.base import NEVER_REUSE_IDS, utcnow


class Role(enum.StrEnum):
    """What a staff member may do; one person may hold several."""

    ADMIN = "admin"
    CURATOR = "curator"
    PRINTER = "printer"


@functools.cache
def parse_roles(value: str) -> frozenset[Role]:
    """Turn a stored comma-separated roles string into a set, ignoring unknown names.

    Cached: every permission check of every staff request parses the same few strings, and
    the frozen result cannot be changed by a caller.
    """
    known = {r.value for r in Role}
    return frozenset(Role(part) for part in value.split(",") if part in known)


def join_roles(roles) -> str:
    """Store roles as a sorted comma-separated string (stable for comparisons and listings)."""
    return ",".join(sorted({Role(r).value for r in roles}))


def new_session_token() -> str:
    """Return a fresh random token; the session cookie carries it instead of the user id."""
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    """A staff member who logs in with a login and a password."""

    __tablename__ = "users"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    roles: Mapped[str] = mapped_column(String(100), default="")
    decider: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Curators see works without credits by default so votes are about the art.
    blind_mode: Mapped[bool] = mapped_column(default=True)
    # Rotating this ends every session of the user on the server (Flask-Login alternative id).
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def role_set(self) -> frozenset[Role]:
        """Return the user's roles as a set of ``Role``."""
        return parse_roles(self.roles or "")

    @role_set.setter
    def role_set(self, roles) -> None:
        """Store ``roles`` (any iterable of ``Role`` or role names)."""
        self.roles = join_roles(roles)

    def has_role(self, role: Role | str) -> bool:
        """Tell whether the user holds ``role``."""
        return Role(role) in self.role_set

    @property
    def is_active(self) -> bool:
        """Disabled users cannot log in or keep a session (used by Flask-Login)."""
        return bool(self.active)

    def get_id(self) -> str:
        """Return the session token, not the id, so a session can be revoked by rotating it."""
        return self.session_token

    def __repr__(self) -> str:
        """Show the id only: logins are personal data and stay out of logs."""
        return f"<User {self.id}>"


class Invite(db.Model):
    """A single-use, expiring link an admin sends to a new staff member."""

    __tablename__ = "invites"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of the token; the token is shown once to the admin and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    roles: Mapped[str] = mapped_column(String(100), default="")
    decider: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    used_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    used_by: Mapped[User | None] = relationship(foreign_keys=[used_by_id])

    @property
    def role_set(self) -> frozenset[Role]:
        """Return the roles the invite grants."""
        return parse_roles(self.roles or "")
