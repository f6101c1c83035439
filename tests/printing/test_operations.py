"""Export operations called directly: which works may print, planning limits, render, delete."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pytest
from flask_babel import force_locale

from gallery import jobs
from gallery.extensions import db
from gallery.models import Export, ExportState, Work, WorkState, WorkStatus
from gallery.printing import catalog, operations
from gallery.printing.engine import raster
from gallery.storage.files import get_storage
from tests.factories import store_work
from tests.printing.export_kit import LAYOUT, close_app, make_app, pdf_pages, sharp_jpeg, small_png
from tests.printing.render_kit import png_master


@pytest.fixture
def app(tmp_path):
    """An app whose export jobs run inline, with at most two sheets per export."""
    app = make_app(tmp_path, PRINT_MAX_SHEETS=2)
    yield app
    close_app(app)


@contextmanager
def in_app(app):
    """Work inside ``app`` as a command would: app context, default language."""
    with app.app_context(), force_locale("en"):
        yield


def _start(app, items, **options) -> int:
    """Start an export on the plain A4 layout as the command line would; return its id."""
    layout = catalog.get_layout(LAYOUT)
    export = operations.start_export(
        layout=layout,
        items=items,
        options=operations.export_options(layout, options),
        fill=False,
        by=None,
    )
    db.session.commit()
    return export.id


def test_printable_works_are_selected_ones_with_print_consent(app):
    """Only selected works whose artists agreed to print are offered by default."""
    ok = store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=app).id
    store_work(image=sharp_jpeg(), consent_print=False, state=WorkState.SELECTED, app=app)
    store_work(image=sharp_jpeg(), state=WorkStatus.SHORTLISTED, app=app)
    store_work(image=sharp_jpeg(), state=WorkStatus.WITHDRAWN, app=app)
    with in_app(app):
        assert [w.id for w in operations.printable_works()] == [ok]
        assert len(operations.print_candidates()) == 3  # all but the withdrawn one


def test_start_export_refuses_each_unprintable_work_with_its_reason(app):
    """No consent, withdrawn and unknown works are each named; nothing is queued."""
    no_consent = store_work(
        image=sharp_jpeg(), consent_print=False, state=WorkState.SELECTED, app=app
    ).id
    withdrawn = store_work(image=sharp_jpeg(), state=WorkStatus.WITHDRAWN, app=app).id
    with in_app(app):
        with pytest.raises(operations.ExportRefused) as refused:
            _start(app, [(no_consent, 1), (withdrawn, 1), (999, 1)])
        assert refused.value.reasons == [
            f"The artist of work {no_consent} did not agree to print.",
            f"Work {withdrawn} was withdrawn by the artist.",
            "There is no work 999.",
        ]
        assert db.session.query(Export).count() == 0


def test_start_export_stops_at_the_sheet_limit(app):
    """Thirteen stickers on six-label sheets need three sheets: over the limit of two."""
    work = store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=app).id
    with in_app(app), pytest.raises(operations.ExportRefused, match="limit of 2"):
        _start(app, [(work, 13)])


def test_start_export_records_choices_plan_and_low_resolution_warnings(app):
    """The row keeps options, items, sheet count and the works below the minimum DPI."""
    sharp = store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=app).id
    small = store_work(image=small_png(), title="Tiny", state=WorkState.SELECTED, app=app).id
    with in_app(app):
        export = db.session.get(Export, _start(app, [(sharp, 2), (small, 1)], bleed_mm=1))
        assert export.state is ExportState.QUEUED and export.created_by_id is None
        assert export.item_list == [(sharp, 2), (small, 1)]
        assert json.loads(export.options)["bleed_mm"] == 1.0
        assert export.option_values["min_dpi"] == 300
        assert (export.sheets, export.total) == (1, 2)
        [warning] = export.warning_list
        assert warning["work_id"] == small and warning["title"] == "Tiny"
        assert warning["dpi"] < 100


def test_a_re_export_reads_cached_print_rasters_and_never_decodes_masters_again(app):
    """The second export of the same works at the same size decodes no master."""
    works = [
        store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=app).id,
        store_work(image=small_png(), state=WorkState.SELECTED, app=app).id,
    ]
    with in_app(app):
        first = _start(app, [(w, 1) for w in works])
        jobs.run_job("export", first)
        decoded = raster.decode_count
        second = _start(app, [(w, 2) for w in works])
        jobs.run_job("export", second)
        assert raster.decode_count == decoded
        a, b = (db.session.get(Export, i) for i in (first, second))
        assert a.state is b.state is ExportState.DONE
        assert a.pdf_key != b.pdf_key
        assert len(pdf_pages(get_storage().read(b.pdf_key))) == 2


def test_a_big_png_work_exports_from_its_print_source_without_reading_the_master(app):
    """The intake's reduced copy holds enough pixels for the sticker, so the master stays shut."""
    work_id = store_work(image=png_master((4900, 600)), state=WorkState.SELECTED, app=app).id
    with in_app(app):
        work = db.session.get(Work, work_id)
        assert work.print_factor == 3
        get_storage().delete(work.master_key)  # any read of it would now fail the export
        export_id = _start(app, [(work_id, 1)])
        jobs.run_job("export", export_id)
        export = db.session.get(Export, export_id)
        assert export.state is ExportState.DONE, export.error
        assert len(pdf_pages(get_storage().read(export.pdf_key))) == 2  # sheet + credits


