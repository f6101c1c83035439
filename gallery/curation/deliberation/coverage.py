"""The jury's progress: which works still lack votes, what each curator has done, comparisons.

Read side only, a handful of grouped queries whatever the number of works. "Works being
judged" are those "Judge the next work" draws from (new and shortlisted).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from gallery.curation.pairwise.counts import judged_per_work
from gallery.curation.queries import JUDGING
from gallery.curation.sorting import vote_totals
from gallery.extensions import db
from gallery.models import Comment, Comparison, ComparisonOutcome, Conflict, Role, User, Vote, Work

# Works listed per page of the coverage view.
PAGE_SIZE = 100


@dataclass(frozen=True)
class WorkCoverage:
    """One work being judged: its votes and judged pairwise comparisons."""

    work: Work
    votes: int
    comparisons: int


@dataclass(frozen=True)
class CuratorCoverage:
    """One curator's share: votes on works being judged, works left to them, and the rest."""

    login: str
    votes: int
    to_judge: int
    comparisons: int
    comments: int
    conflicts: int


@dataclass(frozen=True)
class Coverage:
    """The jury's progress over the works being judged."""

    min_votes: int
    judging: int
    # How many works being judged have exactly n votes, n < min_votes; then min_votes or more.
    by_votes: list[int]
    never_compared: int
    comparisons: int
    curators: list[CuratorCoverage]

    @property
    def covered(self) -> int:
        """Return how many works being judged have at least ``min_votes`` votes."""
        return self.by_votes[-1]

    @property
    def short(self) -> int:
        """Return how many works being judged have fewer than ``min_votes`` votes."""
        return self.judging - self.covered


def min_votes() -> int:
    """Return the votes from which a work counts as covered (``COVERAGE_MIN_VOTES``, >= 1)."""
    return max(1, int(current_app.config["COVERAGE_MIN_VOTES"]))


def _per_work():
    """Return a subquery of the works being judged with their votes and judged comparisons."""
    votes = vote_totals().subquery()
    compared = judged_per_work().subquery()
    return (
        select(
            Work.id.label("id"),
            func.coalesce(votes.c.votes, 0).label("votes"),
            func.coalesce(compared.c.comparisons, 0).label("comparisons"),
        )
        .outerjoin(votes, votes.c.work_id == Work.id)
        .outerjoin(compared, compared.c.work_id == Work.id)
        .where(Work.status.in_(JUDGING))
        .subquery()
    )


def _by_user(statement) -> dict[int, int]:
    """Run a (user_id, count) query grouped by user."""
    return {user_id: int(count) for user_id, count in db.session.execute(statement)}


def curator_counts(judging: int) -> list[CuratorCoverage]:
    """Return every active curator's counts, by login (``judging``: works being judged)."""
    being_judged = Work.status.in_(JUDGING)
    votes = _by_user(
        select(Vote.user_id, func.count()).join(Work).where(being_judged).group_by(Vote.user_id)
    )
    stepped_back = _by_user(
        select(Conflict.user_id, func.count(Work.id))
        .join(Work, Work.entry_id == Conflict.entry_id)
        .where(being_judged)
        .group_by(Conflict.user_id)
    )
    answers = _by_user(
        select(Comparison.user_id, func.count())
        .where(Comparison.outcome != ComparisonOutcome.SKIP)
        .group_by(Comparison.user_id)
    )
    comments = _by_user(select(Comment.user_id, func.count()).group_by(Comment.user_id))
    conflicts = _by_user(select(Conflict.user_id, func.count()).group_by(Conflict.user_id))
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.login))
    return [
        CuratorCoverage(
            login=user.login,
            votes=votes.get(user.id, 0),
            # Declaring a conflict removed any vote on those works, so the two never overlap.
            to_judge=judging - votes.get(user.id, 0) - stepped_back.get(user.id, 0),
            comparisons=answers.get(user.id, 0),
            comments=comments.get(user.id, 0),
            conflicts=conflicts.get(user.id, 0),
        )
        for user in users
        if user.has_role(Role.CURATOR)
    ]


def coverage(*, min_votes: int) -> Coverage:
    """Return the jury's progress, counting a work covered from ``min_votes`` votes on."""
    per_work = _per_work()
    histogram = [0] * (min_votes + 1)
    grouped = select(per_work.c.votes, func.count()).group_by(per_work.c.votes)
    for votes, count in db.session.execute(grouped):
        histogram[min(int(votes), min_votes)] += int(count)
    never = select(func.count()).select_from(per_work).where(per_work.c.comparisons == 0)
    answers = select(func.count()).where(Comparison.outcome != ComparisonOutcome.SKIP)
    judging = sum(histogram)
    return Coverage(
        min_votes=min_votes,
        judging=judging,
        by_votes=histogram,
        never_compared=db.session.scalar(never) or 0,
        comparisons=db.session.scalar(answers) or 0,
        curators=curator_counts(judging),
    )


def works_short_of_votes(
    *, min_votes: int | None, page: int = 1, size: int | None = PAGE_SIZE
) -> tuple[list[WorkCoverage], int]:
    """Return works being judged with fewer than ``min_votes`` votes (None: all of them),
    fewest votes first, then fewest comparisons, and how many there are in all."""
    per_work = _per_work()
    statement = select(Work, per_work.c.votes, per_work.c.comparisons).join(
        per_work, per_work.c.id == Work.id
    )
    if min_votes is not None:
        statement = statement.where(per_work.c.votes < min_votes)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    statement = statement.order_by(per_work.c.votes, per_work.c.comparisons, Work.id)
    if size is not None:
        statement = statement.limit(size).offset((max(page, 1) - 1) * size)
    rows = [
        WorkCoverage(work=work, votes=int(votes), comparisons=int(comparisons))
        for work, votes, comparisons in db.session.execute(statement)
    ]
    return rows, total
