"""Colour management: every tagged upload is converted to sRGB and tagged with one sRGB profile.

Keeping the uploader's own ICC profile would keep a fingerprint: a calibrated monitor profile
names the device and the calibration date. Converting to sRGB also gives printing and browsers
one colour space to trust. Untagged uploads are treated as sRGB already and stay untagged.
"""

from __future__ import annotations

import functools
import logging
from io import BytesIO

from PIL import Image, ImageCms

logger = logging.getLogger(__name__)

# Profiles whose description says sRGB are not worth a full-image transform (~15 ns/pixel).
_SRGB_DESCRIPTIONS = ("srgb iec61966-2.1", "srgb iec61966-2-1", "srgb built-in", "srgb")

_LCMS_SPACE_FOR_MODE = {"L": "GRAY", "RGB": "RGB", "RGBA": "RGB", "CMYK": "CMYK"}


@functools.cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    """Build the sRGB profile once per process."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@functools.cache
def srgb_icc_bytes() -> bytes:
    """Return the standard sRGB profile embedded in masters whose source carried a profile."""
    return _srgb_profile().tobytes()


def read_profile(icc: bytes | None) -> ImageCms.ImageCmsProfile | None:
    """Parse an embedded ICC profile, or return None when it is absent or unreadable."""
    if not icc:
        return None
    try:
        return ImageCms.ImageCmsProfile(BytesIO(icc))
    except Exception as exc:  # e.g. icc-after-SOF.jpg embeds the 7 bytes b"profile"
        logger.info("ignoring unreadable ICC profile (%d bytes): %s", len(icc), type(exc).__name__)
        return None


def to_srgb(im: Image.Image, profile: ImageCms.ImageCmsProfile) -> Image.Image | None:
    """Convert L/RGB/RGBA/CMYK pixels from `profile` to sRGB (RGB or RGBA); None if impossible."""
    space = profile.profile.xcolor_space.strip().upper()
    if _LCMS_SPACE_FOR_MODE.get(im.mode) != space:
        logger.info("ICC colour space %s does not fit mode %s; treating as sRGB", space, im.mode)
        return None
    if im.mode in ("RGB", "RGBA") and _is_srgb(profile):
        return im
    out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
    try:
        transform = _transform(profile, im.mode, out_mode)
        return ImageCms.applyTransform(im, transform)
    except Exception as exc:  # a profile lcms parses but cannot link (broken curves, v5...)
        logger.info("ICC transform failed (%s); treating as sRGB", type(exc).__name__)
        return None


def _transform(
    profile: ImageCms.ImageCmsProfile, in_mode: str, out_mode: str
) -> ImageCms.ImageCmsTransform:
    """Build a perceptual transform from `profile` to sRGB."""
    return ImageCms.buildTransform(
        profile,
        _srgb_profile(),
        in_mode,
        out_mode,
        renderingIntent=ImageCms.Intent.PERCEPTUAL,
    )


def _is_srgb(profile: ImageCms.ImageCmsProfile) -> bool:
    """Tell whether a profile announces itself as sRGB (a mislabel only shifts colours)."""
    description = (profile.profile.profile_description or "").strip().lower()
    return description in _SRGB_DESCRIPTIONS


def cmyk_to_rgb(im: Image.Image) -> Image.Image:
    """Convert CMYK without a usable profile; Pillow has already undone Adobe's inversion."""
    return im.convert("RGB")
