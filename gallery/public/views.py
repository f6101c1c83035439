"""Public views anyone may see without an account: the gallery, works, artists, images."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from gallery.i18n import LANGUAGE_COOKIE
from gallery.public import display
from gallery.public.queries import find_public_work, gallery_page, works_by_credit
from gallery.public.urls import register_converters
from gallery.redirects import safe_next
from gallery.serving import send_stored

bp = Blueprint("public", __name__)
# Before the routes below are added to the app: the artist route needs the converter.
bp.record_once(lambda state: register_converters(state.app))

# Browsers may keep an image this long; "private" in send_stored keeps shared caches out, so
# a revoked consent is honoured by the site at once and by a visitor's cache within the hour.
IMAGE_MAX_AGE = 3600

bp.add_app_template_global(display.licence_name, "licence_name")
bp.add_app_template_global(display.licence_url, "licence_url")
bp.add_app_template_global(display.artist_url, "artist_url")
bp.add_app_template_global(display.credit_link, "credit_link")
bp.add_app_template_global(display.link_label, "link_label")
bp.add_app_template_global(display.image_height, "image_height")
bp.add_app_template_global(display.paper_label, "paper_label")
bp.add_app_template_global(display.file_size, "file_size")
bp.add_app_template_filter(display.paragraphs, "paragraphs")


@bp.route("/")
def index():
    """Show the public gallery of published works, newest first, with the call to submit."""
    page = request.args.get("page", 1, type=int)
    works = gallery_page(page=page)
    if page != works.page:
        abort(404)
    return render_template("public/index.html", works=works)


@bp.route("/works/<int:work_id>")
def work(work_id: int):
    """Show one published work large, with its credit and the artist's other works."""
    shown = find_public_work(work_id)
    if shown is None:
        abort(404)
    others = works_by_credit(shown.entry.credit, exclude=work_id, limit=12)
    return render_template("public/work.html", shown=shown, others=others)


@bp.route("/artists/<credit:credit>")
def artist(credit: str):
    """List every published work credited exactly to ``credit``."""
    works = works_by_credit(credit)
    if not works:
        abort(404)
    return render_template("public/artist.html", credit=credit, works=works)


@bp.route("/works/<int:work_id>/<int:width>.webp")
def work_image(work_id: int, width: int):
    """Serve a WebP derivative of a public work (never the original upload)."""
    shown = find_public_work(work_id)
    if shown is None or width not in shown.work.widths:
        abort(404)
    return send_stored(shown.work.derivative_key(width), max_age=IMAGE_MAX_AGE)


@bp.route("/language/<code>")
def set_language(code: str):
    """Remember the chosen language in a cookie and go back to the page the visitor was on."""
    target = safe_next(request.args.get("next")) or url_for("public.index")
    response = redirect(target, code=303)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response
