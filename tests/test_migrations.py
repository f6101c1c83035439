"""Migrations bring any database to the schema the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from gallery import create_app
from gallery.extensions import db
from tests.conftest import database_url


@pytest.fixture
def migrated_app(tmp_path):
    """An app whose database was made by the migrations alone."""
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
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_upgrade_from_empty_matches_the_models(migrated_app):
    """After `db upgrade` on an empty database there is nothing left to migrate."""
    app = migrated_app
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_base_and_up_again(migrated_app):
    """Every migration can be undone and redone (an old database can always be brought up)."""
    app = migrated_app
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "works" in inspect(db.engine).get_table_names()


def test_migrations_create_every_check_constraint_of_the_models(migrated_app):
    """Autogenerate does not compare CHECK constraints, so this test does."""
    app = migrated_app
    with app.app_context():
        inspector = inspect(db.engine)
        for table in db.metadata.sorted_tables:
            expected = {
                c.name
                for c in table.constraints
                if c.__class__.__name__ == "CheckConstraint" and c.name
            }
            found = {c["name"] for c in inspector.get_check_constraints(table.name)}
            assert expected <= found, f"{table.name}: missing {sorted(expected - found)}"
