"""Count frames without decoding them: only the first frame of any upload is ever kept."""

from __future__ import annotations

import logging

from PIL import Image

logger = logging.getLogger(__name__)

_GIF_IMAGE = 0x2C
_GIF_EXTENSION = 0x21
_GIF_TRAILER = 0x3B


def count_frames(im: Image.Image, data: bytes, *, container: str) -> int:
    """Return the number of frames in the source, reading headers only (never seeking frames)."""
    if container == "GIF":
        # Pillow's GIF n_frames seeks through every frame; a 20,000-frame file takes ~3x longer
        # that way than this byte walk, and a frame with bomb-sized extents is never touched.
        return count_gif_frames(data)
    # APNG (acTL), animated WebP (demuxer) and MPO (MP index) store the count in a header.
    try:
        return max(1, int(getattr(im, "n_frames", 1)))
    except Exception as exc:  # a lying header must not refuse an image whose first frame is fine
        logger.info("frame count unreadable for %s: %s", container, type(exc).__name__)
        return 1


def count_gif_frames(data: bytes) -> int:
    """Count GIF image descriptors by skipping data sub-blocks; stops at the trailer or at junk."""
    end = len(data)
    if end < 13:
        return 1
    pos = 13 + _colour_table_size(data[10])
    frames = 0
    while pos < end:
        block = data[pos]
        if block == _GIF_IMAGE:
            if pos + 10 > end:
                break
            frames += 1
            pos += 10 + _colour_table_size(data[pos + 9]) + 1  # +1: LZW minimum code size
            pos = _skip_sub_blocks(data, pos)
        elif block == _GIF_EXTENSION:
            pos = _skip_sub_blocks(data, pos + 2)
        else:
            break  # trailer, or trailing junk that no decoder would read either
    return max(frames, 1)


def _colour_table_size(flags: int) -> int:
    """Bytes taken by a GIF colour table announced in a packed flags byte."""
    return 3 << ((flags & 0x07) + 1) if flags & 0x80 else 0


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    """Return the position just past a chain of GIF data sub-blocks."""
    end = len(data)
    while pos < end:
        size = data[pos]
        pos += size + 1
        if size == 0:
            break
    return pos
