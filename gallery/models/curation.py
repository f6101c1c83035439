"""Curation records: votes, decisions, near-duplicate pairs and the release of decisions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gallery.extensions import db
from gallery.models.accounts import User
from gallery.models.base import NEVER_REUSE_IDS, table_args, utcnow
from gallery.models.base import enum_type as _enum
from gallery.models.submissions import Work, WorkState, WorkStatus


class Vote(db.Model):
    """One curator's score (1–5) for one work; changeable and retractable."""

    __tablename__ = "votes"
    __table_args__ = table_args(
        # The database, not the app, guarantees one vote per curator per work.
        UniqueConstraint("user_id", "work_id", name="uq_votes_user_work"),
        CheckConstraint("score BETWEEN 1 AND 5", name="ck_votes_score_range"),
        # Covers the per-work count/sum aggregates without touching the table.
        Index("ix_votes_work_score", "work_id", "score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"))
    score: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DecisionSource(enum.StrEnum):
    """Where a decision was taken."""

    WEB = "web"
    CLI = "cli"


class DecisionAction(enum.StrEnum):
    """What curators decide about a work; publishing and printing are separate decisions."""

    SHORTLISTED = "shortlisted"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    SELECTED = "selected"
    UNSELECTED = "unselected"
    DECLINED = "declined"


class Decision(db.Model):
    """One logged decision on a work: who, when, what, and the work's state after it.

    The state after each decision is kept on the row, so what artists see as of a release is
    the latest released row, whatever came after it.
    """

    __tablename__ = "decisions"
    __table_args__ = table_args(Index("ix_decisions_work", "work_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"))
    # Empty for decisions taken at the terminal (source "cli") or by a since-deleted account.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    source: Mapped[DecisionSource] = mapped_column(
        _enum(DecisionSource), default=DecisionSource.WEB
    )
    action: Mapped[DecisionAction] = mapped_column(_enum(DecisionAction))
    from_status: Mapped[WorkStatus] = mapped_column(_enum(WorkStatus))
    to_status: Mapped[WorkStatus] = mapped_column(_enum(WorkStatus))
    # The work's two decisions once this one was taken.
    published: Mapped[bool] = mapped_column(default=False, server_default=false())
    selected: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship()
    work: Mapped[Work] = relationship()

    @property
    def state(self) -> WorkState:
        """Return the work's state right after this decision."""
        return WorkState.of(self.to_status, published=self.published, selected=self.selected)


class PairVerdict(enum.StrEnum):
    """What curators said about two look-alike works ("same" merges them, so no row remains)."""

    OPEN = "open"
    DIFFERENT = "different"


class DuplicatePair(db.Model):
    """Two works whose perceptual hashes are close: flagged until a curator judges them."""

    __tablename__ = "duplicate_pairs"
    __table_args__ = table_args(
        UniqueConstraint("first_id", "second_id", name="uq_duplicate_pairs_works"),
        # Stored once per pair, smaller id first.
        CheckConstraint("first_id < second_id", name="ck_duplicate_pairs_order"),
        Index("ix_duplicate_pairs_second", "second_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"))
    second_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"))
    distance: Mapped[int]
    verdict: Mapped[PairVerdict] = mapped_column(_enum(PairVerdict), default=PairVerdict.OPEN)
    judged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    first: Mapped[Work] = relationship(foreign_keys=[first_id])
    second: Mapped[Work] = relationship(foreign_keys=[second_id])

    def other(self, work_id: int) -> Work:
        """Return the work of the pair that is not ``work_id``."""
        return self.second if self.first_id == work_id else self.first


class Release(db.Model):
    """One batch release of decisions to artists: decisions up to ``last_decision_id`` show."""

    __tablename__ = "releases"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    released_at: Mapped[datetime] = mapped_column(default=utcnow)
    by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    # Decision ids only grow, so "taken before the release" is exact without trusting clocks.
    last_decision_id: Mapped[int] = mapped_column(default=0)


class ShuffleKey(db.Model):
    """A curator's stored shuffle position of a work (cache of ``queries.shuffle_key``).

    Computing the per-curator order in SQL sorts every work on each page view; stored and
    indexed per curator, the grid reads its 60 cards straight off the index.
    """

    __tablename__ = "shuffle_keys"
    __table_args__ = (Index("ix_shuffle_keys_order", "user_id", "key", "work_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    work_id: Mapped[int] = mapped_column(
        ForeignKey("works.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[int] = mapped_column(BigInteger)
