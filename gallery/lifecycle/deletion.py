"""Deleting works: every row and every file made from them, in one transaction.

"Delete" must mean gone. A work leaves behind more than its own files: print rasters, export
PDFs that hold it, sticker packs made of those exports and their previews. All of them are
known here and go with the work. Files are deleted only once the transaction commits (a failed
deletion loses nothing), and the deletion is written to the ledger so that restoring an older
backup can forget the work again. Static mirrors live outside the file store: the next
``mirror`` run asks the publication rule again and removes every file of a work that is no
longer public (``gallery.public.mirror``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, select

from gallery.extensions import db
from gallery.models import (
    Deletion,
    DeletionReason,
    Entry,
    Export,
    ExportItem,
    ExportState,
    Pack,
    Work,
)
from gallery.storage import keys as filekeys
from gallery.storage.files import discard, get_storage

log = logging.getLogger(__name__)

#: ``Export.error`` of an export destroyed because one of its works was deleted.
WORK_DELETED = "work-deleted"


def work_files(work: Work) -> list[str]:
    """Return the keys of every file made from ``work``: intake files and the print cache
    (rasters, die-cut singles' fitted outlines and credit lines)."""
    keys = list(work.file_keys())
    keys += get_storage().keys(filekeys.print_cache_prefix(work.id, work.file_token))
    return keys


def delete_entry(entry: Entry, *, reason: DeletionReason) -> None:
    """Delete an entry with every work, file and artifact of it."""
    _forget(list(entry.works), entry=entry, reason=reason)


def delete_works(works: Iterable[Work], *, reason: DeletionReason) -> None:
    """Delete works with every file and artifact of them; an entry left empty goes too."""
    by_entry: dict[int, list[Work]] = {}
    for work in works:
        by_entry.setdefault(work.entry_id, []).append(work)
    for group in by_entry.values():
        entry = group[0].entry
        whole = {w.id for w in entry.works} <= {w.id for w in group}
        _forget(group, entry=entry if whole else None, reason=reason)


def _forget(works: Sequence[Work], *, entry: Entry | None, reason: DeletionReason) -> None:
    """Delete ``works`` (and ``entry`` when it is given, meaning it held only these)."""
    ids = [work.id for work in works]
    destroy_exports_holding(ids)
    for work in works:
        for key in work_files(work):
            discard(key)
        db.session.add(
            Deletion(
                work_id=work.id,
                entry_id=work.entry_id,
                entry_deleted=entry is not None,
                reason=reason,
            )
        )
    if entry is not None:
        db.session.delete(entry)
    else:
        for work in works:
            work.entry.works.remove(work)
    db.session.flush()
    log.info("deleted works %s (%s)", ids, reason.value)


def destroy_exports_holding(work_ids: Sequence[int]) -> list[Export]:
    """Destroy the PDFs (and credits files) of every export holding one of ``work_ids``, and
    packs made of them.

    The export's row stays, marked removed, so the printer who made it sees why it is gone;
    its items for these works go, which is what lets the database delete the works.
    """
    if not work_ids:
        return []
    holding = select(ExportItem.export_id).where(ExportItem.work_id.in_(work_ids))
    # Locked (on PostgreSQL): a job finishing this export at the same moment waits for us.
    exports = list(
        db.session.scalars(select(Export).where(Export.id.in_(holding)).with_for_update())
    )
    for export in exports:
        # The PDF and, for die-cut singles, the separate credits file naming the artist.
        for key in export.stored_keys:
            discard(key)
        export.pdf_key, export.pdf_size = None, None
        export.credits_key, export.credits_size = None, None
        export.state, export.error = ExportState.REMOVED, WORK_DELETED
        # What was said of the PDF named its works (low-resolution warnings carry titles, the
        # credits digest is made of titles and credits): it goes with the PDF.
        export.warnings, export.preflight, export.credits_digest = "[]", "{}", None
        pack = db.session.scalar(select(Pack).where(Pack.export_id == export.id))
        if pack is not None:
            if pack.preview_key:
                discard(pack.preview_key)
            db.session.delete(pack)
        log.info("export %s removed: it held a deleted work", export.id)
    db.session.execute(delete(ExportItem).where(ExportItem.work_id.in_(work_ids)))
    db.session.flush()
    return exports
