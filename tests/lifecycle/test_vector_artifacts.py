"""A drawing's vector source and its print rasters are artifacts of the work like any other.

Deletion takes them, the sweeper knows them (owned, orphaned, missing), backups hold the
source, and a withdrawn drawing's exports are never handed out again.
"""

from __future__ import annotations

import json
import os
import time

from sqlalchemy import select

from gallery.extensions import db
from gallery.lifecycle.deletion import delete_works
from gallery.models import DeletionReason, Export, Work
from gallery.ops.backup import backup
from gallery.storage import keys as filekeys
from gallery.storage.files import get_storage
from gallery.storage.sweep import sweep_storage
from tests.factories import store_work
from tests.lifecycle.conftest import export_works, stored_keys
from tests.vector_files import inkscape_svg, pdf_drawing


def vector_work(app, image: bytes | None = None) -> Work:
    """Store a drawing as an artist's upload, published and selected for print."""
    return store_work(image=image or inkscape_svg(), state="published+selected", app=app)


def test_deleting_a_drawing_removes_its_source_and_every_raster(app, runner, tmp_path):
    """Source, master, previews and print-cache rasters go; the other work's files stay."""
    drawing = vector_work(app)
    other = vector_work(app, pdf_drawing())
    export_works(app, runner, tmp_path, drawing.id, other.id)
    with app.app_context():
        row = db.session.get(Work, drawing.id)
        mine = {k for k in stored_keys(app) if row.file_token in k}
        assert row.vector_key in mine
        assert any(k.startswith(filekeys.print_cache_prefix(row.id, row.file_token)) for k in mine)
        delete_works([row], reason=DeletionReason.ARTIST)
        db.session.commit()
        theirs = set(db.session.get(Work, other.id).file_keys())
    left = stored_keys(app)
    assert not mine & left
    assert theirs <= left


def test_sweep_keeps_sources_removes_orphans_and_works_missing_theirs(app):
    """An owned source stays, an orphan source goes, a work without its source is deleted."""
    kept = vector_work(app)
    broken = vector_work(app, pdf_drawing())
    with app.app_context():
        storage = get_storage()
        orphan = filekeys.vector_key("orphantoken1", "svg")
        storage.write(orphan, b"<svg/>")
        old = time.time() - app.config["PENDING_UPLOAD_SECONDS"] - 60
        os.utime(storage.path(orphan), (old, old))
        storage.delete(db.session.get(Work, broken.id).vector_key)
        report = sweep_storage()
        db.session.commit()
        assert orphan in report.orphan_files
        assert [work_id for work_id, _key in report.missing_files] == [broken.id]
        assert db.session.get(Work, broken.id) is None
        assert storage.exists(db.session.get(Work, kept.id).vector_key)


def test_backups_hold_the_vector_source(app, tmp_path):
    """The source is a file the work's row owns, so a backup copies it."""
    drawing = vector_work(app)
    with app.app_context():
        key = db.session.get(Work, drawing.id).vector_key
        backup(tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert key in manifest["files"]


def test_a_withdrawn_drawing_is_never_handed_out_again(app, runner, tmp_path, printer):
    """Its export answers 409 and the print page refuses it; its source is never served."""
    drawing = vector_work(app)
    export_id = export_works(app, runner, tmp_path, drawing.id)
    with app.app_context():
        row = db.session.get(Work, drawing.id)
        row.status, row.published, row.selected = "withdrawn", False, False
        source = row.vector_key
        db.session.commit()
        assert db.session.scalars(select(Export.id)).all() == [export_id]
    assert printer.get(f"/print/exports/{export_id}/download").status_code == 409
    for url in (f"/{source}", f"/uploads/{source}", f"/works/{drawing.id}/vector.svg"):
        assert printer.get(url).status_code == 404
