"""Die-cut outlines for transparent artworks: the opaque area, grown by an offset, as polygons.

The mask is brought to a working resolution of about 4 px/mm, a signed distance field of the
opaque pixels (exact near the outline, see :mod:`distance`) gives the offset outline as its
level set, marching squares traces it with sub-pixel interpolation and Ramer–Douglas–Peucker
drops the points a cutter does not need.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from gallery.printing.engine.distance import distance_within
from gallery.printing.engine.geometry import Box

WORK_PX_PER_MM = 4.0
MAX_WORK_PX = 1200  # longest side of the working raster; keeps A4-sized stickers < 100 ms
ALPHA_THRESHOLD = 128  # at least half opaque counts as part of the sticker

Polygon = list[tuple[float, float]]

# Marching squares: case (tl=8, tr=4, br=2, bl=1 inside) -> edge pairs; edges T=0 R=1 B=2 L=3.
# Saddles (5, 10) are listed for "centre outside"; "centre inside" swaps to _SADDLE_JOINED.
_CASES: dict[int, tuple[tuple[int, int], ...]] = {
    1: ((3, 2),),
    2: ((2, 1),),
    3: ((3, 1),),
    4: ((0, 1),),
    5: ((0, 1), (3, 2)),
    6: ((0, 2),),
    7: ((0, 3),),
    8: ((0, 3),),
    9: ((0, 2),),
    10: ((0, 3), (2, 1)),
    11: ((0, 1),),
    12: ((3, 1),),
    13: ((2, 1),),
    14: ((3, 2),),
}
_SADDLE_JOINED = {5: ((0, 3), (2, 1)), 10: ((0, 1), (3, 2))}


def dieline(
    alpha_mask: Image.Image, *, box: Box, offset_mm: float, simplify_mm: float = 0.2
) -> list[Polygon]:
    """Return the outer outlines of the opaque area of ``alpha_mask`` placed in ``box`` (page
    mm), grown by ``offset_mm``, as implicitly closed polygons (holes are not cut)."""
    if box.width <= 0 or box.height <= 0 or offset_mm < 0:
        raise ValueError("dieline needs a positive box and a non-negative offset")
    px_per_mm = min(WORK_PX_PER_MM, MAX_WORK_PX / max(box.width, box.height))
    size = (max(2, round(box.width * px_per_mm)), max(2, round(box.height * px_per_mm)))
    mask = alpha_mask if alpha_mask.mode == "L" else alpha_mask.convert("L")  # no 16 MP copy
    small = mask.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    inside = np.asarray(small) >= ALPHA_THRESHOLD
    if not inside.any():
        return []
    sx, sy = size[0] / box.width, size[1] / box.height  # px per mm on each axis
    pad = math.ceil(offset_mm * max(sx, sy)) + 2
    inside = np.pad(inside, pad)
    # Signed distance to the pixel boundary (half a pixel outside the last opaque centre),
    # in mm so that anisotropic resizing still offsets by the same physical distance.
    sampling = (1 / sy, 1 / sx)
    half = 0.5 / max(sx, sy)
    # Tracing reads the field's sign everywhere but its value only next to the outline (two
    # cell diagonals cover every corner of a cell it crosses): exact distances that far out.
    near = offset_mm + half + 2 * math.hypot(*sampling)
    outside_d = distance_within(inside, near, sampling)
    if offset_mm * min(sx, sy) >= 1.0:
        # The outline lies a pixel or more outside the opaque area: distances inside the
        # artwork cannot move it, so skip their (costly) transform.
        inside_d = np.full(inside.shape, 2 * half)
    else:
        inside_d = distance_within(~inside, near, sampling)
    field = np.where(inside, inside_d - half, half - outside_d) + offset_mm
    loops = _trace(field)
    polygons: list[Polygon] = []
    for loop in _outermost(loops):
        pts = _simplify(loop, simplify_mm * max(sx, sy))
        if len(pts) >= 3:
            xs = box.x + (pts[:, 0] - pad + 0.5) / sx
            ys = box.y + (pts[:, 1] - pad + 0.5) / sy
            polygons.append(
                [(round(float(x), 4), round(float(y), 4)) for x, y in zip(xs, ys, strict=True)]
            )
    return polygons


def _trace(field: np.ndarray) -> list[np.ndarray]:
    """Return the closed zero-level contours of ``field`` as (x, y) pixel-centre coordinates."""
    h, w = field.shape
    pos = field > 0
    tl, tr, br, bl = pos[:-1, :-1], pos[:-1, 1:], pos[1:, 1:], pos[1:, :-1]
    case = tl * 8 + tr * 4 + br * 2 + bl * 1
    centre = (field[:-1, :-1] + field[:-1, 1:] + field[1:, 1:] + field[1:, :-1]) > 0
    ii, jj = np.nonzero((case > 0) & (case < 15))

    def edge_id(i: int, j: int, edge: int) -> int:
        """Number each grid edge once: horizontal edges first, then vertical ones."""
        if edge == 0:
            return i * w + j
        if edge == 2:
            return (i + 1) * w + j
        return h * w + i * w + j + (1 if edge == 1 else 0)

    links: dict[int, list[int]] = {}
    for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
        c = int(case[i, j])
        pairs = _SADDLE_JOINED[c] if c in _SADDLE_JOINED and centre[i, j] else _CASES[c]
        for a, b in pairs:
            ea, eb = edge_id(i, j, a), edge_id(i, j, b)
            links.setdefault(ea, []).append(eb)
            links.setdefault(eb, []).append(ea)
    loops: list[np.ndarray] = []
    seen: set[int] = set()
    for start in links:
        if start in seen:
            continue
        order, prev, cur = [start], -1, start
        seen.add(start)
        while True:
            a, b = links[cur]
            nxt = b if a == prev else a
            if nxt == start or nxt in seen:
                break
            order.append(nxt)
            seen.add(nxt)
            prev, cur = cur, nxt
        if len(order) >= 3:
            loops.append(_points(field, np.array(order)))
    return loops


def _points(field: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Return the interpolated zero crossing on each grid edge in ``ids`` as (x, y)."""
    h, w = field.shape
    horizontal = ids < h * w
    k = np.where(horizontal, ids, ids - h * w)
    i, j = k // w, k % w
    a = field[i, j]
    b = np.where(horizontal, field[i, np.minimum(j + 1, w - 1)], field[np.minimum(i + 1, h - 1), j])
    t = np.clip(a / np.where(a == b, 1e-12, a - b), 0.0, 1.0)
    x = np.where(horizontal, j + t, j)
    y = np.where(horizontal, i, i + t)
    return np.column_stack([x, y]).astype(float)


