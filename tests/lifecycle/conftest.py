"""A gallery holding every kind of artifact a work can leave behind, and ways to look for it."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from PIL import Image
from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Pack, Work
from gallery.storage.files import get_storage
from tests.factories import image_bytes

LAYOUT = "plain-a4-6-square-90"
# Big enough for a print source (over 2400 px), so every kind of file exists.
SIZE = (2600, 1800)


def big_png(colour: tuple[int, int, int]) -> bytes:
    """Return a PNG in ``colour``, big enough that the intake makes its print source too."""
    return image_bytes("PNG", SIZE, colour=colour)


def export_works(app, runner, tmp_path, *work_ids: int) -> int:
    """Make a sticker-sheet export of ``work_ids`` with the `export` command; return its id."""
    args = ["export", "--layout", LAYOUT, "--output", str(tmp_path / "out.pdf")]
    for work_id in work_ids:
        args += ["--work", str(work_id)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return int(result.stdout.strip().rsplit(" ", 1)[-1])


def export_singles(app, runner, tmp_path, *work_ids: int) -> int:
    """Make a die-cut singles export (with its credits file) of ``work_ids``; return its id."""
    args = ["export", "--singles", "--size", "40", "--output", str(tmp_path / "singles.pdf")]
    args += ["--credits", str(tmp_path / "credits.pdf")]
    for work_id in work_ids:
        args += ["--work", str(work_id)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return int(result.stdout.strip().rsplit(" ", 1)[-1])


def stored_keys(app) -> set[str]:
    """Return every key in the app's file store."""
    with app.app_context():
        return set(get_storage().keys())


def _shows_colour(image: Image.Image, colour, tolerance: int = 40) -> bool:
    """Tell whether a fifth or more of ``image`` is close to ``colour``."""
    small = image.convert("RGB").resize((64, 64))
    close = sum(
        1
        for pixel in small.get_flattened_data()
        if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))
    )
    return close >= 64 * 64 // 5


def _pdf_holds(data: bytes, colour, credit: str) -> bool:
    """Tell whether a PDF's text names ``credit`` or one of its images shows ``colour``."""
    with pdfplumber.open(io.BytesIO(data)) as document:
        if any(credit in (page.extract_text() or "") for page in document.pages):
            return True
    with pikepdf.open(io.BytesIO(data)) as document:
        for page in document.pages:
            for raw in page.get_images().values():
                picture = pikepdf.PdfImage(raw).as_pil_image()
                if _shows_colour(picture, colour):
                    return True
    return False


def files_holding(app, colour, credit: str) -> list[str]:
    """Return the stored files that hold pixels of ``colour`` or ``credit``, whatever their name."""
    with app.app_context():
        storage = get_storage()
        return holding(((key, storage.read(key)) for key in storage.keys()), colour, credit)


def folder_holding(folder: Path, colour, text: str) -> list[str]:
    """Return the files below ``folder`` (a static mirror) holding ``text`` or ``colour``."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return holding(((str(p.relative_to(folder)), p.read_bytes()) for p in files), colour, text)


def holding(files: Iterable[tuple[str, bytes]], colour, credit: str) -> list[str]:
    """Return the names of ``files`` whose bytes hold ``credit``, or pixels of ``colour``."""
    found = []
    for name, data in files:
        if name.endswith(".pdf"):
            if _pdf_holds(data, colour, credit):
                found.append(name)
            continue
        if credit.encode() in data:
            found.append(name)
            continue
        try:
            with Image.open(io.BytesIO(data)) as picture:
                if _shows_colour(picture, colour):
                    found.append(name)
        except OSError:
            continue
    return found


def work_row(app, work_id: int) -> Work | None:
    """Return whether the work's row still exists (as the row, detached)."""
    with app.app_context():
        return db.session.get(Work, work_id)


def packs(app) -> list[int]:
    """Return every pack id."""
    with app.app_context():
        return list(db.session.scalars(select(Pack.id)))


@pytest.fixture
def printer(app, login_user_as):
    """A second client, logged in as a printer."""
    client = app.test_client()
    login_user_as(client, app, "printer")
    return client
