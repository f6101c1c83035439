"""The grid's orders as SQL sort keys: the curator's shuffle, newest, votes, score, pairwise.

Shared by the grid's page query and the work page's ←/→ neighbours, so both walk the works
in the same order.
"""

from __future__ import annotations

import enum

from sqlalchemy import ColumnElement, Select, and_, func, select

from gallery.curation import ranking
from gallery.curation.shuffle import shuffle_key
from gallery.extensions import db
from gallery.models import PairwiseStrength, Vote, Work
from gallery.models.curation import ShuffleKey


class Sort(enum.StrEnum):
    """Orders of the gallery grid."""

    SHUFFLE = "shuffle"
    SCORE = "score"
    VOTES = "votes"
    NEWEST = "newest"
    PAIRWISE = "pairwise"


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


def bayesian_expression(votes, total, prior) -> ColumnElement[float]:
    """Return ``ranking.bayesian_mean`` as SQL over nullable vote count and total columns.

    ``prior`` is a float or a float bind parameter; being a float, it also keeps SQLite from
    dividing integers.
    """
    weight = ranking.PRIOR_WEIGHT
    return (weight * prior + func.coalesce(total, 0)) / (weight + func.coalesce(votes, 0))


def ordered(
    statement: Select, user_id, sort: Sort, *, prior=None, stored: bool = False
) -> tuple[Select, list[tuple]]:
    """Join what ``sort`` needs; return the statement and its sort keys as (key, descending).

    ``stored``: read the shuffle from the curator's stored keys (``shuffle.store_shuffle_keys``)
    instead of computing it for every work. ``prior``: the score sort's Bayesian prior (looked
    up when not given).
    """
    if sort == Sort.SHUFFLE and stored:
        mine = and_(ShuffleKey.work_id == Work.id, ShuffleKey.user_id == user_id)
        statement = statement.join(ShuffleKey, mine)
        return statement, [(ShuffleKey.key, False), (ShuffleKey.work_id, False)]
    if sort == Sort.SHUFFLE:
        return statement, [(shuffle_key(user_id), False), (Work.id, False)]
    if sort == Sort.NEWEST:
        return statement, [(Work.created_at, True), (Work.id, True)]
    if sort == Sort.PAIRWISE:
        # Strengths stored by the pairwise ranking; never-compared works last in any database.
        statement = statement.outerjoin(PairwiseStrength, PairwiseStrength.work_id == Work.id)
        unranked = PairwiseStrength.theta.is_(None)
        return statement, [(unranked, False), (PairwiseStrength.theta, True), (Work.id, False)]
    totals = vote_totals().subquery()
    statement = statement.outerjoin(totals, totals.c.work_id == Work.id)
    votes = func.coalesce(totals.c.votes, 0)
    if sort == Sort.VOTES:
        return statement, [(votes, True), (Work.id, False)]
    prior = global_prior() if prior is None else prior
    score = bayesian_expression(totals.c.votes, totals.c.total, prior)
    return statement, [(score, True), (votes, True), (Work.id, False)]


def order_terms(keys: list[tuple]) -> list:
    """Return ORDER BY terms for (key, descending) pairs."""
    return [key.desc() if descending else key for key, descending in keys]
