"""Rewrite an untrusted SVG into a static drawing that names nothing outside itself.

Runs inside the confined render worker (imported by ``worker.py`` as a plain module: lxml and
the standard library only). Allow-lists, never block-lists: only SVG elements and attributes
that draw something survive. Removed: scripts, event handlers, animation, ``foreignObject``,
every non-SVG namespace (Inkscape, Sodipodi, Illustrator ``i:``/``x:``, Affinity ``serif:``,
RDF), ``metadata``/``title``/``desc``, XML and CSS comments, processing instructions, the
DOCTYPE, every reference that is not ``#fragment`` (http, file, absolute and relative paths,
CSS ``url()`` and ``@import``), embedded images other than PNG/JPEG/GIF/WebP data (re-encoded
without metadata).
IDs and class names are renamed (``i1``, ``c1`` …) because editors fill them with layer and
file names. A DOCTYPE with an internal subset (entities) is refused before parsing.
"""

from __future__ import annotations

import base64
import io
import re
import zlib

from lxml import etree

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"


def _words(text: str) -> frozenset[str]:
    """Return the whitespace-separated names in ``text``."""
    return frozenset(text.split())


MAX_SVG_BYTES = 50 * 1024 * 1024  # after gzip: a .svgz bomb stops here
MAX_ELEMENTS = 200_000
MAX_EXPANDED = 250_000  # elements drawn once every <use> is followed
MAX_EMBEDDED_PIXELS = 40_000_000

_ELEMENTS = _words(
    """
    svg g defs symbol use path rect circle ellipse line polyline polygon text tspan textPath
    linearGradient radialGradient stop pattern clipPath mask marker switch style image
    filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
    feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight
    feSpecularLighting feSpotLight feTile feTurbulence
    """
)

# Containers whose children are kept but which must not survive themselves.
_UNWRAP = frozenset({"a"})

_ATTRIBUTES = _words(
    """
    id class style transform x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points
    pathLength viewBox preserveAspectRatio version baseProfile gradientUnits
    gradientTransform spreadMethod offset patternUnits patternContentUnits patternTransform
    clipPathUnits maskUnits maskContentUnits markerUnits markerWidth markerHeight refX refY
    orient filterUnits primitiveUnits in in2 result mode operator k1 k2 k3 k4 stdDeviation
    dx dy values type tableValues slope intercept amplitude exponent order kernelMatrix
    divisor bias targetX targetY edgeMode kernelUnitLength preserveAlpha surfaceScale
    diffuseConstant specularConstant specularExponent azimuth elevation z pointsAtX
    pointsAtY pointsAtZ limitingConeAngle scale xChannelSelector yChannelSelector radius
    baseFrequency numOctaves seed stitchTiles flood-color flood-opacity lighting-color
    rotate lengthAdjust textLength startOffset method spacing side requiredFeatures
    requiredExtensions systemLanguage lang href fill fill-opacity fill-rule stroke
    stroke-width stroke-opacity stroke-linecap stroke-linejoin stroke-miterlimit
    stroke-dasharray stroke-dashoffset opacity color color-interpolation
    color-interpolation-filters color-rendering display visibility overflow clip clip-path
    clip-rule mask filter marker-start marker-mid marker-end stop-color stop-opacity font
    font-family font-size font-size-adjust font-stretch font-style font-variant font-weight
    font-kerning font-feature-settings letter-spacing word-spacing text-anchor
    text-decoration text-rendering dominant-baseline alignment-baseline baseline-shift
    writing-mode direction unicode-bidi shape-rendering image-rendering paint-order
    mix-blend-mode isolation vector-effect transform-origin transform-box white-space
    inline-size
    """
)

_KEEP_XML = frozenset({"space", "lang"})

_DATA_IMAGE = re.compile(r"^\s*data:image/(png|jpeg|jpg|gif|webp)\s*;\s*base64\s*,", re.I)
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
_CSS_DROP = re.compile(r"@import[^;]*;?|@font-face\s*\{[^}]*\}|@namespace[^;]*;?", re.I)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.I)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*>", re.I)


class SvgError(Exception):
    """The SVG is refused: ``reason`` is one of the intake's refusal values."""

    def __init__(self, reason: str, **detail: object) -> None:
        """Keep the reason and details for the parent process."""
        super().__init__(reason)
        self.reason, self.detail = reason, detail


