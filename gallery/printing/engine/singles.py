"""Die-cut singles: one sticker per page, as a sticker print shop wants them.

Every page is one sticker. Its TrimBox is the cut path's bounding box, whose longer side is
the chosen size; BleedBox (= MediaBox) is the trim grown by the bleed. The cut path is the
sticker's shape: a rectangle or rounded rectangle in the artwork's proportions, a circle, or,
for a transparent work, its traced outline grown by the cut offset (a white border). Opaque
artwork covers the whole bleed box; the credit line sits inside the safe zone, at least
``safe_mm`` inside the cut.

This module plans without pixels (sizes, resolution warnings) and resolves each sticker's
final geometry (:class:`Geometry`) from its print raster, the only step that needs pixels;
:mod:`singles_pdf` draws the pages.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from gallery.printing.engine.geometry import Box
from gallery.printing.engine.options import CreditPlacement, ExportOptions, Shape
from gallery.printing.engine.plan import MM_PER_INCH, PlanError, StickerSource, check_item

SHAPES = (Shape.RECT, Shape.ROUNDED, Shape.CIRCLE)
ROUNDED_RADIUS_MM = 3.0  # corner radius of rounded singles (at most a quarter of the short side)
SIZE_RANGE = (10.0, 300.0)
SAFE_RANGE = (0.0, 10.0)


@dataclass(frozen=True)
class SinglesOptions(ExportOptions):
    """Export options for die-cut singles: the sheet options plus size, shape and safe zone."""

    bleed_mm: float = 2.0
    size_mm: float = 50.0  # the longer side of the cut path's bounding box
    shape: Shape = Shape.ROUNDED  # for opaque works; transparent ones follow their outline
    safe_mm: float = 1.5

    def __post_init__(self) -> None:
        """Check the singles fields too."""
        super().__post_init__()
        object.__setattr__(self, "shape", Shape(self.shape))
        for name, (low, high) in (("size_mm", SIZE_RANGE), ("safe_mm", SAFE_RANGE)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name}: expected a number, got {value!r}")
            if not math.isfinite(value) or not low <= value <= high:
                raise ValueError(f"{name}: {value!r} is outside {low:g}…{high:g}")
        if self.shape not in SHAPES:
            raise ValueError(f"shape: expected one of {', '.join(s.value for s in SHAPES)}")
        if self.credit is CreditPlacement.UNDER:
            raise ValueError("credit: a single sticker has no sheet to print a credit under")


@dataclass(frozen=True)
class Single:
    """One sticker as planned, before its pixels are read: approximate for outlines."""

    sticker: StickerSource
    outline: bool  # cut round the traced outline (a transparent work)
    trim: Box  # at the origin: width × height of the cut path's bounding box
    art: Box  # where the artwork goes, relative to the trim's top-left corner
    image_px: tuple[int, int]
    effective_dpi: float
    low_resolution: bool


@dataclass(frozen=True)
class Geometry:
    """One sticker resolved for drawing, relative to its trim's top-left corner (mm, y down).

    ``cut`` is None for the plain shapes (drawn exactly from ``shape`` and ``radius``), else
    the traced outline polygon.
    """

    trim_width: float
    trim_height: float
    art: Box
    image_px: tuple[int, int]
    shape: Shape
    radius: float
    cut: tuple[tuple[float, float], ...] | None
    credit: Box | None

    def to_mapping(self) -> dict:
        """Return plain values for the print cache."""
        return {
            "trim": [self.trim_width, self.trim_height],
            "art": [self.art.x, self.art.y, self.art.width, self.art.height],
            "image_px": list(self.image_px),
            "shape": self.shape.value,
            "radius": self.radius,
            "cut": [list(p) for p in self.cut] if self.cut is not None else None,
            "credit": None
            if self.credit is None
            else [self.credit.x, self.credit.y, self.credit.width, self.credit.height],
        }

    @classmethod
    def from_mapping(cls, data: dict) -> Geometry:
        """Read back what ``to_mapping`` wrote."""
        cut = data.get("cut")
        credit = data.get("credit")
        return cls(
            trim_width=float(data["trim"][0]),
            trim_height=float(data["trim"][1]),
            art=Box(*(float(v) for v in data["art"])),
            image_px=(int(data["image_px"][0]), int(data["image_px"][1])),
            shape=Shape(data["shape"]),
            radius=float(data["radius"]),
            cut=tuple((float(x), float(y)) for x, y in cut) if cut is not None else None,
            credit=Box(*(float(v) for v in credit)) if credit is not None else None,
        )


def plan_singles(
    items: Sequence[tuple[StickerSource, int]], options: SinglesOptions, *, max_pages: int = 1000
) -> list[Single]:
    """Return one planned sticker per page (copies as pages), in order.

    Raises PlanError on empty input, bad copies, an image without pixels or too many pages.
    """
    if not items:
        raise PlanError("nothing to print: choose at least one sticker", "empty")
    pages = 0
    planned: dict[int, Single] = {}
    for sticker, copies in items:
        check_item(sticker, copies)
        pages += copies
        planned.setdefault(sticker.work_id, plan_single(sticker, options))
    if pages > max_pages:
        raise PlanError(
            f"{pages} stickers is more than the limit of {max_pages}",
            "singles_limit",
            stickers=pages,
            limit=max_pages,
        )
    return [planned[s.work_id] for s, copies in items for _ in range(copies)]


def plan_single(sticker: StickerSource, options: SinglesOptions) -> Single:
    """Plan one sticker: its trim, where the art goes and at what resolution."""
    w_px, h_px = sticker.width_px, sticker.height_px
    size = options.size_mm
    if sticker.has_alpha:
        # The outline is not known yet: assume the artwork is opaque to its edges, so the art
        # fits the size less the border. Resolved exactly by ``resolve_outline``.
        inner = max(1.0, size - 2 * options.cut_offset_mm)
        scale = inner / max(w_px, h_px)
        art = Box(options.cut_offset_mm, options.cut_offset_mm, w_px * scale, h_px * scale)
        trim = Box(
            0.0, 0.0, art.width + 2 * options.cut_offset_mm, art.height + 2 * options.cut_offset_mm
        )
        return _single(sticker, True, trim, art, options)
    if options.shape is Shape.CIRCLE:
        trim = Box(0.0, 0.0, size, size)
    else:
        scale = size / max(w_px, h_px)
        trim = Box(0.0, 0.0, w_px * scale, h_px * scale)
    return _single(sticker, False, trim, cover(trim.expand(options.bleed_mm), w_px, h_px), options)


def cover(target: Box, w_px: int, h_px: int) -> Box:
    """Return the centred box a w × h image fills when it covers ``target`` entirely."""
    scale = max(target.width / w_px, target.height / h_px)
    width, height = w_px * scale, h_px * scale
    cx, cy = target.center
    return Box(cx - width / 2, cy - height / 2, width, height)


def pixels_for(art: Box, sticker: StickerSource, dpi: int) -> tuple[tuple[int, int], float]:
    """Return the raster size for ``art`` at ``dpi`` (never more than the source) and the
    source's effective resolution there."""
    effective = sticker.width_px / (art.width / MM_PER_INCH)
    factor = min(1.0, dpi / effective)
    image_px = (max(1, round(sticker.width_px * factor)), max(1, round(sticker.height_px * factor)))
    return image_px, effective


def _single(sticker, outline: bool, trim: Box, art: Box, options: SinglesOptions) -> Single:
    """Return a planned single with its raster size and resolution."""
    image_px, effective = pixels_for(art, sticker, options.dpi)
    return Single(
        sticker=sticker,
        outline=outline,
        trim=trim,
        art=art,
        image_px=image_px,
        effective_dpi=effective,
        low_resolution=effective < options.min_dpi,
    )


def corner_radius(trim: Box, shape: Shape) -> float:
    """Return the corner radius of a rounded single (0 for other shapes)."""
    if shape is not Shape.ROUNDED:
        return 0.0
    return min(ROUNDED_RADIUS_MM, min(trim.width, trim.height) / 4)
