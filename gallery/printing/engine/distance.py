"""Exact Euclidean distances near a shape, with NumPy alone.

Outline tracing and the credit line's safe zone only ever ask how far a pixel lies from a
shape when it lies close to it (within the cut offset or the safe zone), so the distance is
computed exactly up to a bound and no further. SciPy's ``ndimage.distance_transform_edt``
gives the same values but importing SciPy costs about 20 MB of memory, which a die-cut singles
export (already holding WeasyPrint and pikepdf) cannot spare.
"""

from __future__ import annotations

import math

import numpy as np


def distance_within(
    feature: np.ndarray, limit: float, sampling: tuple[float, float] = (1.0, 1.0)
) -> np.ndarray:
    """Return each pixel's Euclidean distance to the nearest True pixel of ``feature`` (0 on
    them), with ``sampling`` = (row, column) pixel spacing.

    Exact (the same float64 value as SciPy's ``distance_transform_edt(~feature, sampling)``)
    wherever it is at most ``limit``; larger than ``limit``, but not exact, elsewhere.
    """
    sy, sx = (float(s) for s in sampling)
    h, w = feature.shape
    # Per row, the horizontal offset to the nearest feature pixel on either side.
    cols = np.arange(w)
    left = np.maximum.accumulate(np.where(feature, cols, -w - 1), axis=1)
    right = np.minimum.accumulate(np.where(feature, cols, 3 * w + 1)[:, ::-1], axis=1)[:, ::-1]
    across = np.minimum(cols - left, right - cols).astype(np.float64) * sx
    across *= across
    across[~feature.any(axis=1)] = np.inf  # a row without any feature pixel
    # The nearest feature pixel lies in some row within ``limit`` of this one: the smallest
    # (dy·sy)² + (dx·sx)² over those rows is the squared distance, summed as SciPy sums it.
    cap = (2.0 * limit + 2.0 * max(sx, sy)) ** 2  # "far": beyond the limit, finite
    best = np.minimum(across, cap)
    for dy in range(1, min(h - 1, math.floor(limit / sy) + 1) + 1):
        step = (dy * sy) ** 2
        np.minimum(best[dy:], step + across[:-dy], out=best[dy:])
        np.minimum(best[:-dy], step + across[dy:], out=best[:-dy])
    return np.sqrt(best)


def runs_down(mask: np.ndarray, rows: int) -> np.ndarray:
    """Return where ``rows`` consecutive rows of ``mask`` are all set, starting at each row:
    element [top, x] is True when ``mask[top : top + rows, x]`` is all True."""
    counts = np.zeros((mask.shape[0] + 1, mask.shape[1]), dtype=np.int32)
    np.cumsum(mask, axis=0, out=counts[1:])
    return (counts[rows:] - counts[:-rows]) == rows
