"""Which answers a shared cache (the operator's reverse proxy) may keep, and for how long.

An anonymous visitor's public page or image is the same for everyone who sends the same
language choice, so any cache may keep it for ``PUBLIC_CACHE_SECONDS`` (ten minutes at most):
a flood of visitors then reaches the proxy rather than the app, and a work that stops being
public (withdrawn, deleted, consent taken back) is gone from every such cache within that
time. Views opt in with ``shared_cache``. Anything personal is never shared: a request that
carries a cookie other than the language choice (staff and artists have a session), an answer
that sets a cookie or changed the session, an error, a form post.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, Response, current_app, request, session

from gallery.i18n import LANGUAGE_COOKIE

#: The longest a shared cache may keep a public answer: a withdrawn work must leave caches soon.
MAX_PUBLIC_CACHE_SECONDS = 600
_MARK = "shared_cache"
# Pages and the feed are in the visitor's language: a cache keeps one copy per choice.
_VARIES = ("Cookie", "Accept-Language")
_LANGUAGE_DEPENDENT = {"text/html", "application/atom+xml"}

View = TypeVar("View", bound=Callable)


def shared_cache(view: View) -> View:
    """Mark a public view: its anonymous answers may be kept by any cache for a short time."""
    setattr(view, _MARK, True)
    return view


def public_cache_seconds() -> int:
    """Return how long caches may keep a public answer (the setting, within 0 to 600)."""
    seconds = int(current_app.config["PUBLIC_CACHE_SECONDS"])
    return max(0, min(seconds, MAX_PUBLIC_CACHE_SECONDS))


def register_caching(app: Flask) -> None:
    """Mark anonymous public answers cacheable by anyone, and personal answers private."""

    @app.after_request
    def cache_control(response: Response) -> Response:
        """Set ``Cache-Control`` (and ``Vary``) from the view's mark and the request."""
        view = app.view_functions.get(request.endpoint or "")
        seconds = public_cache_seconds()
        if getattr(view, _MARK, False) and seconds and _anonymous(response):
            response.headers["Cache-Control"] = f"public, max-age={seconds}"
            if response.mimetype in _LANGUAGE_DEPENDENT:
                response.vary.update(_VARIES)
        elif _personal(response):
            response.headers.setdefault("Cache-Control", "private")
        return response


def _anonymous(response: Response) -> bool:
    """Tell whether this is a plain successful read by a visitor nobody could tell apart."""
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not _personal(response)
    )


def _personal(response: Response) -> bool:
    """Tell whether the request or the answer carries anything of one person (a session)."""
    cookies = set(request.cookies) - {LANGUAGE_COOKIE}
    # The session cookie is set after this hook runs: a changed session means one will be.
    return bool(cookies) or session.modified or "Set-Cookie" in response.headers
