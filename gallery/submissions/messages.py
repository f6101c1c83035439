"""What the artist is told when an image is refused, in their language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from gallery.intake import IntakeError, Refusal

ACCEPTED = "JPEG, PNG, WebP, GIF, SVG, PDF"


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
    message = _vector_message(error)
    if message:
        return message
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


def _vector_message(error: IntakeError) -> str | None:
    """Return the explanation for a refused SVG or PDF, or None for other refusals."""
    reason, detail = error.refusal, error.detail or {}
    if reason == Refusal.POSTSCRIPT:
        return _(
            "%(format)s files are not accepted: they are PostScript, which we cannot open "
            "safely. Please export your design as a single-page PDF or as SVG (Illustrator: "
            "File → Save a Copy → Adobe PDF, or File → Export → Export As → SVG; Inkscape: "
            "Save As → Plain SVG or PDF).",
            format=detail.get("format", "EPS"),
        )
    if reason == Refusal.PDF_PAGES:
        pages = int(detail.get("pages") or 0)
        if pages < 1:
            return _(
                "This PDF has no page. Please export the page (artboard) with your design as "
                "a single-page PDF, or as SVG."
            )
        return ngettext(
            "This PDF has %(num)s page; we accept one design per file. Please export only "
            "the page (artboard) with your design as a single-page PDF, or as SVG.",
            "This PDF has %(num)s pages; we accept one design per file. Please export only "
            "the page (artboard) with your design as a single-page PDF, or as SVG.",
            pages,
        )
    if reason == Refusal.PDF_ENCRYPTED:
        return _(
            "This PDF is protected by a password. Please export it again without a password, "
            "as a single-page PDF or as SVG."
        )
    if reason == Refusal.SVG_ENTITIES:
        return _(
            "This SVG declares its own XML entities (a DOCTYPE with definitions), which we do "
            "not accept because they can be used to attack servers. Illustrator: use File → "
            "Export → Export As → SVG (not “Save As” with editing capabilities); Inkscape: "
            "Save As → Plain SVG."
        )
    if reason == Refusal.VECTOR_TOO_COMPLEX:
        return _(
            "This drawing is too complex to draw safely: it needed too much time or memory, "
            "or repeats elements too many times. Please simplify it (or convert effects and "
            "text to paths), or export it as PNG."
        )
    if reason == Refusal.VECTOR_SIZE:
        return _(
            "This drawing has no usable size: its width or height is missing, zero or far "
            "smaller than the other. Please set the page (artboard) to the sticker's size and "
            "export it again."
        )
    if reason == Refusal.VECTOR_BLANK:
        return _(
            "This drawing shows nothing: every part of it is transparent or outside its page. "
            "Please check that your design lies on the page (artboard) and export it again."
        )
    if reason == Refusal.VECTOR_DAMAGED:
        return _(
            "We could not read this SVG or PDF file: it is damaged or not a drawing. Please "
            "export it again (Inkscape: Save As → Plain SVG; Illustrator: Export As → SVG, or "
            "Save a Copy → PDF), or send a PNG."
        )
    if reason == Refusal.VECTOR_UNAVAILABLE:
        return _(
            "This server cannot open SVG or PDF files right now. Please export your design "
            "as PNG (keeps transparency) at print size."
        )
    return None


def file_too_big_message(max_bytes: int) -> str:
    """Return the explanation for a single file over the byte limit."""
    return _(
        "The file is too large (more than %(mb)s MB). Please export a smaller file.",
        mb=max_bytes // (1024 * 1024),
    )
