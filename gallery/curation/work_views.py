"""One work for curators: the large image, its real size, votes and everything to decide on it."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from gallery.accounts.access import require
from gallery.curation.context import gallery_query, me, work_url
from gallery.curation.deliberation.comments import MAX_LENGTH, Visibility, thread, visibility
from gallery.curation.deliberation.conflicts import conflicts_on, has_conflict
from gallery.curation.deliberation.forms import CommentForm
from gallery.curation.duplicates import open_pairs
from gallery.curation.forms import (
    ButtonForm,
    ConfirmForm,
    DecideForm,
    MergeForm,
    VoteForm,
)
from gallery.curation.history import decision_log, work_log
from gallery.curation.navigation import neighbours, next_to_judge
from gallery.curation.operations import cast_vote, possible_actions, retract_vote
from gallery.curation.scores.queries import work_scores
from gallery.extensions import db
from gallery.intake import print_width_mm
from gallery.models import Work
from gallery.permissions import can_curate, can_moderate, can_vote

# Real sticker sizes shown on screen (CSS millimetres).
REAL_SIZES_MM = (50, 75)


@require(can_curate)
def work(work_id: int):
    """Show one work: image, real size, print suitability, votes, discussion, decisions."""
    return render_work(db.get_or_404(Work, work_id))


def render_work(work: Work, *, comment_form=None, editing=None):
    """Render the work page; a refused comment form comes back with its text and errors.

    ``editing``: (comment id, form) of a comment edit that was refused, shown open.
    """
    user = me()
    query = gallery_query()
    previous_id, next_id = neighbours(user=user, query=query, work_id=work.id)
    sharp_mm = print_width_mm(work.width, current_app.config["PRINT_DPI"])
    scores = work_scores(work_id=work.id, user_id=user.id)
    conflicted = has_conflict(user, work)
    seen = visibility(
        user=user, work=work, voted=scores.my_score is not None, conflicted=conflicted
    )
    comments = thread(work)
    shown = comments if seen is Visibility.SHOWN else []
    decisions = decision_log(work)
    return render_template(
        "curation/work.html",
        work=work,
        query=query,
        previous_url=work_url(previous_id, query) if previous_id else None,
        next_url=work_url(next_id, query) if next_id else None,
        scores=scores,
        blind_mode=user.blind_mode,
        sharp_mm=sharp_mm,
        real_sizes=[(mm, work.is_vector or mm <= sharp_mm) for mm in REAL_SIZES_MM],
        siblings=[w for w in work.entry.works if w.id != work.id],
        pairs=open_pairs(work),
        decisions=decisions,
        log=work_log(decisions, shown),
        comments=shown,
        hidden_comments=len(comments) - len(shown),
        discussion=seen,
        comment_form=comment_form or CommentForm(formdata=None),
        comment_max=MAX_LENGTH,
        editing=editing or (None, None),
        conflicted=conflicted,
        conflicts=conflicts_on(work) if can_moderate(user) else [],
        vote_form=VoteForm(),
        decide_form=DecideForm(),
        actions=possible_actions(work),
        merge_form=MergeForm(),
        confirm_form=ConfirmForm(),
        entry_confirm_form=ConfirmForm(prefix="entry"),
        button=ButtonForm(),
        turn_blind_on=not user.blind_mode,
    )


@require(can_curate)
def vote(work_id: int):
    """Record the curator's score; then stay, or go to the next work to judge."""
    work = db.get_or_404(Work, work_id)
    user = me()
    if not can_vote(user, work):
        abort(403)
    query = gallery_query()
    form = VoteForm()
    if not form.validate_on_submit():
        flash(_("Please choose a score from 1 to 5."), "error")
        return redirect(work_url(work.id, query), code=303)
    cast_vote(user=user, work=work, score=form.score.data)
    if not form.advance.data:
        flash(_("Your score %(score)s is saved.", score=form.score.data), "success")
        return redirect(work_url(work.id, query), code=303)
    following = next_to_judge(user)
    if following is None:
        flash(_("Saved. You have voted on every work that is waiting for a decision."), "success")
        return redirect(url_for("curation.gallery", **query.args()), code=303)
    # Said on the next work's page, where it takes focus: the vote was kept, this one is new.
    flash(
        _("Your score %(score)s is saved. Here is the next work to judge.", score=form.score.data),
        "success",
    )
    return redirect(work_url(following, query), code=303)


@require(can_curate)
def retract(work_id: int):
    """Take back the curator's vote on a work."""
    work = db.get_or_404(Work, work_id)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    if retract_vote(user=me(), work=work):
        flash(_("Your vote is taken back."), "success")
    return redirect(work_url(work.id, gallery_query()), code=303)
