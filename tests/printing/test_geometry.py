"""Sheet geometry: cell order, gaps, calibration and printer's marks."""

from __future__ import annotations

import pytest

from gallery.printing.engine.geometry import Box, Grid, Layout, Registration, page_marks
from gallery.printing.engine.options import ExportOptions, Mode, Shape


def layout(grids, *, w=50.0, h=30.0, mode=Mode.PLAIN, page=(210.0, 297.0), **kw) -> Layout:
    """Return a small test layout."""
    return Layout(
        id="t",
        name="T",
        page_size="A4",
        page_width=page[0],
        page_height=page[1],
        shape=Shape.RECT,
        label_width=w,
        label_height=h,
        corner_radius=0.0,
        grids=tuple(grids),
        mode=mode,
        defaults=ExportOptions(),
        **kw,
    )


def test_cells_follow_glabels_order_grid_by_grid_row_major():
    """Each grid in order, rows top to bottom, columns left to right within a row."""
    lay = layout([Grid(2, 2, 10, 20, 60, 40), Grid(1, 2, 10, 120, 0, 35)])
    boxes = [(c.index, c.box.x, c.box.y) for c in lay.cells()]
    assert boxes == [
        (0, 10, 20),
        (1, 70, 20),
        (2, 10, 60),
        (3, 70, 60),
        (4, 10, 120),
        (5, 10, 155),
    ]
    assert lay.labels_per_sheet == 6
    assert all(c.box.width == 50 and c.box.height == 30 for c in lay.cells())


def test_gaps_are_the_smallest_distance_between_neighbours():
    """gap_x/gap_y measure neighbours; max bleed is half the smaller one."""
    lay = layout([Grid(3, 4, 20, 20, 56, 33)])
    assert lay.gap_x == pytest.approx(6.0)
    assert lay.gap_y == pytest.approx(3.0)
    assert lay.max_bleed == pytest.approx(1.5)


def test_gap_without_neighbours_is_twice_the_page_margin():
    """A single label's 'gap' is bounded by the page edge, so bleed stays on the page."""
    lay = layout([Grid(1, 1, 4, 100, 0, 0)])
    assert lay.gap_x == pytest.approx(8.0)
    assert lay.max_bleed == pytest.approx(4.0)


def test_calibration_scales_about_the_origin_then_offsets():
    """p' = p * scale + offset, for every corner of a box."""
    opts = ExportOptions(scale=1.02, offset_x_mm=-1.0, offset_y_mm=0.5)
    box = Box(100.0, 200.0, 50.0, 10.0).calibrated(opts)
    assert (box.x, box.y, box.width, box.height) == pytest.approx((101.0, 204.5, 51.0, 10.2))


def test_no_marks_unless_asked_for():
    """Default options draw neither crop nor registration marks."""
    marks = page_marks(layout([Grid(2, 2, 20, 20, 80, 60)]), ExportOptions())
    assert marks.crop == () and marks.registration == ()


def test_crop_marks_sit_on_trim_lines_outside_all_artwork():
    """Every cell corner gets marks on its edge lines; none touches any bleed area."""
    lay = layout([Grid(2, 3, 20, 20, 80, 60)])
    bleed = 2.0
    marks = page_marks(lay, ExportOptions(crop_marks=True, bleed_mm=bleed))
    assert marks.crop
    bleed_boxes = [c.box.expand(bleed) for c in lay.cells()]
    for seg in marks.crop:
        assert seg.x1 == seg.x2 or seg.y1 == seg.y2  # axis-parallel
        for b in bleed_boxes:
            for t in (0.0, 0.5, 1.0):
                x = seg.x1 + t * (seg.x2 - seg.x1)
                y = seg.y1 + t * (seg.y2 - seg.y1)
                assert not (b.x < x < b.right and b.y < y < b.bottom), seg
        assert min(seg.x1, seg.x2) >= 0
        assert max(seg.x1, seg.x2) <= lay.page_width
    xs = {seg.x1 for seg in marks.crop if seg.x1 == seg.x2}
    ys = {seg.y1 for seg in marks.crop if seg.y1 == seg.y2}
    assert {20, 70, 100, 150} <= xs  # left and right edges of both columns
    assert {20, 50, 80, 110, 140, 170} <= ys


def test_marks_follow_printer_calibration():
    """Shifting and scaling the print moves the marks with it."""
    lay = layout([Grid(1, 1, 50, 50, 0, 0)], mode=Mode.PRINT_AND_CUT)
    plain = page_marks(lay, ExportOptions(crop_marks=True, registration_marks=True))
    moved = page_marks(
        lay,
        ExportOptions(crop_marks=True, registration_marks=True, offset_x_mm=2, scale=1.01),
    )
    assert len(plain.crop) == len(moved.crop) > 0
    for a, b in zip(plain.crop, moved.crop, strict=True):
        assert b.x1 == pytest.approx(a.x1 * 1.01 + 2) and b.y1 == pytest.approx(a.y1 * 1.01)
    for a, b in zip(plain.registration, moved.registration, strict=True):
        assert b.x == pytest.approx(a.x * 1.01 + 2) and b.width == pytest.approx(a.width * 1.01)


def test_registration_marks_are_a_square_and_two_l_corners_inset_from_the_edges():
    """Silhouette-style marks: square top-left, L top-right and bottom-left."""
    reg = Registration(inset=10, length=20, thickness=0.5, square=5)
    lay = layout([Grid(1, 1, 50, 50, 0, 0)], mode=Mode.PRINT_AND_CUT, registration=reg)
    boxes = page_marks(lay, ExportOptions(registration_marks=True)).registration
    assert len(boxes) == 5
    assert (boxes[0].x, boxes[0].y, boxes[0].width, boxes[0].height) == (10, 10, 5, 5)
    assert max(b.right for b in boxes) == pytest.approx(200.0)
    assert max(b.bottom for b in boxes) == pytest.approx(287.0)
    assert not any(b.right > 180 and b.bottom > 267 for b in boxes)  # bottom-right stays free
