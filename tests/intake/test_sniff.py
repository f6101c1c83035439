"""The type of an upload is decided by its bytes, and only four containers ever reach Pillow."""

from __future__ import annotations

import gzip
import struct
from collections.abc import Callable

import pytest
from PIL import Image

from gallery.intake import IntakeError, Limits, Refusal, process_image
from gallery.intake.sniff import sniff
from tests.intake.conftest import encode, photo

SMALL = photo((40, 30))


def heif_header(major: bytes, *compatible: bytes) -> bytes:
    """An ISO-BMFF 'ftyp' box followed by an empty 'meta' box, like a HEIC/AVIF/MP4 start."""
    brands = major + b"\0\0\0\0" + b"".join(compatible)
    ftyp = struct.pack(">I", 8 + len(brands)) + b"ftyp" + brands
    return ftyp + struct.pack(">I", 8) + b"meta" + b"\0" * 64


REFUSED: dict[str, tuple[Callable[[], bytes], Refusal, str | None]] = {
    "tiff": (lambda: encode(SMALL, "TIFF"), Refusal.UNSUPPORTED_FORMAT, "TIFF"),
    "big-endian tiff": (lambda: b"MM\x00*" + b"\0" * 60, Refusal.UNSUPPORTED_FORMAT, "TIFF"),
    "bmp": (lambda: encode(SMALL, "BMP"), Refusal.UNSUPPORTED_FORMAT, "BMP"),
    "ico": (lambda: encode(SMALL, "ICO"), Refusal.UNSUPPORTED_FORMAT, "ICO"),
    "psd": (lambda: b"8BPS\x00\x01" + b"\0" * 60, Refusal.UNSUPPORTED_FORMAT, "PSD"),
    "eps": (
        lambda: b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n",
        Refusal.POSTSCRIPT,
        "EPS",
    ),
    "dos eps": (lambda: b"\xc5\xd0\xd3\xc6" + b"\0" * 60, Refusal.POSTSCRIPT, "EPS"),
    "illustrator postscript .ai": (
        lambda: b"%!PS-Adobe-3.0 \n%%Creator: Adobe Illustrator(R) 8.0\n%%For: (Ann) ()\n",
        Refusal.POSTSCRIPT,
        "Adobe Illustrator (PostScript)",
    ),
    "postscript": (
        lambda: b"%!PS-Adobe-3.0\n/a 1 def\nshowpage\n",
        Refusal.POSTSCRIPT,
        "PostScript",
    ),
    "jpeg2000": (lambda: encode(SMALL, "JPEG2000"), Refusal.UNSUPPORTED_FORMAT, "JPEG2000"),
    "pnm": (lambda: encode(SMALL, "PPM"), Refusal.UNSUPPORTED_FORMAT, "PNM"),
    "heic": (lambda: heif_header(b"heic", b"mif1", b"heic"), Refusal.HEIC, "HEIF"),
    "heif mif1 only": (lambda: heif_header(b"mif1", b"mif1", b"miaf"), Refusal.HEIC, "HEIF"),
    "avif (real)": (lambda: encode(SMALL, "AVIF"), Refusal.HEIC, "HEIF"),
    "mp4 video": (lambda: heif_header(b"isom", b"isom", b"mp41"), Refusal.NOT_AN_IMAGE, None),
    "html": (lambda: b"<!doctype html><script>alert(1)</script>", Refusal.NOT_AN_IMAGE, None),
    "plain xml": (lambda: b'<?xml version="1.0"?><note>hi</note>', Refusal.NOT_AN_IMAGE, None),
    "zip": (lambda: b"PK\x03\x04" + b"\0" * 40, Refusal.NOT_AN_IMAGE, None),
    "text": (lambda: "Портрет,画, صورة\n".encode(), Refusal.NOT_AN_IMAGE, None),
    "ole2 doc": (
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 56,
        Refusal.NOT_AN_IMAGE,
        None,
    ),
    "png without its first byte": (
        lambda: encode(SMALL, "PNG")[1:],
        Refusal.NOT_AN_IMAGE,
        None,
    ),
    "single byte": (lambda: b"\xff", Refusal.NOT_AN_IMAGE, None),
}


