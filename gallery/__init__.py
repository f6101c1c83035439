"""Sticker gallery: collect, curate and print solidarity sticker artwork."""

from __future__ import annotations

from flask import Flask

from gallery import config, files
from gallery.extensions import babel, csrf, db, limiter, login_manager, migrate
from gallery.i18n import select_locale
from gallery.logging import configure_logging
from gallery.ops import register_ops
from gallery.security import register_security_headers


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages and commands."""
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates")
    config.load_config(app, test_config)
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_commands(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_ops(app)
    configure_logging(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the shared extensions and the file store to ``app``."""
    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir(), render_as_batch=True, compare_type=True)
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

    jobs.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Attach one blueprint per feature."""
    from gallery.accounts.admin import bp as admin_bp
    from gallery.accounts.views import bp as accounts_bp
    from gallery.curation import pairwise_views  # noqa: F401 (adds its routes to curation_bp)
    from gallery.curation.views import bp as curation_bp
    from gallery.printing import export_views  # noqa: F401 (adds its routes to printing_bp)
    from gallery.printing.views import bp as printing_bp
    from gallery.public.feed import bp as feed_bp
    from gallery.public.packs import bp as packs_bp
    from gallery.public.pages import bp as pages_bp
    from gallery.public.views import bp as public_bp
    from gallery.submissions.claim import bp as claim_bp
    from gallery.submissions.views import bp as submissions_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(packs_bp)
    app.register_blueprint(feed_bp)
    app.register_blueprint(submissions_bp)
    app.register_blueprint(claim_bp)
    app.register_blueprint(curation_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(printing_bp)


def register_errors(app: Flask) -> None:
    """Render every HTTP error with a page in the visitor's language."""
    from gallery.errors import register_error_handlers

    register_error_handlers(app)


def register_commands(app: Flask) -> None:
    """Add the operator's ``flask --app wsgi …`` commands."""
    from gallery.cli import register_cli

    register_cli(app)


def register_template_helpers(app: Flask) -> None:
    """Expose language helpers to templates."""
    from gallery.templating import register_template_globals

    register_template_globals(app)


def _migrations_dir() -> str:
    """Return the Alembic folder that ships inside the package."""
    from pathlib import Path

    return str(Path(__file__).parent / "migrations")
