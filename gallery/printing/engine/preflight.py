"""Preflight: check any PDF the way a sticker print shop's preflight does, one line per check.

Structure fails (the shop would reject the file): the file itself (encryption), page boxes
present and nested, a PDF/X output intent with a CMYK characterisation, the PDF/X-4
identification, embedded fonts, nothing active, no device RGB, the cut spot colour's exact
name, overprint on cut strokes, closed cut paths. Cut gaps, the cut path's distance from the
edge and image resolution only warn: label stock with touching labels is normal at home.

Every result carries an English ``reason`` (for the command line and logs) and a ``code`` with
``values``, so the web pages can say the same in the reader's language.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Name

from gallery.printing.engine.pdfscan import PT_PER_MM, PageScan, Scanner

OK, WARN, FAIL = "ok", "warn", "fail"
BOX_TOLERANCE_PT = 0.01
# Spot names a cutter or shop might mean as a die line: a near miss of the expected name fails.
_CUT_WORDS = re.compile(r"cut|contour|kontur|die|stanz|thru|kiss|crease")

#: English reasons by code; ``values`` fill the named placeholders.
REASONS: dict[str, str] = {
    "unreadable": "not a readable PDF: %(error)s",
    "encrypted": "the file is encrypted; print files must not be",
    "readable": "readable, not encrypted",
    "boxes_ok": "every page has a TrimBox inside its BleedBox inside its MediaBox",
    "no_trim": "page %(page)s has no TrimBox or ArtBox",
    "not_nested": "page %(page)s: %(inner)s is not inside %(outer)s",
    "no_intent": "no PDF/X output intent (GTS_PDFX)",
    "intent_not_cmyk": "the PDF/X output intent has no embedded CMYK profile",
    "intent_ok": "PDF/X output intent %(condition)s, with its CMYK profile embedded",
    "no_pdfx": "the XMP metadata does not identify the file as PDF/X-4",
    "no_trapped": "the XMP metadata does not say whether the file is trapped",
    "pdfx_ok": "XMP identifies %(version)s, Trapped %(trapped)s",
    "fonts_missing": "%(count)s font(s) not embedded: %(names)s",
    "fonts_ok": "all %(count)s font(s) embedded",
    "no_fonts": "no text",
    "active": "the file holds %(what)s",
    "passive": "no JavaScript, actions or embedded files",
    "device_rgb": "%(count)s use(s) of device RGB, which a CMYK output intent cannot print",
    "colour_ok": "only CMYK, grey, spot and ICC-based colour",
    "low_ppi": "an image prints at %(ppi)s ppi on page %(page)s, below %(min)s",
    "ppi_ok": "every image prints at %(ppi)s ppi or more",
    "no_images": "no images",
    "misnamed_spot": "spot colour “%(name)s” looks like a die line but is not “%(expected)s”",
    "spot_ok": "cut paths are in the spot colour “%(expected)s”",
    "no_cut": "no path is stroked in “%(expected)s”",
    "no_cut_needed": "no cut path (a sheet to cut by hand or pre-cut labels)",
    "no_overprint": "%(count)s cut path stroke(s) without overprint",
    "overprint_ok": "every cut path stroke overprints",
    "open_paths": "%(count)s cut path(s) are not closed",
    "closed_ok": "all %(count)s cut path(s) are closed",
    "gap_low": "two cut paths on page %(page)s are %(gap)s mm apart, less than %(min)s mm",
    "gap_ok": "cut paths are at least %(min)s mm apart",
    "single_cut": "one cut path per page",
    "edge_low": "a cut path on page %(page)s is %(edge)s mm from its edge, less than %(min)s mm",
    "edge_ok": "cut paths are at least %(min)s mm from the page edges",
}


@dataclass(frozen=True)
class Limits:
    """What the shop asks for (from a print-shop preset, or the shops' usual limits)."""

    cut_spot: str = "CutContour"
    min_cut_gap_mm: float = 2.0
    min_edge_mm: float = 2.0
    min_ppi: int = 300
    requires_cut: bool = False


@dataclass(frozen=True)
class Check:
    """One preflight result."""

    name: str
    status: str
    code: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """Return the English reason."""
        return REASONS[self.code] % self.values

    def line(self) -> str:
        """Return the result as one tab-separated line: status, check, reason."""
        return f"{self.status}\t{self.name}\t{self.reason}"

    def to_mapping(self) -> dict[str, Any]:
        """Return the result as plain JSON-able values."""
        return {"check": self.name, "status": self.status, "code": self.code, "values": self.values}


def failed(checks: Iterable[Check]) -> bool:
    """Tell whether any check failed."""
    return any(check.status == FAIL for check in checks)


def preflight(source: bytes | Path, limits: Limits | None = None) -> list[Check]:
    """Check a PDF (bytes or a path) and return one result per check."""
    limits = limits or Limits()
    data = Path(source).read_bytes() if isinstance(source, Path) else source
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        return [Check("file", FAIL, "encrypted")]
    except pikepdf.PdfError as exc:
        return [Check("file", FAIL, "unreadable", {"error": str(exc)[:200]})]
    with pdf:
        scanner = Scanner()
        scans = [scanner.scan_page(page) for page in pdf.pages]
        checks = [
            Check("file", FAIL, "encrypted") if pdf.is_encrypted else Check("file", OK, "readable"),
            _boxes(pdf),
            _intent(pdf),
            _identification(pdf),
            _fonts(pdf),
            _active(pdf),
            _colour(scans),
            _resolution(scans, limits),
        ]
        checks += _cut_checks(pdf, scans, limits)
    return checks


def _box(page: pikepdf.Page, name: str) -> tuple[float, float, float, float] | None:
    """Return a page box as (x0, y0, x1, y1) in points, or None when the page has none."""
    value = page.obj.get(name)
    if value is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _inside(inner, outer) -> bool:
    """Tell whether box ``inner`` lies within ``outer``."""
    t = BOX_TOLERANCE_PT
    return (
        inner[0] >= outer[0] - t
        and inner[1] >= outer[1] - t
        and inner[2] <= outer[2] + t
        and inner[3] <= outer[3] + t
    )


def _boxes(pdf: pikepdf.Pdf) -> Check:
    """Every page has a TrimBox (or ArtBox) inside its BleedBox inside its MediaBox."""
    for number, page in enumerate(pdf.pages, start=1):
        media = _box(page, "/MediaBox") or (0.0, 0.0, 612.0, 792.0)
        trim = _box(page, "/TrimBox") or _box(page, "/ArtBox")
        if trim is None:
            return Check("boxes", FAIL, "no_trim", {"page": number})
        bleed = _box(page, "/BleedBox") or _box(page, "/CropBox") or media
        for inner, outer, names in (
            (trim, bleed, ("TrimBox", "BleedBox")),
            (bleed, media, ("BleedBox", "MediaBox")),
        ):
            if not _inside(inner, outer):
                values = {"page": number, "inner": names[0], "outer": names[1]}
                return Check("boxes", FAIL, "not_nested", values)
    return Check("boxes", OK, "boxes_ok")


def _intent(pdf: pikepdf.Pdf) -> Check:
    """A GTS_PDFX output intent embedding a CMYK profile."""
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == Name.GTS_PDFX]
    if not intents:
        return Check("output-intent", FAIL, "no_intent")
    intent = intents[0]
    profile = intent.get("/DestOutputProfile")
    if profile is None or int(profile.get("/N", 0)) != 4 or not _is_cmyk(profile.read_bytes()):
        return Check("output-intent", FAIL, "intent_not_cmyk")
    condition = str(intent.get("/OutputConditionIdentifier", "")) or "?"
    info = str(intent.get("/Info", ""))
    label = f"{condition}, {info}" if info and info != condition else condition
    return Check("output-intent", OK, "intent_ok", {"condition": label})


