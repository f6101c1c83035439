"""Decide what an upload is from its first bytes, before any decoder sees it.

The file name and the browser's Content-Type are never consulted: both are chosen by the
uploader. Only four containers go on to Pillow, and SVG (SVGZ) and PDF to the confined vector
worker (an Illustrator .ai that is a PDF inside is a PDF); everything else is refused here,
so the EPS (Ghostscript), PSD, TIFF and other decoders can never run on an upload.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from gallery.intake.errors import IntakeError, Refusal

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# ISO-BMFF brands of HEIF-family stills (iPhone HEIC, AVIF): refused with their own message so
# the artist learns to pick "Most compatible" / JPEG on export.
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"mif2"}
    | {b"msf1", b"avif", b"avis", b"avio"}
)

# Image formats we recognise but do not accept (prefix, label). Order matters only where one
# prefix extends another.
_UNSUPPORTED_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),
    (b"MM\x00+", "TIFF"),
    (b"IIU\x00", "RAW"),
    (b"FUJIFILMCCD-RAW", "RAW"),
    (b"8BPS", "PSD"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG2000"),
    (b"\xff\x4f\xff\x51", "JPEG2000"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "JXL"),
    (b"\xff\x0a", "JXL"),
    (b"\x8aMNG\r\n\x1a\n", "MNG"),
    (b"\x8bJNG\r\n\x1a\n", "JNG"),
    (b"qoif", "QOI"),
    (b"DDS ", "DDS"),
    (b"icns", "ICNS"),
    (b"gimp xcf", "XCF"),
    (b"v/1\x01", "EXR"),
    (b"#?RADIANCE", "HDR"),
    (b"#?RGBE", "HDR"),
    (b"\x59\xa6\x6a\x95", "SUN"),
    (b"BLP1", "BLP"),
    (b"BLP2", "BLP"),
    (b"SIMPLE  =", "FITS"),
    (b"farbfeld", "FARBFELD"),
    (b"\xd7\xcd\xc6\x9a", "WMF"),
)

_BMP_DIB_HEADER_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})
_SNIFF_TEXT_BYTES = 4096


@dataclass(frozen=True)
class Sniffed:
    """An accepted container: the Pillow format to allow, and whether its pixels are lossless.

    ``vector`` is "svg" or "pdf" for drawings, which never reach Pillow.
    """

    format: str
    lossless: bool
    vector: str = ""


def sniff(data: bytes) -> Sniffed:
    """Classify `data` by magic bytes; raise IntakeError for anything but JPEG/PNG/WebP/GIF."""
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed("JPEG", lossless=False)
    if data.startswith(PNG_MAGIC):
        return Sniffed("PNG", lossless=True)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("GIF", lossless=True)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Sniffed("WEBP", lossless=_webp_is_lossless(data))
    if b"%PDF-" in data[:1024]:
        # PDF readers accept up to 1 KB of junk before the header, so the sniff does too.
        return Sniffed("PDF", lossless=True, vector="pdf")
    postscript = _postscript_label(data)
    if postscript:
        raise IntakeError(Refusal.POSTSCRIPT, {"format": postscript})
    if _looks_like_svg(data) or _looks_like_svg(_gunzip_head(data)):
        return Sniffed("SVG", lossless=True, vector="svg")
    raise _refusal_for_other(data)


def _postscript_label(data: bytes) -> str | None:
    """Name PostScript-based files: EPS, Illustrator's PostScript .ai, plain PostScript."""
    if data.startswith(b"\xc5\xd0\xd3\xc6"):
        return "EPS"
    if not data.startswith(b"%!PS"):
        return None
    head = data[:_SNIFF_TEXT_BYTES]
    if b"%%Creator: Adobe Illustrator" in head or b"%AI" in head:
        return "Adobe Illustrator (PostScript)"
    return "EPS" if b"EPSF" in head.split(b"\n", 1)[0] else "PostScript"


