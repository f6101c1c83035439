"""Which installed font files a drawing's text can use, so resvg loads those and not all of them.

resvg reads every font in the folders it is given before it draws (8-13 ms for ~350 files, in
each of an upload's two renders), although a sticker's text usually needs a handful. The
worker names what its drawing's text asks for (families and characters, read from the cleaned
file) and the app answers from this index of the installed fonts:

- when every face of every family the text names, and of the generic families' fonts, has a
  glyph for every character of the text, and the text is in scripts the shaper handles by its
  default rules (Latin, Greek, Cyrillic, Armenian, punctuation, symbols), the answer is those
  faces' files. resvg only looks a family up among faces that carry its name, so no other
  face can be chosen; and with a glyph for every character, shaping leaves no cluster
  without one, so resvg never falls back to another face;
- otherwise the answer is "every font": resvg's fallback searches its whole font list for the
  first character of a cluster that has no glyph, and which face it finds depends on all of
  them (a combining mark the base font lacks sends it looking for the base letter).

The picture is the same as with every font loaded (tests/intake/test_vector_fonts.py holds
this, script by script). A face "has" a character only if the character map resvg's shaper
uses (the first of Windows symbol, Windows full, Unicode full, Windows BMP, Unicode BMP) gives
it a real glyph; a face whose map this reader does not know, or a file it cannot read, has
none, so an unusual font makes the answer "every font", never a wrong picture. The index is
read once per app process, and again when a font folder changes.
"""

from __future__ import annotations

import bisect
import logging
import mmap
import os
import struct
import threading
from collections.abc import Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
# The files resvg's font database loads from a folder, by extension (case as it checks).
_EXTENSIONS = frozenset({"ttf", "ttc", "otf", "otc", "TTF", "TTC", "OTF", "OTC"})
# Name IDs of a family: the family, and the typographic family resvg prefers.
_FAMILY_NAMES = (1, 16)
# The character map the shaper (rustybuzz, as HarfBuzz) uses: the first of these it finds.
_PREFERRED_MAPS = ((3, 0), (3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))
_SYMBOL_MAP = (3, 0)  # glyphs found with an offset: not read here
# Subtable formats the shaper's reader knows (the first unknown one ends its list).
_KNOWN_FORMATS = frozenset({0, 2, 4, 6, 8, 10, 12, 13, 14})
# Characters the shaper handles by its default rules: Latin, Greek, Cyrillic and Armenian,
# their combining marks, punctuation and symbols. Other scripts' shapers may ask a font for
# characters that are not in the text (Thai and Lao split SARA AM, Indic scripts split vowel
# signs, Arabic takes presentation forms from a font without shaping tables of its own), so
# their text gets every font.
_DEFAULT_SHAPED = (
    (0x0000, 0x058F),
    (0x1AB0, 0x1AFF),
    (0x1D00, 0x1FFF),
    (0x2000, 0x2BFF),
    (0x2C60, 0x2C7F),
    (0x2DE0, 0x2E7F),
    (0xA640, 0xA69F),
    (0xA720, 0xA7FF),
    (0xFB00, 0xFB06),
    (0xFE20, 0xFE2F),
)
# Past these, a request is answered with every font (as if there were no index); above the
# worker's own limits (svgtext.py: 4,096 characters, 64 families, and the generic families).
MAX_CHARS = 8192
MAX_FAMILIES = 128


@dataclass(frozen=True)
class Face:
    """One face of an installed font file: its family names and the characters it has."""

    path: str
    families: frozenset[str]  # casefolded
    glyphs: tuple[list[int], list[int]]  # sorted, merged (start, end) ranges with a glyph
    readable: bool = True  # False: its names or tables could not be read here

    def has(self, char: int) -> bool:
        """Tell whether the face surely has a glyph for ``char``."""
        starts, ends = self.glyphs
        at = bisect.bisect_right(starts, char) - 1
        return at >= 0 and char <= ends[at]


def select(families: Iterable[str], chars: str) -> list[str] | None:
    """Return the font files (in resvg's order) for text in ``families`` and ``chars``.

    None means every font: some character may need resvg's fallback, or the text is in a
    script whose shaper may ask the font for characters the text does not have.
    """
    codes = {ord(char) for char in chars}
    if not all(any(low <= code <= high for low, high in _DEFAULT_SHAPED) for code in codes):
        return None
    wanted = {name.strip().casefold() for name in families}
    # A face whose names could not be read might carry any of them.
    named = [face for face in index() if face.families & wanted or not face.readable]
    if not named or not all(face.has(code) for face in named for code in codes):
        return None
    return list(dict.fromkeys(face.path for face in named))


_lock = threading.Lock()  # held while the fonts are read for the first time
_refreshing = threading.Lock()  # one re-read at a time, beside the questions
_faces: list[Face] | None = None
# The font folders' modification times when the index was read: a font added or removed
# changes its folder's.
_stamp: tuple[tuple[str, int], ...] = ()


