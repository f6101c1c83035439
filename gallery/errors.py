"""Where errors and refusals become what a person sees, in their language.

A refusal (``gallery.refusals.Refused``) a view does not catch becomes an error page with its
status, or JSON for a client that asks for it; a view that prefers to show the refusal on the
page it came from hands it to ``flash_refusal``. Every error answer rolls the request's work
back first, so nothing half done is committed after it (see ``database.commit_requests``).
"""

from __future__ import annotations

import logging

from flask import Flask, flash, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from gallery.refusals import Refused
from gallery.transaction import roll_back_request

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


def flash_refusal(refused: Refused) -> None:
    """Show a refusal's reasons on the next page, as error messages.

    What the refused operation had written goes, as when a refusal ends the request: a view
    that shows it on its own page still commits once after it returns.
    """
    roll_back_request()
    for message in refused.messages():
        flash(message, "error")


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on ``app``."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        """A form without a valid token: usually an expired page."""
        roll_back_request()
        message = _("This form has expired. Please reload the page and send it again.")
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(Refused)
    def refused(error: Refused):
        """The rules said no: show why, in the reader's language, with the refusal's status."""
        roll_back_request()
        messages = error.messages()
        if request.accept_mimetypes.best == "application/json":
            return jsonify({"error": " ".join(messages), "reasons": messages}), error.status
        page = render_template("errors/error.html", code=error.status, messages=messages)
        return page, error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        """Render the standard page for a 4xx/5xx raised by a view."""
        roll_back_request()
        code = error.code or 500
        message = error_message(code)
        response = render_template("errors/error.html", code=code, message=message)
        return response, code, error.get_headers() if code in (405, 429) else {}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        """Log, roll back, and show a calm page (never a stack trace)."""
        roll_back_request()
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
