"""One error page per HTTP status, in the visitor's language; a 500 rolls back first."""

from __future__ import annotations

import logging
from typing import NoReturn

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from gallery.extensions import db
from gallery.refusals import Refused

log = logging.getLogger(__name__)


def error_message(code: int) -> str:
    """Return the explanation shown for ``code``."""
    messages = {
        400: _("The request could not be understood. Please go back and try again."),
        403: _("You do not have permission to do this."),
        404: _("This page does not exist, or it is no longer available."),
        405: _("This address does not accept that kind of request."),
        413: _("The upload is too large. Please send fewer or smaller images."),
        429: _("Too many attempts in a short time. Please wait a while and try again."),
        500: _("Something went wrong on our side. Nothing was saved; please try again."),
        503: _("The site is busy right now. Please try again in a moment."),
    }
    return messages.get(code, _("The request could not be completed."))


def refuse(message: str, code: int = 400) -> NoReturn:
    """Stop the request with a 4xx whose page explains ``message`` (already translated)."""
    error = default_exceptions[code](description=message)
    # Only descriptions marked this way reach the page: werkzeug's own are English and technical.
    error.user_facing = True  # type: ignore[attr-defined]
    raise error


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on ``app``."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        """A form without a valid token: usually an expired page."""
        message = _("This form has expired. Please reload the page and send it again.")
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(Refused)
    def refused(error: Refused):
        """The rules said no: show why, in the reader's language, with the refusal's status."""
        db.session.rollback()
        messages = error.messages()
        if request.accept_mimetypes.best == "application/json":
            return jsonify({"error": " ".join(messages), "reasons": messages}), error.status
        page = render_template("errors/error.html", code=error.status, messages=messages)
        return page, error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        """Render the standard page for a 4xx/5xx raised by a view."""
        code = error.code or 500
        if code >= 500:
            db.session.rollback()
        message = error_message(code)
        if code < 500 and error.description and getattr(error, "user_facing", False):
            message = error.description
        response = render_template("errors/error.html", code=code, message=message)
        return response, code, error.get_headers() if code in (405, 429) else {}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        """Log, roll back, and show a calm page (never a stack trace)."""
        db.session.rollback()
        if _is_locked(error):
            return render_template("errors/error.html", code=503, message=error_message(503)), 503
        log.exception("unhandled error on %s", request.path)
        return (
            render_template("errors/error.html", code=500, message=error_message(500)),
            InternalServerError.code,
        )


def _is_locked(error: Exception) -> bool:
    """Tell whether SQLite gave up waiting for a write lock."""
    return "database is locked" in str(error)
