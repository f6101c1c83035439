"""Built-in print layouts, the TOML layout format and export options."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest

from gallery.printing.engine.glabels import glabels_default_dir, import_glabels
from gallery.printing.engine.layouts import (
    builtin_dir,
    dump_layout,
    load_layout,
    load_layouts,
    search_layouts,
)
from gallery.printing.engine.options import CreditPlacement, ExportOptions, Fit, Mode, Shape

A4 = (210.0, 297.0)
LETTER = (215.9, 279.4)

GOOD = """
id = "test-sheet"
name = "Test sheet"
mode = "{mode}"
page = {{ size = "A4" }}
label = {{ shape = "rect", width_mm = {w}, height_mm = 40 }}

[[grid]]
columns = 2
rows = 3
x0_mm = 10
y0_mm = 10
dx_mm = {dx}
dy_mm = 50

[defaults]
bleed_mm = {bleed}
"""


def write(tmp_path: Path, text: str, name: str = "sheet.toml") -> Path:
    """Write a layout file and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def good(mode: str = "labels", w: float = 90, dx: float = 100, bleed: float = 1) -> str:
    """Return a valid layout file text with the given knobs."""
    return GOOD.format(mode=mode, w=w, dx=dx, bleed=bleed)


@pytest.fixture(scope="module")
def builtins():
    """All built-in layouts."""
    return load_layouts(builtin_dir())


def test_every_builtin_has_cells_on_the_page_and_none_overlap(builtins):
    """Checked here by brute force, independently of the loader's own validation."""
    assert builtins
    for layout in builtins.values():
        cells = layout.cells()
        assert len(cells) == layout.labels_per_sheet >= 1, layout.id
        assert [c.index for c in cells] == list(range(len(cells)))
        for c in cells:
            b = c.box
            assert b.x >= -0.01 and b.y >= -0.01, (layout.id, c.index)
            assert b.x + b.width <= layout.page_width + 0.01, (layout.id, c.index)
            assert b.y + b.height <= layout.page_height + 0.01, (layout.id, c.index)
        for a, b in itertools.combinations([c.box for c in cells], 2):
            overlap_x = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
            overlap_y = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
            assert overlap_x <= 0.01 or overlap_y <= 0.01, layout.id


def test_builtins_cover_a4_letter_every_shape_and_mode(builtins):
    """At least eight sheets: A4 and US Letter, rectangles, squares, circles, all three modes."""
    layouts = list(builtins.values())
    assert len(layouts) >= 8
    pages = {(round(lay.page_width, 1), round(lay.page_height, 1)) for lay in layouts}
    assert A4 in pages and LETTER in pages
    shapes = {lay.shape for lay in layouts}
    assert {Shape.CIRCLE, Shape.ROUNDED} <= shapes and shapes & {Shape.RECT}
    assert any(lay.shape is Shape.RECT and lay.label_width == lay.label_height for lay in layouts)
    assert {lay.mode for lay in layouts} == set(Mode)
    assert all(lay.source == "builtin" for lay in layouts)
    plain = [lay for lay in layouts if lay.mode is Mode.PLAIN]
    assert all(lay.defaults.crop_marks for lay in plain)


def test_label_stock_default_bleed_never_reaches_the_neighbouring_label(builtins):
    """On pre-cut labels the default bleed is at most half the smallest gap."""
    for layout in builtins.values():
        if layout.mode is Mode.LABELS:
            assert layout.defaults.bleed_mm <= min(layout.gap_x, layout.gap_y) / 2 + 1e-9


@pytest.mark.skipif(
    glabels_default_dir() is None,
    reason="glabels-data not installed; apt-get install glabels-data",
)
@pytest.mark.parametrize(
    ("builtin", "imported"),
    [("avery-l7160", "glabels-avery-l7160"), ("avery-5294", "glabels-avery-5294")],
)
def test_builtin_label_stock_has_the_glabels_geometry(builtins, builtin, imported):
    """Built-in Avery sheets are the gLabels templates' geometry, cell for cell."""
    ref = {lay.id: lay for lay in import_glabels(glabels_default_dir())}[imported]
    mine = builtins[builtin]
    assert (mine.label_width, mine.label_height) == pytest.approx(
        (ref.label_width, ref.label_height), abs=0.001
    )
    for a, b in zip(mine.cells(), ref.cells(), strict=True):
        assert (a.box.x, a.box.y) == pytest.approx((b.box.x, b.box.y), abs=0.001)


def test_dump_and_load_round_trip_every_builtin(builtins, tmp_path):
    """dump_layout writes exactly what load_layout reads back."""
    for layout in builtins.values():
        assert load_layout(write(tmp_path, dump_layout(layout))) == layout


