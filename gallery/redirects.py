"""Where a ``next=`` parameter may send a visitor: only to a page of this site.

Every view that redirects to an address taken from the request asks ``safe_next`` first (the
login page, the language switcher, blind mode). Browsers are forgiving in ways that turn a
harmless-looking local path into another site: they drop tabs and line breaks anywhere in a
URL (``/\\t/evil.example`` becomes ``//evil.example``), trim spaces and control characters at
its ends, and read ``\\`` as ``/``. Python's ``urlsplit`` drops tabs and line breaks too, so
such targets are refused before any parsing, rather than cleaned up and trusted.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask_babel import lazy_gettext as _l

from gallery.refusals import Refused

# Unicode categories of characters a redirect target has no business holding: controls
# (C0, DEL, C1) and every kind of space or line and paragraph separator.
_ODD_CATEGORIES = {"Cc", "Zs", "Zl", "Zp"}


def _odd(char: str) -> bool:
    """Tell whether ``char`` is a control character or whitespace of any kind."""
    return char.isspace() or unicodedata.category(char) in _ODD_CATEGORIES


def _plain_local_path(text: str) -> bool:
    """Tell whether ``text`` starts with exactly one slash and holds nothing a browser bends."""
    if "\\" in text or any(_odd(char) for char in text):
        return False
    return text.startswith("/") and not text.startswith("//")


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if a browser following it stays on this site, else None.

    A line break (CR or LF) is refused with a 400: it could only come from a crafted link, and
    in a ``Location`` header it would split the response. Any other control character,
    whitespace or backslash, a scheme, a host, or a path not starting with exactly one ``/``
    gives None, so the caller falls back to its own default page. The path is checked once
    more percent-decoded, so a proxy or server that decodes it cannot find another site there.
    """
    if not target:
        return None
    if "\r" in target or "\n" in target:
        raise Refused(
            _l("This link is broken: the page it should lead back to is not a valid address."),
            status=400,
        )
    if not _plain_local_path(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not _plain_local_path(unquote(parts.path)):
        return None
    return target
