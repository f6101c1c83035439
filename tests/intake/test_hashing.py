"""Duplicate detection: exact pixel hashes ignore metadata; perceptual hashes ignore re-encoding."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image, ImageDraw, PngImagePlugin

from gallery.intake import Limits, hamming, hashing, process_image
from gallery.intake.hashing import content_sha256
from tests.intake.conftest import encode, photo

LIMITS = Limits(min_side=1)


def poster(seed: int, size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A poster-like picture: bold shapes over a photo background, seeded."""
    rng = np.random.default_rng(seed)
    im = photo(size, seed=seed)
    draw = ImageDraw.Draw(im)
    for _ in range(8):
        x0, y0 = (int(v) for v in rng.integers(0, size[0] - 100, size=2))
        colour = tuple(int(c) for c in rng.integers(0, 256, size=3))
        draw.rectangle((x0, y0, x0 + int(rng.integers(40, 300)), y0 + 80), fill=colour)
    return im


def test_same_pixels_with_different_metadata_hash_the_same() -> None:
    """Re-uploading a picture with other text chunks, EXIF or profile-free copy is one picture."""
    im = photo((120, 80))
    plain = process_image(encode(im, "PNG"), limits=LIMITS)
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "someone")
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    tagged = process_image(encode(im, "PNG", pnginfo=info, exif=exif), limits=LIMITS)
    assert plain.content_sha256 == tagged.content_sha256
    assert len(plain.content_sha256) == 64 and int(plain.content_sha256, 16) >= 0


def test_same_jpeg_scan_with_different_exif_hashes_the_same() -> None:
    """Pillow writes identical scan data for the same pixels; only the EXIF block differs."""
    im = photo((160, 120))
    exif_a, exif_b = Image.Exif(), Image.Exif()
    exif_a[0x010F], exif_b[0x010F] = "Camera A", "Camera B with a longer name"
    first = process_image(encode(im, "JPEG", quality=90, exif=exif_a), limits=LIMITS)
    second = process_image(encode(im, "JPEG", quality=90, exif=exif_b), limits=LIMITS)
    assert first.content_sha256 == second.content_sha256


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA"])
@pytest.mark.parametrize("without_private_encoder", [False, True])
def test_content_hash_is_sha256_of_mode_size_and_raw_pixels(
    mode: str, without_private_encoder: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The streamed digest equals sha256("MODE:WxH:" + tobytes()), also on the fallback path."""
    if without_private_encoder:
        monkeypatch.setattr(hashing, "_raw_encoder", None)
    im = photo((333, 77)).convert(mode)
    expected = hashlib.sha256(f"{mode}:333x77:".encode() + im.tobytes()).hexdigest()
    assert content_sha256(im) == expected


def test_one_changed_pixel_changes_the_content_hash() -> None:
    """The exact hash really covers the pixels."""
    im = photo((120, 80))
    other = im.copy()
    other.putpixel((60, 40), (0, 0, 0))
    first = process_image(encode(im, "PNG"), limits=LIMITS)
    second = process_image(encode(other, "PNG"), limits=LIMITS)
    assert first.content_sha256 != second.content_sha256


def test_rotated_copy_has_the_same_content_hash_as_an_upright_one() -> None:
    """An EXIF-rotated phone photo and its upright export are the same picture."""
    im = photo((120, 80))
    exif = Image.Exif()
    exif[0x0112] = 6
    rotated = process_image(
        encode(im.transpose(Image.Transpose.ROTATE_90), "PNG", exif=exif), limits=LIMITS
    )
    upright = process_image(encode(im, "PNG"), limits=LIMITS)
    assert rotated.content_sha256 == upright.content_sha256


def test_reencoded_copy_is_a_perceptual_near_duplicate() -> None:
    """The same poster saved at JPEG quality 95 and 40 differs by at most 6 of 64 bits."""
    im = poster(3)
    high = process_image(encode(im, "JPEG", quality=95), limits=LIMITS)
    low = process_image(encode(im, "JPEG", quality=40), limits=LIMITS)
    assert high.content_sha256 != low.content_sha256
    assert hamming(high.phash, low.phash) <= 6


def test_resized_copy_is_a_perceptual_near_duplicate() -> None:
    """A half-size re-export of the same poster is still recognised."""
    im = poster(4, (1600, 1200))
    full = process_image(encode(im, "JPEG", quality=95), limits=LIMITS)
    half = process_image(encode(im.resize((800, 600)), "JPEG", quality=85), limits=LIMITS)
    assert hamming(full.phash, half.phash) <= 6


def test_different_pictures_are_far_apart() -> None:
    """Two unrelated posters differ by more than 20 of 64 bits."""
    first = process_image(encode(poster(5), "JPEG"), limits=LIMITS)
    second = process_image(encode(poster(6), "JPEG"), limits=LIMITS)
    assert hamming(first.phash, second.phash) > 20


def test_phash_is_an_unsigned_64_bit_int() -> None:
    """Fits a BIGINT UNSIGNED / two's-complement-free column."""
    value = process_image(encode(poster(7), "PNG"), limits=LIMITS).phash
    assert isinstance(value, int) and 0 <= value < 2**64


def test_hamming_counts_differing_bits() -> None:
    """0 for equal hashes, 64 for complements, symmetric."""
    assert hamming(0xDEADBEEF, 0xDEADBEEF) == 0
    assert hamming(0, 2**64 - 1) == 64
    assert hamming(0b1011, 0b0001) == hamming(0b0001, 0b1011) == 2