def _gunzip_head(data: bytes) -> bytes:
    """Return the first bytes inside a gzip stream (.svgz), or nothing; never inflates more."""
    if not data.startswith(b"\x1f\x8b"):
        return b""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:65536], _SNIFF_TEXT_BYTES)
    except zlib.error:
        return b""


def _refusal_for_other(data: bytes) -> IntakeError:
    """Name the refusal for bytes that are not an accepted container."""
    if data[4:8] == b"ftyp":
        return _refusal_for_iso_bmff(data)
    for prefix, label in _UNSUPPORTED_PREFIXES:
        if data.startswith(prefix):
            return IntakeError(Refusal.UNSUPPORTED_FORMAT, {"format": label})
    label = _weak_image_signature(data)
    if label:
        return IntakeError(Refusal.UNSUPPORTED_FORMAT, {"format": label})
    return IntakeError(Refusal.NOT_AN_IMAGE)


def _refusal_for_iso_bmff(data: bytes) -> IntakeError:
    """Refuse HEIF/AVIF stills as HEIC, camera CR3 as unsupported, and video as not an image."""
    box_size = struct.unpack(">I", data[:4])[0]
    brands_end = min(max(box_size, 16), 256, len(data))
    brands = {data[8:12]} | {data[i : i + 4] for i in range(16, brands_end - 3, 4)}
    if brands & _HEIF_BRANDS:
        return IntakeError(Refusal.HEIC, {"format": "HEIF"})
    if b"crx " in brands:
        return IntakeError(Refusal.UNSUPPORTED_FORMAT, {"format": "RAW"})
    return IntakeError(Refusal.NOT_AN_IMAGE)


def _weak_image_signature(data: bytes) -> str | None:
    """Recognise formats whose magic is short, checking a second field to avoid false hits."""
    if data[:2] == b"BM" and len(data) >= 18 and _u32le(data, 14) in _BMP_DIB_HEADER_SIZES:
        return "BMP"
    if data[:4] in (b"\x00\x00\x01\x00", b"\x00\x00\x02\x00") and 0 < _u16le(data, 4) <= 256:
        return "ICO"
    if len(data) >= 3 and data[0:1] == b"P" and data[1:2] in b"1234567" and data[2] in b" \t\r\n":
        return "PNM"
    if data[:4] == b"\x01\x00\x00\x00" and data[40:44] == b" EMF":
        return "EMF"
    if data[128:132] == b"DICM":
        return "DICOM"
    return None


def _u32le(data: bytes, offset: int) -> int:
    """Little-endian uint32 at `offset`, 0 when the data is too short."""
    chunk = data[offset : offset + 4]
    return struct.unpack("<I", chunk)[0] if len(chunk) == 4 else 0


def _u16le(data: bytes, offset: int) -> int:
    """Little-endian uint16 at `offset`, 0 when the data is too short."""
    chunk = data[offset : offset + 2]
    return struct.unpack("<H", chunk)[0] if len(chunk) == 2 else 0


def _looks_like_svg(data: bytes) -> bool:
    """Spot SVG by its root element near the start of an XML-ish text (never parsed)."""
    head = data[: _SNIFF_TEXT_BYTES * 2]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.decode("utf-16", "ignore").encode("utf-8", "ignore")
    head = head[:_SNIFF_TEXT_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<svg"):
        return True
    return head.startswith((b"<?xml", b"<!doctype svg", b"<!--")) and b"<svg" in head


def _webp_is_lossless(data: bytes) -> bool:
    """Tell whether the first WebP frame is VP8L (lossless) by walking RIFF chunks, bounded."""
    pos, end = 12, len(data)
    for _ in range(64):
        if pos + 8 > end:
            break
        fourcc = data[pos : pos + 4]
        size = _u32le(data, pos + 4)
        if fourcc == b"VP8L":
            return True
        if fourcc == b"VP8 ":
            return False
        if fourcc == b"ANMF":
            # An animation frame holds a 16-byte header, then the frame's own sub-chunks.
            pos += 8 + 16
            continue
        pos += 8 + size + (size & 1)
    # Unknown layout: store a lossless master rather than add another generation of loss.
    return True
