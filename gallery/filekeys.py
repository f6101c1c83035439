"""Where a work's files live in storage: one naming scheme for intake, rows and the sweeper.

Every file of a work starts with its random token: the master ``files/<token>.<ext>``, WebP
previews ``files/<token>-w<width>.webp`` and, for big masters, the print source
``files/<token>-print.<ext>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Matches any work file and captures its token (the sweeper finds orphans with it).
FILE_KEY = re.compile(r"^files/([A-Za-z0-9]+)(?:-w\d+|-print)?\.\w+$")


def master_key(token: str, ext: str) -> str:
    """Return the storage key of the normalised master."""
    return f"files/{token}.{ext}"


def derivative_key(token: str, width: int) -> str:
    """Return the storage key of the WebP preview ``width`` pixels wide."""
    return f"files/{token}-w{width}.webp"


def print_source_key(token: str, ext: str) -> str:
    """Return the storage key of the reduced copy that exports decode instead of the master."""
    return f"files/{token}-print.{ext}"


def file_keys(token: str, ext: str, widths: Iterable[int], print_factor: int) -> list[str]:
    """Return every storage key of one work's files."""
    keys = [master_key(token, ext), *(derivative_key(token, w) for w in widths)]
    if print_factor > 1:
        keys.append(print_source_key(token, ext))
    return keys
