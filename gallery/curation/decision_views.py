"""Decisions: one work or many at once, releasing them to artists, duplicates and spam removal."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gallery.accounts.access import require
from gallery.curation.context import gallery_query, me, work_url
from gallery.curation.duplicates import mark_different, merge_works
from gallery.curation.forms import BulkForm, ButtonForm, ConfirmForm, DecideForm, MergeForm
from gallery.curation.operations import (
    DecisionRefused,
    decide,
    decide_many,
    release_decisions,
    remove_entry,
    remove_work,
)
from gallery.errors import flash_refusal
from gallery.extensions import db
from gallery.models import DecisionAction, DuplicatePair, Entry, Work
from gallery.permissions import can_admin, can_moderate


def _gallery_url() -> str:
    """Return the grid with the filters the curator came from."""
    return url_for("curation.gallery", **gallery_query().args())


def _work_label(work: Work) -> str:
    """Name a work in a message: its title, or its number when untitled."""
    return work.title or _("work %(id)s", id=work.id)


@require(can_moderate)
def decide_work(work_id: int):
    """Set one work's status, or say why not."""
    work = db.get_or_404(Work, work_id)
    form = DecideForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        decide(work=work, action=DecisionAction(form.status.data), by=me())
    except DecisionRefused as refused:
        flash_refusal(refused)
    else:
        flash(_("Decision saved."), "success")
    return redirect(work_url(work.id, gallery_query()), code=303)


@require(can_moderate)
def bulk():
    """Apply one decision to the ticked works; list the ones refused and why."""
    form = BulkForm()
    if not form.validate_on_submit():
        abort(400)
    if not form.works.data:
        flash(_("Please tick at least one work."), "error")
        return redirect(_gallery_url(), code=303)
    works = db.session.scalars(
        select(Work)
        .where(Work.id.in_(form.works.data))
        .options(selectinload(Work.entry))
        .order_by(Work.id)
    ).all()
    outcome = decide_many(works=works, action=DecisionAction(form.status.data), by=me())
    done = len(outcome.decided) + len(outcome.unchanged)
    if done:
        flash(ngettext("%(num)d work decided.", "%(num)d works decided.", done), "success")
    for work, reason in outcome.refused:
        flash(
            _("Not changed: %(work)s — %(reason)s", work=_work_label(work), reason=reason), "error"
        )
    return redirect(_gallery_url(), code=303)


@require(can_admin)
def release():
    """Show artists every decision taken so far, all at once."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    release_decisions(by=me())
    flash(_("Decisions are released: artists now see them through their links."), "success")
    return redirect(_gallery_url(), code=303)


@require(can_moderate)
def same_work(pair_id: int):
    """Merge two look-alikes: keep the chosen work, fold the other's votes into it."""
    pair = db.get_or_404(DuplicatePair, pair_id)
    form = MergeForm()
    if not form.validate_on_submit():
        abort(400)
    by_id = {pair.first_id: pair.first, pair.second_id: pair.second}
    keep_id = int(form.keep.data) if form.keep.data.isdigit() else None
    if keep_id not in by_id:
        abort(400)
    keep = by_id.pop(keep_id)
    (drop,) = by_id.values()
    try:
        merge_works(keep=keep, drop=drop)
    except DecisionRefused as refused:
        flash_refusal(refused)
    else:
        flash(_("Merged: the other copy is deleted and its votes moved here."), "success")
    return redirect(work_url(keep.id, gallery_query()), code=303)


@require(can_moderate)
def different_works(pair_id: int):
    """Remember that two look-alikes are different works."""
    pair = db.get_or_404(DuplicatePair, pair_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    mark_different(pair=pair, by=me())
    flash(_("Noted: these are different works."), "success")
    return redirect(_gallery_url(), code=303)


@require(can_moderate)
def delete_work(work_id: int):
    """Delete a work (spam or abuse) with its files, after the box is ticked."""
    work = db.get_or_404(Work, work_id)
    form = ConfirmForm()
    if not form.validate_on_submit() or not form.confirm.data:
        flash(_("Please tick the box to confirm the deletion."), "error")
        return redirect(work_url(work.id, gallery_query()), code=303)
    remove_work(work=work)
    flash(_("The work is deleted."), "success")
    return redirect(_gallery_url(), code=303)


@require(can_moderate)
def delete_entry(entry_id: int):
    """Delete a whole entry (spam or abuse): every work and file of it."""
    entry = db.get_or_404(Entry, entry_id)
    form = ConfirmForm(prefix="entry")
    if not form.validate_on_submit() or not form.confirm.data:
        flash(_("Please tick the box to confirm the deletion."), "error")
        back = entry.works[0].id if entry.works else None
        return redirect(work_url(back, gallery_query()) if back else _gallery_url(), code=303)
    remove_entry(entry=entry)
    flash(_("The entry and all its works are deleted."), "success")
    return redirect(_gallery_url(), code=303)
