"""The publication and print rules, in SQL (for lists) and in Python (for one loaded work).

Public means all of: the artist consents to publication, a curator decided to publish, and
the work is neither withdrawn nor deleted. Printable means the artist consents to print and
did not withdraw the work. A sticker pack is public only while every work in it is both.
Consents are read at every check (never copied onto a work), so a revoked consent takes
effect on every path at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, select

from gallery.extensions import db
from gallery.models import Entry, Export, ExportItem, Work, WorkStatus


def public_condition() -> ColumnElement[bool]:
    """Return the SQL condition for a public work (the query must join ``Entry``)."""
    return (
        Work.published.is_(True)
        & (Work.status == WorkStatus.ACCEPTED)
        & Entry.consent_publish.is_(True)
    )


def printable_condition() -> ColumnElement[bool]:
    """Return the SQL condition for a work that may be printed (the query must join ``Entry``)."""
    return (Work.status != WorkStatus.WITHDRAWN) & Entry.consent_print.is_(True)


def is_public(work: Work) -> bool:
    """Tell whether the public may see ``work`` (same rule as ``public_condition``)."""
    return bool(
        work.published and work.status == WorkStatus.ACCEPTED and work.entry.consent_publish
    )


def is_printable(work: Work) -> bool:
    """Tell whether ``work`` may be printed (same rule as ``printable_condition``)."""
    return work.status != WorkStatus.WITHDRAWN and bool(work.entry.consent_print)


def _blockers(exports: Iterable[Export], allowed: ColumnElement[bool]) -> dict[int, list[int]]:
    """Return, per export id, the ids of its works that fail ``allowed`` (exports all fine: {})."""
    ids = [export.id for export in exports]
    if not ids:
        return {}
    query = (
        select(ExportItem.export_id, ExportItem.work_id)
        .join(Work, Work.id == ExportItem.work_id)
        .join(Entry, Entry.id == Work.entry_id)
        .where(ExportItem.export_id.in_(ids), ~allowed)
        .distinct()
        .order_by(ExportItem.export_id, ExportItem.work_id)
    )
    found: dict[int, list[int]] = {}
    for export_id, work_id in db.session.execute(query):
        found.setdefault(export_id, []).append(work_id)
    return found


def unprintable_works(exports: Iterable[Export]) -> dict[int, list[int]]:
    """Return, per export id, its works that may no longer be printed (withdrawn, no consent).

    Such an export may not be downloaded, by printers or anyone else.
    """
    return _blockers(exports, printable_condition())


def pack_blockers(exports: Iterable[Export]) -> dict[int, list[int]]:
    """Return, per export id, its works that keep a pack of it off the public site.

    A pack is a public artifact and a printed one: every work in it must be public and
    printable, whatever path (a printer, a curator, the artist) changed it.
    """
    return _blockers(exports, public_condition() & printable_condition())
