"""Helpers available in every template."""

from __future__ import annotations

from flask import Flask, has_request_context, request, url_for
from flask_babel import format_date, format_datetime, get_locale, get_translations
from jinja2 import is_undefined
from werkzeug.routing import BuildError

from gallery.focus import error_id, field_aria, form_errors, take_focus
from gallery.i18n import LANGUAGE_NAMES, decimal


def register_template_globals(app: Flask) -> None:
    """Make the language list and current language available to templates."""

    app.jinja_env.filters["localdate"] = format_date
    app.jinja_env.filters["localdatetime"] = format_datetime
    app.jinja_env.filters["decimal"] = decimal_filter
    app.jinja_env.globals["current_path"] = current_path
    for helper in (error_id, field_aria, form_errors, take_focus):
        app.jinja_env.globals[helper.__name__] = helper
    install_template_gettext(app)

    @app.context_processor
    def language_context() -> dict:
        """Languages for the switcher and the ``lang`` attribute of pages."""
        return {
            "languages": [
                (code, LANGUAGE_NAMES.get(code, code)) for code in app.config["LANGUAGES"]
            ],
            "current_language": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
        }

    @app.context_processor
    def site_context() -> dict:
        """Where "Submit artwork" leads, and whether the page is for a static copy of the site.

        The static mirror (``gallery.public.mirror``) renders the same templates with
        ``static_copy`` true; its links lead to the live site's form, or nowhere (None).
        """
        submit = url_for("submissions.submit") if has_request_context() else None
        return {"static_copy": False, "submit_url": submit}


def decimal_filter(value: object, digits: int = 1) -> str:
    """``decimal`` for templates: a value the template does not have shows as nothing."""
    return "" if is_undefined(value) else decimal(value, digits)  # type: ignore[arg-type]


def current_path() -> str:
    """Return the current page's address as the app builds it, for "come back here" links.

    ``request.full_path`` holds the path decoded: an artist page for the credit ``../x``
    would come back as ``/artists/../x``, which browsers resolve elsewhere. Rebuilding the
    address from the route encodes such values again.
    """
    if request.endpoint is None or request.url_rule is None:
        return request.full_path
    # Names starting with "_" steer url_for itself (_external, _scheme): never from visitors.
    args = {k: v for k, v in request.args.to_dict(flat=False).items() if not k.startswith("_")}
    try:
        return url_for(request.endpoint, **{**args, **(request.view_args or {})})
    except BuildError:
        return request.full_path


def install_template_gettext(app: Flask) -> None:
    """Give templates gettext functions that find the page language's catalog cheaply.

    Flask-Babel's own template functions look the catalog up anew for every string, through
    several request-context lookups; a page prints twenty to thirty strings, and those lookups
    were most of their cost. Here the catalog is remembered per language, for this app: a
    catalog never changes while the app runs (Flask-Babel keeps it for the process too), and
    the language is still asked of Flask-Babel for every string, so ``force_locale`` and a
    per-request language work as before.
    """
    catalogs: dict = {}

    def catalog():
        """Return the catalog of the current language."""
        locale = get_locale()
        found = catalogs.get(locale)
        if found is None:
            found = catalogs[locale] = get_translations()
        return found

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalog().ugettext(s),
        ngettext=lambda s, p, n: catalog().ungettext(s, p, n),
        pgettext=lambda c, s: catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalog().unpgettext(c, s, p, n),
        newstyle=True,
    )
