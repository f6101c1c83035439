"""Finish a rendered sticker PDF for the printer: page boxes, marks, cut paths, colour, privacy.

Page boxes. Every page *is* the physical sheet that goes through the printer: label stock,
plain sticker paper or a print-and-cut sheet. So MediaBox = TrimBox = BleedBox = the sheet,
on every page, in every mode. Per-sticker bleed lives *inside* the sheet: the artwork runs
``bleed_mm`` past each sticker's cut line, and where each sticker is cut is told by the crop
marks (plain paper) or the CutContour paths (print-and-cut), not by the page boxes. A PDF page
has a single TrimBox, so it cannot describe 24 stickers; a TrimBox smaller than the sheet would
make "fit to trim" print dialogs and RIPs scale or shift the page and ruin the 0.1 mm
registration with pre-cut labels and with the cutter's registration marks. No CropBox is set.

Marks are drawn here as vectors: crop marks as 0.25 pt black hairlines, registration marks as
filled black boxes (DeviceGray, so they stay pure K on a CMYK press). Cut paths are stroked
0.25 pt in a Separation colour space named after ``options.cut_colour_name`` (alternate: 100 %
magenta) set to overprint, which is how RIPs and cutter software recognise a die line.

Privacy and PDF/X: the renderer's /Info and XMP are dropped; :mod:`pdfx` then writes the
PDF/X-4 identification (a neutral title, the day, no names), the CMYK output intent and
ICC-based colour, and the file ID is derived from the content.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

from gallery.printing.engine import pdfx
from gallery.printing.engine.geometry import page_marks
from gallery.printing.engine.options import Mode, Shape

log = logging.getLogger(__name__)

PT = 72 / 25.4  # PDF points per millimetre
HAIRLINE_PT = 0.25
KAPPA = 0.5522847498  # Bézier handle length for a quarter ellipse
Polygon = Sequence[tuple[float, float]]


def _num(value: float) -> str:
    """Format a PDF number compactly (0.001 pt is far below what a printer resolves)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class PagePath:
    """Build PDF path operators from page millimetres (origin top-left, y down)."""

    def __init__(self, page_height_mm: float) -> None:
        """Remember the page height to flip y."""
        self.h = page_height_mm
        self.ops: list[str] = []

    def _xy(self, x: float, y: float) -> str:
        """Return one point in PDF user space."""
        return f"{_num(x * PT)} {_num((self.h - y) * PT)}"

    def move(self, x: float, y: float) -> None:
        """Begin a subpath."""
        self.ops.append(f"{self._xy(x, y)} m")

    def line(self, x: float, y: float) -> None:
        """Add a straight segment."""
        self.ops.append(f"{self._xy(x, y)} l")

    def curve(self, *pts: float) -> None:
        """Add a cubic Bézier segment through three control points (x1 y1 x2 y2 x3 y3)."""
        coords = " ".join(self._xy(pts[i], pts[i + 1]) for i in range(0, 6, 2))
        self.ops.append(f"{coords} c")

    def close(self) -> None:
        """Close the current subpath."""
        self.ops.append("h")

    def rect(self, box: Any) -> None:
        """Add a rectangle."""
        self.ops.append(
            f"{self._xy(box.x, box.bottom)} {_num(box.width * PT)} {_num(box.height * PT)} re"
        )

    def rounded(self, box: Any, rx: float, ry: float) -> None:
        """Add a rectangle with elliptical corners of radii ``rx`` × ``ry`` (clockwise on paper)."""
        rx, ry = min(rx, box.width / 2), min(ry, box.height / 2)
        if rx <= 0 or ry <= 0:
            self.rect(box)
            return
        x0, y0, x1, y1 = box.x, box.y, box.right, box.bottom
        kx, ky = rx * KAPPA, ry * KAPPA
        self.move(x0 + rx, y0)
        self.line(x1 - rx, y0)
        self.curve(x1 - rx + kx, y0, x1, y0 + ry - ky, x1, y0 + ry)
        self.line(x1, y1 - ry)
        self.curve(x1, y1 - ry + ky, x1 - rx + kx, y1, x1 - rx, y1)
        self.line(x0 + rx, y1)
        self.curve(x0 + rx - kx, y1, x0, y1 - ry + ky, x0, y1 - ry)
        self.line(x0, y0 + ry)
        self.curve(x0, y0 + ry - ky, x0 + rx - kx, y0, x0 + rx, y0)
        self.close()

    def polygon(self, points: Polygon) -> None:
        """Add a closed polygon."""
        if len(points) < 3:
            return
        self.move(*points[0])
        for x, y in points[1:]:
            self.line(x, y)
        self.close()


