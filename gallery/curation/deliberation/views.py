"""Deliberation on the work page: comments (post, edit, delete) and conflicts of interest."""

from __future__ import annotations

from flask import abort, flash, redirect
from flask_babel import gettext as _
from flask_babel import ngettext

from gallery.accounts.access import require
from gallery.curation.context import gallery_query, me, work_url
from gallery.curation.deliberation.comments import (
    add_comment,
    check_may_edit,
    delete_comment,
    edit_comment,
)
from gallery.curation.deliberation.conflicts import declare_conflict, withdraw_conflict
from gallery.curation.deliberation.forms import CommentForm
from gallery.curation.forms import ButtonForm
from gallery.curation.work_views import render_work
from gallery.extensions import db
from gallery.models import Comment, Work
from gallery.permissions import can_curate


def _back(work_id: int, anchor: str):
    """Return to the work page (keeping the grid's filters) at ``anchor``."""
    return redirect(work_url(work_id, gallery_query(), _anchor=anchor), code=303)


@require(can_curate)
def post_comment(work_id: int):
    """Add the curator's comment to the work's thread."""
    work = db.get_or_404(Work, work_id)
    form = CommentForm()
    if not form.validate_on_submit():
        # The page comes back with the text typed and what is wrong with it.
        return render_work(work, comment_form=form), 400
    comment = add_comment(user=me(), work=work, body=form.body.data)
    flash(_("Your comment is posted."), "success")
    return _back(work.id, f"comment-{comment.id}")


@require(can_curate)
def change_comment(comment_id: int):
    """Replace the text of the curator's own comment."""
    comment = db.get_or_404(Comment, comment_id)
    check_may_edit(comment=comment, by=me())
    form = CommentForm()
    if not form.validate_on_submit():
        return render_work(comment.work, editing=(comment.id, form)), 400
    edit_comment(comment=comment, by=me(), body=form.body.data)
    flash(_("Your comment is saved."), "success")
    return _back(comment.work_id, f"comment-{comment.id}")


@require(can_curate)
def remove_comment(comment_id: int):
    """Delete the curator's own comment."""
    comment = db.get_or_404(Comment, comment_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    work_id = comment.work_id
    delete_comment(comment=comment, by=me())
    flash(_("Your comment is deleted."), "success")
    return _back(work_id, "discussion")


@require(can_curate)
def declare(work_id: int):
    """Declare a conflict of interest with the work's entry: one button, no extra page."""
    work = db.get_or_404(Work, work_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    declared = declare_conflict(user=me(), work=work)
    flash(
        _("Conflict of interest declared: this entry's works are no longer given to you."),
        "success",
    )
    if declared.votes:
        removed = ngettext(
            "Your %(num)d vote on it was removed.",
            "Your %(num)d votes on it were removed.",
            declared.votes,
        )
        flash(removed, "success")
    if declared.comparisons:
        removed = ngettext(
            "Your %(num)d pairwise answer on it was removed.",
            "Your %(num)d pairwise answers on it were removed.",
            declared.comparisons,
        )
        flash(removed, "success")
    return _back(work.id, "conflict")


@require(can_curate)
def withdraw(work_id: int):
    """Withdraw the curator's declared conflict with the work's entry."""
    work = db.get_or_404(Work, work_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if withdraw_conflict(user=me(), work=work):
        flash(
            _("Your declaration is withdrawn: you may judge this entry's works again."), "success"
        )
    return _back(work.id, "conflict")
