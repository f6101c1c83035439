"""``flask --app wsgi db …``: Flask-Migrate's commands, with Alembic loaded only when one runs.

Importing Flask-Migrate imports Alembic (with Mako and Pygments), which cost every command and
server worker a good part of its start-up; only the ``db`` commands need it. So the app offers
a stand-in ``db`` group that sets Flask-Migrate up and hands over to its real group the moment
a ``db`` command is parsed. ``flask --help`` lists it without loading anything.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from gallery.extensions import db

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")


def init_migrations(app: Flask) -> None:
    """Offer ``flask db …`` on ``app``; Flask-Migrate is set up when a ``db`` command runs."""
    app.cli.add_command(_DeferredMigrateGroup(app))


def bind_migrate(app: Flask) -> None:
    """Set Flask-Migrate up on ``app`` (once), for its commands and functions such as upgrade()."""
    from flask_migrate import Migrate

    if "migrate" not in app.extensions:
        # Also replaces the stand-in group with Flask-Migrate's own ``db`` group.
        Migrate(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)


class _DeferredMigrateGroup(click.Group):
    """Stands in for Flask-Migrate's ``db`` group until a ``db`` command is parsed."""

    def __init__(self, app: Flask) -> None:
        """Name the group as Flask-Migrate does, for ``app``."""
        super().__init__("db", help="Perform database migrations.")
        self.app = app

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        """Parse with Flask-Migrate's group: its options, subcommands and help then apply."""
        bind_migrate(self.app)
        from flask_migrate.cli import db as group

        return group.make_context(info_name, args, parent=parent, **extra)
