"""Print exports as rows, with their PDF in the file store when finished."""

from __future__ import annotations

import json
from collections.abc import Iterable

from flask import Flask

from gallery.extensions import db
from gallery.models import Export, ExportState, Work
from gallery.storage.files import get_storage
from tests.factories.base import committed, id_of, next_number, own_context
from tests.factories.files import pdf_bytes


def make_export(
    *,
    works: Iterable[Work | int] = (),
    copies: int = 1,
    state: ExportState = ExportState.DONE,
    with_pdf: bool | None = None,
    sheets: int | None = None,
    pdf_key: str | None = None,
    layout_id: str = "avery-l7160",
    layout_name: str = "Avery L7160, 21 labels 63.5 × 38.1 mm",
    app: Flask | None = None,
    **columns,
) -> Export:
    """Create a print export of ``works`` (``copies`` each) in ``state`` as a row.

    ``with_pdf`` (default: when ``state`` is done) stores a PDF of ``sheets`` blank A4 pages
    (default 2) at ``pdf_key`` (default ``exports/export-N.pdf``); without it the row keeps
    ``pdf_key`` as given and nothing is stored. Other ``columns`` of the row (progress,
    total, worker, heartbeat_at …) are set as given. Nothing is rendered.
    """
    if with_pdf is None:
        with_pdf = state is ExportState.DONE
    with own_context(app):
        export = Export(
            layout_id=layout_id,
            layout_name=layout_name,
            options=json.dumps({}),
            state=state,
            sheets=sheets if sheets is not None else (2 if with_pdf else 0),
            pdf_key=pdf_key,
            **columns,
        )
        export.set_items((id_of(work), copies) for work in works)
        if with_pdf:
            data = pdf_bytes(pages=export.sheets)
            export.pdf_key = pdf_key or f"exports/export-{next_number()}.pdf"
            export.pdf_size = len(data)
            get_storage().write(export.pdf_key, data)
        db.session.add(export)
        return committed(export)
