"""Read side of the gallery: filtered, sorted, paginated works with their vote counts in SQL.

Everything here is a handful of queries per page whatever the number of works: filters and sort
keys are SQL expressions, and per-work aggregates are fetched only for the works on the page.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import BigInteger, ColumnElement, Select, and_, cast, exists, func, or_, select

from gallery.curation import ranking
from gallery.extensions import db
from gallery.models import DuplicatePair, Entry, PairVerdict, Vote, Work, WorkStatus

PAGE_SIZE = 60
# Works still waiting for a decision: the pool "score then advance" draws from.
JUDGING = (WorkStatus.NEW, WorkStatus.SHORTLISTED)
# A prime just under 2**31: products of two residues stay below 2**62, inside SQLite's and
# PostgreSQL's 64-bit integers, so the shuffle is plain integer arithmetic in both.
_MODULUS = 2_147_483_647


class Sort(enum.StrEnum):
    """Orders of the gallery grid."""

    SHUFFLE = "shuffle"
    SCORE = "score"
    VOTES = "votes"
    NEWEST = "newest"


@dataclass(frozen=True)
class GalleryQuery:
    """What the curator asked the grid for (read from the query string)."""

    status: WorkStatus | None = None
    unvoted: bool = False
    transparent: bool = False
    duplicates: bool = False
    sort: Sort = Sort.SHUFFLE
    page: int = 1

    def args(self, **changes) -> dict[str, str | int]:
        """Return the query-string arguments for this query with ``changes`` applied."""
        values = {
            "status": self.status.value if self.status else "",
            "unvoted": int(self.unvoted),
            "transparent": int(self.transparent),
            "duplicates": int(self.duplicates),
            "sort": self.sort.value,
            "page": self.page,
        }
        values.update(changes)
        # Short, clean links: leave out what is at its default.
        defaults = {"status": "", "unvoted": 0, "transparent": 0, "duplicates": 0, "page": 1}
        defaults["sort"] = Sort.SHUFFLE.value
        return {k: v for k, v in values.items() if defaults.get(k) != v}


@dataclass
class Card:
    """One work as the grid shows it."""

    id: int
    title: str
    status: WorkStatus
    width: int
    height: int
    has_alpha: bool
    widths: list[int]
    # None in blind mode; "" for an artist who chose to stay anonymous.
    credit: str | None
    votes: int = 0
    total: int = 0
    my_score: int | None = None
    flagged: bool = False

    @property
    def mean(self) -> float | None:
        """Return the mean score, or None without votes."""
        return self.total / self.votes if self.votes else None


@dataclass
class Page:
    """One page of the grid and where it sits among all pages."""

    cards: list[Card]
    total: int
    number: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        """Return the number of pages (at least one)."""
        return max(1, -(-self.total // self.size))


def shuffle_key(user_id: int) -> ColumnElement[int]:
    """Return a per-curator pseudo-random sort key for works, computed in SQL.

    Two rounds (an affine map, then a squaring) of integer arithmetic modulo a prime, seeded
    from the app secret and the curator: the same curator always sees the same order, another
    curator a different one, and nobody can steer it.
    """
    secret = current_app.config["SECRET_KEY"]
    digest = hmac.new(str(secret).encode(), f"shuffle:{user_id}".encode(), hashlib.sha256).digest()
    a, b, c, d = (int.from_bytes(digest[i : i + 4], "big") % _MODULUS for i in range(0, 16, 4))
    first = (cast(Work.id, BigInteger) * (b or 1) + a) % _MODULUS
    return ((first * first) % _MODULUS * (d or 1) + c) % _MODULUS


def vote_totals() -> Select:
    """Return a (work_id, votes, total) aggregate over all votes, one row per voted work."""
    return select(
        Vote.work_id.label("work_id"),
        func.count().label("votes"),
        func.sum(Vote.score).label("total"),
    ).group_by(Vote.work_id)


def global_prior() -> float:
    """Return the Bayesian prior: the mean of every vote cast (neutral without votes)."""
    count, total = db.session.execute(select(func.count(), func.sum(Vote.score))).one()
    return ranking.prior_mean(float(total or 0), int(count or 0))


def bayesian_expression(votes, total, prior: float) -> ColumnElement[float]:
    """Return ``ranking.bayesian_mean`` as SQL over nullable vote count and total columns."""
    weight = ranking.PRIOR_WEIGHT
    # A float numerator keeps SQLite from dividing integers.
    return (float(weight * prior) + func.coalesce(total, 0)) / (weight + func.coalesce(votes, 0))


def _filters(user_id: int, query: GalleryQuery) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions for ``query``."""
    conditions: list[ColumnElement[bool]] = [
        Work.status == query.status if query.status else Work.status != WorkStatus.WITHDRAWN
    ]
    if query.unvoted:
        mine = exists().where(Vote.work_id == Work.id, Vote.user_id == user_id)
        conditions.append(~mine)
    if query.transparent:
        conditions.append(Work.has_alpha.is_(True))
    if query.duplicates:
        conditions.append(flagged_condition())
    return conditions


