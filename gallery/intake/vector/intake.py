"""process_vector: an SVG or one-page PDF upload to a cleaned source, a master and previews.

The confined worker cleans the file and renders it twice at once: into the preview box
(the largest WebP width) and into the master box. Each render is handed to a thread as it
arrives, so the app's work overlaps the worker's and uses the second core: the largest
preview is encoded on one thread while another area-averages and encodes the smaller ones
and takes the hashes; the master is resvg's PNG stripped to its pixel chunks, or PDFium's
pixels encoded as PNG on a third thread. The cleaned source is kept beside it for printing.
"""

from __future__ import annotations

import struct
from concurrent.futures import Future, ThreadPoolExecutor
from io import BytesIO

from PIL import Image

from gallery.intake.encode import PRINT_SOURCE_SIDE, encode_master, encode_webp, make_previews
from gallery.intake.errors import IntakeError, Refusal
from gallery.intake.hashing import content_sha256, phash
from gallery.intake.limits import DERIVATIVE_WIDTHS, Limits, derivative_sizes
from gallery.intake.result import ProcessedImage
from gallery.intake.vector import pngread, sandbox

# The master of a vector work: long side 200 mm at 300 DPI, for the web and as a fallback.
MASTER_SIDE = PRINT_SOURCE_SIDE
# Previews come from a render this wide (and as tall as the master may be).
PREVIEW_BOX = (max(DERIVATIVE_WIDTHS), MASTER_SIDE)
# A drawing thinner than this on its master is a line, not a sticker.
MIN_MASTER_SIDE = 16
_PNG_KEEP = frozenset({b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"})

# The worker's reasons, as the intake's refusals.
_REFUSALS = {
    "damaged": Refusal.VECTOR_DAMAGED,
    "not_svg": Refusal.VECTOR_DAMAGED,
    "svg_entities": Refusal.SVG_ENTITIES,
    "pdf_pages": Refusal.PDF_PAGES,
    "pdf_encrypted": Refusal.PDF_ENCRYPTED,
    "vector_too_complex": Refusal.VECTOR_TOO_COMPLEX,
    "vector_size": Refusal.VECTOR_SIZE,
    "too_many_pixels": Refusal.VECTOR_TOO_COMPLEX,
}


def process_vector(data: bytes, kind: str, *, limits: Limits) -> ProcessedImage:
    """Clean and render ``data`` (``kind`` "svg" or "pdf") in the sandbox, or raise IntakeError."""
    item = sandbox.Item(kind, data, boxes=(PREVIEW_BOX, (MASTER_SIDE, MASTER_SIDE)), clean=True)
    try:
        # Threads: the previews and the master's PNG are made while the worker still draws and
        # beside each other (Pillow's resize and encoders release the GIL).
        with ThreadPoolExecutor(max_workers=3, thread_name_prefix="vector-intake") as pool:
            renders = _Renders(pool)
            try:
                [outcome] = sandbox.run(
                    [item],
                    max_pixels=limits.max_pixels,
                    seconds=limits.vector_seconds,
                    cpu_seconds=max(1, int(limits.vector_seconds)),
                    on_render=renders.on_render,
                    spare=False,
                )
            except sandbox.SandboxUnavailableError as exc:
                raise IntakeError(Refusal.VECTOR_UNAVAILABLE, {"error": str(exc)}) from None
            if outcome.refusal:
                raise IntakeError(
                    _REFUSALS.get(outcome.refusal, Refusal.VECTOR_DAMAGED), outcome.detail
                )
            derived, master_png = renders.results()
    finally:
        sandbox.start_spare()
    master = outcome.renders.get(1)
    if derived is None or master is None or outcome.source is None:
        raise IntakeError(Refusal.VECTOR_DAMAGED)
    if derived["blank"]:
        raise IntakeError(Refusal.VECTOR_BLANK)
    if master_png is None:
        raise IntakeError(Refusal.VECTOR_DAMAGED)
    if min(master.width, master.height) < MIN_MASTER_SIDE:
        raise IntakeError(Refusal.VECTOR_SIZE, {"width": master.width, "height": master.height})
    return ProcessedImage(
        master=master_png,
        master_format="PNG",
        master_mime="image/png",
        master_ext="png",
        width=master.width,
        height=master.height,
        has_alpha=bool(derived["has_alpha"]),
        source_format=kind.upper(),
        frames=1,
        content_sha256=str(derived["sha256"]),
        phash=int(derived["phash"]),
        derivatives=derived["webp"],
        vector_source=outcome.source,
        vector_ext=kind,
    )


class _Renders:
    """Hands each render, as it arrives, to a thread: previews and hashes, or the master PNG."""

    def __init__(self, pool: ThreadPoolExecutor) -> None:
        """Nothing has arrived yet."""
        self.pool = pool
        self.derived: Future | None = None
        self.master: Future | None = None
        # Whether the preview has transparency: a PDF's master is RGB when it has none.
        self.alpha: Future = Future()

    def on_render(self, _item: int, box: int, render: sandbox.Render) -> None:
        """Start the work on one render (called by the sandbox's reader, so it must not block)."""
        if box == 0:
            self.derived = self.pool.submit(self._derive, render)
        elif render.format == "png":
            self.master = self.pool.submit(
                strip_png, render.data, size=(render.width, render.height)
            )
        elif self.derived is not None:  # PDFium draws the preview first
            self.master = self.pool.submit(self._encode_master, render)

    def results(self) -> tuple[dict[str, object] | None, bytes | None]:
        """Wait for the previews and the master; return what each made (None if never begun)."""
        derived = self.derived.result() if self.derived is not None else None
        master = self.master.result() if self.master is not None else None
        return derived, master

    def _derive(self, render: sandbox.Render) -> dict[str, object]:
        """Make the previews and hashes, saying first whether the drawing has transparency."""
        try:
            preview = render.image()
            lowest, highest = preview.getchannel("A").getextrema()
        except BaseException as exc:
            self.alpha.set_exception(exc)
            raise
        self.alpha.set_result(None if highest == 0 else lowest < 255)
        if highest == 0:
            return {"blank": True}
        has_alpha = lowest < 255
        if not has_alpha:
            preview = preview.convert("RGB")
        sizes = derivative_sizes(*_fit(preview.size, (MASTER_SIDE, MASTER_SIDE)))
        # The largest preview (the render itself, as a rule) is encoded on a thread of its own
        # while this one shrinks and encodes the smaller ones.
        largest, *smaller = sizes
        top = make_previews(preview, sizes={largest: sizes[largest]})[largest]
        encoding = self.pool.submit(encode_webp, top)
        previews = {largest: top}
        previews.update(area_average(top, {width: sizes[width] for width in smaller}))
        webp = {width: encode_webp(previews[width]) for width in smaller}
        return {
            "blank": False,
            "has_alpha": has_alpha,
            "sha256": content_sha256(preview),
            "phash": phash(previews[min(previews)]),
            "webp": {largest: encoding.result(), **webp},
        }

    def _encode_master(self, render: sandbox.Render) -> bytes | None:
        """Encode PDFium's raw master as PNG, as RGB when the drawing has no transparency."""
        has_alpha = self.alpha.result()
        if has_alpha is None:
            return None  # blank: refused, nothing to encode
        image = render.image()
        if not has_alpha:
            image = image.convert("RGB")
        return encode_master(image, lossless_source=True, srgb_tagged=False).data


def area_average(image: Image.Image, sizes: dict[int, tuple[int, int]]) -> dict[int, Image.Image]:
    """Shrink ``image`` to each size (largest first, each from the one before) by area averaging.

    Area averaging makes the smaller previews the render drawn at their size with supersampling
    (closer to resvg's own render at 640 px than Lanczos: 41.1 against 39.8 dB PSNR on the bench
    sticker). A whole-factor step, the usual case (1280 -> 640 -> 320), is Pillow's reduce(), a
    third of the cost of the same box resize. Averaging runs on premultiplied pixels, so
    transparent edges keep their colour instead of darkening; converting once for the whole
    chain spares the conversion Pillow would otherwise make at every step.
    """
    premultiplied = image.mode == "RGBA"
    source = image.convert("RGBa") if premultiplied else image
    shrunk = {}
    for width, size in sizes.items():
        factor = source.width // size[0]
        whole = factor > 1 and source.width == size[0] * factor
        if whole and -(-source.height // factor) == size[1]:
            source = source.reduce(factor)
        elif source.size != size:
            source = source.resize(size, Image.Resampling.BOX)
        shrunk[width] = source.convert("RGBA") if premultiplied else source
    return shrunk


def _fit(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """Return ``size`` scaled to fit ``box``, as the renderers fit a drawing."""
    scale = min(box[0] / size[0], box[1] / size[1])
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def strip_png(data: bytes | bytearray, *, size: tuple[int, int]) -> bytes:
    """Keep only the chunks that carry pixels; check the header names the expected size."""
    out = BytesIO()
    out.write(pngread.SIGNATURE)
    try:
        for kind, body in pngread.chunks(data):
            if kind == b"IHDR" and struct.unpack_from(">II", body) != size:
                raise IntakeError(Refusal.VECTOR_DAMAGED)
            if kind in _PNG_KEEP:
                out.write(struct.pack(">I", len(body)))
                out.write(kind)
                out.write(body)
                out.write(struct.pack(">I", pngread.crc32(kind, body)))
    except (pngread.PngError, struct.error):
        raise IntakeError(Refusal.VECTOR_DAMAGED) from None
    return out.getvalue()