def _is_cmyk(icc: bytes) -> bool:
    """Tell whether ``icc`` is an ICC profile for CMYK (header bytes 16-19)."""
    return len(icc) >= 128 and icc[36:40] == b"acsp" and icc[16:20] == b"CMYK"


def _identification(pdf: pikepdf.Pdf) -> Check:
    """XMP names PDF/X-4 and says whether the file is trapped."""
    try:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            version = str(meta.get("pdfxid:GTS_PDFXVersion", "") or "")
            trapped = str(meta.get("pdf:Trapped", "") or "")
    except (ValueError, OSError, pikepdf.PdfError):
        version = trapped = ""
    if not version.startswith("PDF/X-4"):
        return Check("pdfx", FAIL, "no_pdfx")
    if trapped not in ("True", "False"):
        return Check("pdfx", FAIL, "no_trapped")
    return Check("pdfx", OK, "pdfx_ok", {"version": version, "trapped": trapped})


def _font_dicts(pdf: pikepdf.Pdf) -> dict[tuple[int, int], pikepdf.Dictionary]:
    """Return every font any page or form uses, by object id."""
    fonts: dict[tuple[int, int], pikepdf.Dictionary] = {}
    seen: set[tuple[int, int]] = set()

    def visit(resources) -> None:
        """Collect fonts of one resource dictionary and the forms it holds."""
        if resources is None:
            return
        for font in _values(resources.get("/Font")):
            fonts[font.objgen if font.is_indirect else (id(font), 0)] = font
            if font.get("/Subtype") == Name.Type3:
                visit(font.get("/Resources"))
        for xobject in _values(resources.get("/XObject")):
            if xobject.get("/Subtype") == Name.Form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                visit(xobject.get("/Resources"))

    for page in pdf.pages:
        visit(page.obj.get("/Resources"))
    return fonts


