"""process_image: the one entry point from upload bytes to a cleaned, re-encoded picture."""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator

from PIL import Image

from gallery.intake.decode import decode
from gallery.intake.encode import (
    encode_master,
    encode_print_source,
    encode_webp,
    make_previews,
)
from gallery.intake.errors import IntakeError, Refusal
from gallery.intake.hashing import content_sha256, phash
from gallery.intake.limits import Limits
from gallery.intake.normalise import normalise
from gallery.intake.result import ProcessedImage
from gallery.intake.sniff import sniff
from gallery.intake.vector.intake import process_vector

logger = logging.getLogger(__name__)

_DEFAULT_LIMITS = Limits()


def process_image(data: bytes, *, limits: Limits = _DEFAULT_LIMITS) -> ProcessedImage:
    """Turn upload bytes into a metadata-free master and previews, or raise IntakeError.

    Contract: for any bytes, the only exception that leaves is IntakeError.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"process_image() needs bytes, not {type(data).__name__}")
    data = bytes(data)
    try:
        with _pillow_warnings():
            return _process(data, limits)
    except IntakeError as refusal:
        logger.info("upload refused: %s %s", refusal.refusal.value, refusal.detail)
        raise
    except Exception as exc:
        # Pillow raises a zoo of types on hostile input; none may become a 500.
        logger.warning("intake failed unexpectedly: %s", type(exc).__name__, exc_info=True)
        raise IntakeError(Refusal.DAMAGED, {"error": type(exc).__name__}) from None


def _process(data: bytes, limits: Limits) -> ProcessedImage:
    """Run the pipeline: sniff, decode once, normalise, encode master, print source, previews."""
    if not data:
        raise IntakeError(Refusal.EMPTY)
    if len(data) > limits.max_bytes:
        raise IntakeError(
            Refusal.FILE_TOO_LARGE, {"bytes": len(data), "max_bytes": limits.max_bytes}
        )
    sniffed = sniff(data)
    if sniffed.vector:
        return process_vector(data, sniffed.vector, limits=limits)
    decoded = decode(data, sniffed, limits=limits)
    normal = normalise(decoded.image, icc_profile=decoded.icc_profile)
    image = normal.image
    master = encode_master(image, lossless_source=sniffed.lossless, srgb_tagged=normal.srgb_tagged)
    print_source = encode_print_source(image, master.format)
    previews = make_previews(image)
    derivatives = {width: encode_webp(preview) for width, preview in previews.items()}
    return ProcessedImage(
        master=master.data,
        master_format=master.format,
        master_mime=master.mime,
        master_ext=master.ext,
        width=image.width,
        height=image.height,
        has_alpha=normal.has_alpha,
        source_format=decoded.source_format,
        frames=decoded.frames,
        content_sha256=content_sha256(image),
        phash=phash(previews[min(previews)]),
        derivatives=derivatives,
        print_factor=print_source[0] if print_source else 1,
        print_source=print_source[1] if print_source else None,
    )


@contextlib.contextmanager
def _pillow_warnings() -> Iterator[None]:
    """Make the bomb warning an error; record every other warning and log it instead of raising.

    warnings.catch_warnings() swaps process-wide state; Pillow's header ceiling and ours are
    checked anyway, so a race with another thread only changes what gets logged.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        finally:
            for warning in caught:
                logger.info(
                    "Pillow warned during intake: %s: %s",
                    warning.category.__name__,
                    warning.message,
                )
