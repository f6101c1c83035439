"""Helpers for the print export tests: an app with sync jobs, real stored works, PDF read-back."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber

from gallery import create_app
from gallery.extensions import db
from tests.conftest import csrf_token_in, database_url
from tests.printing.render_kit import jpeg_master, mm, png_master

LAYOUT = "plain-a4-6-square-90"  # A4, six 90 mm squares, bleed 2 mm, crop marks
A4 = (210.0, 297.0)


def make_app(tmp_path: Path, **overrides):
    """Return an app on a fresh database with its own layout folders and sync jobs."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url(tmp_path),
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "RATELIMIT_ENABLED": False,
        "MIN_IMAGE_SIDE": 64,
        "SERVER_NAME": "gallery.test",
        "JOB_BACKEND": "sync",
        "PRINT_IMPORT_DIR": str(tmp_path / "imported-layouts"),
        "PRINT_LAYOUT_DIRS": [],
    }
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


def close_app(app) -> None:
    """Drop the test database and release its connections."""
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def export_row(app, export_id: int):
    """Return a fresh, detached copy of an export's row as the database holds it now."""
    from gallery.models import Export

    with app.app_context():
        export = db.session.get(Export, export_id)
        db.session.expunge(export)
        return export


def sharp_jpeg() -> bytes:
    """Return an opaque photo large enough for a 90 mm sticker at 300 dpi."""
    return jpeg_master((1200, 1200))


def small_png() -> bytes:
    """Return a transparent artwork far too small for a 90 mm sticker."""
    return png_master((300, 300))


def form_query(layout: str = LAYOUT, works=(), copies=None, **options) -> dict:
    """Return the print form's fields as sent by a browser (lists for repeated names)."""
    data: dict = {"layout": layout, "defaults_for": layout, "work": [str(w) for w in works]}
    for work_id in works:
        data[f"copies-{work_id}"] = str((copies or {}).get(work_id, 1))
    data.update({"start_at": "1", "credit": "on", "credits_page": "y", "bleed_mm": "2"})
    data.update({"fit": "contain", "offset_x_mm": "0", "offset_y_mm": "0", "scale": "1"})
    data.update({key: str(value) for key, value in options.items()})
    return data


def post_export(client, data: dict):
    """Send the "Create PDF" form with a CSRF token taken from the print page."""
    token = csrf_token_in(client.get("/print").get_data(as_text=True))
    return client.post("/print/exports", data={**data, "csrf_token": token})


def export_id_from(response) -> int:
    """Return the export id a "Create PDF" redirect points to."""
    match = re.search(r"/print/exports/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def pdf_pages(data: bytes) -> list[tuple[float, float, str]]:
    """Return (width mm, height mm, text) per page of a PDF."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [(mm(p.width), mm(p.height), p.extract_text() or "") for p in pdf.pages]


ONE_SQUARE = """
id = "{id}"
name = "One {mm} mm square"
mode = "plain"
page = {{ size = "custom", width_mm = {page_w}, height_mm = {page_h} }}
label = {{ shape = "rect", width_mm = {mm}, height_mm = {mm} }}

[[grid]]
columns = 1
rows = 1
x0_mm = {x0}
y0_mm = {y0}
dx_mm = {dx}
dy_mm = {dy}
"""


def one_square(folder, mm: int) -> str:
    """Write a layout with one ``mm`` square label centred on a page just big enough."""
    layout_id = f"one-square-{mm}"
    page = mm + 40
    (folder / f"{layout_id}.toml").write_text(
        ONE_SQUARE.format(id=layout_id, mm=mm, page_w=page, page_h=page, x0=20, y0=20, dx=mm, dy=mm)
    )
    return layout_id


def embedded_ppi(pdf: bytes) -> list[tuple[float, float]]:
    """Return (horizontal, vertical) pixels per inch of every image on every page."""
    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for image in page.images:
                width_in = (image["x1"] - image["x0"]) / 72
                height_in = (image["bottom"] - image["top"]) / 72
                src_w, src_h = image["srcsize"]
                found.append((src_w / width_in, src_h / height_in))
    return found


def singles_form(token: str, works: list[int], **changes) -> dict:
    """Return the singles form as the browser sends "Create PDF"."""
    data = {
        "csrf_token": token,
        "preset": "generic-die-cut",
        "defaults_for": "generic-die-cut",
        "size_mm": "60",
        "shape": "circle",
        "bleed_mm": "2",
        "credit": "on",
        "cmyk": "y",
        "work": [str(w) for w in works],
    }
    data.update({f"copies-{w}": "2" for w in works})
    data.update(changes)
    return data
