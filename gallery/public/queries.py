"""Read side of the public site: only published works whose artist consents to publication.

Consent is part of every query (never cached on the work), so an artist who revokes consent
through the claim link disappears from every public page, the feed and the image URLs at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select

from gallery.extensions import db
from gallery.lifecycle.policy import public_condition
from gallery.models import Decision, DecisionAction, Entry, Work

PER_PAGE = 24


@dataclass(frozen=True)
class PublicWork:
    """A work as the public sees it, with the time it was published."""

    work: Work
    published_at: datetime

    @property
    def entry(self) -> Entry:
        """Return the entry that holds the credit and licence."""
        return self.work.entry


@dataclass(frozen=True)
class WorkPage:
    """One page of the public gallery."""

    items: list[PublicWork]
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        """Tell whether an earlier page exists."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Tell whether a later page exists."""
        return self.page < self.pages


def published_at() -> ColumnElement[datetime]:
    """Return the SQL expression for when a work was published.

    The latest decision to publish it (re-publishing counts anew); works published before
    decisions were logged fall back to their upload time.
    """
    decided = (
        select(func.max(Decision.created_at))
        .where(Decision.work_id == Work.id, Decision.action == DecisionAction.PUBLISHED)
        .correlate(Work)
        .scalar_subquery()
    )
    return func.coalesce(decided, Work.created_at)


def _public_select() -> Select:
    """Select public works with their publication time, newest first."""
    when = published_at().label("published_at")
    return (
        select(Work, when)
        .join(Entry, Work.entry_id == Entry.id)
        .where(public_condition())
        .order_by(when.desc(), Work.id.desc())
    )


def _rows(query: Select) -> list[PublicWork]:
    """Run ``query`` and wrap its (work, time) rows."""
    return [PublicWork(work, when) for work, when in db.session.execute(query)]


def gallery_page(*, page: int, per_page: int = PER_PAGE) -> WorkPage:
    """Return one page of the public gallery, newest first."""
    total = db.session.scalar(
        select(func.count(Work.id)).join(Entry, Work.entry_id == Entry.id).where(public_condition())
    )
    pages = max(1, math.ceil((total or 0) / per_page))
    page = min(max(page, 1), pages)
    items = _rows(_public_select().limit(per_page).offset((page - 1) * per_page))
    return WorkPage(items=items, page=page, pages=pages, total=total or 0)


def find_public_work(work_id: int) -> PublicWork | None:
    """Return the work if the public may see it, else None."""
    found = _rows(_public_select().where(Work.id == work_id))
    return found[0] if found else None


def works_by_credit(
    credit: str, *, exclude: int | None = None, limit: int = 200
) -> list[PublicWork]:
    """Return the public works credited exactly to ``credit`` (never the anonymous ones)."""
    if not credit:
        return []
    query = _public_select().where(Entry.credit == credit)
    if exclude is not None:
        query = query.where(Work.id != exclude)
    return _rows(query.limit(limit))


def recent_public_works(*, limit: int = 50) -> list[PublicWork]:
    """Return the most recently published public works, for the feed."""
    return _rows(_public_select().limit(limit))
