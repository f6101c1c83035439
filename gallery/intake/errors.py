"""Why an upload was refused: a closed set of reasons the web layer can translate."""

from __future__ import annotations

import enum
from typing import Any


class Refusal(enum.StrEnum):
    """Reason an upload was refused; each maps to one translated message in the web layer."""

    EMPTY = "empty"
    FILE_TOO_LARGE = "file_too_large"
    NOT_AN_IMAGE = "not_an_image"
    UNSUPPORTED_FORMAT = "unsupported_format"
    HEIC = "heic"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_SMALL = "too_small"
    DAMAGED = "damaged"
    TOO_MANY_FRAMES = "too_many_frames"
    POSTSCRIPT = "postscript"
    PDF_PAGES = "pdf_pages"
    PDF_ENCRYPTED = "pdf_encrypted"
    SVG_ENTITIES = "svg_entities"
    VECTOR_DAMAGED = "vector_damaged"
    VECTOR_TOO_COMPLEX = "vector_too_complex"
    VECTOR_SIZE = "vector_size"
    VECTOR_BLANK = "vector_blank"
    VECTOR_UNAVAILABLE = "vector_unavailable"


class IntakeError(Exception):
    """A refused upload: `refusal` says why, `detail` carries numbers for the message."""

    def __init__(self, refusal: Refusal, detail: dict[str, Any] | None = None) -> None:
        """Keep the reason and the details; the message is for logs, never shown to users."""
        self.refusal = Refusal(refusal)
        self.detail: dict[str, Any] = dict(detail or {})
        super().__init__(f"{self.refusal.value}: {self.detail}" if self.detail else self.refusal)

    def __reduce__(self) -> tuple[Any, ...]:
        """Survive pickling (e.g. a job queue) with the same reason and details."""
        return (type(self), (self.refusal, self.detail))
