"""Print-shop presets as data: what a kind of printer asks of a file, read from TOML.

A preset file (``print_presets/*.toml``) looks like this (lengths in mm)::

    id = "generic-die-cut"
    name = "Sticker print shop, die-cut singles"
    specification = "ISO 15930-7:2010 (PDF/X-4), …"   # the public specification it follows
    colour = "cmyk"          # cmyk: convert art to the press profile; rgb: keep sRGB art
    bleed_mm = 2.0           # optional: else the layout's (sheets) or 2 mm (singles)
    safe_mm = 1.5            # text at least this far inside the cut path
    min_cut_gap_mm = 2.0     # closer cut paths are warned about
    min_edge_mm = 2.0        # a cut path closer to the page edge is warned about
    cut_spot = "CutContour"  # the die line's spot colour name, exactly
    cut_offset_mm = 2.0      # optional: border round a transparent work's outline
    min_dpi = 300            # optional: below this at final size is warned about
    requires_cut = true      # preflight fails a file without a die line

Optional: ``description``.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gallery.printing.engine.options import ExportOptions

log = logging.getLogger(__name__)

_KEYS = {"id", "name", "specification", "description", "colour", "bleed_mm", "safe_mm"}
_KEYS |= {"min_cut_gap_mm", "min_edge_mm", "cut_spot", "cut_offset_mm", "min_dpi", "requires_cut"}
_REQUIRED = ("id", "name", "specification", "colour", "cut_spot")


@dataclass(frozen=True)
class Preset:
    """What one kind of print shop (or a home printer) asks of a file."""

    id: str
    name: str
    specification: str
    cmyk: bool
    cut_spot: str = "CutContour"
    safe_mm: float = 1.5
    min_cut_gap_mm: float = 2.0
    min_edge_mm: float = 2.0
    requires_cut: bool = False
    bleed_mm: float | None = None
    cut_offset_mm: float | None = None
    min_dpi: int | None = None
    description: str = ""

    def option_values(self) -> dict[str, Any]:
        """Return the export options this preset sets (others keep their defaults)."""
        values: dict[str, Any] = {
            "preset": self.id,
            "cmyk": self.cmyk,
            "cut_colour_name": self.cut_spot,
            "min_cut_gap_mm": self.min_cut_gap_mm,
            "min_edge_mm": self.min_edge_mm,
        }
        if self.bleed_mm is not None:
            values["bleed_mm"] = self.bleed_mm
        if self.cut_offset_mm is not None:
            values["cut_offset_mm"] = self.cut_offset_mm
        return values


def builtin_dir() -> Path:
    """Return the folder of presets shipped with the app (``print_presets/`` in the repo)."""
    return Path(__file__).resolve().parents[3] / "print_presets"


def preset_from_mapping(data: Mapping[str, Any]) -> Preset:
    """Build a preset from parsed TOML; raise ValueError naming the bad field."""
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ValueError(f"unknown key(s): {', '.join(unknown)}")
    missing = [key for key in _REQUIRED if not data.get(key)]
    if missing:
        raise ValueError(f"missing: {', '.join(missing)}")
    if data["colour"] not in ("cmyk", "rgb"):
        raise ValueError(f"colour: expected cmyk or rgb, got {data['colour']!r}")
    preset = Preset(
        id=str(data["id"]),
        name=str(data["name"]),
        specification=str(data["specification"]),
        cmyk=data["colour"] == "cmyk",
        cut_spot=str(data["cut_spot"]),
        safe_mm=float(data.get("safe_mm", 1.5)),
        min_cut_gap_mm=float(data.get("min_cut_gap_mm", 2.0)),
        min_edge_mm=float(data.get("min_edge_mm", 2.0)),
        requires_cut=bool(data.get("requires_cut", False)),
        bleed_mm=float(data["bleed_mm"]) if "bleed_mm" in data else None,
        cut_offset_mm=float(data["cut_offset_mm"]) if "cut_offset_mm" in data else None,
        min_dpi=int(data["min_dpi"]) if "min_dpi" in data else None,
        description=str(data.get("description", "")),
    )
    # The same checks as any export's options: a preset cannot smuggle in a bad value.
    ExportOptions().replace(**preset.option_values())
    if not 0 <= preset.safe_mm <= 10:
        raise ValueError(f"safe_mm: {preset.safe_mm!r} is outside 0…10")
    return preset


def load_presets(*dirs: Path) -> dict[str, Preset]:
    """Load every ``*.toml`` preset in ``dirs`` (later folders override ids); skip bad files."""
    presets: dict[str, Preset] = {}
    for folder in dirs:
        if not Path(folder).is_dir():
            continue
        for path in sorted(Path(folder).glob("*.toml")):
            try:
                with path.open("rb") as fh:
                    preset = preset_from_mapping(tomllib.load(fh))
            except (OSError, tomllib.TOMLDecodeError, ValueError, TypeError) as exc:
                log.warning("skipping print preset %s: %s", path, exc)
                continue
            presets[preset.id] = preset
    return presets
