"""The curators' gallery: the grid, thumbnails, blind mode, "next to judge" and the ranking."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from gallery.accounts.access import require
from gallery.accounts.operations import set_blind_mode
from gallery.curation.context import gallery_query, me, work_url
from gallery.curation.forms import (
    RANK_LABELS,
    BlindForm,
    BulkForm,
    filter_options,
)
from gallery.curation.history import latest_release
from gallery.curation.navigation import next_to_judge
from gallery.curation.presenters import present_cards
from gallery.curation.queries import (
    PAGE_SIZE,
    Sort,
    gallery_page,
)
from gallery.curation.scores.queries import RankBy, ranking_page
from gallery.curation.shuffle import store_shuffle_keys
from gallery.extensions import db
from gallery.models import Work
from gallery.permissions import can_admin, can_curate, can_moderate
from gallery.redirects import safe_next
from gallery.storage.serving import send_stored

# Derivatives never change under a file token, so browsers may keep them for a while.
IMAGE_MAX_AGE = 3600


def _query_string(args: dict) -> str:
    """Return ``?a=1&b=2`` for ``args`` (empty without arguments)."""
    return "?" + urlencode(args) if args else ""


def _present(cards: list, language: str, *, suffix: str) -> list:
    """Return the cards' printable values, links ending with ``suffix`` (the grid's filters)."""
    return present_cards(
        cards,
        language=language,
        # One url_for per page, not four per card: the grid stays cheap at 120 cards.
        image_base=url_for("curation.image", work_id=0, width=0).removesuffix("0/0.webp"),
        work_base=url_for("curation.work", work_id=0).removesuffix("0"),
        suffix=suffix,
    )


@require(can_curate)
def gallery():
    """Show one page of the grid with the chosen filters and sort."""
    user = me()
    query = gallery_query()
    page = gallery_page(user=user, query=query, blind=user.blind_mode)
    if page.behind and query.sort == Sort.SHUFFLE:
        # Works arrived that the curator's stored shuffle lacks: a one-off cache fill.
        store_shuffle_keys(user.id)
        page = gallery_page(user=user, query=query, blind=user.blind_mode)
    language = str(get_locale())
    cards = _present(page.cards, language, suffix=_query_string(query.args(page=1)))
    return render_template(
        "curation/gallery.html",
        page=page,
        cards=cards,
        query=query,
        filter_options=filter_options(language),
        bulk=BulkForm() if can_moderate(user) else None,
        turn_blind_on=not user.blind_mode,
        release=latest_release() if can_admin(user) else None,
    )


@require(can_curate)
def image(work_id: int, width: int):
    """Serve one WebP derivative of a work to curators."""
    work = db.get_or_404(Work, work_id)
    if width not in work.widths:
        abort(404)
    return send_stored(work.derivative_key(width), max_age=IMAGE_MAX_AGE)


@require(can_curate)
def blind():
    """Switch blind mode (credits and notes hidden) and go back to the page."""
    form = BlindForm()
    if not form.validate_on_submit():
        abort(400)
    # Checked before anything changes: a refused target must not leave the switch half done.
    target = safe_next(request.args.get("next")) or url_for("curation.gallery")
    set_blind_mode(me(), blind=bool(form.blind_mode.data))
    if form.blind_mode.data:
        flash(_("Blind mode is on: credits and notes are hidden."), "success")
    else:
        flash(_("Blind mode is off: credits and notes are shown."), "success")
    return redirect(target, code=303)


@require(can_curate)
def next_work():
    """Go to the work this curator should judge next (fewest votes, none from them)."""
    work_id = next_to_judge(me())
    if work_id is None:
        flash(_("You have voted on every work that is waiting for a decision."), "success")
        return redirect(url_for("curation.gallery"))
    return redirect(work_url(work_id, gallery_query()))


@require(can_curate)
def ranking():
    """Show voted works ranked by one aggregate, each with its thumbnail, state and vote count."""
    by = request.args.get("by", RankBy.BAYESIAN.value)
    by = RankBy(by) if by in set(RankBy) else RankBy.BAYESIAN
    # The grid's filters (status, transparent, near-duplicate) and page, its sort aside.
    query = replace(gallery_query(), unvoted=False, sort=Sort.SHUFFLE)
    rows, total = ranking_page(user_id=me().id, by=by, page=query.page, query=query)
    language = str(get_locale())
    cards = _present([row.card for row in rows], language, suffix="")
    return render_template(
        "curation/ranking.html",
        rows=list(zip(cards, rows, strict=True)),
        total=total,
        by=by,
        query=query,
        filters=query.args(page=1),
        filter_options=filter_options(language),
        rank_labels=RANK_LABELS,
        page_size=PAGE_SIZE,
    )
