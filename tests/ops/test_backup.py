"""The backup drill: back up while the site takes submissions, restore, verify everything."""

from __future__ import annotations

import hashlib
import threading
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text

from gallery import create_app
from gallery.extensions import db
from gallery.models import Comment, Conflict, Entry, Work
from gallery.ops.backup import BackupError, backup, restore, verify
from gallery.storage.files import get_storage
from tests.conftest import database_url
from tests.factories import (
    image_bytes,
    make_comment,
    make_conflict,
    make_export,
    make_user,
    store_work,
)


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
        for _ in range(5):
            store_work()
    stop = threading.Event()
    written = []

    def keep_submitting() -> None:
        """Play artists submitting while the backup runs."""
        with app.app_context():
            n = 100
            while not stop.is_set() and n < 160:
                store_work()
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
        store_work()
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
        store_work()
    result = runner.invoke(args=["backup", str(tmp_path / "cmd")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("backed up\t1 entries\t1 works\t")
    with restore_target.app_context():
        db.session.remove()
    result = restore_target.test_cli_runner().invoke(args=["restore", str(tmp_path / "cmd")])
    assert result.exit_code == 0, result.output
    assert "restored\t1 entries\t1 works" in result.output


SECRET_CREDIT = "Qwzx Deleted Artist"
SECRET_CLAIM = "claim-token-of-the-secret-entry"
SECRET_PNG = image_bytes("PNG", (300, 200), colour=(250, 10, 10))


def delete_by_artist() -> None:
    """Delete the secret entry as the artist's claim link does."""
    from gallery.submissions.operations import delete_entry, find_entry_by_claim

    delete_entry(find_entry_by_claim(SECRET_CLAIM))
    db.session.commit()


def everything_in(folder) -> bytes:
    """Return the bytes of every file under ``folder``."""
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_a_new_backup_holds_nothing_of_a_deleted_work(app, tmp_path):
    """Neither its files nor its rows, not even in the database file's free pages."""
    with app.app_context():
        store_work()
        work_id = store_work(
            image=SECRET_PNG, title="secret", credit=SECRET_CREDIT, claim_token=SECRET_CLAIM
        ).id
        keys = db.session.get(Work, work_id).file_keys()
        delete_by_artist()
        backup(tmp_path / "after")
    saved = everything_in(tmp_path / "after")
    assert SECRET_CREDIT.encode() not in saved
    assert not any((tmp_path / "after" / "files" / key).exists() for key in keys)


def test_the_live_sqlite_file_keeps_no_deleted_row_in_free_pages(app):
    """secure_delete overwrites what a deletion frees (PostgreSQL dumps hold rows, not pages)."""
    from pathlib import Path

    with app.app_context():
        url = db.engine.url
        if url.get_backend_name() != "sqlite":
            assert db.session.execute(text("SELECT 1")).scalar() == 1
            return
        store_work()
        store_work(image=SECRET_PNG, title="secret", credit=SECRET_CREDIT, claim_token=SECRET_CLAIM)
        delete_by_artist()
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.commit()
        assert SECRET_CREDIT.encode() not in Path(url.database).read_bytes()


def test_restoring_an_older_backup_deletes_again_what_newer_backups_deleted(
    app, tmp_path, restore_target
):
    """The deletion is recorded in the next backup; restoring the one before forgets it too."""
    backups = tmp_path / "backups"
    with app.app_context():
        store_work()
        work_id = store_work(
            image=SECRET_PNG, title="secret", credit=SECRET_CREDIT, claim_token=SECRET_CLAIM
        ).id
        master = db.session.get(Work, work_id).master_key
        backup(backups / "monday")
        delete_by_artist()
        backup(backups / "tuesday")
    assert (backups / "monday" / "files" / master).exists(), "Monday's backup holds the work"
    result = restore_target.test_cli_runner().invoke(args=["restore", str(backups / "monday")])
    assert result.exit_code == 0, result.output
    assert "deleted again\t1 works deleted after the backup" in result.output
    assert "restored\t1 entries\t1 works" in result.output
    with restore_target.app_context():
        assert db.session.get(Work, work_id) is None
        storage = get_storage()
        assert all(SECRET_CREDIT.encode() not in storage.read(k) for k in storage.keys())
        assert any(k.startswith("files/") for k in storage.keys()), "the other entry stays"


def test_works_a_sweep_deleted_for_missing_files_come_back_from_an_older_backup(
    app, tmp_path, restore_target
):
    """A sweep over the wrong upload folder is a mishap a restore repairs, not a decision."""
    from gallery.lifecycle.deletion import delete_works
    from gallery.models import DeletionReason

    backups = tmp_path / "backups"
    with app.app_context():
        work_id = store_work(title="kept by the backup").id
        backup(backups / "monday")
        delete_works([db.session.get(Work, work_id)], reason=DeletionReason.MISSING_FILES)
        db.session.commit()
        backup(backups / "tuesday")
    result = restore_target.test_cli_runner().invoke(args=["restore", str(backups / "monday")])
    assert result.exit_code == 0, result.output
    with restore_target.app_context():
        assert db.session.get(Work, work_id) is not None


def test_restore_takes_a_ledger_given_by_hand(app, tmp_path, restore_target):
    """A deletions.json copied from elsewhere is honoured the same way."""
    with app.app_context():
        work_id = store_work(
            image=SECRET_PNG, title="secret", credit=SECRET_CREDIT, claim_token=SECRET_CLAIM
        ).id
        backup(tmp_path / "old")
        delete_by_artist()
        backup(tmp_path / "elsewhere" / "new")
    ledger = tmp_path / "elsewhere" / "new" / "deletions.json"
    result = restore_target.test_cli_runner().invoke(
        args=["restore", str(tmp_path / "old"), "--deletions", str(ledger)]
    )
    assert result.exit_code == 0, result.output
    with restore_target.app_context():
        assert db.session.get(Work, work_id) is None


def test_backup_keep_rotates_old_backups_away(app, runner, tmp_path):
    """`--keep N` leaves the newest N backups beside DEST and says which it removed."""
    with app.app_context():
        store_work()
    folder = tmp_path / "backups"
    for name in ("b1", "b2", "b3"):
        result = runner.invoke(args=["backup", str(folder / name), "--keep", "2"])
        assert result.exit_code == 0, result.output
    assert f"removed backup\t{folder / 'b1'}" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["b2", "b3"]
    assert runner.invoke(args=["backup", str(folder / "b4"), "--keep", "0"]).exit_code == 2


def test_backups_are_readable_by_their_owner_only(app, tmp_path):
    """Folder 0700, every file 0600: a backup holds private contacts."""
    with app.app_context():
        store_work()
        backup(tmp_path / "b")
    assert (tmp_path / "b").stat().st_mode & 0o777 == 0o700
    for path in (tmp_path / "b").rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert path.stat().st_mode & 0o777 == expected, path


def test_a_new_sqlite_database_file_is_private(tmp_path):
    """The SQLite file the app creates is the owner's alone, and so is its instance folder."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "UPLOAD_DIR": str(tmp_path / "u"),
            "DATABASE_URL": f"sqlite:///{tmp_path}/fresh.sqlite3",
        }
    )
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    for name in ("fresh.sqlite3", "fresh.sqlite3-wal"):
        path = tmp_path / name
        if path.exists():
            assert path.stat().st_mode & 0o777 == 0o600, name
    assert (tmp_path / "fresh.sqlite3").exists()


def test_comments_and_conflicts_travel_in_a_backup_but_not_those_of_deleted_works(
    app, tmp_path, restore_target
):
    """They are rows like votes: restored with the database, gone with their work."""
    with app.app_context():
        kept = store_work(title="kept")
        secret = store_work(image=SECRET_PNG, credit=SECRET_CREDIT, claim_token=SECRET_CLAIM)
        curator = make_user("curator")
        make_comment(user=curator, work=kept, body="Strong, keep it.")
        make_comment(user=curator, work=secret, body="About the deleted one.")
        make_conflict(user=curator, work=kept)
        make_conflict(user=curator, work=secret)
        kept_ids = (kept.id, kept.entry_id)
        delete_by_artist()
        backup(tmp_path / "backup")
    with restore_target.app_context():
        db.session.remove()
        restore(tmp_path / "backup")
        comments = db.session.execute(select(Comment.work_id, Comment.body)).all()
        assert [tuple(c) for c in comments] == [(kept_ids[0], "Strong, keep it.")]
        assert db.session.scalars(select(Conflict.entry_id)).all() == [kept_ids[1]]


def test_backups_keep_a_singles_exports_credits_file_and_forget_it_with_the_work(app, tmp_path):
    """A die-cut singles export's credits file is backed up like its PDF, and a backup made
    after the work's deletion holds neither."""
    with app.app_context():
        work_id = store_work(credit=SECRET_CREDIT, claim_token=SECRET_CLAIM).id
        export = make_export(
            works=[work_id], pdf_key="exports/tokS.pdf", credits_key="exports/tokS-credits.pdf"
        )
        get_storage().write(export.credits_key, f"credits: {SECRET_CREDIT}".encode())
        backup(tmp_path / "before")
        delete_by_artist()
        backup(tmp_path / "after")
    assert (tmp_path / "before" / "files" / "exports" / "tokS-credits.pdf").is_file()
    assert (tmp_path / "before" / "files" / "exports" / "tokS.pdf").is_file()
    assert not (tmp_path / "after" / "files" / "exports").exists()
    assert SECRET_CREDIT.encode() not in everything_in(tmp_path / "after")
