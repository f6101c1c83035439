"""Read side of the gallery: filtered, sorted, paginated works with their vote counts in SQL.

Everything here is a handful of queries per page whatever the number of works: filters and sort
keys are SQL expressions, and per-work aggregates are fetched only for the works on the page.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    bindparam,
    exists,
    func,
    or_,
    select,
)

from gallery.curation.deliberation.conflicts import conflict_condition
from gallery.curation.shuffle import keys_behind, shuffle_parameters
from gallery.curation.sorting import Sort, global_prior, order_terms, ordered
from gallery.extensions import db
from gallery.models import (
    DuplicatePair,
    Entry,
    PairVerdict,
    Vote,
    Work,
    WorkState,
    WorkStatus,
)

PAGE_SIZE = 60
# Works still waiting for a decision: the pool "score then advance" draws from.
JUDGING = (WorkStatus.NEW, WorkStatus.SHORTLISTED)


# The grid's status filter: every state but the combined one.
_FILTERABLE = frozenset(s.value for s in WorkState if s is not WorkState.PUBLISHED_SELECTED)
# How a ticked checkbox arrives in a query string.
_TICKED = frozenset({"1", "y", "on", "true"})


@dataclass(frozen=True)
class GalleryQuery:
    """What the curator asked the grid for (read from the query string)."""

    # "published" and "selected" each include the works that are both.
    status: WorkState | None = None
    unvoted: bool = False
    transparent: bool = False
    duplicates: bool = False
    sort: Sort = Sort.SHUFFLE
    page: int = 1

    @classmethod
    def from_args(cls, args) -> GalleryQuery:
        """Read a query from the query string (a ``MultiDict``); unknown values mean default."""
        status, sort = args.get("status", ""), args.get("sort", "")
        page = args.get("page", 1, type=int) or 1
        return cls(
            status=WorkState(status) if status in _FILTERABLE else None,
            unvoted=args.get("unvoted", "") in _TICKED,
            transparent=args.get("transparent", "") in _TICKED,
            duplicates=args.get("duplicates", "") in _TICKED,
            sort=Sort(sort) if sort in set(Sort) else Sort.SHUFFLE,
            page=min(max(page, 1), 100_000),
        )

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


@dataclass(slots=True)
class Card:
    """One work as the grid shows it."""

    id: int
    title: str
    status: WorkState
    width: int
    height: int
    has_alpha: bool
    widths: tuple[int, ...]
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
    # The curator's stored shuffle misses newer works (see ``shuffle.store_shuffle_keys``).
    behind: bool = False
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        """Return the number of pages (at least one)."""
        return max(1, -(-self.total // self.size))


def state_condition(state: WorkState) -> ColumnElement[bool]:
    """Return the WHERE condition of the grid's status filter ``state``."""
    if state in (WorkState.PUBLISHED, WorkState.PUBLISHED_SELECTED):
        return Work.published.is_(True)
    if state == WorkState.SELECTED:
        return Work.selected.is_(True)
    return Work.status == WorkStatus(state.value)


def filters_for(user_id, query: GalleryQuery) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions for ``query`` (``user_id``: an id or a bind parameter)."""
    if not query.status:
        return [Work.status != WorkStatus.WITHDRAWN, *_other_filters(user_id, query)]
    return [state_condition(query.status), *_other_filters(user_id, query)]


def _other_filters(user_id, query: GalleryQuery) -> list[ColumnElement[bool]]:
    """Return the WHERE conditions of ``query`` other than the status one."""
    conditions: list[ColumnElement[bool]] = []
    if query.unvoted:
        mine = exists().where(Vote.work_id == Work.id, Vote.user_id == user_id)
        # Works the curator may still vote on: a declared conflict takes its works out.
        conditions += [~mine, ~conflict_condition(user_id)]
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


def _read(statement, params: dict | None = None):
    """Run a read-only column query on the session's connection, skipping the ORM layer.

    The grid's queries return plain columns, never entities, so the ORM's result processing
    would only add cost to the busiest page.
    """
    return db.session.connection().execute(statement, params or {})


# What a card shows of its work, in the order of ``Card`` (the score ranking reads them too).
CARD_WORK_COLUMNS = (
    Work.id,
    Work.title,
    Work.status,
    Work.published,
    Work.selected,
    Work.width,
    Work.height,
    Work.has_alpha,
    Work.derivative_widths,
)


def _card_columns(user_id) -> list:
    """Return a card's columns, with its vote aggregates as correlated subqueries."""
    of_work = Vote.work_id == Work.id
    return [
        *CARD_WORK_COLUMNS,
        Entry.credit,
        select(func.count()).where(of_work).scalar_subquery().label("votes"),
        select(func.coalesce(func.sum(Vote.score), 0))
        .where(of_work)
        .scalar_subquery()
        .label("total"),
        select(Vote.score).where(of_work, Vote.user_id == user_id).scalar_subquery().label("mine"),
        flagged_condition().label("flagged"),
    ]


