"""Print rasters: each artwork pre-rendered once at exactly the pixels its sticker needs.

The PDF never embeds a master: a 6000 px photo on a 40 mm sticker needs ~470 px at 300 DPI, so
we decode the master (for a big one, the intake's reduced print source) once per (work, size),
shrink it (JPEG DCT scaling via ``draft``, strip-wise PNG reduction, then a Lanczos pass),
rotate it when the planner turned the sticker, convert it to sRGB (or to the press's CMYK
profile) and store it under ``print-cache/``. Later exports of the same work at the same size
read the cached file and never touch the master again.

A drawing (a vector work) is never shrunk from pixels: the confined vector worker renders its
cleaned SVG or PDF at exactly the placed size, a whole sheet's drawings in one batch, and the
result goes through the same colour, rotation and encoding steps.

Opaque works become JPEG q90 4:4:4 (small, and WeasyPrint embeds JPEG bytes as they are);
transparent works become PNG. CMYK rasters are always JPEG: PNG has no CMYK, so transparent
works are flattened onto white first, which is what blank sticker paper looks like anyway.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import re
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from PIL import Image, ImageCms

from gallery.intake.vector import sandbox
from gallery.printing.engine.pngstream import reduce_png
from gallery.storage import keys as filekeys
from gallery.storage.store import Storage, StorageError

log = logging.getLogger(__name__)

PREFIX = "print-cache/"  # see filekeys.print_cache_prefix
JPEG_QUALITY = 90
_SAFE = re.compile(r"[^A-Za-z0-9_-]+")
# EXIF orientation → the transpose that makes the image upright (as ImageOps.exif_transpose).
_ORIENT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_TRANSPOSED = {5, 6, 7, 8}  # orientations that swap width and height

#: Number of masters decoded by this process (tests and benchmarks read it).
decode_count = 0
# Drawings rendered by one confined worker, and its wall clock (base plus per drawing).
VECTOR_BATCH = 24
VECTOR_SECONDS = (10.0, 4.0)
VECTOR_MAX_PIXELS = 40_000_000


class VectorRenderError(RuntimeError):
    """A drawing could not be rendered for print (the sandbox refused or is unavailable)."""


def _safe(text: object, limit: int = 40) -> str:
    """Reduce ``text`` to characters allowed in a storage key segment."""
    return _SAFE.sub("", str(text))[:limit] or "x"


def safe_token(image_key: str) -> str:
    """Return the token a work's print-cache keys carry (its master's file name stem)."""
    return _safe(PurePosixPath(image_key).stem)


def work_cache_prefix(sticker: Any) -> str:
    """Return the folder of ``sticker``'s work in the print cache, where all its files go.

    Rasters, singles' geometry and set credit lines all live under it, so deleting the work
    finds every file an export made from it (``lifecycle/deletion.py``).
    """
    return filekeys.print_cache_prefix(int(sticker.work_id), safe_token(sticker.image_key))


def profile_tag(cmyk_icc: bytes | None) -> str:
    """Return a short stable tag naming the output colour space (empty for sRGB)."""
    if not cmyk_icc:
        return ""
    return "-cmyk" + hashlib.sha256(cmyk_icc).hexdigest()[:10]


def print_image_key(
    sticker: Any,
    image_px: tuple[int, int],
    *,
    rotated: bool,
    fit: object = None,
    dpi: int | None = None,
    cmyk_icc: bytes | None = None,
) -> str:
    """Return the cache key of ``sticker``'s print raster at ``image_px`` (as placed on paper).

    ``fit`` and ``dpi`` are accepted for symmetry with the planner but do not enter the key:
    the raster always holds the whole artwork at ``image_px``, which the planner derived from
    them already, so two exports that need the same pixels share one file.
    """
    width, height = (int(v) for v in image_px)
    ext = "jpg" if cmyk_icc or not sticker.has_alpha else "png"
    name = f"{width}x{height}-r{int(bool(rotated))}{profile_tag(cmyk_icc)}.{ext}"
    return work_cache_prefix(sticker) + name


def ensure_print_image(
    storage: Storage,
    sticker: Any,
    placement: Any,
    options: Any,
    *,
    cmyk_icc: bytes | None = None,
) -> str:
    """Return the key of the print raster for ``placement``, rendering it only when not cached."""
    key = print_image_key(
        sticker,
        placement.image_px,
        rotated=placement.rotated,
        fit=getattr(options, "fit", None),
        dpi=getattr(options, "dpi", None),
        cmyk_icc=cmyk_icc,
    )
    if storage.exists(key):
        return key
    if getattr(sticker, "vector_key", None):
        prepare_vector_images(storage, [placement], options, cmyk_icc=cmyk_icc)
        return key
    source = source_key(sticker, placement.image_px, rotated=bool(placement.rotated))
    render = functools.partial(
        render_raster,
        size=tuple(placement.image_px),
        rotated=bool(placement.rotated),
        alpha=bool(sticker.has_alpha),
        cmyk_icc=cmyk_icc,
    )
    local = getattr(storage, "path", None)
    if callable(local):
        # Stream a local master from disk: a 50 MB PNG need not sit in memory as bytes too.
        try:
            with open(local(source), "rb") as master:
                data = render(master)
        except FileNotFoundError as exc:
            raise StorageError(f"missing: {source}") from exc
    else:
        data = render(storage.read(source))
    storage.write(key, data)
    log.info("print raster %s rendered (%d bytes)", key, len(data))
    return key


def prepare_vector_images(
    storage: Storage, placements: Any, options: Any, *, cmyk_icc: bytes | None = None
) -> None:
    """Render every drawing in ``placements`` whose print raster is not cached, in batches."""
    todo: dict[str, Any] = {}
    for placement in placements:
        if not getattr(placement.sticker, "vector_key", None):
            continue
        key = print_image_key(
            placement.sticker, placement.image_px, rotated=placement.rotated, cmyk_icc=cmyk_icc
        )
        if key not in todo and not storage.exists(key):
            todo[key] = placement
    jobs = list(todo.items())
    for start in range(0, len(jobs), VECTOR_BATCH):
        _render_vectors(storage, jobs[start : start + VECTOR_BATCH], cmyk_icc=cmyk_icc)


def _render_vectors(
    storage: Storage, jobs: list[tuple[str, Any]], *, cmyk_icc: bytes | None
) -> None:
    """Render one batch of drawings in the sandbox and store their print rasters."""
    sources: dict[str, bytes] = {}
    items = []
    for _key, placement in jobs:
        vector_key = placement.sticker.vector_key
        if vector_key not in sources:
            sources[vector_key] = storage.read(vector_key)
        box = artwork_size(placement.image_px, rotated=bool(placement.rotated))
        kind = "svg" if vector_key.endswith(".svg") else "pdf"
        items.append(sandbox.Item(kind, sources[vector_key], boxes=(box,)))
    base, each = VECTOR_SECONDS
    seconds = base + each * len(items)
    try:
        outcomes = sandbox.run(
            items, max_pixels=VECTOR_MAX_PIXELS, seconds=seconds, cpu_seconds=int(seconds)
        )
    except sandbox.SandboxUnavailableError as exc:
        raise VectorRenderError(f"vector rendering is unavailable: {exc}") from exc
    for (key, placement), outcome in zip(jobs, outcomes, strict=True):
        if outcome.refusal or 0 not in outcome.renders:
            raise VectorRenderError(
                f"work {placement.sticker.work_id} could not be rendered: {outcome.refusal}"
            )
        data = finish_raster(
            outcome.renders[0].image(),
            icc=None,
            size=tuple(placement.image_px),
            rotated=bool(placement.rotated),
            alpha=bool(placement.sticker.has_alpha),
            cmyk_icc=cmyk_icc,
        )
        storage.write(key, data)
        log.info("print raster %s rendered from a drawing (%d bytes)", key, len(data))


def source_key(sticker: Any, image_px: tuple[int, int], *, rotated: bool) -> str:
    """Return the file to decode for ``image_px``: the print source when it has enough pixels.

    The intake stores big masters a second time, box-reduced by ``print_factor``; a sticker
    that needs no more pixels than that copy holds is made from it, anything larger from the
    master, so print sharpness never depends on which file was read.
    """
    factor = getattr(sticker, "print_factor", 1)
    print_key = getattr(sticker, "print_key", None)
    if not print_key or factor < 2:
        return sticker.image_key
    width, height = (image_px[1], image_px[0]) if rotated else (image_px[0], image_px[1])
    have = (-(-sticker.width_px // factor), -(-sticker.height_px // factor))
    return print_key if width <= have[0] and height <= have[1] else sticker.image_key


def artwork_size(size: tuple[int, int], *, rotated: bool) -> tuple[int, int]:
    """Return the artwork's own pixel size for ``size`` as placed (turned a quarter if rotated).

    The artwork is shrunk (or drawn) in its own orientation, then turned clockwise.
    """
    width, height = max(1, int(size[0])), max(1, int(size[1]))
    return (height, width) if rotated else (width, height)


def render_raster(
    master: bytes | BinaryIO,
    *,
    size: tuple[int, int],
    rotated: bool,
    alpha: bool,
    cmyk_icc: bytes | None = None,
) -> bytes:
    """Decode ``master`` once and return encoded print-raster bytes of exactly ``size`` pixels."""
    image, icc = _decode_for(master, artwork_size(size, rotated=rotated))
    return finish_raster(image, icc=icc, size=size, rotated=rotated, alpha=alpha, cmyk_icc=cmyk_icc)


def finish_raster(
    image: Image.Image,
    *,
    icc: bytes | None,
    size: tuple[int, int],
    rotated: bool,
    alpha: bool,
    cmyk_icc: bytes | None = None,
) -> bytes:
    """Bring artwork pixels to print: sRGB or CMYK, exactly ``size`` as placed, encoded."""
    target = artwork_size(size, rotated=rotated)
    image = _to_srgb(image, icc, keep_alpha=alpha and not cmyk_icc)
    if image.size != target:
        image = image.resize(target, Image.Resampling.LANCZOS, reducing_gap=2.0)
    if rotated:
        image = image.transpose(Image.Transpose.ROTATE_270)
    out = io.BytesIO()
    if cmyk_icc:
        if image.mode == "RGBA":
            image = _flatten(image)
        image = ImageCms.applyTransform(image, cmyk_transform(cmyk_icc))
        # Pillow writes an Adobe marker with inverted CMYK; WeasyPrint honours it (Decode).
        image.save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0)
    elif image.mode == "RGBA":
        image.save(out, "PNG", compress_level=6)
    else:
        image.save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0)
    return out.getvalue()


def _decode_for(
    master: bytes | BinaryIO, target: tuple[int, int]
) -> tuple[Image.Image, bytes | None]:
    """Decode ``master`` no bigger than needed for ``target``; return it upright with its ICC."""
    global decode_count
    decode_count += 1
    fp = io.BytesIO(master) if isinstance(master, bytes | bytearray) else master
    image = Image.open(fp)
    icc = image.info.get("icc_profile")
    # Only JPEG EXIF sits before the pixels; Pillow's PNG getexif() decodes the whole image
    # looking for a trailing eXIf chunk, which is the very cost this module avoids.
    orientation = image.getexif().get(0x0112, 1) if image.format == "JPEG" else 1
    want = (target[1], target[0]) if orientation in _TRANSPOSED else target
    if image.format == "JPEG":
        # DCT scaling decodes at 1/2, 1/4 or 1/8 straight away, never smaller than asked.
        image.draft("RGB" if image.mode != "CMYK" else "CMYK", want)
    elif image.format == "PNG":
        factor = max(1, int(min(image.width / want[0], image.height / want[1]) / 2))
        if factor >= 2:
            fp.seek(0)
            reduced = reduce_png(fp, factor=factor)
            if reduced is not None:
                image = reduced
    image.load()
    if orientation in _ORIENT:
        image = image.transpose(_ORIENT[orientation])
    return image, icc


def _to_srgb(image: Image.Image, icc: bytes | None, *, keep_alpha: bool) -> Image.Image:
    """Return ``image`` in sRGB: RGBA when ``keep_alpha``, else RGB flattened onto white."""
    if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        has_alpha = image.mode in ("LA", "PA", "La") or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    if icc:
        try:
            out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                _srgb(),
                outputMode=out_mode,
                renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            )
        except (OSError, ImageCms.PyCMSError, ValueError):
            # A broken or mismatched profile should not stop a print run.
            log.warning("ignoring an unusable ICC profile in a master")
    if image.mode == "RGBA" and not keep_alpha:
        return _flatten(image)
    wanted = "RGBA" if keep_alpha else "RGB"
    # convert() to the mode an image already has still copies every pixel: skip it.
    return image if image.mode == wanted else image.convert(wanted)


def _flatten(image: Image.Image) -> Image.Image:
    """Composite an RGBA image onto white paper."""
    paper = Image.new("RGB", image.size, (255, 255, 255))
    paper.paste(image, mask=image.getchannel("A"))
    return paper


@lru_cache(maxsize=1)
def _srgb() -> ImageCms.ImageCmsProfile:
    """Return the built-in sRGB profile."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def srgb_icc() -> bytes:
    """Return the bytes of the sRGB ICC profile used for output intents."""
    return _srgb().tobytes()


@lru_cache(maxsize=4)
def cmyk_transform(cmyk_icc: bytes) -> ImageCms.ImageCmsTransform:
    """Build (once per profile) the sRGB → press CMYK transform, relative colorimetric."""
    target = ImageCms.ImageCmsProfile(io.BytesIO(cmyk_icc))
    return ImageCms.buildTransform(
        _srgb(), target, "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC
    )
