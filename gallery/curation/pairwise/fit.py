"""Read side of pairwise curation: the Bradley–Terry fit, stored strengths, pools and readouts.

One scale for all pools: every comparison answers the same question, so all of them are fitted
together; a pool only decides which works are paired and listed. Fits are cached in this
process by a fingerprint of the comparisons table, so a stale cache is impossible whichever
process recorded the latest answer.

The maths module brings NumPy and SciPy, so it is imported inside the functions that fit or
read a fit: the pairwise pages import this module, and every server worker and command would
otherwise pay for SciPy at start-up.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import exists, func, or_, select

from gallery.curation.pairwise.counts import judged_per_work
from gallery.extensions import db
from gallery.models import (
    Comparison,
    ComparisonOutcome,
    PairPool,
    PairwiseRefresh,
    PairwiseStrength,
    Work,
    WorkStatus,
)

if TYPE_CHECKING:
    from gallery.curation.pairwise.maths import Fit

# The reliability curators aim for before trusting the order ("stable").
STABLE_AT = 0.8
# The single row of ``PairwiseRefresh``.
REFRESH_ROW = 1
# Two-sided 95 % normal quantile, as the maths module reports its intervals.
Z95 = 1.959963984540054

_lock = threading.Lock()
# One entry each, keyed by database and fingerprint: enough for a web process.
_cache: dict[str, tuple[tuple, object]] = {}


@dataclass(frozen=True)
class Readout:
    """How far a pool's ranking has come: sizes, reliability and the stopping rule."""

    works: int
    compared: int
    comparisons: int
    reliability: float | None
    # comparisons_until_stable: 0 stable, None too few to tell.
    more: int | None


def as_utc(moment: datetime) -> datetime:
    """Read a stored time as UTC (SQLite gives it back without a zone)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _cached(name: str, key: tuple, build):
    """Return the value cached under ``name`` for ``key``, building it on a miss."""
    key = (str(db.engine.url), *key)
    with _lock:
        hit = _cache.get(name)
    if hit is not None and hit[0] == key:
        return hit[1]
    value = build()
    with _lock:
        _cache[name] = (key, value)
    return value


def fingerprint() -> tuple[int, int, int, int]:
    """Return (count, max id, sums of work ids) of all comparisons: changes with any change."""
    # Max id and count alone repeat when the newest row is deleted (with its work) and SQLite
    # reuses its id; the sums tell the new row apart.
    row = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.max(Comparison.id), 0),
            func.coalesce(func.sum(Comparison.left_id), 0),
            func.coalesce(func.sum(Comparison.right_id), 0),
        )
    ).one()
    return tuple(int(v) for v in row)  # type: ignore[return-value]


def current_fit(key: tuple | None = None) -> tuple[tuple, Fit]:
    """Return the fingerprint and the Bradley–Terry fit of every comparison, curators pooled."""
    key = key or fingerprint()

    def build() -> Fit:
        """Fit all judged comparisons at once (skips carry no preference)."""
        from gallery.curation.pairwise.maths import Comparison as Judgement
        from gallery.curation.pairwise.maths import Outcome, fit_bradley_terry

        rows = db.session.execute(
            select(Comparison.left_id, Comparison.right_id, Comparison.outcome, Comparison.user_id)
            .where(Comparison.outcome != ComparisonOutcome.SKIP)
            .order_by(Comparison.id)
        )
        judgements = [Judgement(a, b, Outcome(o.value), judge=u) for a, b, o, u in rows]
        return fit_bradley_terry(judgements)

    return key, _cached("fit", key, build)


def stored_fit() -> Fit | None:
    """Return the fit as last stored in ``PairwiseStrength`` (what pairing steers by)."""
    marker = db.session.get(PairwiseRefresh, REFRESH_ROW)
    if marker is None:
        return None
    key = (marker.through_id, marker.comparisons, marker.fitted_at.isoformat())

    def build() -> Fit:
        """Rebuild a ``Fit`` from the stored rows."""
        from gallery.curation.pairwise.maths import Fit, Strength

        rows = db.session.execute(
            select(
                PairwiseStrength.work_id,
                PairwiseStrength.theta,
                PairwiseStrength.se,
                PairwiseStrength.comparisons,
            )
        )
        strengths = {w: Strength(w, t, s, t - Z95 * s, t + Z95 * s, c) for w, t, s, c in rows}
        return Fit(strengths=strengths, reliability=marker.reliability, iterations=0)

    return _cached("stored", key, build)


def is_stale(marker: PairwiseRefresh | None, key: tuple) -> bool:
    """Tell whether the stored strengths miss comparisons that exist now."""
    if marker is None:
        return key[0] > 0
    return (marker.comparisons, marker.through_id) != (key[0], key[1])


def strengths_stale() -> bool:
    """Tell whether comparisons changed since the strengths were last stored."""
    return is_stale(db.session.get(PairwiseRefresh, REFRESH_ROW), fingerprint())


def pool_work_ids(pool: PairPool) -> list[int]:
    """Return the ids of the works the pool pairs, in id order."""
    return list(
        db.session.scalars(select(Work.id).where(Work.status.in_(pool.statuses)).order_by(Work.id))
    )


def pool_size(pool: PairPool) -> int:
    """Return how many works the pool pairs."""
    counted = select(func.count()).select_from(Work).where(Work.status.in_(pool.statuses))
    return db.session.scalar(counted) or 0


def judged_counts() -> dict[int, int]:
    """Return how many judged (not skipped) comparisons each work has been in."""

    def build() -> dict[int, int]:
        """Count appearances on either side in SQL."""
        return {int(w): int(n) for w, n in db.session.execute(judged_per_work())}

    return _cached("counts", fingerprint(), build)


def readout(fit: Fit | None, work_ids: list[int]) -> Readout:
    """Return the reliability and the stopping rule over the pool's works only."""
    import numpy as np

    from gallery.curation.pairwise.maths import Fit, _reliability, comparisons_until_stable

    strengths = (fit.strengths if fit else {}).keys() & set(work_ids)
    chosen = {w: fit.strengths[w] for w in strengths} if fit else {}
    done = round(sum(s.comparisons for s in chosen.values()) / 2)
    if len(chosen) < 2:
        return Readout(len(work_ids), len(chosen), done, None, None)
    theta = np.array([s.theta for s in chosen.values()])
    se = np.array([s.se for s in chosen.values()])
    # The maths module's scale-separation reliability, restricted to this pool's works.
    reliability = _reliability(theta, se)
    sub = Fit(strengths=chosen, reliability=reliability, iterations=0)
    more = comparisons_until_stable(sub, n_works=len(work_ids), done=done, target=STABLE_AT)
    return Readout(len(work_ids), len(chosen), done, reliability, more)


