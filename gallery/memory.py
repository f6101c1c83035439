"""How this process's C heap treats the big, short-lived buffers of pixel work (glibc only)."""

from __future__ import annotations

import ctypes
import os

# mallopt() parameters (glibc's malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
# glibc's own ceiling for its adaptive mmap threshold, and twice that for trimming, as its
# adaptive rule sets it: the values glibc would settle on by itself after a few big images.
MMAP_THRESHOLD = 32 * 1024 * 1024
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD
# Settings by which an operator tunes glibc's malloc themselves; theirs are kept.
_OPERATOR_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")


def _glibc() -> ctypes.CDLL | None:
    """Return the C library if it is glibc, else None (musl, macOS: nothing to tune)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def keep_freed_memory_for_reuse() -> None:
    """Let freed heap of up to 64 MB wait for the next upload instead of being faulted in anew.

    Each upload makes its previews on the app's threads, and those buffers are short-lived and
    big: libwebp alone takes ~35 MB to encode a 1280 px preview with transparency. With glibc's
    adaptive defaults the heap of those threads was handed back after every encode, so every
    drawing uploaded faulted 8,800-13,500 fresh pages in (~20 ms of kernel time, a tenth of its
    intake). Fixing both thresholds at the values glibc adapts towards keeps them resident;
    exports still give memory back where their peak is (``release_freed_memory``).
    """
    if any(name in os.environ for name in _OPERATOR_SETTINGS):
        return
    if "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", ""):
        return
    libc = _glibc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)


def release_freed_memory() -> None:
    """Return the C heap's free pages to the system (glibc's ``malloc_trim``; a no-op elsewhere).

    Freed memory is not always handed back: the heap keeps free pages at its top (up to
    ``TRIM_THRESHOLD``) and any pages stranded between live objects. After an export's rasters
    and outlines that is ~25 MB still counted against the process while WeasyPrint and pikepdf
    allocate on top of it.
    """
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
