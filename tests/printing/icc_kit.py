"""A tiny synthetic CMYK press profile (ICC v2, lut8) so CMYK output can be tested anywhere.

Its colour model is naive (CMY = 1 - sRGB with full grey replacement): enough to check that
rasters are converted and the OutputIntent is embedded, not a profile to print with.
"""

from __future__ import annotations

import struct

import numpy as np

_D50 = np.array([0.9642, 1.0, 0.8249])
_SRGB_TO_XYZ_D50 = np.array(
    [
        [0.4360747, 0.3850649, 0.1430804],
        [0.2225045, 0.7168786, 0.0606169],
        [0.0139322, 0.0971045, 0.7141733],
    ]
)


def _lin(c: np.ndarray) -> np.ndarray:
    """Undo the sRGB transfer curve."""
    return np.where(c > 0.04045, ((c + 0.055) / 1.055) ** 2.4, c / 12.92)


def _gam(c: np.ndarray) -> np.ndarray:
    """Apply the sRGB transfer curve."""
    c = np.clip(c, 0, 1)
    return np.where(c > 0.0031308, 1.055 * c ** (1 / 2.4) - 0.055, c * 12.92)


def _rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """Convert sRGB (0..1) to CIE Lab (D50)."""
    xyz = _lin(rgb) @ _SRGB_TO_XYZ_D50.T / _D50
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1
    )


def _lab_to_rgb(lab: np.ndarray) -> np.ndarray:
    """Convert CIE Lab (D50) to sRGB (0..1, clipped)."""
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], -1)
    xyz = np.where(f**3 > 216 / 24389, f**3, (116 * f - 16) / (24389 / 27)) * _D50
    return _gam(xyz @ np.linalg.inv(_SRGB_TO_XYZ_D50).T)


def _grid(n: int, dims: int) -> np.ndarray:
    """Return every grid point (first channel slowest) scaled 0..1."""
    axes = np.meshgrid(*[np.linspace(0, 1, n)] * dims, indexing="ij")
    return np.stack([a.ravel() for a in axes], -1)


def _lut8(ins: int, outs: int, n: int, table: np.ndarray) -> bytes:
    """Serialise an ICC lut8Type with identity curves."""
    ramp = bytes(range(256))
    identity = struct.pack(">9i", 65536, 0, 0, 0, 65536, 0, 0, 0, 65536)
    clut = np.clip(np.round(table * 255), 0, 255).astype(np.uint8).tobytes()
    return (
        b"mft1" + bytes(4) + bytes([ins, outs, n, 0]) + identity + ramp * ins + clut + ramp * outs
    )


def _text_desc(text: str) -> bytes:
    """Serialise an ICC v2 textDescriptionType."""
    ascii_ = text.encode("ascii") + b"\0"
    return b"desc" + bytes(4) + struct.pack(">I", len(ascii_)) + ascii_ + bytes(4 + 4 + 2 + 1 + 67)


def _pad(data: bytes) -> bytes:
    """Pad to a multiple of 4 bytes."""
    return data + bytes(-len(data) % 4)


def cmyk_profile(description: str = "Test CMYK press") -> bytes:
    """Return the bytes of a small but valid CMYK output profile."""
    cmyk = _grid(9, 4)
    k = cmyk[:, 3:4]
    rgb = (1 - cmyk[:, :3]) * (1 - k)
    lab = _rgb_to_lab(rgb)
    a2b = np.stack([lab[:, 0] / 100, (lab[:, 1] + 128) / 255, (lab[:, 2] + 128) / 255], -1)
    enc = _grid(17, 3)
    lab_in = np.stack([enc[:, 0] * 100, enc[:, 1] * 255 - 128, enc[:, 2] * 255 - 128], -1)
    cmy = 1 - _lab_to_rgb(lab_in)
    key = cmy.min(axis=1, keepdims=True)
    cmy = np.where(key < 1, (cmy - key) / np.maximum(1 - key, 1e-9), 0)
    b2a = np.concatenate([cmy, key], axis=1)
    tags = [
        (b"desc", _text_desc(description)),
        (b"cprt", b"text" + bytes(4) + b"No copyright, test data\0"),
        (b"wtpt", b"XYZ " + bytes(4) + struct.pack(">3i", *(round(v * 65536) for v in _D50))),
        (b"A2B0", _lut8(4, 3, 9, a2b)),
        (b"B2A0", _lut8(3, 4, 17, b2a)),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for sig, data in tags:
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += _pad(data)
    size = offset + len(body)
    header = struct.pack(">I4sI4s4s4s", size, b"lcms", 0x02100000, b"prtr", b"CMYK", b"Lab ")
    header += struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp" + bytes(4 * 4 + 8)
    header += struct.pack(">I3i", 0, *(round(v * 65536) for v in _D50)) + bytes(4 + 44)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + body
