"""Helpers shared by the print rendering tests: fake works, layouts and PDF read-back."""

from __future__ import annotations

import io
import shutil
import subprocess
import warnings
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image, ImageDraw

from gallery.printing.engine.geometry import Grid, Layout
from gallery.printing.engine.layouts import builtin_dir, load_layouts
from gallery.printing.engine.options import ExportOptions, Mode, Shape
from gallery.printing.engine.plan import StickerSource
from gallery.storage.store import LocalStorage

# WeasyPrint warns at import when the system lacks libharfbuzz-subset (it then subsets fonts
# with fontTools); that is an install note, not a test failure under filterwarnings=error.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import weasyprint  # noqa: F401

PT = 72 / 25.4  # points per mm
TOL_MM = 0.1


def pt(mm: float) -> float:
    """Convert millimetres to points."""
    return mm * PT


def mm(points: float) -> float:
    """Convert points to millimetres."""
    return points / PT


def jpeg_master(size: tuple[int, int], colour=(240, 190, 20), **save) -> bytes:
    """Return an opaque JPEG 'photo': a colour field with a blue disc and a red top-left mark."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w // 8, h // 8, w - w // 8, h - h // 8), fill=(20, 40, 220))
    draw.rectangle((0, 0, w // 4, h // 4), fill=(230, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, **save)
    return out.getvalue()


def png_master(size: tuple[int, int], *, alpha: bool = True) -> bytes:
    """Return a PNG artwork; with ``alpha`` a green blob on a transparent background."""
    w, h = size
    image = Image.new("RGBA" if alpha else "RGB", size, (0, 0, 0, 0) if alpha else (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((w // 10, h // 10, w - w // 10, h - h // 10), fill=(30, 160, 60, 255))
    draw.rectangle((0, 0, w // 4, h // 4), fill=(230, 0, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def store(tmp_path: Path) -> LocalStorage:
    """Return an empty file store in the test's folder."""
    return LocalStorage(tmp_path / "store")


def works(storage: LocalStorage) -> list[StickerSource]:
    """Store five masters and return their sources (Latin, Cyrillic, Arabic, HTML, anonymous)."""
    specs = [
        (1, "works/photoAAA.jpg", jpeg_master((1600, 1000)), False, "Jane Doe", "Sunrise"),
        (2, "works/blobBBB.png", png_master((900, 1200)), True, "Иван Петров", "Солидарность"),
        (3, "works/photoCCC.jpg", jpeg_master((1000, 1000)), False, "محمد سعيد", "Olive"),
        (4, "works/photoDDD.jpg", jpeg_master((800, 1200)), False, "<b>Bold</b> & Co", "Tag"),
        (5, "works/photoEEE.jpg", jpeg_master((1200, 900)), False, None, "Nameless"),
    ]
    sources = []
    for work_id, key, data, alpha, credit, title in specs:
        storage.write(key, data)
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        sources.append(StickerSource(work_id, key, width, height, alpha, credit, title))
    return sources


def builtin_layouts() -> dict:
    """Return the built-in layouts shipped in print_layouts/."""
    return load_layouts(builtin_dir())


def spaced_layout(shape: str = "rect", mode: str = "plain", **defaults) -> Layout:
    """Return an A4 layout of 3 × 4 stickers 50 × 40 mm with wide gaps (room for credits)."""
    options = ExportOptions(bleed_mm=1.5, crop_marks=mode == "plain", **defaults)
    diameter = shape in ("circle",)
    return Layout(
        id=f"test-{shape}-{mode}",
        name=f"Test {shape} {mode}",
        page_size="A4",
        page_width=210.0,
        page_height=297.0,
        shape=Shape(shape),
        label_width=50.0,
        label_height=50.0 if diameter else 40.0,
        corner_radius=4.0 if shape == "rounded" else 0.0,
        grids=(Grid(columns=3, rows=4, x0=22.0, y0=24.0, dx=60.0, dy=65.0),),
        mode=Mode(mode),
        defaults=options,
    )


def qpdf_check(path: Path) -> None:
    """Assert ``qpdf --check`` accepts the PDF (skip only when qpdf is not installed)."""
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed (Debian package qpdf): cannot run qpdf --check")
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def save_checked(tmp_path: Path, name: str, data: bytes) -> Path:
    """Write a PDF produced by a test and check it with qpdf."""
    path = tmp_path / name
    path.write_bytes(data)
    qpdf_check(path)
    return path


def assert_matches_plan(path: Path, layout, sheets, options) -> None:
    """Check page size, every image box and every credit line against the plan."""
    with pdfplumber.open(path) as pdf:
        extra = 1 if options.credits_page else 0
        assert len(pdf.pages) == len(sheets) + extra
        for page, sheet in zip(pdf.pages, sheets, strict=False):
            assert abs(mm(page.width) - layout.page_width) < TOL_MM
            assert abs(mm(page.height) - layout.page_height) < TOL_MM
            images = sorted(page.images, key=lambda i: (round(i["top"], 1), i["x0"]))
            placements = sorted(
                sheet.placements, key=lambda p: (round(pt(p.art_box.y), 1), p.art_box.x)
            )
            assert len(images) == len(placements)
            for image, placement in zip(images, placements, strict=True):
                art = placement.art_box
                got = (mm(image["x0"]), mm(image["top"]), mm(image["x1"]), mm(image["bottom"]))
                want = (art.x, art.y, art.right, art.bottom)
                assert max(abs(g - w) for g, w in zip(got, want, strict=True)) < TOL_MM, (got, want)
                # The print raster, never the master, is embedded.
                assert tuple(image["srcsize"]) == tuple(placement.image_px)
            text = page.extract_text()
            for placement in sheet.placements:
                if placement.credit_box is None:
                    continue
                assert_credit_inside(page, placement)
            anonymous = [p for p in sheet.placements if not p.sticker.credit]
            for placement in anonymous:
                assert placement.credit_box is None
            assert "None" not in text


def _words(text: str) -> list[str]:
    """Split a credit into words."""
    return text.split()


def assert_credit_inside(page, placement) -> None:
    """The credit's words are real text inside its credit box (RTL text may come out reversed)."""
    box = placement.credit_box
    area = page.crop((pt(box.x) - 1, pt(box.y) - 1, pt(box.right) + 1, pt(box.bottom) + 1))
    found = area.extract_text()
    for word in _words(placement.sticker.credit):
        assert word in found or word[::-1] in found, (word, found)
    slack = pt(0.5)  # em boxes (Arabic ones especially) are taller than the ink
    trim = placement.trim_box
    on_sticker = box.bottom <= trim.bottom + 1e-6
    for char in area.chars:
        assert pt(box.x) - 0.5 <= char["x0"] and char["x1"] <= pt(box.right) + 0.5
        assert pt(box.y) - slack <= char["top"] and char["bottom"] <= pt(box.bottom) + slack
        if on_sticker:
            assert pt(trim.y) <= char["top"] and char["bottom"] <= pt(trim.bottom)
        else:
            assert char["top"] >= pt(trim.bottom)
