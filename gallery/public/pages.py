"""The call for works: a public page per language, and the admin's editor for it."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from gallery.accounts.access import require
from gallery.caching import shared_cache
from gallery.i18n import LANGUAGE_NAMES
from gallery.permissions import can_edit_pages
from gallery.public.content import CALL, find_page, save_page, shown_page
from gallery.public.forms import PageForm


@shared_cache
def call():
    """Show the call for works in the visitor's language (the built-in text if none is set)."""
    page = shown_page(CALL, str(get_locale()))
    return render_template("public/call.html", page=page)


@require(can_edit_pages)
def edit_call():
    """Let an admin write the call for works in one language (chosen with ``?language=``)."""
    languages = current_app.config["LANGUAGES"]
    language = request.args.get("language") or str(get_locale())
    if language not in languages:
        abort(404)
    page = find_page(CALL, language)
    form = PageForm(obj=page)
    if form.validate_on_submit():
        save_page(
            slug=CALL,
            language=language,
            title=form.title.data,
            body=form.body.data,
            by=current_user,
        )
        flash(_("The call for works is saved."), "success")
        return redirect(url_for("pages.edit_call", language=language), code=303)
    return render_template(
        "admin/call.html",
        form=form,
        page=page,
        language=language,
        language_names=[(code, LANGUAGE_NAMES.get(code, code)) for code in languages],
    )
