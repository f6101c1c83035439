"""Print sources: big PNG masters are also stored reduced, so exports never decode 40 MP again."""

from __future__ import annotations

import numpy as np
from PIL import Image

from gallery.intake import Limits, process_image
from gallery.intake.encode import PRINT_SOURCE_SIDE
from tests.intake.conftest import encode, open_bytes, photo

LIMITS = Limits(min_side=1)


def artwork(size: tuple[int, int]) -> Image.Image:
    """Return a transparent artwork with soft edges and grain, like a scanned sticker design."""
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, (size[1], size[0], 4), dtype=np.uint8)
    pixels[..., 3] = np.where(pixels[..., 3] > 128, 255, pixels[..., 3])
    return Image.fromarray(pixels, "RGBA")


def test_a_big_png_master_gets_a_print_source_of_its_own_reduced_pixels() -> None:
    """A 4900 px PNG is stored again reduced by 3 (box average), at most 2400 px, nothing else."""
    result = process_image(encode(artwork((4900, 90)), "PNG"), limits=LIMITS)
    assert result.master_format == "PNG" and result.print_factor == 3
    source = open_bytes(result.print_source)
    assert source.format == "PNG" and source.mode == "RGBA"
    assert source.size == (1634, 30) and max(source.size) <= PRINT_SOURCE_SIDE
    expected = open_bytes(result.master).reduce(3)
    assert np.array_equal(np.asarray(source), np.asarray(expected))
    assert not {"exif", "icc_profile", "XML:com.adobe.xmp", "dpi"} & set(source.info)


def test_small_png_and_jpeg_masters_get_no_print_source() -> None:
    """A PNG within 2400 px is small enough already; JPEG masters shrink by DCT scaling."""
    small = process_image(encode(artwork((PRINT_SOURCE_SIDE, 40)), "PNG"), limits=LIMITS)
    assert small.print_factor == 1 and small.print_source is None
    jpeg = process_image(encode(photo((5000, 60)), "JPEG", quality=90), limits=LIMITS)
    assert jpeg.master_format == "JPEG"
    assert jpeg.print_factor == 1 and jpeg.print_source is None
