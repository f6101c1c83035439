"""Migrations bring any database to the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from gallery import create_app
from gallery.extensions import db
from tests.conftest import database_url


def migrated_app(tmp_path):
    """Return an app whose database was made by the migrations alone."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "DATABASE_URL": database_url(tmp_path),
            "UPLOAD_DIR": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
    return app


def test_upgrade_from_empty_matches_the_models(tmp_path):
    """After `db upgrade` on an empty database there is nothing left to migrate."""
    app = migrated_app(tmp_path)
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_base_and_up_again(tmp_path):
    """Every migration can be undone and redone (an old database can always be brought up)."""
    app = migrated_app(tmp_path)
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "works" in inspect(db.engine).get_table_names()
