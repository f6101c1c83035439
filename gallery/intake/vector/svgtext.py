"""What a cleaned SVG's text asks of the fonts: the families it names and the characters it has.

Runs inside the confined render worker (imported as a plain module: lxml and the standard
library only). The answer is a superset: every family named anywhere (attributes, inline
styles, style sheets), every character of every text element in either case. When it cannot
say (a ``font`` shorthand, an escaped name, more than a request may carry) it says so, and the
worker hands resvg every font.
"""

from __future__ import annotations

import io
import re

from lxml import etree

SVG = "http://www.w3.org/2000/svg"
_FAMILY = re.compile(r"font-family\s*:\s*([^;}]*)", re.I)
_SHORTHAND = re.compile(r"(?<![-\w])font\s*:", re.I)
_WHITESPACE = {9: " ", 10: " ", 13: " "}
MAX_CHARS = 4096
MAX_FAMILIES = 64


def fonts_needed(svg: bytes) -> tuple[list[str], str] | None:
    """Return (families, characters) the text needs, ([], "") for no text, None if unsure."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.parse(io.BytesIO(svg), parser).getroot()
    texts = list(root.iter(f"{{{SVG}}}text"))
    if not texts:
        return [], ""
    chars = {" "}
    for text in texts:
        for piece in text.itertext():
            piece = piece.translate(_WHITESPACE)  # resvg shapes tabs and newlines as spaces
            chars.update(piece, piece.upper(), piece.lower())
    families: set[str] = set()
    for element in root.iter(etree.Element):
        if element.get("font") is not None:
            return None
        if (named := element.get("font-family")) is not None:
            families.update(_names(named))
        for css in (element.get("style"), element.text if _is_style(element) else None):
            if css is None:
                continue
            if _SHORTHAND.search(css):
                return None
            for declared in _FAMILY.findall(css):
                families.update(_names(declared))
    if "\\" in "".join(families) or len(families) > MAX_FAMILIES or len(chars) > MAX_CHARS:
        return None
    return sorted(families), "".join(sorted(chars))


def _is_style(element: etree._Element) -> bool:
    """Tell whether ``element`` is a style sheet."""
    return element.tag == f"{{{SVG}}}style"


def _names(value: str) -> set[str]:
    """Split a font-family list into names, without quotes or ``!important``.

    An unquoted name's words are joined by one space, as resvg reads them; the name as
    written is kept too (a name too many only makes the answer more cautious).
    """
    value = re.sub(r"!\s*important", "", value, flags=re.I)
    names = set()
    for part in value.split(","):
        written = part.strip().strip("\"'")
        if written:
            names.update({written, " ".join(written.split())})
    return names
