"""Domain operations on staff accounts. They flush; the request (or command) commits once."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select, update

from gallery.accounts.passwords import (
    PasswordProblem,
    burn_time,
    hash_password,
    needs_rehash,
    password_problem,
    problem_message,
    verify_password,
)
from gallery.extensions import db
from gallery.models.accounts import Invite, Role, User, join_roles, new_session_token
from gallery.models.submissions import utcnow
from gallery.refusals import Refused

log = logging.getLogger(__name__)

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}[a-z0-9]$")


class AccountError(Refused):
    """A request about accounts that cannot be carried out."""


class InvalidLoginError(AccountError):
    """The login has characters or a length we do not accept."""

    status = 422

    def __init__(self) -> None:
        """Say what a login may be."""
        super().__init__(
            _l("A login is 3 to 64 lowercase letters, digits, dots, dashes or underscores.")
        )


class LoginTakenError(AccountError):
    """Another account already uses this login."""

    def __init__(self) -> None:
        """Ask for another login."""
        super().__init__(_l("This login is taken. Please choose another."))


class WeakPasswordError(AccountError):
    """The password fails the policy; ``problem`` says why."""

    status = 422

    def __init__(self, problem: PasswordProblem) -> None:
        """Keep the problem; the reason is worded in the reader's language when shown."""
        super().__init__(LazyString(problem_message, problem))
        self.problem = problem


class InviteInvalidError(AccountError):
    """The invite is unknown, used or expired (we never say which)."""

    status = 404

    def __init__(self) -> None:
        """Say no more than that the link does not work."""
        super().__init__(_l("This invitation link does not work (any more)."))


class SelfLockoutError(AccountError):
    """An admin tried to disable themselves or drop their own admin role."""

    def __init__(self, reason) -> None:
        """Keep which lock-out it would have been."""
        super().__init__(reason)


def as_utc(moment: datetime | None) -> datetime | None:
    """Read a stored time as UTC (SQLite gives it back without a zone)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def normalise_login(login: str) -> str:
    """Return the stored form of a login: trimmed and lowercase."""
    return (login or "").strip().lower()


def find_user(login: str) -> User | None:
    """Return the account with ``login`` (any case), or None."""
    return db.session.scalar(select(User).where(User.login == normalise_login(login)))


def list_users() -> list[User]:
    """Return every account, oldest first."""
    return list(db.session.scalars(select(User).order_by(User.id)))


def _check_new_credentials(login: str, password: str) -> None:
    """Refuse a malformed or taken login and a weak password."""
    if not LOGIN_PATTERN.match(login):
        raise InvalidLoginError
    problem = password_problem(password, login=login)
    if problem:
        raise WeakPasswordError(problem)
    if find_user(login) is not None:
        raise LoginTakenError


def create_user(
    *, login: str, password: str, roles: Iterable[Role | str], decider: bool = False
) -> User:
    """Create an active account after checking the login and the password policy."""
    login = normalise_login(login)
    _check_new_credentials(login, password)
    user = User(
        login=login,
        password_hash=hash_password(password),
        roles=join_roles(roles),
        decider=decider,
        active=True,
        session_token=new_session_token(),
    )
    db.session.add(user)
    db.session.flush()
    log.info("account %s created with roles %s", user.id, user.roles)
    return user


def _lock_minutes(failures: int) -> int:
    """Return how long to lock after ``failures`` (doubling past the threshold, capped)."""
    config = current_app.config
    over = failures - config["LOGIN_LOCK_AFTER"]
    if over < 0:
        return 0
    return min(config["LOGIN_LOCK_MINUTES"] * 2 ** min(over, 16), config["LOGIN_LOCK_MAX_MINUTES"])


def is_locked(user: User, now: datetime | None = None) -> bool:
    """Tell whether the account is locked after too many failed logins."""
    until = as_utc(user.locked_until)
    return until is not None and until > (now or utcnow())


def authenticate(*, login: str, password: str) -> User | None:
    """Return the active account if the password matches; count failures and lock after many.

    Unknown, disabled and locked accounts all fail the same way and take the same time.
    """
    now = utcnow()
    user = find_user(login)
    if user is None or not user.active or is_locked(user, now):
        burn_time(password)
        return None
    if not verify_password(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        minutes = _lock_minutes(user.failed_logins)
        if minutes:
            user.locked_until = now + timedelta(minutes=minutes)
            log.warning("account %s locked for %s minutes", user.id, minutes)
        db.session.flush()
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    db.session.flush()
    return user


def end_sessions(user: User) -> None:
    """End every session of ``user`` on the server by giving them a new session token."""
    user.session_token = new_session_token()
    db.session.flush()


def change_password(user: User, *, current: str, new: str) -> bool:
    """Set a new password if ``current`` is right; end the user's other sessions."""
    if not verify_password(user.password_hash, current):
        return False
    problem = password_problem(new, login=user.login)
    if problem:
        raise WeakPasswordError(problem)
    user.password_hash = hash_password(new)
    end_sessions(user)
    log.info("account %s changed its password", user.id)
    return True


