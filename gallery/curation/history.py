"""Read side of decisions: a work's decision log and what the last release shows artists."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gallery.accounts.operations import as_utc
from gallery.extensions import db
from gallery.models import Comment, Decision, Release, Work, WorkState


@dataclass(frozen=True)
class LogLine:
    """One line of a work's log: a decision, or a comment of its discussion."""

    at: datetime
    decision: Decision | None = None
    comment: Comment | None = None


def decision_log(work: Work) -> list[Decision]:
    """Return the work's decisions, newest first."""
    return list(
        db.session.scalars(
            select(Decision)
            .where(Decision.work_id == work.id)
            .options(selectinload(Decision.user))
            .order_by(Decision.id.desc())
        )
    )


def work_log(decisions: Iterable[Decision], comments: Iterable[Comment]) -> list[LogLine]:
    """Return decisions and comments as one log, newest first (comments only as shown)."""
    lines = [LogLine(d.created_at, decision=d) for d in decisions]
    lines += [LogLine(c.created_at, comment=c) for c in comments]
    return sorted(lines, key=lambda line: as_utc(line.at), reverse=True)


def latest_release() -> Release | None:
    """Return the most recent release of decisions, if any."""
    return db.session.scalar(select(Release).order_by(Release.id.desc()).limit(1))


def released_status(work: Work, release: Release | None = None) -> WorkState | None:
    """Return the work's state as of the latest release, or None if nothing was released.

    Each decision row keeps the state it left, so the latest released row is the answer.
    """
    release = release or latest_release()
    if release is None:
        return None
    decision = db.session.scalar(
        select(Decision)
        .where(Decision.work_id == work.id, Decision.id <= release.last_decision_id)
        .order_by(Decision.id.desc())
        .limit(1)
    )
    return decision.state if decision is not None else None
