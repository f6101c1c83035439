"""Every URL of the curators' pages (``/curate``) and the view that answers it."""

from __future__ import annotations

from flask import Blueprint

from gallery.curation import context, decision_views, grid_views, work_views
from gallery.curation.deliberation import coverage_views
from gallery.curation.deliberation import views as deliberation_views
from gallery.curation.pairwise import views as pairwise_views

bp = Blueprint("curation", __name__, url_prefix="/curate")
bp.context_processor(context.curation_context)

# The grid, the ranking, moving on.
bp.add_url_rule("", "gallery", grid_views.gallery)
bp.add_url_rule("/works/<int:work_id>/<int:width>.webp", "image", grid_views.image)
bp.add_url_rule("/blind", "blind", grid_views.blind, methods=["POST"])
bp.add_url_rule("/next", "next_work", grid_views.next_work)
bp.add_url_rule("/ranking", "ranking", grid_views.ranking)

# One work: looking and voting.
bp.add_url_rule("/works/<int:work_id>", "work", work_views.work)
bp.add_url_rule("/works/<int:work_id>/vote", "vote", work_views.vote, methods=["POST"])
bp.add_url_rule("/works/<int:work_id>/retract", "retract", work_views.retract, methods=["POST"])

# Decisions, duplicates, removal.
bp.add_url_rule(
    "/works/<int:work_id>/decide", "decide_work", decision_views.decide_work, methods=["POST"]
)
bp.add_url_rule("/bulk", "bulk", decision_views.bulk, methods=["POST"])
bp.add_url_rule("/release", "release", decision_views.release, methods=["POST"])
bp.add_url_rule(
    "/duplicates/<int:pair_id>/same", "same_work", decision_views.same_work, methods=["POST"]
)
bp.add_url_rule(
    "/duplicates/<int:pair_id>/different",
    "different_works",
    decision_views.different_works,
    methods=["POST"],
)
bp.add_url_rule(
    "/works/<int:work_id>/delete", "delete_work", decision_views.delete_work, methods=["POST"]
)
bp.add_url_rule(
    "/entries/<int:entry_id>/delete", "delete_entry", decision_views.delete_entry, methods=["POST"]
)

# Deliberation: the discussion of a work, conflicts of interest, the jury's progress.
bp.add_url_rule(
    "/works/<int:work_id>/comments",
    "post_comment",
    deliberation_views.post_comment,
    methods=["POST"],
)
bp.add_url_rule(
    "/comments/<int:comment_id>/edit",
    "edit_comment",
    deliberation_views.change_comment,
    methods=["POST"],
)
bp.add_url_rule(
    "/comments/<int:comment_id>/delete",
    "delete_comment",
    deliberation_views.remove_comment,
    methods=["POST"],
)
bp.add_url_rule(
    "/works/<int:work_id>/conflict",
    "declare_conflict",
    deliberation_views.declare,
    methods=["POST"],
)
bp.add_url_rule(
    "/works/<int:work_id>/conflict/withdraw",
    "withdraw_conflict",
    deliberation_views.withdraw,
    methods=["POST"],
)
bp.add_url_rule("/coverage", "coverage", coverage_views.jury_progress)

# Pairwise comparison.
bp.add_url_rule("/pairs", "pairs", pairwise_views.pairs)
bp.add_url_rule("/pairs/answer", "answer", pairwise_views.answer, methods=["POST"])
bp.add_url_rule("/pairs/ranking", "pairs_ranking", pairwise_views.pairs_ranking)
bp.add_url_rule("/pairs/select", "pairs_select", pairwise_views.pairs_select, methods=["POST"])

blueprints = (bp,)
