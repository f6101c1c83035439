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
from gallery.intake.vector.intake import area_average
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


@pytest.mark.parametrize(
    "size",
    [(1280, 1280), (1280, 853), (1280, 7), (960, 1280)],
    ids=["square", "odd", "thin", "tall"],
)
def test_smaller_previews_have_the_sizes_asked_and_keep_edge_colours(size) -> None:
    """Area averaging gives each asked size; half-transparent edges keep their colour."""
    # Opaque red on the left, fully transparent (black underneath) on the right; the edge falls
    # inside an averaging block (an odd column), so shrunk edge pixels mix red with nothing: they
    # must come out half-transparent red, never a darker red.
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((220, 20, 20, 255), (0, 0, size[0] // 2 + 1, size[1]))
    sizes = derivative_sizes(size[0] * 2, size[1] * 2)
    _largest, *smaller = sizes
    shrunk = area_average(image, {width: sizes[width] for width in smaller})
    assert {width: preview.size for width, preview in shrunk.items()} == {
        width: sizes[width] for width in smaller
    }
    for preview in shrunk.values():
        pixels = np.asarray(preview, dtype=np.int64)
        visible = pixels[..., 3] >= 64
        assert visible.any()
        assert (pixels[visible][:, 0] >= 200).all(), "an edge darkened"
        assert (pixels[visible][:, 1:3] <= 40).all()
