"""What every curation view and template shares: the acting curator, the grid's filters
carried from page to page, and the labels and permission checks templates use."""

from __future__ import annotations

from flask import request, url_for
from flask_login import current_user

from gallery.curation.forms import ACTION_LABELS, STATUS_LABELS
from gallery.curation.presenters import cards_html
from gallery.curation.queries import GalleryQuery
from gallery.models import User
from gallery.permissions import can_admin, can_moderate, can_vote


def me() -> User:
    """Return the logged-in user object itself (domain functions take no proxies)."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


def gallery_query() -> GalleryQuery:
    """Read the grid's filters and sort from the query string."""
    return GalleryQuery.from_args(request.args)


def work_url(work_id: int, query: GalleryQuery, **extra) -> str:
    """Return a work page address that keeps the grid's filters (for ←/→ and going back)."""
    return url_for("curation.work", work_id=work_id, **query.args(page=1), **extra)


def curation_context() -> dict:
    """Labels and permission checks every curation template uses."""
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    return {
        "status_labels": STATUS_LABELS,
        "action_labels": ACTION_LABELS,
        "may_moderate": can_moderate(user),
        "may_admin": can_admin(user),
        "may_vote": lambda work: can_vote(user, work),
        "cards_html": cards_html,
    }
