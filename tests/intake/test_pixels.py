"""Pixels are normalised faithfully: transparency, bit depth, greyscale and CMYK colours survive."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
from PIL import Image, JpegImagePlugin

from gallery.intake import Limits, process_image
from tests.intake.conftest import cmyk_profile, encode, open_bytes, photo

LIMITS = Limits(min_side=1)


def insert_png_chunk(png: bytes, kind: bytes, body: bytes) -> bytes:
    """Insert a chunk (with a valid CRC) just before the first IDAT."""
    at = png.index(b"IDAT") - 4
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return png[:at] + struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc) + png[at:]


def psnr(a: Image.Image, b: Image.Image) -> float:
    """Peak signal-to-noise ratio between two same-size images, in dB."""
    diff = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    return float(10 * np.log10(255**2 / max((diff**2).mean(), 1e-12)))


def test_palette_png_with_trns_becomes_rgba_with_transparent_pixels() -> None:
    """A palette image's transparent index stays see-through in an RGBA master."""
    im = Image.new("P", (40, 40), 1)
    im.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    im.paste(0, (0, 0, 20, 40))
    result = process_image(encode(im, "PNG", transparency=0), limits=LIMITS)
    master = open_bytes(result.master)
    assert result.has_alpha and master.mode == "RGBA"
    assert master.getpixel((5, 5))[3] == 0
    assert master.getpixel((30, 5)) == (200, 30, 30, 255)


def test_rgb_colour_key_becomes_alpha() -> None:
    """An RGB PNG's tRNS colour key turns that colour transparent instead of being lost."""
    im = Image.new("RGB", (30, 30), (0, 255, 0))
    im.paste((10, 20, 30), (0, 0, 30, 10))
    result = process_image(encode(im, "PNG", transparency=(0, 255, 0)), limits=LIMITS)
    master = open_bytes(result.master)
    assert result.has_alpha
    assert master.getpixel((5, 20))[3] == 0
    assert master.getpixel((5, 5)) == (10, 20, 30, 255)


def test_empty_trns_chunk_does_not_crash() -> None:
    """A zero-length tRNS chunk in a palette PNG is accepted."""
    im = Image.new("P", (8, 8), 0)
    im.putpalette([10, 20, 30] * 256)
    data = insert_png_chunk(encode(im, "PNG"), b"tRNS", b"")
    result = process_image(data, limits=LIMITS)
    assert (result.width, result.height) == (8, 8)


def test_all_opaque_alpha_is_dropped_but_a_lossless_source_keeps_a_png_master() -> None:
    """RGBA with alpha 255 everywhere is stored as RGB; a PNG upload still gets a PNG master."""
    result = process_image(encode(photo((50, 40)).convert("RGBA"), "PNG"), limits=LIMITS)
    assert not result.has_alpha
    assert result.master_format == "PNG"
    assert open_bytes(result.master).mode == "RGB"


def test_all_opaque_alpha_in_lossy_webp_gives_a_jpeg_master() -> None:
    """A lossy WebP with a useless alpha channel is stored as JPEG, like any lossy photo."""
    data = encode(photo((50, 40)).convert("RGBA"), "WEBP", quality=80)
    result = process_image(data, limits=LIMITS)
    assert (result.has_alpha, result.master_format, result.master_mime, result.master_ext) == (
        False,
        "JPEG",
        "image/jpeg",
        "jpg",
    )


def test_real_alpha_in_lossy_webp_gives_a_png_master() -> None:
    """Transparency always wins over the lossy-source rule: JPEG cannot hold alpha."""
    im = photo((50, 40)).convert("RGBA")
    im.paste((0, 0, 0, 0), (0, 0, 10, 10))
    result = process_image(encode(im, "WEBP", quality=80), limits=LIMITS)
    assert result.has_alpha
    assert (result.master_format, result.master_mime, result.master_ext) == (
        "PNG",
        "image/png",
        "png",
    )


def test_lossless_webp_gives_a_png_master_with_identical_pixels() -> None:
    """A lossless WebP is not pushed through JPEG: the PNG master has the same pixels."""
    im = photo((50, 40))
    result = process_image(encode(im, "WEBP", lossless=True), limits=LIMITS)
    assert result.master_format == "PNG"
    assert open_bytes(result.master).tobytes() == im.tobytes()


