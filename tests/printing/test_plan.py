"""Sheet planning: which sticker goes where, how big, how sharp, with which credit."""

from __future__ import annotations

import pytest

from gallery.printing.engine.geometry import Box, Grid, Layout
from gallery.printing.engine.options import CreditPlacement, ExportOptions, Fit, Mode, Shape
from gallery.printing.engine.plan import StickerSource, plan_export


def sticker(work_id=1, w=1000, h=1000, *, alpha=False, credit="Ann Artist") -> StickerSource:
    """Return a sticker source with the given pixel size."""
    return StickerSource(work_id, f"works/{work_id}.png", w, h, alpha, credit, f"Work {work_id}")


def sheet(
    columns=2, rows=3, *, w=60.0, h=40.0, gap=10.0, shape=Shape.RECT, mode=Mode.PLAIN
) -> Layout:
    """Return an A4 layout of w × h labels with ``gap`` mm between them, 20 mm margins."""
    return Layout(
        id="t",
        name="Test",
        page_size="A4",
        page_width=210.0,
        page_height=297.0,
        shape=shape,
        label_width=w,
        label_height=h,
        corner_radius=0.0,
        grids=(Grid(columns, rows, 20.0, 20.0, w + gap, h + gap),),
        mode=mode,
        defaults=ExportOptions(),
    )


def ids(plans) -> list[list[int]]:
    """Return the work ids on each sheet in cell order."""
    return [[p.sticker.work_id for p in plan.placements] for plan in plans]


def test_copies_fill_cells_in_order_and_spill_onto_new_sheets():
    """3 + 5 copies on a 6-label sheet: designs mix on sheet 1, the rest go to sheet 2."""
    plans = plan_export(sheet(), [(sticker(1), 3), (sticker(2), 5)], ExportOptions())
    assert ids(plans) == [[1, 1, 1, 2, 2, 2], [2, 2]]
    assert [p.cell.index for p in plans[1].placements] == [0, 1]
    assert [plan.index for plan in plans] == [0, 1]


def test_start_at_skips_used_labels_on_the_first_sheet_only():
    """start_at=5 leaves labels 1-4 of sheet 1 alone; sheet 2 starts at label 1."""
    plans = plan_export(sheet(), [(sticker(1), 4)], ExportOptions(start_at=5))
    assert [p.cell.index for p in plans[0].placements] == [4, 5]
    assert [p.cell.index for p in plans[1].placements] == [0, 1]


def test_fill_repeats_designs_round_robin_until_the_last_sheet_is_full():
    """fill=True tops up the last sheet with the designs in turn."""
    plans = plan_export(sheet(), [(sticker(1), 2), (sticker(2), 1)], ExportOptions(), fill=True)
    assert ids(plans) == [[1, 1, 2, 1, 2, 1]]
    full = plan_export(sheet(), [(sticker(1), 6)], ExportOptions(), fill=True)
    assert ids(full) == [[1] * 6]  # already full: nothing added, no extra sheet
    late = plan_export(sheet(), [(sticker(1), 1)], ExportOptions(start_at=4), fill=True)
    assert [p.cell.index for p in late[0].placements] == [3, 4, 5]


@pytest.mark.parametrize(
    ("items", "options", "message"),
    [
        ([], ExportOptions(), "nothing to print"),
        ([(sticker(), 0)], ExportOptions(), "copies"),
        ([(sticker(), 1)], ExportOptions(start_at=7), "start_at"),
        ([(sticker(), 10_000)], ExportOptions(), "sheets"),
    ],
)
def test_bad_requests_raise_value_error(items, options, message):
    """Empty input, zero copies, start_at past the sheet and runaway sheet counts are refused."""
    with pytest.raises(ValueError, match=message):
        plan_export(sheet(), items, options)


