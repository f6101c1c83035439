"""The jury's progress page for curators and admins."""

from __future__ import annotations

from flask import render_template, request

from gallery.accounts.access import require
from gallery.curation.deliberation.coverage import (
    PAGE_SIZE,
    coverage,
    min_votes,
    works_short_of_votes,
)
from gallery.permissions import can_curate


@require(can_curate)
def jury_progress():
    """Show works short of votes, votes per work, comparisons and each curator's counts."""
    wanted = min_votes()
    show_all = request.args.get("all") == "1"
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 100_000))
    rows, listed = works_short_of_votes(min_votes=None if show_all else wanted, page=page)
    return render_template(
        "curation/coverage.html",
        coverage=coverage(min_votes=wanted),
        rows=rows,
        listed=listed,
        show_all=show_all,
        page=page,
        page_size=PAGE_SIZE,
    )
