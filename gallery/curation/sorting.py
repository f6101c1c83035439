"""The grid's orders as SQL sort keys: the curator's shuffle, newest, votes, score, pairwise.

Shared by the grid's page query and the work page's ←/→ neighbours, so both walk the works
in the same order.
"""

from __future__ import annotations

import enum

from sqlalchemy import ColumnElement, Select, and_, case, func, select
from sqlalchemy.orm import aliased

from gallery.curation.scores import maths as ranking
from gallery.curation.shuffle import shuffle_key, shuffle_key_parameters
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
    statement: Select, user_id, sort: Sort, *, prior=None, prebuilt: bool = False
) -> tuple[Select, list[tuple]]:
    """Join what ``sort`` needs; return the statement and its sort keys as (key, descending).

    ``prebuilt``: the statement is built once for every curator, ``user_id`` being a bind
    parameter. The shuffle is then read from the curator's stored keys
    (``shuffle.store_shuffle_keys``) instead of being computed for every work, and the score
    sort's shuffled part takes the curator's numbers as bind parameters
    (``shuffle.shuffle_parameters``). ``prior``: the score sort's Bayesian prior (looked up
    when not given).
    """
    if sort == Sort.SHUFFLE and prebuilt:
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
    shuffled = shuffle_key_parameters() if prebuilt else shuffle_key(user_id)
    return _fair_score_order(statement, user_id, score, votes, shuffled)


def _fair_score_order(
    statement: Select, user_id, score, votes, shuffled
) -> tuple[Select, list[tuple]]:
    """Return the score sort as the curator may see it: by score only where they have voted.

    A curator sees others' scores of a work only once they have voted on it themselves, and
    an order by those scores would show them all the same. So the works the curator has voted
    on come first, best score first; the others follow in the curator's own shuffle
    (``shuffled``, the curator's key), which nobody's votes move. The key is computed rather
    than read from the stored keys: one more lookup per work cost more than the arithmetic.
    """
    my_vote = aliased(Vote, name="my_vote")
    mine = and_(my_vote.work_id == Work.id, my_vote.user_id == user_id)
    statement = statement.outerjoin(my_vote, mine)
    voted, unvoted = my_vote.id.is_not(None), my_vote.id.is_(None)
    # Each group's keys are NULL in the other group, so neither group's order reaches the other.
    return statement, [
        (unvoted, False),
        (case((voted, score)), True),
        (case((voted, votes)), True),
        (case((unvoted, shuffled)), False),
        (Work.id, False),
    ]


def order_terms(keys: list[tuple]) -> list:
    """Return ORDER BY terms for (key, descending) pairs."""
    return [key.desc() if descending else key for key, descending in keys]
