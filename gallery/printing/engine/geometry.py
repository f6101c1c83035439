"""Sheet geometry in millimetres: boxes, label grids, layouts and page marks.

Page coordinates have their origin at the top-left corner of the page with y pointing down,
like CSS, SVG and gLabels. Everything here is pure data; nothing draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from gallery.printing.engine.options import ExportOptions, Mode, Shape

EPS = 0.01  # mm; geometry is compared to a hundredth of a millimetre


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle in mm (x, y = top-left corner)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        """Return the x coordinate of the right edge."""
        return self.x + self.width

    @property
    def bottom(self) -> float:
        """Return the y coordinate of the bottom edge."""
        return self.y + self.height

    @property
    def center(self) -> tuple[float, float]:
        """Return the centre point."""
        return (self.x + self.width / 2, self.y + self.height / 2)

    def expand(
        self,
        left: float,
        top: float | None = None,
        right: float | None = None,
        bottom: float | None = None,
    ) -> Box:
        """Grow by the given margins (one value grows every side); negative values shrink."""
        top = left if top is None else top
        right = left if right is None else right
        bottom = top if bottom is None else bottom
        return Box(
            self.x - left, self.y - top, self.width + left + right, self.height + top + bottom
        )

    def calibrated(self, options: ExportOptions) -> Box:
        """Apply printer calibration: scale about the page origin, then offset."""
        s = options.scale
        return Box(
            self.x * s + options.offset_x_mm,
            self.y * s + options.offset_y_mm,
            self.width * s,
            self.height * s,
        )

    def overlaps(self, other: Box, eps: float = EPS) -> bool:
        """Tell whether the interiors overlap by more than ``eps`` on both axes."""
        return (
            min(self.right, other.right) - max(self.x, other.x) > eps
            and min(self.bottom, other.bottom) - max(self.y, other.y) > eps
        )

    def inside(self, other: Box, eps: float = EPS) -> bool:
        """Tell whether this box lies within ``other`` (with ``eps`` tolerance)."""
        return (
            self.x >= other.x - eps
            and self.y >= other.y - eps
            and self.right <= other.right + eps
            and self.bottom <= other.bottom + eps
        )


@dataclass(frozen=True)
class Grid:
    """A block of equal labels: ``columns`` × ``rows`` at pitch ``dx`` × ``dy`` from (x0, y0)."""

    columns: int
    rows: int
    x0: float
    y0: float
    dx: float
    dy: float


@dataclass(frozen=True)
class Cell:
    """One label position; ``index`` counts from 0 in reading order across all grids."""

    index: int
    box: Box


@dataclass(frozen=True)
class Registration:
    """Registration marks a print-and-cut plotter looks for (Silhouette-style by default).

    A filled square in the top-left corner and L-shaped corners top-right and bottom-left,
    each ``inset`` mm from the page edges.
    """

    inset: float = 10.0
    length: float = 20.0
    thickness: float = 0.5
    square: float = 5.0

    def safe_area(self, page_width: float, page_height: float) -> Box:
        """Return the page area clear of the marks (cells must stay inside it)."""
        margin = self.inset + max(self.square, self.thickness) + 1.0
        return Box(margin, margin, page_width - 2 * margin, page_height - 2 * margin)


@dataclass(frozen=True)
class Layout:
    """A sheet of labels or stickers: page, label shape, label grids and default options."""

    id: str
    name: str
    page_size: str  # e.g. "A4", "US Letter" or "100 × 150 mm"
    page_width: float
    page_height: float
    shape: Shape
    label_width: float
    label_height: float
    corner_radius: float  # circle: width == height == diameter
    grids: tuple[Grid, ...]
    mode: Mode
    defaults: ExportOptions
    brand: str = ""
    part: str = ""
    description: str = ""
    source: str = "builtin"  # "builtin" | "glabels" | "custom"
    registration: Registration | None = None  # print-and-cut mark geometry (None: default)

    def cells(self) -> tuple[Cell, ...]:
        """Return every label position in gLabels order (grids in order, each row-major)."""
        return self._all_cells

    @cached_property
    def _all_cells(self) -> tuple[Cell, ...]:
        """Compute the cells once; layouts are immutable."""
        cells: list[Cell] = []
        for grid in self.grids:
            for row in range(grid.rows):
                for col in range(grid.columns):
                    box = Box(
                        grid.x0 + col * grid.dx,
                        grid.y0 + row * grid.dy,
                        self.label_width,
                        self.label_height,
                    )
                    cells.append(Cell(len(cells), box))
        return tuple(cells)

    @property
    def labels_per_sheet(self) -> int:
        """Return the number of labels on one sheet."""
        return sum(g.columns * g.rows for g in self.grids)

    @property
    def page_box(self) -> Box:
        """Return the whole page as a box."""
        return Box(0.0, 0.0, self.page_width, self.page_height)

    @property
    def gap_x(self) -> float:
        """Return the smallest horizontal gap between side-by-side labels.

        Without a horizontal neighbour the gap is twice the nearest page margin, so that half
        the gap is always the largest bleed that stays off other labels and on the page.
        """
        return self._gaps[0]

    @property
    def gap_y(self) -> float:
        """Return the smallest vertical gap between stacked labels (see ``gap_x``)."""
        return self._gaps[1]

    @property
    def max_bleed(self) -> float:
        """Return the largest bleed that reaches neither a neighbour nor past the page."""
        return max(0.0, min(self.gap_x, self.gap_y) / 2)

    @cached_property
    def _gaps(self) -> tuple[float, float]:
        """Compute (gap_x, gap_y): grids analytically, pairs of grids cell by cell."""
        boxes = [c.box for c in self.cells()]
        gx = 2 * min(min(b.x, self.page_width - b.right) for b in boxes)
        gy = 2 * min(min(b.y, self.page_height - b.bottom) for b in boxes)
        for grid in self.grids:
            if grid.columns > 1:
                gx = min(gx, grid.dx - self.label_width)
            if grid.rows > 1:
                gy = min(gy, grid.dy - self.label_height)
        if len(self.grids) > 1:
            # Multi-grid templates are rare and small, so a plain pairwise scan is fine.
            groups, start = [], 0
            for grid in self.grids:
                groups.append(boxes[start : start + grid.columns * grid.rows])
                start += grid.columns * grid.rows
            for i, group in enumerate(groups):
                for other in groups[i + 1 :]:
                    for a in group:
                        for b in other:
                            gx, gy = _pair_gaps(a, b, gx, gy)
        return (max(gx, 0.0), max(gy, 0.0))


def _pair_gaps(a: Box, b: Box, gx: float, gy: float) -> tuple[float, float]:
    """Lower (gx, gy) by the gap between two boxes that sit side by side or stacked."""
    if min(a.bottom, b.bottom) - max(a.y, b.y) > EPS:
        gx = min(gx, max(b.x - a.right, a.x - b.right))
    if min(a.right, b.right) - max(a.x, b.x) > EPS:
        gy = min(gy, max(b.y - a.bottom, a.y - b.bottom))
    return gx, gy


@dataclass(frozen=True)
class Line:
    """A straight line segment in page mm."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Marks:
    """Printer's marks for one sheet, in page mm after calibration.

    ``crop`` lines are hairlines of ``stroke`` mm; ``registration`` boxes are filled black.
    """

    crop: tuple[Line, ...] = ()
    registration: tuple[Box, ...] = ()
    stroke: float = 0.1


