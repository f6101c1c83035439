"""Helpers available in every template."""

from __future__ import annotations

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale

from gallery.i18n import LANGUAGE_NAMES


def register_template_globals(app: Flask) -> None:
    """Make the language list and current language available to templates."""

    app.jinja_env.filters["localdate"] = format_date
    app.jinja_env.filters["localdatetime"] = format_datetime

    @app.context_processor
    def language_context() -> dict:
        """Languages for the switcher and the ``lang`` attribute of pages."""
        return {
            "languages": [
                (code, LANGUAGE_NAMES.get(code, code)) for code in app.config["LANGUAGES"]
            ],
            "current_language": str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"]),
        }