def _values(dictionary) -> list:
    """Return the values of a PDF dictionary, or none when it is missing."""
    return [] if dictionary is None else [dictionary[k] for k in list(dictionary.keys())]


def _fonts(pdf: pikepdf.Pdf) -> Check:
    """Every font has its program embedded (Type 3 fonts are drawn by the file itself)."""
    fonts = _font_dicts(pdf)
    if not fonts:
        return Check("fonts", OK, "no_fonts")
    missing = []
    for font in fonts.values():
        if font.get("/Subtype") == Name.Type3:
            continue
        described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        descriptor = described.get("/FontDescriptor")
        if descriptor is None or not any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
        ):
            missing.append(str(font.get("/BaseFont", "?")).lstrip("/"))
    if missing:
        names = ", ".join(sorted(set(missing))[:5])
        return Check("fonts", FAIL, "fonts_missing", {"count": len(missing), "names": names})
    return Check("fonts", OK, "fonts_ok", {"count": len(fonts)})


def _active(pdf: pikepdf.Pdf) -> Check:
    """No JavaScript, open or additional actions, annotation actions or embedded files."""
    found = []
    root = pdf.Root
    if "/OpenAction" in root or "/AA" in root:
        found.append("a document action")
    names = root.get("/Names")
    if names is not None:
        if "/JavaScript" in names:
            found.append("JavaScript")
        if "/EmbeddedFiles" in names:
            found.append("embedded files")
    for page in pdf.pages:
        if "/AA" in page.obj:
            found.append("a page action")
        for annot in page.obj.get("/Annots", []):
            if "/A" in annot or "/AA" in annot:
                found.append("an annotation action")
    if found:
        return Check("actions", FAIL, "active", {"what": ", ".join(sorted(set(found)))})
    return Check("actions", OK, "passive")


def _colour(scans: Sequence[PageScan]) -> Check:
    """No device RGB: with a CMYK output intent it has no defined meaning on a press."""
    count = sum(scan.device_rgb for scan in scans)
    if count:
        return Check("colour", FAIL, "device_rgb", {"count": count})
    return Check("colour", OK, "colour_ok")


def _resolution(scans: Sequence[PageScan], limits: Limits) -> Check:
    """Images below the minimum resolution at their placed size warn."""
    lowest = None
    for number, scan in enumerate(scans, start=1):
        for image in scan.images:
            if lowest is None or image.ppi < lowest[0]:
                lowest = (image.ppi, number)
    if lowest is None:
        return Check("resolution", OK, "no_images")
    ppi = round(lowest[0]) if math.isfinite(lowest[0]) else 0
    if ppi < limits.min_ppi:
        values = {"ppi": ppi, "page": lowest[1], "min": limits.min_ppi}
        return Check("resolution", WARN, "low_ppi", values)
    return Check("resolution", OK, "ppi_ok", {"ppi": ppi})