CROP_LENGTH = 4.0  # mm, the usual length of a crop mark
CROP_OFFSET = 1.0  # mm between the bleed edge and the start of a crop mark


def page_marks(layout: Layout, options: ExportOptions) -> Marks:
    """Return crop marks (if ``options.crop_marks``) and registration marks (if asked for)."""
    crop: list[Line] = []
    if options.crop_marks:
        crop = _crop_lines(layout, options.bleed_mm)
    registration: list[Box] = []
    if options.registration_marks:
        registration = _registration_boxes(layout)
    cal = options

    def line(seg: Line) -> Line:
        """Calibrate one segment."""
        s = cal.scale
        ox, oy = cal.offset_x_mm, cal.offset_y_mm
        return Line(seg.x1 * s + ox, seg.y1 * s + oy, seg.x2 * s + ox, seg.y2 * s + oy)

    return Marks(
        crop=tuple(line(seg) for seg in crop),
        registration=tuple(b.calibrated(options) for b in registration),
        stroke=0.1 * options.scale,
    )


def _crop_lines(layout: Layout, bleed: float) -> list[Line]:
    """Build corner crop marks for every cell, trimmed so none crosses any artwork or bleed."""
    boxes = [c.box for c in layout.cells()]
    keep_out = [b.expand(bleed + CROP_OFFSET / 2) for b in boxes]
    page = layout.page_box
    start = bleed + CROP_OFFSET
    lines: set[Line] = set()
    for b in boxes:
        for x in (b.x, b.right):
            for y, direction in ((b.y - start, -1), (b.bottom + start, 1)):
                # Vertical mark on the cell's left/right edge line, pointing away from the cell.
                seg = _clip(Line(x, y, x, y + direction * CROP_LENGTH), keep_out, page)
                if seg:
                    lines.add(seg)
        for y in (b.y, b.bottom):
            for x, direction in ((b.x - start, -1), (b.right + start, 1)):
                seg = _clip(Line(x, y, x + direction * CROP_LENGTH, y), keep_out, page)
                if seg:
                    lines.add(seg)
    return sorted(lines, key=lambda s: (s.y1, s.x1, s.y2, s.x2))