def _outermost(loops: list[np.ndarray]) -> list[np.ndarray]:
    """Keep loops not inside any other loop: holes and islands in holes need no cut."""
    keep = []
    for n, loop in enumerate(loops):
        px, py = loop[0]
        if not any(m != n and _contains(other, px, py) for m, other in enumerate(loops)):
            keep.append(loop)
    return keep


def _contains(poly: np.ndarray, px: float, py: float) -> bool:
    """Even-odd point-in-polygon test."""
    x, y = poly[:, 0], poly[:, 1]
    x2, y2 = np.roll(x, -1), np.roll(y, -1)
    crosses = (y > py) != (y2 > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        xs = x + (py - y) * (x2 - x) / (y2 - y)
    return bool(np.count_nonzero(crosses & (px < xs)) % 2)


def _simplify(loop: np.ndarray, epsilon: float) -> np.ndarray:
    """Ramer–Douglas–Peucker on a closed loop, split at the point farthest from the start."""
    far = int(np.argmax(((loop - loop[0]) ** 2).sum(axis=1)))
    first = _rdp(loop[: far + 1], epsilon)
    second = _rdp(np.vstack([loop[far:], loop[:1]]), epsilon)
    return np.vstack([first[:-1], second[:-1]])


def _rdp(points: np.ndarray, epsilon: float) -> np.ndarray:
    """Ramer–Douglas–Peucker on an open polyline, iteratively (no recursion limit)."""
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        lo, hi = stack.pop()
        if hi - lo < 2:
            continue
        seg = points[hi] - points[lo]
        rel = points[lo + 1 : hi] - points[lo]
        length = math.hypot(*seg)
        if length == 0:
            dist = np.hypot(rel[:, 0], rel[:, 1])
        else:
            dist = np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / length
        k = int(np.argmax(dist))
        if dist[k] > epsilon:
            mid = lo + 1 + k
            keep[mid] = True
            stack += [(lo, mid), (mid, hi)]
    return points[keep]
