"""Private contacts artists chose to share: kept only when asked for, shown only to admins.

Every look at them is logged (who, and how many), never the contacts themselves: the log tells
the campaign who saw the most sensitive data it holds, without spreading that data further.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gallery.extensions import db
from gallery.models import Entry
from gallery.permissions import can_see_contact

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SharedContact:
    """One entry whose artist asked to be contacted, with what identifies it to an admin."""

    entry_id: int
    sent_at: datetime
    credit: str
    contact: str
    works: tuple[tuple[int, str], ...]  # (work id, title)


def shared_contacts(*, by) -> list[SharedContact]:
    """Return the contacts of entries whose artist asked to be contacted, newest first.

    Only what ``by`` may see is returned, and the look is logged with ``by``'s id and the
    number of contacts shown.
    """
    entries = db.session.scalars(
        select(Entry)
        .where(Entry.wants_contact.is_(True), Entry.contact != "")
        .options(selectinload(Entry.works))
        .order_by(Entry.created_at.desc(), Entry.id.desc())
    )
    shown = [
        SharedContact(
            entry_id=entry.id,
            sent_at=entry.created_at,
            credit=entry.credit,
            contact=entry.contact,
            works=tuple((work.id, work.title) for work in entry.works),
        )
        for entry in entries
        if can_see_contact(by, entry)
    ]
    log.info("contacts page viewed by user %s: %d contacts shown", by.id, len(shown))
    return shown
