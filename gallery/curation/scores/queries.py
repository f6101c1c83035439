"""Score aggregates in SQL: per work (mean, Bayesian, per-curator normalised) and rankings."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, case, func, literal, null, select

from gallery.curation.queries import (
    CARD_WORK_COLUMNS,
    PAGE_SIZE,
    Card,
    GalleryQuery,
    cards_from,
    filters_for,
    flagged_condition,
)
from gallery.curation.scores import maths as ranking
from gallery.curation.sorting import bayesian_expression, global_prior
from gallery.extensions import db
from gallery.models import Vote, Work


class RankBy(enum.StrEnum):
    """Orders of the ranking table."""

    BAYESIAN = "bayesian"
    NORMALISED = "normalised"
    MEAN = "mean"
    VOTES = "votes"


@dataclass(frozen=True)
class Scores:
    """Every aggregate of one work's votes, each meaningful only with ``votes``."""

    work_id: int
    votes: int
    mean: float | None
    bayesian: float
    normalised: float | None
    my_score: int | None = None
    title: str = ""

    @property
    def visible(self) -> bool:
        """Others' scores show only to a curator who has voted on the work."""
        return self.my_score is not None


@dataclass(frozen=True)
class RankedScores(Scores):
    """One row of the score ranking: the scores, and the work as the grid's card shows it."""

    card: Card | None = None


def curator_scales() -> dict[int, ranking.CuratorScale]:
    """Return every curator's mean and spread, aggregated in SQL."""
    rows = db.session.execute(
        select(
            Vote.user_id, func.sum(Vote.score), func.sum(Vote.score * Vote.score), func.count()
        ).group_by(Vote.user_id)
    )
    return {
        user_id: ranking.curator_scale(float(total), float(squares), int(count))
        for user_id, total, squares, count in rows
    }


def z_expression(scales: dict[int, ranking.CuratorScale]) -> ColumnElement[float]:
    """Return a vote's z-score against its curator's scale as a SQL CASE over curators."""
    # A handful of curators: one CASE branch each keeps the averaging inside the database.
    branches = [
        (Vote.user_id == user_id, (Vote.score - scale.mean) / scale.spread)
        for user_id, scale in scales.items()
        if scale.spread > 0
    ]
    return case(*branches, else_=0.0) if branches else literal(0.0)


def _aggregate(scales: dict[int, ranking.CuratorScale], user_id: int):
    """Return the per-work aggregate columns (votes, total, normalised, my score)."""
    return (
        func.count().label("votes"),
        func.sum(Vote.score).label("total"),
        func.avg(z_expression(scales)).label("normalised"),
        func.max(case((Vote.user_id == user_id, Vote.score))).label("mine"),
    )


def work_scores(*, work_id: int, user_id: int) -> Scores:
    """Return every aggregate of one work's votes, with the curator's own score."""
    scales = curator_scales()
    row = db.session.execute(
        select(*_aggregate(scales, user_id)).where(Vote.work_id == work_id)
    ).one()
    votes, total = int(row.votes or 0), float(row.total or 0)
    return Scores(
        work_id=work_id,
        votes=votes,
        mean=total / votes if votes else None,
        bayesian=ranking.bayesian_mean(total, votes, prior=global_prior()),
        normalised=float(row.normalised) if votes else None,
        my_score=row.mine,
    )


def ranking_page(
    *, user_id: int, by: RankBy, page: int, query: GalleryQuery | None = None
) -> tuple[list[RankedScores], int]:
    """Return one page of voted works matching the grid filters of ``query`` (status,
    transparent, near-duplicate; withdrawn works only when asked for), ranked ``by``, and
    how many there are."""
    query = query or GalleryQuery()
    scales = curator_scales()
    aggregate = (
        select(Vote.work_id.label("work_id"), *_aggregate(scales, user_id))
        .group_by(Vote.work_id)
        .subquery()
    )
    bayesian = bayesian_expression(aggregate.c.votes, aggregate.c.total, global_prior())
    mean = aggregate.c.total * 1.0 / aggregate.c.votes
    order = {
        RankBy.BAYESIAN: bayesian,
        RankBy.NORMALISED: aggregate.c.normalised,
        RankBy.MEAN: mean,
        RankBy.VOTES: aggregate.c.votes,
    }[by]
    statement = (
        select(
            *CARD_WORK_COLUMNS,
            null().label("credit"),
            aggregate.c.votes,
            aggregate.c.total,
            aggregate.c.mine,
            flagged_condition(),
            aggregate.c.normalised,
            bayesian.label("bayesian"),
        )
        .join(aggregate, aggregate.c.work_id == Work.id)
        .where(*filters_for(user_id, replace(query, unvoted=False)))
    )
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    terms = [order.desc(), aggregate.c.votes.desc(), Work.id]
    if by is not RankBy.VOTES:
        # Vote counts are public, scores are not: ranked by score, the works the curator has
        # not voted on would show their order all the same. They follow, oldest first.
        hidden = aggregate.c.mine.is_(None)
        terms = [hidden, case((~hidden, order)).desc(), case((~hidden, aggregate.c.votes)).desc()]
        terms.append(Work.id)
    offset = (max(page, 1) - 1) * PAGE_SIZE
    rows = db.session.execute(statement.order_by(*terms).limit(PAGE_SIZE).offset(offset))
    return _ranked(rows.all()), total


def _ranked(rows: list) -> list[RankedScores]:
    """Turn result rows of ``ranking_page`` into scores, each with the work's card."""
    # Credits are never selected: the ranking shows none, blind mode or not.
    cards = cards_from((row[:14] for row in rows), blind=True)
    return [
        RankedScores(
            work_id=card.id,
            title=card.title,
            votes=card.votes,
            mean=float(card.total) / card.votes,
            bayesian=float(row.bayesian),
            normalised=float(row.normalised),
            my_score=card.my_score,
            card=card,
        )
        for card, row in zip(cards, rows, strict=True)
    ]
