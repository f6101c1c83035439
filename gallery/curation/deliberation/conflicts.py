"""Conflicts of interest: a curator steps back from an entry, and the jury's figures forget them.

Declaring one removes the curator's votes and pairwise answers on the entry's works at once,
so every aggregate (means, Bayesian and normalised scores, curators' scales, the prior, the
pairwise fit, coverage) is computed without them by construction, with no filter to forget;
from then on their votes and answers on those works are refused and the works are never
handed to them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, delete, exists, or_, select
from sqlalchemy.exc import IntegrityError

from gallery.extensions import db
from gallery.models import Comparison, Conflict, PairReservation, User, Vote, Work
from gallery.refusals import Refused

log = logging.getLogger(__name__)


class ConflictRefused(Refused):
    """A vote, answer or comment refused because the curator declared a conflict of interest."""

    status = 403


@dataclass(frozen=True)
class Declared:
    """What declaring a conflict removed: the curator's votes and pairwise answers."""

    votes: int
    comparisons: int


def conflict_condition(user_id) -> ColumnElement[bool]:
    """Return "``user_id`` declared a conflict with this work's entry" for ``Work``.

    ``user_id`` is an id or a bind parameter (the grid builds its statements once).
    """
    return exists().where(Conflict.user_id == user_id, Conflict.entry_id == Work.entry_id)


def has_conflict(user: User, work: Work) -> bool:
    """Tell whether ``user`` declared a conflict with ``work``'s entry."""
    found = select(Conflict.id).where(
        Conflict.user_id == user.id, Conflict.entry_id == work.entry_id
    )
    return db.session.scalar(found) is not None


def conflicted_work_ids(user: User) -> set[int]:
    """Return the ids of every work of the entries ``user`` declared a conflict with."""
    rows = select(Work.id).join(Conflict, Conflict.entry_id == Work.entry_id)
    return set(db.session.scalars(rows.where(Conflict.user_id == user.id)))


def refuse_if_conflicted(user: User, works: Iterable[Work]) -> None:
    """Raise ``ConflictRefused`` when ``user`` declared a conflict with one of ``works``."""
    entries = {work.entry_id for work in works}
    found = select(Conflict.id).where(Conflict.user_id == user.id, Conflict.entry_id.in_(entries))
    if db.session.scalar(found.limit(1)) is not None:
        raise ConflictRefused(
            _l("You declared a conflict of interest with this entry: you do not judge its works.")
        )


def conflicts_on(work: Work) -> list[Conflict]:
    """Return the conflicts declared with ``work``'s entry, oldest first (for deciders)."""
    statement = select(Conflict).where(Conflict.entry_id == work.entry_id).order_by(Conflict.id)
    return list(db.session.scalars(statement))


def _insert(user: User, work: Work) -> None:
    """Store the declaration unless it exists; two clicks at once leave one row."""
    try:
        # A savepoint: the unique key turning a second row away leaves the request intact.
        with db.session.begin_nested():
            db.session.add(Conflict(user_id=user.id, entry_id=work.entry_id))
    except IntegrityError:
        log.debug("conflict on entry %s was declared already", work.entry_id)


def declare_conflict(*, user: User, work: Work) -> Declared:
    """Declare ``user``'s conflict with ``work``'s entry and remove their judgements of it."""
    _insert(user, work)
    ids = select(Work.id).where(Work.entry_id == work.entry_id)
    votes = db.session.execute(
        delete(Vote).where(Vote.user_id == user.id, Vote.work_id.in_(ids))
    ).rowcount
    # An answer is one judgement of both works: it goes whole, whichever side was theirs.
    answers = db.session.execute(
        delete(Comparison).where(
            Comparison.user_id == user.id,
            or_(Comparison.left_id.in_(ids), Comparison.right_id.in_(ids)),
        )
    ).rowcount
    db.session.execute(
        delete(PairReservation).where(
            PairReservation.user_id == user.id,
            or_(PairReservation.low_id.in_(ids), PairReservation.high_id.in_(ids)),
        )
    )
    db.session.flush()
    if answers:
        # The stored strengths sort the gallery and feed the pairing: refit them now rather
        # than wait for ten more answers. Imported here: the fit needs numpy.
        from gallery.curation.pairwise.operations import refresh_strengths

        refresh_strengths()
    log.info(
        "conflict declared on entry %s: %s votes, %s answers removed", work.entry_id, votes, answers
    )
    return Declared(votes=votes, comparisons=answers)


def withdraw_conflict(*, user: User, work: Work) -> bool:
    """Withdraw ``user``'s declaration on ``work``'s entry; tell whether there was one."""
    result = db.session.execute(
        delete(Conflict).where(Conflict.user_id == user.id, Conflict.entry_id == work.entry_id)
    )
    return bool(result.rowcount)