def shape_path(path: PagePath, box: Any, shape: Shape, corner_radius: float) -> None:
    """Add the outline of one label of ``shape`` filling ``box`` to ``path``."""
    if shape in (Shape.CIRCLE, Shape.ELLIPSE):
        path.rounded(box, box.width / 2, box.height / 2)
    elif shape is Shape.ROUNDED:
        path.rounded(box, corner_radius, corner_radius)
    else:
        path.rect(box)


def cut_colour_space(pdf: Pdf, name: str) -> pikepdf.Object:
    """Return a Separation colour space for the cut line, 100 % magenta on proofs."""
    tint = Dictionary(
        FunctionType=2,
        Domain=Array([0, 1]),
        C0=Array([0, 0, 0, 0]),
        C1=Array([0, 1, 0, 0]),
        N=1,
    )
    return pdf.make_indirect(Array([Name.Separation, Name("/" + name), Name.DeviceCMYK, tint]))


def cut_state() -> Dictionary:
    """Return the graphics state cut paths are stroked in."""
    # Overprint, so the die line never knocks a white hairline out of the artwork.
    return Dictionary(Type=Name.ExtGState, OP=True, op=True, OPM=1)


def cut_ops(path_ops: list[str]) -> list[str]:
    """Return operators stroking ``path_ops`` as a 0.25 pt line in the cut spot colour."""
    return ["q", "/GSCut gs", "/CSCut CS", "1 SCN", f"{_num(HAIRLINE_PT)} w", *path_ops, "S", "Q"]


def finish_pdf(
    data: bytes | Sequence[bytes],
    *,
    layout: Any,
    sheets: Sequence[Any],
    options: Any,
    title: str = "",
    press_icc: bytes,
    dielines: Mapping[tuple[int, int], Sequence[Polygon]] | None = None,
) -> bytes:
    """Return ``data`` as PDF/X-4 with page boxes, marks and cut paths, naming ``press_icc``.

    ``data`` may be several PDFs (rendered in chunks); their pages are joined in order and
    identical images are stored once. Pages ``0 .. len(sheets) - 1`` are the sheets; any later
    pages (the credits) only get boxes.
    ``dielines`` maps (sheet position, placement position) to cut polygons in page mm, used
    instead of the label shape for transparent works.
    """
    dielines = dielines or {}
    parts = [data] if isinstance(data, bytes | bytearray) else list(data)
    with ExitStack() as stack:
        pdf = stack.enter_context(Pdf.open(io.BytesIO(parts[0])))
        for part in parts[1:]:
            pdf.pages.extend(stack.enter_context(Pdf.open(io.BytesIO(part))).pages)
        if len(parts) > 1:
            _share_images(pdf)
        cut_space = None
        cutting = layout.mode is Mode.PRINT_AND_CUT or options.cut_lines
        if cutting:
            cut_space = cut_colour_space(pdf, options.cut_colour_name)
        marks = page_marks(layout, options)
        for number, page in enumerate(pdf.pages):
            _set_boxes(page)
            if number >= len(sheets):
                continue
            ops: list[str] = []
            ops += _marks_ops(marks, layout.page_height)
            if cut_space is not None:
                ops += _cut_ops(layout, sheets[number], number, dielines)
            if ops:
                _append(pdf, page, ops, cut_space=cut_space)
        scrub_metadata(pdf)
        pdfx.make_pdfx(pdf, icc=press_icc, title=title, cmyk=options.cmyk)
        return pdfx.save(pdf)