def index() -> list[Face]:
    """Return the installed faces in resvg's loading order (read once, then kept up to date)."""
    faces = _faces
    if faces is not None:
        return faces
    with _lock:
        if _faces is None:
            _read_all(_folders_stamp())
        assert _faces is not None
        return _faces


def warm() -> None:
    """Read the installed fonts, or read them again if a font folder changed, on a thread.

    Called whenever a worker is started, so the index is ready before its first question and
    follows fonts installed or removed while the app runs. Questions meanwhile get the index
    as it was.
    """
    threading.Thread(target=_refresh, name="font-index", daemon=True).start()


def _refresh() -> None:
    """Read the fonts if never read or if a font folder changed since."""
    if not _refreshing.acquire(blocking=False):
        return
    try:
        stamp = _folders_stamp()
        if _faces is None:
            index()
        elif stamp != _stamp:
            _read_all(stamp)
    finally:
        _refreshing.release()


def _read_all(stamp: tuple[tuple[str, int], ...]) -> None:
    """Read every installed font, then put the new index in place of the old one."""
    global _faces, _stamp
    seen: set[str] = set()
    faces = [face for folder in FONT_DIRS for face in _read_folder(folder, seen)]
    _faces, _stamp = faces, stamp
    log.info("font index: %d faces", len(faces))


def _folders_stamp() -> tuple[tuple[str, int], ...]:
    """Return every font folder with its modification time (0 for one that is missing)."""
    stamp, seen = [], set()
    pending = list(FONT_DIRS)
    while pending:
        folder = pending.pop()
        real = os.path.realpath(folder)
        if real in seen:
            continue  # a link back up the tree
        seen.add(real)
        try:
            stamp.append((folder, os.stat(folder).st_mtime_ns))
            pending.extend(entry.path for entry in os.scandir(folder) if entry.is_dir())
        except OSError:
            stamp.append((folder, 0))
    return tuple(sorted(stamp))


def _read_folder(folder: str, seen: set[str]) -> list[Face]:
    """Read a folder as resvg does: entries in directory order, sub-folders where they come."""
    real = os.path.realpath(folder)
    if real in seen:
        return []  # a link back up the tree
    seen.add(real)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    faces = []
    for entry in entries:
        try:
            if entry.is_file():
                stem, _dot, extension = entry.name.rpartition(".")
                if stem and extension in _EXTENSIONS:  # ".ttf" alone has no extension
                    faces.extend(_read_file(entry.path))
            elif entry.is_dir():
                faces.extend(_read_folder(entry.path, seen))
        except OSError:
            continue
    return faces


def _read_file(path: str) -> list[Face]:
    """Return the faces of one font file (several for a collection)."""
    try:
        with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return [_read_face(path, data, offset) for offset in _face_offsets(data)]
    except (OSError, ValueError, struct.error, IndexError, KeyError):
        # resvg may still read it: listed as unreadable, it makes any text ask for every font.
        log.warning("font index: %s not readable here; drawings with text get every font", path)
        return [Face(path, frozenset(), ([], []), readable=False)]


def _face_offsets(data: mmap.mmap) -> list[int]:
    """Return where each face's table directory starts."""
    if data[:4] == b"ttcf":
        (count,) = struct.unpack_from(">I", data, 8)
        return list(struct.unpack_from(f">{count}I", data, 12))
    return [0]


def _read_face(path: str, data: mmap.mmap, offset: int) -> Face:
    """Read one face's family names and the characters its shaping map gives a glyph."""
    (count,) = struct.unpack_from(">H", data, offset + 4)
    tables = {}
    for number in range(count):
        tag, _checksum, start = struct.unpack_from(">4sII", data, offset + 12 + 16 * number)
        tables[tag] = start
    families = _family_names(data, tables[b"name"]) if b"name" in tables else frozenset()
    glyph_count = struct.unpack_from(">H", data, tables[b"maxp"] + 4)[0]
    ranges: list[tuple[int, int]] = []
    if b"cmap" in tables:
        _character_map(data, tables[b"cmap"], glyph_count, ranges)
    clean = not any("\ufffd" in name for name in families)  # a name that did not decode
    return Face(path, families, _merged(ranges), readable=clean)


def _family_names(data: mmap.mmap, start: int) -> frozenset[str]:
    """Return every family and typographic family name of the face, in every language."""
    _format, count, strings = struct.unpack_from(">HHH", data, start)
    names = set()
    for number in range(count):
        platform, _encoding, _language, name_id, length, where = struct.unpack_from(
            ">6H", data, start + 6 + 12 * number
        )
        if name_id not in _FAMILY_NAMES:
            continue
        raw = bytes(data[start + strings + where : start + strings + where + length])
        codec = "utf-16-be" if platform in (0, 3) else "mac_roman"
        names.add(raw.decode(codec, "replace").strip().casefold())
    return frozenset(names)


