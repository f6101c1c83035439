"""Die-cut outlines traced around transparent artworks."""

from __future__ import annotations

import math
import time

import pytest
from PIL import Image, ImageDraw

from gallery.printing.engine.geometry import Box
from gallery.printing.engine.outline import dieline


def area(polygon) -> float:
    """Return the area enclosed by a polygon (shoelace formula)."""
    return abs(
        sum(
            x0 * y1 - x1 * y0
            for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True)
        )
        / 2
    )


def disc(size=1200, radius=400) -> Image.Image:
    """Return an L-mode mask with a filled, centred disc."""
    mask = Image.new("L", (size, size), 0)
    c = size / 2
    ImageDraw.Draw(mask).ellipse((c - radius, c - radius, c + radius, c + radius), fill=255)
    return mask


@pytest.mark.parametrize("offset", [0.0, 1.5, 3.0])
def test_a_disc_gives_one_circle_grown_by_the_offset(offset):
    """A disc of 20 mm radius in a 60 mm box: one loop of radius 20 + offset, centred."""
    box = Box(30.0, 40.0, 60.0, 60.0)
    (polygon,) = dieline(disc(), box=box, offset_mm=offset)
    r = 20.0 + offset
    assert area(polygon) == pytest.approx(math.pi * r * r, rel=0.03)
    cx, cy = box.center
    distances = [math.hypot(x - cx, y - cy) for x, y in polygon]
    assert min(distances) > r - 0.3 and max(distances) < r + 0.3
    assert 12 <= len(polygon) < 200  # simplified, still round


def test_holes_are_not_cut_but_separate_parts_are():
    """A ring with an island in its hole and a separate dot: the ring and the dot only."""
    mask = disc(1000, 400)
    draw = ImageDraw.Draw(mask)
    draw.ellipse((300, 300, 700, 700), fill=0)  # hole
    draw.ellipse((450, 450, 550, 550), fill=255)  # island in the hole
    draw.rectangle((0, 0, 40, 40), fill=255)  # a separate corner dot
    polygons = dieline(mask, box=Box(0.0, 0.0, 100.0, 100.0), offset_mm=1.0)
    areas = sorted(area(p) for p in polygons)
    assert len(polygons) == 2
    assert areas[1] == pytest.approx(math.pi * 41.0**2, rel=0.03)  # outer edge of the ring
    assert areas[0] < 40.0  # the dot, grown by 1 mm


def test_non_square_boxes_keep_the_physical_offset():
    """An opaque 2:1 image stretched into a 100 × 50 mm box grows 2 mm on every side."""
    mask = Image.new("L", (400, 200), 255)
    (polygon,) = dieline(mask, box=Box(10.0, 10.0, 100.0, 50.0), offset_mm=2.0)
    xs, ys = [x for x, _ in polygon], [y for _, y in polygon]
    assert (min(xs), max(xs), min(ys), max(ys)) == pytest.approx((8, 112, 8, 62), abs=0.2)


def test_fully_transparent_art_has_no_outline():
    """Nothing opaque, nothing to cut."""
    assert dieline(Image.new("L", (100, 100), 0), box=Box(0, 0, 50, 50), offset_mm=1.5) == []


def test_one_sticker_traces_in_well_under_100_ms():
    """A 4000 px artwork on a 90 mm sticker, as the renderer calls it."""
    mask = disc(4000, 1700)
    timings = []
    for _ in range(3):  # best of three: a busy test machine should not fail the check
        start = time.perf_counter()
        dieline(mask, box=Box(0.0, 0.0, 90.0, 90.0), offset_mm=1.5)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.1


@pytest.mark.parametrize("sampling", [(1.0, 1.0), (0.25, 0.2), (0.31, 0.47)])
def test_distances_near_the_shape_are_exactly_scipys(sampling):
    """Outlines and the credit's safe zone measure distances with NumPy alone; within the
    bound they ask for, every distance is SciPy's to the last bit, so no cut path moves."""
    import numpy as np
    from scipy import ndimage

    from gallery.printing.engine.distance import distance_within, runs_down

    rng = np.random.default_rng(7)
    for density in (0.003, 0.05, 0.5):
        shape = rng.random((70, 90)) < density
        shape[3, :] |= density > 0.1  # a full row: a flat edge as well as specks
        limit = 9 * max(sampling)
        expected = ndimage.distance_transform_edt(~shape, sampling=sampling)
        measured = distance_within(shape, limit, sampling)
        near = expected <= limit
        assert np.array_equal(measured[near], expected[near])
        assert (measured[~near] > limit).all()
        usable = rng.random((70, 90)) < 0.9
        band = ndimage.minimum_filter1d(usable.astype(np.uint8), 6, axis=0, origin=-3)
        assert np.array_equal(runs_down(usable, 6), band[: 70 - 6 + 1].astype(bool))


def test_tracing_and_placing_the_credit_leave_scipy_unloaded():
    """A die-cut export that traces outlines stays ~20 MB lighter: SciPy is never imported."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from PIL import Image, ImageDraw\n"
        "from gallery.printing.engine.geometry import Box\n"
        "from gallery.printing.engine.outline import dieline\n"
        "from gallery.printing.engine.singles_fit import credit_box\n"
        "mask = Image.new('L', (400, 300), 0)\n"
        "ImageDraw.Draw(mask).ellipse((40, 30, 360, 270), fill=255)\n"
        "(outline,) = dieline(mask, box=Box(0, 0, 40, 30), offset_mm=2)\n"
        "assert credit_box(outline, 44, 34, line=3, wanted=20, safe=1.5) is not None\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert run.stdout.strip() == "[]"
