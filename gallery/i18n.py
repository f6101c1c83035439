"""Language choice: a remembered cookie first, then the browser's Accept-Language."""

from __future__ import annotations

from flask import current_app, request

LANGUAGE_COOKIE = "lang"

# Names shown in the switcher, each in its own language.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


def select_locale() -> str:
    """Return the language for this request."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]
