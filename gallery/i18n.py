"""Language choice: a remembered cookie first, then the browser's Accept-Language.

Adding a language takes a catalog in ``gallery/translations/<code>`` and the code in the
``LANGUAGES`` setting (``GALLERY_LANGUAGES='["en", "ru", "uk"]'``); see the README.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers
from flask import current_app, has_request_context, request
from flask_babel import format_decimal

LANGUAGE_COOKIE = "lang"


@cache
def language_name(code: str) -> str:
    """Return the name of language ``code`` in that language ("Русский"), or the code itself."""
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (TypeError, ValueError, UnknownLocaleError):
        return code
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


class _LanguageNames(Mapping[str, str]):
    """Names shown in the switcher, each in its own language, for any code Babel knows."""

    def __getitem__(self, code: str) -> str:
        """Return the language's own name; KeyError for a code Babel does not know."""
        name = language_name(code)
        if name == code:
            raise KeyError(code)
        return name

    def __iter__(self) -> Iterator[str]:
        """Iterate over every locale code Babel has data for."""
        return iter(locale_identifiers())

    def __len__(self) -> int:
        """Return how many locale codes Babel has data for."""
        return len(locale_identifiers())


LANGUAGE_NAMES: Mapping[str, str] = _LanguageNames()


def select_locale() -> str:
    """Return the language for this request (the default one outside a request)."""
    languages = list(current_app.config["LANGUAGES"])
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def decimal(value: float | int | None, digits: int = 1) -> str:
    """Return ``value`` rounded to ``digits`` places as the reader writes numbers.

    The decimal separator is the language's (33,9 in Russian, German, French and Spanish;
    33.9 in English) and a whole number has no fraction (90, not 90.0).
    """
    if value is None or value == "":
        return ""
    pattern = "#,##0." + "#" * digits if digits > 0 else "#,##0"
    return format_decimal(round(float(value), digits), format=pattern)
