"""What the artist is told when an image is refused, in their language."""

from __future__ import annotations

from flask_babel import gettext as _

from gallery.intake import IntakeError, Refusal

ACCEPTED = "JPEG, PNG, WebP, GIF"


def refusal_message(error: IntakeError) -> str:
    """Return a specific, actionable explanation for a refused image."""
    detail = error.detail or {}
    reason = error.refusal
    if reason == Refusal.EMPTY:
        return _("The file is empty. Please choose the image again.")
    if reason == Refusal.HEIC:
        return _(
            "HEIC/HEIF photos are not accepted. Accepted formats: %(formats)s. On an iPhone, "
            "choose Settings → Camera → Formats → “Most Compatible”, or share the photo as "
            "JPEG; on Android, export or share the image as JPEG.",
            formats=ACCEPTED,
        )
    if reason == Refusal.SVG:
        return _(
            "SVG files are not accepted. Please export your design as PNG (keeps transparency) "
            "at print size. Accepted formats: %(formats)s.",
            formats=ACCEPTED,
        )
    if reason == Refusal.PDF:
        return _(
            "PDF files are not accepted. Please export your design as PNG or JPEG. "
            "Accepted formats: %(formats)s.",
            formats=ACCEPTED,
        )
    if reason == Refusal.UNSUPPORTED_FORMAT:
        return _(
            "This image format (%(format)s) is not accepted. Please export it as PNG or JPEG. "
            "Accepted formats: %(formats)s.",
            format=detail.get("format", "?"),
            formats=ACCEPTED,
        )
    if reason == Refusal.NOT_AN_IMAGE:
        return _(
            "This file is not an image we can read. Accepted formats: %(formats)s.",
            formats=ACCEPTED,
        )
    if reason == Refusal.TOO_MANY_PIXELS:
        return _(
            "The image is too large (more than %(mp)s megapixels). Please resize it; "
            "%(mp)s megapixels is plenty for a sticker.",
            mp=int(detail.get("max_pixels", 40_000_000) / 1_000_000),
        )
    if reason == Refusal.TOO_SMALL:
        return _(
            "The image is too small to print (%(width)s × %(height)s pixels). Please send at "
            "least %(min)s pixels on the shorter side.",
            width=detail.get("width", "?"),
            height=detail.get("height", "?"),
            min=detail.get("min_side", "?"),
        )
    if reason == Refusal.FILE_TOO_LARGE:
        return file_too_big_message(int(detail.get("max_bytes", 0)))
    if reason == Refusal.TOO_MANY_FRAMES:
        return _(
            "Animated images with this many frames are not accepted. Please send a still image."
        )
    return _("The file is damaged or incomplete. Please export it again and send the new file.")


def file_too_big_message(max_bytes: int) -> str:
    """Return the explanation for a single file over the byte limit."""
    return _(
        "The file is too large (more than %(mb)s MB). Please export a smaller file.",
        mb=max_bytes // (1024 * 1024),
    )
