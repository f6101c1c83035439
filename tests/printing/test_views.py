"""The print pages as a printer uses them: choose, preview at true size, export, download."""

from __future__ import annotations

import re

import pytest

from gallery.extensions import db
from gallery.models import Export, ExportState, WorkState, WorkStatus
from gallery.storage.files import get_storage
from tests.conftest import log_in_as
from tests.factories import make_export, store_work
from tests.printing.export_kit import (
    A4,
    LAYOUT,
    export_id_from,
    form_query,
    pdf_pages,
    post_export,
    sharp_jpeg,
    small_png,
)
from tests.printing.render_kit import TOL_MM


@pytest.fixture
def works(app):
    """Two works selected for print: a credited sharp photo and an anonymous small PNG."""
    credited = store_work(
        image=sharp_jpeg(), credit="Jane Doe", title="Sunrise", state=WorkState.SELECTED, app=app
    ).id
    anonymous = store_work(
        image=small_png(), credit="", title="Nameless", state=WorkState.SELECTED, app=app
    ).id
    return credited, anonymous


def test_print_page_lists_selected_consented_works_ticked_by_default(app, printer, works):
    """The first visit offers the selected works with print consent, each ticked once."""
    other = store_work(
        image=sharp_jpeg(), title="Not chosen", state=WorkStatus.SHORTLISTED, app=app
    ).id
    html = printer.get("/print").get_data(as_text=True)
    for work_id in works:
        assert f'name="work" value="{work_id}" id="work-{work_id}" checked' in html
    assert f'value="{other}"' not in html
    assert 'src="/static/print.js"' in html and "<script>" not in html


def test_preview_is_true_size_with_one_image_per_placement_and_warns_in_words(printer, works):
    """The preview SVG is the sheet in mm, one <image> per sticker; low resolution is named."""
    credited, anonymous = works
    query = form_query(works=works, copies={credited: 2})
    html = printer.get("/print/preview", query_string=query).get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert f'width="{A4[0]:g}mm" height="{A4[1]:g}mm"' in svg
    assert svg.count("<image ") == 3
    assert svg.count(f"/print/works/{credited}/image/") == 2
    assert "Jane Doe" in svg
    warnings = re.findall(r'<li class="low-res-warning">(.*?)</li>', html, re.S)
    assert len(warnings) == 1 and "Nameless" in warnings[0] and f"work {anonymous}" in warnings[0]

    standalone = printer.get("/print/preview.svg", query_string={**query, "sheet": "1"})
    assert standalone.mimetype == "image/svg+xml"
    assert standalone.get_data(as_text=True).count("<image ") == 3


def test_preview_images_are_served_only_for_printable_works(app, printer, works):
    """A work's WebP derivative is served to printers, but not for a work without consent."""
    refused = store_work(
        image=sharp_jpeg(), consent_print=False, state=WorkState.SELECTED, app=app
    ).id
    ok = printer.get(f"/print/works/{works[0]}/image/320.webp")
    assert ok.status_code == 200 and ok.mimetype == "image/webp"
    assert printer.get(f"/print/works/{refused}/image/320.webp").status_code == 403
    assert printer.get(f"/print/works/{works[0]}/image/999.webp").status_code == 404


def test_layout_search_is_a_plain_get_and_layout_defaults_fill_the_options(printer):
    """Searching narrows the layout list; a newly chosen layout brings its own defaults."""
    html = printer.get("/print", query_string={"q": "avery l7163"}).get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="([^"]+)"', html)
    assert options == ["avery-l7163"]
    # The label layout's defaults say bleed 0; the plain sheet's say 2 mm and crop marks.
    query = {**form_query(layout="avery-l7163"), "defaults_for": LAYOUT, "bleed_mm": "2"}
    html = printer.get("/print", query_string=query).get_data(as_text=True)
    assert re.search(r'name="bleed_mm"[^>]*value="0(\.0)?"', html)
    query = {**form_query(), "defaults_for": "", "bleed_mm": "5"}
    html = printer.get("/print", query_string=query).get_data(as_text=True)
    assert re.search(r'name="bleed_mm"[^>]*value="2(\.0)?"', html)
    assert "checked" in re.search(r'<input[^>]*name="crop_marks"[^>]*>', html).group(0)


