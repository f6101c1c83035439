"""Pairwise curation records: comparisons, short-lived pair reservations, fitted strengths."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gallery.extensions import db
from gallery.models.base import NEVER_REUSE_IDS, table_args, utcnow
from gallery.models.base import enum_type as _enum
from gallery.models.submissions import WorkStatus


class ComparisonOutcome(enum.StrEnum):
    """What a curator answered for one pair (same values as the maths module's ``Outcome``)."""

    LEFT = "left"
    RIGHT = "right"
    TIE = "tie"
    SKIP = "skip"


class PairPool(enum.StrEnum):
    """Which works are paired: a status filter curators choose on the pairs page."""

    SHORTLISTED = "shortlisted"
    JUDGING = "judging"

    @property
    def statuses(self) -> tuple[WorkStatus, ...]:
        """Return the work statuses that make up this pool."""
        if self is PairPool.SHORTLISTED:
            return (WorkStatus.SHORTLISTED,)
        return (WorkStatus.NEW, WorkStatus.SHORTLISTED)


class Comparison(db.Model):
    """One curator's answer to "which of these two is more eye-catching?"."""

    __tablename__ = "pair_comparisons"
    __table_args__ = table_args(
        CheckConstraint("left_id <> right_id", name="ck_pair_comparisons_two_works"),
        # "Pairs this curator has seen" is read on every pair handed out.
        Index("ix_pair_comparisons_user", "user_id", "left_id", "right_id"),
        Index("ix_pair_comparisons_left", "left_id"),
        Index("ix_pair_comparisons_right", "right_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept when an account is deleted: the judgement still informs the ranking.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    left_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"))
    right_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"))
    outcome: Mapped[ComparisonOutcome] = mapped_column(_enum(ComparisonOutcome))
    pool: Mapped[PairPool] = mapped_column(_enum(PairPool))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PairReservation(db.Model):
    """A pair handed out to one curator and not yet answered; expired rows mean nothing."""

    __tablename__ = "pair_reservations"
    __table_args__ = table_args(
        # The database settles two curators asking at once: only one gets the pair.
        UniqueConstraint("low_id", "high_id", name="uq_pair_reservations_pair"),
        CheckConstraint("low_id < high_id", name="ck_pair_reservations_order"),
        CheckConstraint("left_id IN (low_id, high_id)", name="ck_pair_reservations_left"),
        Index("ix_pair_reservations_user", "user_id", "pool", "id"),
        Index("ix_pair_reservations_high", "high_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    low_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"))
    high_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="CASCADE"))
    # Sides as the curator sees them, so a reload shows the pair the same way round.
    left_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    pool: Mapped[PairPool] = mapped_column(_enum(PairPool))
    expires_at: Mapped[datetime]

    @property
    def sides(self) -> tuple[int, int]:
        """Return (left, right) work ids as shown."""
        right = self.high_id if self.left_id == self.low_id else self.low_id
        return self.left_id, right


class PairwiseStrength(db.Model):
    """A work's fitted Bradley–Terry strength, readable in SQL for sorting the gallery."""

    __tablename__ = "pairwise_strengths"
    __table_args__ = (Index("ix_pairwise_strengths_theta", "theta"),)

    work_id: Mapped[int] = mapped_column(
        ForeignKey("works.id", ondelete="CASCADE"), primary_key=True
    )
    theta: Mapped[float]
    se: Mapped[float]
    comparisons: Mapped[int]
    fitted_at: Mapped[datetime] = mapped_column(default=utcnow)


class PairwiseRefresh(db.Model):
    """Which comparisons the stored strengths reflect (one row), so any process can tell."""

    __tablename__ = "pairwise_refresh"
    __table_args__ = NEVER_REUSE_IDS

    id: Mapped[int] = mapped_column(primary_key=True)
    # The fit covered comparisons up to this id, this many of them (deletions change the count).
    through_id: Mapped[int] = mapped_column(default=0)
    comparisons: Mapped[int] = mapped_column(default=0)
    reliability: Mapped[float] = mapped_column(default=0.0)
    fitted_at: Mapped[datetime] = mapped_column(default=utcnow)
