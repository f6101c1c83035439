"""Importing gLabels templates: units, XML forms, and real templates from glabels-data."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from gallery.printing.engine.glabels import (
    glabels_default_dir,
    import_glabels,
    parse_length,
    write_imported,
)
from gallery.printing.engine.layouts import load_layouts
from gallery.printing.engine.options import Mode, Shape

PT = 25.4 / 72
INCH = 25.4
SYSTEM = glabels_default_dir()
needs_glabels = pytest.mark.skipif(
    SYSTEM is None, reason="glabels-data not installed; apt-get install glabels-data"
)

SMALL = """<?xml version="1.0"?>
<Glabels-templates>
  <Template brand="Acme" part="ST-12" size="A4" _description="Sticker sheet">
    <Meta category="label"/>
    <Label-rectangle id="0" width="60mm" height="1.5in" round="2mm" x_waste="1mm">
      <Markup-margin size="5"/>
      <Layout nx="3" ny="2" x0="10mm" y0="20mm" dx="65mm" dy="45mm"/>
      <Layout nx="2" ny="1" x0="1cm" y0="150mm" dx="100mm"/>
    </Label-rectangle>
  </Template>
  <Template brand="Acme" part="ST-12B" equiv="ST-12"/>
  <Template brand="Acme" part="ST-12C" equiv="ST-12B"/>
  <Template brand="Acme" part="RD 6" size="Other" width="100mm" height="6in" description="Dots">
    <Label-round id="0" radius="36pt" waste="0">
      <Layout nx="2" ny="1" x0="0.5in" y0="1pc" dx="54mm" dy="0"/>
    </Label-round>
  </Template>
  <Template brand="Acme" part="OV" size="US-Letter" _description="Ovals">
    <Label-ellipse id="0" width="2in" height="1in" waste="0.05in">
      <Layout nx="1" ny="1" x0="1in" y0="1in"/>
    </Label-ellipse>
  </Template>
  <Template brand="Acme" part="ROLL" size="Other" width="62mm" height="100mm">
    <Label-continuous id="0" width="62mm" min_height="10mm" max_height="100mm"/>
  </Template>
  <Template brand="Acme" part="FILM" size="A4" _description="Transfer film">
    <Meta print="mirrored"/>
    <Label-rectangle id="0" width="50mm" height="50mm"><Layout nx="1" ny="1" x0="0" y0="0"/>
    </Label-rectangle>
  </Template>
