"""Draw die-cut singles: one page per sticker, built directly with pikepdf, PDF/X-4.

A page is the sticker's bleed box (MediaBox = BleedBox); its TrimBox is the cut path's
bounding box. The artwork is embedded as its cached print raster (JPEG bytes as they are),
clipped to the bleed; the credit line is real text WeasyPrint set once per distinct credit and
placed as a form; the cut path is stroked in the cut spot colour with overprint. Copies of a
sticker share one content stream, one raster and one credit form, so 400 copies cost little
more than one. A separate credits PDF names every artist of the order.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import zlib
from collections.abc import Callable, Sequence
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf
from PIL import Image

from gallery import memory
from gallery.printing.engine import pdfpost, pdfx, raster
from gallery.printing.engine.geometry import Box
from gallery.printing.engine.singles import Single, SinglesOptions
from gallery.printing.engine.singles_fit import Resolved, resolve
from gallery.storage.store import Storage

log = logging.getLogger(__name__)

PT = pdfpost.PT
CREDITS_PAGE = (210.0, 297.0)  # the separate credits file is A4
CREDIT_LINE_VERSION = 2  # cached credit lines made by older code are not reused


def render_singles(
    singles: Sequence[Single],
    options: SinglesOptions,
    *,
    storage: Storage,
    title: str = "Stickers",
    credits_title: str = "Credits",
    credits_heading: str = "Credits",
    anonymous_label: str = "",
    press_icc: bytes | None = None,
    progress: Callable[[int, int], None] | None = None,
    credits: bytes | None = None,
) -> tuple[bytes, bytes]:
    """Return (the stickers PDF, the credits PDF) for ``singles``, both PDF/X-4.

    ``credits`` is a credits PDF made before for the same ``credits_digest``; it is returned
    as it is instead of being set again.
    """
    if not singles:
        raise ValueError("nothing to render")
    press_icc = press_icc or pdfx.cmyk_profile()
    cmyk_icc = press_icc if options.cmyk else None
    colour = "device-cmyk(0 0 0 1)" if cmyk_icc else "#000"
    total = len(singles) + 1
    resolved: dict[int, Resolved] = {}
    for done, single in enumerate(singles):
        work_id = single.sticker.work_id
        if work_id not in resolved:
            resolved[work_id] = resolve(storage, single, options, cmyk_icc=cmyk_icc)
            if progress:
                progress(done, total)
    # Decoding masters left freed but resident heap behind: give it back before the text is
    # set and the PDF is built on top (the export's memory peak).
    memory.release_freed_memory()
    pdf = pikepdf.new()
    forms = _credit_forms(pdf, singles, resolved, colour, storage)
    pages: dict[int, tuple[Any, Any, tuple[float, float]]] = {}
    shared = {"cut": pdfpost.cut_colour_space(pdf, options.cut_colour_name)}
    shared["state"] = pdf.make_indirect(pdfpost.cut_state())
    shared["srgb"] = pdf.make_indirect(Array([Name.ICCBased, _srgb(pdf)]))
    for single in singles:
        work_id = single.sticker.work_id
        if work_id not in pages:
            pages[work_id] = _sticker_page(
                pdf, resolved[work_id], forms.get(work_id), storage, options, shared
            )
        _add_page(pdf, *pages[work_id], options.bleed_mm)
    pdfx.make_pdfx(pdf, icc=press_icc, title=title, cmyk=options.cmyk)
    stickers = pdfx.save(pdf)
    if credits is None:
        credits = render_credits(
            [s.sticker for s in singles],
            heading=credits_heading,
            anonymous=anonymous_label,
            title=credits_title,
            press_icc=press_icc,
            cmyk=options.cmyk,
        )
    if progress:
        progress(total, total)
    log.info("rendered %d singles, %d bytes", len(singles), len(stickers))
    return stickers, credits


def credits_digest(
    stickers: Sequence[Any],
    *,
    heading: str,
    anonymous: str,
    title: str,
    press_icc: bytes,
    cmyk: bool,
) -> str:
    """Return what identifies a credits PDF: the same digest means the same file."""
    seen: dict[int, tuple] = {}
    for sticker in stickers:
        seen.setdefault(sticker.work_id, (sticker.work_id, sticker.title, sticker.credit))
    said = [heading, anonymous, title, cmyk, hashlib.sha256(press_icc).hexdigest()]
    return hashlib.sha256(json.dumps([*said, *seen.values()]).encode()).hexdigest()


def render_credits(
    stickers: Sequence[Any],
    *,
    heading: str,
    anonymous: str,
    title: str,
    press_icc: bytes,
    cmyk: bool,
) -> bytes:
    """Return an A4 PDF/X-4 naming every work of ``stickers`` once, with its artist."""
    # WeasyPrint sets text; a repeat export with cached lines and credits never loads it.
    from weasyprint import HTML

    from gallery.printing.engine import render

    colour = "device-cmyk(0 0 0 1)" if cmyk else "#000"
    section = render.credits_list_html(stickers, heading, anonymous)
    document = (
        '<!DOCTYPE html><html lang="und"><head><meta charset="utf-8">'
        f"<style>{render.page_css(*CREDITS_PAGE, colour)}</style></head>"
        f"<body>{section}</body></html>"
    )
    data = HTML(string=document, url_fetcher=render.CacheFetcher(None)).write_pdf()
    with Pdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            media = Array([float(v) for v in page.obj.MediaBox])
            page.obj.TrimBox, page.obj.BleedBox = media, Array(list(media))
        pdfpost.scrub_metadata(pdf)
        pdfx.make_pdfx(pdf, icc=press_icc, title=title, cmyk=cmyk)
        return pdfx.save(pdf)


def _credit_forms(
    pdf: Pdf, singles, resolved, colour: str, storage: Storage
) -> dict[int, pikepdf.Object]:
    """Return a form per credited work: its credit line, set by WeasyPrint once and kept in
    the print cache under the work's name (a repeat export renders no text)."""
    wanted: dict[int, tuple[str, str, float, float]] = {}
    for single in singles:
        work_id = single.sticker.work_id
        geometry = resolved[work_id].geometry
        credit = (single.sticker.credit or "").strip()
        if geometry.credit is None or not credit or work_id in wanted:
            continue
        box = geometry.credit
        key = credit_line_key(single.sticker, credit, box, colour)
        wanted[work_id] = (key, credit, round(box.width, 3), round(box.height, 3))
    missing = {key: line for key, *line in wanted.values() if not storage.exists(key)}
    if missing:
        for key, data in _set_lines(missing, colour).items():
            storage.write(key, data)
    forms: dict[int, pikepdf.Object] = {}
    by_key: dict[str, pikepdf.Object] = {}
    for work_id, (key, *_line) in wanted.items():
        if key not in by_key:
            with Pdf.open(io.BytesIO(storage.read(key))) as source:
                by_key[key] = pdf.copy_foreign(source.pages[0].as_form_xobject())
        forms[work_id] = by_key[key]
    return forms


