"""The intake stays strict whatever other libraries in the same process do to Pillow."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFile

from gallery.intake import IntakeError, Refusal, process_image


def truncated_png() -> bytes:
    """Return a PNG cut off in the middle of its pixel data."""
    buffer = io.BytesIO()
    Image.effect_noise((300, 300), 64).convert("RGB").save(buffer, "PNG")
    data = buffer.getvalue()
    return data[: len(data) // 2]


def test_truncated_upload_refused_after_weasyprint_is_loaded():
    """WeasyPrint flips LOAD_TRUNCATED_IMAGES on import; uploads must still be refused."""
    import gallery.printing.engine.render  # noqa: F401  (the import is the point)

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as any library might
    try:
        with pytest.raises(IntakeError) as refused:
            process_image(truncated_png())
        assert refused.value.refusal == Refusal.DAMAGED
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
