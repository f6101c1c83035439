"""True-size SVG preview of one sheet, drawn from the same plan as the PDF.

Only presentation attributes are used (no <style>, no script), so the SVG can be inlined in a
page under a strict Content-Security-Policy. Every piece of user text is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import NamedTuple

from gallery.printing.engine.fonts import fit_line
from gallery.printing.engine.geometry import Box, Layout, page_marks
from gallery.printing.engine.options import ExportOptions, Mode, Shape
from gallery.printing.engine.plan import Placement, SheetPlan

PT_PER_MM = 72 / 25.4
CUT_COLOUR = "#e6007e"  # magenta, as cutter software shows CutContour lines
_SAFE_URL = re.compile(r"^(?:/(?!/)|https?://|data:image/(?:png|jpeg|webp);base64,)", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in XML at all


class PreviewTexts(NamedTuple):
    """The words a preview shows, in the reader's language (the web layer translates them)."""

    #: The sheet's title from the layout name and the sheet number.
    sheet_title: Callable[[str, int], str] = lambda layout, number: f"{layout}, sheet {number}"
    #: The warning on a sticker printed below the minimum resolution, from its dpi.
    low_resolution: Callable[[int], str] = lambda dpi: (
        f"Low resolution: {dpi} dpi at this size; prints may look blurry"
    )


ENGLISH = PreviewTexts()


def sheet_svg(
    layout: Layout,
    sheet: SheetPlan,
    options: ExportOptions,
    *,
    image_url: Callable[[Placement], str],
    texts: PreviewTexts = ENGLISH,
) -> str:
    """Return the SVG of one sheet at real size (width/height in mm, user units = mm).

    ``image_url`` gives the upright (unrotated) artwork for a placement; the SVG rotates it.
    """
    w, h = _n(layout.page_width), _n(layout.page_height)
    title = texts.sheet_title(layout.name, sheet.index + 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" '
        f'viewBox="0 0 {w} {h}" class="sheet-preview" role="img">',
        f"<title>{_text(title)}</title>",
        f'<rect class="page" x="0" y="0" width="{w}" height="{h}" fill="#ffffff" '
        'stroke="#b0b0b0" stroke-width="0.2"/>',
        "<defs>",
    ]
    for n, placement in enumerate(sheet.placements):
        clip = _shape(layout, placement.clip_box, _radius(layout, placement, placement.clip_box))
        out.append(f'<clipPath id="clip-{sheet.index}-{n}">{clip}/></clipPath>')
    out.append("</defs>")
    # The label stock itself, where the sheet has physical labels or sticker outlines.
    for cell in layout.cells():
        outline = _shape(layout, cell.box, layout.corner_radius)
        out.append(
            _attrs(outline, 'class="label" fill="#f4f4f4" stroke="#9a9a9a" stroke-width="0.2"')
        )
    for n, placement in enumerate(sheet.placements):
        out += _placement(layout, placement, f"clip-{sheet.index}-{n}", image_url, texts)
    out += _marks(layout, sheet, options)
    out.append("</svg>")
    return "\n".join(out)


def _placement(
    layout: Layout,
    placement: Placement,
    clip_id: str,
    image_url: Callable[[Placement], str],
    texts: PreviewTexts,
) -> list[str]:
    """Return the bleed area, artwork, credit and warning of one placement."""
    clip, art, trim = placement.clip_box, placement.art_box, placement.trim_box
    bleed = _shape(layout, clip, _radius(layout, placement, clip))
    parts = [_attrs(bleed, 'class="bleed" fill="#ffe9a8" fill-opacity="0.6"')]
    url = image_url(placement)
    title = _text(placement.sticker.title)
    if _SAFE_URL.match(url or ""):
        if placement.rotated:
            # The image is upright; turn it 90° clockwise about the centre of its footprint.
            cx, cy = art.center
            x, y, iw, ih = cx - art.height / 2, cy - art.width / 2, art.height, art.width
            rotate = f' transform="rotate(90 {_n(cx)} {_n(cy)})"'
        else:
            x, y, iw, ih, rotate = art.x, art.y, art.width, art.height, ""
        parts.append(
            f'<g clip-path="url(#{clip_id})"><image class="art" href="{escape(url)}" '
            f'x="{_n(x)}" y="{_n(y)}" width="{_n(iw)}" height="{_n(ih)}" '
            f'preserveAspectRatio="xMidYMid meet"{rotate}><title>{title}</title></image></g>'
        )
    box = placement.credit_box
    if box is not None and (placement.sticker.credit or "").strip():
        text, size = fit_line(
            _CONTROL.sub("", placement.sticker.credit or ""),
            width_pt=box.width * PT_PER_MM,
            height_pt=box.height * PT_PER_MM,
        )
        cx, base = box.x + box.width / 2, box.y + box.height * 0.78
        parts.append(
            f'<text class="credit" x="{_n(cx)}" y="{_n(base)}" font-size="{_n(size / PT_PER_MM)}" '
            'font-family="Noto Sans, sans-serif" text-anchor="middle" fill="#111111">'
            f"{_text(text)}</text>"
        )
    if placement.low_resolution:
        r = min(3.0, trim.width / 8, trim.height / 8)
        cx, cy = trim.right - r * 1.5, trim.y + r * 1.5
        low_res = texts.low_resolution(round(placement.effective_dpi))
        parts.append(
            f'<g class="low-res"><title>{_text(low_res)}</title>'
            f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="#d32f2f"/>'
            f'<text x="{_n(cx)}" y="{_n(cy + r * 0.45)}" font-size="{_n(r * 1.3)}" '
            'font-family="sans-serif" font-weight="bold" text-anchor="middle" '
            'fill="#ffffff">!</text></g>'
        )
    return parts


