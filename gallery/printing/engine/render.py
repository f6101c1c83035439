"""Render a planned export to a print-ready PDF with WeasyPrint, then finish it with pikepdf.

Every sheet is one page of exactly the sheet's size with no margins. Each placement is an
absolutely positioned box in mm: a clip box in the label's shape (plus bleed) holding the
pre-rendered raster at its art box, and the credit as real, selectable text. WeasyPrint only
ever sees ``print-cache/`` rasters through :class:`CacheFetcher`; any other URL is refused, so
a document can reach neither the network nor the disk. Marks, cut paths, page boxes, output
intent and metadata are added afterwards by :mod:`gallery.printing.engine.pdfpost`.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from PIL import Image, ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from gallery import memory
from gallery.printing.engine import pdfpost, pdfx, raster
from gallery.printing.engine.fonts import FONT_STACK, fit_line
from gallery.printing.engine.options import Mode, Shape
from gallery.storage.store import Storage, StorageError, check_key

# WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for every image in the process when it is
# imported. Our print rasters are made by us and never truncated, and uploads must never be
# accepted truncated, so restore Pillow's safe default.
ImageFile.LOAD_TRUNCATED_IMAGES = False

log = logging.getLogger(__name__)

SCHEME = "gallery-print:"
MAX_SHEETS = 100
MAX_PLACEMENTS = 100 * 400
CHUNK_SHEETS = 2
PT_PER_MM = 72 / 25.4
_MIME = {"jpg": "image/jpeg", "png": "image/png"}


class RefusedURLError(ValueError):
    """A document asked for something other than a cached print raster."""


class CacheFetcher(URLFetcher):
    """Serve ``gallery-print:print-cache/…`` keys from storage; refuse every other URL."""

    def __init__(self, storage: Storage) -> None:
        """Fetch from ``storage``; a missing raster stops the render instead of printing a gap."""
        super().__init__(
            timeout=5, allowed_protocols=(), allow_redirects=False, fail_on_errors=True
        )
        self.storage = storage

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return the raster named by ``url`` or raise :class:`RefusedURLError`."""
        if not url.startswith(SCHEME):
            raise RefusedURLError(f"refused URL: {url[:80]!r}")
        key = url[len(SCHEME) :]
        try:
            check_key(key)
        except StorageError as exc:
            raise RefusedURLError(f"refused URL: {url[:80]!r}") from exc
        ext = key.rsplit(".", 1)[-1]
        if not key.startswith(raster.PREFIX) or ext not in _MIME:
            raise RefusedURLError(f"refused URL: {url[:80]!r}")
        data = self.storage.read(key)
        return URLFetcherResponse(url, data, {"Content-Type": _MIME[ext]})


def _mm(value: float) -> str:
    """Format a length in mm for CSS (1 µm steps are far below what a printer resolves)."""
    return f"{value:.4f}".rstrip("0").rstrip(".") + "mm"


def _box_css(box: Any, origin: tuple[float, float] = (0.0, 0.0)) -> str:
    """Return absolute-position CSS for ``box`` relative to ``origin``."""
    return (
        f"left:{_mm(box.x - origin[0])};top:{_mm(box.y - origin[1])};"
        f"width:{_mm(box.width)};height:{_mm(box.height)}"
    )


def _clip_radius(layout: Any, placement: Any) -> str:
    """Return the CSS border-radius that gives the clip box the label's shape (grown by bleed)."""
    if layout.shape in (Shape.CIRCLE, Shape.ELLIPSE):
        return "50%"
    if layout.shape is Shape.ROUNDED and layout.corner_radius > 0:
        scale = placement.trim_box.width / max(layout.label_width, 1e-9)
        clip, trim = placement.clip_box, placement.trim_box
        grow = max(trim.x - clip.x, clip.right - trim.right, trim.y - clip.y, 0.0)
        return _mm(layout.corner_radius * scale + grow)
    return "0"


def _credit_html(placement: Any, colour: str) -> str:
    """Return the credit line of one placement, sized to fit its box."""
    return credit_line_html(placement.sticker.credit, placement.credit_box, colour)


def credit_line_html(credit: str | None, box: Any, colour: str) -> str:
    """Return a credit line in ``box`` (page mm), sized to fit it; empty when there is none."""
    if box is None or not (credit or "").strip():
        return ""
    text, size = fit_line(credit, width_pt=box.width * PT_PER_MM, height_pt=box.height * PT_PER_MM)
    return (
        f'<div class="credit" dir="auto" style="{_box_css(box)};font-size:{size}pt;'
        f'line-height:{_mm(box.height)};color:{colour}"><span>{escape(text)}</span></div>'
    )


