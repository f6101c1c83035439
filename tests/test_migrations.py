"""Migrations bring any database to the schema the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from gallery import create_app
from gallery.extensions import db
from gallery.migrate import bind_migrate
from tests.conftest import database_url


@pytest.fixture
def empty_app(tmp_path):
    """An app on a database without any table."""
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
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def migrated_app(empty_app):
    """An app whose database was made by the migrations alone."""
    bind_migrate(empty_app)
    with empty_app.app_context():
        upgrade()
    return empty_app


def test_the_db_upgrade_command_migrates_an_empty_database(empty_app):
    """`flask --app wsgi db upgrade` works as ever, though Alembic loads only when it runs."""
    result = empty_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context(), db.engine.connect() as connection:
        assert "works" in inspect(connection).get_table_names()
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


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


def test_migrated_schema_never_reuses_ids(migrated_app):
    """Tables made by the migrations keep ids unique forever, like those made from the models."""
    from tests.lifecycle.test_ids import assert_ids_never_reused

    with migrated_app.app_context(), db.engine.connect() as connection:
        assert_ids_never_reused(connection)


def test_upgrade_splits_old_statuses_into_two_decisions_and_moves_export_items(migrated_app):
    """Published stays published, selected stays selected (and is not made public); old
    decisions keep what they decided; export items become rows, and an export naming a
    vanished work is marked removed; a contact the artist did not want used is erased."""
    from sqlalchemy import text

    app = migrated_app
    with app.app_context():
        downgrade(revision="5c1e9a7d2b40")
        with db.engine.begin() as connection:
            run = connection.execute
            run(
                text(
                    "INSERT INTO entries (id, created_at, updated_at, credit, credit_url, contact,"
                    " wants_contact, note, consent_publish, consent_print, consent_social, licence,"
                    " claim_hash) VALUES (1, '2026-01-01', '2026-01-01', 'A', '', 'a@b.c',"
                    " false, '', true, true, false, 'campaign', 'h1')"
                )
            )
            for work_id, status in ((1, "published"), (2, "selected"), (3, "shortlisted")):
                run(
                    text(
                        "INSERT INTO works (id, entry_id, position, created_at, title, status,"
                        " file_token, master_ext, derivative_widths, width, height, has_alpha,"
                        " content_sha256, phash, print_factor) VALUES (:id, 1, 0, '2026-01-01', '',"
                        " :status, :token, 'png', '320', 400, 300, false, 'x', '0', 1)"
                    ),
                    {"id": work_id, "status": status, "token": f"t{work_id}"},
                )
            run(
                text(
                    "INSERT INTO decisions (id, work_id, source, from_status, to_status,"
                    " created_at) VALUES (1, 2, 'web', 'published', 'selected', '2026-01-02')"
                )
            )
            for export_id, items in ((1, "[[1, 2], [2, 1]]"), (2, "[[3, 1], [99, 1]]")):
                run(
                    text(
                        "INSERT INTO exports (id, created_at, layout_id, layout_name, options,"
                        " items, fill, language, state, progress, total, sheets, pdf_key, error,"
                        " warnings, worker) VALUES (:id, '2026-01-01', 'l', 'L', '{}', :items,"
                        " false, 'en', 'done', 1, 1, 1, :key, '', '[]', '')"
                    ),
                    {"id": export_id, "items": items, "key": f"exports/e{export_id}.pdf"},
                )
        upgrade()
        with db.engine.connect() as connection:
            run = connection.execute
            works = run(text("SELECT id, status, published, selected FROM works ORDER BY id"))
            assert [tuple(r) for r in works] == [
                (1, "accepted", True, False),
                (2, "accepted", False, True),
                (3, "shortlisted", False, False),
            ]
            assert run(text("SELECT contact FROM entries")).scalar() == "", "not wanted"
            decision = run(
                text("SELECT action, from_status, to_status, published, selected FROM decisions")
            ).one()
            assert tuple(decision) == ("selected", "accepted", "accepted", False, True)
            items = run(
                text(
                    "SELECT export_id, position, work_id, copies FROM export_items"
                    " ORDER BY export_id, position"
                )
            )
            assert [tuple(r) for r in items] == [(1, 0, 1, 2), (1, 1, 2, 1), (2, 0, 3, 1)]
            exports = run(text("SELECT id, state, error, pdf_key FROM exports ORDER BY id"))
            assert [tuple(r) for r in exports] == [
                (1, "done", "", "exports/e1.pdf"),
                (2, "removed", "work-deleted", None),
            ]


def test_upgrade_keeps_old_exports_as_sheets_and_downgrade_drops_singles(migrated_app):
    """Exports made before die-cut singles are sheets without a credits file or preflight;
    going back drops singles exports (the old code cannot read them) and their items."""
    from sqlalchemy import text

    app = migrated_app
    insert = (
        "INSERT INTO exports (id, created_at, layout_id, layout_name, options, fill, language,"
        " state, progress, total, sheets, pdf_key, error, warnings, worker{extra}) VALUES"
        " (:id, '2026-01-01', 'l', 'L', '{{}}', false, 'en', 'done', 1, 1, 1, :key, '', '[]',"
        " ''{values})"
    )
    with app.app_context():
        downgrade(revision="7d3f0b1c9e52")
        with db.engine.begin() as connection:
            connection.execute(
                text(insert.format(extra="", values="")), {"id": 1, "key": "exports/old.pdf"}
            )
        upgrade()
        with db.engine.begin() as connection:
            row = connection.execute(
                text("SELECT kind, credits_key, preflight FROM exports WHERE id = 1")
            ).one()
            assert tuple(row) == ("sheets", None, "{}")
            connection.execute(
                text(insert.format(extra=", kind, credits_key", values=", 'singles', :credits")),
                {"id": 2, "key": "exports/s.pdf", "credits": "exports/s-credits.pdf"},
            )
        downgrade(revision="7d3f0b1c9e52")
        with db.engine.connect() as connection:
            ids = connection.execute(text("SELECT id FROM exports")).scalars().all()
        assert ids == [1]
        upgrade()
