"""Read-side helpers over works shared by commands and pages."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from gallery.extensions import db
from gallery.models import Entry, PairwiseStrength, Vote, Work


def credit_label(entry: Entry) -> str:
    """Return the credit as shown to staff and in listings ("anonymous" when unnamed)."""
    return entry.credit or "anonymous"


def work_rows() -> Iterator[tuple]:
    """Yield (id, status, title, credit, votes, mean score, strength) per work, oldest first.

    The status shows both decisions of an accepted work: ``published``, ``selected`` or
    ``published+selected``.

    The mean has two decimals and is blank for a work nobody has voted on; the strength is the
    pairwise θ as last stored by the ranking, two decimals, blank without comparisons.
    """
    votes = (
        select(Vote.work_id, func.count().label("votes"), func.sum(Vote.score).label("total"))
        .group_by(Vote.work_id)
        .subquery()
    )
    query = (
        select(Work, Entry, votes.c.votes, votes.c.total, PairwiseStrength)
        .join(Entry)
        .outerjoin(votes, votes.c.work_id == Work.id)
        .outerjoin(PairwiseStrength, PairwiseStrength.work_id == Work.id)
        .order_by(Work.created_at, Work.id)
    )
    for work, entry, count, total, strength in db.session.execute(query):
        mean = f"{total / count:.2f}" if count else ""
        row = (work.id, work.state.value, work.title, credit_label(entry))
        yield (*row, count or 0, mean, _strength(strength))


def _strength(strength: PairwiseStrength | None) -> str:
    """Format a stored pairwise θ with two decimals; blank for a work never compared."""
    if strength is None or not strength.comparisons:
        return ""
    # Adding 0.0 turns a rounded -0.0 into 0.0, so a middling work never shows "-0.00".
    return f"{round(strength.theta, 2) + 0.0:.2f}"
