"""The ``require`` decorator: anonymous visitors go to the login page, the wrong role gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from gallery.redirects import safe_next


def login_redirect():
    """Send the visitor to the login page, remembering the local page they wanted."""
    # Only a GET is worth coming back to: a POST's form data is gone after logging in.
    wanted = None
    if request.method == "GET":
        wanted = request.full_path if request.query_string else request.path
    return redirect(url_for("accounts.login", next=safe_next(wanted)))


def require(check: Callable[..., bool]) -> Callable:
    """Decorate a view so it runs only when ``check(current_user)`` holds.

    Checks that also need the object (``can_vote(user, work)``) are called in the view
    after loading it; ``require`` guards the role part with a one-argument check.
    """

    def decorator(view: Callable) -> Callable:
        """Wrap ``view`` with the login and permission gate."""

        @wraps(view)
        def wrapped(*args, **kwargs):
            """Redirect anonymous visitors, refuse the wrong role, else run the view."""
            if not current_user.is_authenticated:
                return login_redirect()
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def require_login(view: Callable) -> Callable:
    """Decorate a view that any logged-in staff member may use (e.g. their own account)."""
    return require(lambda user: bool(user.is_active))(view)
