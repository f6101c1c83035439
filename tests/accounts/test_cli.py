"""The ``user`` command group: the only way to make the first account."""

from __future__ import annotations

from sqlalchemy import select

from gallery.accounts.passwords import verify_password
from gallery.extensions import db
from gallery.models import User
from tests.accounts.conftest import client_with_cookie, is_anonymous, session_cookie
from tests.conftest import log_in
from tests.factories import make_staff

GOOD = "ink and paper travel far"


def stored_user(app, login: str) -> User | None:
    """Return the account with ``login`` straight from the database."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.login == login))
        if user is not None:
            db.session.expunge(user)
        return user


def test_create_reads_the_password_from_stdin_and_stores_only_a_hash(app, runner):
    """Piped input: one line is the password; roles repeat; the login is kept lowercase."""
    result = runner.invoke(
        args=["user", "create", "Maria", "--role", "curator", "--role", "printer", "--decider"],
        input=GOOD + "\n",
    )
    assert result.exit_code == 0, result.output
    user = stored_user(app, "maria")
    assert user is not None
    assert user.roles == "curator,printer"
    assert user.decider and user.active and user.blind_mode
    assert GOOD not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, GOOD)


def test_no_account_exists_until_one_is_created(app, runner):
    """There is no default account to guess."""
    result = runner.invoke(args=["user", "list"])
    assert result.exit_code == 0
    assert result.output == ""


def test_create_refuses_short_and_common_passwords_and_the_login_itself(app, runner):
    """Length, the common list (any case, with digits added) and the login are refused."""
    for password in ["short", "password123", "Qwerty123!", "iloveyou2024", "maria.k99"]:
        result = runner.invoke(
            args=["user", "create", "maria.k", "--role", "curator"], input=password + "\n"
        )
        assert result.exit_code != 0, password
        assert stored_user(app, "maria.k") is None


def test_create_refuses_a_duplicate_login_in_any_case(app, runner):
    """Logins are unique ignoring case."""
    first = runner.invoke(args=["user", "create", "ann", "--role", "admin"], input=GOOD + "\n")
    assert first.exit_code == 0
    again = runner.invoke(args=["user", "create", "ANN", "--role", "curator"], input=GOOD + "\n")
    assert again.exit_code != 0
    assert "taken" in again.output
    assert stored_user(app, "ann").roles == "admin"


def test_create_refuses_an_unknown_role(app, runner):
    """Only admin, curator and printer exist."""
    result = runner.invoke(args=["user", "create", "bob", "--role", "boss"], input=GOOD + "\n")
    assert result.exit_code != 0
    assert stored_user(app, "bob") is None


def test_list_prints_id_login_roles_active_tab_separated(app, runner):
    """One line per account, oldest first."""
    runner.invoke(args=["user", "create", "ann", "--role", "admin"], input=GOOD + "\n")
    runner.invoke(
        args=["user", "create", "bob", "--role", "printer", "--role", "curator"], input=GOOD + "\n"
    )
    runner.invoke(args=["user", "disable", "bob"])
    result = runner.invoke(args=["user", "list"])
    assert result.output.splitlines() == ["1\tann\tadmin\tyes", "2\tbob\tcurator,printer\tno"]


def test_disable_ends_the_running_session(app, runner, client):
    """A disabled account is logged out at once, even with a copied cookie."""
    staff = make_staff(app, "curator")
    log_in(client, staff)
    stolen = session_cookie(client)
    result = runner.invoke(args=["user", "disable", staff.login])
    assert result.exit_code == 0
    assert is_anonymous(client)
    assert is_anonymous(client_with_cookie(app, stolen))


def test_disable_of_an_unknown_login_fails(app, runner):
    """A typo is reported, not ignored."""
    result = runner.invoke(args=["user", "disable", "nobody"])
    assert result.exit_code != 0


def test_password_command_sets_a_new_password_and_ends_sessions(app, runner, client):
    """The operator's way to help someone who forgot their password."""
    staff = make_staff(app, "printer")
    log_in(client, staff)
    result = runner.invoke(args=["user", "password", staff.login], input=GOOD + "\n")
    assert result.exit_code == 0, result.output
    assert is_anonymous(client)
    assert verify_password(stored_user(app, staff.login).password_hash, GOOD)


def test_at_a_terminal_the_password_is_asked_twice_and_must_match(app, runner, monkeypatch):
    """Typed passwords are hidden and confirmed, so a typo cannot lock the operator out."""
    monkeypatch.setattr("gallery.accounts.cli._interactive", lambda: True)
    result = runner.invoke(
        args=["user", "create", "ann", "--role", "admin"],
        input=f"{GOOD}\n{GOOD} typo\n{GOOD}\n{GOOD}\n",
    )
    assert result.exit_code == 0, result.output
    assert GOOD not in result.output
    assert verify_password(stored_user(app, "ann").password_hash, GOOD)
