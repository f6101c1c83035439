"""Plan sticker sheets: which artwork goes in which label, where exactly, at what resolution.

The PDF renderer and the SVG preview both draw from this plan, so what a volunteer sees on
screen is what comes out of the printer. All boxes are page mm after printer calibration.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gallery.printing.engine.geometry import Box, Cell, Layout
from gallery.printing.engine.options import CreditPlacement, ExportOptions, Fit, Shape

if TYPE_CHECKING:
    import numpy as np

MM_PER_INCH = 25.4
CREDIT_GAP = 0.5  # mm between the bleed edge and a credit line printed under the sticker
ROTATE_GAIN = 1.01  # rotate only when it makes the artwork clearly larger, not for squares
# A drawing is rendered at the export's DPI, whatever the label size, up to this many pixels
# (A4 at 600 DPI); beyond it the raster is made smaller and the DPI reported honestly.
VECTOR_MAX_PIXELS = 36_000_000


class PlanError(ValueError):
    """A plan that cannot be made; ``reason`` names the case and ``details`` its values."""

    def __init__(self, message: str, reason: str, **details: object) -> None:
        """Keep the English message for logs and a reason the web pages can translate."""
        super().__init__(message)
        self.reason = reason
        self.details = details


@dataclass(frozen=True)
class StickerSource:
    """One artwork as the planner needs it: no pixels, just their upright size (EXIF applied)."""

    work_id: int
    image_key: str
    width_px: int
    height_px: int
    has_alpha: bool
    credit: str | None  # None: the artist stays anonymous, no credit line
    title: str
    # The intake's reduced copy of a big master (None: read the master) and its factor.
    print_key: str | None = None
    print_factor: int = 1
    # A drawing's cleaned SVG/PDF source: rendered at exactly the placed size, never soft.
    vector_key: str | None = None


@dataclass(frozen=True)
class Placement:
    """One artwork in one label, fully resolved to page millimetres and pixels."""

    cell: Cell
    sticker: StickerSource
    rotated: bool  # artwork turned 90° clockwise because it fits larger that way
    art_box: Box  # the rect the (rotated) image fills; may exceed clip_box for COVER
    clip_box: Box  # cell + bleed (per side, never onto a neighbour or off the page)
    trim_box: Box  # the cell itself
    credit_box: Box | None  # ON: inside the cell near the bottom; UNDER: below it
    image_px: tuple[int, int]  # pre-render size after rotation, at options.dpi, ≤ source
    effective_dpi: float
    low_resolution: bool  # effective_dpi < options.min_dpi


@dataclass(frozen=True)
class SheetPlan:
    """The placements on one printed sheet (``index`` counts sheets from 0)."""

    index: int
    placements: tuple[Placement, ...]


def plan_export(
    layout: Layout,
    items: Sequence[tuple[StickerSource, int]],
    options: ExportOptions,
    *,
    fill: bool = False,
    max_sheets: int = 500,
) -> list[SheetPlan]:
    """Lay out ``copies`` of each sticker in order across as many sheets as needed.

    ``options.start_at`` skips used labels on the first sheet; ``fill`` repeats the stickers
    round-robin until the last sheet is full. Raises ValueError on empty input, bad copies,
    ``start_at`` beyond the sheet, too many sheets, or a credit line that cannot fit.
    """
    if not items:
        raise PlanError("nothing to print: choose at least one sticker", "empty")
    queue: list[StickerSource] = []
    for sticker, copies in items:
        check_item(sticker, copies)
        queue.extend([sticker] * copies)
    per_sheet = layout.labels_per_sheet
    if not 1 <= options.start_at <= per_sheet:
        raise PlanError(
            f"start_at must be between 1 and {per_sheet} for {layout.name}",
            "start_at",
            per_sheet=per_sheet,
            layout=layout.name,
        )
    skipped = options.start_at - 1
    if fill:
        distinct = [sticker for sticker, _ in items]
        short = -(skipped + len(queue)) % per_sheet
        queue.extend(distinct[i % len(distinct)] for i in range(short))
    sheets_needed = math.ceil((skipped + len(queue)) / per_sheet)
    if sheets_needed > max_sheets:
        raise PlanError(
            f"{sheets_needed} sheets is more than the limit of {max_sheets}",
            "sheet_limit",
            sheets=sheets_needed,
            limit=max_sheets,
        )

    cells = layout.cells()
    clips = bleed_boxes(layout, options.bleed_mm)
    slots = [(0, cell) for cell in cells[skipped:]]
    slots += [(s, cell) for s in range(1, sheets_needed) for cell in cells]
    sheets: list[list[Placement]] = [[] for _ in range(sheets_needed)]
    for (sheet, cell), sticker in zip(slots, queue, strict=False):
        sheets[sheet].append(place(layout, cell, clips[cell.index], sticker, options))
    return [SheetPlan(i, tuple(p)) for i, p in enumerate(sheets)]


def check_item(sticker: StickerSource, copies: object) -> None:
    """Raise PlanError unless ``sticker`` has pixels and ``copies`` is a whole number ≥ 1."""
    if not isinstance(sticker, StickerSource):
        raise ValueError(f"expected a StickerSource, got {type(sticker).__name__}")
    if sticker.width_px < 1 or sticker.height_px < 1:
        raise PlanError(
            f"work {sticker.work_id}: image has no pixels", "no_pixels", work=sticker.work_id
        )
    if isinstance(copies, bool) or not isinstance(copies, int) or copies < 1:
        raise PlanError(
            f"work {sticker.work_id}: copies must be a whole number ≥ 1",
            "copies",
            work=sticker.work_id,
        )


def bleed_boxes(layout: Layout, bleed: float) -> list[Box]:
    """Return each cell grown by ``bleed``, but per side at most half-way to the next label
    and never past the page edge (uncalibrated page mm, indexed like ``layout.cells()``)."""
    # NumPy loads with the first plan, not with the print pages, which import this module.
    import numpy as np

    boxes = [c.box for c in layout.cells()]
    x = np.array([b.x for b in boxes])
    y = np.array([b.y for b in boxes])
    r, bt = x + layout.label_width, y + layout.label_height
    # Pairs that share some height can collide sideways; pairs that share width, vertically.
    rows = (np.minimum(bt[:, None], bt[None, :]) - np.maximum(y[:, None], y[None, :])) > 1e-6
    cols = (np.minimum(r[:, None], r[None, :]) - np.maximum(x[:, None], x[None, :])) > 1e-6
    inf = np.inf
    slack = min(0.5, layout.label_width / 2, layout.label_height / 2)

    def room(dist: np.ndarray, mask: np.ndarray, edge: np.ndarray) -> np.ndarray:
        """Half the distance to the nearest neighbour on one side, or the page margin."""
        # Slightly overlapping neighbours (rounded template numbers) still block the bleed.
        dist = np.where(mask & (dist >= -slack), dist / 2, inf)
        return np.minimum(dist.min(axis=1), edge).clip(min=0.0)

    left = room(x[:, None] - r[None, :], rows, x)
    right = room(x[None, :] - r[:, None], rows, layout.page_width - r)
    top = room(y[:, None] - bt[None, :], cols, y)
    bottom = room(y[None, :] - bt[:, None], cols, layout.page_height - bt)
    return [
        b.expand(*(float(min(bleed, v[i])) for v in (left, top, right, bottom)))
        for i, b in enumerate(boxes)
    ]


def place(
    layout: Layout, cell: Cell, bleed_box: Box, sticker: StickerSource, options: ExportOptions
) -> Placement:
    """Resolve one sticker in one cell: rotation, fit, credit line and resolution."""
    trim = cell.box
    if sticker.has_alpha:
        # Transparent works are never cropped: they fit inside the label itself, and inside
        # the die-cut offset too when a cut line is drawn around them.
        # On tiny labels the offset may take at most a quarter of the label.
        inset = min(options.cut_offset_mm, min(trim.width, trim.height) / 4)
        target = trim.expand(-inset) if options.cut_lines else trim
        fit = Fit.CONTAIN
    else:
        target, fit = bleed_box, options.fit
    w_px, h_px = sticker.width_px, sticker.height_px
    rotated = _contain_scale(target, h_px, w_px) > ROTATE_GAIN * _contain_scale(target, w_px, h_px)
    if rotated:
        w_px, h_px = h_px, w_px
    art = _fit(target, w_px, h_px, fit)
    if sticker.vector_key:
        image_px, dpi = _vector_pixels(art, options.dpi)
    else:
        dpi = w_px / (art.width / MM_PER_INCH)  # on paper, so before calibration scaling
        factor = min(1.0, options.dpi / dpi)
        image_px = (max(1, round(w_px * factor)), max(1, round(h_px * factor)))
    credit = credit_box(layout, cell, bleed_box, sticker, options)
    return Placement(
        cell=cell,
        sticker=sticker,
        rotated=rotated,
        art_box=art.calibrated(options),
        clip_box=bleed_box.calibrated(options),
        trim_box=trim.calibrated(options),
        credit_box=credit.calibrated(options) if credit else None,
        image_px=image_px,
        effective_dpi=dpi,
        low_resolution=dpi < options.min_dpi,
    )


def _vector_pixels(art: Box, dpi: float) -> tuple[tuple[int, int], float]:
    """Return the raster size of a drawing placed in ``art`` at ``dpi``, and the DPI it gets."""
    width, height = art.width / MM_PER_INCH * dpi, art.height / MM_PER_INCH * dpi
    if width * height > VECTOR_MAX_PIXELS:
        shrink = math.sqrt(VECTOR_MAX_PIXELS / (width * height))
        width, height, dpi = width * shrink, height * shrink, dpi * shrink
    return (max(1, round(width)), max(1, round(height))), dpi


def credit_height(layout: Layout) -> float:
    """Return the credit line height in mm: readable, yet small next to the artwork."""
    return min(4.0, max(2.2, 0.1 * min(layout.label_width, layout.label_height)))


def credit_box(
    layout: Layout, cell: Cell, bleed_box: Box, sticker: StickerSource, options: ExportOptions
) -> Box | None:
    """Return where the credit line goes (uncalibrated), or None when there is none."""
    if options.credit is CreditPlacement.OFF or not (sticker.credit or "").strip():
        return None
    trim, h = cell.box, credit_height(layout)
    if options.credit is CreditPlacement.UNDER:
        box = Box(trim.x, bleed_box.bottom + CREDIT_GAP, trim.width, h)
        blocked = box.bottom > layout.page_height or any(
            box.overlaps(other.box.expand(options.bleed_mm))
            for other in layout.cells()
            if other.index != cell.index
        )
        if blocked:
            raise PlanError(
                f"the credit line does not fit under label {cell.index + 1} of {layout.name} "
                f"({h + CREDIT_GAP:.1f} mm needed); put credits on the sticker or turn them off",
                "credit_room",
                label=cell.index + 1,
                layout=layout.name,
                needed=f"{h + CREDIT_GAP:.1f}",
            )
        return box
    a, b = trim.width / 2, trim.height / 2
    if layout.shape in (Shape.CIRCLE, Shape.ELLIPSE):
        # Lift the line until the curve leaves it 60 % of the label's width.
        rise = max(1.0, b * (1 - math.sqrt(1 - 0.6**2)))
        half = a * math.sqrt(max(0.0, 1 - ((b - rise) / b) ** 2)) - 0.5
    else:
        rad = layout.corner_radius if layout.shape is Shape.ROUNDED else 0.0
        rise = max(1.0, 0.15 * rad)
        # Inside a rounded corner the usable half-width shrinks near the bottom edge.
        inset = rad - math.sqrt(max(0.0, rad**2 - (rad - rise) ** 2)) if rise < rad else 0.0
        half = a - max(1.0, inset + 0.5)
    if half <= 0 or rise + h > trim.height:
        return None
    cx = trim.x + a
    return Box(cx - half, trim.bottom - rise - h, 2 * half, h)


def _contain_scale(target: Box, w: float, h: float) -> float:
    """Return the scale at which a w × h image fits inside ``target``."""
    return min(target.width / w, target.height / h)


def _fit(target: Box, w: float, h: float, fit: Fit) -> Box:
    """Return the centred rect a w × h image occupies when fitted to ``target``."""
    scale = (
        _contain_scale(target, w, h)
        if fit is Fit.CONTAIN
        else max(target.width / w, target.height / h)
    )
    width, height = w * scale, h * scale
    cx, cy = target.center
    return Box(cx - width / 2, cy - height / 2, width, height)
