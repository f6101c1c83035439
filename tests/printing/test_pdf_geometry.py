"""What the printer and the cutter read from the PDF: page boxes, marks, cut paths, colour."""

from __future__ import annotations

import io

import pdfplumber
import pikepdf
import pytest
from PIL import ImageCms

from gallery.printing.engine.geometry import page_marks
from gallery.printing.engine.options import Mode
from gallery.printing.engine.pdfx import default_profile_path
from gallery.printing.engine.plan import plan_export
from gallery.printing.engine.render import render_export
from tests.printing.icc_kit import cmyk_profile
from tests.printing.render_kit import (
    TOL_MM,
    builtin_layouts,
    mm,
    pt,
    save_checked,
    store,
    works,
)

PRINT_AND_CUT = "silhouette-a4-12-circle-50"
PLAIN = "plain-a4-8-circle-60"
LABELS = "avery-l7163"


def _render(tmp_path, layout, options, *, name="out.pdf", opaque_only=False, **kw):
    """Plan the test works on ``layout`` and render them; return (sheets, path)."""
    storage = store(tmp_path)
    sources = works(storage)
    if opaque_only:
        sources = [s for s in sources if not s.has_alpha]
    sheets = plan_export(layout, [(s, 2) for s in sources], options)
    data = render_export(layout, sheets, options, storage=storage, title="Sheet", **kw)
    return sheets, save_checked(tmp_path, name, data)


def _cut_subpaths(page: pikepdf.Page) -> tuple[list[list[tuple[float, float]]], list[str], float]:
    """Return the control points of each cut subpath, the operators used, and the line width."""
    subpaths: list[list[tuple[float, float]]] = []
    operators: list[str] = []
    width = None
    cutting = False
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "CS" and operands and str(operands[0]) == "/CSCut":
            cutting = True
        elif cutting and op == "w":
            width = float(operands[0])
        elif cutting and op == "m":
            subpaths.append([(float(operands[0]), float(operands[1]))])
        elif cutting and op in ("l", "c"):
            values = [float(v) for v in operands]
            subpaths[-1] += list(zip(values[::2], values[1::2], strict=True))
            operators.append(op)
        elif cutting and op == "re":
            x, y, w, h = (float(v) for v in operands)
            subpaths.append([(x, y), (x + w, y + h)])
            operators.append(op)
        elif cutting and op == "S":
            break
    return subpaths, operators, width


def _bbox_mm(points, page_height_pt: float) -> tuple[float, float, float, float]:
    """Return (x0, top, x1, bottom) in page mm of PDF points (y up)."""
    xs = [p[0] for p in points]
    ys = [page_height_pt - p[1] for p in points]
    return (mm(min(xs)), mm(min(ys)), mm(max(xs)), mm(max(ys)))


def _colour(value) -> tuple[float, ...]:
    """Normalise a pdfplumber colour (a number for grey, else a sequence) to a tuple."""
    return tuple(float(v) for v in value) if isinstance(value, list | tuple) else (float(value),)


def _close(a, b, tol: float = TOL_MM) -> bool:
    """Tell whether two boxes agree within ``tol`` mm on every edge."""
    return max(abs(x - y) for x, y in zip(a, b, strict=True)) < tol


@pytest.mark.parametrize("layout_id", [LABELS, PLAIN, PRINT_AND_CUT])
def test_page_boxes_are_the_sheet(tmp_path, layout_id):
    """MediaBox = TrimBox = BleedBox = the physical sheet, on every page; no CropBox."""
    layout = builtin_layouts()[layout_id]
    _, path = _render(tmp_path, layout, layout.defaults)
    sheet = [0.0, 0.0, pt(layout.page_width), pt(layout.page_height)]
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for name in ("/MediaBox", "/TrimBox", "/BleedBox"):
                box = [float(v) for v in page.obj[name]]
                assert max(abs(a - b) for a, b in zip(box, sheet, strict=True)) < pt(TOL_MM)
            assert "/CropBox" not in page.obj


