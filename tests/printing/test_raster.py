"""Print rasters: exact pixel sizes, one decode per (work, size), small decodes, clean files."""

from __future__ import annotations

import io
import struct
import zlib
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image, ImageCms, JpegImagePlugin

from gallery.printing.engine import raster
from gallery.printing.engine.plan import StickerSource
from gallery.printing.engine.pngstream import reduce_png
from tests.printing.icc_kit import cmyk_profile
from tests.printing.render_kit import jpeg_master, png_master, store


def _sticker(key: str, size: tuple[int, int], alpha: bool, work_id: int = 7) -> StickerSource:
    """Return a source for a stored master."""
    return StickerSource(work_id, key, size[0], size[1], alpha, "Artist", "Title")


def _placement(sticker, image_px, rotated=False):
    """Return the two fields of a placement the raster step reads."""
    return SimpleNamespace(sticker=sticker, image_px=image_px, rotated=rotated)


OPTIONS = SimpleNamespace(fit="contain", dpi=300)


def _open(storage, key) -> Image.Image:
    """Decode a stored raster."""
    image = Image.open(io.BytesIO(storage.read(key)))
    image.load()
    return image


def test_keys_name_work_size_rotation_and_format():
    """Keys live under print-cache/ and change with size, rotation, alpha and colour profile."""
    opaque = _sticker("works/AbC123.jpg", (900, 600), False)
    clear = _sticker("works/Zz9.png", (900, 600), True, work_id=8)
    key = raster.print_image_key(opaque, (300, 200), rotated=False, fit="contain", dpi=300)
    assert key == "print-cache/7-AbC123-300x200-r0.jpg"
    assert raster.print_image_key(clear, (300, 200), rotated=True) == (
        "print-cache/8-Zz9-300x200-r1.png"
    )
    assert raster.print_image_key(opaque, (301, 200), rotated=False) != key
    cmyk = raster.print_image_key(opaque, (300, 200), rotated=False, cmyk_icc=b"profile")
    assert cmyk.startswith("print-cache/7-AbC123-300x200-r0-cmyk") and cmyk.endswith(".jpg")
    assert raster.print_image_key(clear, (3, 2), rotated=False, cmyk_icc=b"p").endswith(".jpg")


def test_raster_has_exact_size_and_is_rotated_clockwise(tmp_path):
    """The raster has exactly image_px pixels; a rotated work turns a quarter clockwise."""
    storage = store(tmp_path)
    storage.write("works/photo.jpg", jpeg_master((1200, 800)))
    sticker = _sticker("works/photo.jpg", (1200, 800), False)
    key = raster.ensure_print_image(
        storage, sticker, _placement(sticker, (200, 300), True), OPTIONS
    )
    image = _open(storage, key)
    assert image.size == (200, 300) and image.format == "JPEG" and image.mode == "RGB"
    # The red mark in the master's top-left corner ends up top-right after a clockwise turn.
    red, other = image.getpixel((185, 15)), image.getpixel((15, 15))
    assert red[0] > 180 and red[1] < 80, red
    assert not (other[0] > 180 and other[1] < 80), other


def test_cache_hit_does_not_decode_the_master(tmp_path):
    """A second request for the same work and size is served from the cache, master deleted."""
    storage = store(tmp_path)
    storage.write("works/blob.png", png_master((800, 600)))
    sticker = _sticker("works/blob.png", (800, 600), True)
    placement = _placement(sticker, (400, 300))
    first = raster.ensure_print_image(storage, sticker, placement, OPTIONS)
    decoded = raster.decode_count
    storage.delete("works/blob.png")
    assert raster.ensure_print_image(storage, sticker, placement, OPTIONS) == first
    assert raster.decode_count == decoded
    image = _open(storage, first)
    assert image.format == "PNG" and image.mode == "RGBA" and image.size == (400, 300)
    assert image.getpixel((2, 298))[3] == 0  # still transparent where the artwork is


def test_big_jpeg_is_decoded_at_reduced_scale(tmp_path, monkeypatch):
    """JPEG masters far larger than needed are decoded with DCT scaling (draft)."""
    scales = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        """Record the scale the decoder picked."""
        result = original(self, mode, size)
        scales.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    data = jpeg_master((3200, 2400))
    out = raster.render_raster(data, size=(360, 270), rotated=False, alpha=False)
    assert scales == [(400, 300)]  # 1/8 scale ≥ 360 px: the full image was never built
    assert Image.open(io.BytesIO(out)).size == (360, 270)


