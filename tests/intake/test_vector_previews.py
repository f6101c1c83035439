"""A drawing's master and previews: every width its master calls for, one picture in all.

The previews come from a render of their own, made beside the master's, and the PDF master is
encoded while the previews are; these tests hold what an artist and a visitor see.
"""

from __future__ import annotations

from io import BytesIO

import numpy as np
import pikepdf
import pytest
from PIL import Image

from gallery.intake import process_image
from gallery.intake.limits import derivative_sizes
from tests.vector_files import inkscape_svg, pdf_drawing


def _on_white(image: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """Return ``image`` at ``size``, flattened onto white, as numbers."""
    rgba = image.convert("RGBA").resize(size, Image.Resampling.BOX)
    white = Image.new("RGBA", size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"), dtype=np.float64)


def _opaque(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    """Paint the whole page white under the drawing: not one transparent pixel is left."""
    width, height = float(page.mediabox[2]), float(page.mediabox[3])
    ground = f"q 1 1 1 rg 0 0 {width} {height} re f Q\n".encode()
    page.obj.Contents = pdf.make_stream(ground + page.obj.Contents.read_bytes())


@pytest.mark.parametrize("drawing", [inkscape_svg, pdf_drawing], ids=["svg", "pdf"])
def test_every_preview_width_is_made_and_shows_the_master(drawing) -> None:
    """Each width the master calls for is a WebP of that size showing the master's picture."""
    result = process_image(drawing())
    master = Image.open(BytesIO(result.master))
    assert master.size == (result.width, result.height)
    sizes = derivative_sizes(result.width, result.height)
    assert list(result.derivatives) == list(sizes)
    for width, data in result.derivatives.items():
        preview = Image.open(BytesIO(data))
        # Sized from the preview render, whose rounding may differ from the master's by a row.
        (expected_width, expected_height), (got_width, got_height) = sizes[width], preview.size
        assert preview.format == "WEBP"
        assert got_width == expected_width and abs(got_height - expected_height) <= 1
        difference = np.abs(_on_white(preview, preview.size) - _on_white(master, preview.size))
        assert difference.mean() < 4, width


@pytest.mark.parametrize("opaque", [False, True], ids=["transparent", "opaque"])
def test_a_pdf_master_has_transparency_only_when_the_drawing_has(opaque: bool) -> None:
    """A sticker drawn on a clear page keeps its alpha; one painted edge to edge is RGB."""
    result = process_image(pdf_drawing(extra=_opaque if opaque else None))
    master = Image.open(BytesIO(result.master))
    assert result.has_alpha is not opaque
    assert master.mode == ("RGB" if opaque else "RGBA")
    corner = master.convert("RGBA").getpixel((0, 0))
    assert corner[3] == (255 if opaque else 0)