def _sheet_html(layout: Any, sheet: Any, keys: Sequence[str], *, colour: str) -> str:
    """Return the HTML of one sheet page."""
    parts = ['<section class="sheet">']
    for placement, key in zip(sheet.placements, keys, strict=True):
        clip, art = placement.clip_box, placement.art_box
        radius = _clip_radius(layout, placement)
        parts.append(
            f'<div class="clip" style="{_box_css(clip)};border-radius:{radius}">'
            f'<img src="{escape(SCHEME + key)}" alt="" '
            f'style="{_box_css(art, (clip.x, clip.y))}"></div>'
        )
        parts.append(_credit_html(placement, colour))
    parts.append("</section>")
    return "".join(parts)


def _credits_html(sheets: Sequence[Any], heading: str, anonymous: str = "") -> str:
    """Return the credits page: every distinct work in the export with its artist."""
    stickers = [placement.sticker for sheet in sheets for placement in sheet.placements]
    return credits_list_html(stickers, heading, anonymous)


def credits_list_html(stickers: Sequence[Any], heading: str, anonymous: str = "") -> str:
    """Return a credits section naming each distinct work of ``stickers`` once, with its artist."""
    seen: dict[Any, Any] = {}
    for sticker in stickers:
        seen.setdefault(sticker.work_id, sticker)
    items = []
    for sticker in seen.values():
        title = escape(sticker.title or "")
        credit = (sticker.credit or "").strip() or anonymous
        who = f' <span class="by">— {escape(credit)}</span>' if credit else ""
        items.append(f'<li dir="auto"><span class="title">{title}</span>{who}</li>')
    return f'<section class="credits"><h1>{escape(heading)}</h1><ul>{"".join(items)}</ul></section>'


def _css(layout: Any, colour: str) -> str:
    """Return the stylesheet: sheet-sized pages with no margins, a plain credits page."""
    return page_css(layout.page_width, layout.page_height, colour)


def page_css(width_mm: float, height_mm: float, colour: str) -> str:
    """Return the stylesheet for pages of this size: sheets, credit lines, a credits page."""
    w, h = _mm(width_mm), _mm(height_mm)
    return (
        f"@page {{ size: {w} {h}; margin: 0 }}"
        "@page credits { margin: 15mm }"
        f"html {{ font-family: {FONT_STACK}; color: {colour} }}"
        "body { margin: 0 }"
        ".sheet { position: relative; height: 0; break-after: page }"
        ".sheet.last { break-after: auto }"
        ".clip { position: absolute; overflow: hidden }"
        ".clip img { position: absolute; display: block }"
        ".credit { position: absolute; text-align: center; white-space: nowrap;"
        " overflow: hidden; text-overflow: ellipsis }"
        # A paper-white backing keeps a credit printed over artwork readable (in CMYK files
        # written as CMYK, so no RGB is left to convert).
        f".credit span {{ background: {_paper(colour)}; padding: 0 0.6mm;"
        " border-radius: 0.6mm }"
        ".credits { page: credits; break-before: page; font-size: 10pt; line-height: 1.35 }"
        ".credits h1 { font-size: 16pt; margin: 0 0 6mm }"
        ".credits ul { list-style: none; margin: 0; padding: 0 }"
        ".credits li { margin: 0 0 1.5mm; break-inside: avoid }"
    )


def _paper(colour: str) -> str:
    """Return the credit backing: paper white at 85 %, in the colour model of ``colour``."""
    return (
        "device-cmyk(0 0 0 0 / 0.85)"
        if colour.startswith("device-cmyk")
        else "rgba(255,255,255,0.85)"
    )


