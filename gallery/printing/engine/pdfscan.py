"""Read what a PDF page really draws: spot-colour strokes with their paths, placed images, fonts
and device RGB, by walking its content streams (and every form they use) with the graphics
state a RIP would have.

Used by :mod:`preflight`; it works on any PDF, not only ours, and knows nothing of exports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name

PT_PER_MM = 72 / 25.4
CURVE_STEPS = 12  # straight pieces per Bézier segment when paths are measured
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass
class Subpath:
    """One subpath in page points (y up), flattened, and whether it was closed."""

    points: list[tuple[float, float]]
    closed: bool


@dataclass
class Stroke:
    """A path stroked in a Separation colour: the colorant, overprint and its subpaths."""

    colorant: str
    overprint: bool
    subpaths: list[Subpath]


@dataclass
class Placed:
    """An image drawn on a page: its pixels and its effective resolution there."""

    width_px: int
    height_px: int
    ppi: float


@dataclass
class PageScan:
    """Everything one page draws that preflight looks at."""

    strokes: list[Stroke] = field(default_factory=list)
    images: list[Placed] = field(default_factory=list)
    device_rgb: int = 0  # operators or images in DeviceRGB
    colorants: set[str] = field(default_factory=set)  # every Separation / DeviceN colorant


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """Return the matrix product m × n (PDF order: apply m, then n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    """Return the point (x, y) transformed by ``m``."""
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)


def colorants(space: pikepdf.Object) -> list[str]:
    """Return the colorant names of a Separation or DeviceN colour space (else none)."""
    if not isinstance(space, Array) or len(space) < 2:
        return []
    family = space[0]
    if family == Name.Separation:
        return [str(space[1])[1:]]
    if family == Name.DeviceN and isinstance(space[1], Array):
        return [str(name)[1:] for name in space[1]]
    return []


class _State:
    """The parts of the graphics state preflight needs."""

    __slots__ = ("ctm", "overprint", "stroke_space")

    def __init__(self, ctm: Matrix) -> None:
        """Start with ``ctm``, no spot colour and overprint off."""
        self.ctm = ctm
        self.stroke_space: pikepdf.Object | None = None
        self.overprint = False

    def copy(self) -> _State:
        """Return a copy (for q)."""
        other = _State(self.ctm)
        other.stroke_space, other.overprint = self.stroke_space, self.overprint
        return other


class _Path:
    """The path under construction, in user space until painted."""

    def __init__(self) -> None:
        """Start empty."""
        self.subpaths: list[Subpath] = []
        self.current: tuple[float, float] = (0.0, 0.0)

    def move(self, x: float, y: float) -> None:
        """Begin a subpath."""
        self.subpaths.append(Subpath([(x, y)], False))
        self.current = (x, y)

    def line(self, x: float, y: float) -> None:
        """Append a straight segment."""
        if not self.subpaths:
            self.move(*self.current)
        self.subpaths[-1].points.append((x, y))
        self.current = (x, y)

    def curve(self, p1, p2, p3) -> None:
        """Append a cubic Bézier, flattened."""
        x0, y0 = self.current
        for step in range(1, CURVE_STEPS + 1):
            t = step / CURVE_STEPS
            u = 1 - t
            x = u**3 * x0 + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0]
            y = u**3 * y0 + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1]
            self.line(x, y)

    def close(self) -> None:
        """Close the current subpath."""
        if self.subpaths:
            self.subpaths[-1].closed = True
            self.current = self.subpaths[-1].points[0]

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        """Append a closed rectangle."""
        self.move(x, y)
        for px, py in ((x + w, y), (x + w, y + h), (x, y + h)):
            self.line(px, py)
        self.close()


_STROKES = {"S": False, "s": True, "B": False, "B*": False, "b": True, "b*": True}
_PAINTS = {"f", "F", "f*", "n", *_STROKES}