def flagged_condition() -> ColumnElement[bool]:
    """Return "this work is in an unjudged near-duplicate pair" for ``Work``."""
    is_open = DuplicatePair.verdict == PairVerdict.OPEN
    return or_(
        exists().where(DuplicatePair.first_id == Work.id, is_open),
        exists().where(DuplicatePair.second_id == Work.id, is_open),
    )


def _ordered(statement: Select, user_id: int, sort: Sort) -> tuple[Select, list]:
    """Join what ``sort`` needs and return the statement with its ORDER BY terms."""
    if sort == Sort.SHUFFLE:
        return statement, [shuffle_key(user_id), Work.id]
    if sort == Sort.NEWEST:
        return statement, [Work.created_at.desc(), Work.id.desc()]
    totals = vote_totals().subquery()
    statement = statement.outerjoin(totals, totals.c.work_id == Work.id)
    if sort == Sort.VOTES:
        return statement, [func.coalesce(totals.c.votes, 0).desc(), Work.id]
    score = bayesian_expression(totals.c.votes, totals.c.total, global_prior())
    return statement, [score.desc(), func.coalesce(totals.c.votes, 0).desc(), Work.id]


def gallery_page(*, user, query: GalleryQuery, blind: bool) -> Page:
    """Return the page of cards ``query`` asks for, aggregates included."""
    conditions = _filters(user.id, query)
    total = db.session.scalar(select(func.count()).select_from(Work).where(*conditions)) or 0
    columns = [Work.id, Work.title, Work.status, Work.width, Work.height, Work.has_alpha]
    columns += [Work.derivative_widths, Entry.credit]
    statement = select(*columns).join(Entry, Entry.id == Work.entry_id).where(*conditions)
    statement, order = _ordered(statement, user.id, query.sort)
    number = max(1, query.page)
    rows = db.session.execute(
        statement.order_by(*order).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    ).all()
    cards = [
        Card(
            id=r.id,
            title=r.title,
            status=r.status,
            width=r.width,
            height=r.height,
            has_alpha=r.has_alpha,
            widths=[int(w) for w in r.derivative_widths.split(",") if w],
            credit=None if blind else r.credit,
        )
        for r in rows
    ]
    _attach_votes(cards, user.id)
    return Page(cards=cards, total=total, number=number)


def _attach_votes(cards: list[Card], user_id: int) -> None:
    """Fill vote counts, totals, the curator's own score and duplicate flags for ``cards``."""
    by_id = {card.id: card for card in cards}
    if not by_id:
        return
    mine = func.max(db.case((Vote.user_id == user_id, Vote.score)))
    rows = db.session.execute(
        select(Vote.work_id, func.count(), func.sum(Vote.score), mine)
        .where(Vote.work_id.in_(by_id))
        .group_by(Vote.work_id)
    )
    for work_id, count, total, my_score in rows:
        card = by_id[work_id]
        card.votes, card.total, card.my_score = int(count), int(total), my_score
    pairs = db.session.execute(
        select(DuplicatePair.first_id, DuplicatePair.second_id).where(
            DuplicatePair.verdict == PairVerdict.OPEN,
            or_(DuplicatePair.first_id.in_(by_id), DuplicatePair.second_id.in_(by_id)),
        )
    )
    for first, second in pairs:
        for work_id in (first, second):
            if work_id in by_id:
                by_id[work_id].flagged = True


def neighbours(*, user, query: GalleryQuery, work_id: int) -> tuple[int | None, int | None]:
    """Return the previous and next work ids around ``work_id`` in the grid's order."""
    # The current work always belongs to the sequence, even if voting just moved it out of
    # an "unvoted" filter, so ←/→ keep working from where the curator is.
    where = or_(and_(*_filters(user.id, query)), Work.id == work_id)
    statement, order = _ordered(select(Work.id).where(where), user.id, query.sort)
    ordered = statement.add_columns(
        func.lag(Work.id).over(order_by=order).label("prev"),
        func.lead(Work.id).over(order_by=order).label("next"),
    ).subquery()
    row = db.session.execute(
        select(ordered.c.prev, ordered.c.next).where(ordered.c.id == work_id)
    ).one_or_none()
    return (row.prev, row.next) if row else (None, None)


def next_to_judge(user) -> int | None:
    """Return the work this curator should judge next: fewest votes, none from them."""
    totals = vote_totals().subquery()
    mine = exists().where(Vote.work_id == Work.id, Vote.user_id == user.id)
    statement = (
        select(Work.id)
        .outerjoin(totals, totals.c.work_id == Work.id)
        .where(Work.status.in_(JUDGING), ~mine)
        # Ties broken by the curator's own shuffle, so curators spread over different works.
        .order_by(func.coalesce(totals.c.votes, 0), shuffle_key(user.id), Work.id)
        .limit(1)
    )
    return db.session.scalar(statement)
