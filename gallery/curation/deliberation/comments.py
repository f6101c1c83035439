"""Comments on works: a short thread on the curators' work page, for staff only.

A comment is never shown on a public page, in the feed or in an export: only the curators'
work page reads ``thread``. While a curator works blind, the thread stays hidden until they
have voted on the work, as the others' scores do, so the discussion cannot sway a first
judgement; a curator who declared a conflict with the entry does not see or join it.
"""

from __future__ import annotations

import enum
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gallery.curation.deliberation.conflicts import ConflictRefused, has_conflict
from gallery.extensions import db
from gallery.models import Comment, User, Vote, Work
from gallery.models.base import utcnow
from gallery.permissions import can_vote
from gallery.refusals import Refused
from gallery.submissions.text import clean_block

log = logging.getLogger(__name__)

# Long enough for an argued opinion, short enough to stay a discussion, not an essay.
MAX_LENGTH = 2000


class CommentRefused(Refused):
    """A comment that cannot be posted, changed or deleted."""


class Visibility(enum.StrEnum):
    """Whether a curator sees a work's thread, and if not, why."""

    SHOWN = "shown"
    VOTE_FIRST = "vote-first"
    CONFLICT = "conflict"


def visibility(*, user: User, work: Work, voted: bool, conflicted: bool) -> Visibility:
    """Tell whether ``user`` sees ``work``'s thread, given their vote and declared conflict."""
    if conflicted:
        return Visibility.CONFLICT
    # Like the scores: blind curators judge first, then read what the others think. Staff
    # who cannot vote on the work (admins, a withdrawn work) have no judgement to protect.
    if user.blind_mode and not voted and can_vote(user, work):
        return Visibility.VOTE_FIRST
    return Visibility.SHOWN


def visibility_of(*, user: User, work: Work) -> Visibility:
    """Return ``visibility`` for ``user`` and ``work``, looking up their vote and conflict."""
    mine = select(Vote.id).where(Vote.user_id == user.id, Vote.work_id == work.id)
    voted = db.session.scalar(mine) is not None
    return visibility(user=user, work=work, voted=voted, conflicted=has_conflict(user, work))


def thread(work: Work) -> list[Comment]:
    """Return ``work``'s comments, oldest first, with their authors."""
    statement = (
        select(Comment)
        .where(Comment.work_id == work.id)
        .options(selectinload(Comment.author))
        .order_by(Comment.id)
    )
    return list(db.session.scalars(statement))


def _clean(body: str) -> str:
    """Return the text as stored (as artists' notes are: no control or bidi-override
    characters, one kind of line break, no blank margins); refuse an empty or long one."""
    text = clean_block(body)
    if not text or len(text) > MAX_LENGTH:
        raise CommentRefused(
            _l("A comment is 1 to %(max)d characters long.", max=MAX_LENGTH), status=400
        )
    return text


def add_comment(*, user: User, work: Work, body: str) -> Comment:
    """Post ``user``'s comment on ``work``, if they may read its thread."""
    seen = visibility_of(user=user, work=work)
    if seen is Visibility.CONFLICT:
        raise ConflictRefused(
            _l("You declared a conflict of interest with this entry: you do not discuss it.")
        )
    if seen is Visibility.VOTE_FIRST:
        raise CommentRefused(
            _l("Vote first: in blind mode the discussion opens once you have voted."), status=409
        )
    comment = Comment(work_id=work.id, user_id=user.id, body=_clean(body))
    db.session.add(comment)
    db.session.flush()
    log.info("comment %s on work %s", comment.id, work.id)
    return comment


def _refuse_unless_author(comment: Comment, by: User) -> None:
    """Only the author changes or deletes a comment."""
    if comment.user_id != by.id:
        raise CommentRefused(_l("Only its author can change or delete a comment."), status=403)


def check_may_edit(*, comment: Comment, by: User) -> None:
    """Refuse unless ``by`` wrote ``comment`` and still takes part in its work's discussion."""
    _refuse_unless_author(comment, by)
    if visibility_of(user=by, work=comment.work) is Visibility.CONFLICT:
        raise ConflictRefused(
            _l("You declared a conflict of interest with this entry: you do not discuss it.")
        )


def edit_comment(*, comment: Comment, by: User, body: str) -> None:
    """Replace the text of ``by``'s own comment, marking it edited."""
    check_may_edit(comment=comment, by=by)
    text = _clean(body)
    if text != comment.body:
        comment.body, comment.edited_at = text, utcnow()
        db.session.flush()


def delete_comment(*, comment: Comment, by: User) -> None:
    """Delete ``by``'s own comment."""
    _refuse_unless_author(comment, by)
    db.session.delete(comment)
    db.session.flush()
