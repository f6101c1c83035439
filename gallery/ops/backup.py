"""Consistent backups of database and files while the app runs, and their restore.

A backup is a snapshot of the database and exactly the files the rows of that snapshot own:
files are written before the row that owns them commits and deleted only after the row's
deletion commits, so every owned file exists when the snapshot is taken. Print rasters are a
cache and are left out. The manifest records a SHA-256 per file so a restore can be verified.

Backups forget deleted works too. The snapshot holds no deleted row, not even in free pages
(SQLite's ``VACUUM INTO`` writes a compact copy; ``pg_dump`` writes rows, not pages). Each
backup carries the deletion ledger (``deletions.json``), and a restore deletes again every
work that a newer backup beside it, or a ledger given by hand, records as deleted. With
``--keep N`` only the newest N backups stay, so an older one holding a deleted work is gone
after N more backups.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from gallery.extensions import db
from gallery.lifecycle.deletion import delete_works
from gallery.models import Deletion, DeletionReason, Entry, Export, Pack, Work
from gallery.storage import keys as filekeys
from gallery.storage.files import get_storage

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
LEDGER = "deletions.json"
# A work deleted because its files were missing (a sweep over a wrong or unmounted upload
# folder) is what a restore is for: it comes back. Every other deletion is someone's decision
# (the artist, a moderator, retention, a merge, an earlier restore repeating one) and stays.
NOT_REPLAYED = {DeletionReason.MISSING_FILES.value}
PRIVATE_FOLDER, PRIVATE_FILE = 0o700, 0o600


class BackupError(Exception):
    """A backup or restore cannot proceed; the message says why."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or restore handled."""

    files: int
    works: int
    entries: int
    database: str
    forgotten: int = 0