def test_landscape_art_on_a_portrait_label_is_rotated_and_fills_more():
    """A 3:1 artwork on a 40 × 60 mm label turns 90° and its footprint becomes portrait."""
    portrait = sheet(w=40.0, h=60.0)
    (place,) = plan_export(portrait, [(sticker(w=3000, h=1000), 1)], ExportOptions())[0].placements
    assert place.rotated
    assert place.art_box.height > place.art_box.width
    assert place.art_box.height == pytest.approx(60.0 + 2 * 1.5)  # whole bleed-extended height
    assert place.image_px[1] > place.image_px[0]  # pre-rendered already turned
    (square,) = plan_export(portrait, [(sticker(w=1000, h=1000), 1)], ExportOptions())[0].placements
    assert not square.rotated


def test_contain_shows_the_whole_artwork_and_cover_fills_the_bleed():
    """CONTAIN fits inside cell + bleed; COVER covers it and overflows on one axis."""
    lay = sheet(w=60.0, h=40.0)
    art = sticker(w=1000, h=1000)
    contain = plan_export(lay, [(art, 1)], ExportOptions(fit=Fit.CONTAIN))[0].placements[0]
    cover = plan_export(lay, [(art, 1)], ExportOptions(fit=Fit.COVER))[0].placements[0]
    clip = contain.clip_box
    assert (clip.width, clip.height) == pytest.approx((63.0, 43.0))
    assert (contain.art_box.width, contain.art_box.height) == pytest.approx((43.0, 43.0))
    assert contain.art_box.center == pytest.approx(clip.center)
    assert (cover.art_box.width, cover.art_box.height) == pytest.approx((63.0, 63.0))
    assert cover.art_box.y < clip.y and cover.art_box.bottom > clip.bottom


def test_transparent_art_is_never_cropped_even_when_cover_is_asked_for():
    """Transparent works fall back to CONTAIN, inside the label (and the cut offset)."""
    lay = sheet(w=60.0, h=40.0)
    art = sticker(w=1000, h=1000, alpha=True)
    place = plan_export(lay, [(art, 1)], ExportOptions(fit=Fit.COVER))[0].placements[0]
    assert place.art_box.width == pytest.approx(40.0)
    assert _inside(place.art_box, place.trim_box)
    cut = ExportOptions(fit=Fit.COVER, cut_lines=True, cut_offset_mm=2.0)
    diecut = plan_export(lay, [(art, 1)], cut)[0].placements[0]
    assert diecut.art_box.width == pytest.approx(36.0)  # 2 mm for the die line on each side
    tiny = sheet(w=12.0, h=12.0, shape=Shape.CIRCLE)
    dot = plan_export(tiny, [(art, 1)], cut.replace(cut_offset_mm=10.0))[0].placements[0]
    assert dot.art_box.width == pytest.approx(6.0)  # the offset never eats the whole label


def test_bleed_never_reaches_a_neighbouring_label():
    """Label stock with 2 mm gaps: a 3 mm bleed is cut to 1 mm between labels."""
    lay = sheet(w=60.0, h=40.0, gap=2.0, mode=Mode.LABELS)
    first, second = plan_export(lay, [(sticker(), 2)], ExportOptions(bleed_mm=3))[0].placements
    assert first.clip_box.x == pytest.approx(20.0 - 3.0)  # page side: full bleed
    assert first.clip_box.right == pytest.approx(80.0 + 1.0)
    assert second.clip_box.x == pytest.approx(82.0 - 1.0)
    assert not first.clip_box.overlaps(second.clip_box, eps=1e-9)


def test_credit_on_sits_inside_the_cell_near_the_bottom():
    """ON: a line within the label, in its lower part."""
    place = plan_export(sheet(), [(sticker(), 1)], ExportOptions())[0].placements[0]
    box, trim = place.credit_box, place.trim_box
    assert box is not None and _inside(box, trim)
    assert box.y > trim.y + trim.height / 2
    assert trim.bottom - box.bottom < 3.0


