"""No metadata survives intake: orientation is applied first, then only pixels are kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PIL import Image, PngImagePlugin

from gallery.intake import Limits, ProcessedImage, process_image
from gallery.intake.colour import srgb_icc_bytes
from tests.intake.conftest import (
    encode,
    linear_grey_profile,
    open_bytes,
    photo,
    swapped_rg_profile,
)

LIMITS = Limits(min_side=1)
RED = (255, 0, 0)
SECRETS = (b"SecretCam", b"Secret Artist", b"secret comment", b"55.7558", b"Swapped red")


def identifying_exif(*, orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: make, artist, orientation and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x013B] = "Secret Artist"  # Artist
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0), 0x1B: "55.7558"})
    return exif


def marked(size: tuple[int, int]) -> Image.Image:
    """A photo with a solid red block in the stored top-left corner."""
    im = photo(size)
    im.paste(RED, (0, 0, size[0] // 5, size[1] // 5))
    return im


def assert_no_secrets(result: ProcessedImage) -> None:
    """None of the identifying strings appears in any byte we would store or serve."""
    for blob in (result.master, *result.derivatives.values()):
        for secret in SECRETS:
            assert secret not in blob, secret


def is_red(pixel: tuple[int, ...]) -> bool:
    """Clearly red after JPEG round trips."""
    return pixel[0] > 200 and pixel[1] < 70 and pixel[2] < 70


def test_phone_jpeg_is_rotated_then_stripped_of_gps_exif_and_comment(
    assert_clean: Callable[[ProcessedImage], None],
) -> None:
    """Orientation 6 is applied (300x200 -> 200x300), then EXIF/GPS/COM are gone; ICC -> sRGB."""
    data = encode(
        marked((300, 200)),
        "JPEG",
        quality=95,
        exif=identifying_exif(orientation=6),
        icc_profile=srgb_icc_bytes(),
        comment=b"secret comment <script>alert(1)</script>",
    )
    result = process_image(data, limits=LIMITS)
    assert (result.width, result.height) == (200, 300)
    master = open_bytes(result.master)
    assert not master.getexif().get_ifd(0x8825)
    assert master.info["icc_profile"] == srgb_icc_bytes()
    # Rotating 90 degrees clockwise moves the stored top-left corner to the top-right.
    assert is_red(master.getpixel((190, 10)))
    assert not is_red(master.getpixel((10, 10)))
    assert_clean(result)
    assert_no_secrets(result)


@pytest.mark.parametrize(
    ("orientation", "size", "red_at"),
    [(3, (60, 40), (55, 35)), (8, (60, 40), (5, 55)), (2, (60, 40), (55, 5))],
)
def test_every_exif_orientation_is_applied_before_exif_is_dropped(
    orientation: int, size: tuple[int, int], red_at: tuple[int, int]
) -> None:
    """180 degrees, 90 counter-clockwise and mirror land the stored top-left where seen."""
    data = encode(marked(size), "PNG", exif=identifying_exif(orientation=orientation))
    master = open_bytes(process_image(data, limits=LIMITS).master)
    assert is_red(master.getpixel(red_at))
    assert not master.getexif()


def test_png_text_chunks_are_dropped_and_alpha_kept(
    assert_clean: Callable[[ProcessedImage], None],
) -> None:
    """tEXt, zTXt and iTXt (with HTML in them) vanish; real transparency stays."""
    im = photo((80, 60)).convert("RGBA")
    im.paste((0, 0, 0, 0), (0, 0, 20, 20))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Secret Artist")
    info.add_text("Comment", "secret comment <script>alert(1)</script>", zip=True)
    info.add_itxt("Description", "SecretCam Портрет", lang="ru", tkey="Описание")
    result = process_image(encode(im, "PNG", pnginfo=info), limits=LIMITS)
    master = open_bytes(result.master)
    assert result.has_alpha and master.mode == "RGBA"
    assert master.getpixel((5, 5))[3] == 0
    assert not getattr(master, "text", {})
    assert_clean(result)
    assert_no_secrets(result)


def test_png_exif_chunk_with_gps_is_dropped() -> None:
    """A PNG eXIf chunk is read for orientation only, then dropped with its GPS."""
    data = encode(marked((60, 40)), "PNG", exif=identifying_exif(orientation=3))
    result = process_image(data, limits=LIMITS)
    assert is_red(open_bytes(result.master).getpixel((55, 35)))
    assert_no_secrets(result)


def test_xmp_orientation_in_png_is_applied_and_xmp_dropped() -> None:
    """Orientation stated only in XMP (tiff:Orientation) is honoured; the packet is dropped."""
    xmp = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="3" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="Secret Artist"/>'
        "</rdf:RDF></x:xmpmeta>"
    )
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", xmp)
    result = process_image(encode(marked((60, 40)), "PNG", pnginfo=info), limits=LIMITS)
    assert is_red(open_bytes(result.master).getpixel((55, 35)))
    assert_no_secrets(result)


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_xmp_and_exif_in_jpeg_and_webp_are_dropped(
    fmt: str, assert_clean: Callable[[ProcessedImage], None]
) -> None:
    """XMP packets and EXIF blocks written by editors are gone from master and previews."""
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Secret Artist</x:xmpmeta>'
    data = encode(photo((90, 60)), fmt, exif=identifying_exif(), xmp=xmp)
    result = process_image(data, limits=LIMITS)
    assert_clean(result)
    assert_no_secrets(result)


def test_gif_comment_is_dropped() -> None:
    """A GIF comment extension does not reach the PNG master."""
    data = encode(photo((40, 30)).convert("P"), "GIF", comment=b"secret comment")
    result = process_image(data, limits=LIMITS)
    assert result.master_format == "PNG"
    assert_no_secrets(result)


def test_mpo_keeps_only_the_primary_picture() -> None:
    """A Multi-Picture JPEG (stereo pair, gain map) becomes one plain JPEG of the first image."""
    first, second = Image.new("RGB", (64, 48), RED), Image.new("RGB", (64, 48), (0, 0, 255))
    data = encode(first, "MPO", save_all=True, append_images=[second], exif=identifying_exif())
    assert open_bytes(data).format == "MPO"
    result = process_image(data, limits=LIMITS)
    assert result.source_format == "JPEG" and result.frames == 2
    master = open_bytes(result.master)
    assert master.format == "JPEG" and not hasattr(master, "mpinfo")
    assert b"MPF\0" not in result.master
    assert is_red(master.getpixel((32, 24)))
    assert_no_secrets(result)


def test_embedded_profile_is_applied_to_pixels_and_replaced_by_srgb() -> None:
    """Pixels are converted through the uploader's profile; only a standard sRGB tag remains."""
    im = Image.new("RGB", (64, 64), RED)
    result = process_image(encode(im, "PNG", icc_profile=swapped_rg_profile()), limits=LIMITS)
    master = open_bytes(result.master)
    red, green, blue = master.getpixel((10, 10))
    assert green > 200 and red < 60 and blue < 60, "profile ignored: red should read as green"
    assert master.info["icc_profile"] == srgb_icc_bytes()
    preview = open_bytes(result.derivatives[64]).convert("RGB")
    assert preview.getpixel((10, 10))[1] > 200
    assert_no_secrets(result)