def _count(user_id, query: GalleryQuery) -> ColumnElement[int]:
    """Return how many works match ``query``, as a scalar subquery.

    The default view counts every work but the withdrawn ones. "Status is not withdrawn" can
    only be checked row by row, so it is counted as all works minus the withdrawn ones: the
    database counts a whole table from its b-tree and finds the few withdrawn works through the
    status index, instead of reading every row on every page view.
    """
    others = _other_filters(user_id, query)
    if query.status:
        matching = select(func.count()).select_from(Work).where(state_condition(query.status))
        return matching.where(*others).scalar_subquery()
    everything = select(func.count()).select_from(Work).where(*others).scalar_subquery()
    withdrawn = (
        select(func.count())
        .select_from(Work)
        .where(Work.status == WorkStatus.WITHDRAWN, *others)
        .scalar_subquery()
    )
    return everything - withdrawn


@functools.cache
def _grid_statements(shape: GalleryQuery) -> tuple[Select, Select]:
    """Build the grid's count and page queries once per filter shape, with bind parameters.

    The page is the busiest view; building these statements costs more than running them.
    Parameters: ``me`` (the curator), ``prior`` and ``shuffle_parameters`` (score sort),
    ``offset``.
    """
    me = bindparam("me", type_=Integer)
    conditions = filters_for(me, shape)
    count = select(_count(me, shape), keys_behind(me))
    statement, keys = ordered(
        select(Work.id.label("id")).where(*conditions),
        me,
        shape.sort,
        prior=bindparam("prior", type_=Float),
        prebuilt=True,
    )
    # The inner query orders and cuts on the works table alone; the outer one joins and
    # aggregates only the page's rows, keeping the inner order through the sort-key columns.
    page = (
        statement.add_columns(*(key.label(f"k{i}") for i, (key, _) in enumerate(keys)))
        .order_by(*order_terms(keys))
        .limit(PAGE_SIZE)
        .offset(bindparam("offset", type_=Integer))
        .subquery("page")
    )
    rows = (
        select(*_card_columns(me))
        .join(page, page.c.id == Work.id)
        .join(Entry, Entry.id == Work.entry_id)
        .order_by(*order_terms([(page.c[f"k{i}"], desc) for i, (_, desc) in enumerate(keys)]))
    )
    return count, rows


@functools.cache
def card_state(status: WorkStatus, published: bool, selected: bool) -> WorkState:
    """Return a card's state from its columns (a handful of combinations, each worked out once)."""
    return WorkState.of(status, published=bool(published), selected=bool(selected))


@functools.cache
def card_widths(text: str) -> tuple[int, ...]:
    """Return the derivative widths stored as ``"320,640"`` (nearly every work shares one)."""
    return tuple(int(w) for w in text.split(",") if w)


def gallery_page(*, user, query: GalleryQuery, blind: bool) -> Page:
    """Return the page of cards ``query`` asks for, aggregates included: two queries."""
    count, page = _grid_statements(replace(query, page=1))
    number = max(1, query.page)
    total, behind = _read(count, {"me": user.id}).one()
    params = {"me": user.id, "offset": (number - 1) * PAGE_SIZE}
    if query.sort == Sort.SCORE:
        params["prior"] = global_prior()
        params.update(shuffle_parameters(user.id))
    cards = cards_from(_read(page, params), blind=blind)
    return Page(cards=cards, total=total, number=number, behind=bool(behind))


def cards_from(rows: Iterable, *, blind: bool) -> list[Card]:
    """Return the cards of ``rows`` of card columns, in order: ``CARD_WORK_COLUMNS``, then
    credit, votes, total score, the curator's own score and the near-duplicate flag."""
    # Rows unpack as plain tuples, and widths parse once per distinct value: reading the
    # columns by name and splitting every card's widths cost more than the page's SQL.
    return [
        Card(
            id=id_,
            title=title,
            status=card_state(status, published, selected),
            width=width,
            height=height,
            has_alpha=has_alpha,
            widths=card_widths(widths),
            credit=None if blind else credit,
            votes=votes,
            total=total_score,
            my_score=mine,
            flagged=bool(flagged),
        )
        for (
            id_,
            title,
            status,
            published,
            selected,
            width,
            height,
            has_alpha,
            widths,
            credit,
            votes,
            total_score,
            mine,
            flagged,
        ) in rows
    ]
