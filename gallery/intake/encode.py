"""Encode the master and the WebP previews from the one normalised image."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from PIL import Image

from gallery.intake.colour import srgb_icc_bytes
from gallery.intake.limits import derivative_sizes

JPEG_QUALITY = 92
WEBP_QUALITY = 82
# libwebp effort 0-6. At q82 on 1280 px previews (a photo, flat RGBA art, a rendered SVG and
# PDF) effort 2 encodes 1.5-4x faster than libwebp's default 4 at the same or higher PSNR, for
# 0-9 % more bytes. Effort 1 would save another 10-50 % of the time on drawings, but at 7-18 %
# more bytes for every visitor; effort 0 can cost ten times the bytes on flat art.
WEBP_METHOD = 2
PNG_COMPRESS_LEVEL = 6
# resize() first shrinks by an integer factor with reduce() while the scale exceeds this gap:
# 16 MP -> 1280 px drops from ~290 to ~125 ms at 52 dB PSNR against a full Lanczos pass;
# 1.5 (not 1.0) keeps a real Lanczos step after the box filter, so halftone scans do not moire.
REDUCING_GAP = 1.5
# A master wider than this also gets a print source: the same pixels box-reduced by a whole
# factor to at most this side (2400 px = 200 mm at 300 DPI, beyond any sticker). Exports decode
# it instead of a 40 MP master, so the first export of a work costs milliseconds, not seconds.
PRINT_SOURCE_SIDE = 2400
# zlib level 1: the print source is decoded often and written once; level 6 would cost ~5x the
# intake time on grainy artwork for ~20 % fewer bytes.
PRINT_SOURCE_COMPRESS_LEVEL = 1
# A JPEG master's print source stays JPEG (a PNG of a photo decodes no faster than the master),
# at a quality whose loss vanishes in the further downscale every print raster gets.
PRINT_SOURCE_JPEG_QUALITY = 95


@dataclass(frozen=True)
class EncodedMaster:
    """Bytes of the master and how to label them."""

    data: bytes
    format: str
    mime: str
    ext: str


def encode_master(im: Image.Image, *, lossless_source: bool, srgb_tagged: bool) -> EncodedMaster:
    """Re-encode from pixels only: PNG for alpha or lossless sources, else JPEG q92 4:4:4."""
    strip_metadata(im)
    icc = srgb_icc_bytes() if srgb_tagged else None
    buf = BytesIO()
    if lossless_source or im.mode == "RGBA":
        im.save(buf, "PNG", icc_profile=icc, compress_level=PNG_COMPRESS_LEVEL)
        return EncodedMaster(buf.getvalue(), "PNG", "image/png", "png")
    # exif/comment given explicitly empty: Pillow would otherwise fall back to im.info.
    im.save(
        buf,
        "JPEG",
        quality=JPEG_QUALITY,
        subsampling=0,
        icc_profile=icc,
        exif=b"",
        comment=b"",
    )
    return EncodedMaster(buf.getvalue(), "JPEG", "image/jpeg", "jpg")


def encode_print_source(im: Image.Image, master_format: str) -> tuple[int, bytes] | None:
    """Return (factor, bytes) of ``im`` reduced for print, or None when it is small already.

    ``Image.reduce`` averages whole factor × factor boxes (alpha-weighted for RGBA), so a PNG
    print source is the master's own pixels, exactly as the export's strip reducer makes them.
    The print source has the master's format.
    """
    factor = -(-max(im.size) // PRINT_SOURCE_SIDE)
    if factor < 2:
        return None
    small = im.reduce(factor)
    strip_metadata(small)
    buf = BytesIO()
    if master_format == "PNG":
        small.save(buf, "PNG", compress_level=PRINT_SOURCE_COMPRESS_LEVEL)
    else:
        small.save(buf, "JPEG", quality=PRINT_SOURCE_JPEG_QUALITY, subsampling=0)
    return factor, buf.getvalue()


def make_previews(
    im: Image.Image, sizes: dict[int, tuple[int, int]] | None = None
) -> dict[int, Image.Image]:
    """Resize for every preview width, largest first, each from the previous (cheaper) one.

    ``sizes`` defaults to the previews of ``im`` itself; a vector work passes those of its
    master, made from a smaller render.
    """
    previews: dict[int, Image.Image] = {}
    source = im
    for nominal, size in (sizes or derivative_sizes(*im.size)).items():
        if size != source.size:
            source = source.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
            strip_metadata(source)
        previews[nominal] = source
    return previews


def encode_webp(im: Image.Image) -> bytes:
    """Encode one preview as lossy WebP, alpha kept, no EXIF/XMP/ICC (pixels are sRGB)."""
    buf = BytesIO()
    im.save(buf, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD, exif=b"", xmp=b"")
    return buf.getvalue()


def strip_metadata(im: Image.Image) -> None:
    """Forget everything the decoder read besides pixels, so no encoder can copy it out."""
    im.info = {}