def clean_svg(data: bytes) -> bytes:
    """Return the cleaned SVG bytes (UTF-8), or raise SvgError."""
    data = _gunzip(data)
    if _ENTITY_DECL.search(data) or _DOCTYPE_SUBSET.search(data):
        raise SvgError("svg_entities")
    # A plain DOCTYPE (SVG 1.1's public DTD) only names a DTD; libxml2 would still try to
    # load it, so it goes before parsing (nothing is ever fetched either way).
    root = _parse(_DOCTYPE.sub(b"", data, count=1))
    cleaner = _Cleaner()
    cleaner.element(root)
    cleaner.rename(root)
    _check_expansion(root)
    etree.cleanup_namespaces(root, top_nsmap={None: SVG})
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True)


def _gunzip(data: bytes) -> bytes:
    """Unpack .svgz, stopping at MAX_SVG_BYTES so a gzip bomb costs nothing."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, MAX_SVG_BYTES + 1)
    except zlib.error:
        raise SvgError("damaged") from None
    if len(out) > MAX_SVG_BYTES:
        raise SvgError("vector_too_complex", what="size")
    return out


def _parse(data: bytes) -> etree._Element:
    """Parse without DTDs, entities, network or huge trees; the root must be SVG."""
    parser = etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        strip_cdata=True,
        collect_ids=False,
    )
    try:
        tree = etree.parse(io.BytesIO(data), parser)
    except etree.XMLSyntaxError:
        raise SvgError("damaged") from None
    if tree.docinfo.internalDTD is not None:
        raise SvgError("svg_entities")
    root = tree.getroot()
    if root.tag != f"{{{SVG}}}svg":
        raise SvgError("not_svg")
    if sum(1 for _ in root.iter()) > MAX_ELEMENTS:
        raise SvgError("vector_too_complex", what="elements")
    return root


class _Cleaner:
    """Walks the tree once, dropping what is not allowed; remembers IDs and classes seen."""

    def __init__(self) -> None:
        """Start with no names seen."""
        self.ids: dict[str, str] = {}
        self.classes: dict[str, str] = {}

    def element(self, el: etree._Element) -> None:
        """Clean ``el`` in place and recurse into the children that stay."""
        for child in list(el):
            if not isinstance(child.tag, str):
                el.remove(child)  # entity references, comments, PIs
                continue
            local = etree.QName(child).localname
            ns = etree.QName(child).namespace
            if ns == SVG and local in _UNWRAP:
                self.element(child)
                _unwrap(child)
                continue
            if ns != SVG or local not in _ELEMENTS:
                el.remove(child)
                continue
            self.element(child)
        self.attributes(el)
        if etree.QName(el).localname == "style":
            el.text = clean_css(el.text or "")
            for child in list(el):
                el.remove(child)
        elif el.text and etree.QName(el).localname not in ("text", "tspan", "textPath"):
            el.text = None  # stray text in containers is never drawn, only carried
        for child in el:
            if child.tail and etree.QName(el).localname not in ("text", "tspan", "textPath"):
                child.tail = None

    def attributes(self, el: etree._Element) -> None:
        """Keep only drawing attributes; references must point inside the document."""
        local = etree.QName(el).localname
        for name in list(el.attrib):
            value = el.attrib[name]
            qname = etree.QName(name)
            del el.attrib[name]
            if qname.namespace == XML and qname.localname in _KEEP_XML:
                el.set(name, value)
                continue
            key = qname.localname
            if qname.namespace not in (None, XLINK) or key not in _ATTRIBUTES:
                continue
            if qname.namespace == XLINK and key != "href":
                continue
            if key == "href":
                value = _href(local, value)
                if value is None:
                    continue
            elif key == "style":
                value = clean_css(value)
            elif key == "requiredExtensions":
                # Names an editor's extension URL: keep it unsupported (so <switch> still
                # skips that branch) without saying which editor.
                value = "x"
            elif "url(" in value.lower():
                value = _internal_urls(value)
            elif key == "id":
                value = self.ids.setdefault(value, f"i{len(self.ids) + 1}")
            elif key == "class":
                value = " ".join(
                    self.classes.setdefault(c, f"c{len(self.classes) + 1}") for c in value.split()
                )
            if value:
                el.set(key, value)

    def rename(self, root: etree._Element) -> None:
        """Point every internal reference and CSS selector at the renamed IDs and classes."""

        def ref(name: str) -> str:
            return self.ids.get(name, "missing")

        for el in root.iter():
            for key in ("href", "style", *_URL_ATTRIBUTES):
                value = el.get(key)
                if not value:
                    continue
                if key == "href":
                    el.set(key, "#" + ref(value[1:]) if value.startswith("#") else value)
                else:
                    el.set(key, _URL.sub(lambda m: f"url(#{ref(m.group(2)[1:])})", value))
            if etree.QName(el).localname == "style" and el.text:
                text = _URL.sub(lambda m: f"url(#{ref(m.group(2)[1:])})", el.text)
                el.text = _rename_selectors(text, self.ids, self.classes)


_URL_ATTRIBUTES = [
    "fill",
    "stroke",
    "clip-path",
    "mask",
    "filter",
    "marker-start",
    "marker-mid",
    "marker-end",
]


def _unwrap(el: etree._Element) -> None:
    """Replace an element by a <g> holding its children (a link becomes a plain group)."""
    el.tag = f"{{{SVG}}}g"
    for name in list(el.attrib):
        if etree.QName(name).localname not in ("transform", "style", "class", "opacity"):
            del el.attrib[name]


def _href(element: str, value: str) -> str | None:
    """Return an allowed href: ``#id``, or re-encoded image data on <image>; else None."""
    value = value.strip()
    if value.startswith("#") and len(value) > 1:
        return value
    if element == "image" and _DATA_IMAGE.match(value):
        return _reencode_image(value)
    return None


