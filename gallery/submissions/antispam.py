"""Spam protection without third parties: a honeypot and a signed time trap."""

from __future__ import annotations

import time

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "submit-form-started"


def _serializer() -> URLSafeSerializer:
    """Return the signer bound to the app's secret key."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def issue_started_token(now: float | None = None) -> str:
    """Return a signed timestamp for a freshly shown form."""
    return _serializer().dumps(round(now if now is not None else time.time(), 3))


class TimeTrapError(Exception):
    """The form came back too fast (a bot) or too late (a stale page)."""

    def __init__(self, reason: str) -> None:
        """Remember why: ``too_fast``, ``too_old`` or ``tampered``."""
        super().__init__(reason)
        self.reason = reason


def check_started_token(token: str | None, now: float | None = None) -> None:
    """Raise ``TimeTrapError`` unless the form was shown long enough ago, and not too long."""
    try:
        started = float(_serializer().loads(token or ""))
    except (BadSignature, TypeError, ValueError) as exc:
        raise TimeTrapError("tampered") from exc
    elapsed = (now if now is not None else time.time()) - started
    if elapsed < current_app.config["SUBMIT_MIN_SECONDS"]:
        raise TimeTrapError("too_fast")
    if elapsed > current_app.config["SUBMIT_MAX_SECONDS"]:
        raise TimeTrapError("too_old")
