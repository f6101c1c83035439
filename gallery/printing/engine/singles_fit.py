"""Resolve a planned single into exact geometry: the traced outline fitted to the size, the
credit line's place inside the safe zone. The result is kept in the print cache beside the
raster, so a later export of the same sticker reads neither the master nor the outline again
(and loads neither NumPy nor fontTools, which only measuring needs).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from dataclasses import dataclass
from types import SimpleNamespace

from PIL import Image, ImageDraw

from gallery.printing.engine import raster
from gallery.printing.engine.cutcheck import shape_polygon
from gallery.printing.engine.geometry import Box
from gallery.printing.engine.options import CreditPlacement, Shape
from gallery.printing.engine.plan import credit_height
from gallery.printing.engine.singles import (
    Geometry,
    Single,
    SinglesOptions,
    corner_radius,
    pixels_for,
)
from gallery.storage.store import Storage

SAFE_PX_PER_MM = 8.0
MAX_SAFE_PX = 1600
SAFE_MARGIN_MM = 0.1  # measuring slack: the credit stays this much further inside than asked
CREDIT_PAD_MM = 1.2  # room for the paper-white backing round the text
GEOMETRY_VERSION = 1


@dataclass(frozen=True)
class Resolved:
    """A single ready to draw: its geometry and the raster to embed."""

    geometry: Geometry
    raster_key: str


def resolve(
    storage: Storage, single: Single, options: SinglesOptions, *, cmyk_icc: bytes | None
) -> Resolved:
    """Return ``single``'s geometry and raster, from the print cache when it was made before."""
    sticker = single.sticker
    key = geometry_key(single, options)
    if storage.exists(key):
        geometry = Geometry.from_mapping(json.loads(storage.read(key)))
    else:
        geometry = _outline_geometry(storage, single, options) if single.outline else None
        geometry = geometry or _shape_geometry(single, options)
        storage.write(key, json.dumps(geometry.to_mapping()).encode())
    target = SimpleNamespace(image_px=geometry.image_px, rotated=False)
    raster_key = raster.ensure_print_image(storage, sticker, target, options, cmyk_icc=cmyk_icc)
    return Resolved(geometry, raster_key)


def geometry_key(single: Single, options: SinglesOptions) -> str:
    """Return the print-cache key of a single's geometry (it names the work, like rasters)."""
    sticker = single.sticker
    wanted = [
        GEOMETRY_VERSION,
        sticker.width_px,
        sticker.height_px,
        single.outline,
        options.size_mm,
        options.shape.value,
        options.bleed_mm,
        options.cut_offset_mm,
        options.safe_mm,
        options.dpi,
        options.credit.value,
        sticker.credit or "",
    ]
    digest = hashlib.sha256(json.dumps(wanted).encode()).hexdigest()[:16]
    return f"{raster.work_cache_prefix(sticker)}single-{digest}.json"


def _shape_geometry(single: Single, options: SinglesOptions) -> Geometry:
    """Return the geometry of an opaque sticker cut to a plain shape."""
    trim = single.trim
    shape = Shape.ROUNDED if single.outline else options.shape
    radius = corner_radius(trim, shape)
    polygon = shape_polygon(trim, shape, radius)
    return Geometry(
        trim_width=trim.width,
        trim_height=trim.height,
        art=single.art,
        image_px=single.image_px,
        shape=shape,
        radius=radius,
        cut=None,
        credit=_credit(single, options, polygon, trim.width, trim.height),
    )


def _outline_geometry(storage: Storage, single: Single, options: SinglesOptions) -> Geometry | None:
    """Fit a transparent work so its outline's bounding box has the size; None: no opaque area."""
    import numpy as np

    from gallery.printing.engine.outline import dieline

    sticker, offset, size = single.sticker, options.cut_offset_mm, options.size_mm
    first = _alpha(storage, single, single.image_px, options)
    found = first.point(lambda a: 255 if a >= 128 else 0).getbbox()
    if not found:
        return None
    # The outline's bounding box is the opaque area's grown by the offset on each side.
    fx = (found[2] - found[0]) / first.width
    fy = (found[3] - found[1]) / first.height
    longest = max(single.art.width * fx, single.art.height * fy)
    scale = (size - 2 * offset) / longest if longest > 0 else 1.0
    art = Box(0.0, 0.0, single.art.width * scale, single.art.height * scale)
    image_px, _dpi = pixels_for(art, sticker, options.dpi)
    mask = first if image_px == single.image_px else _alpha(storage, single, image_px, options)
    polygons = dieline(mask, box=art, offset_mm=offset)
    if not polygons:
        return None
    cut = np.asarray(polygons[0] if len(polygons) == 1 else _hull(polygons), dtype=float)
    # Simplifying the traced outline may shave a tenth of a mm off its extremes: scale the
    # path (not the art) about its centre so the bounding box has exactly the asked size.
    low, high = cut.min(axis=0), cut.max(axis=0)
    centre = (low + high) / 2
    cut = centre + (cut - centre) * (size / float(max(high - low)))
    low = cut.min(axis=0)
    cut -= low
    width, height = (float(v) for v in cut.max(axis=0))
    art = Box(art.x - float(low[0]), art.y - float(low[1]), art.width, art.height)
    points = tuple((round(float(x), 4), round(float(y), 4)) for x, y in cut)
    return Geometry(
        trim_width=width,
        trim_height=height,
        art=art,
        image_px=image_px,
        shape=Shape.RECT,
        radius=0.0,
        cut=points,
        credit=_credit(single, options, points, width, height),
    )


