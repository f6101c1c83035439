"""Retention: after a call closes, declined works and private contacts do not linger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from gallery.extensions import db
from gallery.lifecycle.deletion import delete_works
from gallery.models import DeletionReason, Entry, Work, WorkStatus


@dataclass(frozen=True)
class RetentionReport:
    """What a retention run removed."""

    works_deleted: int
    contacts_erased: int
    entries_deleted: int


def apply_retention(*, closed_on: date, days: int, today: date | None = None) -> RetentionReport:
    """Delete declined works and erase contacts of entries sent before ``closed_on`` once
    ``days`` have passed since it; do nothing earlier."""
    today = today or datetime.now(UTC).date()
    if today < closed_on + timedelta(days=days):
        return RetentionReport(0, 0, 0)
    cutoff = datetime.combine(closed_on + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    entries = db.session.scalars(select(Entry).where(Entry.created_at < cutoff)).all()
    works_deleted = contacts_erased = entries_deleted = 0
    for entry in entries:
        declined = [w for w in entry.works if w.status == WorkStatus.DECLINED]
        if entry.contact:
            entry.contact = ""
            entry.wants_contact = False
            contacts_erased += 1
        if declined:
            entries_deleted += len(declined) == len(entry.works)
            works_deleted += len(declined)
            delete_works(declined, reason=DeletionReason.RETENTION)
    db.session.flush()
    return RetentionReport(works_deleted, contacts_erased, entries_deleted)


def declined_work_ids() -> list[int]:
    """Return ids of declined works (for reporting)."""
    return list(db.session.scalars(select(Work.id).where(Work.status == WorkStatus.DECLINED)))
