"""Print layouts as data: read, check, write and search the TOML files in ``print_layouts/``.

A layout file looks like this (all lengths in mm; the page origin is the top-left corner)::

    id = "avery-l7160"
    name = "Avery L7160, 21 labels 63.5 × 38.1 mm"
    mode = "labels"                       # labels | plain | print_and_cut
    page = { size = "A4", width_mm = 210, height_mm = 297 }
    label = { shape = "rounded", width_mm = 63.5, height_mm = 38.1, corner_radius_mm = 1.8 }

    [[grid]]                              # one or more blocks of labels, in reading order
    columns = 3
    rows = 7
    x0_mm = 7.2                           # top-left corner of the first label
    y0_mm = 15.1
    dx_mm = 66.0                          # pitch: label width/height plus the gap
    dy_mm = 38.1

    [defaults]                            # any ExportOptions field
    bleed_mm = 0

Optional top-level keys: brand, part, description, source (builtin | glabels | custom) and a
``[registration]`` table (inset_mm, length_mm, thickness_mm, square_mm) for print-and-cut marks.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from gallery.printing.engine.geometry import EPS, Box, Grid, Layout, Registration
from gallery.printing.engine.options import ExportOptions, Mode, Shape

log = logging.getLogger(__name__)

# Named page sizes in mm, so a layout file may give just `size = "A4"`.
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "A3": (297.0, 420.0),
    "A4": (210.0, 297.0),
    "A5": (148.0, 210.0),
    "A6": (105.0, 148.0),
    "US Letter": (215.9, 279.4),
    "US Legal": (215.9, 355.6),
}

_TOP_KEYS = {"id", "name", "brand", "part", "description", "source", "mode", "page", "label"}
_TOP_KEYS |= {"grid", "defaults", "registration"}
_SOURCES = ("builtin", "glabels", "custom")
IMPORT_TOLERANCE = 0.1  # mm of overlap / overhang tolerated in imported gLabels templates


def builtin_dir() -> Path:
    """Return the folder of layouts shipped with the app (``print_layouts/`` in the repo)."""
    return Path(__file__).resolve().parents[3] / "print_layouts"


def load_layout(path: Path) -> Layout:
    """Read one TOML layout file; raise ValueError naming the file and the field on bad data."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot read layout: {exc}") from exc
    try:
        layout = layout_from_mapping(data)
        # Imported template numbers are rounded in the source (e.g. a pitch 0.1 pt short).
        tolerance = IMPORT_TOLERANCE if layout.source == "glabels" else EPS
        return validate_layout(layout, tolerance=tolerance)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from exc