@dataclass(frozen=True)
class RankedWork:
    """One row of the pairwise ranking."""

    work: Work
    theta: float
    se: float
    comparisons: int

    @property
    def low(self) -> float:
        """Return the lower end of the 95 % interval."""
        return self.theta - Z95 * self.se

    @property
    def high(self) -> float:
        """Return the upper end of the 95 % interval."""
        return self.theta + Z95 * self.se


def listed_condition(pool: PairPool):
    """Works a pool's ranking lists: those in the pool, and those judged in it since decided."""
    judged_here = exists().where(
        Comparison.pool == pool,
        or_(Comparison.left_id == Work.id, Comparison.right_id == Work.id),
    )
    return (Work.status != WorkStatus.WITHDRAWN) & (Work.status.in_(pool.statuses) | judged_here)


def _ranked(pool: PairPool):
    """Return the pool's listed works joined to their stored strengths (compared at least once)."""
    return (
        select(Work, PairwiseStrength)
        .join(PairwiseStrength, PairwiseStrength.work_id == Work.id)
        .where(listed_condition(pool), PairwiseStrength.comparisons > 0)
    )


def ranking_rows(*, pool: PairPool, limit: int | None = None) -> list[RankedWork]:
    """Return the pool's works with a stored strength, strongest first."""
    statement = _ranked(pool).order_by(PairwiseStrength.theta.desc(), Work.id).limit(limit)
    return [
        RankedWork(work=w, theta=s.theta, se=s.se, comparisons=s.comparisons)
        for w, s in db.session.execute(statement)
    ]


def listed_counts(pool: PairPool) -> tuple[int, int]:
    """Return how many works the pool's ranking lists, and how many of them have a strength."""
    listed = select(func.count()).select_from(Work).where(listed_condition(pool))
    ranked = select(func.count()).select_from(_ranked(pool).subquery())
    return db.session.scalar(listed), db.session.scalar(ranked)
