"""Size limits are checked on the header before decoding; broken streams are refused as damaged."""

from __future__ import annotations

import struct
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image, ImageFile

from gallery.intake import IntakeError, Limits, Refusal, process_image
from tests.intake.conftest import encode, photo


def png_with_header_size(width: int, height: int) -> bytes:
    """A tiny PNG whose IHDR claims width x height (CRC fixed), with one byte of pixel data."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0\0\0\0")

    def chunk(kind: bytes, body: bytes) -> bytes:
        """A PNG chunk with a correct CRC."""
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    magic = b"\x89PNG\r\n\x1a\n"
    return magic + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture
def decoder_loads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Record the size of every image whose pixels Pillow decodes during a test."""
    loads: list[tuple[int, int]] = []
    real_load = ImageFile.ImageFile.load

    def spy(self: ImageFile.ImageFile) -> object:
        """Remember the size, then decode as usual."""
        loads.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return loads


def test_header_claiming_ten_billion_pixels_is_refused_as_too_many_pixels() -> None:
    """A 66-byte PNG whose IHDR says 100000x100000 is refused before any allocation."""
    with pytest.raises(IntakeError) as refused:
        process_image(png_with_header_size(100_000, 100_000))
    assert refused.value.refusal is Refusal.TOO_MANY_PIXELS
    assert refused.value.detail["max_pixels"] == 40_000_000


def test_our_ceiling_applies_below_pillows_own_and_names_the_size(
    decoder_loads: list[tuple[int, int]],
) -> None:
    """42 MP passes Pillow's global bomb check but not the app's 40 MP ceiling; no decode."""
    with pytest.raises(IntakeError) as refused:
        process_image(png_with_header_size(7000, 6000))
    assert refused.value.refusal is Refusal.TOO_MANY_PIXELS
    assert refused.value.detail == {"width": 7000, "height": 6000, "max_pixels": 40_000_000}
    assert decoder_loads == []


def test_decode_spy_sees_a_normal_upload(decoder_loads: list[tuple[int, int]]) -> None:
    """Control for the 'no decode' specs: an accepted upload is decoded, at its header size."""
    process_image(encode(photo((120, 80)), "PNG"))
    assert (120, 80) in decoder_loads


def test_one_bit_pixel_flood_is_refused_without_decoding(
    decoder_loads: list[tuple[int, int]],
) -> None:
    """A 49 MP 1-bit PNG is only a few KB on disk; it is refused from the header alone."""
    flood = encode(Image.new("1", (7000, 7000)), "PNG")
    assert len(flood) < 20_000
    with pytest.raises(IntakeError) as refused:
        process_image(flood, limits=Limits(max_pixels=40_000_000))
    assert refused.value.refusal is Refusal.TOO_MANY_PIXELS
    assert decoder_loads == []


def test_pillow_bomb_warning_becomes_a_refusal_even_when_the_caller_allows_more() -> None:
    """Between Pillow's warn and error thresholds the warning is an error, not a log line."""
    assert Image.MAX_IMAGE_PIXELS < 100_000_000
    with pytest.raises(IntakeError) as refused:
        process_image(png_with_header_size(10_000, 10_000), limits=Limits(max_pixels=10**9))
    assert refused.value.refusal is Refusal.TOO_MANY_PIXELS


def test_pixel_ceiling_is_per_call() -> None:
    """The same image passes or fails depending only on the Limits passed with it."""
    data = encode(photo((200, 100)), "PNG")
    assert process_image(data, limits=Limits(max_pixels=20_000)).width == 200
    with pytest.raises(IntakeError) as refused:
        process_image(data, limits=Limits(max_pixels=19_999))
    assert refused.value.detail == {"width": 200, "height": 100, "max_pixels": 19_999}


