"""Proof by an independent RIP: Ghostscript's ``tiffsep`` device renders each ink as its own
plate, as a print shop's RIP does. The CutContour plate holds exactly the cut paths, and the
process plates (cyan, magenta, yellow, black) are the same with or without the cut paths:
no cut line prints and none knocks a hairline out of the artwork."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image
from scipy import ndimage

from gallery.printing.engine.plan import plan_export
from gallery.printing.engine.render import render_export
from gallery.printing.engine.singles import SinglesOptions, plan_singles
from gallery.printing.engine.singles_pdf import render_singles
from tests.printing.render_kit import builtin_layouts, mm, store, works

DPI = 100
PX_MM = 25.4 / DPI
PROCESS = ("Cyan", "Magenta", "Yellow", "Black")


def separations(pdf: Path, folder: Path) -> list[dict[str, np.ndarray]]:
    """Render ``pdf`` with tiffsep; return per page {ink name: ink coverage 0..255}."""
    if shutil.which("gs") is None:
        pytest.skip("Ghostscript is not installed (Debian package ghostscript)")
    folder.mkdir()
    subprocess.run(
        [
            "gs",
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-dSAFER",
            "-sDEVICE=tiffsep",
            f"-r{DPI}",
            f"-sOutputFile={folder}/p%03d.tif",
            str(pdf),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pages: dict[int, dict[str, np.ndarray]] = {}
    for file in folder.glob("p*(*).tif"):
        number, ink = int(file.name[1:4]), file.name[5:-5]
        with Image.open(file) as plate:
            # tiffsep writes 255 for no ink: turn it into coverage.
            pages.setdefault(number, {})[ink] = 255 - np.asarray(plate.convert("L"), dtype=int)
    return [pages[n] for n in sorted(pages)]


def _without_cuts(pdf: Path, *, overprint: bool = True) -> Path:
    """Return a copy of ``pdf`` with every cut stroke removed (or, with ``overprint=False``,
    kept but knocking out)."""
    out = pdf.with_name(f"{pdf.stem}-{'nocut' if overprint else 'knockout'}.pdf")
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            if not overprint:
                page.Resources.ExtGState.GSCut.OP = False
                page.Resources.ExtGState.GSCut.op = False
                continue
            page.contents_coalesce()
            data = page.Contents.read_bytes()
            start = data.find(b"q\n/GSCut gs")
            if start >= 0:
                end = data.index(b"S\nQ", start) + 3
                page.Contents.write(data[:start] + data[end:])
        document.save(out)
    return out


def _singles_pdf(tmp_path: Path, shape: str) -> Path:
    """Die-cut singles of the test works, one page each."""
    storage = store(tmp_path)
    options = SinglesOptions(size_mm=40, shape=shape)
    singles = plan_singles([(s, 1) for s in works(storage)], options)
    pdf, _credits = render_singles(singles, options, storage=storage)
    path = tmp_path / "singles.pdf"
    path.write_bytes(pdf)
    return path


def _assert_process_plates_hold_no_cut(pdf: Path, tmp_path: Path) -> list[dict]:
    """The process plates are identical with and without the cut strokes; return the plates."""
    plates = separations(pdf, tmp_path / "with")
    bare = separations(_without_cuts(pdf), tmp_path / "without")
    assert len(plates) == len(bare)
    assert plates[0]["CutContour"].max() > 200  # the cut is there to be removed
    for page, other in zip(plates, bare, strict=True):
        assert "CutContour" not in other or other["CutContour"].max() == 0
        for ink in PROCESS:
            assert np.array_equal(page[ink], other[ink]), ink
    # Control: knocking out instead of overprinting shows in the process plates.
    knocked = separations(_without_cuts(pdf, overprint=False), tmp_path / "knockout")
    assert any(
        not np.array_equal(page[ink], other[ink])
        for page, other in zip(knocked, bare, strict=True)
        for ink in PROCESS
    )
    return plates


@pytest.mark.parametrize("shape", ["rect", "circle"])
def test_singles_plates(tmp_path, shape):
    """On every single the CutContour ink traces the TrimBox's shape and nothing else."""
    pdf = _singles_pdf(tmp_path, shape)
    plates = _assert_process_plates_hold_no_cut(pdf, tmp_path)
    with pikepdf.open(pdf) as document:
        trims = [[mm(float(v)) for v in page.TrimBox] for page in document.pages]
        heights = [mm(float(page.MediaBox[3])) for page in document.pages]
    for page, trim, height in zip(plates, trims, heights, strict=True):
        ink = page["CutContour"] > 64
        rows, cols = np.nonzero(ink)
        x, y = (cols + 0.5) * PX_MM, height - (rows + 0.5) * PX_MM  # PDF orientation
        # The ink's extent is the TrimBox: the trim is the cut path's bounding box.
        assert abs(x.min() - trim[0]) < 2 * PX_MM and abs(x.max() - trim[2]) < 2 * PX_MM
        assert abs(y.min() - trim[1]) < 2 * PX_MM and abs(y.max() - trim[3]) < 2 * PX_MM
        # One closed line: a single connected stroke enclosing the sticker's inside.
        assert ndimage.label(ink, structure=np.ones((3, 3)))[1] == 1
        inside = ndimage.binary_fill_holes(ink) & ~ink
        assert inside.sum() > 0.5 * (trim[2] - trim[0]) * (trim[3] - trim[1]) / PX_MM**2


def test_sheet_plates_hold_one_cut_per_sticker(tmp_path):
    """On a print-and-cut sheet the CutContour plate holds one closed cut per sticker, inside
    its label, and the process plates hold no cut line."""
    storage = store(tmp_path)
    layout = builtin_layouts()["silhouette-a4-12-circle-50"]
    sheets = plan_export(layout, [(s, 2) for s in works(storage)], layout.defaults)
    path = tmp_path / "sheet.pdf"
    path.write_bytes(render_export(layout, sheets, layout.defaults, storage=storage))
    plates = _assert_process_plates_hold_no_cut(path, tmp_path)
    ink = plates[0]["CutContour"] > 64
    labels, count = ndimage.label(ink, structure=np.ones((3, 3)))
    placements = sheets[0].placements
    # A transparent work whose art has separate islands is cut round each: count at least one.
    assert count >= len(placements)
    boxes = [p.trim_box.expand(2 * PX_MM) for p in placements]
    holding = set()
    for found in ndimage.find_objects(labels):
        top, left = found[0].start * PX_MM, found[1].start * PX_MM
        bottom, right = found[0].stop * PX_MM, found[1].stop * PX_MM
        inside = [
            n
            for n, b in enumerate(boxes)
            if b.x <= left and b.y <= top and right <= b.right and bottom <= b.bottom
        ]
        assert inside, (left, top, right, bottom)  # no ink outside the stickers' labels
        holding.update(inside)
    assert holding == set(range(len(placements)))  # every sticker has its cut
    opaque = [p for p in placements if not p.sticker.has_alpha]
    for placement in opaque:
        # A label-shaped cut: ink along the label's circle all round.
        box = placement.trim_box
        cx, cy, r = box.center[0] / PX_MM, box.center[1] / PX_MM, box.width / 2 / PX_MM
        for angle in np.linspace(0, 2 * np.pi, 24, endpoint=False):
            row, col = round(cy + r * np.sin(angle) - 0.5), round(cx + r * np.cos(angle) - 0.5)
            assert ink[row - 2 : row + 3, col - 2 : col + 3].any()
    # The credits page carries no ink of the cut.
    assert "CutContour" not in plates[-1] or plates[-1]["CutContour"].max() == 0
