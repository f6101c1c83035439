"""Editor exports come out as the same drawing, without a trace of who drew it or where."""

from __future__ import annotations

import io
from collections.abc import Callable

import pikepdf
import pytest
from PIL import Image

from gallery.intake import ProcessedImage, process_image
from tests.vector_files import (
    IDENTIFYING,
    INK,
    affinity_svg,
    illustrator_svg,
    inkscape_svg,
    pdf_drawing,
)

EXPORTS = {
    "inkscape svg": inkscape_svg,
    "illustrator svg": illustrator_svg,
    "affinity svg": affinity_svg,
    "illustrator pdf (.ai)": pdf_drawing,
}


def shows_ink(png: bytes) -> bool:
    """Tell whether a tenth or more of a render is the drawings' red."""
    with Image.open(io.BytesIO(png)) as image:
        small = image.convert("RGBA").resize((64, 64))
    close = sum(
        1
        for r, g, b, a in small.get_flattened_data()
        if a > 200 and abs(r - INK[0]) < 30 and abs(g - INK[1]) < 30 and abs(b - INK[2]) < 30
    )
    return close >= 64 * 64 // 10


@pytest.mark.parametrize("name", EXPORTS)
def test_editor_export_keeps_its_drawing_and_loses_its_artist(
    name: str, assert_clean: Callable[[ProcessedImage], None]
) -> None:
    """The render shows the drawing; no stored byte names the artist, their folders or tools."""
    result = process_image(EXPORTS[name]())
    assert_clean(result)
    assert shows_ink(result.master) and shows_ink(result.derivatives[320])
    for blob in (result.vector_source, result.master, *result.derivatives.values()):
        for needle in IDENTIFYING:
            assert needle not in blob, (name, needle)


def test_svg_keeps_text_gradients_and_their_references() -> None:
    """What draws survives: the text, the gradients, and every reference resolves."""
    source = process_image(inkscape_svg()).vector_source.decode()
    assert "FREE" in source and "linearGradient" in source
    assert 'href="#i' in source and "url(#i" in source
    for reference in ("metadata", "<title", "<desc", "<!--", "namedview", "xlink"):
        assert reference not in source


def test_pdf_has_no_info_xmp_private_data_or_named_layers() -> None:
    """The cleaned PDF has one page and none of what Illustrator writes about its author."""
    source = process_image(pdf_drawing()).vector_source
    with pikepdf.open(io.BytesIO(source)) as pdf:
        assert len(pdf.pages) == 1
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
        page = pdf.pages[0].obj
        assert not {"/PieceInfo", "/Metadata", "/Thumb"} & set(page.keys())
        names = [str(group.Name) for group in pdf.Root.OCProperties.OCGs]
        assert names == ["Layer 1"]
