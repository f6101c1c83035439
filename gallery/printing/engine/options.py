"""Export options for sticker sheets: what a print volunteer may choose, validated in one place."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

_E = TypeVar("_E", bound=StrEnum)


class Shape(StrEnum):
    """Outline of one label or sticker."""

    RECT = "rect"
    ROUNDED = "rounded"
    CIRCLE = "circle"
    ELLIPSE = "ellipse"


class Mode(StrEnum):
    """What kind of paper the sheet is printed on."""

    LABELS = "labels"  # pre-cut label stock: the cells are fixed by the die
    PLAIN = "plain"  # uncut sticker paper, cut by hand along crop marks
    PRINT_AND_CUT = "print_and_cut"  # a cutting plotter finds the sheet by registration marks


class CreditPlacement(StrEnum):
    """Where the artist credit line goes."""

    ON = "on"  # a line on the sticker itself
    UNDER = "under"  # a line on the sheet directly under the sticker
    OFF = "off"  # no credit line (the credits page still names everyone)


class Fit(StrEnum):
    """How an artwork fills its cell."""

    CONTAIN = "contain"  # whole artwork visible, may leave margins
    COVER = "cover"  # fills the cell and bleed, may crop; transparent works always CONTAIN


# Spot colour names end up as PDF names and in cutter software: keep them to plain characters.
_COLOUR_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,62}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}

# (low, high) inclusive limits for every number; generous but they stop obvious mistakes
# (a bleed of 50 mm, a scale of 10) before a volunteer wastes a pack of label sheets.
_RANGES: dict[str, tuple[float, float]] = {
    "bleed_mm": (0.0, 10.0),
    "cut_offset_mm": (0.0, 10.0),
    "offset_x_mm": (-20.0, 20.0),
    "offset_y_mm": (-20.0, 20.0),
    "scale": (0.9, 1.1),
    "start_at": (1, 10_000),
    "dpi": (72, 1200),
    "min_dpi": (1, 1200),
    "min_cut_gap_mm": (0.0, 20.0),
    "min_edge_mm": (0.0, 20.0),
}
_PRESET_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")


@dataclass(frozen=True)
class ExportOptions:
    """Everything that changes how a sheet is printed, independent of the layout geometry."""

    bleed_mm: float = 1.5
    crop_marks: bool = False
    cut_lines: bool = False
    registration_marks: bool = False
    cut_colour_name: str = "CutContour"
    cut_offset_mm: float = 1.5  # die-cut outline offset for transparent works
    credit: CreditPlacement = CreditPlacement.ON
    credits_page: bool = True
    # Printer calibration, applied to all page content about the page origin (top-left):
    # page point p becomes p * scale + offset.
    offset_x_mm: float = 0.0
    offset_y_mm: float = 0.0
    scale: float = 1.0
    fit: Fit = Fit.CONTAIN
    start_at: int = 1  # 1-based label index of the first free label (first sheet only)
    dpi: int = 300
    min_dpi: int = 300
    # Convert every raster to the press CMYK profile (else they stay ICC-based sRGB).
    cmyk: bool = False
    # Shops' limits: cut paths closer than this to each other or to the sheet edge are warned.
    min_cut_gap_mm: float = 2.0
    min_edge_mm: float = 2.0
    # The print-shop preset these options were filled from ("" = none), for the record.
    preset: str = ""

    def __post_init__(self) -> None:
        """Reject out-of-range values however the options were built."""
        for name, (low, high) in _RANGES.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name}: expected a number, got {value!r}")
            if not math.isfinite(value) or not low <= value <= high:
                raise ValueError(f"{name}: {value!r} is outside {low:g}…{high:g}")
        for name in ("start_at", "dpi", "min_dpi"):
            if not isinstance(getattr(self, name), int):
                raise ValueError(f"{name}: expected a whole number, got {getattr(self, name)!r}")
        for name in ("crop_marks", "cut_lines", "registration_marks", "credits_page", "cmyk"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name}: expected true or false, got {getattr(self, name)!r}")
        if not isinstance(self.cut_colour_name, str) or not _COLOUR_NAME.match(
            self.cut_colour_name
        ):
            raise ValueError(
                "cut_colour_name: use 1-63 letters, digits, '-' or '_' starting with a letter, "
                f"got {self.cut_colour_name!r}"
            )
        if not isinstance(self.preset, str) or (self.preset and not _PRESET_ID.match(self.preset)):
            raise ValueError(f"preset: not a preset id: {self.preset!r}")
        # Enums are checked by coercion so a plain "cover" string is accepted too.
        object.__setattr__(self, "credit", _enum(CreditPlacement, "credit", self.credit))
        object.__setattr__(self, "fit", _enum(Fit, "fit", self.fit))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ExportOptions:
        """Build options from a form, JSON or TOML mapping; raise ValueError on bad/unknown keys."""
        if not isinstance(data, Mapping):
            raise ValueError(f"export options: expected a mapping, got {type(data).__name__}")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(str(k) for k in data if k not in fields)
        if unknown:
            raise ValueError(f"unknown export option(s): {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for key, raw in data.items():
            default = getattr(cls, key)
            if isinstance(default, bool):
                values[key] = _bool(key, raw)
            elif isinstance(default, StrEnum):
                values[key] = _enum(type(default), key, raw)
            elif isinstance(default, int):
                values[key] = _int(key, raw)
            elif isinstance(default, float):
                values[key] = _float(key, raw)
            else:
                if not isinstance(raw, str):
                    raise ValueError(f"{key}: expected text, got {raw!r}")
                values[key] = raw.strip()
        return cls(**values)

    def to_mapping(self) -> dict[str, Any]:
        """Return plain values (enums as strings) that ``from_mapping`` reads back unchanged."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.value if isinstance(value, StrEnum) else value
        return out

    def replace(self, **changes: Any) -> ExportOptions:
        """Return a copy with ``changes`` applied (validated like any new options)."""
        return dataclasses.replace(self, **changes)


def _bool(key: str, raw: Any) -> bool:
    """Read a boolean from a real bool or a form-style string."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise ValueError(f"{key}: expected true or false, got {raw!r}")


def _float(key: str, raw: Any) -> float:
    """Read a finite number from a number or numeric string (bools are not numbers here)."""
    if isinstance(raw, bool):
        raise ValueError(f"{key}: expected a number, got {raw!r}")
    try:
        value = float(raw.strip().replace(",", ".") if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        raise ValueError(f"{key}: expected a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{key}: expected a finite number, got {raw!r}")
    return value


def _int(key: str, raw: Any) -> int:
    """Read a whole number; 3.0 is fine, 3.5 is not."""
    value = _float(key, raw)
    if value != int(value):
        raise ValueError(f"{key}: expected a whole number, got {raw!r}")
    return int(value)


def _enum(enum: type[_E], key: str, raw: Any) -> _E:
    """Read an enum member by its value, naming the allowed values on error."""
    try:
        return enum(raw.strip().lower() if isinstance(raw, str) else raw)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ValueError(f"{key}: expected one of {allowed}, got {raw!r}") from None
