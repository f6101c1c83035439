"""How public pages show licences, credits and admin-written text."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import url_for
from flask_babel import format_decimal, get_locale, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from gallery.i18n import decimal
from gallery.models import Licence
from gallery.printing.engine.layouts import PAPER_SIZES

LICENCE_NAMES = {
    Licence.CAMPAIGN: _l("Campaign use only"),
    Licence.CC_BY: _l("Creative Commons Attribution 4.0 (CC BY 4.0)"),
    Licence.CC_BY_NC: _l("Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC 4.0)"),
    Licence.CC_BY_SA: _l("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)"),
    Licence.CC0: _l("Public domain dedication (CC0 1.0)"),
}

# The human-readable deeds; plain navigation links, never loaded by our pages.
_DEEDS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}
# Deed translations Creative Commons publishes for our languages.
_DEED_LANGUAGES = {"ru"}

_BLANK_LINES = re.compile(r"\n[ \t]*\n+")


def licence_name(licence: Licence) -> str:
    """Return the licence's name in the visitor's language."""
    return str(LICENCE_NAMES.get(Licence(licence), licence))


def licence_url(licence: Licence) -> str | None:
    """Return the Creative Commons deed for ``licence`` (in the visitor's language), or None."""
    deed = _DEEDS.get(Licence(licence))
    if deed is None:
        return None
    language = str(get_locale() or "")
    return f"{deed}deed.{language}" if language in _DEED_LANGUAGES else deed


def has_artist_page(credit: str) -> bool:
    """Tell whether pages link ``credit`` to an artist page (anonymous works have none).

    Credits made only of dots get no page: "." and ".." would still be dot segments.
    """
    return bool(credit and credit.strip("."))


def artist_url(credit: str) -> str | None:
    """Return the artist page of ``credit``, or None when it has none (``has_artist_page``).

    The credit becomes one percent-encoded path segment (see ``gallery.public.urls``), so the
    address never resolves outside ``/artists/``.
    """
    if not has_artist_page(credit):
        return None
    return url_for("public.artist", credit=credit)


def paragraphs(text: str) -> Markup:
    """Render plain text as escaped paragraphs with line breaks; nothing becomes a link."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return Markup("")
    blocks = [block.strip() for block in _BLANK_LINES.split(text) if block.strip()]
    rendered = [
        Markup("<p>{}</p>").format(
            Markup("<br>\n").join(escape(line) for line in block.split("\n"))
        )
        for block in blocks
    ]
    return Markup("\n").join(rendered)


def _web_address(url: str) -> str | None:
    """Return ``url`` stripped if it is an http(s) address (never javascript: etc.)."""
    url = (url or "").strip()
    return url if url.lower().startswith(("https://", "http://")) else None


def _is_onion(url: str) -> bool:
    """Tell whether ``url`` leads to an onion service."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return host.rstrip(".").endswith(".onion")


def credit_link(url: str) -> str | None:
    """Return the artist's own link if it is an ordinary web address, never an onion one."""
    url = _web_address(url)
    return url if url and not _is_onion(url) else None


def credit_onion(url: str) -> str | None:
    """Return the artist's own onion address, shown as text and never as a link.

    Outside Tor Browser, following an onion link fails, and the lookup it starts can tell an
    observer what the visitor was after (SecureDrop's advice for landing pages).
    """
    url = _web_address(url)
    return url if url and _is_onion(url) else None


def link_label(url: str) -> str:
    """Return the host of a link, shown instead of a long address."""
    rest = url.split("://", 1)[-1]
    return rest.split("/", 1)[0].split("?", 1)[0] or url


def image_height(width: int, height: int, shown_width: int) -> int:
    """Return the height of a derivative ``shown_width`` pixels wide (for width/height attrs)."""
    return max(1, round(height * shown_width / width)) if width else shown_width


def paper_label(width_mm: float | None, height_mm: float | None) -> str:
    """Return the paper a pack needs, e.g. "A4 (210 × 297 mm)", from its measured page size."""
    if not width_mm or not height_mm:
        return ""
    size = gettext("%(w)s × %(h)s mm", w=decimal(width_mm), h=decimal(height_mm))
    for name, (w, h) in PAPER_SIZES.items():
        short, long = sorted((width_mm, height_mm))
        if abs(min(w, h) - short) < 1 and abs(max(w, h) - long) < 1:
            return f"{name} ({size})"
    return size


def file_size(size: int | None) -> str:
    """Return a file size in MB (or kB) with the visitor's decimal separator."""
    if not size:
        return ""
    if size < 1024 * 1024:
        return gettext("%(size)s kB", size=format_decimal(max(1, round(size / 1024))))
    return gettext("%(size)s MB", size=format_decimal(size / (1024 * 1024), format="#,##0.0"))