def test_grey_profile_is_applied_without_tinting() -> None:
    """A linear-grey profile turns 128 into sRGB ~188, with equal R, G and B."""
    data = encode(Image.new("L", (32, 32), 128), "PNG", icc_profile=linear_grey_profile())
    master = open_bytes(process_image(data, limits=LIMITS).master)
    red, green, blue = master.convert("RGB").getpixel((5, 5))
    assert abs(red - green) <= 1 and abs(green - blue) <= 1
    assert 180 <= green <= 196


def test_srgb_profile_leaves_pixels_untouched() -> None:
    """An upload already tagged sRGB keeps its exact pixel values (lossless source)."""
    im = photo((48, 32))
    result = process_image(encode(im, "PNG", icc_profile=srgb_icc_bytes()), limits=LIMITS)
    master = open_bytes(result.master)
    assert master.tobytes() == im.tobytes()
    assert master.info["icc_profile"] == srgb_icc_bytes()


def test_unreadable_profile_is_dropped_and_pixels_kept() -> None:
    """Garbage in the ICC slot is ignored (treated as sRGB) rather than refused or copied."""
    im = photo((48, 32))
    result = process_image(encode(im, "PNG", icc_profile=b"profile"), limits=LIMITS)
    master = open_bytes(result.master)
    assert "icc_profile" not in master.info
    assert master.tobytes() == im.tobytes()


def test_untagged_upload_stays_untagged() -> None:
    """No profile in, no profile out: untagged pixels are already treated as sRGB."""
    result = process_image(encode(photo((48, 32)), "JPEG"), limits=LIMITS)
    assert "icc_profile" not in open_bytes(result.master).info