def test_crop_marks_match_the_geometry(tmp_path):
    """Plain paper: every crop mark is a ≥ 3 mm black 0.25 pt line, outside all artwork."""
    layout = builtin_layouts()[PLAIN]
    options = layout.defaults.replace(crop_marks=True)
    sheets, path = _render(tmp_path, layout, options)
    want = {
        tuple(
            round(v, 1)
            for v in (min(s.x1, s.x2), min(s.y1, s.y2), max(s.x1, s.x2), max(s.y1, s.y2))
        )
        for s in page_marks(layout, options).crop
    }
    assert want
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        lines = [ln for ln in page.lines if abs(ln["linewidth"] - 0.25) < 0.01]
        got = {
            tuple(round(mm(v), 1) for v in (ln["x0"], ln["top"], ln["x1"], ln["bottom"]))
            for ln in lines
        }
        assert got == want
        for line in lines:
            assert mm(max(line["width"], line["height"])) >= 3.0
            assert _colour(line["stroking_color"]) == (0.0,)
            for placement in sheets[0].placements:
                clip = placement.clip_box
                crosses = (
                    mm(line["x0"]) < clip.right - 0.01
                    and mm(line["x1"]) > clip.x + 0.01
                    and mm(line["top"]) < clip.bottom - 0.01
                    and mm(line["bottom"]) > clip.y + 0.01
                )
                assert not crosses


def test_label_stock_has_no_marks_and_no_cut_paths(tmp_path):
    """Pre-cut labels need neither marks nor a cut contour."""
    layout = builtin_layouts()[LABELS]
    _, path = _render(tmp_path, layout, layout.defaults)
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        assert "/CSCut" not in page.Resources.get("/ColorSpace", {})
        assert _cut_subpaths(page)[0] == []
    with pdfplumber.open(path) as pdf:
        assert not pdf.pages[0].lines


@pytest.mark.parametrize("name", ["CutContour", "Thru-cut"])
def test_cut_contour_follows_every_label(tmp_path, name):
    """Print-and-cut: one 0.25 pt path per sticker, in a Separation named as asked, on the trim."""
    layout = builtin_layouts()[PRINT_AND_CUT]
    options = layout.defaults.replace(cut_colour_name=name, offset_x_mm=0.8, offset_y_mm=-0.4)
    sheets, path = _render(tmp_path, layout, options, opaque_only=True)
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        space = page.Resources.ColorSpace.CSCut
        assert str(space[0]) == "/Separation" and str(space[1]) == f"/{name}"
        assert str(space[2]) == "/DeviceCMYK"
        assert [float(v) for v in space[3].C1] == [0, 1, 0, 0]  # shows as 100 % magenta
        assert bool(page.Resources.ExtGState.GSCut.OP) is True
        subpaths, operators, width = _cut_subpaths(page)
        height = float(page.MediaBox[3])
    assert width == pytest.approx(0.25)
    assert set(operators) <= {"l", "c"} and "c" in operators  # circles are Bézier curves
    got = sorted(_bbox_mm(points, height) for points in subpaths)
    want = sorted(
        (p.trim_box.x, p.trim_box.y, p.trim_box.right, p.trim_box.bottom)
        for p in sheets[0].placements
    )
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert _close(g, w), (g, w)