def _is_cut_like(name: str) -> bool:
    """Tell whether a colorant name reads like a die line's."""
    return bool(_CUT_WORDS.search(re.sub(r"[^a-z]", "", name.lower())))


def _cut_checks(pdf: pikepdf.Pdf, scans: Sequence[PageScan], limits: Limits) -> list[Check]:
    """Spot name, overprint, closed paths, gaps and edge distance of the cut paths."""
    expected = limits.cut_spot
    named = sorted({n for s in scans for n in s.colorants if n != expected and _is_cut_like(n)})
    strokes = [(n, st) for n, s in enumerate(scans) for st in s.strokes if st.colorant == expected]
    values = {"expected": expected}
    if named:
        spot = Check("spot-name", FAIL, "misnamed_spot", {"name": named[0], **values})
    elif not strokes:
        status = FAIL if limits.requires_cut else OK
        spot = Check(
            "spot-name", status, "no_cut" if limits.requires_cut else "no_cut_needed", values
        )
    else:
        spot = Check("spot-name", OK, "spot_ok", values)
    if not strokes:
        names = ("overprint", "closed-paths", "cut-gap", "cut-edge")
        return [spot, *(Check(n, OK, "no_cut_needed", values) for n in names)]
    plain = sum(1 for _n, stroke in strokes if not stroke.overprint)
    overprint = (
        Check("overprint", FAIL, "no_overprint", {"count": plain})
        if plain
        else Check("overprint", OK, "overprint_ok")
    )
    subpaths = [(n, sub) for n, stroke in strokes for sub in stroke.subpaths]
    opened = sum(1 for _n, sub in subpaths if not sub.closed)
    closed = (
        Check("closed-paths", FAIL, "open_paths", {"count": opened})
        if opened
        else Check("closed-paths", OK, "closed_ok", {"count": len(subpaths)})
    )
    return [spot, overprint, closed, *_spacing(pdf, subpaths, limits)]


def _spacing(pdf: pikepdf.Pdf, subpaths, limits: Limits) -> list[Check]:
    """Warn when cut paths come closer than the shop's gap, or too close to the page edge."""
    # NumPy and SciPy measure gaps: loaded only for pages with several cut paths.
    from gallery.printing.engine import cutcheck

    by_page: dict[int, list] = {}
    for number, sub in subpaths:
        by_page.setdefault(number, []).append(
            [(x / PT_PER_MM, y / PT_PER_MM) for x, y in sub.points]
        )
    gap_min = limits.min_cut_gap_mm
    worst_gap, worst_edge = None, None
    for number, paths in by_page.items():
        page = pdf.pages[number]
        box = _box(page, "/BleedBox") or _box(page, "/MediaBox")
        edge = cutcheck.edge_distance(paths, tuple(v / PT_PER_MM for v in box))
        if worst_edge is None or edge < worst_edge[0]:
            worst_edge = (edge, number + 1)
        if len(paths) > 1:
            gap = cutcheck.closest_gap(paths, within=gap_min)
            if gap is not None and (worst_gap is None or gap < worst_gap[0]):
                worst_gap = (gap, number + 1)
    if worst_gap is not None and worst_gap[0] < gap_min - 0.01:
        values = {"page": worst_gap[1], "gap": f"{worst_gap[0]:.1f}", "min": f"{gap_min:g}"}
        gap_check = Check("cut-gap", WARN, "gap_low", values)
    elif all(len(paths) == 1 for paths in by_page.values()):
        gap_check = Check("cut-gap", OK, "single_cut")
    else:
        gap_check = Check("cut-gap", OK, "gap_ok", {"min": f"{gap_min:g}"})
    edge_min = limits.min_edge_mm
    if worst_edge is not None and worst_edge[0] < edge_min - 0.01:
        values = {
            "page": worst_edge[1],
            "edge": f"{max(0.0, worst_edge[0]):.1f}",
            "min": f"{edge_min:g}",
        }
        edge_check = Check("cut-edge", WARN, "edge_low", values)
    else:
        edge_check = Check("cut-edge", OK, "edge_ok", {"min": f"{edge_min:g}"})
    return [gap_check, edge_check]
