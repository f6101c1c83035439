"""Where every stored file lives: one naming scheme for writers, rows, deletion and the sweeper.

Every file of a work starts with its random token: the master ``files/<token>.<ext>``, WebP
previews ``files/<token>-w<width>.webp``, for big masters the print source
``files/<token>-print.<ext>`` and, for a drawing (SVG or PDF upload), its cleaned vector source
``files/<token>-vector.<svg|pdf>``. Print rasters made from a work live under
``print-cache/<work id>-<token>-…`` (rasters, die-cut singles' fitted outlines as JSON
and set credit lines as PDF).
Export PDFs are ``exports/<token>.pdf``, a singles export's credits file
``exports/<token>-credits.pdf``, and sticker-pack previews ``packs/<token>-preview.webp``.
``health/`` holds the health check's short-lived probes. Nothing else is ever written: the
sweeper treats any other key as an orphan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Every top-level folder the app writes to.
PREFIXES = ("files/", "print-cache/", "exports/", "packs/", "health/")

#: Matches any work file and captures its token (the sweeper finds orphans with it).
FILE_KEY = re.compile(r"^files/([A-Za-z0-9]+)(?:-w\d+|-print|-vector)?\.\w+$")
#: Matches a print raster and captures the work id and token it was made from.
PRINT_CACHE_KEY = re.compile(r"^print-cache/(\d+)-([A-Za-z0-9]+)-")


def master_key(token: str, ext: str) -> str:
    """Return the storage key of the normalised master."""
    return f"files/{token}.{ext}"


def derivative_key(token: str, width: int) -> str:
    """Return the storage key of the WebP preview ``width`` pixels wide."""
    return f"files/{token}-w{width}.webp"


def print_source_key(token: str, ext: str) -> str:
    """Return the storage key of the reduced copy that exports decode instead of the master."""
    return f"files/{token}-print.{ext}"


def vector_key(token: str, vector_ext: str) -> str:
    """Return the storage key of a drawing's cleaned vector source (``svg`` or ``pdf``)."""
    return f"files/{token}-vector.{vector_ext}"


def file_keys(
    token: str, ext: str, widths: Iterable[int], print_factor: int, vector_ext: str = ""
) -> list[str]:
    """Return every storage key of one work's intake files."""
    keys = [master_key(token, ext), *(derivative_key(token, w) for w in widths)]
    if print_factor > 1:
        keys.append(print_source_key(token, ext))
    if vector_ext:
        keys.append(vector_key(token, vector_ext))
    return keys


def print_cache_prefix(work_id: int, token: str) -> str:
    """Return the prefix shared by every print raster made from one work."""
    return f"print-cache/{work_id}-{token}-"


def export_pdf_key(token: str) -> str:
    """Return the storage key of an export's PDF."""
    return f"exports/{token}.pdf"


def export_credits_key(token: str) -> str:
    """Return the storage key of a singles export's separate credits PDF."""
    return f"exports/{token}-credits.pdf"


def pack_preview_key(token: str) -> str:
    """Return the storage key of a sticker pack's first-sheet preview."""
    return f"packs/{token}-preview.webp"