def _reencode_image(uri: str) -> str | None:
    """Decode embedded raster data and write it back as a bare PNG (no EXIF, GPS, text)."""
    from PIL import Image

    try:
        raw = base64.b64decode(uri.split(",", 1)[1], validate=False)
        with Image.open(io.BytesIO(raw), formats=["PNG", "JPEG", "GIF", "WEBP"]) as image:
            if image.width * image.height > MAX_EMBEDDED_PIXELS:
                return None
            image.load()
            pixels = image.convert("RGBA")
    except Exception:
        return None
    out = io.BytesIO()
    pixels.save(out, "PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def clean_css(css: str) -> str:
    """Drop comments, @import/@font-face/@namespace, escapes and url()s leaving the document."""
    if "\\" in css:
        return ""  # escapes could spell url( or @import in a way this filter cannot see
    css = _without_comments(css)
    if "expression(" in css.lower():
        return ""
    css = _CSS_DROP.sub("", css)
    return _internal_urls(css)


# A quoted string (kept whole: a "/*" inside is text), or a comment up to "*/" or the end.
_CSS_STRING_OR_COMMENT = re.compile(r"""("[^"\n]*"|'[^'\n]*')|/\*.*?(?:\*/|\Z)""", re.S)


def _without_comments(css: str) -> str:
    """Replace each /* … */ comment by a space; editors put names and folders in them."""
    return _CSS_STRING_OR_COMMENT.sub(lambda m: m.group(1) or " ", css)


def _internal_urls(text: str) -> str:
    """Replace url(...) that is not ``#fragment`` with ``none``."""

    def keep(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        return f"url({target})" if re.fullmatch(r"#[\w.:-]+", target) else "none"

    return _URL.sub(keep, text)


def _rename_selectors(css: str, ids: dict[str, str], classes: dict[str, str]) -> str:
    """Rewrite ``#id`` and ``.class`` selectors to the new names (unknown ones to ``x``)."""
    css = re.sub(r"#([A-Za-z_][\w-]*)(?=[^{}]*\{)", lambda m: "#" + ids.get(m.group(1), "x"), css)
    return re.sub(
        r"\.([A-Za-z_][\w-]*)(?=[^{}]*\{)", lambda m: "." + classes.get(m.group(1), "x"), css
    )


def _check_expansion(root: etree._Element) -> None:
    """Refuse when following every <use> would draw too many elements (a "use bomb")."""
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    # Keyed by the element itself: lxml proxies stay the same object while referenced.
    memo: dict[etree._Element, int] = {}
    visiting: set[etree._Element] = set()

    def cost(el: etree._Element) -> int:
        if el in memo:
            return memo[el]
        if el in visiting:
            raise SvgError("vector_too_complex", what="use-cycle")
        visiting.add(el)
        total = 1
        for child in el:
            total += cost(child)
        href = el.get("href") if etree.QName(el).localname == "use" else None
        target = by_id.get(href[1:]) if href and href.startswith("#") else None
        if target is not None:
            total += cost(target)
        visiting.discard(el)
        memo[el] = total
        if total > MAX_EXPANDED:
            raise SvgError("vector_too_complex", what="use")
        return total

    try:
        cost(root)
    except RecursionError:
        raise SvgError("vector_too_complex", what="depth") from None
