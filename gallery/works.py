"""Read-side helpers over works shared by commands and pages."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from gallery.extensions import db
from gallery.models import Entry, Vote, Work


def credit_label(entry: Entry) -> str:
    """Return the credit as shown to staff and in listings ("anonymous" when unnamed)."""
    return entry.credit or "anonymous"


def work_rows() -> Iterator[tuple]:
    """Yield (id, status, title, credit, votes, mean score) per work, oldest first.

    The mean has two decimals and is blank for a work nobody has voted on.
    """
    votes = (
        select(Vote.work_id, func.count().label("votes"), func.sum(Vote.score).label("total"))
        .group_by(Vote.work_id)
        .subquery()
    )
    query = (
        select(Work, Entry, votes.c.votes, votes.c.total)
        .join(Entry)
        .outerjoin(votes, votes.c.work_id == Work.id)
        .order_by(Work.created_at, Work.id)
    )
    for work, entry, count, total in db.session.execute(query):
        mean = f"{total / count:.2f}" if count else ""
        row = (work.id, work.status.value, work.title, credit_label(entry))
        yield (*row, count or 0, mean)
