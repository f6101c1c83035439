"""The backup drill: back up while the site takes submissions, restore, verify everything."""

from __future__ import annotations

import hashlib
import threading
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text

from gallery import create_app
from gallery.extensions import db
from gallery.files import get_storage
from gallery.models import Entry, Licence, Work
from gallery.ops.backup import BackupError, backup, restore, verify
from gallery.submissions.images import store_upload
from gallery.submissions.operations import Credit, create_entry
from tests.conftest import database_url, image_bytes

CREDIT = Credit("Artist", "", True, True, False, Licence.CAMPAIGN)


def add_entry(n: int) -> None:
    """Submit one entry with one image through the domain functions, and commit."""
    image = store_upload(image_bytes("PNG", (120 + n % 50, 100), colour=(n % 255, 90, 30)))
    create_entry(credit=CREDIT, contact="", wants_contact=False, note="", images=[(image, f"w{n}")])
    db.session.commit()


@pytest.fixture
def restore_target(tmp_path):
    """A second, empty database and upload folder to restore into."""
    url = database_url(tmp_path / "restored")
    created = None
    if url.startswith("postgresql"):
        created = f"gallery_restore_{uuid.uuid4().hex[:8]}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{created}"'))
        admin.dispose()
        url = url.rsplit("/", 1)[0] + f"/{created}"
    else:
        (tmp_path / "restored").mkdir()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "DATABASE_URL": url,
            "UPLOAD_DIR": str(tmp_path / "restored-uploads"),
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if created:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{created}" WITH (FORCE)'))
        admin.dispose()


def test_backup_under_live_writes_restores_complete_and_identical(app, tmp_path, restore_target):
    """Rows and files written during the backup never produce a row without its files."""
    with app.app_context():
        for n in range(5):
            add_entry(n)
    stop = threading.Event()
    written = []

    def keep_submitting() -> None:
        """Play artists submitting while the backup runs."""
        with app.app_context():
            n = 100
            while not stop.is_set() and n < 160:
                add_entry(n)
                written.append(n)
                n += 1

    writer = threading.Thread(target=keep_submitting)
    writer.start()
    try:
        with app.app_context():
            summary = backup(tmp_path / "backup")
    finally:
        stop.set()
        writer.join()
    assert written, "the writer made no submissions during the drill"
    assert summary.works >= 5

    with restore_target.app_context():
        db.session.remove()
        restored = restore(tmp_path / "backup")
        assert verify(tmp_path / "backup") == []
        works = db.session.scalars(select(Work)).all()
        assert len(works) == restored.works >= 5
        storage = get_storage()
        for work in works:
            for key in work.file_keys():
                restored_hash = hashlib.sha256(storage.read(key)).hexdigest()
                with app.app_context():
                    assert hashlib.sha256(get_storage().read(key)).hexdigest() == restored_hash
        if db.engine.url.get_backend_name() == "sqlite":
            assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert db.session.scalar(select(func.count()).select_from(Entry)) == restored.entries


def test_restore_refuses_a_database_that_is_not_empty(app, tmp_path):
    """Restoring over live data is refused, so nothing is overwritten by accident."""
    with app.app_context():
        add_entry(1)
        backup(tmp_path / "b")
        with pytest.raises(BackupError, match="not empty"):
            restore(tmp_path / "b")


def test_backup_refuses_a_folder_that_is_not_empty(app, tmp_path):
    """A backup never mixes with older files."""
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "old").write_text("x")
    with app.app_context(), pytest.raises(BackupError, match="not empty"):
        backup(tmp_path / "b")


def test_backup_and_restore_commands(app, runner, tmp_path, restore_target):
    """The operator commands print what they did, tab separated."""
    with app.app_context():
        add_entry(7)
    result = runner.invoke(args=["backup", str(tmp_path / "cmd")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("backed up\t1 entries\t1 works\t")
    with restore_target.app_context():
        db.session.remove()
    result = restore_target.test_cli_runner().invoke(args=["restore", str(tmp_path / "cmd")])
    assert result.exit_code == 0, result.output
    assert "restored\t1 entries\t1 works" in result.output