def set_password(user: User, *, password: str) -> None:
    """Set a password chosen by the operator (no current password); end the user's sessions."""
    problem = password_problem(password, login=user.login)
    if problem:
        raise WeakPasswordError(problem)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(user)


def set_blind_mode(user: User, *, blind: bool) -> None:
    """Choose whether the curation gallery hides credits from this curator."""
    user.blind_mode = blind
    db.session.flush()


def set_active(user: User, active: bool, *, by: User | None) -> None:
    """Disable (ending every session) or enable an account; an admin cannot disable themselves."""
    if not active and by is not None and by.id == user.id:
        raise SelfLockoutError(_l("You cannot disable your own account."))
    user.active = active
    if active:
        user.failed_logins = 0
        user.locked_until = None
    else:
        end_sessions(user)
    db.session.flush()
    log.info("account %s %s by %s", user.id, "enabled" if active else "disabled", by and by.id)


def set_roles(user: User, *, roles: Iterable[Role | str], decider: bool, by: User | None) -> None:
    """Replace the roles of ``user``; an admin cannot remove their own admin role."""
    new_roles = join_roles(roles)
    if by is not None and by.id == user.id and Role.ADMIN.value not in new_roles.split(","):
        raise SelfLockoutError(_l("You cannot remove your own admin role. Ask another admin."))
    user.roles = new_roles
    user.decider = decider
    db.session.flush()
    log.info("account %s now has roles %s (decider %s)", user.id, user.roles, decider)


def hash_invite_token(token: str) -> str:
    """Return the stored form of an invite token (only the hash is kept)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_invite(
    *, by: User | None, roles: Iterable[Role | str], decider: bool, hours: int = 72
) -> tuple[Invite, str]:
    """Create a single-use invite; return it and its token (shown once, never stored)."""
    token = secrets.token_urlsafe(32)
    invite = Invite(
        token_hash=hash_invite_token(token),
        roles=join_roles(roles),
        decider=decider,
        created_by_id=by.id if by is not None else None,
        expires_at=utcnow() + timedelta(hours=hours),
    )
    db.session.add(invite)
    db.session.flush()
    log.info("invite %s created by %s", invite.id, by and by.id)
    return invite, token


def find_invite(token: str) -> Invite | None:
    """Return the invite behind ``token`` if it is unused and not expired, else None."""
    invite = db.session.scalar(select(Invite).where(Invite.token_hash == hash_invite_token(token)))
    if invite is None or invite.used_at is not None or as_utc(invite.expires_at) <= utcnow():
        return None
    return invite


def pending_invites() -> list[Invite]:
    """Return the invites that can still be used, newest first."""
    query = select(Invite).where(Invite.used_at.is_(None), Invite.expires_at > utcnow())
    return list(db.session.scalars(query.order_by(Invite.id.desc())))


def revoke_invite(invite: Invite, *, by: User | None) -> None:
    """Make an unused invite unusable."""
    if invite.used_at is None:
        invite.expires_at = utcnow()
        db.session.flush()
        log.info("invite %s revoked by %s", invite.id, by and by.id)


def accept_invite(*, token: str, login: str, password: str) -> User:
    """Create the account an invite promises and use the invite up (exactly once)."""
    invite = find_invite(token)
    if invite is None:
        raise InviteInvalidError
    user = create_user(
        login=login, password=password, roles=invite.role_set, decider=invite.decider
    )
    # A conditional update, so two people racing with the same link cannot both succeed.
    claimed = db.session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))
        .values(used_at=utcnow(), used_by_id=user.id)
    )
    if claimed.rowcount != 1:
        raise InviteInvalidError
    db.session.expire(invite)
    log.info("invite %s accepted by account %s", invite.id, user.id)
    return user
