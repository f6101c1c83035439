"""Read side of the public site: only published works whose artist consents to publication.

Consent is part of every query (never cached on the work), so an artist who revokes consent
through the claim link disappears from every public page, the feed and the image URLs at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import contains_eager

from gallery.extensions import db
from gallery.lifecycle.policy import public_condition
from gallery.models import Decision, DecisionAction, Entry, Work

PER_PAGE = 24
#: How many of the artist's other works a work page shows, and how many an artist page lists.
MORE_BY_ARTIST = 12
ARTIST_PAGE_LIMIT = 200


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
        # Every page shows the entry's credit and licence: load it with the work.
        .options(contains_eager(Work.entry))
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
    pages = page_count(total or 0, per_page)
    page = min(max(page, 1), pages)
    items = _rows(_public_select().limit(per_page).offset((page - 1) * per_page))
    return WorkPage(items=items, page=page, pages=pages, total=total or 0)


def page_count(total: int, per_page: int = PER_PAGE) -> int:
    """Return how many gallery pages ``total`` works fill (an empty gallery has one page)."""
    return max(1, math.ceil(total / per_page))


def find_public_work(work_id: int) -> PublicWork | None:
    """Return the work if the public may see it, else None."""
    found = _rows(_public_select().where(Work.id == work_id))
    return found[0] if found else None


def works_by_credit(
    credit: str, *, exclude: int | None = None, limit: int = ARTIST_PAGE_LIMIT
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


def all_public_works() -> list[PublicWork]:
    """Return every public work with its entry, newest first (the static mirror reads them once)."""
    return _rows(_public_select())


@dataclass(frozen=True)
class Catalogue:
    """Every public work at once, newest first, answering what the public pages ask.

    The static mirror writes every page in one run: one query here instead of two per page,
    with the same order, limits and exact-credit match as the queries above.
    """

    works: list[PublicWork]
    credits: dict[str, list[PublicWork]]

    @classmethod
    def load(cls) -> Catalogue:
        """Read every public work once and group the credited ones by their exact credit."""
        works = all_public_works()
        credits: dict[str, list[PublicWork]] = {}
        for shown in works:
            if shown.entry.credit:
                credits.setdefault(shown.entry.credit, []).append(shown)
        return cls(works=works, credits=credits)

    def gallery_pages(self, per_page: int = PER_PAGE) -> list[WorkPage]:
        """Return every page of the public gallery, numbered as ``gallery_page`` numbers them."""
        total = len(self.works)
        pages = page_count(total, per_page)
        return [
            WorkPage(self.works[(n - 1) * per_page : n * per_page], n, pages, total)
            for n in range(1, pages + 1)
        ]

    def works_by_credit(
        self, credit: str, *, exclude: int | None = None, limit: int = ARTIST_PAGE_LIMIT
    ) -> list[PublicWork]:
        """Return what ``works_by_credit`` returns, from the works read once."""
        found = self.credits.get(credit, []) if credit else []
        return [shown for shown in found if shown.work.id != exclude][:limit]
