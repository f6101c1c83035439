"""The layouts and print-shop presets this app offers: built-ins, imported gLabels sheets and
any configured folders; and the press profile exports name.

Loading ~1,700 imported templates takes a moment, so the result is cached per process and
reloaded only when a layout file is added, removed or changed.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from flask import current_app

from gallery.printing.engine.geometry import Layout
from gallery.printing.engine.layouts import builtin_dir, load_layouts, search_layouts
from gallery.printing.engine.presets import Preset, load_presets
from gallery.printing.engine.presets import builtin_dir as builtin_preset_dir

log = logging.getLogger(__name__)

# Stat-ing every file on each request is cheap but pointless; look again at most this often.
RECHECK_SECONDS = 2.0

_lock = threading.Lock()
_cache: dict[tuple[str, ...], tuple[tuple, dict[str, Layout]]] = {}
_checked: dict[tuple[str, ...], float] = {}


def import_dir() -> Path:
    """Return the folder ``layouts import-glabels`` writes to (``<instance>/print_layouts``)."""
    configured = current_app.config.get("PRINT_IMPORT_DIR")
    if configured:
        return Path(configured)
    return Path(current_app.instance_path) / "print_layouts"


def extra_dirs(setting: str = "PRINT_LAYOUT_DIRS") -> list[Path]:
    """Return the folders named by ``setting`` (a list, or paths joined by ``:``)."""
    configured = current_app.config.get(setting) or []
    if isinstance(configured, str):
        configured = [part for part in configured.split(os.pathsep) if part.strip()]
    return [Path(part) for part in configured]


def layout_dirs() -> list[Path]:
    """Return every layout folder in load order: later folders override earlier ids."""
    return [builtin_dir(), import_dir(), *extra_dirs()]


def _signature(dirs: list[Path]) -> tuple:
    """Return what changes when a layout file under ``dirs`` is added, removed or edited."""
    entries = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*.toml"):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(entries))


def _load(dirs: list[Path]) -> dict[str, Layout]:
    """Load the folders; one bad file is logged and skipped rather than hiding every layout."""
    return load_layouts(*dirs, strict=False)


def all_layouts() -> dict[str, Layout]:
    """Return every layout by id, from the per-process cache when no file changed."""
    dirs = layout_dirs()
    key = tuple(str(d) for d in dirs)
    with _lock:
        cached = _cache.get(key)
        now = time.monotonic()
        if cached and now - _checked.get(key, 0.0) < RECHECK_SECONDS:
            return cached[1]
        signature = _signature(dirs)
        _checked[key] = now
        if cached and cached[0] == signature:
            return cached[1]
        layouts = _load(dirs)
        _cache[key] = (signature, layouts)
        log.info("loaded %d print layouts", len(layouts))
        return layouts


def forget() -> None:
    """Drop the cache so the next call reads the folders again (after an import)."""
    with _lock:
        _cache.clear()
        _checked.clear()


def get_layout(layout_id: str) -> Layout | None:
    """Return the layout with ``layout_id``, or None."""
    return all_layouts().get(layout_id)


def find_layouts(query: str = "") -> list[Layout]:
    """Return layouts matching every word of ``query`` (brand, part, name), built-ins first."""
    return search_layouts(all_layouts(), query or "")


def all_presets() -> dict[str, Preset]:
    """Return every print-shop preset by id (a handful of small files: read each time)."""
    return load_presets(builtin_preset_dir(), *extra_dirs("PRINT_PRESET_DIRS"))


def get_preset(preset_id: str) -> Preset | None:
    """Return the preset with ``preset_id``, or None."""
    return all_presets().get(preset_id)


def press_profile() -> bytes:
    """Return the CMYK profile exports name as output intent (``PRINT_CMYK_PROFILE`` or ours)."""
    # PDF/X code loads only when an export is made, never with the print pages.
    from gallery.printing.engine.pdfx import cmyk_profile

    return cmyk_profile(current_app.config.get("PRINT_CMYK_PROFILE") or None)
