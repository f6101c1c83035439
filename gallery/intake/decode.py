"""Open an accepted container, check its header against the limits, decode the first frame once."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageFile

from gallery.intake.errors import IntakeError, Refusal
from gallery.intake.frames import count_frames
from gallery.intake.limits import Limits
from gallery.intake.sniff import Sniffed

logger = logging.getLogger(__name__)

# EXIF orientation -> the transpose that makes the pixels upright.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_ORIENTATION_TAG = 0x0112
_BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)
_TRUNCATION_LOCK = threading.Lock()


@dataclass(frozen=True)
class Decoded:
    """The upright first frame, with the few source facts the rest of the pipeline needs."""

    image: Image.Image
    source_format: str
    frames: int
    icc_profile: bytes | None


def decode(data: bytes, sniffed: Sniffed, *, limits: Limits) -> Decoded:
    """Open `data` as exactly the sniffed format, enforce the limits, load once, make it upright."""
    with _strict_truncation():
        im = _open(data, sniffed, limits=limits)
        _check_header_size(im, limits=limits)
        frames = count_frames(im, data, container=sniffed.format)
        _load_once(im, sniffed, limits=limits)
    icc = im.info.get("icc_profile")
    return Decoded(
        image=_upright(im),
        # Pillow opens Multi-Picture JPEGs as "MPO"; only the primary picture is ever decoded.
        source_format=sniffed.format,
        frames=frames,
        icc_profile=icc if isinstance(icc, bytes) else None,
    )


@contextlib.contextmanager
def _strict_truncation() -> Iterator[None]:
    """Decode with Pillow's truncation tolerance off, whatever the rest of the process set.

    WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES = True when imported, and Pillow reads that
    flag at decode time, so a cut-off upload would be padded with grey and accepted. Pillow has
    no per-call switch: the flag is turned off for the open+load and restored after, under a lock
    so that concurrent intakes never restore each other's value. The cost is that decodes in
    one process run one at a time; other threads' decoders see strict mode meanwhile, which only
    matters for files that are really truncated.
    """
    with _TRUNCATION_LOCK:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _check_header_size(im: Image.Image, *, limits: Limits) -> None:
    """Refuse on the header's dimensions, before a single pixel is decoded."""
    width, height = im.size
    if width * height > limits.max_pixels:
        raise IntakeError(
            Refusal.TOO_MANY_PIXELS,
            {"width": width, "height": height, "max_pixels": limits.max_pixels},
        )
    if min(width, height) < limits.min_side:
        raise IntakeError(
            Refusal.TOO_SMALL, {"width": width, "height": height, "min_side": limits.min_side}
        )


def _open(data: bytes, sniffed: Sniffed, *, limits: Limits) -> Image.Image:
    """Read only the header, with the one decoder the magic bytes named."""
    try:
        return Image.open(BytesIO(data), formats=[sniffed.format])
    except _BOMB:
        raise IntakeError(Refusal.TOO_MANY_PIXELS, {"max_pixels": limits.max_pixels}) from None
    except Exception as exc:  # UnidentifiedImageError, zlib bombs in text chunks (ValueError)...
        logger.info("%s header unreadable: %s", sniffed.format, type(exc).__name__)
        raise IntakeError(Refusal.DAMAGED, {"format": sniffed.format}) from None


def _load_once(im: Image.Image, sniffed: Sniffed, *, limits: Limits) -> None:
    """Decode the pixels exactly once; a second load() can 'succeed' on a truncated PNG."""
    try:
        im.load()
    except _BOMB:
        raise IntakeError(Refusal.TOO_MANY_PIXELS, {"max_pixels": limits.max_pixels}) from None
    except MemoryError:
        width, height = im.size
        raise IntakeError(
            Refusal.TOO_MANY_PIXELS,
            {"width": width, "height": height, "max_pixels": limits.max_pixels},
        ) from None
    except Exception as exc:  # OSError, SyntaxError, EOFError, struct.error, zlib.error, ...
        logger.info("%s pixels undecodable: %s", sniffed.format, type(exc).__name__)
        raise IntakeError(Refusal.DAMAGED, {"format": sniffed.format}) from None
    if im.im.mode != im.mode:
        # Seen with corrupt GIFs: labelled "L" while the pixels hold palette indices. Every
        # later conversion would misread them, so the decode is not trustworthy.
        logger.info("%s decoded as %s but labelled %s", sniffed.format, im.im.mode, im.mode)
        raise IntakeError(Refusal.DAMAGED, {"format": sniffed.format})


def _upright(im: Image.Image) -> Image.Image:
    """Apply the EXIF/XMP orientation before any metadata is dropped; broken EXIF means upright."""
    try:
        orientation = im.getexif().get(_ORIENTATION_TAG, 1)
        method = _UPRIGHT.get(orientation) if isinstance(orientation, int) else None
    except Exception as exc:  # corrupt IFD offsets, bad hex in PNG raw profiles, ...
        logger.info("EXIF unreadable, orientation ignored: %s", type(exc).__name__)
        return im
    return im.transpose(method) if method is not None else im