def test_credit_on_a_circle_stays_inside_the_circle():
    """All four corners of the credit line lie inside a round label."""
    lay = sheet(w=50.0, h=50.0, shape=Shape.CIRCLE)
    box = plan_export(lay, [(sticker(), 1)], ExportOptions())[0].placements[0].credit_box
    cx, cy, r = 20.0 + 25.0, 20.0 + 25.0, 25.0
    for x, y in ((box.x, box.y), (box.right, box.y), (box.x, box.bottom), (box.right, box.bottom)):
        assert (x - cx) ** 2 + (y - cy) ** 2 < r**2
    assert box.width > 20.0


def test_credit_under_is_directly_below_the_cell_and_off_or_anonymous_means_none():
    """UNDER: just below the bleed; OFF and anonymous artists get no credit box."""
    opts = ExportOptions(credit=CreditPlacement.UNDER)
    place = plan_export(sheet(), [(sticker(), 1)], opts)[0].placements[0]
    box, clip = place.credit_box, place.clip_box
    assert box.y >= clip.bottom and box.y - clip.bottom < 1.0
    assert (box.x, box.width) == pytest.approx((place.trim_box.x, place.trim_box.width))
    off = plan_export(sheet(), [(sticker(), 1)], ExportOptions(credit=CreditPlacement.OFF))
    anonymous = plan_export(sheet(), [(sticker(credit=None), 1)], ExportOptions())
    assert off[0].placements[0].credit_box is None
    assert anonymous[0].placements[0].credit_box is None


def test_credit_under_on_gapless_labels_is_refused():
    """No room under a label on gapless stock: say so instead of printing on the next one."""
    lay = sheet(gap=0.0, mode=Mode.LABELS)
    with pytest.raises(ValueError, match="credit"):
        plan_export(lay, [(sticker(), 1)], ExportOptions(credit=CreditPlacement.UNDER, bleed_mm=0))


def test_low_resolution_is_flagged_against_min_dpi():
    """600 px across 63 mm is ~242 dpi: fine at min 200, low at min 300."""
    art = sticker(w=600, h=600)
    lenient = ExportOptions(fit=Fit.COVER, min_dpi=200)
    strict = ExportOptions(fit=Fit.COVER, min_dpi=300)
    ok = plan_export(sheet(), [(art, 1)], lenient)[0].placements[0]
    low = plan_export(sheet(), [(art, 1)], strict)[0].placements[0]
    assert ok.effective_dpi == pytest.approx(600 / (63.0 / 25.4))
    assert not ok.low_resolution and low.low_resolution
    assert low.image_px == (600, 600)  # never upscaled beyond the source


def test_image_px_is_the_art_size_at_the_export_dpi():
    """A large source is pre-rendered at options.dpi for its printed size, not at full size."""
    art = sticker(w=4000, h=4000)
    place = plan_export(sheet(), [(art, 1)], ExportOptions(dpi=300))[0].placements[0]
    assert place.image_px == (round(43.0 / 25.4 * 300),) * 2


def test_calibration_moves_and_scales_every_box():
    """offset/scale apply to art, clip, trim and credit boxes alike."""
    art = [(sticker(), 1)]
    base = plan_export(sheet(), art, ExportOptions())[0].placements[0]
    opts = ExportOptions(offset_x_mm=1.5, offset_y_mm=-2.0, scale=0.98)
    moved = plan_export(sheet(), art, opts)[0].placements[0]
    for name in ("art_box", "clip_box", "trim_box", "credit_box"):
        a, b = getattr(base, name), getattr(moved, name)
        assert b.x == pytest.approx(a.x * 0.98 + 1.5), name
        assert b.y == pytest.approx(a.y * 0.98 - 2.0), name
        assert b.width == pytest.approx(a.width * 0.98), name
    assert moved.effective_dpi == pytest.approx(base.effective_dpi)  # paper size unchanged


def _inside(inner: Box, outer: Box) -> bool:
    """Tell whether ``inner`` lies within ``outer`` (1 µm tolerance)."""
    return inner.inside(outer, 0.001)
