"""Local fonts for credit lines, and text measurement to fit a credit into its box.

Credits can be in any script, so the CSS font stack names several families and Pango falls
back through fontconfig for anything else. Fonts always come from the system: nothing is ever
fetched. To size a credit line before WeasyPrint lays it out we measure it with the same font
files (per character, first family that has the glyph), shaped by Pillow when it has raqm.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

log = logging.getLogger(__name__)

#: CSS font stack for credits: Latin/Cyrillic/Greek, Arabic, Hebrew, then broad fallbacks.
FONT_STACK = (
    '"Noto Sans", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Armenian", '
    '"Noto Sans Georgian", "DejaVu Sans", sans-serif'
)
# The same families as files, in the same order, for measuring (Debian's standard locations).
_FILES = (
    "NotoSans-Regular.ttf",
    "NotoSansArabic-Regular.ttf",
    "NotoSansHebrew-Regular.ttf",
    "NotoSansArmenian-Regular.ttf",
    "NotoSansGeorgian-Regular.ttf",
    "DejaVuSans.ttf",
)
_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
_EM = 100  # measuring size; widths scale linearly
_FALLBACK_EM = 0.62  # average advance when no font file is found (Noto Sans is ~0.55)


@lru_cache(maxsize=1)
def font_files() -> tuple[Path, ...]:
    """Return the credit font files found on this system, in stack order."""
    found: dict[str, Path] = {}
    for root in _DIRS:
        base = Path(root)
        if not base.is_dir():
            continue
        for path in base.rglob("*.ttf"):
            if path.name in _FILES and path.name not in found:
                found[path.name] = path
    missing = [name for name in _FILES if name not in found]
    if missing:
        log.info("credit fonts not installed: %s", ", ".join(missing))
    return tuple(found[name] for name in _FILES if name in found)


@lru_cache(maxsize=8)
def _coverage(path: Path) -> frozenset[int]:
    """Return the code points a font file has glyphs for."""
    # fontTools loads with the first credit measured, not with the print pages' modules.
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


@lru_cache(maxsize=8)
def _font(path: Path) -> ImageFont.FreeTypeFont:
    """Open a font file at the measuring size."""
    return ImageFont.truetype(str(path), _EM)


def text_width_em(text: str) -> float:
    """Return the advance width of ``text`` in em (font size units), as a single line."""
    files = font_files()
    if not files:
        return len(text) * _FALLBACK_EM
    runs: list[tuple[Path | None, str]] = []
    for char in text:
        path = next((p for p in files if ord(char) in _coverage(p)), None)
        if runs and runs[-1][0] == path:
            runs[-1] = (path, runs[-1][1] + char)
        else:
            runs.append((path, char))
    width = 0.0
    for path, run in runs:
        if path is None:
            width += len(run) * _FALLBACK_EM * _EM
        else:
            width += _font(path).getlength(run)
    return width / _EM


def fit_line(
    text: str, *, width_pt: float, height_pt: float, max_pt: float = 9.0, min_pt: float = 5.0
) -> tuple[str, float]:
    """Return (text, font size in pt) so one line fits ``width_pt``; shrink, then ellipsise.

    The size never exceeds what the box height allows (Noto's ascent + descent is ~1.36 em;
    1.3 keeps even accents inside the box), nor goes below
    ``min_pt`` unless the box is too low for it.
    """
    text = " ".join(text.split())
    # Leave 6 % slack: Pango's metrics, kerning and fallback fonts differ slightly from ours.
    room = width_pt * 0.94
    ceiling = max(1.0, min(max_pt, height_pt / 1.3))
    floor = min(min_pt, ceiling)
    em = text_width_em(text)
    if em <= 0:
        return text, ceiling
    size = min(ceiling, room / em)
    if size >= floor:
        return text, round(size, 2)
    # Too long even at the smallest size: cut at a character and add an ellipsis.
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if text_width_em(text[:mid].rstrip() + "…") * floor <= room:
            low = mid
        else:
            high = mid - 1
    return (text[:low].rstrip() + "…") if low else "…", floor
