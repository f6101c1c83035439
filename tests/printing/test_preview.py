"""True-size SVG preview of a planned sheet."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from gallery.printing.engine.layouts import builtin_dir, load_layouts
from gallery.printing.engine.plan import StickerSource, plan_export
from gallery.printing.engine.preview import sheet_svg

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & Co'


@pytest.fixture(scope="module")
def layouts():
    """The built-in layouts."""
    return load_layouts(builtin_dir())


def render(layout, items, options=None, url=lambda p: f"/media/{p.sticker.work_id}.png?x=1&y=2"):
    """Plan the first sheet and return (plan, svg text, parsed root)."""
    options = options or layout.defaults
    plan = plan_export(layout, items, options)[0]
    svg = sheet_svg(layout, plan, options, image_url=url)
    return plan, svg, ET.fromstring(svg)  # noqa: S314 - our own output


def art(work_id, w=2000, h=2000, *, credit="Ann", alpha=False) -> StickerSource:
    """Return a sticker source."""
    return StickerSource(work_id, f"w/{work_id}.png", w, h, alpha, credit, f"Title {work_id}")


def test_root_is_true_size_in_millimetres(layouts):
    """width/height in mm and a viewBox in mm, so the browser shows it at real size."""
    _, _, root = render(layouts["avery-l7160"], [(art(1), 1)])
    assert root.get("width") == "210mm" and root.get("height") == "297mm"
    assert root.get("viewBox") == "0 0 210 297"
    letter = render(layouts["avery-5160"], [(art(1), 1)])[2]
    assert (letter.get("width"), letter.get("height")) == ("215.9mm", "279.4mm")


def test_one_image_per_placement_and_one_outline_per_label(layouts):
    """Five stickers on a 21-label sheet: 5 images, 21 label outlines, URLs escaped."""
    plan, svg, root = render(layouts["avery-l7160"], [(art(1), 3), (art(2), 2)])
    images = root.findall(f".//{SVG}image")
    assert len(images) == len(plan.placements) == 5
    assert images[0].get("href") == "/media/1.png?x=1&y=2"
    assert "?x=1&amp;y=2" in svg
    labels = [el for el in root.iter() if el.get("class") == "label"]
    assert len(labels) == 21


def test_credit_text_is_escaped_and_stays_text(layouts):
    """A credit that looks like markup is shown as text, never parsed as an element."""
    _, svg, root = render(layouts["plain-a4-6-square-90"], [(art(1, credit=EVIL), 1)])
    assert "<script" not in svg
    assert root.find(f".//{SVG}script") is None
    credits = [el for el in root.iter(f"{SVG}text") if el.get("class") == "credit"]
    assert len(credits) == 1 and credits[0].text.startswith("<script>")


def test_low_resolution_placements_carry_a_titled_marker(layouts):
    """A 200 px artwork on a 90 mm square is flagged; a sharp one is not."""
    _, _, root = render(layouts["plain-a4-6-square-90"], [(art(1, 200, 200), 1), (art(2), 1)])
    markers = [el for el in root.iter(f"{SVG}g") if el.get("class") == "low-res"]
    assert len(markers) == 1
    assert "dpi" in markers[0].find(f"{SVG}title").text


def test_rotated_art_is_turned_about_its_centre(layouts):
    """A portrait work on a landscape label: the image element is rotated 90° in place."""
    plan, _, root = render(layouts["avery-l7160"], [(art(1, 1000, 3000), 1)])
    (image,) = root.findall(f".//{SVG}image")
    assert plan.placements[0].rotated
    assert image.get("transform", "").startswith("rotate(90 ")
    # Unrotated, the image is portrait; turned about the centre it covers the art box.
    box = plan.placements[0].art_box
    width, height = float(image.get("width")), float(image.get("height"))
    assert (width, height) == pytest.approx((box.height, box.width), abs=0.001)
    centre = (float(image.get("x")) + width / 2, float(image.get("y")) + height / 2)
    assert centre == pytest.approx(box.center, abs=0.001)


def test_marks_and_cut_lines_are_drawn_when_enabled(layouts):
    """Crop marks on plain paper; registration marks and magenta cut lines for print-and-cut."""
    _, _, plain = render(layouts["plain-a4-6-square-90"], [(art(1), 1)])
    assert any(el.get("class") == "crop" for el in plain.iter(f"{SVG}line"))
    cut_layout = layouts["silhouette-a4-12-circle-50"]
    _, _, root = render(cut_layout, [(art(1), 2), (art(2, alpha=True), 1)])
    assert len([el for el in root.iter() if el.get("class") == "registration"]) == 5
    cuts = [el for el in root.iter() if el.get("class") == "cut"]
    assert len(cuts) == 3 and all(el.get("stroke") == "#e6007e" for el in cuts)


def test_unsafe_image_urls_are_left_out(layouts):
    """Only app-relative, http(s) and inline image URLs become hrefs."""
    _, svg, root = render(
        layouts["avery-l7160"], [(art(1), 1)], url=lambda p: "javascript:alert(1)"
    )
    assert "javascript:" not in svg and root.find(f".//{SVG}image") is None