def test_transparent_works_are_cut_along_their_outline(tmp_path):
    """A transparent artwork gets a traced die line around the art, not the label circle."""
    layout = builtin_layouts()[PRINT_AND_CUT]
    options = layout.defaults
    storage = store(tmp_path)
    blob = next(s for s in works(storage) if s.has_alpha)
    sheets = plan_export(layout, [(blob, 1)], options)
    data = render_export(layout, sheets, options, storage=storage)
    path = save_checked(tmp_path, "blob.pdf", data)
    with pikepdf.open(path) as pdf:
        subpaths, operators, _ = _cut_subpaths(pdf.pages[0])
        height = float(pdf.pages[0].MediaBox[3])
    placement = sheets[0].placements[0]
    assert len(subpaths) == 1 and set(operators) == {"l"}
    x0, top, x1, bottom = _bbox_mm(subpaths[0], height)
    art = placement.art_box
    grown = art.expand(options.cut_offset_mm + 0.3)
    assert grown.x <= x0 and x1 <= grown.right and grown.y <= top and bottom <= grown.bottom
    # The blob fills 80 % of its art box; the die line hugs it at the offset, inside the label.
    assert x1 - x0 < placement.trim_box.width


def test_registration_marks_match_the_geometry(tmp_path):
    """Print-and-cut sheets carry the cutter's filled black registration marks."""
    layout = builtin_layouts()[PRINT_AND_CUT]
    options = layout.defaults
    _, path = _render(tmp_path, layout, options)
    want = sorted((b.x, b.y, b.right, b.bottom) for b in page_marks(layout, options).registration)
    assert layout.mode is Mode.PRINT_AND_CUT and want
    with pdfplumber.open(path) as pdf:
        rects = [r for r in pdf.pages[0].rects if r["fill"] and not r["stroke"]]
        # Other filled rects are the paper-white backings of credit lines.
        black = [r for r in rects if _colour(r["non_stroking_color"]) in ((0.0,), (0.0, 0.0, 0.0))]
        got = sorted((mm(r["x0"]), mm(r["top"]), mm(r["x1"]), mm(r["bottom"])) for r in black)
        colours = {_colour(r["non_stroking_color"]) for r in black}
        assert len(pdf.pages) == 2
        assert not [r for r in pdf.pages[-1].rects if r["fill"]]  # credits page: no marks
    assert len(got) == len(want)
    assert all(_close(g, w) for g, w in zip(got, want, strict=True))
    assert colours == {(0.0,)}  # DeviceGray black: pure K on a press


def test_pdfx_output_intent_is_the_shipped_cmyk_characterisation(tmp_path):
    """By default the output intent is GTS_PDFX with the shipped FOGRA39 CMYK profile, and RGB
    art stays RGB, tagged sRGB (never device RGB)."""
    layout = builtin_layouts()[LABELS]
    _, path = _render(tmp_path, layout, layout.defaults)
    with pikepdf.open(path) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFX
        profile = intent.DestOutputProfile
        assert int(profile.N) == 4
        icc = ImageCms.ImageCmsProfile(io.BytesIO(profile.read_bytes()))
        assert icc.profile.xcolor_space.strip() == "CMYK"
        assert profile.read_bytes() == default_profile_path().read_bytes()
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        images = list(pdf.pages[0].get_images().values())
        assert images
        for image in images:
            assert image.ColorSpace[0] == pikepdf.Name.ICCBased
            assert int(image.ColorSpace[1].N) == 3


def test_cmyk_converts_images_to_the_press_profile(tmp_path):
    """With ``cmyk`` and a shop's own profile, every raster is CMYK and that is the intent."""
    layout = builtin_layouts()[PRINT_AND_CUT]
    icc = cmyk_profile("Test press")
    _, path = _render(tmp_path, layout, layout.defaults.replace(cmyk=True), press_icc=icc)
    with pikepdf.open(path) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert int(intent.DestOutputProfile.N) == 4
        assert intent.DestOutputProfile.read_bytes() == icc
        assert str(intent.OutputConditionIdentifier) == "Custom"
        assert str(intent.Info) == "Test press"
        images = list(pdf.pages[0].get_images().values())
        assert images
        for image in images:
            assert str(image.ColorSpace) == "/DeviceCMYK"
        # The transparent work still gets its traced die line.
        _, operators, _ = _cut_subpaths(pdf.pages[0])
        assert "l" in operators and "c" in operators
