"""The caller's bounds on an upload, and the sizes the intake derives from it."""

from __future__ import annotations

from dataclasses import dataclass

# Widths of the WebP previews served to browsers (srcset); the master keeps full size.
DERIVATIVE_WIDTHS: tuple[int, ...] = (320, 640, 1280)

# libwebp cannot encode a side longer than this; absurdly tall previews are fitted inside it.
WEBP_MAX_SIDE = 16383

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Limits:
    """Bounds the web app passes per call; nothing here touches Pillow's global settings."""

    max_pixels: int = 40_000_000
    min_side: int = 1
    max_bytes: int = 30 * 1024 * 1024
    # Wall clock for cleaning and rendering one vector upload in the sandbox.
    vector_seconds: float = 10.0


def derivative_sizes(width: int, height: int) -> dict[int, tuple[int, int]]:
    """Map each preview width to its pixel size, largest first; never upscaled, never empty."""
    widths = {w for w in DERIVATIVE_WIDTHS if w < width}
    widths.add(min(width, min(DERIVATIVE_WIDTHS)))
    sizes = {}
    for nominal in sorted(widths, reverse=True):
        scale = min(nominal / width, WEBP_MAX_SIDE / height)
        sizes[nominal] = (max(1, round(width * scale)), max(1, round(height * scale)))
    return sizes


def print_width_mm(width_px: int, dpi: int = 300) -> float:
    """Return the widest sharp print of `width_px` pixels at `dpi`, in millimetres (1 decimal)."""
    if dpi <= 0:
        raise ValueError("dpi must be positive")
    return round(width_px / dpi * MM_PER_INCH, 1)
