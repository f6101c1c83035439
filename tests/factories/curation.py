"""Curators' traces as rows: votes, decision log lines, comparisons, comments, conflicts."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from gallery.extensions import db
from gallery.models import (
    Comment,
    Comparison,
    ComparisonOutcome,
    Conflict,
    Decision,
    DecisionAction,
    PairPool,
    User,
    Vote,
    Work,
    WorkStatus,
)
from tests.factories.base import committed, id_of, own_context


def make_vote(
    *, user: User | int, work: Work | int, score: int = 3, app: Flask | None = None
) -> Vote:
    """Store ``user``'s ``score`` (1–5) for ``work`` as a row, as if they had voted."""
    with own_context(app):
        vote = Vote(user_id=id_of(user), work_id=id_of(work), score=score)
        db.session.add(vote)
        return committed(vote)


def make_decision(
    *,
    work: Work | int,
    action: DecisionAction = DecisionAction.PUBLISHED,
    from_status: WorkStatus = WorkStatus.SHORTLISTED,
    by: User | int | None = None,
    created_at: datetime | None = None,
    app: Flask | None = None,
) -> Decision:
    """Log a decision on ``work`` as a row: its outcome is the work's current state.

    The work itself is not changed (put it in its state first, e.g. ``make_work(state=…)``);
    ``created_at`` dates the decision (default: now).
    """
    with own_context(app):
        row = db.session.get(Work, id_of(work))
        decision = Decision(
            work_id=row.id,
            user_id=None if by is None else id_of(by),
            action=action,
            from_status=from_status,
            to_status=row.status,
            published=row.published,
            selected=row.selected,
        )
        if created_at is not None:
            decision.created_at = created_at
        db.session.add(decision)
        return committed(decision)


def make_comparison(
    *,
    user: User | int,
    left: Work | int,
    right: Work | int,
    outcome: ComparisonOutcome = ComparisonOutcome.LEFT,
    pool: PairPool = PairPool.JUDGING,
    app: Flask | None = None,
) -> Comparison:
    """Store ``user``'s pairwise answer on (left, right) as a row (``LEFT``: left won)."""
    with own_context(app):
        comparison = Comparison(
            user_id=id_of(user),
            left_id=id_of(left),
            right_id=id_of(right),
            outcome=outcome,
            pool=pool,
        )
        db.session.add(comparison)
        return committed(comparison)


def make_comment(
    *, user: User | int, work: Work | int, body: str = "A comment.", app: Flask | None = None
) -> Comment:
    """Store ``user``'s comment on ``work`` as a row."""
    with own_context(app):
        comment = Comment(user_id=id_of(user), work_id=id_of(work), body=body)
        db.session.add(comment)
        return committed(comment)


def make_conflict(*, user: User | int, work: Work | int, app: Flask | None = None) -> Conflict:
    """Store ``user``'s declared conflict with ``work``'s entry as a row (nothing else changes:
    the real declaration also removes their votes and answers, see ``declare_conflict``)."""
    with own_context(app):
        entry_id = db.session.get(Work, id_of(work)).entry_id
        conflict = Conflict(user_id=id_of(user), entry_id=entry_id)
        db.session.add(conflict)
        return committed(conflict)
