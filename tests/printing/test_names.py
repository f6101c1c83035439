"""The layouts and print-shop presets we ship are named in the reader's language on every page;
an operator's own layouts keep the words their files give."""

from __future__ import annotations

import html

import pytest

from gallery.extensions import db
from gallery.models import Export, WorkState
from gallery.printing import catalog, names
from gallery.printing.engine import layouts, presets
from tests.conftest import csrf_token_in
from tests.factories import store_work
from tests.printing.export_kit import (
    ONE_SQUARE,
    export_id_from,
    form_query,
    post_export,
    sharp_jpeg,
    singles_form,
)

RUSSIAN = {"Accept-Language": "ru"}


def test_every_shipped_layout_and_preset_has_its_words_marked_for_translation() -> None:
    """A layout or preset added to the shipped folders fails here until its words are marked
    (and so reach every catalog, which tests/test_i18n.py holds complete)."""
    texts = set()
    for layout in layouts.load_layouts(layouts.builtin_dir()).values():
        texts |= {layout.name, layout.description} - {""}
    texts |= {preset.name for preset in presets.load_presets(presets.builtin_dir()).values()}
    assert texts - names.SHIPPED_TEXTS == set()
    assert len(texts) >= 24


@pytest.fixture
def works(app) -> list[int]:
    """One credited work, selected for print."""
    return [store_work(image=sharp_jpeg(), credit="Jane Doe", state=WorkState.SELECTED, app=app).id]


def test_the_print_page_names_shipped_layouts_in_the_readers_language(printer) -> None:
    """The layout list, the chosen layout's note and the sheet preview speak Russian."""
    page = html.unescape(
        printer.get("/print?layout=avery-l7160&defaults_for=avery-l7160", headers=RUSSIAN).text
    )
    assert "Avery L7160 / J8160, 21 этикетка 63,5 × 38,1 мм" in page
    assert "Самоклеящаяся бумага A4, 6 квадратов 90 × 90 мм" in page
    assert "Почтовые этикетки; размеры из шаблона gLabels Avery 7160" in page
    assert "21 labels 63.5" not in page and "Mailing labels" not in page
    # The label size under the list is written as Russian readers write numbers.
    assert "этикетки 64 × 38,1 мм" in page
    english = html.unescape(printer.get("/print?layout=avery-l7160&defaults_for=avery-l7160").text)
    assert "Avery L7160 / J8160, 21 labels 63.5 × 38.1 mm" in english


def test_the_singles_page_names_the_print_shops_in_the_readers_language(printer) -> None:
    """The print-shop presets are listed in Ukrainian on a Ukrainian page."""
    page = html.unescape(printer.get("/print/singles", headers={"Accept-Language": "uk"}).text)
    assert "Друкарня: поштучні наліпки з висічкою" in page
    assert "Домашній або офісний принтер" in page
    assert "Home or office printer" not in page


def test_an_export_keeps_its_english_name_and_is_shown_translated(app, printer, works) -> None:
    """The export records the layout's name as made; its pages show it in the reader's
    language, and die-cut singles by their size."""
    sheet = export_id_from(post_export(printer, form_query(works=works)))
    with app.app_context():
        assert db.session.get(Export, sheet).layout_name == "A4 sticker paper, 6 squares 90 × 90 mm"
    shown = html.unescape(printer.get(f"/print/exports/{sheet}", headers=RUSSIAN).text)
    assert "Самоклеящаяся бумага A4, 6 квадратов 90 × 90 мм" in shown
    listing = html.unescape(printer.get("/print/exports", headers={"Accept-Language": "de"}).text)
    assert "Aufkleberpapier A4, 6 Quadrate 90 × 90 mm" in listing

    token = csrf_token_in(printer.get("/print/singles").text)
    singles = printer.post("/print/singles", data=singles_form(token, works))
    assert singles.status_code == 303, singles.text
    listing = html.unescape(printer.get("/print/exports", headers=RUSSIAN).text)
    assert "Стикеры с вырубкой по одному, 60 мм" in listing
    assert "Die-cut singles" not in listing


def test_an_operators_own_layout_keeps_its_own_words(app, printer, tmp_path) -> None:
    """A layout from the operator's folder, even one redefining a shipped id, is shown exactly
    as its file names it, in every language; only our own words are translated."""
    folder = tmp_path / "imported-layouts"
    folder.mkdir(exist_ok=True)
    layout_id = "plain-a4-6-square-90"
    (folder / f"{layout_id}.toml").write_text(
        ONE_SQUARE.format(id=layout_id, mm=90, page_w=130, page_h=130, x0=20, y0=20, dx=90, dy=90)
    )
    catalog.forget()
    page = html.unescape(
        printer.get(f"/print?layout={layout_id}&defaults_for={layout_id}", headers=RUSSIAN).text
    )
    assert "One 90 mm square" in page
    assert "6 квадратов 90 × 90 мм" not in page
    with app.test_request_context(headers={"Accept-Language": "de"}):
        assert names.shown("Home or office printer") == "Heim- oder Bürodrucker"
        assert names.shown("Home or office printer (ours)") == "Home or office printer (ours)"
