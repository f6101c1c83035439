"""Forms for logging in, accepting an invite, the account page and the admin pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from gallery.accounts.operations import LOGIN_PATTERN, normalise_login
from gallery.accounts.passwords import MAX_LENGTH, password_problem, problem_message
from gallery.models.accounts import Role

ROLE_CHOICES = [
    SelectChoice(Role.CURATOR.value, _l("Curator: votes on works")),
    SelectChoice(Role.PRINTER.value, _l("Printer: exports print sheets")),
    SelectChoice(Role.ADMIN.value, _l("Admin: manages accounts and sees contacts artists shared")),
]


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    """Login and password."""

    login = StringField(
        _l("Login"),
        validators=[InputRequired(), Length(max=64)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class NewPasswordFields:
    """A new password typed twice, checked against the policy."""

    new_password = PasswordField(
        _l("New password"),
        validators=[InputRequired()],
        description=_l("At least 8 characters. A few unrelated words make a good password."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[InputRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )

    def login_for_policy(self) -> str:
        """Return the login the password must not resemble."""
        return ""

    def validate_new_password(self, field) -> None:
        """Refuse short, common and guessable passwords with a helpful message."""
        problem = password_problem(field.data or "", login=self.login_for_policy())
        if problem:
            raise ValidationError(problem_message(problem))


class AcceptInviteForm(NewPasswordFields, FlaskForm):
    """Choose a login and a password for the invited account."""

    login = StringField(
        _l("Login"),
        filters=[normalise_login],
        validators=[InputRequired(), Length(min=3, max=64)],
        description=_l("3 to 64 lowercase letters, digits, dots, dashes or underscores."),
        render_kw={"autocomplete": "username"},
    )

    def validate_login(self, field) -> None:
        """Accept only the characters logins are made of."""
        if not LOGIN_PATTERN.match(field.data or ""):
            raise ValidationError(_l("Use lowercase letters, digits, dots, dashes or underscores."))

    def login_for_policy(self) -> str:
        """The password must not resemble the login being chosen."""
        return self.login.data or ""


class ChangePasswordForm(NewPasswordFields, FlaskForm):
    """The current password and a new one."""

    current = PasswordField(
        _l("Current password"),
        validators=[InputRequired()],
        render_kw={"autocomplete": "current-password"},
    )

    def __init__(self, *args, user_login: str = "", **kwargs) -> None:
        """Remember the account's login for the policy check."""
        super().__init__(*args, **kwargs)
        self._user_login = user_login

    def login_for_policy(self) -> str:
        """The password must not resemble the account's login."""
        return self._user_login


class BlindModeForm(FlaskForm):
    """The curator's choice to hide credits while voting."""

    blind_mode = BooleanField(_l("Hide artists' names while I curate (blind mode)"))


class RolesForm(FlaskForm):
    """Roles granted to an invite or an account."""

    roles = MultiCheckboxField(_l("Roles"), choices=ROLE_CHOICES)
    decider = BooleanField(_l("May take decisions (curators)"))

    def validate_roles(self, field) -> None:
        """An account without any role could do nothing."""
        if not field.data:
            raise ValidationError(_l("Please choose at least one role."))


class ActiveForm(FlaskForm):
    """Enable or disable an account (a button that carries CSRF)."""

    active = HiddenField()


class ConfirmForm(FlaskForm):
    """An empty form, so that POST-only buttons carry a CSRF token."""
