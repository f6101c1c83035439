"""Bring any decoded first frame to 8-bit L, RGB or RGBA in sRGB, with alpha only if it is used."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageCms

from gallery.intake import colour

_SIXTEEN_BIT = frozenset({"I", "I;16", "I;16L", "I;16B", "I;16N"})
_OPAQUE = 255


@dataclass(frozen=True)
class Normalised:
    """Pixels ready to encode; `srgb_tagged` says the source carried a (converted) ICC profile."""

    image: Image.Image
    has_alpha: bool
    srgb_tagged: bool


def normalise(im: Image.Image, *, icc_profile: bytes | None) -> Normalised:
    """Return the frame as 8-bit L, RGB or RGBA in sRGB; an all-opaque alpha is dropped."""
    im = _drop_opaque_alpha(_eight_bit(im))
    tagged = False
    profile = colour.read_profile(icc_profile)
    if profile is not None:
        converted = _convert_to_srgb(im, profile)
        if converted is not None:
            im, tagged = converted, True
    if im.mode == "CMYK":
        im = colour.cmyk_to_rgb(im)
    if im.mode == "LA":
        # WebP previews and most viewers want RGBA; the grey values are copied, not tinted.
        im = im.convert("RGBA")
    return Normalised(image=im, has_alpha=im.mode == "RGBA", srgb_tagged=tagged)


def _eight_bit(im: Image.Image) -> Image.Image:
    """Map every decoder mode to L, LA, RGB, RGBA or CMYK, turning transparency into alpha."""
    mode = im.mode
    transparent = "transparency" in im.info
    if mode in _SIXTEEN_BIT:
        return _sixteen_to_eight(im)
    if mode in ("L", "RGB", "RGBA", "CMYK", "LA") and not (transparent and mode in ("L", "RGB")):
        return im
    if mode == "1":
        return im.convert("L")
    if mode == "L":
        return im.convert("LA")
    if mode == "P":
        has_alpha = transparent or (im.palette is not None and im.palette.mode == "RGBA")
        return im.convert("RGBA" if has_alpha else "RGB")
    if mode == "RGBX":
        return im.convert("RGB")
    return im.convert("RGBA" if transparent or "A" in mode or "a" in mode else "RGB")


def _sixteen_to_eight(im: Image.Image) -> Image.Image:
    """Scale 16-bit grey to 8 bits (>> 8) instead of clipping, keeping a tRNS key as alpha."""
    # Only 16-bit uploads need NumPy: loaded here, not with the app.
    import numpy as np

    raw = np.asarray(im)
    if im.mode == "I":
        raw = np.clip(raw, 0, 0xFFFF)
    grey = Image.fromarray((raw >> 8).astype(np.uint8))
    key = im.info.get("transparency")
    if not isinstance(key, int):
        return grey
    alpha = Image.fromarray(np.where(raw == key, 0, _OPAQUE).astype(np.uint8))
    return Image.merge("LA", (grey, alpha))


def _drop_opaque_alpha(im: Image.Image) -> Image.Image:
    """Store RGB/L when every pixel is opaque: the alpha channel would only cost space."""
    if im.mode not in ("RGBA", "LA"):
        return im
    low, _high = im.getchannel("A").getextrema()
    if low < _OPAQUE:
        return im
    return im.convert("RGB" if im.mode == "RGBA" else "L")


def _convert_to_srgb(im: Image.Image, profile: ImageCms.ImageCmsProfile) -> Image.Image | None:
    """Colour-convert via the source profile; grey+alpha is converted band by band."""
    if im.mode != "LA":
        return colour.to_srgb(im, profile)
    grey, alpha = im.split()
    rgb = colour.to_srgb(grey, profile)
    if rgb is None:
        return None
    rgb.putalpha(alpha)
    return rgb
