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
from typing import BinaryIO

from PIL import Image

log = logging.getLogger(__name__)

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_STRIP_BYTES = 512 << 10  # decoded bytes per strip: ~4 copies of a strip are alive at once
_CHUNK_IN = 1 << 16


def _chunks(fp: BinaryIO) -> Iterator[tuple[bytes, int]]:
    """Yield (type, length) for each chunk; the caller reads or skips the payload before next."""
    while True:
        head = fp.read(8)
        if len(head) < 8:
            return
        length, kind = struct.unpack(">I4s", head)
        start = fp.tell()
        yield kind, length
        fp.seek(start + length + 4)  # past the payload and its CRC, however much was read
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


def reduce_png(source: bytes | BinaryIO, *, factor: int) -> Image.Image | None:
    """Return the PNG in ``source`` reduced by ``factor`` (like ``reduce``), or None if unsupported.

    ``source`` may be bytes or a seekable binary file, read once from its current start.
    Unsupported (the caller decodes whole instead): not a PNG, interlaced, or not 8 bits a sample.
    """
    fp = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    if fp.read(len(_SIGNATURE)) != _SIGNATURE or factor < 1:
        return None
    header: bytes | None = None
    extra: list[bytes] = []
    chunks = _chunks(fp)
    for kind, length in chunks:
        if kind == b"IHDR":
            header = fp.read(length)
        elif kind in (b"PLTE", b"tRNS"):
            extra.append(_chunk(kind, fp.read(length)))
        elif kind == b"IDAT":
            break
    else:
        return None
    if header is None or len(header) != 13:
        return None
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or interlace or colour not in _CHANNELS:
        return None
    stride = width * _CHANNELS[colour] + 1
    rows = max(factor, (_STRIP_BYTES // stride) // factor * factor)
    out: Image.Image | None = None
    inflater = zlib.decompressobj()
    pending = bytearray()
    sources = _feed(fp, length, chunks)
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


def _feed(fp: BinaryIO, length: int, chunks: Iterator[tuple[bytes, int]]) -> Iterator[bytes]:
    """Yield the compressed image data of the current and following IDAT chunks in pieces."""
    while True:
        left = length
        while left > 0:
            piece = fp.read(min(left, _CHUNK_IN))
            if not piece:
                return
            left -= len(piece)
            yield piece
        kind, length = next(chunks, (b"IEND", 0))
        if kind != b"IDAT":
            return


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
