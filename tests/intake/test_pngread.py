"""The renders' PNG reader: the same pixels as Pillow, whatever the filters, and no damaged data.

A drawing's previews and its print rasters are decoded from resvg's PNG by this reader; a
wrong pixel here is a wrong preview or a wrong sticker, and a damaged render must be refused.
"""

from __future__ import annotations

import struct
import subprocess
import zlib
from io import BytesIO

import numpy as np
import pytest
from PIL import Image

from gallery.intake.vector import pngread
from gallery.intake.vector.sandbox import renderer_path
from tests.vector_files import inkscape_svg


def _pillow(data: bytes) -> Image.Image:
    with Image.open(BytesIO(data)) as image:
        image.load()
        return image.convert("RGBA")


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(width: int, height: int, rows: list[bytes], *, colour: int = 6) -> bytes:
    """A PNG built by hand: each row given with its filter byte."""
    header = struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0)
    pixels = zlib.compress(b"".join(rows))
    body = _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")
    return pngread.SIGNATURE + body


def _resvg(svg: bytes, width: int) -> bytes:
    command = [renderer_path(), "--quiet", "-w", str(width), "-h", "4000", "-", "-c"]
    return subprocess.run(command, input=svg, capture_output=True, check=True).stdout


@pytest.mark.parametrize("width", [1280, 333, 1])
def test_a_resvg_render_reads_as_pillow_reads_it(width: int) -> None:
    """resvg's own PNG (every row filtered "Sub") gives exactly Pillow's pixels."""
    data = _resvg(inkscape_svg(), width)
    expected = _pillow(data)
    got = pngread.decode_rgba(data, expected.size)
    assert got.mode == "RGBA" and got.size == expected.size
    assert got.tobytes() == expected.tobytes()
    assert np.asarray(got)[..., 3].max() > 0  # something was drawn


def test_rows_without_a_filter_and_with_sub_mix() -> None:
    """Rows stored as they are and rows stored as differences decode side by side."""
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, size=(4, 5, 4), dtype=np.uint8)
    rows = []
    for number, row in enumerate(pixels):
        if number % 2:
            difference = np.diff(row, axis=0, prepend=np.zeros((1, 4), np.uint8))
            rows.append(b"\x01" + difference.astype(np.uint8).tobytes())
        else:
            rows.append(b"\x00" + row.tobytes())
    got = pngread.decode_rgba(_png(5, 4, rows), (5, 4))
    assert np.array_equal(np.asarray(got), pixels)


@pytest.mark.parametrize(
    "mode, options",
    [
        ("RGBA", {"optimize": True}),  # Pillow's adaptive filters: Up, Average, Paeth
        ("RGB", {}),
        ("P", {}),
        ("LA", {}),
        ("I;16", {}),
    ],
)
def test_other_pngs_are_read_as_pillow_reads_them(mode: str, options: dict) -> None:
    """Any other filter, colour type or depth gives Pillow's own RGBA pixels."""
    rng = np.random.default_rng(11)
    source = Image.fromarray(rng.integers(0, 256, size=(23, 31, 4), dtype=np.uint8))
    image = source.convert(mode) if mode != "I;16" else source.convert("L").convert("I;16")
    out = BytesIO()
    image.save(out, "PNG", **options)
    data = out.getvalue()
    assert pngread.decode_rgba(data, (31, 23)).tobytes() == _pillow(data).tobytes()


def _damaged() -> dict[str, tuple[bytes, tuple[int, int]]]:
    good = _png(3, 2, [b"\x00" + bytes(12)] * 2)
    idat = good.index(b"IDAT")
    flipped = bytearray(good)
    flipped[idat + 6] ^= 0xFF
    short_rows = _png(3, 2, [b"\x00" + bytes(12)])
    long_rows = _png(3, 2, [b"\x00" + bytes(12)] * 3)
    bad_filter = _png(3, 2, [b"\x07" + bytes(12)] * 2)
    return {
        "not a png": (b"GIF89a" + bytes(40), (3, 2)),
        "checksum": (bytes(flipped), (3, 2)),
        "cut short": (good[: idat + 8], (3, 2)),
        "no end": (good[: good.index(b"IEND") - 4], (3, 2)),
        "other size": (good, (4, 2)),
        "rows missing": (short_rows, (3, 2)),
        "rows over": (long_rows, (3, 2)),
        "unknown filter": (bad_filter, (3, 2)),
    }


@pytest.mark.parametrize("case", list(_damaged()))
def test_damaged_renders_are_refused(case: str) -> None:
    """A render that is cut, altered or not what was asked for is refused, never guessed at."""
    data, size = _damaged()[case]
    with pytest.raises((pngread.PngError, OSError, SyntaxError)):
        pngread.decode_rgba(data, size)
