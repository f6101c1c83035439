"""Pairwise curation pages: "which is more eye-catching?", and the ranking it produces."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from gallery.accounts.access import require
from gallery.curation.context import me
from gallery.curation.operations import decide_many
from gallery.curation.pairwise.fit import (
    STABLE_AT,
    Readout,
    current_fit,
    listed_counts,
    pool_size,
    pool_work_ids,
    ranking_rows,
    readout,
    stored_fit,
    strengths_stale,
)
from gallery.curation.pairwise.forms import POOL_LABELS, AnswerForm, SelectForm, pool_from
from gallery.curation.pairwise.operations import (
    PairRefused,
    answer_pair,
    hand_out,
    refresh_strengths,
)
from gallery.errors import flash_refusal
from gallery.extensions import db
from gallery.models import DecisionAction, PairReservation, Work
from gallery.permissions import can_curate, can_moderate
from gallery.transaction import short_write

# Rows the ranking shows unless asked for all (the shortlist is usually shorter).
RANKING_ROWS = 200


def stopping_text(result: Readout) -> str:
    """Say how far the ranking is from stable, in the curator's language."""
    target = format_decimal(STABLE_AT)
    if result.more is None:
        return _("Too few comparisons to tell when the ranking will be stable.")
    if result.more == 0:
        return _("The ranking is stable (reliability %(target)s reached).", target=target)
    return ngettext(
        "About %(num)d more comparison until the ranking is stable at %(target)s.",
        "About %(num)d more comparisons until the ranking is stable at %(target)s.",
        result.more,
        target=target,
    )


def reliability_text(result: Readout) -> str:
    """Show the pool's reliability as the estimate it is."""
    if result.reliability is None:
        return ""
    value = format_decimal(round(result.reliability, 2))
    return _("Reliability (estimate): %(value)s", value=value)


def _side(work: Work) -> dict:
    """Describe one side of a pair for the page and for pairwise.js: the image only (blind)."""
    base = url_for("curation.image", work_id=work.id, width=0).removesuffix("0.webp")
    return {
        "id": work.id,
        "src": f"{base}{work.widths[0]}.webp",
        "srcset": ", ".join(f"{base}{w}.webp {w}w" for w in work.widths),
        "alt": work.title or _("Untitled"),
    }


def present_pairs(held: list[PairReservation]) -> list[dict]:
    """Turn held reservations into what the page and the script show, in queue order."""
    ids = {work_id for r in held for work_id in r.sides}
    works = {w.id: w for w in db.session.scalars(select(Work).where(Work.id.in_(ids)))}
    pairs = []
    for reservation in held:
        left, right = (works[i] for i in reservation.sides)
        pairs.append({"key": f"{left.id}-{right.id}", "left": _side(left), "right": _side(right)})
    return pairs


def progress(pool) -> dict:
    """Return the stopping rule and reliability lines for the pairs page."""
    result = readout(stored_fit(), pool_work_ids(pool))
    return {"stopping": stopping_text(result), "reliability": reliability_text(result)}


def wants_json() -> bool:
    """Tell whether the caller is pairwise.js (fetch) rather than a plain form post."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


@require(can_curate)
def pairs():
    """Show the next pair to compare (and keep the following one ready)."""
    pool = pool_from(request.args)
    user = me()
    # Curators ask for pairs at the same moment: the reservation is written at once.
    with short_write():
        held = hand_out(user=user, pool=pool)
    queue = present_pairs(held)
    return render_template(
        "curation/pairs.html",
        pool=pool,
        pool_labels=POOL_LABELS,
        pair=queue[0] if queue else None,
        queue=queue,
        # Fewer than two works: the pool is empty, not judged through.
        pool_size=pool_size(pool) if not queue else None,
        form=AnswerForm(),
        progress=progress(pool),
    )


@require(can_curate)
def answer():
    """Record which work won (or a tie or a skip) and move on to the next pair."""
    pool = pool_from(request.args)
    form = AnswerForm()
    if not form.validate_on_submit():
        abort(400)
    left = db.get_or_404(Work, form.left.data)
    right = db.get_or_404(Work, form.right.data)
    try:
        held = answer_pair(user=me(), left=left, right=right, outcome=form.outcome(), pool=pool)
    except PairRefused as refused:
        if wants_json():
            raise
        flash_refusal(refused)
        return redirect(url_for("curation.pairs", pool=pool.value), code=303)
    if wants_json():
        return jsonify(pairs=present_pairs(held), progress=progress(pool))
    # Without JavaScript the next pair is a new page: the message says the answer was kept
    # and takes focus there, as a script's announcement would.
    flash(_("Answer saved."), "success")
    return redirect(url_for("curation.pairs", pool=pool.value), code=303)


@require(can_curate)
def pairs_ranking():
    """Rank the pool's works by fitted strength, with intervals, reliability and ticks."""
    pool = pool_from(request.args)
    may_select = can_moderate(me())
    if strengths_stale():
        # As on the pairs page: the refit writes in a transaction of its own.
        with short_write():
            refresh_strengths()
    show_all = request.args.get("all") == "1"
    rows = ranking_rows(pool=pool, limit=None if show_all else RANKING_ROWS)
    top = max(0, min(request.args.get("top", 0, type=int) or 0, len(rows)))
    _key, fit = current_fit()
    result = readout(fit, pool_work_ids(pool))
    listed, ranked = listed_counts(pool)
    return render_template(
        "curation/pairs_ranking.html",
        pool=pool,
        pool_labels=POOL_LABELS,
        rows=rows,
        top=top,
        show_all=show_all,
        listed=listed,
        ranked=ranked,
        stopping=stopping_text(result),
        reliability=reliability_text(result),
        form=SelectForm() if may_select else None,
    )


@require(can_moderate)
def pairs_select():
    """Mark the ticked ranked works "selected for print"; list the ones refused and why."""
    pool = pool_from(request.args)
    form = SelectForm()
    if not form.validate_on_submit():
        abort(400)
    back = redirect(url_for("curation.pairs_ranking", pool=pool.value), code=303)
    if not form.works.data:
        flash(_("Please tick at least one work."), "error")
        return back
    works = db.session.scalars(
        select(Work)
        .where(Work.id.in_(form.works.data))
        .options(selectinload(Work.entry))
        .order_by(Work.id)
    ).all()
    outcome = decide_many(works=works, action=DecisionAction.SELECTED, by=me())
    done = len(outcome.decided) + len(outcome.unchanged)
    if done:
        flash(
            ngettext("%(num)d work selected for print.", "%(num)d works selected for print.", done),
            "success",
        )
    for work, reason in outcome.refused:
        label = work.title or _("work %(id)s", id=work.id)
        flash(_("Not changed: %(work)s — %(reason)s", work=label, reason=reason), "error")
    return back
