"""Public views anyone may see without an account: the gallery, works, artists, images."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for

from gallery.caching import public_cache_seconds, shared_cache
from gallery.i18n import LANGUAGE_COOKIE
from gallery.public.queries import (
    MORE_BY_ARTIST,
    find_public_work,
    gallery_page,
    works_by_credit,
)
from gallery.redirects import safe_next
from gallery.storage.serving import send_stored


@shared_cache
def index():
    """Show the public gallery of published works, newest first, with the call to submit."""
    page = request.args.get("page", 1, type=int)
    works = gallery_page(page=page)
    if page != works.page:
        abort(404)
    return render_template("public/index.html", works=works)


@shared_cache
def work(work_id: int):
    """Show one published work large, with its credit and the artist's other works."""
    shown = find_public_work(work_id)
    if shown is None:
        abort(404)
    others = works_by_credit(shown.entry.credit, exclude=work_id, limit=MORE_BY_ARTIST)
    return render_template("public/work.html", shown=shown, others=others)


@shared_cache
def artist(credit: str):
    """List every published work credited exactly to ``credit``."""
    works = works_by_credit(credit)
    if not works:
        abort(404)
    return render_template("public/artist.html", credit=credit, works=works)


@shared_cache
def work_image(work_id: int, width: int):
    """Serve a WebP derivative of a public work (never the original upload)."""
    shown = find_public_work(work_id)
    if shown is None or width not in shown.work.widths:
        abort(404)
    # Any cache keeps it at most PUBLIC_CACHE_SECONDS (gallery.caching): a work that stops
    # being public is gone from the site at once and from caches within that time.
    return send_stored(shown.work.derivative_key(width), max_age=public_cache_seconds())


def set_language(code: str):
    """Remember the chosen language in a cookie and go back to the page the visitor was on."""
    target = safe_next(request.args.get("next")) or url_for("public.index")
    response = redirect(target, code=303)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response
