"""An artist sends an Inkscape SVG and an Illustrator PDF; a printer exports them at 150 mm."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Work
from tests.browser import log_in_page
from tests.factories import make_staff, set_state
from tests.printing.export_kit import embedded_ppi, form_query, one_square
from tests.vector_files import inkscape_svg, pdf_drawing


def test_drawings_from_the_form_print_at_300_ppi_at_150_mm(page, live_app, tmp_path):
    """Receipt says "vector: sharp at any size"; the 150 mm export embeds 300 ppi rasters."""
    svg, ai = tmp_path / "freedom.svg", tmp_path / "freedom-poster.ai"
    svg.write_bytes(inkscape_svg())
    ai.write_bytes(pdf_drawing())

    page.goto("/submit")
    page.set_input_files("input[name='images-0-file']", str(svg))
    page.set_input_files("input[name='images-1-file']", str(ai))
    page.fill("input[name='credit']", "Маша К.")
    page.check("input[name='consent_publish']")
    page.check("input[name='consent_print']")
    page.wait_for_timeout(1100)  # the time trap refuses forms sent within a second
    page.click("button[type='submit']")
    page.wait_for_url(re.compile(r"/submit/receipt$"))
    assert page.get_by_text("vector: sharp at any size").count() == 2

    with live_app.app_context():
        works = db.session.scalars(select(Work).order_by(Work.position)).all()
        assert [work.vector_ext for work in works] == ["svg", "pdf"]
        for work in works:
            set_state(work, "selected")
        db.session.commit()
        ids = [work.id for work in works]
    folder = tmp_path / "layouts"
    folder.mkdir()
    live_app.config["PRINT_LAYOUT_DIRS"] = [str(folder)]
    layout = one_square(folder, 150)

    log_in_page(page, make_staff(live_app, "printer"))
    page.goto("/print?" + urlencode(form_query(layout, ids, bleed_mm="0"), doseq=True))
    page.click("button:has-text('Preview')")
    page.wait_for_selector("svg image")
    page.click("button:has-text('Create PDF')")
    page.wait_for_url(re.compile(r"/print/exports/\d+$"))
    page.wait_for_selector("a:has-text('Download PDF')", timeout=120_000)
    with page.expect_download() as download_info:
        page.click("a:has-text('Download PDF')")
    pdf = download_info.value.path().read_bytes()

    found = embedded_ppi(pdf)
    assert len(found) == 2
    for ppi_x, ppi_y in found:
        assert ppi_x == pytest.approx(300, rel=0.01)
        assert ppi_y == pytest.approx(300, rel=0.01)
