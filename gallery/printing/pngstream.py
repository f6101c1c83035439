"""Shrink a big PNG without ever holding it decoded in memory.

An 8000 px RGBA master is 256 MB once decoded, while its print raster is a few MB. Pillow
decodes a PNG whole, so we feed it the file in horizontal strips instead: each strip becomes
a tiny PNG whose first row is the previous strip's last *reconstructed* row stored unfiltered,
followed by the original, still-filtered rows. PNG filters only look at the row above, so
Pillow un-filters every strip exactly as it would the whole image, and each strip is box-reduced
(``Image.reduce``) before the next is decoded. Heights are multiples of the factor, so the
result equals ``Image.open(...).reduce(factor)`` pixel for pixel.
"""

from __future__ import annotations

import io
import logging
import struct
import zlib
from collections.abc import Iterator

from PIL import Image

log = logging.getLogger(__name__)

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_STRIP_BYTES = 4 << 20  # decoded bytes per strip: small enough to keep the peak low
_CHUNK_IN = 1 << 16


def _chunks(data: bytes) -> Iterator[tuple[bytes, memoryview]]:
    """Yield (type, payload) for every chunk of a PNG, without copying payloads."""
    view = memoryview(data)
    pos = len(_SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", view[pos : pos + 4])
        kind = bytes(view[pos + 4 : pos + 8])
        yield kind, view[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IEND":
            return


def _chunk(kind: bytes, payload: bytes) -> bytes:
    """Serialise one PNG chunk with its CRC."""
    crc = zlib.crc32(payload, zlib.crc32(kind))
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def _flat_mode(image: Image.Image) -> Image.Image:
    """Give palette / tRNS images a mode that box-averaging makes sense for."""
    if image.mode == "P" or "transparency" in image.info:
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    return image


def reduce_png(data: bytes, *, factor: int) -> Image.Image | None:
    """Return the PNG in ``data`` reduced by ``factor`` (like ``reduce``), or None if unsupported.

    Unsupported (the caller decodes whole instead): not a PNG, interlaced, or not 8 bits a sample.
    """
    if not data.startswith(_SIGNATURE) or factor < 1:
        return None
    header: bytes | None = None
    extra: list[bytes] = []
    idat: list[memoryview] = []
    for kind, payload in _chunks(data):
        if kind == b"IHDR":
            header = bytes(payload)
        elif kind in (b"PLTE", b"tRNS"):
            extra.append(_chunk(kind, bytes(payload)))
        elif kind == b"IDAT":
            idat.append(payload)
    if header is None or len(header) != 13:
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or interlace or colour not in _CHANNELS or not idat:
        return None
    stride = width * _CHANNELS[colour] + 1
    rows = max(factor, (_STRIP_BYTES // stride) // factor * factor)
    out: Image.Image | None = None
    inflater = zlib.decompressobj()
    pending = bytearray()
    sources = _feed(idat)
    previous: bytes | None = None
    top = 0
    while top < height:
        count = min(rows, height - top)
        need = count * stride
        while len(pending) < need:
            chunk = inflater.unconsumed_tail or next(sources, b"")
            if not chunk:
                raise ValueError("truncated PNG data")
            pending += inflater.decompress(chunk, need - len(pending))
        raw = bytes(pending[:need])
        del pending[:need]
        strip = _decode_strip(header, extra, raw, previous, count)
        previous = strip.crop((0, count - 1, width, count)).tobytes()
        reduced = _flat_mode(strip).reduce(factor)
        if out is None:
            size = (-(-width // factor), -(-height // factor))
            out = Image.new(reduced.mode, size)
        out.paste(reduced, (0, top // factor))
        top += count
    return out


def _feed(idat: list[memoryview]) -> Iterator[bytes]:
    """Yield the compressed image data in modest pieces (bounded inflate buffers)."""
    for payload in idat:
        for start in range(0, len(payload), _CHUNK_IN):
            yield bytes(payload[start : start + _CHUNK_IN])


def _decode_strip(
    header: bytes, extra: list[bytes], raw: bytes, previous: bytes | None, count: int
) -> Image.Image:
    """Decode ``count`` filtered rows, seeding the filters with the previous reconstructed row."""
    width = struct.unpack(">I", header[:4])[0]
    seed = b"\x00" + previous if previous is not None else b""
    rows = count + (1 if previous is not None else 0)
    ihdr = header[:4] + struct.pack(">I", rows) + header[8:]
    # Level 0 only frames the bytes for Pillow; nothing is compressed twice.
    body = zlib.compress(seed + raw, 0)
    png = _SIGNATURE + _chunk(b"IHDR", ihdr) + b"".join(extra)
    png += _chunk(b"IDAT", body) + _chunk(b"IEND", b"")
    image = Image.open(io.BytesIO(png))
    image.load()
    if previous is not None:
        cropped = image.crop((0, 1, width, rows))
        cropped.info = image.info
        return cropped
    return image
