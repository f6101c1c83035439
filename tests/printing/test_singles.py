"""Die-cut singles as a sticker print shop's preflight expects them: one sticker per page,
TrimBox = the cut path's bounding box at the asked size, bleed round it, a closed CutContour
path in the sticker's shape, artwork into the bleed, the credit inside the safe zone, and a
separate credits file naming every artist."""

from __future__ import annotations

import io
import math
import shutil
import subprocess

import numpy as np
import pdfplumber
import pikepdf
import pytest
from PIL import Image

from gallery.printing.engine import raster
from gallery.printing.engine.cutcheck import densify
from gallery.printing.engine.options import Shape
from gallery.printing.engine.pdfscan import Scanner
from gallery.printing.engine.singles import SinglesOptions, plan_singles
from gallery.printing.engine.singles_pdf import render_singles
from tests.printing.icc_kit import cmyk_profile
from tests.printing.render_kit import mm, save_checked, store, works

SIZE = 50.0
TOL = 0.05  # mm
SAFE = 1.5


def _render(tmp_path, shape="rounded", copies=2, **options):
    """Render the five test works as singles; return (sources, singles, path, credits bytes)."""
    storage = store(tmp_path)
    sources = works(storage)
    opts = SinglesOptions(size_mm=SIZE, shape=Shape(shape), cut_offset_mm=2.0, **options)
    singles = plan_singles([(s, copies) for s in sources], opts)
    pdf, credits = render_singles(singles, opts, storage=storage)
    return sources, singles, save_checked(tmp_path, f"singles-{shape}.pdf", pdf), credits


def _box_mm(page, name) -> tuple[float, float, float, float]:
    """Return a page box in mm (x0, y0, x1, y1, PDF orientation)."""
    return tuple(mm(float(v)) for v in page.obj[name])


def _cut(page) -> list[np.ndarray]:
    """Return the page's CutContour subpaths as arrays of mm points (PDF orientation)."""
    scan = Scanner().scan_page(page)
    strokes = [s for s in scan.strokes if s.colorant == "CutContour"]
    assert strokes and all(s.overprint for s in strokes)
    subpaths = [sub for stroke in strokes for sub in stroke.subpaths]
    assert all(sub.closed for sub in subpaths)
    return [np.asarray(sub.points) / (72 / 25.4) for sub in subpaths]


@pytest.mark.parametrize("shape", ["rect", "rounded", "circle"])
def test_one_page_per_copy_with_trim_at_the_cut_and_bleed_round_it(tmp_path, shape):
    """Copies are pages; each TrimBox is its one cut path's bounding box with the longer side
    at the asked size; BleedBox = TrimBox + 2 mm; MediaBox holds the BleedBox."""
    sources, singles, path, _credits = _render(tmp_path, shape)
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 2 * len(sources) == len(singles)
        for page, single in zip(pdf.pages, singles, strict=True):
            trim, bleed, media = (_box_mm(page, n) for n in ("/TrimBox", "/BleedBox", "/MediaBox"))
            (cut,) = _cut(page)
            low, high = cut.min(axis=0), cut.max(axis=0)
            assert np.allclose([*low, *high], trim, atol=TOL), (single.sticker.work_id, trim)
            width, height = trim[2] - trim[0], trim[3] - trim[1]
            assert abs(max(width, height) - SIZE) < TOL
            assert np.allclose(
                bleed, [trim[0] - 2, trim[1] - 2, trim[2] + 2, trim[3] + 2], atol=TOL
            )
            assert media[0] <= bleed[0] and media[1] <= bleed[1]
            assert media[2] >= bleed[2] and media[3] >= bleed[3]
            centre = (low + high) / 2
            radii = np.hypot(*(densify(cut) - centre).T)
            if shape == "circle" and not single.outline:
                assert np.allclose(radii, SIZE / 2, atol=0.1)
            # Nothing but stickers: one artwork per page, no credits page in this file.
            assert len(page.get_images()) == 1


def test_opaque_artwork_covers_the_bleed(tmp_path):
    """The picture of an opaque work is placed over the whole bleed box (no paper edge)."""
    _sources, singles, path, _ = _render(tmp_path, "rect", copies=1)
    with pdfplumber.open(path) as pdf:
        for page, single in zip(pdf.pages, singles, strict=True):
            if single.outline:
                continue
            (image,) = page.images
            assert image["x0"] <= 0.01 and image["top"] <= 0.01
            assert image["x1"] >= float(page.width) - 0.01
            assert image["bottom"] >= float(page.height) - 0.01


def test_transparent_work_is_cut_round_its_outline_with_the_offset(tmp_path):
    """The cut path of a transparent work follows its opaque shape, 2 mm outside it."""
    _sources, singles, path, _ = _render(tmp_path, "rect", copies=1)
    index = next(i for i, s in enumerate(singles) if s.outline)
    with pikepdf.open(path) as pdf:
        page = pdf.pages[index]
        (cut,) = _cut(page)
        assert len(cut) > 12  # a traced shape, not a rectangle
        image = pikepdf.PdfImage(next(iter(page.get_images().values()))).as_pil_image()
    alpha = np.asarray(image.getchannel("A")) >= 128 if image.mode == "RGBA" else None
    with pdfplumber.open(path) as pdf:
        placed = pdf.pages[index].images[0]
        height_mm = mm(float(pdf.pages[index].height))
    assert alpha is not None
    # Every opaque pixel lies inside the cut, about 2 mm from it at the closest.
    ys, xs = np.nonzero(alpha[::4, ::4])
    sx = mm(placed["x1"] - placed["x0"]) / alpha.shape[1] * 4
    sy = mm(placed["bottom"] - placed["top"]) / alpha.shape[0] * 4
    px = mm(placed["x0"]) + xs * sx
    py = height_mm - (mm(placed["top"]) + ys * sy)  # PDF orientation, like the cut
    outline = densify(cut)
    nearest = min(
        float(np.min(np.hypot(outline[:, 0] - x, outline[:, 1] - y)))
        for x, y in zip(px[::7], py[::7], strict=True)
    )
    assert 1.5 < nearest < 2.5