def layout_from_mapping(data: Mapping[str, Any]) -> Layout:
    """Build a Layout from parsed TOML (not yet checked for overlaps and the page edges)."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ValueError(f"unknown key(s): {', '.join(unknown)}")
    page = _table(data, "page")
    label = _table(data, "label")
    _no_extra(page, "page", {"size", "width_mm", "height_mm"})
    _no_extra(label, "label", {"shape", "width_mm", "height_mm", "corner_radius_mm", "diameter_mm"})
    size = _text(page, "page.size", required=True)
    if "width_mm" in page or "height_mm" in page or size not in PAPER_SIZES:
        width, height = _num(page, "page.width_mm"), _num(page, "page.height_mm")
    else:
        width, height = PAPER_SIZES[size]
    shape = _choice(label, "label.shape", Shape)
    if "diameter_mm" in label:
        if shape is not Shape.CIRCLE:
            raise ValueError("label.diameter_mm: only for shape = 'circle'")
        label_w = label_h = _num(label, "label.diameter_mm")
    else:
        label_w, label_h = _num(label, "label.width_mm"), _num(label, "label.height_mm")
    grids_raw = data.get("grid")
    if not isinstance(grids_raw, list) or not grids_raw:
        raise ValueError("grid: at least one [[grid]] table is required")
    grids = tuple(_grid(g, f"grid[{i}]") for i, g in enumerate(grids_raw))
    defaults_raw = _table(data, "defaults", required=False)
    try:
        defaults = ExportOptions.from_mapping(defaults_raw)
    except ValueError as exc:
        raise ValueError(f"defaults.{exc}") from None
    registration = None
    if "registration" in data:
        reg = _table(data, "registration")
        _no_extra(reg, "registration", {"inset_mm", "length_mm", "thickness_mm", "square_mm"})
        base = Registration()
        registration = Registration(
            inset=_num(reg, "registration.inset_mm", default=base.inset),
            length=_num(reg, "registration.length_mm", default=base.length),
            thickness=_num(reg, "registration.thickness_mm", default=base.thickness),
            square=_num(reg, "registration.square_mm", default=base.square),
        )
    source = _text(data, "source") or "builtin"
    if source not in _SOURCES:
        raise ValueError(f"source: expected one of {', '.join(_SOURCES)}, got {source!r}")
    return Layout(
        id=_text(data, "id", required=True),
        name=_text(data, "name", required=True),
        page_size=size,
        page_width=width,
        page_height=height,
        shape=shape,
        label_width=label_w,
        label_height=label_h,
        corner_radius=_num(label, "label.corner_radius_mm", default=0.0, positive=False),
        grids=grids,
        mode=_choice(data, "mode", Mode),
        defaults=defaults,
        brand=_text(data, "brand"),
        part=_text(data, "part"),
        description=_text(data, "description"),
        source=source,
        registration=registration,
    )


def load_layouts(*dirs: Path, strict: bool = True) -> dict[str, Layout]:
    """Load every ``*.toml`` below the folders; later folders override earlier ids.

    Missing folders are skipped. With ``strict=False`` a bad file is logged and skipped
    instead of failing the whole load (for user-supplied or imported folders).
    """
    layouts: dict[str, Layout] = {}
    for folder in dirs:
        folder = Path(folder)
        if not folder.is_dir():
            log.debug("layout folder %s does not exist, skipped", folder)
            continue
        seen: dict[str, Path] = {}
        for path in sorted(folder.rglob("*.toml")):
            try:
                layout = load_layout(path)
            except ValueError:
                if strict:
                    raise
                log.warning("skipping bad layout file", exc_info=True)
                continue
            if layout.id in seen:
                msg = f"{path}: id {layout.id!r} is already used by {seen[layout.id]}"
                if strict:
                    raise ValueError(msg)
                log.warning("%s; skipped", msg)
                continue
            seen[layout.id] = path
            layouts[layout.id] = layout
    return layouts


def search_layouts(layouts: Mapping[str, Layout] | Iterable[Layout], query: str) -> list[Layout]:
    """Return layouts whose id, name, brand, part or description contain every query word."""
    items = layouts.values() if isinstance(layouts, Mapping) else layouts
    words = query.casefold().split()
    found = [
        layout
        for layout in items
        if all(
            w
            in " ".join(
                (layout.id, layout.name, layout.brand, layout.part, layout.description)
            ).casefold()
            for w in words
        )
    ]
    # Built-ins first: they are checked by hand; then by name for a stable list.
    return sorted(found, key=lambda lay: (lay.source != "builtin", lay.name.casefold(), lay.id))


def dump_layout(layout: Layout) -> str:
    """Return the layout as TOML text in the format ``load_layout`` reads."""
    lines = [f"id = {_toml(layout.id)}", f"name = {_toml(layout.name)}"]
    for key in ("brand", "part", "description"):
        if getattr(layout, key):
            lines.append(f"{key} = {_toml(getattr(layout, key))}")
    lines.append(f"source = {_toml(layout.source)}")
    lines.append(f"mode = {_toml(layout.mode.value)}")
    page = {"size": layout.page_size, "width_mm": layout.page_width}
    page["height_mm"] = layout.page_height
    lines.append(f"page = {_inline(page)}")
    label: dict[str, Any] = {"shape": layout.shape.value, "width_mm": layout.label_width}
    label["height_mm"] = layout.label_height
    if layout.corner_radius:
        label["corner_radius_mm"] = layout.corner_radius
    lines.append(f"label = {_inline(label)}")
    for grid in layout.grids:
        lines += ["", "[[grid]]", f"columns = {grid.columns}", f"rows = {grid.rows}"]
        for key in ("x0", "y0", "dx", "dy"):
            lines.append(f"{key}_mm = {_toml(getattr(grid, key))}")
    base = ExportOptions().to_mapping()
    changed = {k: v for k, v in layout.defaults.to_mapping().items() if base[k] != v}
    lines += ["", "[defaults]"] + [f"{k} = {_toml(v)}" for k, v in changed.items()]
    if layout.registration:
        reg = layout.registration
        lines += ["", "[registration]"]
        for key in ("inset", "length", "thickness", "square"):
            lines.append(f"{key}_mm = {_toml(getattr(reg, key))}")
    return "\n".join(lines) + "\n"


_ID_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_.")


def validate_layout(layout: Layout, *, tolerance: float = EPS) -> Layout:
    """Return ``layout`` if it is printable: sane sizes, cells on the page, no overlaps.

    ``tolerance`` (mm) is how far cells may overlap or stick out before that is an error;
    imported templates get a little more because their numbers are rounded to 0.1 pt.
    """
    if not layout.id or set(layout.id) - _ID_CHARS or layout.id[0] in "-_." or len(layout.id) > 100:
        raise ValueError(f"id: use lowercase letters, digits, '-', '_' or '.', got {layout.id!r}")
    w, h, r = layout.label_width, layout.label_height, layout.corner_radius
    if min(layout.page_width, layout.page_height, w, h) <= 0:
        raise ValueError("page and label sizes must be greater than 0")
    if layout.shape is Shape.CIRCLE and abs(w - h) > EPS:
        raise ValueError(f"label: a circle needs width == height, got {w} × {h}")
    if layout.shape is Shape.ROUNDED and not 0 < r <= min(w, h) / 2 + EPS:
        raise ValueError(f"label.corner_radius_mm: {r} must be > 0 and ≤ half the label side")
    if layout.shape is not Shape.ROUNDED and r:
        raise ValueError("label.corner_radius_mm: only rounded labels have a corner radius")
    if layout.labels_per_sheet > 2000:
        raise ValueError(f"grid: {layout.labels_per_sheet} labels per sheet is implausible")
    area = layout.page_box
    if layout.mode is Mode.PRINT_AND_CUT:
        area = (layout.registration or Registration()).safe_area(
            layout.page_width, layout.page_height
        )
    for cell in layout.cells():
        if not cell.box.inside(area, tolerance):
            where = "page" if layout.mode is not Mode.PRINT_AND_CUT else "area inside the marks"
            raise ValueError(f"label {cell.index + 1} at {_box(cell.box)} is outside the {where}")
    for i, grid in enumerate(layout.grids):
        # Within one grid, neighbours only collide if the pitch is smaller than the label.
        tight = (grid.columns > 1 and grid.dx < w - tolerance) or (
            grid.rows > 1 and grid.dy < h - tolerance
        )
        if tight:
            raise ValueError(f"grid[{i}]: the pitch is smaller than the label, labels overlap")
    if len(layout.grids) > 1:
        _check_cross_grid(layout, tolerance)
    if layout.mode is Mode.LABELS and layout.defaults.bleed_mm > layout.max_bleed + EPS:
        raise ValueError(
            f"defaults.bleed_mm: {layout.defaults.bleed_mm} would print onto neighbouring "
            f"labels; at most {layout.max_bleed:.2f} (half the gap) on this sheet"
        )
    return layout


def _check_cross_grid(layout: Layout, tolerance: float) -> None:
    """Reject cells of different grids that overlap (circles by distance, others by box)."""
    start, groups = 0, []
    for grid in layout.grids:
        groups.append(layout.cells()[start : start + grid.columns * grid.rows])
        start += grid.columns * grid.rows
    for i, group in enumerate(groups):
        for other in groups[i + 1 :]:
            for a in group:
                for b in other:
                    if not a.box.overlaps(b.box, tolerance):
                        continue
                    if layout.shape is Shape.CIRCLE:
                        (ax, ay), (bx, by) = a.box.center, b.box.center
                        if (
                            (ax - bx) ** 2 + (ay - by) ** 2
                        ) ** 0.5 >= layout.label_width - tolerance:
                            continue
                    raise ValueError(f"labels {a.index + 1} and {b.index + 1} overlap")


def _box(box: Box) -> str:
    """Describe a box for error messages."""
    return f"({box.x:.2f}, {box.y:.2f}) {box.width:.2f} × {box.height:.2f} mm"


def _grid(raw: Any, where: str) -> Grid:
    """Read one [[grid]] table."""
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where}: expected a table")
    _no_extra(raw, where, {"columns", "rows", "x0_mm", "y0_mm", "dx_mm", "dy_mm"})
    cols, rows = _count(raw, f"{where}.columns"), _count(raw, f"{where}.rows")
    return Grid(
        columns=cols,
        rows=rows,
        x0=_num(raw, f"{where}.x0_mm", positive=False),
        y0=_num(raw, f"{where}.y0_mm", positive=False),
        # A single column or row needs no pitch.
        dx=_num(raw, f"{where}.dx_mm", default=0.0 if cols == 1 else None, positive=cols > 1),
        dy=_num(raw, f"{where}.dy_mm", default=0.0 if rows == 1 else None, positive=rows > 1),
    )


def _table(data: Mapping[str, Any], key: str, *, required: bool = True) -> Mapping[str, Any]:
    """Return a sub-table, or an empty one when optional and absent."""
    value = data.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{key}: expected a table")
    return value


def _no_extra(table: Mapping[str, Any], where: str, allowed: set[str]) -> None:
    """Reject keys we do not know, so typos do not silently fall back to defaults."""
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ValueError(f"{where}: unknown key(s): {', '.join(unknown)}")


def _num(table: Mapping[str, Any], where: str, *, default=None, positive: bool = True) -> float:
    """Read a finite number (an int is fine); ``positive`` requires > 0, otherwise ≥ 0."""
    key = where.rsplit(".", 1)[-1]
    value = table.get(key, default)
    if value is None:
        raise ValueError(f"{where}: required")
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ValueError(f"{where}: expected a number, got {value!r}")
    if value < 0 or (positive and value == 0) or abs(value) > 10_000:
        raise ValueError(f"{where}: out of range, got {value!r}")
    return float(value)


def _count(table: Mapping[str, Any], where: str) -> int:
    """Read a whole number ≥ 1."""
    value = table.get(where.rsplit(".", 1)[-1])
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: expected a whole number ≥ 1, got {value!r}")
    return value


def _text(table: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    """Read a string; required ones must not be blank."""
    value = table.get(key.rsplit(".", 1)[-1], "")
    if not isinstance(value, str):
        raise ValueError(f"{key}: expected text, got {value!r}")
    if required and not value.strip():
        raise ValueError(f"{key}: required")
    return value.strip()


def _choice(table: Mapping[str, Any], key: str, enum: type[Shape] | type[Mode]) -> Any:
    """Read an enum value, naming the allowed values on error."""
    value = table.get(key.rsplit(".", 1)[-1])
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ValueError(f"{key}: expected one of {allowed}, got {value!r}") from None


def _toml(value: Any) -> str:
    """Format one scalar as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        value = round(value, 4) + 0.0  # 0.1 µm is plenty; + 0.0 turns -0.0 into 0.0
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _inline(values: Mapping[str, Any]) -> str:
    """Format a small inline table."""
    return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in values.items()) + " }"
