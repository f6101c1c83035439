"""Find and remove orphans: files without rows and rows without files."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from gallery.extensions import db
from gallery.filekeys import FILE_KEY
from gallery.files import discard, get_storage
from gallery.models import Work


@dataclass
class SweepReport:
    """What a sweep found (and removed, unless it was a dry run)."""

    orphan_files: list[str] = field(default_factory=list)
    missing_files: list[tuple[int, str]] = field(default_factory=list)


def sweep_storage(*, dry_run: bool = False) -> SweepReport:
    """Remove stored files no work owns (past the grace period) and works whose files are gone."""
    storage = get_storage()
    grace = current_app.config["PENDING_UPLOAD_SECONDS"]
    tokens = set(db.session.scalars(select(Work.file_token)))
    report = SweepReport()
    for key in storage.keys("files/"):
        match = FILE_KEY.match(key)
        owned = match is not None and match.group(1) in tokens
        # Young files may belong to a form an artist is still correcting, or a request in flight.
        if not owned and storage.age_seconds(key) > grace:
            report.orphan_files.append(key)
            if not dry_run:
                storage.delete(key)
    for work in db.session.scalars(select(Work)):
        missing = next((k for k in work.file_keys() if not storage.exists(k)), None)
        if missing:
            report.missing_files.append((work.id, missing))
            if not dry_run:
                for key in work.file_keys():
                    discard(key)
                db.session.delete(work)
    db.session.flush()
    return report