def _sha256(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def _private_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` readable by the owner only (missing folders made 0700)."""
    missing = [folder for folder in (path.parent, *path.parent.parents) if not folder.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_FOLDER)
        folder.chmod(PRIVATE_FOLDER)  # mkdir's mode is narrowed by the umask, never widened
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def owned_keys(connection: Connection) -> list[str]:
    """Return every stored file the rows seen by ``connection`` own (print rasters aside)."""
    keys: list[str] = []
    works = select(
        Work.file_token, Work.master_ext, Work.derivative_widths, Work.print_factor, Work.vector_ext
    )
    for token, ext, widths, factor, vector_ext in connection.execute(works):
        sizes = [int(w) for w in widths.split(",") if w]
        keys += filekeys.file_keys(token, ext, sizes, factor, vector_ext)
    keys += connection.scalars(select(Export.pdf_key).where(Export.pdf_key.is_not(None)))
    keys += connection.scalars(select(Export.credits_key).where(Export.credits_key.is_not(None)))
    keys += connection.scalars(select(Pack.preview_key).where(Pack.preview_key.is_not(None)))
    return keys


def _counts(connection: Connection) -> tuple[int, int]:
    """Return how many works and entries ``connection`` sees."""
    works = connection.scalar(select(func.count()).select_from(Work)) or 0
    entries = connection.scalar(select(func.count()).select_from(Entry)) or 0
    return works, entries


def backup(dest: Path) -> BackupSummary:
    """Write database and files into the empty or new folder ``dest`` (readable by us only)."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty")
    dest.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    dest.chmod(PRIVATE_FOLDER)
    taken_at = datetime.now(UTC)
    with _snapshot(dest) as (database, connection):
        keys = sorted(set(owned_keys(connection)))
        works, entries = _counts(connection)
    hashes = _copy_files(dest, keys)
    _private_file(dest / LEDGER, json.dumps(ledger(), indent=1).encode())
    manifest = {"created_at": taken_at.isoformat(), "database": database, "files": hashes}
    _private_file(dest / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
    return BackupSummary(files=len(hashes), works=works, entries=entries, database=database)


def ledger() -> list[dict]:
    """Return the deletion ledger as plain data (ids, reason, time: nothing personal)."""
    rows = db.session.scalars(select(Deletion).order_by(Deletion.id))
    return [
        {
            "work_id": row.work_id,
            "entry_id": row.entry_id,
            "reason": row.reason.value,
            "deleted_at": row.deleted_at.isoformat(),
        }
        for row in rows
    ]


def _copy_files(dest: Path, keys: Iterable[str]) -> dict[str, str]:
    """Copy the given stored files into the backup; return their hashes."""
    storage = get_storage()
    hashes: dict[str, str] = {}
    for key in keys:
        try:
            data = storage.read(key)
        except Exception:
            # Deleted after the snapshot: its row is deleted too, and the ledger written
            # after this copy makes a restore forget it.
            log.debug("skipped %s: deleted during backup", key)
            continue
        _private_file(dest / "files" / key, data)
        hashes[key] = _sha256(data)
    return hashes


@contextmanager
def _snapshot(dest: Path) -> Iterator[tuple[str, Connection]]:
    """Snapshot the database into ``dest``; yield its file name and a connection to read it."""
    url = make_url(db.engine.url)
    if url.get_backend_name() == "sqlite":
        target = dest / "database.sqlite3"
        # VACUUM INTO copies one consistent read of the database into a compact new file:
        # deleted rows left in free pages of the live file do not travel with it.
        source = sqlite3.connect(url.database, timeout=30)
        try:
            source.execute("VACUUM INTO ?", (str(target),))
        finally:
            source.close()
        target.chmod(PRIVATE_FILE)
        engine = create_engine(f"sqlite:///{target}")
        try:
            with engine.connect() as connection:
                yield target.name, connection
        finally:
            engine.dispose()
        return
    if url.get_backend_name() == "postgresql":
        output = dest / "database.pgdump"
        # pg_dump reads the snapshot this transaction exports, and the same transaction then
        # lists the files of exactly the rows in the dump.
        with db.engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
                _run(
                    [
                        "pg_dump",
                        "--format=custom",
                        "--no-owner",
                        f"--snapshot={snapshot}",
                        f"--file={output}",
                        _libpq(url),
                    ]
                )
                output.chmod(PRIVATE_FILE)
                yield output.name, connection
        return
    raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")


def _manifest(folder: Path) -> dict | None:
    """Return the manifest of a backup folder, or None when it is not one of ours."""
    try:
        return json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def _backups_beside(folder: Path) -> list[tuple[str, Path]]:
    """Return (created_at, path) of every backup in ``folder``'s parent, oldest first."""
    found = []
    for sibling in Path(folder).resolve().parent.iterdir():
        manifest = _manifest(sibling) if sibling.is_dir() else None
        if manifest and "created_at" in manifest:
            found.append((manifest["created_at"], sibling))
    return sorted(found)


def rotate(dest: Path, keep: int) -> list[Path]:
    """Remove the backups beside ``dest`` older than the newest ``keep``; return their paths."""
    if keep < 1:
        raise BackupError("--keep needs at least 1: the backup just made is kept")
    backups = _backups_beside(dest)
    doomed = [path for _when, path in backups[: max(0, len(backups) - keep)]]
    for path in doomed:
        if path.resolve() == Path(dest).resolve():
            continue
        shutil.rmtree(path)
        log.info("removed old backup %s", path.name)
    return doomed


def restore(source: Path, *, ledgers: Iterable[Path] = ()) -> BackupSummary:
    """Bring a backup back into an empty database and an empty file store.

    Works deleted after the backup was taken are deleted again: those recorded in this
    backup's ledger, in the ledgers of newer backups beside it, and in ``ledgers``.
    """
    source = Path(source)
    manifest = _manifest(source)
    if manifest is None:
        raise BackupError(f"{source} holds no backup ({MANIFEST} is missing)")
    if inspect(db.engine).get_table_names():
        raise BackupError("the database is not empty; restore needs an empty database")
    storage = get_storage()
    if next(iter(storage.keys()), None) is not None:
        raise BackupError("the upload store is not empty; restore needs an empty one")
    _restore_database(source / manifest["database"])
    db.session.remove()
    forgotten = forget_again(deleted_since(source, ledgers))
    db.session.commit()
    with db.engine.connect() as connection:
        keys = set(owned_keys(connection))
        works, entries = _counts(connection)
    written = 0
    for key, digest in manifest["files"].items():
        if key not in keys:
            continue  # a work deleted after the backup was taken
        data = (source / "files" / key).read_bytes()
        if _sha256(data) != digest:
            raise BackupError(f"backup file {key} does not match its checksum")
        storage.write(key, data)
        written += 1
    return BackupSummary(written, works, entries, manifest["database"], forgotten)


def deleted_since(source: Path, ledgers: Iterable[Path] = ()) -> set[int]:
    """Return the ids of works recorded as deleted by ``source``, newer backups and ``ledgers``."""
    taken = (_manifest(source) or {}).get("created_at", "")
    files = [source / LEDGER]
    files += [path / LEDGER for when, path in _backups_beside(source) if when > taken]
    files += [Path(p) for p in ledgers]
    ids: set[int] = set()
    for path in files:
        try:
            records = json.loads(path.read_text())
        except FileNotFoundError:
            continue
        except ValueError as error:
            raise BackupError(f"{path} is not a deletion ledger") from error
        ids.update(
            int(record["work_id"]) for record in records if record.get("reason") not in NOT_REPLAYED
        )
    return ids


def forget_again(work_ids: set[int]) -> int:
    """Delete again the restored works among ``work_ids``; return how many there were."""
    if not work_ids:
        return 0
    works = list(db.session.scalars(select(Work).where(Work.id.in_(work_ids))))
    if works:
        delete_works(works, reason=DeletionReason.RESTORE)
        log.info("restore deleted again %d works deleted after the backup", len(works))
    return len(works)


def _restore_database(dump: Path) -> None:
    """Load the database snapshot into the app's (empty) database."""
    url = make_url(db.engine.url)
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite" and dump.suffix == ".sqlite3":
        source = sqlite3.connect(dump)
        target = sqlite3.connect(url.database, timeout=30)
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
        return
    if url.get_backend_name() == "postgresql" and dump.suffix == ".pgdump":
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_libpq(url)}", str(dump)])
        return
    raise BackupError(f"cannot restore {dump.name} into a {url.get_backend_name()} database")


def verify(source: Path) -> list[str]:
    """Return problems found by comparing the running app's files with a backup's manifest."""
    manifest = json.loads((Path(source) / MANIFEST).read_text())
    storage = get_storage()
    with db.engine.connect() as connection:
        keys = set(owned_keys(connection))
    problems = []
    for key, digest in manifest["files"].items():
        if key not in keys:
            continue
        if not storage.exists(key):
            problems.append(f"missing {key}")
        elif _sha256(storage.read(key)) != digest:
            problems.append(f"changed {key}")
    problems += [f"lacks {key}" for key in sorted(keys) if not storage.exists(key)]
    return problems


def _libpq(url) -> str:
    """Turn a SQLAlchemy URL into a libpq connection string for pg_dump/pg_restore."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    """Run a database tool, raising ``BackupError`` with its message when it fails."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client)")
    # A fixed tool name and arguments we built ourselves; no shell.
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")
