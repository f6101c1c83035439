"""Pairwise curation domain: record answers, hand out reserved pairs, store fitted strengths.

Functions take the acting user explicitly and flush; the request commits.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from gallery.curation.deliberation.conflicts import conflicted_work_ids, refuse_if_conflicted
from gallery.curation.pairwise.fit import (
    REFRESH_ROW,
    as_utc,
    current_fit,
    fingerprint,
    is_stale,
    judged_counts,
    pool_work_ids,
    stored_fit,
)
from gallery.database import dialect_insert
from gallery.extensions import db
from gallery.models import (
    Comparison,
    ComparisonOutcome,
    PairPool,
    PairReservation,
    PairwiseRefresh,
    PairwiseStrength,
    User,
    Work,
    WorkStatus,
)
from gallery.models.submissions import utcnow
from gallery.refusals import Refused

log = logging.getLogger(__name__)

# A handed-out pair is kept from other curators this long, unless answered sooner.
RESERVATION_TTL = timedelta(minutes=5)
# Pairs a curator holds: the one on screen and the next one, already prefetched.
AHEAD = 2
# Refit after this many new comparisons, or once the stored fit is this old and behind.
REFRESH_EVERY = 10
REFRESH_AFTER = timedelta(minutes=2)
# Candidate pairs tried when other curators keep winning the race for them.
_ATTEMPTS = 20
# PostgreSQL advisory lock id for handing out pairs (any constant unique to this purpose).
_LOCK_KEY = 0x5A1E_9A12

# Stored times come back from SQLite without a zone, so the ORM cannot evaluate time
# conditions in Python; these statements leave loaded objects as they are.
_NO_SYNC = {"synchronize_session": False}


class PairRefused(Refused):
    """An answer that cannot be recorded."""


def _insert_ignore(model, values: dict, conflict: list[str]) -> bool:
    """Insert a row unless it clashes with a unique key; tell whether it was inserted."""
    statement = dialect_insert(model)
    if statement is not None:
        statement = (
            statement.values(**values)
            .on_conflict_do_nothing(index_elements=conflict)
            # RETURNING, not rowcount: psycopg reports -1 for INSERT … ON CONFLICT DO NOTHING.
            .returning(*model.__table__.primary_key.columns)
        )
        return db.session.execute(statement).first() is not None
    try:
        with db.session.begin_nested():
            db.session.execute(insert(model).values(**values))
    except IntegrityError:
        return False
    return True


def _queue_for_reservations() -> None:
    """On PostgreSQL, let one transaction at a time hand out pairs (SQLite's write lock does so)."""
    # The unique key alone keeps pairs apart, but two curators each holding a fresh pair and
    # wanting the other's would deadlock; queueing costs milliseconds.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(_LOCK_KEY)))


def _pair_of(a: int, b: int):
    """Return a condition matching a comparison of works ``a`` and ``b`` in either order."""
    return or_(
        (Comparison.left_id == a) & (Comparison.right_id == b),
        (Comparison.left_id == b) & (Comparison.right_id == a),
    )


def _held_by(user: User, low: int, high: int):
    """Return a condition matching ``user``'s reservation of the pair (low, high)."""
    pair = (PairReservation.low_id == low) & (PairReservation.high_id == high)
    return pair & (PairReservation.user_id == user.id)


def record_comparison(
    *, user: User, left: Work, right: Work, outcome: ComparisonOutcome, pool: PairPool
) -> Comparison:
    """Store ``user``'s answer for the pair shown as (left, right) and free its reservation."""
    if left.id == right.id:
        raise PairRefused(_l("A work cannot be compared with itself."))
    if WorkStatus.WITHDRAWN in (left.status, right.status):
        raise PairRefused(_l("The artist withdrew one of these works."))
    refuse_if_conflicted(user, (left, right))
    low, high = sorted((left.id, right.id))
    in_pool = left.status in pool.statuses and right.status in pool.statuses
    # A work decided on while the pair was on screen still gets the answer its curator gave.
    held = select(PairReservation.id).where(_held_by(user, low, high))
    if not in_pool and db.session.scalar(held) is None:
        raise PairRefused(_l("This pair is no longer in the pool."))
    already = select(Comparison.id).where(Comparison.user_id == user.id, _pair_of(low, high))
    if db.session.scalar(already.limit(1)) is not None:
        raise PairRefused(_l("You have already compared these two works."))
    comparison = Comparison(
        user_id=user.id, left_id=left.id, right_id=right.id, outcome=outcome, pool=pool
    )
    db.session.add(comparison)
    db.session.execute(delete(PairReservation).where(_held_by(user, low, high)))
    db.session.flush()
    log.debug("comparison %s: %s", comparison.id, outcome.value)
    return comparison


def _seen_pairs(user: User) -> set[frozenset[int]]:
    """Return every pair ``user`` has answered (skips too: they are not asked again)."""
    rows = db.session.execute(
        select(Comparison.left_id, Comparison.right_id).where(Comparison.user_id == user.id)
    )
    return {frozenset(row) for row in rows}


def _live_reservations(now: datetime) -> set[frozenset[int]]:
    """Return the pairs handed out and not yet answered or expired."""
    rows = db.session.execute(
        select(PairReservation.low_id, PairReservation.high_id).where(
            PairReservation.expires_at > now
        )
    )
    return {frozenset(row) for row in rows}


def reserve_next_pair(
    *, user: User, pool: PairPool, rng: random.Random | None = None
) -> PairReservation | None:
    """Choose the most informative pair for ``user`` and reserve it; None when none is left."""
    # Pairing needs NumPy and SciPy: loaded with the first pair, not with the app.
    from gallery.curation.pairwise.pairing import next_pair

    _queue_for_reservations()
    now = utcnow()
    expired = delete(PairReservation).where(PairReservation.expires_at <= now)
    db.session.execute(expired, execution_options=_NO_SYNC)
    # Works of entries the curator declared a conflict with are never handed to them.
    excluded = conflicted_work_ids(user)
    work_ids = [work_id for work_id in pool_work_ids(pool) if work_id not in excluded]
    seen = _seen_pairs(user)
    counts = judged_counts()
    reserved = _live_reservations(now)
    fit = stored_fit()
    rng = rng or random.Random()  # noqa: S311 - pairing needs variety, not secrecy
    for _ in range(_ATTEMPTS):
        pair = next_pair(
            work_ids=work_ids, fit=fit, seen_pairs=seen, counts=counts, reserved=reserved, rng=rng
        )
        if pair is None:
            return None
        low, high = sorted(pair)
        values = {
            "low_id": low,
            "high_id": high,
            "left_id": pair[0],
            "user_id": user.id,
            "pool": pool,
            "expires_at": now + RESERVATION_TTL,
        }
        # The unique key decides between curators asking at the same moment.
        if _insert_ignore(PairReservation, values, ["low_id", "high_id"]):
            # populate_existing: a row deleted above may have left its id to this one.
            return db.session.scalar(
                select(PairReservation)
                .where(PairReservation.low_id == low, PairReservation.high_id == high)
                .execution_options(populate_existing=True)
            )
        reserved.add(frozenset(pair))
    return None


def hand_out(*, user: User, pool: PairPool, rng: random.Random | None = None):
    """Return the pairs ``user`` holds in ``pool`` (shown first, then the prefetched one)."""
    now = utcnow()
    # A write first, before anything reads: SQLite then takes its write lock (waiting for it)
    # instead of refusing to turn a read into a write.
    expired = delete(PairReservation).where(PairReservation.expires_at <= now)
    db.session.execute(expired, execution_options=_NO_SYNC)
    # Pairs held in another pool would sit idle until they expire: give them back now.
    db.session.execute(
        delete(PairReservation).where(
            PairReservation.user_id == user.id, PairReservation.pool != pool
        )
    )
    mine = (PairReservation.user_id == user.id) & (PairReservation.expires_at > now)
    # A curator still working keeps their queue; an absent one loses it after the TTL.
    db.session.execute(
        update(PairReservation).where(mine).values(expires_at=now + RESERVATION_TTL),
        execution_options=_NO_SYNC,
    )
    held = list(
        db.session.scalars(
            select(PairReservation).where(mine).order_by(PairReservation.id),
            execution_options={"populate_existing": True},
        )
    )
    while len(held) < AHEAD:
        reservation = reserve_next_pair(user=user, pool=pool, rng=rng)
        if reservation is None:
            break
        held.append(reservation)
    return held


def refresh_strengths(*, force: bool = False) -> bool:
    """Refit every comparison and store each work's strength; tell whether anything was stored."""
    # Written first (a no-op once the row exists) so SQLite takes its write lock before the
    # reads below; a read cannot become a write once another curator has committed.
    _insert_ignore(PairwiseRefresh, {"id": REFRESH_ROW, "comparisons": -1}, ["id"])
    key = fingerprint()
    marker = db.session.get(PairwiseRefresh, REFRESH_ROW, populate_existing=True)
    if not force and not is_stale(marker, key):
        return False
    key, fit = current_fit(key)
    count, through = key[0], key[1]
    now = utcnow()
    where = [PairwiseRefresh.id == REFRESH_ROW]
    if not force:
        # Another process that stored this very fit meanwhile leaves nothing to do; the row
        # lock the update takes keeps two writers of the strengths apart until commit.
        changed = (PairwiseRefresh.comparisons != count) | (PairwiseRefresh.through_id != through)
        where.append(changed)
    claimed = db.session.execute(
        update(PairwiseRefresh)
        .where(*where)
        .values(through_id=through, comparisons=count, reliability=fit.reliability, fitted_at=now)
    )
    if not claimed.rowcount:
        return False
    db.session.execute(delete(PairwiseStrength))
    fields = ("work_id", "theta", "se", "comparisons")
    rows = [
        {"fitted_at": now, **{f: getattr(s, f) for f in fields}} for s in fit.strengths.values()
    ]
    if rows:
        db.session.execute(insert(PairwiseStrength), rows)
    db.session.flush()
    log.info("pairwise strengths refreshed: %s works, %s comparisons", len(rows), count)
    return True


def refresh_if_due() -> bool:
    """Refit when enough answers came in since the stored fit, or it is old and behind."""
    key = fingerprint()
    marker = db.session.get(PairwiseRefresh, REFRESH_ROW)
    if not is_stale(marker, key):
        return False
    if marker is None or marker.comparisons < 0:
        return refresh_strengths()
    behind = max(abs(key[0] - marker.comparisons), key[1] - marker.through_id)
    old = utcnow() - as_utc(marker.fitted_at) >= REFRESH_AFTER
    # Early on a fit is cheap and every answer moves the order a lot.
    early = key[0] <= 5 * REFRESH_EVERY
    if early or old or behind >= REFRESH_EVERY:
        return refresh_strengths()
    return False


def answer_pair(
    *,
    user: User,
    left: Work,
    right: Work,
    outcome: ComparisonOutcome,
    pool: PairPool,
    rng: random.Random | None = None,
):
    """Record an answer, refit when due, and return the pairs the curator now holds."""
    record_comparison(user=user, left=left, right=right, outcome=outcome, pool=pool)
    refresh_if_due()
    return hand_out(user=user, pool=pool, rng=rng)
