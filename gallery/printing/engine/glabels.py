"""Import label sheets from gLabels template files (glabels-3 XML) as layouts.

gLabels ships measured geometry for ~1,700 commercial label sheets (Debian: glabels-data).
Each supported template becomes a ``labels`` mode Layout with id ``glabels-<brand>-<part>``.
Run ``python -m gallery.printing.engine.glabels [DEST]`` to write them as TOML files.
"""

from __future__ import annotations

import logging
import math
import os
import re
import sys
import time
import xml.etree.ElementTree as ET  # DTDs and entities are refused before parsing
from dataclasses import dataclass, replace
from pathlib import Path

from gallery.printing.engine.geometry import Grid, Layout
from gallery.printing.engine.layouts import (
    IMPORT_TOLERANCE,
    builtin_dir,
    dump_layout,
    validate_layout,
)
from gallery.printing.engine.options import ExportOptions, Mode, Shape

log = logging.getLogger(__name__)

# Where Debian and Ubuntu install the templates (glabels 3, then glabels-qt / glabels 4).
DEFAULT_DIRS = (
    "/usr/share/libglabels-3.0/templates",
    "/usr/share/glabels-qt/templates",
    "/usr/share/glabels/templates",
    "/usr/local/share/libglabels-3.0/templates",
)
_UNITS = {"pt": 25.4 / 72, "in": 25.4, "mm": 1.0, "cm": 10.0, "pc": 25.4 / 6}
_LENGTH = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([a-z]*)\s*$")
# Used when no paper-sizes.xml sits beside the templates (a single file imported on its own).
_PAPER_FALLBACK = {"A4": ("A4", 210.0, 297.0), "US-Letter": ("US Letter", 215.9, 279.4)}
MAX_DEFAULT_BLEED = 1.0  # mm; label stock rarely leaves room for more between labels


@dataclass(frozen=True)
class _Raw:
    """A parsed <Template> before equivalents are resolved."""

    brand: str
    part: str
    description: str
    element: ET.Element
    paper: dict[str, tuple[str, float, float]]
    source: str  # file name, for log messages