def test_consent_withdrawn_after_queueing_fails_the_job_with_the_reason(app):
    """Consent is checked again when the job runs, not only when it is queued."""
    work = store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=app).id
    with in_app(app):
        export_id = _start(app, [(work, 1)])
        db.session.get(Work, work).entry.consent_print = False
        db.session.commit()
        jobs.run_job("export", export_id)
        export = db.session.get(Export, export_id)
        assert export.state is ExportState.FAILED and export.pdf_key is None
        assert export.error == f"The artist of work {work} did not agree to print."


def test_delete_export_removes_the_pdf_only_after_commit(app):
    """A rolled-back delete keeps the PDF; a committed one removes it."""
    work = store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=app).id
    with in_app(app):
        export_id = _start(app, [(work, 1)])
        jobs.run_job("export", export_id)
        export = db.session.get(Export, export_id)
        key = export.pdf_key
        operations.delete_export(export=export, by=None)
        db.session.rollback()
        assert get_storage().exists(key)
        operations.delete_export(export=db.session.get(Export, export_id), by=None)
        db.session.commit()
        assert not get_storage().exists(key)
        assert db.session.get(Export, export_id) is None


def test_an_export_being_made_cannot_be_deleted(app):
    """Deleting a queued export would pull the row from under its job."""
    work = store_work(image=sharp_jpeg(), state=WorkState.SELECTED, app=app).id
    with in_app(app):
        export = db.session.get(Export, _start(app, [(work, 1)]))
        with pytest.raises(ValueError, match="being made"):
            operations.delete_export(export=export, by=None)


def test_catalog_picks_up_a_new_layout_file_without_a_restart(app, monkeypatch):
    """A layout written to the import folder appears on the next look (mtime check)."""
    monkeypatch.setattr(catalog, "RECHECK_SECONDS", 0.0)
    with in_app(app):
        assert catalog.get_layout("custom-test") is None
        source = (catalog.layout_dirs()[0] / f"{LAYOUT}.toml").read_text()
        folder = catalog.import_dir()
        folder.mkdir(parents=True)
        custom = source.replace(f'id = "{LAYOUT}"', 'id = "custom-test"')
        (folder / "custom-test.toml").write_text(custom)
        assert catalog.get_layout("custom-test").labels_per_sheet == 6
        assert catalog.find_layouts("custom-test")[0].id == "custom-test"