def _character_map(
    data: mmap.mmap, start: int, glyph_count: int, ranges: list[tuple[int, int]]
) -> None:
    """Add the ranges the shaper's character map gives a real glyph (none if unsure).

    The shaper's reader stops at the first subtable it cannot read, and looks characters up
    by binary search: a map with a subtable of unknown kind, or with segments out of order,
    counts as giving no glyph at all.
    """
    (count,) = struct.unpack_from(">H", data, start + 2)
    maps = {}
    for number in range(count):
        platform, encoding, where = struct.unpack_from(">HHI", data, start + 4 + 8 * number)
        (kind,) = struct.unpack_from(">H", data, start + where)
        if kind not in _KNOWN_FORMATS:
            return
        maps.setdefault((platform, encoding), start + where)
    chosen = next((key for key in _PREFERRED_MAPS if key in maps), None)
    if chosen is None or chosen == _SYMBOL_MAP:
        return
    table = maps[chosen]
    (kind,) = struct.unpack_from(">H", data, table)
    if kind == 4:
        _format_4(data, table, glyph_count, ranges)
    elif kind in (12, 13):
        _format_12(data, table, glyph_count, ranges, many_to_one=kind == 13)


def _format_4(data: mmap.mmap, table: int, glyph_count: int, ranges: list[tuple[int, int]]) -> None:
    """Segments of the Basic Multilingual Plane, some of them through a glyph array.

    The shaper's reader computes these glyphs as signed 16-bit sums (above 0x7FFF it finds
    none) and a glyph array position as a 16-bit sum from the subtable's start.
    """
    limit = min(glyph_count, 0x8000)
    (length,) = struct.unpack_from(">H", data, table + 2)
    (doubled,) = struct.unpack_from(">H", data, table + 6)
    segments = doubled // 2
    ends = struct.unpack_from(f">{segments}H", data, table + 14)
    starts = struct.unpack_from(f">{segments}H", data, table + 16 + doubled)
    deltas = struct.unpack_from(f">{segments}H", data, table + 16 + 2 * doubled)
    offsets_at = table + 16 + 3 * doubled
    offsets = struct.unpack_from(f">{segments}H", data, offsets_at)
    if any(a > b for a, b in zip(starts, ends, strict=True)) or any(
        ends[n] >= starts[n + 1] for n in range(segments - 1)
    ):
        return  # out of order: a binary search would not find what this walk finds
    for number, (first, last, delta, offset) in enumerate(
        zip(starts, ends, deltas, offsets, strict=True)
    ):
        if first == 0xFFFF or offset == 0xFFFF:
            continue
        if offset == 0:
            ranges.extend(_consecutive(first, last, (first + delta) % 0x10000, limit, wraps=True))
            continue
        for char in range(first, last + 1):
            position = offsets_at - table + 2 * number + offset + 2 * (char - first)
            if position + 2 > min(length, 0x10000):
                break  # past the subtable, or where the reader's sum wraps: left out
            (glyph,) = struct.unpack_from(">H", data, table + position)
            if glyph and 0 < (glyph + delta) % 0x10000 < limit:
                ranges.append((char, char))


def _consecutive(
    first: int, last: int, glyph: int, limit: int, *, wraps: bool
) -> list[tuple[int, int]]:
    """Return the characters first..last mapped to glyph, glyph + 1 … that are below limit.

    In a format 4 segment the glyph numbers wrap past 0xFFFF to 0; in a format 12 group the
    reader gives nothing past 0xFFFF.
    """
    found = []
    wrap = first + 0x10000 - glyph  # the character whose glyph number would be 0x10000
    pieces = [(first, glyph, min(last, wrap - 1))]
    if wraps:
        pieces.append((wrap, 0, last))
    for low, low_glyph, high in pieces:
        start = low + max(0, 1 - low_glyph)  # glyph 0 is .notdef
        end = min(high, low + limit - 1 - low_glyph)
        if start <= end:
            found.append((start, end))
    return found


def _format_12(
    data: mmap.mmap,
    table: int,
    glyph_count: int,
    ranges: list[tuple[int, int]],
    *,
    many_to_one: bool,
) -> None:
    """Groups of consecutive characters (format 12) or groups sharing one glyph (format 13)."""
    (groups,) = struct.unpack_from(">I", data, table + 12)
    values = struct.unpack_from(f">{3 * groups}I", data, table + 16)
    firsts, lasts = values[0::3], values[1::3]
    if any(a > b for a, b in zip(firsts, lasts, strict=True)) or any(
        lasts[n] >= firsts[n + 1] for n in range(groups - 1)
    ):
        return  # out of order: a binary search would not find what this walk finds
    for first, last, glyph in zip(firsts, lasts, values[2::3], strict=True):
        if many_to_one:
            if 0 < glyph < glyph_count:
                ranges.append((first, last))
        elif glyph < glyph_count:
            ranges.extend(_consecutive(first, last, glyph, glyph_count, wraps=False))


def _merged(ranges: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Return ``ranges`` sorted and joined where they touch, as (starts, ends)."""
    starts: list[int] = []
    ends: list[int] = []
    for first, last in sorted(ranges):
        if ends and first <= ends[-1] + 1:
            ends[-1] = max(ends[-1], last)
        else:
            starts.append(first)
            ends.append(last)
    return starts, ends
