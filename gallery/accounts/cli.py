"""Operator commands: ``flask --app wsgi user create|list|disable|enable|password``.

There is no default account: the first admin is made here. Output is tab-separated for scripts.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from gallery.accounts.operations import (
    AccountError,
    WeakPasswordError,
    create_user,
    find_user,
    list_users,
    set_active,
    set_password,
)
from gallery.extensions import db
from gallery.models.accounts import Role
from gallery.refusals import Refused

user_cli = AppGroup("user", help="Create, list and disable staff accounts.")

ROLE_NAMES = [role.value for role in Role]


def _interactive() -> bool:
    """Tell whether a person types at a terminal (else the password is piped in)."""
    return sys.stdin.isatty()


def read_password() -> str:
    """Read the password: one line from piped input, or typed twice at a terminal."""
    if not _interactive():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _terminal_message(refused: Refused) -> str:
    """Explain a refusal in the site's default language (no visitor here)."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return str(refused)


def _load(login: str):
    """Return the account with ``login`` or stop with an error."""
    user = find_user(login)
    if user is None:
        raise click.ClickException("no such account")
    return user


@user_cli.command("create")
@click.argument("login")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(ROLE_NAMES),
    help="Repeatable.",
)
@click.option("--decider", is_flag=True, help="A curator who may take decisions.")
def create(login: str, roles: tuple[str, ...], decider: bool) -> None:
    """Create an account; the password comes from standard input or a prompt."""
    password = read_password()
    try:
        user = create_user(login=login, password=password, roles=roles, decider=decider)
    except AccountError as refused:
        raise click.ClickException(_terminal_message(refused)) from refused
    db.session.commit()
    click.echo(f"created\t{user.id}\t{user.login}\t{user.roles}")


@user_cli.command("list")
def list_() -> None:
    """Print one line per account: id, login, roles, active (yes/no), tab separated."""
    for user in list_users():
        click.echo(f"{user.id}\t{user.login}\t{user.roles}\t{'yes' if user.active else 'no'}")


@user_cli.command("disable")
@click.argument("login")
def disable(login: str) -> None:
    """Disable an account and end all its sessions at once."""
    user = _load(login)
    set_active(user, False, by=None)
    db.session.commit()
    click.echo(f"disabled\t{user.id}\t{user.login}")


@user_cli.command("enable")
@click.argument("login")
def enable(login: str) -> None:
    """Enable a disabled account again (and lift a login lock-out)."""
    user = _load(login)
    set_active(user, True, by=None)
    db.session.commit()
    click.echo(f"enabled\t{user.id}\t{user.login}")


@user_cli.command("password")
@click.argument("login")
def password(login: str) -> None:
    """Set a new password for an account (for a forgotten one); its sessions end."""
    user = _load(login)
    try:
        set_password(user, password=read_password())
    except WeakPasswordError as refused:
        raise click.ClickException(_terminal_message(refused)) from refused
    db.session.commit()
    click.echo(f"password set\t{user.id}\t{user.login}")


commands = (user_cli,)