def credit_line_key(sticker, credit: str, box: Box, colour: str) -> str:
    """Return the print-cache key of a work's credit line set for ``box``."""
    wanted = json.dumps(
        [CREDIT_LINE_VERSION, credit, round(box.width, 3), round(box.height, 3), colour]
    )
    digest = hashlib.sha256(wanted.encode()).hexdigest()[:16]
    return f"{raster.work_cache_prefix(sticker)}credit-{digest}.pdf"


def _set_lines(lines: dict[str, tuple[str, float, float]], colour: str) -> dict[str, bytes]:
    """Set each credit line on a page of its own size with WeasyPrint; one PDF per line."""
    from weasyprint import HTML

    from gallery.printing.engine import render

    css, sections = [], []
    for n, (credit, width, height) in enumerate(lines.values()):
        css.append(f"@page c{n} {{ size: {width:.3f}mm {height:.3f}mm; margin: 0 }}")
        line = render.credit_line_html(credit, Box(0.0, 0.0, width, height), colour)
        sections.append(f'<section class="line" style="page: c{n}">{line}</section>')
    style = render.page_css(100.0, 100.0, colour) + "".join(css)
    style += ".line { position: relative; height: 0; break-after: page }"
    style += ".line:last-child { break-after: auto }"
    document = (
        '<!DOCTYPE html><html lang="und"><head><meta charset="utf-8">'
        f"<style>{style}</style></head><body>{''.join(sections)}</body></html>"
    )
    data = HTML(string=document, url_fetcher=render.CacheFetcher(None)).write_pdf()
    out: dict[str, bytes] = {}
    with Pdf.open(io.BytesIO(data)) as source:
        if len(source.pages) != len(lines):
            raise RuntimeError(f"expected {len(lines)} credit lines, got {len(source.pages)}")
        for key, page in zip(lines, source.pages, strict=True):
            single = pikepdf.new()
            single.pages.append(page)
            pdfpost.scrub_metadata(single)
            buffer = io.BytesIO()
            single.save(buffer, deterministic_id=True, compress_streams=True)
            out[key] = buffer.getvalue()
    return out