def test_export_runs_is_listed_with_options_and_downloads_a_credited_pdf(app, printer, works):
    """Create PDF → the job finishes → listed with options → the PDF is right on paper."""
    response = post_export(printer, form_query(works=works, credit="on", crop_marks="y"))
    assert response.status_code == 303
    export_id = export_id_from(response)
    page = printer.get(f"/print/exports/{export_id}").get_data(as_text=True)
    assert "Download PDF" in page and 'http-equiv="refresh"' not in page

    listing = printer.get("/print/exports").get_data(as_text=True)
    assert "A4 sticker paper, 6 squares 90" in listing
    assert "credit on the sticker" in listing and "crop marks" in listing
    assert "bleed 2 mm" in listing and "1 work in low resolution" in listing

    pdf = printer.get(f"/print/exports/{export_id}/download")
    assert pdf.mimetype == "application/pdf"
    assert f"stickers-{export_id}-{LAYOUT}.pdf" in pdf.headers["Content-Disposition"]
    pages = pdf_pages(pdf.data)
    assert len(pages) == 2  # one sheet and the credits page
    width, height, sheet_text = pages[0]
    assert abs(width - A4[0]) < TOL_MM and abs(height - A4[1]) < TOL_MM
    assert sheet_text.count("Jane Doe") == 1
    assert "Anonymous" not in sheet_text and "Nameless" not in sheet_text
    credits = pages[1][2]
    assert "Credits" in credits and "Sunrise" in credits and "Jane Doe" in credits
    assert "Nameless" in credits and "Anonymous" in credits


def test_a_work_without_print_consent_is_refused_with_a_reason(app, printer, works):
    """Posting a work whose artist did not agree to print makes no export and says why."""
    refused = store_work(
        image=sharp_jpeg(), consent_print=False, state=WorkState.SELECTED, app=app
    ).id
    response = post_export(printer, form_query(works=(works[0], refused)))
    assert response.status_code == 422
    assert f"The artist of work {refused} did not agree to print." in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.query(Export).count() == 0


def test_a_curator_without_the_printer_role_gets_403(app, client, works):
    """Curators cannot open the print pages, previews or exports."""
    log_in_as(client, app, "curator")
    for url in ("/print", "/print/preview", "/print/exports", "/print/exports/1/status"):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/print/works/{works[0]}/image/320.webp").status_code == 403


def test_a_running_export_shows_progress_and_a_reload_link_without_js(app, printer):
    """While the job runs the page has a <progress> bar; without JS a link reloads it (no
    timed refresh: the reader chooses when, WCAG 2.2.1)."""
    export_id = make_export(state=ExportState.RUNNING, progress=1, total=3, app=app).id
    html = printer.get(f"/print/exports/{export_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in html
    assert re.search(
        rf'<noscript><a href="/print/exports/{export_id}">Reload to see the progress</a>', html
    )
    assert re.search(r'<progress max="3" value="1"', html)
    status = printer.get(f"/print/exports/{export_id}/status").get_json()
    assert status == {"id": export_id, "state": "running", "progress": 1, "total": 3, "sheets": 0}
    assert printer.get(f"/print/exports/{export_id}/download").status_code == 404


def test_deleting_an_export_removes_its_pdf(app, printer, works):
    """Delete → the row and the stored PDF are gone."""
    export_id = export_id_from(post_export(printer, form_query(works=works[:1])))
    with app.app_context():
        key = db.session.get(Export, export_id).pdf_key
        assert get_storage().exists(key)
    page = printer.get(f"/print/exports/{export_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = printer.post(f"/print/exports/{export_id}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Export, export_id) is None
        assert not get_storage().exists(key)


def test_posting_without_csrf_token_is_refused(printer, works):
    """The export form is protected against cross-site posts."""
    response = printer.post("/print/exports", data=form_query(works=works))
    assert response.status_code == 400
