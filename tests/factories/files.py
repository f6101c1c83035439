"""File contents for tests: uploads made with Pillow, stored previews, export PDFs."""

from __future__ import annotations

import io

from PIL import Image

A4_POINTS = (595.276, 841.89)


def image_bytes(
    fmt: str = "PNG",
    size: tuple[int, int] = (400, 300),
    colour=(200, 30, 40),
    mode: str = "RGB",
    **save,
) -> bytes:
    """Return an image made with Pillow, encoded as ``fmt``."""
    image = Image.new(mode, size, colour)
    # A little structure so perceptual hashes of different images differ.
    for x in range(0, size[0], 40):
        for y in range(0, size[1], 40):
            if (x // 40 + y // 40) % 2:
                image.putpixel((x, y), (0, 0, 0) if mode == "RGB" else (0, 0, 0, 255))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def series_png(n: int, size: tuple[int, int] = (900, 900)) -> bytes:
    """Return the ``n``-th of a series of PNGs that differ in colour (distinct uploads)."""
    return image_bytes("PNG", size, colour=(40 + 50 * n, 200 - 30 * n, 90))


def webp_bytes(width: int = 320, height: int = 240, colour=(30, 120, 200)) -> bytes:
    """Return a plain WebP image of the given size (a stored preview)."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "WEBP")
    return buffer.getvalue()


def pdf_bytes(pages: int = 2, size: tuple[float, float] = A4_POINTS) -> bytes:
    """Return a PDF of blank pages of ``size`` points."""
    import pikepdf  # heavy: only the tests that make export PDFs load it

    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=size)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()
