"""Moving through works: ←/→ neighbours in the grid's order and the next work to judge."""

from __future__ import annotations

from sqlalchemy import and_, exists, func, or_, select

from gallery.curation.deliberation.conflicts import conflict_condition
from gallery.curation.queries import JUDGING, GalleryQuery, filters_for
from gallery.curation.shuffle import shuffle_key
from gallery.curation.sorting import order_terms, ordered, vote_totals
from gallery.extensions import db
from gallery.models import Vote, Work


def neighbours(*, user, query: GalleryQuery, work_id: int) -> tuple[int | None, int | None]:
    """Return the previous and next work ids around ``work_id`` in the grid's order."""
    # The current work always belongs to the sequence, even if voting just moved it out of
    # an "unvoted" filter, so ←/→ keep working from where the curator is.
    where = or_(and_(*filters_for(user.id, query)), Work.id == work_id)
    statement, keys = ordered(select(Work.id).where(where), user.id, query.sort)
    order = order_terms(keys)
    sequence = statement.add_columns(
        func.lag(Work.id).over(order_by=order).label("prev"),
        func.lead(Work.id).over(order_by=order).label("next"),
    ).subquery()
    row = db.session.execute(
        select(sequence.c.prev, sequence.c.next).where(sequence.c.id == work_id)
    ).one_or_none()
    return (row.prev, row.next) if row else (None, None)


def next_to_judge(user) -> int | None:
    """Return the work this curator should judge next: fewest votes, none from them, and none
    of an entry they declared a conflict with."""
    totals = vote_totals().subquery()
    mine = exists().where(Vote.work_id == Work.id, Vote.user_id == user.id)
    statement = (
        select(Work.id)
        .outerjoin(totals, totals.c.work_id == Work.id)
        .where(Work.status.in_(JUDGING), ~mine, ~conflict_condition(user.id))
        # Ties broken by the curator's own shuffle, so curators spread over different works.
        .order_by(func.coalesce(totals.c.votes, 0), shuffle_key(user.id), Work.id)
        .limit(1)
    )
    return db.session.scalar(statement)
