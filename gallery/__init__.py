"""Sticker gallery: collect, curate and print solidarity sticker artwork."""

from __future__ import annotations

from flask import Flask

from gallery import config, memory
from gallery.caching import register_caching
from gallery.extensions import babel, csrf, db, limiter, login_manager
from gallery.i18n import select_locale
from gallery.logging import configure_logging
from gallery.ops import register_ops
from gallery.security import register_security_headers
from gallery.storage import files


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages and commands."""
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates")
    config.load_config(app, test_config)
    # First, so every line the app logs, from building it on, is written the configured way.
    configure_logging(app)
    # Uploads and exports make big short-lived pixel buffers on every request that has them.
    memory.keep_freed_memory_for_reuse()
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_commands(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_caching(app)
    register_ops(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the shared extensions and the file store to ``app``."""
    db.init_app(app)
    from gallery.migrate import init_migrations

    init_migrations(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    from gallery.accounts import init_login

    init_login(app)
    limiter.init_app(app)
    files.init_storage(app)
    from gallery.database import register_sqlite_pragmas

    register_sqlite_pragmas(app)
    from gallery import jobs
    from gallery.printing.jobs import register_jobs

    register_jobs(app)
    jobs.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Attach each feature's blueprints; every feature lists its routes in ``blueprint.py``."""
    from gallery.accounts import blueprint as accounts
    from gallery.curation import blueprint as curation
    from gallery.ops import blueprint as ops
    from gallery.packs import blueprint as packs
    from gallery.printing import blueprint as printing
    from gallery.public import blueprint as public
    from gallery.submissions import blueprint as submissions

    for feature in (public, packs, submissions, curation, accounts, printing, ops):
        for blueprint in feature.blueprints:
            app.register_blueprint(blueprint)


def register_errors(app: Flask) -> None:
    """Commit each request once; render refusals and errors in the visitor's language."""
    from gallery.errors import register_error_handlers
    from gallery.transaction import commit_requests

    commit_requests(app)
    register_error_handlers(app)


def register_commands(app: Flask) -> None:
    """Add the operator's ``flask --app wsgi …`` commands, each from its feature."""
    from gallery.accounts import cli as accounts
    from gallery.curation import cli as curation
    from gallery.ops import cli as ops
    from gallery.printing import cli as printing
    from gallery.public.mirror import cli as mirror
    from gallery.storage import cli as storage

    for feature in (curation, storage, printing, ops, accounts, mirror):
        for command in feature.commands:
            app.cli.add_command(command)


def register_template_helpers(app: Flask) -> None:
    """Expose language helpers to templates."""
    from gallery.templating import register_template_globals

    register_template_globals(app)