def _clip(seg: Line, keep_out: list[Box], page: Box) -> Line | None:
    """Shorten an axis-parallel segment from its start until it meets a keep-out box or the page
    edge; drop it when less than 1 mm is left."""
    (x1, y1), (x2, y2) = (seg.x1, seg.y1), (seg.x2, seg.y2)
    if not (page.x <= x1 <= page.right and page.y <= y1 <= page.bottom):
        return None
    for box in keep_out:
        # Only boxes the infinite line passes through can stop it.
        if x1 == x2 and box.x < x1 < box.right:
            lo, hi = sorted((y1, y2))
            if box.y < hi and box.bottom > lo:
                if box.y <= y1 <= box.bottom:
                    return None
                y2 = box.y if y2 > y1 else box.bottom
        elif y1 == y2 and box.y < y1 < box.bottom:
            lo, hi = sorted((x1, x2))
            if box.x < hi and box.right > lo:
                if box.x <= x1 <= box.right:
                    return None
                x2 = box.x if x2 > x1 else box.right
    x2 = min(max(x2, page.x), page.right)
    y2 = min(max(y2, page.y), page.bottom)
    if math.hypot(x2 - x1, y2 - y1) < 1.0:
        return None
    return Line(round(x1, 4), round(y1, 4), round(x2, 4), round(y2, 4))


def _registration_boxes(layout: Layout) -> list[Box]:
    """Return the filled rectangles of the registration marks, before calibration."""
    reg = layout.registration or Registration()
    w, h, i, ln, t = layout.page_width, layout.page_height, reg.inset, reg.length, reg.thickness
    return [
        Box(i, i, reg.square, reg.square),  # top-left filled square
        Box(w - i - ln, i, ln, t),  # top-right corner: horizontal arm
        Box(w - i - t, i, t, ln),  # top-right corner: vertical arm
        Box(i, h - i - t, ln, t),  # bottom-left corner: horizontal arm
        Box(i, h - i - ln, t, ln),  # bottom-left corner: vertical arm
    ]