def _marks(layout: Layout, sheet: SheetPlan, options: ExportOptions) -> list[str]:
    """Return crop marks, registration marks and cut lines."""
    marks = page_marks(layout, options)
    parts = []
    for seg in marks.crop:
        parts.append(
            f'<line class="crop" x1="{_n(seg.x1)}" y1="{_n(seg.y1)}" x2="{_n(seg.x2)}" '
            f'y2="{_n(seg.y2)}" stroke="#000000" stroke-width="{_n(marks.stroke)}"/>'
        )
    for box in marks.registration:
        parts.append(
            f'<rect class="registration" x="{_n(box.x)}" y="{_n(box.y)}" '
            f'width="{_n(box.width)}" height="{_n(box.height)}" fill="#000000"/>'
        )
    if options.cut_lines or layout.mode is Mode.PRINT_AND_CUT:
        for placement in sheet.placements:
            if placement.sticker.has_alpha:
                # The PDF follows the artwork's outline; here a rounded box stands in for it.
                box = placement.art_box.expand(options.cut_offset_mm * options.scale)
                cut = _shape_rect(box, min(box.width, box.height) / 4)
                extra = 'stroke-dasharray="1 0.6"'
            else:
                trim = placement.trim_box
                cut = _shape(layout, trim, _radius(layout, placement, trim))
                extra = ""
            parts.append(
                _attrs(
                    cut,
                    f'class="cut" fill="none" stroke="{CUT_COLOUR}" '
                    f'stroke-width="0.25" {extra}'.rstrip(),
                )
            )
    return parts


def _radius(layout: Layout, placement: Placement, box: Box) -> float:
    """Return the corner radius of ``box``: the label's, calibrated, grown with the bleed."""
    if layout.shape is not Shape.ROUNDED:
        return 0.0
    trim = placement.trim_box
    scale = trim.width / layout.label_width
    grow = max(trim.x - box.x, box.right - trim.right, trim.y - box.y, 0.0)
    return layout.corner_radius * scale + grow


def _shape(layout: Layout, box: Box, radius: float) -> str:
    """Return an SVG element (without closing '/>') tracing ``box`` in the label's shape."""
    if layout.shape in (Shape.CIRCLE, Shape.ELLIPSE):
        cx, cy = box.center
        return (
            f'<ellipse cx="{_n(cx)}" cy="{_n(cy)}" rx="{_n(box.width / 2)}" '
            f'ry="{_n(box.height / 2)}"'
        )
    return _shape_rect(box, radius)


def _shape_rect(box: Box, radius: float) -> str:
    """Return an unclosed <rect> element with optional rounded corners."""
    rounded = f' rx="{_n(radius)}" ry="{_n(radius)}"' if radius > 0 else ""
    return (
        f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.width)}" '
        f'height="{_n(box.height)}"{rounded}'
    )


def _attrs(element: str, attrs: str) -> str:
    """Close an element from ``_shape`` with extra presentation attributes."""
    return f"{element} {attrs}/>"


def _text(value: str | None) -> str:
    """Escape user text for XML content and drop characters XML cannot carry."""
    return escape(_CONTROL.sub("", value or ""), quote=True)


def _n(value: float) -> str:
    """Format a length in mm compactly (0.001 mm is far below what a printer resolves)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
