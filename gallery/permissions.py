"""Named permission checks: every view asks one of these before acting.

Each takes the acting user (possibly anonymous) and, where it matters, the object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gallery.models.accounts import Role
from gallery.models.submissions import WorkStatus

if TYPE_CHECKING:
    from gallery.models import Entry, Work


def _staff(user) -> bool:
    """Tell whether ``user`` is a logged-in, active staff member."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def _has(user, role: Role) -> bool:
    """Tell whether ``user`` is active staff holding ``role``."""
    return _staff(user) and user.has_role(role)


def can_admin(user) -> bool:
    """Admins manage accounts and invites."""
    return _has(user, Role.ADMIN)


def can_curate(user) -> bool:
    """Curators and admins see the curation gallery."""
    return _has(user, Role.CURATOR) or can_admin(user)


def can_vote(user, work: Work) -> bool:
    """Curators vote on works, except works the artist withdrew."""
    return _has(user, Role.CURATOR) and work.status != WorkStatus.WITHDRAWN


def can_decide(user, work: Work) -> bool:
    """Admins, and curators with the decider flag, take decisions on a work."""
    return work.status != WorkStatus.WITHDRAWN and can_moderate(user)


def can_print(user) -> bool:
    """Printers and admins export print sheets."""
    return _has(user, Role.PRINTER) or can_admin(user)


def can_see_contacts(user) -> bool:
    """Only admins open the page of contacts artists shared."""
    return can_admin(user)


def can_see_contact(user, entry: Entry) -> bool:
    """Only admins see an artist's contact, and only when the artist asked to be contacted."""
    return can_see_contacts(user) and bool(entry.wants_contact)


def can_publish_pack(user) -> bool:
    """Printers and admins publish, unpublish and delete sticker packs."""
    return can_print(user)


def can_edit_pages(user) -> bool:
    """Admins edit the public texts (the call for works)."""
    return can_admin(user)


def can_moderate(user) -> bool:
    """Admins and deciding curators take decisions, merge duplicates and remove spam."""
    return can_admin(user) or (_has(user, Role.CURATOR) and bool(user.decider))


def can_print_work(user, work: Work) -> bool:
    """Printers see and print a work only if its artist agreed to print and did not withdraw it."""
    return (
        can_print(user) and work.status != WorkStatus.WITHDRAWN and bool(work.entry.consent_print)
    )