def _sticker_page(pdf: Pdf, resolved: Resolved, form, storage: Storage, options, shared):
    """Return (content stream, resources, page size mm) shared by every copy of one sticker."""
    g = resolved.geometry
    b = options.bleed_mm
    width, height = g.trim_width + 2 * b, g.trim_height + 2 * b
    image = _image(pdf, storage.read(resolved.raster_key), shared["srgb"])
    art = g.art
    x, y = (b + art.x) * PT, (height - (b + art.y + art.height)) * PT
    ops = [
        "q",
        f"0 0 {_num(width * PT)} {_num(height * PT)} re W n",
        f"{_num(art.width * PT)} 0 0 {_num(art.height * PT)} {_num(x)} {_num(y)} cm",
        "/Art Do",
        "Q",
    ]
    xobjects = Dictionary(Art=image)
    if form is not None:
        box = g.credit
        cx, cy = (b + box.x) * PT, (height - (b + box.y + box.height)) * PT
        ops += ["q", f"1 0 0 1 {_num(cx)} {_num(cy)} cm", "/Credit Do", "Q"]
        xobjects.Credit = form
    path = pdfpost.PagePath(height)
    if g.cut is None:
        pdfpost.shape_path(path, Box(b, b, g.trim_width, g.trim_height), g.shape, g.radius)
    else:
        path.polygon([(b + px, b + py) for px, py in g.cut])
    ops += pdfpost.cut_ops(path.ops)
    resources = Dictionary(
        XObject=xobjects,
        ColorSpace=Dictionary(CSCut=shared["cut"]),
        ExtGState=Dictionary(GSCut=shared["state"]),
    )
    content = pikepdf.Stream(pdf, ("\n".join(ops) + "\n").encode("ascii"))
    return pdf.make_indirect(content), pdf.make_indirect(resources), (g.trim_width, g.trim_height)


def _add_page(pdf: Pdf, content, resources, trim: tuple[float, float], bleed: float) -> None:
    """Add one sticker page: MediaBox = BleedBox = trim + bleed, TrimBox = the cut's box."""
    width, height = (trim[0] + 2 * bleed) * PT, (trim[1] + 2 * bleed) * PT
    media = Array([0, 0, round(width, 4), round(height, 4)])
    page = pdf.add_blank_page(page_size=(round(width, 4), round(height, 4)))
    page.obj.Contents = content
    page.obj.Resources = resources
    page.obj.BleedBox = media
    page.obj.TrimBox = Array(
        [
            round(bleed * PT, 4),
            round(bleed * PT, 4),
            round((trim[0] + bleed) * PT, 4),
            round((trim[1] + bleed) * PT, 4),
        ]
    )


def _image(pdf: Pdf, data: bytes, srgb) -> pikepdf.Object:
    """Return an image XObject for a print raster: JPEG bytes as they are, PNG re-deflated."""
    with Image.open(io.BytesIO(data)) as image:
        if image.format == "JPEG":
            stream = pikepdf.Stream(pdf, data)
            stream.Filter = Name.DCTDecode
            stream.ColorSpace = {"RGB": srgb, "L": Name.DeviceGray, "CMYK": Name.DeviceCMYK}[
                image.mode
            ]
            if image.mode == "CMYK" and "adobe" in image.info:
                # Adobe CMYK JPEGs (Pillow writes them) store inverted ink values.
                stream.Decode = Array([1, 0] * 4)
            _describe(stream, image.size)
            return pdf.make_indirect(stream)
        image.load()
        alpha = image.getchannel("A") if image.mode in ("RGBA", "LA") else None
        colour = image.convert("RGB")
    stream = pikepdf.Stream(pdf, zlib.compress(colour.tobytes(), 6))
    stream.Filter, stream.ColorSpace = Name.FlateDecode, srgb
    _describe(stream, colour.size)
    if alpha is not None:
        mask = pikepdf.Stream(pdf, zlib.compress(alpha.tobytes(), 6))
        mask.Filter, mask.ColorSpace = Name.FlateDecode, Name.DeviceGray
        _describe(mask, alpha.size)
        stream.SMask = pdf.make_indirect(mask)
    return pdf.make_indirect(stream)


def _describe(stream: pikepdf.Stream, size: tuple[int, int]) -> None:
    """Fill in an image XObject's dictionary."""
    stream.Type, stream.Subtype = Name.XObject, Name.Image
    stream.Width, stream.Height = size
    stream.BitsPerComponent = 8


def _srgb(pdf: Pdf) -> pikepdf.Object:
    """Return the sRGB ICC stream the rasters were converted to."""
    stream = pikepdf.Stream(pdf, raster.srgb_icc())
    stream.N, stream.Alternate = 3, Name.DeviceRGB
    return pdf.make_indirect(stream)


def _num(value: float) -> str:
    """Format a PDF number."""
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"
