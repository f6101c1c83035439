"""Response headers that keep visitors private and stored files inert."""

from __future__ import annotations

from flask import Flask, Response

# Everything is served by the app itself: no CDN, no external fonts, no third parties.
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
FILE_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"


def register_security_headers(app: Flask) -> None:
    """Add privacy and hardening headers to every response."""

    @app.after_request
    def add_headers(response: Response) -> Response:
        """Set CSP, referrer and sniffing policies unless a view chose stricter ones."""
        response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response