def _share_images(pdf: Pdf) -> None:
    """Point every page at one copy of each identical image (chunks each embed their own)."""
    seen: dict[bytes, pikepdf.Object] = {}
    for page in pdf.pages:
        xobjects = page.obj.get("/Resources", {}).get("/XObject", {})
        for name in list(xobjects.keys()):
            image = xobjects[name]
            if image.get("/Subtype") != Name.Image:
                continue
            digest = hashlib.sha256(image.read_raw_bytes())
            mask = image.get("/SMask")
            if mask is not None:
                digest.update(mask.read_raw_bytes())
            for key in ("/Width", "/Height", "/Filter", "/ColorSpace", "/Decode", "/DecodeParms"):
                digest.update(repr(image.get(key)).encode())
            found = seen.setdefault(digest.digest(), image)
            if found is not image:
                xobjects[name] = found


def _set_boxes(page: pikepdf.Page) -> None:
    """Make TrimBox and BleedBox equal the MediaBox (the sheet itself); drop any CropBox."""
    media = Array([float(v) for v in page.obj.MediaBox])
    page.obj.TrimBox = media
    page.obj.BleedBox = Array(list(media))
    if "/CropBox" in page.obj:
        del page.obj["/CropBox"]


def _marks_ops(marks: Any, page_height: float) -> list[str]:
    """Return operators drawing crop marks and registration marks."""
    ops: list[str] = []
    if marks.crop:
        path = PagePath(page_height)
        for seg in marks.crop:
            path.move(seg.x1, seg.y1)
            path.line(seg.x2, seg.y2)
        ops += ["q", "0 G", f"{_num(HAIRLINE_PT)} w", "0 J", *path.ops, "S", "Q"]
    if marks.registration:
        path = PagePath(page_height)
        for box in marks.registration:
            path.rect(box)
        ops += ["q", "0 g", *path.ops, "f", "Q"]
    return ops


def _cut_ops(
    layout: Any, sheet: Any, number: int, dielines: Mapping[tuple[int, int], Sequence[Polygon]]
) -> list[str]:
    """Return operators stroking one cut path per placement in the cut colour."""
    path = PagePath(layout.page_height)
    for position, placement in enumerate(sheet.placements):
        polygons = dielines.get((number, position))
        if polygons:
            for polygon in polygons:
                path.polygon(polygon)
        else:
            radius = layout.corner_radius * placement.trim_box.width / max(layout.label_width, 1e-9)
            shape_path(path, placement.trim_box, layout.shape, radius)
    if not path.ops:
        return []
    return cut_ops(path.ops)


def _append(pdf: Pdf, page: pikepdf.Page, ops: list[str], *, cut_space: Any) -> None:
    """Append ``ops`` after the page's own content, isolated from its graphics state."""
    resources = page.obj.get("/Resources")
    if resources is None:
        resources = page.obj.Resources = Dictionary()
    if cut_space is not None:
        if "/ColorSpace" not in resources:
            resources.ColorSpace = Dictionary()
        resources.ColorSpace.CSCut = cut_space
        if "/ExtGState" not in resources:
            resources.ExtGState = Dictionary()
        resources.ExtGState.GSCut = cut_state()
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(pdf, ("Q\n" + "\n".join(ops) + "\n").encode("ascii")))


def scrub_metadata(pdf: Pdf) -> None:
    """Drop the renderer's XMP, /Info and other per-tool traces (pdfx writes neutral ones)."""
    for holder in [pdf.Root, *(page.obj for page in pdf.pages)]:
        for key in ("/Metadata", "/PieceInfo", "/SpiderInfo", "/LastModified"):
            if key in holder:
                del holder[key]
    pdf.trailer.Info = pdf.make_indirect(Dictionary())
