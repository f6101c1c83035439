"""Print sources: big masters are also stored reduced, so exports never decode 40 MP again."""

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


def test_a_big_jpeg_master_gets_a_jpeg_print_source() -> None:
    """A photo's print source stays a JPEG (4:4:4, no metadata): a PNG would decode no faster."""
    result = process_image(encode(photo((5000, 60)), "JPEG", quality=90), limits=LIMITS)
    assert result.master_format == "JPEG" and result.print_factor == 3
    source = open_bytes(result.print_source)
    assert source.format == "JPEG" and source.size == (1667, 20)
    assert [layer[1:3] for layer in source.layer] == [(1, 1)] * 3  # no chroma subsampling
    assert not {"exif", "icc_profile", "comment"} & set(source.info)
    expected = np.asarray(open_bytes(result.master).reduce(3), dtype=float)
    assert np.abs(np.asarray(source, dtype=float) - expected).mean() < 2.0


def test_a_master_within_2400_px_gets_no_print_source() -> None:
    """Small masters are read directly; a second copy would only cost space."""
    small = process_image(encode(artwork((PRINT_SOURCE_SIDE, 40)), "PNG"), limits=LIMITS)
    assert small.print_factor == 1 and small.print_source is None
    jpeg = process_image(encode(photo((PRINT_SOURCE_SIDE, 60)), "JPEG"), limits=LIMITS)
    assert jpeg.print_factor == 1 and jpeg.print_source is None