def render_export(
    layout: Any,
    sheets: list[Any],
    options: Any,
    *,
    storage: Storage,
    title: str = "",
    progress: Callable[[int, int], None] | None = None,
    credits_heading: str = "Credits",
    anonymous_label: str = "",
    press_icc: bytes | None = None,
) -> bytes:
    """Return the PDF/X-4 file of ``sheets``: one page per sheet, then the credits page.

    ``press_icc`` is the CMYK characterisation named as output intent (default: the shipped
    FOGRA39 profile); with ``options.cmyk`` every raster is converted to it. ``progress(done,
    total)`` is called after each sheet's rasters are ready and once more when the PDF is
    finished (``total`` = sheets + 1). Raises ValueError past the size caps.
    """
    if not sheets:
        raise ValueError("nothing to render")
    if len(sheets) > MAX_SHEETS:
        raise ValueError(f"{len(sheets)} sheets is more than {MAX_SHEETS} in one PDF; split it")
    if sum(len(s.placements) for s in sheets) > MAX_PLACEMENTS:
        raise ValueError(f"more than {MAX_PLACEMENTS} stickers in one PDF; split it")
    total = len(sheets) + 1
    press_icc = press_icc or pdfx.cmyk_profile()
    cmyk_icc = press_icc if options.cmyk else None
    colour = "device-cmyk(0 0 0 1)" if cmyk_icc else "#000"
    cutting = layout.mode is Mode.PRINT_AND_CUT or options.cut_lines
    pages: list[str] = []
    dielines: dict[tuple[int, int], Any] = {}
    for number, sheet in enumerate(sheets):
        # A sheet's drawings are rendered in one confined worker, not one process each.
        raster.prepare_vector_images(storage, sheet.placements, options, cmyk_icc=cmyk_icc)
        keys = [
            raster.ensure_print_image(storage, p.sticker, p, options, cmyk_icc=cmyk_icc)
            for p in sheet.placements
        ]
        if cutting:
            for position, (placement, key) in enumerate(zip(sheet.placements, keys, strict=True)):
                polygons = _dieline(storage, placement, key, options)
                if polygons:
                    dielines[(number, position)] = polygons
        pages.append(_sheet_html(layout, sheet, keys, colour=colour))
        if progress:
            progress(number + 1, total)
    credits = _credits_html(sheets, credits_heading, anonymous_label)
    # Preparing rasters left freed but resident heap behind: give it back before WeasyPrint
    # lays out the pages on top (the export's memory peak).
    memory.release_freed_memory()
    # WeasyPrint holds the whole laid-out document in memory (~4.5 MB a sheet of 48): render
    # a few sheets at a time; pdfpost joins the parts and keeps one copy of each image.
    parts = []
    for start in range(0, len(pages), CHUNK_SHEETS):
        chunk = pages[start : start + CHUNK_SHEETS]
        tail = credits if options.credits_page and start + CHUNK_SHEETS >= len(pages) else ""
        parts.append(_render_html(layout, chunk, tail, colour=colour, storage=storage))
    out = pdfpost.finish_pdf(
        parts,
        layout=layout,
        sheets=sheets,
        options=options,
        title=title,
        press_icc=press_icc,
        dielines=dielines,
    )
    if progress:
        progress(total, total)
    log.info("rendered %d sheets, %d bytes", len(sheets), len(out))
    return out


def _render_html(
    layout: Any, pages: list[str], tail: str, *, colour: str, storage: Storage
) -> bytes:
    """Render some sheet pages (and the credits, as ``tail``) to one PDF."""
    if not tail:
        pages = [*pages[:-1], pages[-1].replace('class="sheet"', 'class="sheet last"', 1)]
    document = (
        '<!DOCTYPE html><html lang="und"><head><meta charset="utf-8">'
        f"<style>{_css(layout, colour)}</style></head><body>{''.join(pages)}{tail}</body></html>"
    )
    rendered = HTML(string=document, url_fetcher=CacheFetcher(storage)).render(
        optimize_images=False, uncompressed_pdf=False, presentational_hints=False
    )
    count = len(rendered.pages)
    if count < len(pages) + bool(tail) or (not tail and count != len(pages)):
        raise RuntimeError(f"expected {len(pages)} sheet pages, got {count}")
    return rendered.write_pdf()


def _dieline(storage: Storage, placement: Any, key: str, options: Any) -> Any:
    """Return cut polygons traced round a transparent work's alpha, or None for the label shape."""
    if not placement.sticker.has_alpha:
        return None
    if not key.endswith(".png"):
        # CMYK rasters are flattened JPEGs: trace the sRGB raster's alpha instead.
        key = raster.ensure_print_image(storage, placement.sticker, placement, options)
    try:
        from gallery.printing.engine.outline import dieline
    except ImportError:  # the outline tracer is optional; the label shape is a safe cut
        return None
    with Image.open(io.BytesIO(storage.read(key))) as image:
        mask = image.getchannel("A") if image.mode == "RGBA" else None
    if mask is None:
        return None
    offset = options.cut_offset_mm * options.scale
    return dieline(mask, box=placement.art_box, offset_mm=offset) or None
