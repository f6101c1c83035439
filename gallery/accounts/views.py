"""Staff sign-in: log in and out, accept an invite, and the account page."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from gallery.accounts import staff_links
from gallery.accounts.access import require_login
from gallery.accounts.forms import AcceptInviteForm, BlindModeForm, ChangePasswordForm, LoginForm
from gallery.accounts.operations import (
    InviteInvalidError,
    LoginTakenError,
    WeakPasswordError,
    authenticate,
    change_password,
    end_sessions,
    find_invite,
    set_blind_mode,
)
from gallery.accounts.operations import accept_invite as redeem_invite
from gallery.accounts.passwords import problem_message
from gallery.extensions import limiter
from gallery.models.accounts import User
from gallery.redirects import safe_next


def _login_limit() -> str:
    """Return the operator's rate limit for login attempts from one client."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def _private(html: str, code: int = 200):
    """Pages with passwords or invite tokens must never be cached."""
    return html, code, {"Cache-Control": "no-store"}


def start_session(user: User) -> None:
    """Begin a fresh session for ``user``: nothing from before the login survives."""
    session.clear()
    login_user(user, remember=False, fresh=True)


def landing_page(user: User) -> str:
    """Return where a staff member goes after logging in: their main work page."""
    return staff_links(user)[0][1]


@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Show the login form; on POST check the password and start a new session."""
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or landing_page(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(login=form.login.data, password=form.password.data)
        # A failure is committed too (the view returns normally): it counts towards the lock-out.
        if user is not None:
            start_session(user)
            return redirect(target or landing_page(user), code=303)
        form.password.errors.append(
            _(
                "The login or the password is not right, or the account is paused after too"
                " many attempts. Please check them; after several tries, wait %(minutes)s"
                " minutes before trying again.",
                minutes=current_app.config["LOGIN_LOCK_MINUTES"],
            )
        )
    code = 401 if form.is_submitted() else 200
    return _private(render_template("accounts/login.html", form=form), code)


@require_login
def logout():
    """End the session here and on the server, so a copied cookie stops working too."""
    end_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("public.index"), code=303)


@limiter.limit(_login_limit, methods=["POST"])
def accept_invite(token: str):
    """Let an invited person choose a login and a password; the link then stops working."""
    invite = find_invite(token)
    if invite is None:
        abort(404)
    form = AcceptInviteForm()
    if form.validate_on_submit():
        try:
            user = redeem_invite(
                token=token, login=form.login.data, password=form.new_password.data
            )
        except LoginTakenError as taken:
            form.login.errors.extend(taken.messages())
        except InviteInvalidError:
            abort(404)
        else:
            start_session(user)
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(landing_page(user), code=303)
    code = 422 if form.is_submitted() else 200
    html = render_template("accounts/invite.html", form=form, invite=invite, token=token)
    return _private(html, code)


def _account_page(password_form=None, blind_form=None, code: int = 200):
    """Render the account page with both forms."""
    user = current_user
    html = render_template(
        "accounts/account.html",
        password_form=password_form or ChangePasswordForm(user_login=user.login),
        blind_form=blind_form or BlindModeForm(blind_mode=user.blind_mode),
    )
    return _private(html, code)


@require_login
def account():
    """Show the account page: password change and curation settings."""
    return _account_page()


@require_login
def password():
    """Change the password; every other session of the account ends."""
    user = current_user._get_current_object()
    form = ChangePasswordForm(user_login=user.login)
    if form.validate_on_submit():
        try:
            changed = change_password(user, current=form.current.data, new=form.new_password.data)
        except WeakPasswordError as error:
            form.new_password.errors.append(problem_message(error.problem))
        else:
            if changed:
                start_session(user)
                flash(_("Your password is changed. Other devices were logged out."), "success")
                return redirect(url_for("accounts.account"), code=303)
            form.current.errors.append(_("The current password is not right."))
    return _account_page(password_form=form, code=422)


@require_login
def blind_mode():
    """Switch blind mode (credits hidden while curating) on or off."""
    form = BlindModeForm()
    if not form.validate_on_submit():
        abort(400)
    set_blind_mode(current_user, blind=form.blind_mode.data)
    flash(_("Your setting is saved."), "success")
    return redirect(url_for("accounts.account"), code=303)
