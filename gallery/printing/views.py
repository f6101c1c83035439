"""The print page: choose works, layout and options, see a true-size preview, start the PDF."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from gallery.accounts.access import require
from gallery.extensions import db
from gallery.jobs import start_job
from gallery.models import Work
from gallery.permissions import can_print, can_print_work
from gallery.printing import choices as print_choices
from gallery.printing import operations
from gallery.storage.serving import send_stored

PREVIEW_MAX_AGE = 3600  # derivatives never change under the same key


def choice_helpers() -> dict:
    """Let the print templates repeat the current choices in links and hidden fields."""
    return {
        "hidden_pairs": print_choices.hidden_pairs,
        "query_string": print_choices.query_string,
    }


def _page(choices: print_choices.Choices, status: int = 200):
    """Render the print page for ``choices``."""
    html = render_template(
        "printing/index.html",
        c=choices,
        svgs=print_choices.preview_svgs(choices),
        exports=operations.recent_exports(limit=5),
    )
    return html, status


@require(can_print)
def index():
    """Show the print page; a GET with choices updates the preview (works without JS)."""
    return _page(print_choices.read_choices(request.args or None))


@require(can_print)
def preview():
    """Return the preview part of the page for the current choices (refreshed by print.js)."""
    choices = print_choices.read_choices(request.args or None)
    return render_template(
        "printing/_preview.html", c=choices, svgs=print_choices.preview_svgs(choices)
    )


@require(can_print)
def preview_svg():
    """Return one sheet of the preview as a standalone true-size SVG (``sheet`` counts from 1)."""
    choices = print_choices.read_choices(request.args or None)
    svgs = print_choices.preview_svgs(choices)
    number = request.args.get("sheet", 1, type=int)
    if not 1 <= number <= len(svgs):
        abort(404)
    response = Response(svgs[number - 1], mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


@require(can_print)
def work_image(work_id: int, width: int):
    """Serve a work's WebP derivative for the preview, only for works that may be printed."""
    work = db.get_or_404(Work, work_id)
    if not can_print_work(current_user, work):
        abort(403)
    if width not in work.widths:
        abort(404)
    return send_stored(work.derivative_key(width), max_age=PREVIEW_MAX_AGE)


@require(can_print)
def create_export():
    """Check the choices, queue the PDF job and show its progress."""
    choices = print_choices.read_choices(request.form, csrf=True)
    if choices.problems or choices.options is None:
        return _page(choices, 422)
    try:
        export = operations.start_export(
            layout=choices.layout,
            items=choices.items,
            options=choices.options,
            fill=bool(choices.form.fill.data),
            by=current_user,
            language=str(get_locale() or "en"),
        )
    except operations.ExportRefused as refused:
        choices.problems += refused.messages()
        return _page(choices, 422)
    start_job("export", export.id)
    return redirect(url_for("printing.show_export", export_id=export.id), code=303)
