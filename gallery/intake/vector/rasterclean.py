"""Strip what names a photographer from JPEG and JPEG 2000 data, byte for byte otherwise.

Runs inside the confined render worker (imported by ``pdfclean.py`` as a plain module: the
standard library only). Photos placed in a drawing keep their camera's EXIF (artist, serial
numbers, GPS), XMP, IPTC, ICC profile names and comments inside the image stream itself. The
compressed picture is copied unchanged (never re-encoded, so nothing is lost); only segments
and boxes a decoder needs survive. Raises ``ValueError`` on data that cannot be walked.
"""

from __future__ import annotations

import struct

# JPEG segments a decoder needs: frame headers (SOF0-15 but JPG), Huffman and arithmetic
# tables (DHT, DAC), quantisation tables, restart interval, number of lines, scans,
# hierarchical headers (DHP, EXP). Everything else (APPn, COM, JPGn) is dropped.
_JPEG_KEEP = frozenset(set(range(0xC0, 0xD0)) - {0xC8}) | {0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF}
_SOS, _EOI, _APP0, _APP14 = 0xDA, 0xD9, 0xE0, 0xEE
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM, RST0-7: no length


def strip_jpeg(data: bytes) -> bytes:
    """Return the JPEG with only decoding segments, a bare JFIF and Adobe's colour transform."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG")
    out, pos, end = [b"\xff\xd8"], 2, len(data)
    while pos < end:
        pos = data.find(b"\xff", pos)  # like libjpeg, skip stray bytes between segments
        if pos < 0:
            break
        while pos < end and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= end:
            break
        marker = data[pos]
        pos += 1
        if marker == _EOI:
            break  # anything after the image (appended files, trailers) goes too
        if marker in _STANDALONE:
            out.append(bytes((0xFF, marker)))
            continue
        if pos + 2 > end:
            raise ValueError("truncated segment")
        length = int.from_bytes(data[pos : pos + 2], "big")
        if length < 2 or pos + length > end:
            raise ValueError("bad segment length")
        body = data[pos + 2 : pos + length]
        pos += length
        kept = _jpeg_segment(marker, body)
        if kept is not None:
            out.append(bytes((0xFF, marker)) + (len(kept) + 2).to_bytes(2, "big") + kept)
        if marker == _SOS:
            scan_end = _scan_end(data, pos)
            out.append(data[pos:scan_end])
            pos = scan_end
    out.append(b"\xff\xd9")
    return b"".join(out)


def _jpeg_segment(marker: int, body: bytes) -> bytes | None:
    """Return what of one segment may stay (None: drop it)."""
    if marker == _APP0 and body[:5] == b"JFIF\0" and len(body) >= 14:
        # Version, units and density only: the thumbnail fields are set to 0 × 0.
        return body[:12] + b"\0\0"
    if marker == _APP14 and body[:5] == b"Adobe" and len(body) >= 12:
        # Decoders need its colour transform flag (YCCK, CMYK or RGB as stored).
        return body[:12]
    return body if marker in _JPEG_KEEP else None


def _scan_end(data: bytes, pos: int) -> int:
    """Return where a scan's entropy-coded data ends: the next marker, not FF00 or RSTn."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return len(data)
        following = data[pos + 1]
        if following != 0 and not 0xD0 <= following <= 0xD7:
            return pos
        pos += 2


# JPEG 2000: the boxes a decoder needs (signature, file type, header, codestream); inside the
# header, image size, bit depths, colour, palette and channel definitions. Gone: XML and UUID
# boxes (XMP, EXIF, GeoJP2), IPR, UUID info (URLs), resolution, reader requirements.
_JP2_KEEP = frozenset({b"jP  ", b"ftyp", b"jp2h", b"jp2c"})
_JP2H_KEEP = frozenset({b"ihdr", b"bpcc", b"colr", b"pclr", b"cmap", b"cdef"})
_COM, _SOT, _SOD = 0xFF64, 0xFF90, 0xFF93


def strip_jpx(data: bytes) -> bytes:
    """Return JPEG 2000 data (JP2 file or bare codestream) without metadata or comments."""
    if data[:2] == b"\xff\x4f":
        return _strip_codestream(data)
    out = []
    for kind, body in _boxes(data):
        if kind == b"jp2h":
            body = b"".join(
                _box(k, _strip_colour(k, b)) for k, b in _boxes(body) if k in _JP2H_KEEP
            )
        elif kind == b"jp2c":
            body = _strip_codestream(body)
        if kind in _JP2_KEEP:
            out.append(_box(kind, body))
    if not out or not out[0].startswith(b"\0\0\0\x0cjP  "):
        raise ValueError("not JPEG 2000")
    return b"".join(out)


