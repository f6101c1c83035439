"""Factories for the public site's tests: works in any state, decisions, finished exports."""

from __future__ import annotations

import io
import itertools
import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pikepdf
import pytest
from PIL import Image

from gallery.extensions import db
from gallery.models import (
    Decision,
    DecisionAction,
    Entry,
    Export,
    ExportState,
    Licence,
    Work,
    WorkState,
    WorkStatus,
)
from gallery.storage.files import get_storage
from tests.factories import set_state

_numbers = itertools.count(1)
A4_POINTS = (595.276, 841.89)


def webp_bytes(width: int, height: int) -> bytes:
    """Return a small WebP image of the given size."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buffer, "WEBP")
    return buffer.getvalue()


def pdf_bytes(pages: int = 2, size: tuple[float, float] = A4_POINTS) -> bytes:
    """Return a PDF of blank pages of ``size`` points."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=size)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def add_work(
    app,
    *,
    status: WorkState | WorkStatus = WorkState.PUBLISHED,
    consent: bool = True,
    credit: str = "Maria K.",
    credit_url: str = "",
    licence: Licence = Licence.CC_BY,
    title: str = "Red fist",
    widths: tuple[int, ...] = (320, 640),
    decided_at: datetime | None = None,
    entry_id: int | None = None,
) -> SimpleNamespace:
    """Create an entry (unless given) and one work with stored WebP derivatives.

    Runs in its own app context and returns plain values: a test must not hold a context
    while its client makes requests (the request would share ``g`` and the logged-in user).
    """
    with app.app_context():
        return _add_work(
            status=status,
            consent=consent,
            credit=credit,
            credit_url=credit_url,
            licence=licence,
            title=title,
            widths=widths,
            decided_at=decided_at,
            entry_id=entry_id,
        )


def _add_work(*, status, consent, credit, credit_url, licence, title, widths, decided_at, entry_id):
    """Create the rows and files of ``add_work`` inside an app context."""
    number = next(_numbers)
    entry = db.session.get(Entry, entry_id) if entry_id else None
    if entry is None:
        entry = Entry(
            credit=credit,
            credit_url=credit_url,
            consent_publish=consent,
            consent_print=True,
            licence=licence,
            claim_hash=f"{number:064x}",
        )
        db.session.add(entry)
    work = Work(
        entry=entry,
        title=title,
        file_token=f"tok{number:08d}",
        master_ext="png",
        derivative_widths=",".join(str(w) for w in widths),
        width=1200,
        height=900,
        content_sha256=f"{number:064x}",
        phash=f"{number:016x}",
    )
    set_state(work, status)
    db.session.add(work)
    db.session.flush()
    storage = get_storage()
    storage.write(work.master_key, b"original master, never served publicly")
    for w in widths:
        storage.write(work.derivative_key(w), webp_bytes(w, w * 3 // 4))
    if decided_at is not None:
        db.session.add(
            Decision(
                work_id=work.id,
                action=DecisionAction.PUBLISHED,
                from_status=WorkStatus.SHORTLISTED,
                to_status=work.status,
                published=work.published,
                selected=work.selected,
                created_at=decided_at,
            )
        )
    db.session.commit()
    return SimpleNamespace(
        id=work.id, entry_id=work.entry_id, file_token=work.file_token, master_key=work.master_key
    )


def add_export(
    app,
    *,
    state: ExportState = ExportState.DONE,
    sheets: int = 2,
    with_pdf: bool = True,
    work_ids: tuple[int, ...] = (),
) -> Export:
    """Create a print export of ``work_ids``; a finished one has its PDF in the store.

    Returns plain values.
    """
    with app.app_context():
        return _add_export(state=state, sheets=sheets, with_pdf=with_pdf, work_ids=work_ids)


def _add_export(
    *, state: ExportState, sheets: int, with_pdf: bool, work_ids: tuple[int, ...]
) -> SimpleNamespace:
    """Create the row and PDF of ``add_export`` inside an app context."""
    number = next(_numbers)
    export = Export(
        layout_id="avery-l7160",
        layout_name="Avery L7160, 21 labels 63.5 × 38.1 mm",
        options=json.dumps({}),
        state=state,
        sheets=sheets,
    )
    export.set_items((work_id, 1) for work_id in work_ids)
    if with_pdf:
        data = pdf_bytes(pages=sheets)
        export.pdf_key = f"exports/export-{number}.pdf"
        export.pdf_size = len(data)
        get_storage().write(export.pdf_key, data)
    db.session.add(export)
    db.session.commit()
    return SimpleNamespace(id=export.id, pdf_key=export.pdf_key)


@pytest.fixture
def when():
    """Build UTC timestamps: ``when(2025, 3, 1)``."""
    return lambda *parts: datetime(*parts, tzinfo=UTC)
