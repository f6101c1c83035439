"""Preflight for exports: run it on every PDF before it is offered, and say its results in the
reader's language. The checks themselves live in ``engine.preflight`` (loaded only here, when
an export is made or a result is checked, never with the print pages).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

#: What each check looks at, as the export page names it.
CHECK_NAMES = {
    "file": _l("File"),
    "boxes": _l("Page boxes"),
    "output-intent": _l("Output intent"),
    "pdfx": _l("PDF/X-4 identification"),
    "fonts": _l("Fonts"),
    "actions": _l("Actions and scripts"),
    "colour": _l("Colour"),
    "resolution": _l("Image resolution"),
    "spot-name": _l("Cut spot colour"),
    "overprint": _l("Overprint of cut paths"),
    "closed-paths": _l("Closed cut paths"),
    "cut-gap": _l("Gap between cut paths"),
    "cut-edge": _l("Cut path to page edge"),
}
STATUS_NAMES = {"ok": _l("ok"), "warn": _l("warning"), "fail": _l("failed")}
#: The engine's reasons in the reader's language, by code (same placeholders).
REASON_TEXTS = {
    "unreadable": _l("not a readable PDF: %(error)s"),
    "encrypted": _l("the file is encrypted; print files must not be"),
    "readable": _l("readable, not encrypted"),
    "boxes_ok": _l("every page has a TrimBox inside its BleedBox inside its MediaBox"),
    "no_trim": _l("page %(page)s has no TrimBox or ArtBox"),
    "not_nested": _l("page %(page)s: %(inner)s is not inside %(outer)s"),
    "no_intent": _l("no PDF/X output intent (GTS_PDFX)"),
    "intent_not_cmyk": _l("the PDF/X output intent has no embedded CMYK profile"),
    "intent_ok": _l("PDF/X output intent %(condition)s, with its CMYK profile embedded"),
    "no_pdfx": _l("the XMP metadata does not identify the file as PDF/X-4"),
    "no_trapped": _l("the XMP metadata does not say whether the file is trapped"),
    "pdfx_ok": _l("XMP identifies %(version)s, Trapped %(trapped)s"),
    "fonts_missing": _l("%(count)s font(s) not embedded: %(names)s"),
    "fonts_ok": _l("all %(count)s font(s) embedded"),
    "no_fonts": _l("no text"),
    "active": _l("the file holds %(what)s"),
    "passive": _l("no JavaScript, actions or embedded files"),
    "device_rgb": _l("%(count)s use(s) of device RGB, which a CMYK output intent cannot print"),
    "colour_ok": _l("only CMYK, grey, spot and ICC-based colour"),
    "low_ppi": _l("an image prints at %(ppi)s ppi on page %(page)s, below %(min)s"),
    "ppi_ok": _l("every image prints at %(ppi)s ppi or more"),
    "no_images": _l("no images"),
    "misnamed_spot": _l("spot colour “%(name)s” looks like a die line but is not “%(expected)s”"),
    "spot_ok": _l("cut paths are in the spot colour “%(expected)s”"),
    "no_cut": _l("no path is stroked in “%(expected)s”"),
    "no_cut_needed": _l("no cut path (a sheet to cut by hand or pre-cut labels)"),
    "no_overprint": _l("%(count)s cut path stroke(s) without overprint"),
    "overprint_ok": _l("every cut path stroke overprints"),
    "open_paths": _l("%(count)s cut path(s) are not closed"),
    "closed_ok": _l("all %(count)s cut path(s) are closed"),
    "gap_low": _l("two cut paths on page %(page)s are %(gap)s mm apart, less than %(min)s mm"),
    "gap_ok": _l("cut paths are at least %(min)s mm apart"),
    "single_cut": _l("one cut path per page"),
    "edge_low": _l(
        "a cut path on page %(page)s is %(edge)s mm from its edge, less than %(min)s mm"
    ),
    "edge_ok": _l("cut paths are at least %(min)s mm from the page edges"),
}


FAILED_PREFIX = "preflight failed: "


class PreflightFailedError(ValueError):
    """Our own PDF failed preflight: it is not offered; the message lists what failed."""


def limits_for(options: Any, *, requires_cut: bool):
    """Return the preflight limits an export's options ask for."""
    from gallery.printing.engine.preflight import Limits

    return Limits(
        cut_spot=options.cut_colour_name,
        min_cut_gap_mm=options.min_cut_gap_mm,
        min_edge_mm=options.min_edge_mm,
        min_ppi=options.min_dpi,
        requires_cut=requires_cut,
    )


def checked(pdf: bytes, options: Any, *, requires_cut: bool) -> list[dict[str, Any]]:
    """Preflight ``pdf``; return its results as plain values, or raise when a check fails."""
    from gallery.printing.engine.preflight import failed, preflight

    checks = preflight(pdf, limits_for(options, requires_cut=requires_cut))
    if failed(checks):
        lines = "; ".join(c.line().replace("\t", " ") for c in checks if c.status == "fail")
        raise PreflightFailedError(f"{FAILED_PREFIX}{lines}")
    return [check.to_mapping() for check in checks]


def check_text(item: dict[str, Any]) -> str:
    """Return one stored result's reason in the reader's language."""
    template = REASON_TEXTS.get(item.get("code", ""))
    if template is None:
        return item.get("code", "")
    # The lazy text is the translated template; the stored values fill its placeholders.
    return str(template) % item.get("values", {})


def check_name(item: dict[str, Any]) -> str:
    """Return what a stored result checked, in the reader's language."""
    return str(CHECK_NAMES.get(item.get("check", ""), item.get("check", "")))


def status_name(item: dict[str, Any]) -> str:
    """Return a stored result's status in the reader's language."""
    return str(STATUS_NAMES.get(item.get("status", ""), item.get("status", "")))