def _boxes(data: bytes) -> list[tuple[bytes, bytes]]:
    """Split JP2 boxes into (type, contents)."""
    boxes, pos = [], 0
    while pos < len(data):
        if pos + 8 > len(data):
            raise ValueError("truncated box")
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        start = pos + 8
        if length == 1:
            if pos + 16 > len(data):
                raise ValueError("truncated box")
            length = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
            start = pos + 16
        elif length == 0:
            length = len(data) - pos
        if length < start - pos or pos + length > len(data):
            raise ValueError("bad box length")
        boxes.append((kind, data[start : pos + length]))
        pos += length
    return boxes


def _box(kind: bytes, body: bytes) -> bytes:
    """Write one JP2 box (with an extended length when it needs one)."""
    if len(body) + 8 < 1 << 32:
        return struct.pack(">I4s", len(body) + 8, kind) + body
    return struct.pack(">I4sQ", 1, kind, len(body) + 16) + body


def _strip_colour(kind: bytes, body: bytes) -> bytes:
    """Blank the texts (description, copyright, maker) of an ICC profile in a colour box."""
    if kind != b"colr" or len(body) < 3 or body[0] not in (2, 3):
        return body
    return body[:3] + blank_icc_text(body[3:])


def _strip_codestream(data: bytes) -> bytes:
    """Drop comment (COM) segments from a codestream's main and tile-part headers."""
    if data[:2] != b"\xff\x4f":
        raise ValueError("not a JPEG 2000 codestream")
    out, pos = [data[:2]], 2
    while pos + 4 <= len(data):
        marker, length = struct.unpack(">HH", data[pos : pos + 4])
        if marker == _SOT:
            return b"".join(out) + _strip_tile_parts(data, pos)
        if length < 2:
            raise ValueError("bad codestream segment")
        if marker != _COM:
            out.append(data[pos : pos + 2 + length])
        pos += 2 + length
    raise ValueError("codestream without tiles")


def _strip_tile_parts(data: bytes, pos: int) -> bytes:
    """Copy each tile-part without the COM segments of its header, fixing its length."""
    out = []
    while pos + 12 <= len(data) and data[pos : pos + 2] == b"\xff\x90":
        psot = struct.unpack(">I", data[pos + 6 : pos + 10])[0]
        part_end = len(data) if psot == 0 else pos + psot
        if part_end > len(data):
            raise ValueError("bad tile-part length")
        header, cursor = [data[pos : pos + 12]], pos + 12
        while True:
            if cursor + 2 > part_end:
                raise ValueError("tile-part without data")
            marker = struct.unpack(">H", data[cursor : cursor + 2])[0]
            if marker == _SOD:
                break
            length = struct.unpack(">H", data[cursor + 2 : cursor + 4])[0]
            if marker != _COM:
                header.append(data[cursor : cursor + 2 + length])
            cursor += 2 + length
        part = b"".join(header) + data[cursor:part_end]
        if psot != 0:
            part = part[:6] + struct.pack(">I", len(part)) + part[10:]
        out.append(part)
        pos = part_end
    return b"".join(out) + data[pos:]


# ICC tag types that hold free text (profile description, copyright, device maker and model).
_ICC_TEXT_TYPES = frozenset({b"desc", b"text", b"mluc"})


def blank_icc_text(profile: bytes) -> bytes:
    """Return the ICC profile with every text tag emptied (same size, same colours)."""
    if len(profile) < 132 or profile[36:40] != b"acsp":
        raise ValueError("not an ICC profile")
    data = bytearray(profile)
    data[84:100] = bytes(16)  # the profile ID is a checksum of what is changed here
    (count,) = struct.unpack(">I", profile[128:132])
    for index in range(min(count, (len(profile) - 132) // 12)):
        _sig, offset, size = struct.unpack(">4sII", profile[132 + 12 * index : 144 + 12 * index])
        kind = profile[offset : offset + 4]
        if kind not in _ICC_TEXT_TYPES or size < 12 or offset + size > len(profile):
            continue
        data[offset + 8 : offset + size] = bytes(size - 8)
        if kind == b"mluc" and size >= 16:
            data[offset + 12 : offset + 16] = struct.pack(">I", 12)  # no records, record size
    return bytes(data)
