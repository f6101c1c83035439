"""Which installed font files a drawing's text can use, so resvg loads those and not all of them.

resvg reads every font in the folders it is given before it draws (~13 ms for ~350 files, in
each of an upload's two renders), although a sticker's text needs a handful. The worker names
what its drawing's text asks for (families and characters, read from the cleaned file) and
the app answers from this index of the installed fonts with the files resvg could pick:

- every face of every family the drawing names, and of the generic families' fonts (resvg
  only looks a family up among faces that carry its name, so nothing else can match);
- for each character that not every one of those faces has, every face that has it, in
  resvg's own order: resvg's fallback takes the first face in its font list that has the
  character, and the first in the subset is then the first in the full list.

The picture is the same as with every font loaded (tests/intake/test_vector_fonts.py holds
this, script by script). The index is read from the fonts' own tables (family names and
character maps) once per app process, and again when a font folder changes; a map this reader
does not know makes its face count as having every character when one is needed and as
lacking all of them otherwise, and a file it cannot read at all is always handed over.
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
# Past these, a request is answered with every font (as if there were no index); above the
# worker's own limits (svgtext.py: 4,096 characters, 64 families, and the generic families).
MAX_CHARS = 8192
MAX_FAMILIES = 128


@dataclass(frozen=True)
class Face:
    """One face of an installed font file: its family names and the characters it maps."""

    path: str
    families: frozenset[str]  # casefolded
    # Sorted, merged (start, end) ranges: "strict" maps to a real glyph, "loose" to anything.
    strict: tuple[list[int], list[int]]
    loose: tuple[list[int], list[int]]
    known: bool  # every Unicode character map of the face was read
    readable: bool = True  # False: this reader could not read it, but resvg might

    def has(self, char: int) -> bool:
        """Tell whether the face surely has a glyph for ``char``."""
        return self.known and _inside(self.strict, char)

    def may_have(self, char: int) -> bool:
        """Tell whether resvg might find ``char`` in the face."""
        return not self.known or _inside(self.loose, char)


def select(families: Iterable[str], chars: str) -> list[str]:
    """Return the font files (in resvg's order) that text in ``families`` and ``chars`` can use."""
    faces = index()
    wanted = {name.strip().casefold() for name in families}
    named = [face for face in faces if face.families & wanted or not face.readable]
    codes = sorted({ord(char) for char in chars})
    missing = [code for code in codes if not all(face.has(code) for face in named)]
    chosen = {face.path for face in named}
    for code in missing:
        chosen.update(face.path for face in faces if face.may_have(code))
    return [path for path in _paths(faces) if path in chosen]


_lock = threading.Lock()
_faces: list[Face] | None = None
# The font folders' modification times when the index was read: a font added or removed
# changes its folder's.
_stamp: tuple[tuple[str, int], ...] = ()


def index() -> list[Face]:
    """Return the installed faces in resvg's loading order (read once, then kept up to date)."""
    with _lock:
        if _faces is None:
            _read_all()
        assert _faces is not None
        return _faces


def warm() -> None:
    """Read the installed fonts, or read them again if a font folder changed, on a thread.

    Called whenever a worker is started, so the index is ready before its first question and
    follows fonts installed or removed while the app runs.
    """
    if not _lock.locked():
        threading.Thread(target=_refresh, name="font-index", daemon=True).start()


def _refresh() -> None:
    """Read the fonts if never read or if a font folder changed since."""
    with _lock:
        if _faces is None or _folders_stamp() != _stamp:
            _read_all()


def _read_all() -> None:
    """Read every installed font (the caller holds the lock)."""
    global _faces, _stamp
    _stamp = _folders_stamp()
    _faces = [face for folder in FONT_DIRS for face in _read_folder(folder)]
    log.info("font index: %d faces", len(_faces))


def _folders_stamp() -> tuple[tuple[str, int], ...]:
    """Return every font folder with its modification time (0 for one that is missing)."""
    stamp = []
    pending = list(FONT_DIRS)
    while pending:
        folder = pending.pop()
        try:
            stamp.append((folder, os.stat(folder).st_mtime_ns))
            pending.extend(entry.path for entry in os.scandir(folder) if entry.is_dir())
        except OSError:
            stamp.append((folder, 0))
    return tuple(sorted(stamp))


def _paths(faces: list[Face]) -> list[str]:
    """Return the files of ``faces`` once each, in order."""
    return list(dict.fromkeys(face.path for face in faces))


def _read_folder(folder: str) -> list[Face]:
    """Read a folder as resvg does: entries in directory order, sub-folders where they come."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    faces = []
    for entry in entries:
        try:
            if entry.is_file():
                if entry.name.rpartition(".")[2] in _EXTENSIONS:
                    faces.extend(_read_file(entry.path))
            elif entry.is_dir():
                faces.extend(_read_folder(entry.path))
        except OSError:
            continue
    return faces


def _read_file(path: str) -> list[Face]:
    """Return the faces of one font file (several for a collection); none if it is unreadable."""
    try:
        with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return [_read_face(path, data, offset) for offset in _face_offsets(data)]
    except (OSError, ValueError, struct.error, IndexError, KeyError):
        log.info("font index: %s not readable here: always handed to resvg", path)
        return [Face(path, frozenset(), ([], []), ([], []), known=False, readable=False)]


def _face_offsets(data: mmap.mmap) -> list[int]:
    """Return where each face's table directory starts."""
    if data[:4] == b"ttcf":
        (count,) = struct.unpack_from(">I", data, 8)
        return list(struct.unpack_from(f">{count}I", data, 12))
    return [0]


def _read_face(path: str, data: mmap.mmap, offset: int) -> Face:
    """Read one face's family names and character maps."""
    (count,) = struct.unpack_from(">H", data, offset + 4)
    tables = {}
    for number in range(count):
        tag, _checksum, start = struct.unpack_from(">4sII", data, offset + 12 + 16 * number)
        tables[tag] = start
    families = _family_names(data, tables[b"name"]) if b"name" in tables else frozenset()
    strict: list[tuple[int, int]] = []
    loose: list[tuple[int, int]] = []
    known = b"cmap" not in tables or _character_maps(data, tables[b"cmap"], strict, loose)
    return Face(path, families, _merged(strict), _merged(loose), known)


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
        text = raw.decode("utf-16-be", "replace") if platform in (0, 3) else raw.decode("latin-1")
        names.add(text.strip().casefold())
    return frozenset(names)


def _character_maps(
    data: mmap.mmap, start: int, strict: list[tuple[int, int]], loose: list[tuple[int, int]]
) -> bool:
    """Add the Unicode maps' ranges; return False if one of them is of a kind not read here."""
    (count,) = struct.unpack_from(">H", data, start + 2)
    known = True
    for number in range(count):
        platform, encoding, where = struct.unpack_from(">HHI", data, start + 4 + 8 * number)
        if not (platform == 0 or (platform == 3 and encoding in (1, 10))):
            continue  # not Unicode: resvg does not look there
        table = start + where
        (kind,) = struct.unpack_from(">H", data, table)
        if kind == 4:
            _format_4(data, table, strict, loose)
        elif kind in (12, 13):
            _format_12(data, table, strict, loose, many_to_one=kind == 13)
        elif kind == 14:
            continue  # variation sequences: no characters of their own
        else:
            known = False
    return known


def _format_4(
    data: mmap.mmap, table: int, strict: list[tuple[int, int]], loose: list[tuple[int, int]]
) -> None:
    """Segments of the Basic Multilingual Plane, with a glyph array for some of them."""
    (doubled,) = struct.unpack_from(">H", data, table + 6)
    segments = doubled // 2
    ends = struct.unpack_from(f">{segments}H", data, table + 14)
    starts = struct.unpack_from(f">{segments}H", data, table + 16 + doubled)
    deltas = struct.unpack_from(f">{segments}h", data, table + 16 + 2 * doubled)
    offsets_at = table + 16 + 3 * doubled
    offsets = struct.unpack_from(f">{segments}H", data, offsets_at)
    for number, (first, last, delta, offset) in enumerate(
        zip(starts, ends, deltas, offsets, strict=True)
    ):
        if first > last or first == 0xFFFF:
            continue
        loose.append((first, last))
        if offset == 0:
            hole = -delta % 0x10000  # the one character this segment maps to glyph 0
            if first <= hole <= last:
                strict.extend(r for r in ((first, hole - 1), (hole + 1, last)) if r[0] <= r[1])
            else:
                strict.append((first, last))
            continue
        array = offsets_at + 2 * number + offset
        glyphs = struct.unpack_from(f">{last - first + 1}H", data, array)
        strict.extend(
            (first + at, first + at)
            for at, glyph in enumerate(glyphs)
            if glyph and (glyph + delta) % 0x10000
        )


def _format_12(
    data: mmap.mmap,
    table: int,
    strict: list[tuple[int, int]],
    loose: list[tuple[int, int]],
    *,
    many_to_one: bool,
) -> None:
    """Groups of consecutive characters (format 12) or groups sharing one glyph (format 13)."""
    (groups,) = struct.unpack_from(">I", data, table + 12)
    values = struct.unpack_from(f">{3 * groups}I", data, table + 16)
    for first, last, glyph in zip(values[0::3], values[1::3], values[2::3], strict=True):
        if first > last:
            continue
        loose.append((first, last))
        if many_to_one:
            if glyph:
                strict.append((first, last))
        elif glyph or first < last:
            strict.append((first + (glyph == 0), last))  # only the first maps to glyph 0


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


def _inside(ranges: tuple[list[int], list[int]], code: int) -> bool:
    """Tell whether ``code`` falls in one of ``ranges``."""
    starts, ends = ranges
    at = bisect.bisect_right(starts, code) - 1
    return at >= 0 and code <= ends[at]
