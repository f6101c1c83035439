"""Find and remove orphans: files without rows and rows without files.

The sweeper knows every folder the app writes (``filekeys.PREFIXES``) and who owns each file
in it. A file nobody owns, in a known folder or not, goes once it is older than the grace
period (a young one may belong to a form an artist is still correcting or a job in flight).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from gallery.extensions import db
from gallery.lifecycle.deletion import delete_works
from gallery.models import DeletionReason, Export, Pack, Work
from gallery.storage.files import get_storage
from gallery.storage.keys import FILE_KEY, PRINT_CACHE_KEY


@dataclass
class SweepReport:
    """What a sweep found (and removed, unless it was a dry run)."""

    orphan_files: list[str] = field(default_factory=list)
    missing_files: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Owners:
    """Who owns stored files right now, read once per sweep."""

    tokens: frozenset[str]
    works: frozenset[tuple[str, str]]
    keys: frozenset[str]

    @classmethod
    def read(cls) -> Owners:
        """Read the owners from the database."""
        works = db.session.execute(select(Work.id, Work.file_token)).all()
        exports = db.session.scalars(select(Export.pdf_key).where(Export.pdf_key.is_not(None)))
        credits = db.session.scalars(
            select(Export.credits_key).where(Export.credits_key.is_not(None))
        )
        packs = db.session.scalars(select(Pack.preview_key).where(Pack.preview_key.is_not(None)))
        return cls(
            tokens=frozenset(token for _id, token in works),
            works=frozenset((str(work_id), token) for work_id, token in works),
            keys=frozenset([*exports, *credits, *packs]),
        )

    def own(self, key: str) -> bool:
        """Tell whether a row owns ``key``."""
        if key.startswith("files/"):
            match = FILE_KEY.match(key)
            return match is not None and match.group(1) in self.tokens
        if key.startswith("print-cache/"):
            match = PRINT_CACHE_KEY.match(key)
            return match is not None and (match.group(1), match.group(2)) in self.works
        # Export PDFs, credits files and pack previews are named by their rows; health probes and
        # anything outside the known folders belong to nobody.
        return key in self.keys


def sweep_storage(*, dry_run: bool = False) -> SweepReport:
    """Remove stored files no row owns (past the grace period) and works whose files are gone."""
    storage = get_storage()
    grace = current_app.config["PENDING_UPLOAD_SECONDS"]
    owners = Owners.read()
    report = SweepReport()
    for key in list(storage.keys()):
        # Only an upload may wait for its form; print rasters, outlines and credit lines are made
        # from works that exist, so one no work owns is left from a deleted work (an export that
        # was still rendering when the artist deleted it) and goes at once.
        waits = not key.startswith("print-cache/")
        if not owners.own(key) and (not waits or storage.age_seconds(key) > grace):
            report.orphan_files.append(key)
            if not dry_run:
                storage.delete(key)
    broken = []
    for work in db.session.scalars(select(Work)):
        missing = next((k for k in work.file_keys() if not storage.exists(k)), None)
        if missing:
            report.missing_files.append((work.id, missing))
            broken.append(work)
    if broken and not dry_run:
        delete_works(broken, reason=DeletionReason.MISSING_FILES)
    db.session.flush()
    return report
