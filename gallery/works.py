"""Read-side helpers over works shared by commands and pages."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Entry, Work


def credit_label(entry: Entry) -> str:
    """Return the credit as shown to staff and in listings ("anonymous" when unnamed)."""
    return entry.credit or "anonymous"


def work_rows() -> Iterator[tuple]:
    """Yield (id, status, title, credit) per work, oldest first."""
    query = select(Work, Entry).join(Entry).order_by(Work.created_at, Work.id)
    for work, entry in db.session.execute(query):
        yield (work.id, work.status.value, work.title, credit_label(entry))
