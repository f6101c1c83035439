"""Drawings print sharp at any size: exports render the vector source at the placed size."""

from __future__ import annotations

import io

import pikepdf
import pytest
from sqlalchemy import select

from gallery.extensions import db
from gallery.intake.vector import sandbox
from gallery.models import Export, Work
from gallery.storage import keys as filekeys
from gallery.storage.files import get_storage
from tests.conftest import log_in_as
from tests.factories import store_work
from tests.printing.export_kit import (
    close_app,
    embedded_ppi,
    export_id_from,
    form_query,
    make_app,
    one_square,
    post_export,
)
from tests.vector_files import IDENTIFYING, inkscape_svg, pdf_drawing

PPI = 300


@pytest.fixture
def app(tmp_path):
    """An app with sync export jobs and a folder of one-label layouts."""
    folder = tmp_path / "layouts"
    folder.mkdir()
    application = make_app(tmp_path, PRINT_LAYOUT_DIRS=[str(folder)])
    application.config["TEST_LAYOUTS"] = folder
    yield application
    close_app(application)


@pytest.fixture
def renders(monkeypatch) -> list[int]:
    """Count the drawings handed to the sandbox for print (uploads are cleaned too: not those)."""
    counted: list[int] = []
    real = sandbox.run

    def counting(items, **kwargs):
        if not any(item.clean for item in items):
            counted.append(len(items))
        return real(items, **kwargs)

    monkeypatch.setattr(sandbox, "run", counting)
    return counted


def export(app, client, layout: str, work_ids) -> bytes:
    """Start an export as a printer and return its PDF."""
    response = post_export(client, form_query(layout=layout, works=work_ids, bleed_mm="0"))
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    export_id = export_id_from(response)
    download = client.get(f"/print/exports/{export_id}/download")
    assert download.status_code == 200, download.status_code
    return download.data


def without_our_xmp(pdf: bytes) -> bytes:
    """The PDF's bytes minus the PDF/X identification packet every export carries.

    That packet is ours (XMP namespaces, dates, a random document id); what it must not hold
    is checked with every export in tests/printing. Anything else of XMP, Adobe or Creator in
    the file would have come from the artist's drawing.
    """
    with pikepdf.open(io.BytesIO(pdf)) as document:
        packet = document.Root.Metadata.read_raw_bytes()
    assert b"Ivan" not in packet and b"/home/" not in packet
    assert pdf.count(packet) == 1
    return pdf.replace(packet, b"")


def test_drawings_export_at_150_mm_with_300_ppi_rasters(app, renders):
    """An Inkscape SVG and an Illustrator-style PDF print at 300 ppi on a 150 mm sticker."""
    layout = one_square(app.config["TEST_LAYOUTS"], 150)
    works = [
        store_work(image=inkscape_svg(), state="selected", app=app),
        store_work(image=pdf_drawing(), state="selected", app=app),
    ]
    client = app.test_client()
    log_in_as(client, app, "printer")
    for work in works:
        pdf = export(app, client, layout, [work.id])
        [(ppi_x, ppi_y)] = embedded_ppi(pdf)
        assert ppi_x == pytest.approx(PPI, rel=0.01) and ppi_y == pytest.approx(PPI, rel=0.01)
        for needle in IDENTIFYING:
            assert needle not in without_our_xmp(pdf), needle
    assert renders == [1, 1]
    with app.app_context():
        cached = [k for k in get_storage().keys() if k.startswith("print-cache/")]
        assert len(cached) == 2
        for work in works:
            row = db.session.get(Work, work.id)
            prefix = filekeys.print_cache_prefix(row.id, row.file_token)
            assert any(key.startswith(prefix) for key in cached)


def test_a_drawing_is_sharp_far_beyond_its_raster_master(app, renders):
    """At 280 mm the master (2400 px) would be 218 ppi; the drawing is rendered at 300 ppi."""
    layout = one_square(app.config["TEST_LAYOUTS"], 280)
    work = store_work(image=inkscape_svg(), state="selected", app=app)
    client = app.test_client()
    log_in_as(client, app, "printer")
    preview = client.get("/print/preview", query_string=form_query(layout, [work.id]))
    assert "below the" not in preview.get_data(as_text=True)  # no low-resolution warning
    [(ppi_x, _)] = embedded_ppi(export(app, client, layout, [work.id]))
    assert ppi_x == pytest.approx(PPI, rel=0.01)
    with app.app_context():
        assert db.session.get(Work, work.id).width < 280 / 25.4 * PPI


def test_exporting_again_reuses_the_cached_rasters(app, renders):
    """A second export of the same drawings at the same size renders nothing."""
    layout = one_square(app.config["TEST_LAYOUTS"], 60)
    ids = [store_work(image=inkscape_svg(), state="selected", app=app).id]
    client = app.test_client()
    log_in_as(client, app, "printer")
    export(app, client, layout, ids)
    export(app, client, layout, ids)
    assert renders == [1]
    with app.app_context():
        assert len(db.session.scalars(select(Export)).all()) == 2
