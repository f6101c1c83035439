"""Give memory freed by big pixel work back to the operating system."""

from __future__ import annotations


def release_freed_memory() -> None:
    """Return the C heap's free pages to the system (glibc's ``malloc_trim``; a no-op elsewhere).

    Freed memory is not always handed back: once Pillow frees an image block of ~15 MB, glibc
    raises its mmap threshold to that size, so later decoded masters come from the heap, and
    the heap keeps up to twice that threshold of free pages (and any pages stranded between
    live objects). After a die-cut export's rasters and outlines that is ~25 MB still counted
    against the process while WeasyPrint and pikepdf allocate on top of it.
    """
    import ctypes

    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to do
        return
    trim(0)
