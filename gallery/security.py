"""Response headers that keep visitors private and stored files inert.

Every response: a Content-Security-Policy allowing only the site itself, no Referer, no
sniffing, no framing, no cross-origin use of our responses, and a Permissions-Policy that
denies every powerful browser feature. The artist's pages (the form, the receipt, kept
images, the claim link) and invitation links are never stored by a browser or a proxy
(``Cache-Control: no-store``): their address is the secret. With ``ONION_LOCATION`` set,
public pages tell Tor Browser where the site's onion service is.

What is deliberately not sent, though some scanners ask for it: ``X-XSS-Protection`` (the
filter it steers is gone from browsers, and its "block" mode leaked information where it
was not), ``X-Download-Options`` (Internet Explorer 8), ``Pragma`` and ``Expires`` (HTTP/1.0
caches; ``no-store`` already forbids storing, which ``no-cache``, ``must-revalidate`` and
``max-age=0`` only qualify).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask, Response, request

from gallery.templating import current_path

# Everything is served by the app itself: no CDN, no external fonts, no third parties.
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; media-src 'none'; frame-src 'none'; "
    "worker-src 'none'; manifest-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
FILE_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"

# Every policy-controlled feature a page could use to reach a device, the screen, the
# clipboard, payment or identity, or to feed advertising; none is used, so all are denied
# (``()``: not even for the site itself). Browsers ignore names they do not know.
DENIED_FEATURES = (
    "accelerometer",
    "ambient-light-sensor",
    "attribution-reporting",
    "autoplay",
    "battery",
    "bluetooth",
    "browsing-topics",
    "camera",
    "captured-surface-control",
    "clipboard-read",
    "clipboard-write",
    "compute-pressure",
    "cross-origin-isolated",
    "deferred-fetch",
    "display-capture",
    "document-domain",
    "encrypted-media",
    "fullscreen",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "identity-credentials-get",
    "idle-detection",
    "interest-cohort",
    "join-ad-interest-group",
    "keyboard-map",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "otp-credentials",
    "payment",
    "picture-in-picture",
    "private-state-token-issuance",
    "private-state-token-redemption",
    "publickey-credentials-create",
    "publickey-credentials-get",
    "run-ad-auction",
    "screen-wake-lock",
    "serial",
    "smart-card",
    "speaker-selection",
    "storage-access",
    "sync-xhr",
    "usb",
    "web-share",
    "window-management",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)

# Addresses that hold a secret or belong to one artist: the submission form and its
# receipt, images kept from a refused form, the claim link, and staff invitations.
_PRIVATE_PATH = re.compile(r"^/(?:submit(?:/|$)|claim/|invite/)")
# A v3 onion service address (56 base32 characters), with an optional port.
_ONION_ORIGIN = re.compile(r"^https?://[a-z2-7]{56}\.onion(?::\d{1,5})?$")

PUBLIC_PAGE = "_gallery_public_page"


def public_page(view: Callable) -> Callable:
    """Mark ``view`` as a public page: one that may name the onion service (Onion-Location)."""
    setattr(view, PUBLIC_PAGE, True)
    return view


def is_private_path(path: str) -> bool:
    """Tell whether ``path`` is one of the artist's pages or another secret link."""
    return bool(_PRIVATE_PATH.match(path))


def onion_origin(value: str | None) -> str:
    """Return the ``ONION_LOCATION`` setting as an origin without a trailing slash, or "".

    Refuses anything but an http(s) origin on a v3 onion address, so a typo fails at start
    rather than sending Tor Browser users somewhere else.
    """
    origin = (value or "").strip().rstrip("/")
    if origin and not _ONION_ORIGIN.match(origin.lower()):
        raise ValueError(
            "GALLERY_ONION_LOCATION must be the onion service's address, like "
            "http://<56 letters and digits>.onion (no path)"
        )
    return origin


def register_security_headers(app: Flask) -> None:
    """Add privacy and hardening headers to every response."""
    onion = onion_origin(app.config.get("ONION_LOCATION"))
    hide_dev_server_version()

    @app.after_request
    def add_headers(response: Response) -> Response:
        """Set CSP, referrer, framing and feature policies unless a view chose stricter ones."""
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # Acrobat and other plug-ins read cross-domain policy files; there are none to read.
        response.headers.setdefault("X-Permitted-Cross-Domain-Policies", "none")
        if is_private_path(request.path):
            # Whatever the view or error page chose: refusals, 404s and images included.
            response.headers["Cache-Control"] = "no-store"
        elif onion and _is_public_page(app, response):
            response.headers["Onion-Location"] = onion + current_path()
        return response


def _is_public_page(app: Flask, response: Response) -> bool:
    """Tell whether this answer is a public page shown in full (not on the onion site itself)."""
    view = app.view_functions.get(request.endpoint or "")
    return (
        getattr(view, PUBLIC_PAGE, False)
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not request.host.split(":")[0].endswith(".onion")
    )


def hide_dev_server_version() -> None:
    """Stop the development server from naming itself and Python in a ``Server`` header.

    ``flask run`` builds its request handler itself, so no subclass can be handed to it; the
    handler's ``send_header`` is wrapped once per process instead. Production servers are
    configured on their own side (``deploy/gunicorn.conf.py``).
    """
    from werkzeug.serving import WSGIRequestHandler

    if getattr(WSGIRequestHandler, "_gallery_quiet", False):
        return
    send_header = WSGIRequestHandler.send_header

    def send_header_but_server(self, keyword: str, value: str) -> None:
        """Send every header except the server's own ``Server`` line."""
        if keyword.lower() != "server":
            send_header(self, keyword, value)

    WSGIRequestHandler.send_header = send_header_but_server  # type: ignore[method-assign]
    WSGIRequestHandler._gallery_quiet = True  # type: ignore[attr-defined]