@pytest.fixture
def pillow_open_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str] | None]:
    """Record the `formats` of every Image.open call made while a test runs."""
    calls: list[list[str] | None] = []
    real_open = Image.open

    def spy(fp: object, mode: str = "r", formats: list[str] | None = None) -> Image.Image:
        """Pass through to Pillow, remembering which decoders were allowed."""
        calls.append(None if formats is None else list(formats))
        return real_open(fp, mode, formats)

    monkeypatch.setattr(Image, "open", spy)
    return calls


@pytest.mark.parametrize("name", REFUSED)
def test_non_images_and_foreign_formats_are_refused_by_magic_bytes(
    name: str, pillow_open_calls: list[list[str] | None]
) -> None:
    """Each foreign upload gets its specific refusal, and Pillow is never asked to open it."""
    build, refusal, label = REFUSED[name]
    with pytest.raises(IntakeError) as refused:
        process_image(build())
    assert refused.value.refusal is refusal
    if label is not None:
        assert refused.value.detail == {"format": label}
    assert pillow_open_calls == []


@pytest.mark.parametrize(
    ("fmt", "params", "pillow_format", "lossless"),
    [
        ("JPEG", {}, "JPEG", False),
        ("PNG", {}, "PNG", True),
        ("GIF", {}, "GIF", True),
        ("WEBP", {"quality": 80}, "WEBP", False),
        ("WEBP", {"lossless": True}, "WEBP", True),
        ("WEBP", {"quality": 80, "save_all": True, "append_images": [SMALL]}, "WEBP", False),
    ],
)
def test_allowed_containers_are_opened_with_only_their_own_decoder(
    fmt: str,
    params: dict[str, object],
    pillow_format: str,
    lossless: bool,
    pillow_open_calls: list[list[str] | None],
) -> None:
    """Pillow gets exactly the sniffed format in `formats=`, never its whole plugin registry."""
    data = encode(SMALL, fmt, **params)
    assert sniff(data).format == pillow_format
    assert sniff(data).lossless is lossless
    process_image(data, limits=Limits(min_side=1))
    assert pillow_open_calls == [[pillow_format]]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n", "pdf"),
        (b"\r\n\r\n   %PDF-1.4\n%%EOF", "pdf"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "svg"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg width="10"></svg>', "svg"),
        ('<?xml version="1.0" encoding="UTF-16"?><svg/>'.encode("utf-16"), "svg"),
        (gzip.compress(b'<?xml version="1.0"?>\n<svg width="10"></svg>'), "svg"),
    ],
    ids=["pdf", "pdf after junk", "svg", "svg with prolog and BOM", "utf-16 svg", "svgz"],
)
def test_drawings_go_to_the_vector_worker_never_to_pillow(data: bytes, kind: str) -> None:
    """SVG, SVGZ and PDF (an .ai with PDF inside too) are sniffed as drawings, by bytes alone."""
    sniffed = sniff(data)
    assert sniffed.vector == kind
    assert sniffed.format == kind.upper()


def test_png_magic_in_front_of_another_format_is_damaged_not_decoded_as_that_format() -> None:
    """A GIF behind PNG magic is only ever tried as PNG, and fails as a damaged PNG."""
    disguised = b"\x89PNG\r\n\x1a\n" + encode(SMALL, "GIF")
    with pytest.raises(IntakeError) as refused:
        process_image(disguised)
    assert refused.value.refusal is Refusal.DAMAGED
    assert refused.value.detail == {"format": "PNG"}


def test_file_name_plays_no_part() -> None:
    """process_image takes only bytes and limits: there is no name or MIME type to lie with."""
    with pytest.raises(TypeError):
        process_image(encode(SMALL, "PNG"), filename="x.png")  # type: ignore[call-arg]
