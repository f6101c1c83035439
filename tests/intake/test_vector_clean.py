"""Editor exports come out as the same drawing, without a trace of who drew it or where."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from gallery.intake import ProcessedImage, process_image
from tests.vector_corpus import CASES
from tests.vector_files import (
    IDENTIFYING,
    INK,
    affinity_svg,
    illustrator_svg,
    inkscape_svg,
    pdf_drawing,
    photo_jpeg,
)

EXPORTS = {
    "inkscape svg": inkscape_svg,
    "illustrator svg": illustrator_svg,
    "affinity svg": affinity_svg,
    "illustrator pdf (.ai)": pdf_drawing,
}


def shows_ink(png: bytes) -> bool:
    """Tell whether a tenth or more of a render is the drawings' red."""
    with Image.open(io.BytesIO(png)) as image:
        small = image.convert("RGBA").resize((64, 64))
    close = sum(
        1
        for r, g, b, a in small.get_flattened_data()
        if a > 200 and abs(r - INK[0]) < 30 and abs(g - INK[1]) < 30 and abs(b - INK[2]) < 30
    )
    return close >= 64 * 64 // 10


@pytest.mark.parametrize("name", EXPORTS)
def test_editor_export_keeps_its_drawing_and_loses_its_artist(
    name: str, assert_clean: Callable[[ProcessedImage], None]
) -> None:
    """The render shows the drawing; no stored byte names the artist, their folders or tools."""
    result = process_image(EXPORTS[name]())
    assert_clean(result)
    assert shows_ink(result.master) and shows_ink(result.derivatives[320])
    for blob in (result.vector_source, result.master, *result.derivatives.values()):
        for needle in IDENTIFYING:
            assert needle not in blob, (name, needle)


def test_svg_keeps_text_gradients_and_their_references() -> None:
    """What draws survives: the text, the gradients, and every reference resolves."""
    source = process_image(inkscape_svg()).vector_source.decode()
    assert "FREE" in source and "linearGradient" in source
    assert 'href="#i' in source and "url(#i" in source
    for reference in ("metadata", "<title", "<desc", "<!--", "namedview", "xlink"):
        assert reference not in source


def test_pdf_has_no_info_xmp_private_data_or_named_layers() -> None:
    """The cleaned PDF has one page and none of what Illustrator writes about its author."""
    source = process_image(pdf_drawing()).vector_source
    with pikepdf.open(io.BytesIO(source)) as pdf:
        assert len(pdf.pages) == 1
        assert "/Info" not in pdf.trailer and "/Metadata" not in pdf.Root
        page = pdf.pages[0].obj
        assert not {"/PieceInfo", "/Metadata", "/Thumb"} & set(page.keys())
        names = [str(group.Name) for group in pdf.Root.OCProperties.OCGs]
        assert names == ["Layer 1"]


def _jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG's segments before its first scan."""
    markers, pos = [], 2
    while data[pos + 1] != 0xDA:
        markers.append(data[pos + 1])
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
    return markers


def _photo_streams(source: bytes) -> list[bytes]:
    """Every JPEG in a PDF, image XObjects (any filters before DCT undone) and inline images."""
    photos = []
    with pikepdf.open(io.BytesIO(source)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and "/DCTDecode" in str(obj.get("/Filter")):
                filters = obj.Filter if isinstance(obj.Filter, pikepdf.Array) else [obj.Filter]
                copy = pdf.make_stream(obj.read_raw_bytes(), Filter=pikepdf.Array(filters[:-1]))
                photos.append(copy.read_bytes())
        for operands, operator in pikepdf.parse_content_stream(pdf.pages[0]):
            if str(operator) == "INLINE IMAGE":
                photos.append(operands[0].read_raw_bytes().rstrip())  # the space before EI
    return photos


@pytest.mark.parametrize("case", ["pdf-placed-photo-metadata", "pdf-inline-photo-metadata"])
def test_placed_photos_keep_their_picture_and_lose_their_camera(case: str) -> None:
    """Every JPEG in a cleaned PDF has no EXIF, XMP, IPTC, ICC or comment, and the same pixels."""
    build = next(c.build for c in CASES if c.name == case)
    source = process_image(build("http://127.0.0.1:9", Path("/nonexistent"))).vector_source
    photos = _photo_streams(source)
    assert len(photos) == (2 if case == "pdf-placed-photo-metadata" else 1)
    for photo in photos:
        assert set(_jpeg_markers(photo)) <= {0xE0, 0xEE, 0xC0, 0xC4, 0xDB, 0xDD}, photo[:200]
        assert photo.endswith(b"\xff\xd9")
        for needle in IDENTIFYING:
            assert needle not in photo, needle
        with Image.open(io.BytesIO(photo)) as image:
            assert not image.getexif() and "icc_profile" not in image.info
            size = image.width
            pixels = image.tobytes()
        with Image.open(io.BytesIO(photo_jpeg(size=size))) as original:
            others = [original.tobytes()]
        with Image.open(io.BytesIO(photo_jpeg((20, 90, 200), size=size))) as original:
            others.append(original.tobytes())
        assert pixels in others, "the photo was re-encoded or damaged"


def test_jpeg2000_photo_loses_its_xml_box_and_comment() -> None:
    """A JPEG 2000 image keeps its header and codestream, and nothing else."""
    build = next(c.build for c in CASES if c.name == "pdf-jpeg2000-photo-metadata")
    source = process_image(build("http://127.0.0.1:9", Path("/nonexistent"))).vector_source
    with pikepdf.open(io.BytesIO(source)) as pdf:
        [image] = [o for o in pdf.objects if "/JPXDecode" in str(o.get("/Filter"))]
        data = image.read_raw_bytes()
    assert b"xml " not in data and b"xmpmeta" not in data and b"Ivan" not in data
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.size == (64, 64)
        assert picture.convert("RGB").getpixel((32, 32)) == pytest.approx(INK, abs=4)


def test_css_comments_are_gone_and_strings_kept() -> None:
    """Comments in <style> and style="" go; a /* inside a quoted string is text, not a comment."""
    from gallery.intake.vector.svgclean import clean_css

    # A comment separates what it stood between, so it becomes one space.
    assert clean_css("/* Ivan */a{fill:red}/* ~/Secret */") == " a{fill:red} "
    assert clean_css("fill:red/* Ivan */;stroke:1px/**/solid") == "fill:red ;stroke:1px solid"
    assert clean_css("font-family:'a/*b';fill:red /* x") == "font-family:'a/*b';fill:red  "
    assert clean_css('font-family:"x\\"/*"') == ""  # escapes: the whole declaration goes
    build = next(c.build for c in CASES if c.name == "css-comments")
    result = process_image(build("http://127.0.0.1:9", Path("/nonexistent")))
    source = result.vector_source.decode()
    assert "/*" not in source and "Ivan" not in source and "Secret" not in source
    assert ".c1{fill:red}" in source.replace(" ", "")
