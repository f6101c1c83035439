"""Consistent backups of database and files while the app runs, and their restore.

Order matters for consistency: files are written before the row that owns them commits, and
deleted only after the row's deletion commits. So we copy the files, then snapshot the
database, then copy files that appeared meanwhile: every row in the snapshot then has its
files in the backup. The manifest records a SHA-256 per file so a restore can be verified.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url

from gallery.extensions import db
from gallery.files import get_storage
from gallery.models import Entry, Work

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore cannot proceed; the message says why."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or restore handled."""

    files: int
    works: int
    entries: int
    database: str


def _sha256(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def backup(dest: Path) -> BackupSummary:
    """Write database and files into the empty or new folder ``dest``."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty")
    (dest / "files").mkdir(parents=True, exist_ok=True)
    hashes: dict[str, str] = {}
    _copy_files(dest, hashes)
    database = _dump_database(dest)
    _copy_files(dest, hashes)
    works = db.session.scalar(select(func.count()).select_from(Work)) or 0
    entries = db.session.scalar(select(func.count()).select_from(Entry)) or 0
    manifest = {
        "created_at": datetime.now(UTC).isoformat(),
        "database": database,
        "files": hashes,
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return BackupSummary(files=len(hashes), works=works, entries=entries, database=database)


def _copy_files(dest: Path, hashes: dict[str, str]) -> None:
    """Copy every stored file not yet in the backup."""
    storage = get_storage()
    for key in storage.keys():
        if key in hashes or key.startswith("health/"):
            continue
        try:
            data = storage.read(key)
        except Exception:
            # Deleted between listing and reading: its row is gone too, so it is not needed.
            log.debug("skipped %s: deleted during backup", key)
            continue
        target = dest / "files" / key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        hashes[key] = _sha256(data)


def _dump_database(dest: Path) -> str:
    """Snapshot the database into ``dest``; return the file name used."""
    url = make_url(db.engine.url)
    if url.get_backend_name() == "sqlite":
        # The online backup API copies a consistent snapshot while others keep writing.
        source = sqlite3.connect(url.database, timeout=30)
        target = sqlite3.connect(dest / "database.sqlite3")
        try:
            with target:
                source.backup(target)
        finally:
            source.close()
            target.close()
        return "database.sqlite3"
    if url.get_backend_name() == "postgresql":
        output = dest / "database.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={output}", _libpq(url)])
        return "database.pgdump"
    raise BackupError(f"backups of {url.get_backend_name()} databases are not supported")


def restore(source: Path) -> BackupSummary:
    """Bring a backup back into an empty database and an empty file store."""
    source = Path(source)
    manifest = json.loads((source / MANIFEST).read_text())
    if inspect(db.engine).get_table_names():
        raise BackupError("the database is not empty; restore needs an empty database")
    storage = get_storage()
    if next(iter(storage.keys()), None) is not None:
        raise BackupError("the upload store is not empty; restore needs an empty one")
    _restore_database(source / manifest["database"])
    for key, digest in manifest["files"].items():
        data = (source / "files" / key).read_bytes()
        if _sha256(data) != digest:
            raise BackupError(f"backup file {key} does not match its checksum")
        storage.write(key, data)
    db.session.remove()
    works = db.session.scalar(select(func.count()).select_from(Work)) or 0
    entries = db.session.scalar(select(func.count()).select_from(Entry)) or 0
    return BackupSummary(len(manifest["files"]), works, entries, manifest["database"])


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
    problems = []
    for key, digest in manifest["files"].items():
        if not storage.exists(key):
            problems.append(f"missing {key}")
        elif _sha256(storage.read(key)) != digest:
            problems.append(f"changed {key}")
    for work in db.session.scalars(select(Work)):
        problems.extend(
            f"work {work.id} lacks {k}" for k in work.file_keys() if not storage.exists(k)
        )
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