</Glabels-templates>
"""


def flat(points) -> list[float]:
    """Flatten (x, y) pairs for pytest.approx."""
    return [v for point in points for v in point]


@pytest.mark.parametrize(
    ("text", "mm"),
    [
        ("72", 25.4),
        ("36pt", 12.7),
        ("1in", 25.4),
        ("0.0625in", 1.5875),
        ("63.5mm", 63.5),
        ("2.5cm", 25.0),
        ("1pc", 12 * PT),
        (" 181.4 ", 181.4 * PT),
        ("-1mm", -1.0),
    ],
)
def test_lengths_bare_numbers_are_points(text, mm):
    """A bare number is in points; pt, in, mm, cm and pc suffixes are honoured."""
    assert parse_length(text) == pytest.approx(mm)


@pytest.mark.parametrize("text", ["", "in", "3 furlongs", "1.2.3mm", "12px"])
def test_lengths_that_are_not_lengths_raise(text):
    """Garbage is an error, not zero."""
    with pytest.raises(ValueError):
        parse_length(text)


@pytest.fixture
def small(tmp_path: Path) -> dict:
    """The inline template file, imported."""
    path = tmp_path / "acme-templates.xml"
    path.write_text(SMALL, encoding="utf-8")
    return {layout.id: layout for layout in import_glabels(path)}


def test_inline_rectangle_template_with_two_layouts(small):
    """Two <Layout> blocks follow each other in file order; units mix freely."""
    lay = small["glabels-acme-st-12"]
    assert (lay.brand, lay.part, lay.source, lay.mode) == ("Acme", "ST-12", "glabels", Mode.LABELS)
    assert (lay.page_width, lay.page_height) == (210.0, 297.0)
    assert lay.shape is Shape.ROUNDED and lay.corner_radius == pytest.approx(2.0)
    assert (lay.label_width, lay.label_height) == pytest.approx((60.0, 38.1))
    got = [(c.box.x, c.box.y) for c in lay.cells()]
    want = [(10, 20), (75, 20), (140, 20), (10, 65), (75, 65), (140, 65), (10, 150), (110, 150)]
    assert flat(got) == pytest.approx(flat(want))
    # 5 mm between columns and 6.9 mm between rows: default bleed 1 mm (the import cap).
    assert lay.defaults.bleed_mm == 1.0


def test_equivalent_parts_copy_geometry_even_through_a_chain(small):
    """`equiv` templates get the geometry of the part they name, under their own part number."""
    base = small["glabels-acme-st-12"]
    for part in ("st-12b", "st-12c"):
        twin = small[f"glabels-acme-{part}"]
        assert twin.cells() == base.cells() and twin.part.lower() == part
        assert "ST-12" in twin.description


def test_round_ellipse_and_other_page_sizes(small):
    """Label-round is a circle of twice the radius; size="Other" takes width/height."""
    dots = small["glabels-acme-rd-6"]
    assert dots.shape is Shape.CIRCLE and dots.label_width == pytest.approx(36 * PT * 2)
    assert (dots.page_width, dots.page_height) == pytest.approx((100.0, 6 * INCH))
    assert [c.box.x for c in dots.cells()] == pytest.approx([12.7, 12.7 + 54])
    assert dots.cells()[0].box.y == pytest.approx(12 * PT, abs=0.001)
    ovals = small["glabels-acme-ov"]
    assert ovals.shape is Shape.ELLIPSE and ovals.page_size == "US Letter"
    assert (ovals.label_width, ovals.label_height) == pytest.approx((2 * INCH, INCH))


def test_rolls_and_mirrored_film_are_skipped(small):
    """Continuous labels are not sheets; mirrored printing is not something we do."""
    assert "glabels-acme-roll" not in small
    assert "glabels-acme-film" not in small
    assert len(small) == 5


def test_files_with_the_glabels_namespace_read_the_same(tmp_path, small):
    """Some vendor files declare xmlns="http://glabels.org/xmlns/3.0/"; the geometry is equal."""
    path = tmp_path / "ns-templates.xml"
    path.write_text(
        SMALL.replace(
            "<Glabels-templates>", '<Glabels-templates xmlns="http://glabels.org/xmlns/3.0/">'
        ),
        encoding="utf-8",
    )
    assert {lay.id: lay for lay in import_glabels(path)} == small


def test_files_with_a_dtd_or_entities_are_refused(tmp_path, caplog):
    """Entity expansion attacks never reach the parser."""
    path = tmp_path / "evil-templates.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
        + SMALL.split("?>", 1)[1].replace("Sticker sheet", "&a;"),
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING):
        assert import_glabels(path) == []
    assert "DTD" in caplog.text


def test_default_dir_can_be_pointed_elsewhere(tmp_path, monkeypatch):
    """GLABELS_TEMPLATE_DIR wins over the Debian locations."""
    (tmp_path / "acme-templates.xml").write_text(SMALL, encoding="utf-8")
    monkeypatch.setenv("GLABELS_TEMPLATE_DIR", str(tmp_path))
    assert glabels_default_dir() == tmp_path


# Hand computations from the installed XML: the attribute values are copied from the files,
# in the file's own unit (`unit` mm each): label (w, h) and grid (nx, ny, x0, y0, dx, dy).
REAL = [
    # avery-iso 7160 (L7160 is equiv="7160"): width="181.4" height="108.0" round="5" (points)
    ("Avery", "L7160", Shape.ROUNDED, PT, (181.4, 108.0), (3, 7, 21.2, 43.9, 187.2, 108.0)),
    # avery-us 5160: width="2.625in" height="1in" x0="0.15625in" y0="0.5in" dx="2.78125in"
    ("Avery", "5160", Shape.ROUNDED, INCH, (2.625, 1), (3, 10, 0.15625, 0.5, 2.78125, 1)),
    # avery-iso 8651 (L7651 equiv): width="108" height="60.09" x0="13.32" y0="30.90"
    ("Avery", "L7651", Shape.ROUNDED, PT, (108, 60.09), (5, 13, 13.32, 30.90, 115.09, 60.09)),
    # herma-iso 4614: width="66mm" height="33.8mm" x0="5.7mm" y0="13mm", no gaps
    ("Herma", "4614", Shape.RECT, 1.0, (66.0, 33.8), (3, 8, 5.7, 13, 66.0, 33.8)),
    # avery-us 5194 (5294 equiv): radius="1.25in" x0="0.21in" y0="0.425in" dy="2.515in"
    ("Avery", "5294", Shape.CIRCLE, INCH, (2.5, 2.5), (3, 4, 0.21, 0.425, 2.75, 2.515)),
    # avery-us 5193 (5293 equiv): radius="0.8125in" x0="0.4157in" dx="2.0145in"
    ("Avery", "5293", Shape.CIRCLE, INCH, (1.625, 1.625), (4, 6, 0.4157, 0.549, 2.0145, 1.6554)),
]


@pytest.fixture(scope="module")
def system():
    """Every installed gLabels template, imported once."""
    if SYSTEM is None:
        pytest.skip("glabels-data not installed; apt-get install glabels-data")
    return {"layouts": {lay.id: lay for lay in import_glabels(SYSTEM)}}


@needs_glabels
@pytest.mark.parametrize(("brand", "part", "shape", "unit", "size", "grid"), REAL)
def test_real_templates_match_a_hand_computation(system, brand, part, shape, unit, size, grid):
    """Cells equal x0 + i·dx, y0 + j·dy from the template's own numbers, to 0.01 mm."""
    lay = system["layouts"][f"glabels-{brand.lower()}-{part.lower()}"]
    nx, ny, x0, y0, dx, dy = grid
    assert lay.shape is shape and (lay.brand, lay.part) == (brand, part)
    assert (lay.label_width, lay.label_height) == pytest.approx(
        (size[0] * unit, size[1] * unit), abs=0.01
    )
    want = [(x0 + i * dx, y0 + j * dy) for j in range(ny) for i in range(nx)]
    got = [(c.box.x, c.box.y) for c in lay.cells()]
    assert flat(got) == pytest.approx([v * unit for v in flat(want)], abs=0.01)


@needs_glabels
def test_all_installed_templates_import_and_validate(system, tmp_path):
    """1,700+ printable sheets, every one loads back from TOML (bench_layouts.py times it)."""
    layouts = system["layouts"]
    assert len(layouts) > 1600  # of 1,756 templates: a few are rolls, film or faulty
    assert all(lay.source == "glabels" and lay.mode is Mode.LABELS for lay in layouts.values())
    assert write_imported(list(layouts.values()), tmp_path) == len(layouts)
    assert load_layouts(tmp_path) == layouts