@pytest.mark.parametrize("mode", ["RGBA", "RGB", "L", "LA", "P"])
@pytest.mark.parametrize("factor", [1, 2, 3, 8])
def test_strip_png_reduction_equals_pillow(mode, factor):
    """Decoding a PNG in strips gives exactly Image.reduce() of the whole image."""
    rng = np.random.default_rng(factor)
    h, w = 301, 257
    yy, xx = np.mgrid[0:h, 0:w]
    channels = {"RGBA": 4, "RGB": 3, "L": 1, "LA": 2, "P": 3}[mode]
    planes = [
        ((xx * (c + 1) + yy * 3) % 256) ^ rng.integers(0, 16, (h, w)) for c in range(channels)
    ]
    array = np.stack(planes, -1).astype(np.uint8).squeeze()
    base = "RGB" if mode == "P" else mode
    image = Image.fromarray(array, base)
    if mode == "P":
        image = image.quantize(32)
        image.info["transparency"] = 3
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=3) if mode == "P" else image.save(buffer, "PNG")
    data = buffer.getvalue()
    ref = Image.open(io.BytesIO(data))
    ref = ref.convert("RGBA") if mode == "P" else ref
    got = reduce_png(data, factor=factor)
    assert got is not None and got.mode == ref.mode
    assert np.array_equal(np.asarray(got), np.asarray(ref.reduce(factor)))


def test_strip_reduction_declines_what_it_cannot_stream():
    """Interlaced and 16-bit PNGs fall back to a normal decode (None), never a wrong image."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (1, 2, 3)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    data[28] = 1  # IHDR interlace method: Adam7 (Pillow does not write interlaced PNGs)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    assert reduce_png(bytes(data), factor=2) is None
    buffer = io.BytesIO()
    Image.new("I;16", (40, 40)).save(buffer, "PNG")
    assert reduce_png(buffer.getvalue(), factor=2) is None
    assert reduce_png(b"GIF89a", factor=2) is None


def test_rasters_carry_no_metadata(tmp_path):
    """EXIF (camera, GPS, orientation), ICC and text chunks never reach the print raster."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # rotate 90° CW to view
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = jpeg_master((800, 600), exif=exif.tobytes(), icc_profile=srgb)
    out = raster.render_raster(data, size=(150, 200), rotated=False, alpha=False)
    image = Image.open(io.BytesIO(out))
    assert image.size == (150, 200)  # the EXIF orientation was applied before sizing
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"PhoneMaker" not in out
    # Upright view: the red top-left mark of the stored image is now top-right.
    assert image.getpixel((140, 10))[0] > 180 and image.getpixel((140, 10))[1] < 80


def test_cmyk_rasters_are_flattened_jpegs(tmp_path):
    """With a press profile the raster is a CMYK JPEG; transparency becomes paper white."""
    icc = cmyk_profile()
    out = raster.render_raster(
        png_master((400, 400)), size=(100, 100), rotated=False, alpha=True, cmyk_icc=icc
    )
    image = Image.open(io.BytesIO(out))
    assert image.format == "JPEG" and image.mode == "CMYK"
    assert max(image.getpixel((99, 99))) < 8  # a transparent corner: no ink
    c, m, y, _ = image.getpixel((50, 50))  # the green blob
    assert c > 100 and y > 100 and m < 100


def _flat_png(size: tuple[int, int], colour: tuple[int, int, int, int]) -> bytes:
    """Return a PNG of one flat colour."""
    out = io.BytesIO()
    Image.new("RGBA", size, colour).save(out, "PNG")
    return out.getvalue()


def _with_print_source(storage, size=(1200, 600), factor=3) -> StickerSource:
    """Store a red master and a blue 'print source' so a raster tells which one it came from."""
    storage.write("works/big.png", _flat_png(size, (230, 0, 0, 255)))
    reduced = (-(-size[0] // factor), -(-size[1] // factor))
    storage.write("works/big-print.png", _flat_png(reduced, (0, 0, 230, 255)))
    return StickerSource(
        9, "works/big.png", *size, True, "A", "T", print_key="works/big-print.png",
        print_factor=factor,
    )  # fmt: skip


def test_a_sticker_that_fits_the_print_source_is_made_from_it(tmp_path):
    """400 x 200 px fits the 400 x 200 print source, so the master is never opened."""
    storage = store(tmp_path)
    sticker = _with_print_source(storage)
    storage.delete("works/big.png")
    key = raster.ensure_print_image(storage, sticker, _placement(sticker, (400, 200)), OPTIONS)
    assert _open(storage, key).getpixel((200, 100)) == (0, 0, 230, 255)


def test_a_sticker_larger_than_the_print_source_is_made_from_the_master(tmp_path):
    """One pixel more than the print source holds, and the full master is decoded instead."""
    storage = store(tmp_path)
    sticker = _with_print_source(storage)
    key = raster.ensure_print_image(storage, sticker, _placement(sticker, (401, 200)), OPTIONS)
    assert _open(storage, key).getpixel((200, 100)) == (230, 0, 0, 255)


def test_the_print_source_is_chosen_in_the_artworks_own_orientation():
    """A rotated 200 x 400 placement needs 400 x 200 of the artwork, which the source holds."""
    sticker = StickerSource(
        9, "works/big.png", 1200, 600, True, "A", "T", print_key="works/big-print.png",
        print_factor=3,
    )  # fmt: skip
    assert raster.source_key(sticker, (200, 400), rotated=True) == "works/big-print.png"
    assert raster.source_key(sticker, (200, 400), rotated=False) == "works/big.png"
    plain = _sticker("works/small.png", (1200, 600), True)
    assert raster.source_key(plain, (10, 10), rotated=False) == "works/small.png"
