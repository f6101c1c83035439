"""Staff accounts: made through the real ``create_user``, with a known password."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from gallery.accounts.operations import create_user
from gallery.models import Role, User
from tests.factories.base import committed, next_number, own_context

STAFF_PASSWORD = "violet tram harbour 42"


@dataclass(frozen=True)
class Staff:
    """A staff account made for a test, with the password it logs in with."""

    id: int
    login: str
    password: str


def make_user(
    *roles: Role | str,
    decider: bool = False,
    active: bool = True,
    login: str | None = None,
    password: str = STAFF_PASSWORD,
    app: Flask | None = None,
) -> User:
    """Create a staff account holding ``roles`` (none if none are given); default login userN."""
    with own_context(app):
        user = create_user(
            login=login or f"user{next_number()}", password=password, roles=roles, decider=decider
        )
        user.active = active
        return committed(user)


def make_staff(
    app: Flask, *roles: Role | str, decider: bool = False, login: str | None = None
) -> Staff:
    """Create an active account holding ``roles``; return its id, login and password."""
    user = make_user(*roles, decider=decider, login=login, app=app)
    return Staff(user.id, user.login, STAFF_PASSWORD)