def test_dump_escapes_quotes_backslashes_and_newlines(builtins, tmp_path):
    """Odd characters in names survive the TOML round trip."""
    from dataclasses import replace

    odd = replace(builtins["avery-l7160"], name='Quote " back\\slash\nnew line', brand="Zoë")
    assert load_layout(write(tmp_path, dump_layout(odd))) == odd


def test_page_size_by_name_only(tmp_path):
    """`page = { size = "A4" }` fills in 210 × 297 mm."""
    layout = load_layout(write(tmp_path, good()))
    assert (layout.page_width, layout.page_height) == A4
    assert layout.cells()[-1].box.y == 10 + 2 * 50


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("width_mm = 90", "width_mm = -5"), "label.width_mm"),
        (("columns = 2", "columns = 0"), "grid[0].columns"),
        (('shape = "rect"', 'shape = "star"'), "label.shape"),
        (('mode = "labels"', 'mode = "sticky"'), "mode"),
        (("[defaults]", "colour = 1\n[defaults]"), "unknown"),
        (("bleed_mm = 1", "bleed_mm = 1\nfit = 'squash'"), "fit"),
    ],
)
def test_bad_fields_are_named_with_the_file(tmp_path, change, field):
    """Errors say which file and which field is wrong."""
    path = write(tmp_path, good().replace(*change), "broken-sheet.toml")
    with pytest.raises(ValueError) as err:
        load_layout(path)
    assert "broken-sheet.toml" in str(err.value)
    assert field in str(err.value)


def test_overlapping_or_off_page_cells_are_rejected(tmp_path):
    """A pitch smaller than the label, or a grid running off the page, is an error."""
    with pytest.raises(ValueError, match="overlap"):
        load_layout(write(tmp_path, good(dx=80)))
    with pytest.raises(ValueError, match="outside the page"):
        load_layout(write(tmp_path, good(w=100, dx=120)))


def test_label_stock_bleed_larger_than_half_the_gap_is_rejected(tmp_path):
    """10 mm between labels allows 5 mm bleed on label stock, not 6; plain paper may."""
    assert load_layout(write(tmp_path, good(bleed=5))).defaults.bleed_mm == 5
    with pytest.raises(ValueError, match="bleed"):
        load_layout(write(tmp_path, good(bleed=6)))
    assert load_layout(write(tmp_path, good(mode="plain", bleed=6))).mode is Mode.PLAIN


def test_later_folders_override_earlier_ids_and_duplicates_fail(tmp_path):
    """load_layouts: the last folder wins; the same id twice in one folder is an error."""
    first, second = tmp_path / "a", tmp_path / "b" / "deep"
    first.mkdir()
    second.mkdir(parents=True)
    write(first, good(), "one.toml")
    write(second, good().replace('name = "Test sheet"', 'name = "Override"'), "two.toml")
    layouts = load_layouts(first, tmp_path / "b", tmp_path / "missing")
    assert layouts["test-sheet"].name == "Override"
    write(first, good(), "again.toml")
    with pytest.raises(ValueError, match="already used"):
        load_layouts(first)
    write(second, "id = ", "bad.toml")
    assert "test-sheet" in load_layouts(second, strict=False)


def test_search_matches_every_word_in_any_field(builtins):
    """Search is case-insensitive over id, name, brand, part and description."""
    assert [lay.id for lay in search_layouts(builtins, "l7160")] == ["avery-l7160"]
    assert {lay.id for lay in search_layouts(builtins, "AVERY round")} == {"avery-5294"}
    assert all(lay.brand == "Silhouette" for lay in search_layouts(builtins, "silhouette"))
    assert search_layouts(builtins, "nothing-like-this") == []
    assert len(search_layouts(builtins, "")) == len(builtins)


def test_export_options_round_trip_and_coerce_form_values():
    """from_mapping reads strings from forms; to_mapping gives plain values back."""
    opts = ExportOptions.from_mapping(
        {"bleed_mm": "2,5", "crop_marks": "on", "credit": "UNDER", "fit": "cover", "dpi": "600"}
    )
    assert opts.bleed_mm == 2.5 and opts.crop_marks is True and opts.dpi == 600
    assert opts.credit is CreditPlacement.UNDER and opts.fit is Fit.COVER
    assert ExportOptions.from_mapping(opts.to_mapping()) == opts
    assert opts.to_mapping()["credit"] == "under"


@pytest.mark.parametrize(
    "data",
    [
        {"bleeding": 1},
        {"bleed_mm": -1},
        {"bleed_mm": math.nan},
        {"scale": 2},
        {"start_at": 0},
        {"start_at": 1.5},
        {"crop_marks": "perhaps"},
        {"dpi": True},
        {"credit": "beside"},
        {"cut_colour_name": "Cut Contour/../x"},
    ],
)
def test_export_options_reject_bad_values(data):
    """Unknown keys, wrong types and out-of-range values raise ValueError naming the key."""
    with pytest.raises(ValueError, match=next(iter(data)).split("_")[0]):
        ExportOptions.from_mapping(data)
