"""An artist sends an Inkscape SVG and an Illustrator PDF; a printer exports them at 150 mm."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Work
from tests.browser import export_and_download, log_in_page, send_submission
from tests.factories import make_staff, set_state
from tests.printing.export_kit import embedded_ppi, form_query, one_square
from tests.vector_files import inkscape_svg, pdf_drawing


def test_drawings_from_the_form_print_at_300_ppi_at_150_mm(page, live_app, tmp_path):
    """Receipt says "vector: sharp at any size"; the 150 mm export embeds 300 ppi rasters."""
    svg, ai = tmp_path / "freedom.svg", tmp_path / "freedom-poster.ai"
    svg.write_bytes(inkscape_svg())
    ai.write_bytes(pdf_drawing())

    send_submission(page, [svg, ai], credit="Маша К.")
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
    pdf = export_and_download(page, stickers=2)

    found = embedded_ppi(pdf)
    assert len(found) == 2
    for ppi_x, ppi_y in found:
        assert ppi_x == pytest.approx(300, rel=0.01)
        assert ppi_y == pytest.approx(300, rel=0.01)