def test_pillow_global_state_is_left_alone() -> None:
    """Intake leaves Pillow's module-wide limits and the warning filters as it found them."""
    pixels_before, filters_before = Image.MAX_IMAGE_PIXELS, list(warnings.filters)
    truncated_before = ImageFile.LOAD_TRUNCATED_IMAGES
    process_image(encode(photo((50, 50)), "PNG"))
    with pytest.raises(IntakeError):
        process_image(png_with_header_size(10_000, 10_000), limits=Limits(max_pixels=10**9))
    assert pixels_before == Image.MAX_IMAGE_PIXELS
    assert warnings.filters == filters_before
    assert truncated_before == ImageFile.LOAD_TRUNCATED_IMAGES


def test_shorter_side_below_min_side_is_too_small() -> None:
    """The web app's print minimum is checked on the header, with numbers for the message."""
    data = encode(photo((400, 299)), "JPEG")
    with pytest.raises(IntakeError) as refused:
        process_image(data, limits=Limits(min_side=300))
    assert refused.value.refusal is Refusal.TOO_SMALL
    assert refused.value.detail == {"width": 400, "height": 299, "min_side": 300}
    assert process_image(data, limits=Limits(min_side=299)).height == 299


def test_empty_upload_is_refused_as_empty() -> None:
    """Zero bytes is its own refusal, not 'not an image'."""
    with pytest.raises(IntakeError) as refused:
        process_image(b"")
    assert refused.value.refusal is Refusal.EMPTY


def test_upload_over_max_bytes_is_refused_before_sniffing() -> None:
    """The byte ceiling comes first; the reason and the numbers are reported."""
    data = encode(photo((100, 100)), "PNG")
    with pytest.raises(IntakeError) as refused:
        process_image(data, limits=Limits(max_bytes=len(data) - 1))
    assert refused.value.refusal is Refusal.FILE_TOO_LARGE
    assert refused.value.detail == {"bytes": len(data), "max_bytes": len(data) - 1}
    assert process_image(data, limits=Limits(max_bytes=len(data))).width == 100


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_truncated_uploads_are_damaged(fmt: str, keep: float) -> None:
    """A file cut short (interrupted upload) is refused as damaged, never padded with grey."""
    data = encode(photo((300, 200)), fmt)
    with pytest.raises(IntakeError) as refused:
        process_image(data[: int(len(data) * keep)])
    assert refused.value.refusal is Refusal.DAMAGED


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_uploads_stay_damaged_when_a_library_tolerates_truncation(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Strict even if a library (WeasyPrint, at import) turned LOAD_TRUNCATED_IMAGES on; the
    flag is handed back unchanged."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = encode(photo((300, 200)), fmt)
    with pytest.raises(IntakeError) as refused:
        process_image(data[: len(data) // 2])
    assert refused.value.refusal is Refusal.DAMAGED
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_concurrent_intakes_never_let_a_truncated_upload_through(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Threads decoding at once cannot restore each other's flag mid-decode."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    whole = encode(photo((240, 160)), "PNG")
    cut = whole[: len(whole) * 2 // 3]

    def outcome(data: bytes) -> str:
        """'ok' or the refusal value."""
        try:
            process_image(data)
        except IntakeError as refused:
            return refused.refusal.value
        return "ok"

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(outcome, [whole, cut] * 30))
    assert results == ["ok", "damaged"] * 30
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_corrupt_png_data_stream_is_damaged() -> None:
    """An IDAT whose zlib stream is garbage (with a valid CRC) is refused as damaged."""
    data = bytearray(encode(photo((64, 64)), "PNG", compress_level=1))
    start = data.index(b"IDAT") + 4
    length = struct.unpack(">I", data[start - 8 : start - 4])[0]
    data[start + 2 : start + length] = bytes((i * 37 + 11) & 0xFF for i in range(length - 2))
    crc = zlib.crc32(bytes(data[start - 4 : start + length])) & 0xFFFFFFFF
    data[start + length : start + length + 4] = struct.pack(">I", crc)
    with pytest.raises(IntakeError) as refused:
        process_image(bytes(data))
    assert refused.value.refusal is Refusal.DAMAGED