@pytest.mark.parametrize("shape", ["rect", "rounded", "circle"])
def test_credit_lies_inside_the_safe_zone_and_anonymous_works_carry_none(tmp_path, shape):
    """Everything the credit line prints (text and its paper-white backing) is 1.5 mm or more
    inside the cut path, measured on the rendered page; an anonymous work's page has no text."""
    _sources, singles, path, _ = _render(tmp_path, shape, copies=1)
    with pikepdf.open(path) as pdf:
        cuts = [densify(_cut(page)[0]) for page in pdf.pages]
        heights = [mm(float(page.MediaBox[3])) for page in pdf.pages]
        for page in pdf.pages:
            page.Contents.write(page.Contents.read_bytes().replace(b"/Credit Do", b""))
        pdf.save(tmp_path / "without-credits.pdf")
    with pdfplumber.open(path) as pdf:
        texts = [page.extract_text() or "" for page in pdf.pages]
    with_credit = _pages(path, tmp_path / "with")
    without = _pages(tmp_path / "without-credits.pdf", tmp_path / "without")
    for n, single in enumerate(singles):
        ink = np.abs(with_credit[n].astype(int) - without[n].astype(int)) > 24
        if not single.sticker.credit:
            assert texts[n].strip() == "" and not ink.any()
            continue
        assert ink.sum() > 50, single.sticker.credit
        rows, cols = np.nonzero(ink)
        px = 25.4 / DPI
        points = np.column_stack([(cols + 0.5) * px, heights[n] - (rows + 0.5) * px])
        cut = cuts[n]
        for point in points[:: max(1, len(points) // 400)]:
            assert _inside(cut, point), (single.sticker.credit, point)
            assert float(np.min(np.hypot(*(cut - point).T))) >= SAFE - px


DPI = 254  # 0.1 mm pixels


def _pages(pdf_path, prefix) -> list[np.ndarray]:
    """Render every page of a PDF to a grey array (poppler's pdftoppm)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed (Debian package poppler-utils)")
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf_path), str(prefix)], check=True
    )
    files = sorted(prefix.parent.glob(f"{prefix.name}-*.png"))
    pages = []
    for file in files:
        with Image.open(file) as image:
            pages.append(np.asarray(image.convert("L")))
    return pages


def _inside(polygon: np.ndarray, point) -> bool:
    """Even-odd point-in-polygon."""
    x, y = polygon[:, 0], polygon[:, 1]
    x2, y2 = np.roll(x, -1), np.roll(y, -1)
    crosses = (y > point[1]) != (y2 > point[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        at = x + (point[1] - y) * (x2 - x) / (y2 - y)
    return bool(np.count_nonzero(crosses & (point[0] < at)) % 2)


def test_credits_file_names_every_artist_of_the_order(tmp_path):
    """The separate credits PDF lists each work once with its artist (or "Anonymous")."""
    storage = store(tmp_path)
    sources = works(storage)
    options = SinglesOptions(size_mm=SIZE)
    singles = plan_singles([(s, 1) for s in sources], options)
    _pdf, credits = render_singles(singles, options, storage=storage, anonymous_label="Anonymous")
    with pdfplumber.open(io.BytesIO(credits)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    for source in sources:
        assert source.title in text
        if source.credit and source.credit.isascii():
            assert source.credit in text
    assert "Anonymous" in text and text.count("Sunrise") == 1


def test_cmyk_converts_the_art_and_a_second_export_reads_only_the_cache(tmp_path):
    """With ``cmyk`` every raster is press CMYK; the same export again decodes no master and
    traces no outline (the fitted outline is cached beside the raster)."""
    storage = store(tmp_path)
    sources = works(storage)
    options = SinglesOptions(size_mm=40, cmyk=True)
    singles = plan_singles([(s, 1) for s in sources], options)
    icc = cmyk_profile("Test press")
    pdf, _ = render_singles(singles, options, storage=storage, press_icc=icc)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for image in page.get_images().values():
                assert image.ColorSpace == pikepdf.Name.DeviceCMYK
        assert document.Root.OutputIntents[0].DestOutputProfile.read_bytes() == icc
    decoded = raster.decode_count
    again, _ = render_singles(singles, options, storage=storage, press_icc=icc)
    assert raster.decode_count == decoded
    assert again == pdf


def test_singles_options_refuse_what_a_single_cannot_be():
    """A credit under the sticker, an ellipse or a size outside 10…300 mm are refused."""
    for bad in ({"credit": "under"}, {"shape": "ellipse"}, {"size_mm": 5}, {"size_mm": math.inf}):
        with pytest.raises(ValueError):
            SinglesOptions.from_mapping(bad)
