"""Admin-written public texts: one per page slug and language. Functions flush, never commit."""

from __future__ import annotations

import logging

from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Page, User

log = logging.getLogger(__name__)

CALL = "call"


def find_page(slug: str, language: str) -> Page | None:
    """Return the stored text of ``slug`` in ``language``, if an admin wrote one."""
    return db.session.scalar(select(Page).where(Page.slug == slug, Page.language == language))


def shown_page(slug: str, language: str) -> Page | None:
    """Return the admin's text to show, or None when the built-in default should show."""
    page = find_page(slug, language)
    return None if page is None or page.is_empty else page


def save_page(*, slug: str, language: str, title: str, body: str, by: User) -> Page:
    """Store the text of ``slug`` in ``language`` (an empty body brings back the default)."""
    page = find_page(slug, language)
    if page is None:
        page = Page(slug=slug, language=language)
        db.session.add(page)
    page.title = title
    page.body = body
    db.session.flush()
    log.info("page %s/%s edited by user %s", slug, language, by.id)
    return page
