"""Domain operations of curation: votes, decisions, releases, removal. They flush, never commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from gallery.curation.deliberation.conflicts import has_conflict, refuse_if_conflicted
from gallery.database import dialect_insert
from gallery.extensions import db
from gallery.lifecycle.deletion import delete_entry, delete_works
from gallery.models import (
    Decision,
    DecisionAction,
    DecisionSource,
    DeletionReason,
    Entry,
    Release,
    User,
    Vote,
    Work,
    WorkStatus,
)
from gallery.models.submissions import utcnow
from gallery.permissions import can_decide
from gallery.refusals import Refused

log = logging.getLogger(__name__)

SCORES = range(1, 6)
# Every decision curators take ("new" and "withdrawn" belong to the intake and the artist).
DECISIONS = tuple(DecisionAction)


class VoteRefused(Refused):
    """A vote that cannot be cast."""


class DecisionRefused(Refused):
    """A decision the rules forbid."""


@dataclass
class BulkOutcome:
    """What a bulk decision did: decided, already so, and refused with reasons."""

    decided: list[Work] = field(default_factory=list)
    unchanged: list[Work] = field(default_factory=list)
    refused: list[tuple[Work, str]] = field(default_factory=list)


def _upsert(values: dict):
    """Return INSERT … ON CONFLICT (user, work) DO UPDATE for the session's database."""
    statement = dialect_insert(Vote)
    if statement is None:
        return None
    statement = statement.values(**values)
    return statement.on_conflict_do_update(
        index_elements=[Vote.user_id, Vote.work_id],
        set_={"score": statement.excluded.score, "updated_at": statement.excluded.updated_at},
    )


def cast_vote(*, user: User, work: Work, score: int) -> None:
    """Record ``user``'s score for ``work``, replacing an earlier one; safe against races."""
    if score not in SCORES:
        raise ValueError("a score is 1 to 5")
    if work.status == WorkStatus.WITHDRAWN:
        raise VoteRefused(_l("The artist withdrew this work, so it can no longer be voted on."))
    refuse_if_conflicted(user, [work])
    now = utcnow()
    values = {"user_id": user.id, "work_id": work.id, "score": score}
    statement = _upsert({**values, "created_at": now, "updated_at": now})
    if statement is not None:
        # One statement: the database settles two simultaneous votes, never two rows.
        db.session.execute(statement)
        return
    try:
        with db.session.begin_nested():
            db.session.add(Vote(**values))
    except IntegrityError:
        db.session.execute(
            Vote.__table__.update()
            .where(Vote.user_id == user.id, Vote.work_id == work.id)
            .values(score=score, updated_at=now)
        )


def retract_vote(*, user: User, work: Work) -> bool:
    """Remove ``user``'s vote on ``work``; tell whether there was one."""
    result = db.session.execute(
        delete(Vote).where(Vote.user_id == user.id, Vote.work_id == work.id)
    )
    return bool(result.rowcount)


def decision_refusal(*, work: Work, action: DecisionAction, by: User | None):
    """Return why ``by`` may not take ``action`` on ``work`` (None when allowed)."""
    if work.status == WorkStatus.WITHDRAWN:
        return _l("The artist withdrew this work; it cannot be changed.")
    if by is not None and not can_decide(by, work):
        return _l("You do not have the right to decide on works.")
    if by is not None and has_conflict(by, work):
        return _l(
            "You declared a conflict of interest with this entry: others decide on its works."
        )
    if action == DecisionAction.PUBLISHED and not work.entry.consent_publish:
        return _l("The artist did not allow publishing on the website.")
    if action == DecisionAction.SELECTED and not work.entry.consent_print:
        return _l("The artist did not allow printing as stickers.")
    return None


def decision_outcome(work: Work, action: DecisionAction) -> tuple[WorkStatus, bool, bool]:
    """Return the (status, published, selected) ``action`` leaves ``work`` in.

    Publishing and selecting for print are separate decisions: either makes the work
    accepted, and taking back the last one returns it to the shortlist. Shortlisting or
    declining takes both back.
    """
    if action in (DecisionAction.SHORTLISTED, DecisionAction.DECLINED):
        return WorkStatus(action.value), False, False
    published = {DecisionAction.PUBLISHED: True, DecisionAction.UNPUBLISHED: False}.get(
        action, work.published
    )
    selected = {DecisionAction.SELECTED: True, DecisionAction.UNSELECTED: False}.get(
        action, work.selected
    )
    if published or selected:
        return WorkStatus.ACCEPTED, published, selected
    if work.status == WorkStatus.ACCEPTED:
        return WorkStatus.SHORTLISTED, False, False
    return work.status, False, False


def possible_actions(work: Work) -> list[DecisionAction]:
    """Return the decisions that would change ``work`` (none once the artist withdrew it)."""
    if work.status == WorkStatus.WITHDRAWN:
        return []
    now = (work.status, work.published, work.selected)
    return [action for action in DECISIONS if decision_outcome(work, action) != now]


def decide(*, work: Work, action: DecisionAction, by: User | None) -> Decision | None:
    """Take ``action`` on ``work`` and log it (``by=None``: the terminal); None if already so."""
    reason = decision_refusal(work=work, action=action, by=by)
    if reason is not None:
        raise DecisionRefused(reason)
    status, published, selected = decision_outcome(work, action)
    if (status, published, selected) == (work.status, work.published, work.selected):
        return None
    decision = Decision(
        work_id=work.id,
        user_id=by.id if by is not None else None,
        source=DecisionSource.WEB if by is not None else DecisionSource.CLI,
        action=action,
        from_status=work.status,
        to_status=status,
        published=published,
        selected=selected,
    )
    work.status, work.published, work.selected = status, published, selected
    db.session.add(decision)
    db.session.flush()
    log.info("work %s: %s -> %s", work.id, action.value, work.state.value)
    return decision


def decide_many(*, works: Iterable[Work], action: DecisionAction, by: User | None) -> BulkOutcome:
    """Apply one decision to several works; refusals are collected, the others proceed."""
    outcome = BulkOutcome()
    for work in works:
        try:
            decision = decide(work=work, action=action, by=by)
        except DecisionRefused as refused:
            outcome.refused.append((work, refused.reason))
            continue
        (outcome.decided if decision else outcome.unchanged).append(work)
    return outcome


def release_decisions(*, by: User | None) -> Release:
    """Show artists every decision taken so far, in one batch."""
    last = db.session.scalar(select(func.max(Decision.id))) or 0
    release = Release(by_id=by.id if by is not None else None, last_decision_id=last)
    db.session.add(release)
    db.session.flush()
    log.info("decisions released up to %s", last)
    return release


def remove_work(*, work: Work) -> None:
    """Delete a work (spam, abuse) with everything made from it; an emptied entry goes too."""
    delete_works([work], reason=DeletionReason.MODERATION)


def remove_entry(*, entry: Entry) -> None:
    """Delete a whole entry (spam, abuse) with every work and everything made from them."""
    delete_entry(entry, reason=DeletionReason.MODERATION)
