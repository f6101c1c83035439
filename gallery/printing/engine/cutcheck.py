"""How close cut paths come to each other and to the edge: the limits print shops give.

Paths are closed polygons in millimetres. They are measured on points every 0.1 mm along
their outline, so crossing or touching paths measure (about) 0 and the error stays far below
what the 2 mm limits care about. Shared by the sheet planner's warnings and by preflight.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from gallery.printing.engine.geometry import Box
from gallery.printing.engine.options import Shape

STEP_MM = 0.1
ARC_POINTS = 16  # per quarter circle when a label shape is turned into a polygon
Polygon = Sequence[tuple[float, float]]


def densify(polygon: Polygon, step: float = STEP_MM):
    """Return points along the closed ``polygon`` no more than ``step`` apart (a NumPy array)."""
    import numpy as np

    pts = np.asarray(polygon, dtype=float)
    if len(pts) < 2:
        return pts.reshape(-1, 2)
    ends = np.roll(pts, -1, axis=0)
    pieces = []
    for a, b in zip(pts, ends, strict=True):
        n = max(1, math.ceil(float(np.hypot(*(b - a))) / step))
        t = np.arange(n)[:, None] / n
        pieces.append(a + (b - a) * t)
    return np.vstack(pieces)


def closest_gap(paths: Sequence[Polygon], *, within: float) -> float | None:
    """Return the smallest distance between two different paths when it is below ``within``
    (else None: every pair is at least that far apart)."""
    import numpy as np
    from scipy.spatial import cKDTree

    points = [densify(p) for p in paths]
    boxes = [(p[:, 0].min(), p[:, 1].min(), p[:, 0].max(), p[:, 1].max()) for p in points]
    trees: dict[int, Any] = {}
    best = None
    for i in range(len(points)):
        for j in range(i + 1, len(points)):
            a, b = boxes[i], boxes[j]
            if a[0] > b[2] + within or b[0] > a[2] + within:
                continue
            if a[1] > b[3] + within or b[1] > a[3] + within:
                continue
            tree = trees.setdefault(j, cKDTree(points[j]))
            dist, _ = tree.query(points[i], distance_upper_bound=within)
            nearest = float(np.min(dist))
            if math.isfinite(nearest) and (best is None or nearest < best):
                best = nearest
    return best


def edge_distance(paths: Sequence[Polygon], box: Sequence[float]) -> float:
    """Return how close any path comes to the edges of ``box`` (x0, y0, x1, y1); negative when
    a path leaves it."""
    x0, y0, x1, y1 = box
    nearest = math.inf
    for path in paths:
        for x, y in path:
            nearest = min(nearest, x - x0, x1 - x, y - y0, y1 - y)
    return nearest


def shape_polygon(box: Box, shape: Shape, radius: float = 0.0) -> list[tuple[float, float]]:
    """Return a label outline of ``shape`` filling ``box`` as a polygon (page mm)."""
    if shape in (Shape.CIRCLE, Shape.ELLIPSE):
        rx, ry = box.width / 2, box.height / 2
    elif shape is Shape.ROUNDED and radius > 0:
        rx = ry = min(radius, box.width / 2, box.height / 2)
    else:
        return [(box.x, box.y), (box.right, box.y), (box.right, box.bottom), (box.x, box.bottom)]
    centres = [
        (box.right - rx, box.y + ry, -90),
        (box.right - rx, box.bottom - ry, 0),
        (box.x + rx, box.bottom - ry, 90),
        (box.x + rx, box.y + ry, 180),
    ]
    points = []
    for cx, cy, start in centres:
        for k in range(ARC_POINTS + 1):
            angle = math.radians(start + 90 * k / ARC_POINTS)
            points.append((cx + rx * math.cos(angle), cy + ry * math.sin(angle)))
    return points


def sheet_warnings(layout, sheets, options) -> list[dict]:
    """Return the shops' spacing warnings for a sheet export with cut lines (planned shapes).

    Each warning is {"kind": "cut_gap" | "cut_edge", "sheet": n, "mm": distance, "min": limit};
    at most one of each kind, the worst. Transparent works are cut round their outline, which
    lies inside the label, so the label shapes are the closest the cuts can come.
    """
    warnings: list[dict] = []
    worst_gap, worst_edge = None, None
    page = (0.0, 0.0, layout.page_width, layout.page_height)
    for sheet in sheets:
        paths = [
            shape_polygon(
                p.trim_box,
                layout.shape,
                layout.corner_radius * p.trim_box.width / max(layout.label_width, 1e-9),
            )
            for p in sheet.placements
        ]
        if not paths:
            continue
        gap = closest_gap(paths, within=options.min_cut_gap_mm)
        if gap is not None and (worst_gap is None or gap < worst_gap[0]):
            worst_gap = (gap, sheet.index + 1)
        edge = edge_distance(paths, page)
        if worst_edge is None or edge < worst_edge[0]:
            worst_edge = (edge, sheet.index + 1)
    if worst_gap is not None and worst_gap[0] < options.min_cut_gap_mm - 0.01:
        warnings.append(_warning("cut_gap", worst_gap, options.min_cut_gap_mm))
    if worst_edge is not None and worst_edge[0] < options.min_edge_mm - 0.01:
        warnings.append(_warning("cut_edge", worst_edge, options.min_edge_mm))
    return warnings


def _warning(kind: str, worst: tuple[float, int], limit: float) -> dict:
    """Return one spacing warning as plain values."""
    return {"kind": kind, "sheet": worst[1], "mm": round(max(0.0, worst[0]), 1), "min": limit}
