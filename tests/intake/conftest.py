"""Fixtures for the intake specs: the shared corpus, image builders and hygiene checks."""

from __future__ import annotations

import struct
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gallery.intake import ProcessedImage
from gallery.intake.colour import srgb_icc_bytes

# The shared corpus sits beside the project (../shared/corpus), never inside it.
CORPUS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
CORPUS_MISSING = "image corpus not found beside the project (expected ../shared/corpus)"

# Byte strings that must never survive from an upload into anything we serve (XMP is
# checked as bytes: Pillow needs defusedxml to parse it).
PAYLOADS = (b"PK\x03\x04", b"<script", b"Exif\0\0", b"x:xmpmeta", b"http://ns.adobe.com/xap/")

_D50 = (0.9642, 1.0, 0.8249)
# sRGB primaries adapted to D50, as stored in sRGB ICC profiles.
_SRGB_D50 = np.array([[0.4361, 0.3851, 0.1431], [0.2225, 0.7169, 0.0606], [0.0139, 0.0971, 0.7141]])


@pytest.fixture
def corpus_dir() -> Path:
    """The shared corpus directory; skip (never fail) when a fresh clone has no ../shared."""
    if not CORPUS_DIR.is_dir():
        pytest.skip(CORPUS_MISSING)
    return CORPUS_DIR


def encode(im: Image.Image, fmt: str, **params: object) -> bytes:
    """Save a Pillow image to bytes."""
    buf = BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def photo(size: tuple[int, int] = (480, 320), *, seed: int = 1) -> Image.Image:
    """A photo-like RGB test picture: smooth gradients, blobs and a little noise, seeded."""
    rng = np.random.default_rng(seed)
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    base = np.stack([255 * x / width, 255 * y / height, 128 + 0 * x], axis=-1)
    for _ in range(6):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        radius = rng.uniform(width / 12, width / 4)
        blob = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * radius**2))[..., None]
        base += blob * rng.uniform(-120, 120, size=3)
    base += rng.normal(0, 3, size=base.shape)
    return Image.fromarray(np.clip(base, 0, 255).astype(np.uint8))


def open_bytes(data: bytes) -> Image.Image:
    """Open encoded bytes with Pillow, fully loaded."""
    im = Image.open(BytesIO(data))
    im.load()
    return im


def icc_profile(space: bytes, tags: list[tuple[bytes, bytes]], *, name: str) -> bytes:
    """Assemble a minimal ICC v2 display profile from (signature, data) tags."""
    tags = [(b"desc", _desc(name)), (b"wtpt", _xyz(*_D50)), *tags]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, raw in tags:
        padded = raw + b"\0" * (-len(raw) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(raw))
        body += padded
    header = (
        struct.pack(">I", offset + len(body))
        + b"test"
        + bytes([2, 0x10, 0, 0])
        + b"mntr"
        + space
        + (b"Lab " if space == b"CMYK" else b"XYZ ")
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 28
        + _s15(_D50[0])
        + _s15(_D50[1])
        + _s15(_D50[2])
        + b"\0" * 48
    )
    return header + struct.pack(">I", len(tags)) + table + body


def linear_grey_profile() -> bytes:
    """A grey profile with gamma 1.0: value 128 means 50 % light, i.e. sRGB ~188."""
    return icc_profile(b"GRAY", [(b"kTRC", _curve(1.0))], name="Linear grey")


def swapped_rg_profile() -> bytes:
    """An RGB profile whose red and green primaries are swapped: (255, 0, 0) is sRGB green."""
    red, green, blue = _SRGB_D50.T
    tags = [
        (b"rXYZ", _xyz(*green)),
        (b"gXYZ", _xyz(*red)),
        (b"bXYZ", _xyz(*blue)),
        *((sig, _curve(2.2)) for sig in (b"rTRC", b"gTRC", b"bTRC")),
    ]
    return icc_profile(b"RGB ", tags, name="Swapped red and green")


def cmyk_profile(*, swap_magenta_yellow: bool = False) -> bytes:
    """A CMYK profile (2-point lut16 to Lab): ink C/M/Y removes R/G/B light, K removes all.

    With `swap_magenta_yellow`, magenta ink removes blue and yellow removes green, so output
    that follows the profile is told apart from Pillow's naive conversion.
    """
    corners = []
    for c, m, y, k in np.ndindex(2, 2, 2, 2):
        g_ink, b_ink = (y, m) if swap_magenta_yellow else (m, y)
        rgb = np.array([(1 - c) * (1 - k), (1 - g_ink) * (1 - k), (1 - b_ink) * (1 - k)])
        corners.append(_lab16(rgb))
    identity = struct.pack(">2H", 0, 0xFFFF)
    lut = (
        b"mft2\0\0\0\0"
        + bytes([4, 3, 2, 0])
        + b"".join(_s15(1.0 if row == col else 0.0) for row in range(3) for col in range(3))
        + struct.pack(">HH", 2, 2)
        + identity * 4
        + b"".join(struct.pack(">3H", *lab) for lab in corners)
        + identity * 3
    )
    return icc_profile(b"CMYK", [(b"A2B0", lut)], name="Test CMYK")


def _lab16(rgb: np.ndarray) -> tuple[int, int, int]:
    """sRGB (0..1) to ICC v2 16-bit Lab (D50)."""
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    xyz = _SRGB_D50 @ linear / np.array(_D50)
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    lightness, a, b = 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])
    return (round(lightness / 100 * 0xFF00), round((a + 128) * 256), round((b + 128) * 256))


def _s15(value: float) -> bytes:
    """ICC s15Fixed16Number."""
    return struct.pack(">i", round(value * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    """ICC XYZType."""
    return b"XYZ \0\0\0\0" + _s15(x) + _s15(y) + _s15(z)


def _curve(gamma: float) -> bytes:
    """ICC curveType with a single gamma."""
    return b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256))


def _desc(text: str) -> bytes:
    """ICC v2 textDescriptionType (ASCII only)."""
    ascii_text = text.encode() + b"\0"
    return b"desc\0\0\0\0" + struct.pack(">I", len(ascii_text)) + ascii_text + b"\0" * 79


@pytest.fixture
def assert_clean() -> Callable[[ProcessedImage], None]:
    """Check a result carries no metadata or payload in its master or any derivative."""

    def check(result: ProcessedImage) -> None:
        """Assert the master and every WebP hold pixels and at most our sRGB profile."""
        master = open_bytes(result.master)
        assert master.format == result.master_format
        assert master.size == (result.width, result.height)
        assert not master.getexif(), "EXIF survived in the master"
        leftovers = set(master.info) - {"icc_profile", "jfif", "jfif_version", "jfif_unit"}
        leftovers -= {"jfif_density", "dpi"} if master.format == "JPEG" else set()
        assert not leftovers, f"metadata survived in the master: {sorted(leftovers)}"
        assert getattr(master, "n_frames", 1) == 1
        assert master.info.get("icc_profile") in (None, srgb_icc_bytes())
        for width, blob in result.derivatives.items():
            preview = open_bytes(blob)
            assert preview.format == "WEBP", width
            assert not preview.getexif(), width
            assert not {"icc_profile", "xmp", "exif"} & set(preview.info), width
        for blob in (result.master, *result.derivatives.values()):
            for payload in PAYLOADS:
                assert payload not in blob, f"{payload!r} reached the output"

    return check