class Scanner:
    """Walk the pages of one PDF; forms shared by many pages are parsed once."""

    def __init__(self) -> None:
        """Start with no parsed streams."""
        self._parsed: dict[tuple[int, int], list] = {}
        self._scanned: dict[tuple, PageScan] = {}

    def _ops(self, stream: pikepdf.Object) -> list:
        """Return the parsed operators of a content stream or form, cached when indirect."""
        key = stream.objgen if stream.is_indirect else None
        if key and key in self._parsed:
            return self._parsed[key]
        ops = list(pikepdf.parse_content_stream(stream))
        if key:
            self._parsed[key] = ops
        return ops

    def scan_page(self, page: pikepdf.Page) -> PageScan:
        """Return what ``page`` draws (pages sharing content and resources are read once:
        copies of a die-cut single are the same page many times)."""
        key = _shared_key(page)
        if key is not None and key in self._scanned:
            return self._scanned[key]
        scan = PageScan()
        resources = page.obj.get("/Resources", Dictionary())
        _note_colorants(resources, scan)
        self._walk(self._ops(page), resources, _State(IDENTITY), scan, depth=0)
        if key is not None:
            self._scanned[key] = scan
        return scan

    def _walk(self, ops, resources, state: _State, scan: PageScan, *, depth: int) -> None:
        """Interpret ``ops`` from ``state``; forms are followed up to a sane depth."""
        stack: list[_State] = []
        path = _Path()
        for operands, operator in ops:
            op = str(operator)
            if op == "q":
                stack.append(state.copy())
            elif op == "Q" and stack:
                state = stack.pop()
            elif op == "cm" and len(operands) == 6:
                state.ctm = multiply(tuple(float(v) for v in operands), state.ctm)
            elif op == "gs" and operands:
                _apply_gs(resources, operands[0], state)
            elif op in ("CS", "cs") and operands:
                if operands[0] == Name.DeviceRGB:
                    scan.device_rgb += 1
                if op == "CS":
                    state.stroke_space = _resolve_space(resources, operands[0])
            elif op in ("RG", "K", "G"):
                state.stroke_space = None
                scan.device_rgb += op == "RG"
            elif op == "rg":
                scan.device_rgb += 1
            elif op in ("m", "l", "c", "v", "y", "re", "h"):
                _build(path, op, [float(v) for v in operands])
            elif op in _PAINTS:
                self._paint(op, path, state, scan)
                path = _Path()
            elif op == "Do" and operands:
                self._draw(resources, operands[0], state, scan, depth=depth)
        # Unbalanced q/Q in a broken file must not leak state to the caller.

    def _paint(self, op: str, path: _Path, state: _State, scan: PageScan) -> None:
        """Record a stroke in a spot colour (closing it first for s, b and b*)."""
        if op not in _STROKES or not path.subpaths:
            return
        names = colorants(state.stroke_space) if state.stroke_space is not None else []
        if len(names) != 1:
            return
        subpaths = []
        for sub in path.subpaths:
            points = [apply(state.ctm, x, y) for x, y in sub.points]
            subpaths.append(Subpath(points, sub.closed or _STROKES[op] or _ends_meet(points)))
        scan.strokes.append(Stroke(names[0], state.overprint, subpaths))

    def _draw(self, resources, name, state: _State, scan: PageScan, *, depth: int) -> None:
        """Follow a ``Do``: measure an image, walk a form."""
        xobjects = resources.get("/XObject")
        xobject = xobjects.get(name) if xobjects is not None else None
        if xobject is None:
            return
        subtype = xobject.get("/Subtype")
        if subtype == Name.Image:
            scan.images.append(_placed(xobject, state.ctm))
            if xobject.get("/ColorSpace") == Name.DeviceRGB:
                scan.device_rgb += 1
        elif subtype == Name.Form and depth < 12:
            inner = state.copy()
            matrix = xobject.get("/Matrix")
            if matrix is not None:
                inner.ctm = multiply(tuple(float(v) for v in matrix), inner.ctm)
            form_resources = xobject.get("/Resources", resources)
            _note_colorants(form_resources, scan)
            group = xobject.get("/Group")
            if group is not None and group.get("/CS") == Name.DeviceRGB:
                scan.device_rgb += 1
            self._walk(self._ops(xobject), form_resources, inner, scan, depth=depth + 1)


def _shared_key(page: pikepdf.Page) -> tuple | None:
    """Return what identifies a page's drawing when its content and resources are shared."""
    contents, resources = page.obj.get("/Contents"), page.obj.get("/Resources")
    if contents is None or resources is None or not resources.is_indirect:
        return None
    streams = list(contents) if isinstance(contents, Array) else [contents]
    if not all(stream.is_indirect for stream in streams):
        return None
    return (resources.objgen, *(stream.objgen for stream in streams))


def _build(path: _Path, op: str, values: list[float]) -> None:
    """Apply one path construction operator."""
    if op == "m" and len(values) == 2:
        path.move(*values)
    elif op == "l" and len(values) == 2:
        path.line(*values)
    elif op == "c" and len(values) == 6:
        path.curve(values[0:2], values[2:4], values[4:6])
    elif op == "v" and len(values) == 4:
        path.curve(path.current, values[0:2], values[2:4])
    elif op == "y" and len(values) == 4:
        path.curve(values[0:2], values[2:4], values[2:4])
    elif op == "re" and len(values) == 4:
        path.rect(*values)
    elif op == "h":
        path.close()


def _ends_meet(points: list[tuple[float, float]], tolerance: float = 0.01) -> bool:
    """Tell whether an unclosed subpath still ends where it began (a closed shape)."""
    if len(points) < 3:
        return False
    (x0, y0), (x1, y1) = points[0], points[-1]
    return math.hypot(x1 - x0, y1 - y0) <= tolerance


def _resolve_space(resources, name) -> pikepdf.Object | None:
    """Return the colour space a ``CS`` operand names (a resource, or a device family)."""
    spaces = resources.get("/ColorSpace")
    if spaces is not None and name in spaces:
        return spaces[name]
    return None


def _apply_gs(resources, name, state: _State) -> None:
    """Apply the overprint setting of an ExtGState (stroking overprint is /OP)."""
    states = resources.get("/ExtGState")
    ext = states.get(name) if states is not None else None
    if ext is not None and "/OP" in ext:
        state.overprint = bool(ext.OP)


def _note_colorants(resources, scan: PageScan) -> None:
    """Collect the colorant names of every colour space a resource dictionary offers."""
    spaces = resources.get("/ColorSpace")
    if spaces is None:
        return
    for name in list(spaces.keys()):
        scan.colorants.update(colorants(spaces[name]))


def _placed(image: pikepdf.Object, ctm: Matrix) -> Placed:
    """Return an image's pixels and its resolution as drawn by ``ctm`` (the unit square)."""
    width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    a, b, c, d, _e, _f = ctm
    across, down = math.hypot(a, b) / 72, math.hypot(c, d) / 72  # inches on the page
    ppi_x = width / across if across > 0 else math.inf
    ppi_y = height / down if down > 0 else math.inf
    return Placed(width, height, min(ppi_x, ppi_y))
