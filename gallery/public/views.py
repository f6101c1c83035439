"""Public views anyone may see without an account."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request

from gallery.i18n import LANGUAGE_COOKIE

bp = Blueprint("public", __name__)


@bp.route("/")
def index():
    """Show the home page with the call for works."""
    return render_template("public/index.html")


@bp.route("/language/<code>")
def set_language(code: str):
    """Remember the chosen language in a cookie and go back to the page the visitor was on."""
    target = request.args.get("next", "/")
    # Only local paths: never an open redirect to another host.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    response = redirect(target, code=303)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response
