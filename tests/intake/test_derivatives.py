"""WebP previews: the listed widths, never upscaled, always at least one; print size maths."""

from __future__ import annotations

import pytest
from PIL import Image

from gallery.intake import DERIVATIVE_WIDTHS, Limits, print_width_mm, process_image
from gallery.intake.limits import WEBP_MAX_SIDE, derivative_sizes
from tests.intake.conftest import encode, open_bytes, photo

LIMITS = Limits(min_side=1)


def test_derivative_widths_are_the_published_ones() -> None:
    """The web layer builds srcset from these exact widths."""
    assert DERIVATIVE_WIDTHS == (320, 640, 1280)


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (2000, [320, 640, 1280]),
        (1280, [320, 640]),
        (1000, [320, 640]),
        (640, [320]),
        (321, [320]),
        (320, [320]),
        (200, [200]),
        (1, [1]),
    ],
)
def test_previews_exist_only_below_the_image_width_plus_one_small_one(
    width: int, expected: list[int]
) -> None:
    """Each listed width smaller than the image, and always one at min(width, 320)."""
    assert sorted(derivative_sizes(width, 100)) == expected


@pytest.mark.parametrize("size", [(1400, 1000), (700, 900), (150, 90), (10799, 1)])
def test_previews_are_valid_webp_of_the_promised_size(size: tuple[int, int]) -> None:
    """Every preview decodes as WebP, at its key width, with the picture's aspect ratio."""
    result = process_image(encode(photo(size), "JPEG", quality=90), limits=LIMITS)
    assert result.derivatives
    for width, blob in result.derivatives.items():
        preview = open_bytes(blob)
        assert preview.format == "WEBP"
        assert preview.width == width <= size[0]
        assert preview.height == max(1, round(size[1] * width / size[0]))


def test_previews_are_never_upscaled() -> None:
    """A 100 px wide upload gets one 100 px preview, not a blurry 320 px one."""
    result = process_image(encode(photo((100, 60)), "JPEG"), limits=LIMITS)
    assert list(result.derivatives) == [100]
    assert open_bytes(result.derivatives[100]).size == (100, 60)


def test_previews_keep_transparency() -> None:
    """Sticker cut-outs stay transparent in the browser previews."""
    im = photo((800, 400)).convert("RGBA")
    im.paste((0, 0, 0, 0), (0, 0, 400, 400))
    result = process_image(encode(im, "PNG"), limits=LIMITS)
    for blob in result.derivatives.values():
        preview = open_bytes(blob)
        assert preview.mode == "RGBA"
        assert preview.getpixel((1, 1))[3] == 0
        assert preview.getpixel((preview.width - 2, 1))[3] == 255


def test_very_tall_images_get_previews_within_webp_limits() -> None:
    """A 100x20000 banner still gets a preview, fitted inside WebP's 16383 px side."""
    result = process_image(encode(Image.new("RGB", (100, 20000), "white"), "PNG"), limits=LIMITS)
    preview = open_bytes(result.derivatives[100])
    assert preview.height == WEBP_MAX_SIDE
    assert preview.width == round(100 * WEBP_MAX_SIDE / 20000)


@pytest.mark.parametrize(
    ("width_px", "dpi", "mm"),
    [(3000, 300, 254.0), (3543, 300, 300.0), (600, 150, 101.6), (1, 300, 0.1), (0, 300, 0.0)],
)
def test_print_width_is_pixels_over_dpi_in_millimetres(width_px: int, dpi: int, mm: float) -> None:
    """Largest sharp print width: px / dpi * 25.4, one decimal."""
    assert print_width_mm(width_px, dpi) == mm


def test_print_width_defaults_to_300_dpi_and_rejects_nonsense_dpi() -> None:
    """300 dpi is the default; a zero dpi is a programming error."""
    assert print_width_mm(1181) == 100.0
    with pytest.raises(ValueError, match="dpi"):
        print_width_mm(1000, 0)