def test_jpeg_master_is_high_quality_without_chroma_subsampling() -> None:
    """Lossy sources are re-encoded at 4:4:4 and high quality so print detail is not lost."""
    source = open_bytes(encode(photo((400, 300)), "JPEG", quality=95))
    result = process_image(encode(photo((400, 300)), "JPEG", quality=95), limits=LIMITS)
    master = open_bytes(result.master)
    assert JpegImagePlugin.get_sampling(master) == 0
    assert psnr(master, source) > 38


def test_sixteen_bit_grey_is_scaled_not_clipped() -> None:
    """A 0..65535 ramp keeps all 256 grey levels in order (convert('L') would clip to 2)."""
    ramp = np.tile(np.linspace(0, 65535, 256).astype(np.uint16), (16, 1))
    data = encode(Image.fromarray(ramp), "PNG")
    assert open_bytes(data).mode.startswith("I")
    master = open_bytes(process_image(data, limits=LIMITS).master)
    assert master.mode == "L"
    row = np.asarray(master)[0]
    assert len(np.unique(row)) == 256
    assert (np.diff(row.astype(int)) == 1).all()


def test_greyscale_stays_grey() -> None:
    """A greyscale scan stays single-channel, not tinted or tripled."""
    result = process_image(encode(photo((60, 40)).convert("L"), "JPEG"), limits=LIMITS)
    assert open_bytes(result.master).mode == "L"


def test_grey_with_alpha_becomes_rgba_with_equal_channels() -> None:
    """LA (grey + transparency) becomes RGBA whose colour channels are all the same grey."""
    grey = photo((40, 40)).convert("L")
    alpha = Image.new("L", (40, 40), 255)
    alpha.paste(0, (0, 0, 10, 10))
    result = process_image(encode(Image.merge("LA", (grey, alpha)), "PNG"), limits=LIMITS)
    red, green, blue, opacity = open_bytes(result.master).split()
    assert red.tobytes() == green.tobytes() == blue.tobytes() == grey.tobytes()
    assert opacity.getpixel((5, 5)) == 0


def test_one_bit_becomes_black_and_white_greyscale() -> None:
    """Bilevel line art becomes L with only 0 and 255."""
    im = Image.new("1", (40, 40), 0)
    im.paste(1, (0, 0, 20, 40))
    master = open_bytes(process_image(encode(im, "PNG"), limits=LIMITS).master)
    assert master.mode == "L"
    assert sorted(set(master.tobytes())) == [0, 255]


def test_cmyk_jpeg_without_profile_keeps_its_colours() -> None:
    """Adobe CMYK JPEGs store inverted ink; red must come out red, not cyan."""
    data = encode(Image.new("CMYK", (32, 32), (0, 255, 255, 0)), "JPEG", quality=95)
    assert open_bytes(data).info.get("adobe") is not None
    red, green, blue = open_bytes(process_image(data, limits=LIMITS).master).getpixel((16, 16))
    assert red > 200 and green < 60 and blue < 60


@pytest.mark.parametrize(
    ("ink", "expected"),
    [((0, 255, 255, 0), (255, 0, 0)), ((0, 255, 0, 0), (255, 255, 0))],
)
def test_cmyk_jpeg_with_profile_is_converted_through_it(
    ink: tuple[int, int, int, int], expected: tuple[int, int, int]
) -> None:
    """With a profile, its mapping is used: here magenta ink reads as yellow, unlike naive CMYK."""
    data = encode(
        Image.new("CMYK", (32, 32), ink),
        "JPEG",
        quality=95,
        icc_profile=cmyk_profile(swap_magenta_yellow=True),
    )
    pixel = open_bytes(process_image(data, limits=LIMITS).master).getpixel((16, 16))
    assert all(abs(got - want) < 40 for got, want in zip(pixel, expected, strict=True)), pixel


def test_gif_transparency_becomes_alpha() -> None:
    """A GIF's transparent index becomes real alpha in the master."""
    im = Image.new("P", (30, 30), 1)
    im.putpalette([0, 0, 0, 250, 200, 0] + [0] * 762)
    im.paste(0, (0, 0, 15, 30))
    result = process_image(encode(im, "GIF", transparency=0), limits=LIMITS)
    master = open_bytes(result.master)
    assert result.has_alpha
    assert master.getpixel((5, 5))[3] == 0
    assert master.getpixel((25, 5)) == (250, 200, 0, 255)