def _alpha(storage: Storage, single: Single, image_px, options) -> Image.Image:
    """Return the alpha channel of the sRGB print raster of ``single`` at ``image_px``."""
    target = SimpleNamespace(image_px=image_px, rotated=False)
    key = raster.ensure_print_image(storage, single.sticker, target, options)
    with Image.open(io.BytesIO(storage.read(key))) as image:
        image.load()
        return image.getchannel("A") if image.mode == "RGBA" else Image.new("L", image.size, 255)


def _hull(polygons) -> list[tuple[float, float]]:
    """Return the convex hull of several outlines: a die-cut single is one piece."""
    points = sorted({(x, y) for polygon in polygons for x, y in polygon})

    def half(seq):
        """One half of Andrew's monotone chain."""
        chain: list[tuple[float, float]] = []
        for p in seq:
            while len(chain) >= 2 and _cross(chain[-2], chain[-1], p) <= 0:
                chain.pop()
            chain.append(p)
        return chain

    lower, upper = half(points), half(reversed(points))
    return lower[:-1] + upper[:-1]


def _cross(o, a, b) -> float:
    """Return the z component of (a - o) × (b - o)."""
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _credit(single: Single, options: SinglesOptions, polygon, width: float, height: float):
    """Return the credit line's box inside the safe zone (None: anonymous, off, or no room)."""
    credit = (single.sticker.credit or "").strip()
    if not credit or options.credit is CreditPlacement.OFF:
        return None
    from gallery.printing.engine.fonts import text_width_em

    line = credit_height_for(width, height)
    # fit_line sizes the text to the line's height (÷ 1.3) with 6 % slack.
    wanted = text_width_em(credit) * line / 1.3 / 0.94 + CREDIT_PAD_MM
    return credit_box(polygon, width, height, line=line, wanted=wanted, safe=options.safe_mm)


def credit_height_for(width: float, height: float) -> float:
    """Return the credit line height for a sticker of this size (as on sheets)."""
    return credit_height(SimpleNamespace(label_width=width, label_height=height))


def credit_box(
    polygon, width: float, height: float, *, line: float, wanted: float, safe: float
) -> Box | None:
    """Return the lowest ``line``-high box, centred as far as it can be, that lies at least
    ``safe`` mm inside ``polygon`` (mm, y down); as wide as ``wanted`` or as the room allows."""
    import numpy as np

    from gallery.printing.engine.distance import distance_within, runs_down

    scale = min(SAFE_PX_PER_MM, MAX_SAFE_PX / max(width, height))
    size = (max(2, math.ceil(width * scale)), max(2, math.ceil(height * scale)))
    canvas = Image.new("L", size, 0)
    ImageDraw.Draw(canvas).polygon([(x * scale, y * scale) for x, y in polygon], fill=255)
    inside = np.pad(np.asarray(canvas) > 0, 1)
    least_room = safe + SAFE_MARGIN_MM + 0.5 / scale
    # Only "at least least_room from the edge?" is asked: exact distances that far suffice.
    room = distance_within(~inside, least_room * scale + 1)[1:-1, 1:-1] / scale
    usable = room >= least_room
    rows = max(1, math.ceil(line * scale))
    if rows > usable.shape[0]:
        return None
    # A band of rows is usable where every row of it is.
    band = runs_down(usable, rows)
    # Low on the sticker, but wide enough for most of the credit (else it shrinks a lot).
    least = min(wanted, width * 0.6)
    centre = width * scale / 2
    for top in range(usable.shape[0] - rows, -1, -1):
        runs = _runs(band[top])
        if not runs:
            continue
        start, end = max(runs, key=lambda r: r[1] - r[0])
        if (end - start) / scale < least:
            continue
        box_w = min(wanted * scale, end - start)
        left = min(max(centre - box_w / 2, start), end - box_w)
        return Box(left / scale, top / scale, box_w / scale, rows / scale)
    return None


def _runs(row) -> list[tuple[int, int]]:
    """Return the (start, end) pixel spans where ``row`` (a NumPy row) is set."""
    import numpy as np

    padded = np.concatenate([[0], row.astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))