def parse_length(text: str) -> float:
    """Convert a gLabels length to mm; a bare number is in points (1 pt = 1/72 in)."""
    match = _LENGTH.match(text or "")
    if not match or (match.group(2) and match.group(2) not in _UNITS):
        raise ValueError(f"not a gLabels length: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2) or "pt"]


def _length(text: str) -> float:
    """Parse a length rounded to 0.1 µm, the precision layout files keep (exact round trip)."""
    return round(parse_length(text), 4) + 0.0


def glabels_default_dir() -> Path | None:
    """Return the installed gLabels template folder (``$GLABELS_TEMPLATE_DIR`` first), if any."""
    override = os.environ.get("GLABELS_TEMPLATE_DIR")
    for candidate in ([override] if override else []) + list(DEFAULT_DIRS):
        folder = Path(candidate)
        if folder.is_dir() and any(folder.glob("*-templates.xml")):
            return folder
    return None


def import_glabels(path: Path) -> list[Layout]:
    """Read a template file, or every ``*-templates.xml`` in a folder, as layouts.

    Unsupported templates (continuous rolls, mirrored printing, clipped CDs, geometry that
    fails validation) are skipped with a log message.
    """
    path = Path(path)
    files = sorted(path.glob("*-templates.xml")) if path.is_dir() else [path]
    folder = path if path.is_dir() else path.parent
    paper = dict(_PAPER_FALLBACK)
    if (folder / "paper-sizes.xml").is_file():
        paper.update(_paper_sizes(folder / "paper-sizes.xml"))
    raws: list[_Raw] = []
    for file in files:
        raws.extend(_templates(file, paper))
    by_part: dict[tuple[str, str], _Raw] = {}
    # Real geometry wins over an equivalent that happens to reuse the same part number.
    for raw in sorted(raws, key=lambda r: r.element.get("equiv") is not None):
        by_part.setdefault((raw.brand.casefold(), raw.part), raw)
    layouts: dict[str, Layout] = {}
    skipped = 0
    for raw in raws:
        try:
            layout = _layout(_resolve(raw, by_part), raw)
        except ValueError as exc:
            skipped += 1
            log.info("gLabels %s %s (%s) skipped: %s", raw.brand, raw.part, raw.source, exc)
            continue
        if layout.id in layouts:
            # Two part numbers that slugify alike ("OL320" / "OL-320"): keep both.
            n = 2
            while f"{layout.id}-{n}" in layouts:
                n += 1
            layout = replace(layout, id=f"{layout.id}-{n}")
        layouts[layout.id] = layout
    log.info("imported %d gLabels templates, skipped %d", len(layouts), skipped)
    return list(layouts.values())


def write_imported(layouts: list[Layout], dest: Path) -> int:
    """Write each layout to ``dest/<id>.toml`` (atomically) and return how many were written."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for layout in layouts:
        target = dest / f"{layout.id}.toml"
        tmp = target.with_suffix(".toml.tmp")
        tmp.write_text(dump_layout(layout), encoding="utf-8")
        os.replace(tmp, target)
    return len(layouts)


def _parse(file: Path) -> ET.Element:
    """Parse XML, refusing DTDs and entity declarations (billion-laughs, external entities)."""
    data = file.read_bytes()
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ValueError(f"{file}: DTDs and entities are not accepted")
    try:
        root = ET.fromstring(data)  # noqa: S314 - checked above
    except ET.ParseError as exc:
        raise ValueError(f"{file}: not valid XML: {exc}") from exc
    # Some files declare xmlns="http://glabels.org/xmlns/3.0/", others none: drop it.
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith("{"):
            el.tag = el.tag.split("}", 1)[1]
    return root


def _paper_sizes(file: Path) -> dict[str, tuple[str, float, float]]:
    """Read paper-sizes.xml: id -> (display name, width mm, height mm)."""
    sizes = {}
    for el in _parse(file).iter("Paper-size"):
        try:
            name = el.get("_name") or el.get("name") or el.get("id", "")
            sizes[el.get("id", "")] = (
                name,
                _length(el.get("width", "")),
                _length(el.get("height", "")),
            )
        except ValueError as exc:
            log.info("paper size %s skipped: %s", el.get("id"), exc)
    return sizes


def _templates(file: Path, paper: dict[str, tuple[str, float, float]]) -> list[_Raw]:
    """Return the <Template> elements of one file; a bad file is logged and skipped."""
    try:
        root = _parse(file)
    except (OSError, ValueError) as exc:
        log.warning("gLabels file skipped: %s", exc)
        return []
    return [
        _Raw(
            brand=(el.get("brand") or "").strip(),
            part=(el.get("part") or "").strip(),
            description=(el.get("_description") or el.get("description") or "").strip(),
            element=el,
            paper=paper,
            source=file.name,
        )
        for el in root.iter("Template")
    ]


def _resolve(raw: _Raw, by_part: dict[tuple[str, str], _Raw]) -> _Raw:
    """Follow ``equiv`` links (same brand, possibly chained) to the template with geometry."""
    seen = {raw.part}
    current = raw
    while (target := current.element.get("equiv")) is not None:
        found = by_part.get((raw.brand.casefold(), target))
        if found is None:
            raise ValueError(f"equivalent part {target!r} not found")
        if found.part in seen:
            raise ValueError(f"equivalent parts form a loop at {target!r}")
        seen.add(found.part)
        current = found
    return current


def _layout(geo: _Raw, raw: _Raw) -> Layout:
    """Build and validate the Layout of template ``raw`` from the geometry of ``geo``."""
    el = geo.element
    if any(m.get("print") == "mirrored" for m in el.iter("Meta")):
        raise ValueError("needs mirrored printing (transfer film)")
    size = el.get("size", "")
    if size == "Other" or (size not in geo.paper and el.get("width")):
        page_w, page_h = _length(el.get("width", "")), _length(el.get("height", ""))
        page_name = f"{page_w:.1f} × {page_h:.1f} mm".replace(".0 ", " ").replace(".0 mm", " mm")
    elif size in geo.paper:
        page_name, page_w, page_h = geo.paper[size]
    else:
        raise ValueError(f"unknown paper size {size!r}")
    labels = [c for c in el if isinstance(c.tag, str) and c.tag.startswith("Label-")]
    if not labels:
        raise ValueError("no label element")
    if len(labels) > 1:
        log.info(
            "%s %s: only the first of %d label kinds imported", raw.brand, raw.part, len(labels)
        )
    label = labels[0]
    shape, width, height, radius, note = _shape(label)
    grids = tuple(
        Grid(
            columns=int(lay.get("nx", "1")),
            rows=int(lay.get("ny", "1")),
            x0=_length(lay.get("x0", "0")),
            y0=_length(lay.get("y0", "0")),
            dx=_length(lay.get("dx", "0")),
            dy=_length(lay.get("dy", "0")),
        )
        for lay in label.iter("Layout")
    )
    if not grids:
        raise ValueError("no <Layout> in the label")
    count = sum(g.columns * g.rows for g in grids)
    size_text = (
        f"⌀ {_mm(width)} mm" if shape is Shape.CIRCLE else f"{_mm(width)} × {_mm(height)} mm"
    )
    description = geo.description
    if geo is not raw:
        description = f"{description} (same sheet as {geo.brand} {geo.part})".strip()
    if note:
        description = f"{description}; {note}".strip("; ")
    layout = Layout(
        id=_slug(f"glabels-{raw.brand}-{raw.part}"),
        name=f"{raw.brand} {raw.part}, {count} labels {size_text}",
        page_size=page_name,
        page_width=page_w,
        page_height=page_h,
        shape=shape,
        label_width=width,
        label_height=height,
        corner_radius=radius,
        grids=grids,
        mode=Mode.LABELS,
        defaults=ExportOptions(bleed_mm=0.0),
        brand=raw.brand,
        part=raw.part,
        description=description,
        source="glabels",
    )
    # Largest bleed that stays off the neighbouring labels, rounded down to 0.1 mm.
    bleed = min(MAX_DEFAULT_BLEED, math.floor(layout.max_bleed * 10 + 1e-6) / 10)
    layout = replace(layout, defaults=ExportOptions(bleed_mm=bleed))
    return validate_layout(layout, tolerance=IMPORT_TOLERANCE)


def _shape(label: ET.Element) -> tuple[Shape, float, float, float, str]:
    """Return (shape, width, height, corner radius, note) of a <Label-*> element."""
    kind = label.tag.removeprefix("Label-")
    if kind == "rectangle":
        w, h = _length(label.get("width", "")), _length(label.get("height", ""))
        r = round(min(parse_length(label.get("round", "0")), min(w, h) / 2), 4)
        return (Shape.ROUNDED if r > 0.005 else Shape.RECT, w, h, r if r > 0.005 else 0.0, "")
    if kind == "round":
        d = round(2 * parse_length(label.get("radius", "")), 4)
        return (Shape.CIRCLE, d, d, 0.0, "")
    if kind == "ellipse":
        w, h = _length(label.get("width", "")), _length(label.get("height", ""))
        return (Shape.ELLIPSE, w, h, 0.0, "")
    if kind == "cd":
        if label.get("width") or label.get("height"):
            raise ValueError("clipped CD label shape is not supported")
        d = round(2 * parse_length(label.get("radius", "")), 4)
        return (Shape.CIRCLE, d, d, 0.0, "CD label: the centre hole is not kept free")
    raise ValueError(f"label kind {kind!r} is not a sheet of labels")


def _slug(text: str) -> str:
    """Lowercase ASCII id: letters and digits, other runs become '-'."""
    return re.sub(r"[^a-z0-9.]+", "-", text.casefold()).strip("-.")[:100]


def _mm(value: float) -> str:
    """Format a length for names: at most one decimal, no trailing .0."""
    return f"{value:.1f}".removesuffix(".0")


def main(argv: list[str] | None = None) -> int:
    """Import the installed gLabels templates into DEST (default print_layouts/imported)."""
    args = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    source = glabels_default_dir()
    if source is None:
        print("glabels-data not installed; apt-get install glabels-data", file=sys.stderr)
        return 1
    dest = Path(args[0]) if args else builtin_dir() / "imported"
    start = time.perf_counter()
    layouts = import_glabels(source)
    parsed = time.perf_counter() - start
    written = write_imported(layouts, dest)
    print(f"{written} layouts from {source} in {parsed:.2f} s (parse + validate) -> {dest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
