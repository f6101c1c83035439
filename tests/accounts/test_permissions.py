"""The named permission checks, one role and one object at a time."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from gallery.models import Entry, Role, User, Work, WorkStatus
from gallery.permissions import (
    can_admin,
    can_curate,
    can_decide,
    can_print,
    can_see_contact,
    can_see_contacts,
    can_vote,
)


def person(*roles: Role, decider: bool = False, active: bool = True) -> User:
    """Return an unsaved account holding ``roles``."""
    user = User(login="x", password_hash="", decider=decider, active=active)
    user.role_set = roles
    return user


ANONYMOUS = AnonymousUserMixin()
ADMIN = person(Role.ADMIN)
CURATOR = person(Role.CURATOR)
DECIDER = person(Role.CURATOR, decider=True)
PRINTER = person(Role.PRINTER)
DISABLED_ADMIN = person(Role.ADMIN, Role.CURATOR, Role.PRINTER, decider=True, active=False)


def work(status: WorkStatus = WorkStatus.NEW) -> Work:
    """Return an unsaved work in ``status``."""
    return Work(status=status)


@pytest.mark.parametrize(
    ("user", "curate", "print_", "admin"),
    [
        (ANONYMOUS, False, False, False),
        (ADMIN, True, True, True),
        (CURATOR, True, False, False),
        (DECIDER, True, False, False),
        (PRINTER, False, True, False),
        (DISABLED_ADMIN, False, False, False),
    ],
)
def test_role_checks(user, curate, print_, admin):
    """Curating, printing and administering follow the roles; disabled accounts get nothing."""
    assert can_curate(user) is curate
    assert can_print(user) is print_
    assert can_admin(user) is admin


def test_curators_vote_but_not_on_withdrawn_works():
    """A withdrawn work is out of curation."""
    assert can_vote(CURATOR, work())
    assert not can_vote(CURATOR, work(WorkStatus.WITHDRAWN))
    assert not can_vote(PRINTER, work())
    assert not can_vote(ANONYMOUS, work())


def test_decisions_are_for_admins_and_deciding_curators():
    """The decider flag makes the difference among curators."""
    assert can_decide(ADMIN, work())
    assert can_decide(DECIDER, work())
    assert not can_decide(CURATOR, work())
    assert not can_decide(PRINTER, work())
    assert not can_decide(ANONYMOUS, work())
    assert not can_decide(DISABLED_ADMIN, work())


def test_decider_flag_without_curator_role_grants_nothing():
    """The flag only qualifies the curator role."""
    assert not can_decide(person(Role.PRINTER, decider=True), work())


def test_only_admins_see_a_contact_and_only_when_the_artist_asked():
    """Curators, printers and deciders never see an artist's private contact."""
    asked = Entry(contact="signal: @maria", wants_contact=True)
    not_asked = Entry(contact="signal: @maria", wants_contact=False)
    assert can_see_contact(ADMIN, asked)
    assert not can_see_contact(ADMIN, not_asked)
    for user in (CURATOR, DECIDER, PRINTER, ANONYMOUS, DISABLED_ADMIN):
        assert not can_see_contact(user, asked)
        assert not can_see_contacts(user)
    assert can_see_contacts(ADMIN)


def test_roles_are_stored_as_sorted_names():
    """The column is a plain comma-separated string other code can read."""
    user = person(Role.PRINTER, Role.CURATOR)
    assert user.roles == "curator,printer"
    assert user.has_role("curator") and user.has_role(Role.PRINTER)
    assert not user.has_role(Role.ADMIN)
