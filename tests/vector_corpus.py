"""The hostile and tricky drawings every vector test runs: made here, never downloaded.

Each case builds its bytes from the address of a local listener (anything fetched would
reach it) and a folder of probe files (anything opened would show their magenta in the
render). A case either must be refused for one of the named reasons, or may be rendered
(``RENDER``: then only the cleaned, harmless part may remain); both are within the limits.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from gallery.intake import Refusal
from tests.vector_files import INK, pdf_drawing, photo_jp2, photo_jpeg, png_data_uri

SVG_NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
RENDER = frozenset()  # may be rendered (or refused by a vector reason)
ENTITIES = frozenset({Refusal.SVG_ENTITIES})
COMPLEX = frozenset({Refusal.VECTOR_TOO_COMPLEX})
DAMAGED = frozenset({Refusal.VECTOR_DAMAGED})
SIZE = frozenset({Refusal.VECTOR_SIZE, Refusal.VECTOR_BLANK})


@dataclass(frozen=True)
class Case:
    """One corpus file: how to build it and which refusals it must get (empty: may render)."""

    name: str
    build: Callable[[str, Path], bytes]
    refusals: frozenset[Refusal] = RENDER
    may_render: bool | None = None  # default: only when no refusal is named

    @property
    def renders(self) -> bool:
        """Tell whether rendering (harmlessly) is an accepted outcome."""
        return not self.refusals if self.may_render is None else self.may_render


def svg(body: str, *, head: str = "", attrs: str = 'width="200" height="200"') -> bytes:
    """A small SVG whose visible part is a red square, with ``body`` added after it."""
    square = f'<rect x="20" y="20" width="160" height="160" fill="rgb{INK}"/>'
    return f"{head}<svg {SVG_NS} {attrs}>{square}{body}</svg>".encode()


def _use_bomb(levels: int = 9, fan: int = 10) -> str:
    """Nested <use> each repeating the level below ``fan`` times: fan**levels shapes."""
    parts = ['<defs><g id="l0"><rect width="1" height="1" fill="black"/></g>']
    for n in range(1, levels + 1):
        uses = "".join(f'<use href="#l{n - 1}" x="{i}"/>' for i in range(fan))
        parts.append(f'<g id="l{n}">{uses}</g>')
    parts.append(f'</defs><use href="#l{levels}"/>')
    return "".join(parts)


def _billion_laughs() -> bytes:
    """The classic entity expansion bomb."""
    lines = ['<!ENTITY lol0 "lol">']
    lines += [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    return (
        '<?xml version="1.0"?><!DOCTYPE svg [' + "".join(lines) + "]>"
        f'<svg {SVG_NS} width="10" height="10"><text>&lol9;</text></svg>'
    ).encode()


def _gzip_bomb() -> bytes:
    """A .svgz that inflates to 64 MB of spaces (past the 50 MB ceiling) behind a valid start."""
    head = f'<svg {SVG_NS} width="10" height="10"><desc>'.encode()
    squeezer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [squeezer.compress(head)]
    block = b" " * (1 << 20)
    out += [squeezer.compress(block) for _ in range(64)]
    return b"".join(out) + squeezer.flush()


def _png_with_author() -> str:
    """An embedded PNG whose text chunk names the artist."""
    return png_data_uri((10, 200, 30), note="Ivan Petrov, /home/ivanpetrov")


def _pdf_with(extra) -> Callable[[str, Path], bytes]:
    """A one-page drawing plus what ``extra(pdf, page, url, probes)`` adds."""
    return lambda url, probes: pdf_drawing(extra=lambda pdf, page: extra(pdf, page, url, probes))


def _actions(pdf: pikepdf.Pdf, page, url: str, probes: Path) -> None:
    """JavaScript on open, a launch action, a link to the listener, an attached file."""
    js = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String(f"app.launchURL('{url}');")
    )
    pdf.Root.OpenAction = js
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("/etc/passwd"))
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot,
        Subtype=pikepdf.Name.Link,
        Rect=[0, 0, 100, 100],
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String(url)),
    )
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
    page.obj.AA = pikepdf.Dictionary(O=launch)
    attached = pdf.make_stream(b"root:x:0:0:root:/root:/bin/bash")
    spec = pikepdf.Dictionary(
        Type=pikepdf.Name.Filespec, F=pikepdf.String("passwd"), EF=pikepdf.Dictionary(F=attached)
    )
    pdf.Root.Names = pikepdf.Dictionary(
        EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("passwd"), spec]))
    )


def _external_form(pdf: pikepdf.Pdf, page, url: str, probes: Path) -> None:
    """A reference XObject naming a file on disk, and an OPI link to a probe image."""
    ref = pikepdf.Dictionary(
        F=pikepdf.Dictionary(
            Type=pikepdf.Name.Filespec, F=pikepdf.String(str(probes / "probe.pdf"))
        ),
        Page=0,
    )
    form = pdf.make_stream(
        b"",
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=[0, 0, 100, 100],
        Ref=ref,
        OPI=pikepdf.Dictionary(
            {"/2.0": pikepdf.Dictionary(F=pikepdf.String(str(probes / "probe.png")))}
        ),
    )
    page.obj.Resources.XObject = pikepdf.Dictionary(Fx=form)
    page.obj.Contents = pdf.make_stream(page.obj.Contents.read_bytes() + b"\nq /Fx Do Q\n")


def _flate_bomb(pdf: pikepdf.Pdf, page, url: str, probes: Path) -> None:
    """A content stream that inflates to 150 MB of no-ops."""
    squeezer = zlib.compressobj(9)
    block = b" " * (1 << 20)
    data = b"".join(squeezer.compress(block) for _ in range(150)) + squeezer.flush()
    page.obj.Contents = pdf.make_stream(b"")
    page.obj.Contents.write(data, filter=pikepdf.Name.FlateDecode)


def _image(pdf: pikepdf.Pdf, data: bytes, filters: list, size: int = 64) -> pikepdf.Stream:
    """An RGB image XObject holding ``data`` already encoded with ``filters``."""
    return pdf.make_stream(
        data,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=size,
        Height=size,
        BitsPerComponent=8,
        ColorSpace=pikepdf.Name.DeviceRGB,
        Filter=pikepdf.Array(filters),
    )


def _placed_photos(pdf: pikepdf.Pdf, page, url: str, probes: Path) -> None:
    """Camera JPEGs on the page and in a form, one of them also Flate-compressed."""
    dct, flate = pikepdf.Name.DCTDecode, pikepdf.Name.FlateDecode
    inner = _image(pdf, zlib.compress(photo_jpeg((20, 90, 200))), [flate, dct])
    form = pdf.make_stream(
        b"q 60 0 0 60 0 0 cm /Im2 Do Q",
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=[0, 0, 60, 60],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im2=inner)),
    )
    page.obj.Resources.XObject = pikepdf.Dictionary(Im1=_image(pdf, photo_jpeg(), [dct]), Fm1=form)
    drawn = b"\nq 80 0 0 80 20 20 cm /Im1 Do Q q 1 0 0 1 150 20 cm /Fm1 Do Q\n"
    page.obj.Contents = pdf.make_stream(page.obj.Contents.read_bytes() + drawn)


def _inline_photo(pdf: pikepdf.Pdf, page, url: str, probes: Path) -> None:
    """A camera JPEG written into the content stream itself (an inline image)."""
    photo = photo_jpeg(size=8)
    inline = b"\nq 40 0 0 40 20 20 cm BI /W 8 /H 8 /CS /RGB /BPC 8 /F /DCT ID "
    inline += photo + b"\nEI Q\n"
    page.obj.Contents = pdf.make_stream(page.obj.Contents.read_bytes() + inline)


def _jpeg2000_photo(pdf: pikepdf.Pdf, page, url: str, probes: Path) -> None:
    """A JPEG 2000 photo with an XMP box and a codestream comment."""
    image = _image(pdf, photo_jp2(), [pikepdf.Name.JPXDecode])
    page.obj.Resources.XObject = pikepdf.Dictionary(Im1=image)
    drawn = b"\nq 80 0 0 80 20 20 cm /Im1 Do Q\n"
    page.obj.Contents = pdf.make_stream(page.obj.Contents.read_bytes() + drawn)


def _zero_box(pdf: pikepdf.Pdf, page) -> None:
    """A page whose boxes have no area."""
    page.obj.MediaBox = pikepdf.Array([0, 0, 0, 0])


def _encrypted(url: str, probes: Path) -> bytes:
    """A drawing that needs a password to open."""
    with pikepdf.open(io.BytesIO(pdf_drawing())) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="owner"))
        return out.getvalue()


def _probe_refs(url: str, probes: Path) -> str:
    """Every way an SVG can name a file: absolute, file://, relative, and the probe SVG."""
    png, other = probes / "probe.png", probes / "probe.svg"
    return (
        f'<image href="{png}" width="200" height="200"/>'
        f'<image xlink:href="file://{png}" width="200" height="200"/>'
        '<image href="probe.png" width="200" height="200"/>'
        '<image href="../../../../../../etc/passwd" width="200" height="200"/>'
        f'<use href="file://{other}#magenta"/><use href="{other}#magenta"/>'
    )


CASES: tuple[Case, ...] = (
    Case(
        "script-and-onload",
        lambda u, p: svg(
            "<script>alert(1)</script>", attrs='width="200" height="200" onload="alert(2)"'
        ),
    ),
    Case(
        "event-handlers",
        lambda u, p: svg('<circle r="5" onclick="x()" onmouseover="y()" onfocusin="z()"/>'),
    ),
    Case("javascript-link", lambda u, p: svg('<a href="javascript:alert(1)"><circle r="9"/></a>')),
    Case("http-image", lambda u, p: svg(f'<image href="{u}/i.png" width="50" height="50"/>')),
    Case(
        "file-etc-passwd-image",
        lambda u, p: svg('<image xlink:href="file:///etc/passwd" width="9" height="9"/>'),
    ),
    Case("probe-files-every-way", lambda u, p: svg(_probe_refs(u, p))),
    Case("http-use", lambda u, p: svg(f'<use href="{u}/x.svg#a"/><use xlink:href="{u}/y.svg#b"/>')),
    Case(
        "css-import",
        lambda u, p: svg(f'<style>@import url({u}/a.css); @import "{u}/b.css";</style>'),
    ),
    Case("css-url-fill", lambda u, p: svg(f'<circle r="9" style="fill:url({u}/p.svg#g)"/>')),
    Case(
        "css-font-face",
        lambda u, p: svg(
            f'<style>@font-face {{font-family:x; src:url({u}/f.ttf)}} text{{font-family:x}}</style><text y="50">hi</text>'
        ),
    ),
    Case("css-escaped-url", lambda u, p: svg(f'<circle r="9" style="fill:u\\72l({u}/e.svg#g)"/>')),
    Case(
        "fill-attribute-url",
        lambda u, p: svg(
            f'<circle r="9" fill="url({u}/p.svg#g)" mask="url({u}/m.svg#m)" clip-path="url({u}/c#c)"/>'
        ),
    ),
    Case(
        "filter-feimage",
        lambda u, p: svg(
            f'<filter id="f"><feImage href="{u}/fe.png"/></filter><rect width="9" height="9" filter="url(#f)"/>'
        ),
    ),
    Case(
        "pattern-http-image",
        lambda u, p: svg(
            f'<pattern id="p" width="10" height="10"><image href="{u}/pt.png" width="10" height="10"/></pattern><rect width="50" height="50" fill="url(#p)"/>'
        ),
    ),
    Case(
        "xxe-file",
        lambda u, p: (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + svg("<text y='20'>&x;</text>")
        ),
        ENTITIES,
    ),
    Case(
        "xxe-http",
        lambda u, p: (
            f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "{u}/xxe">]>'.encode()
            + svg("<text>&x;</text>")
        ),
        ENTITIES,
    ),
    Case("billion-laughs", lambda u, p: _billion_laughs(), ENTITIES),
    Case(
        "parameter-entity-dtd",
        lambda u, p: (
            f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY % d SYSTEM "{u}/evil.dtd"> %d;]>'.encode()
            + svg("")
        ),
        ENTITIES,
    ),
    Case(
        "attlist-default-href",
        lambda u, p: (
            f'<!DOCTYPE svg [<!ATTLIST image href CDATA "{u}/def.png">]>'.encode()
            + svg('<image width="9" height="9"/>')
        ),
        ENTITIES,
    ),
    Case(
        "external-dtd-only",
        lambda u, p: f'<?xml version="1.0"?><!DOCTYPE svg SYSTEM "{u}/svg.dtd">'.encode() + svg(""),
    ),
    Case(
        "xinclude",
        lambda u, p: svg(
            f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{u}/inc.svg"/>'
        ),
    ),
    Case(
        "stylesheet-pi",
        lambda u, p: (
            f'<?xml version="1.0"?><?xml-stylesheet href="{u}/s.css" type="text/css"?>'.encode()
            + svg("")
        ),
    ),
    Case(
        "foreign-object-iframe",
        lambda u, p: svg(
            f'<foreignObject width="100" height="100"><iframe xmlns="http://www.w3.org/1999/xhtml" src="{u}/frame"/><img xmlns="http://www.w3.org/1999/xhtml" src="file:///etc/passwd"/></foreignObject>'
        ),
    ),
    Case("use-bomb", lambda u, p: svg(_use_bomb()), COMPLEX),
    Case(
        "use-cycle",
        lambda u, p: svg(
            '<defs><g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></defs><use href="#a"/>'
        ),
        COMPLEX,
    ),
    Case("self-use", lambda u, p: svg('<g id="me"><use href="#me"/></g>'), COMPLEX),
    Case("deep-nesting", lambda u, p: svg("<g>" * 5000 + "</g>" * 5000), DAMAGED | COMPLEX),
    Case("too-many-elements", lambda u, p: svg('<rect width="1" height="1"/>' * 210_000), COMPLEX),
    Case("gzip-bomb", lambda u, p: _gzip_bomb(), COMPLEX),
    Case("svgz-valid", lambda u, p: gzip.compress(svg("<circle cx='100' cy='100' r='40'/>"))),
    Case(
        "utf-16",
        lambda u, p: ('<?xml version="1.0" encoding="UTF-16"?>' + svg("").decode()).encode(
            "utf-16"
        ),
    ),
    Case(
        "huge-blur",
        lambda u, p: svg(
            '<filter id="b"><feGaussianBlur stdDeviation="100000"/></filter>'
            + '<rect width="200" height="200" filter="url(#b)"/>' * 50
        ),
        COMPLEX,
        may_render=True,
    ),
    Case("absurd-size", lambda u, p: svg("", attrs='width="1000000" height="1"'), SIZE),
    Case("zero-size", lambda u, p: svg("", attrs='width="0" height="0"'), SIZE),
    Case("empty-drawing", lambda u, p: f'<svg {SVG_NS} width="100" height="100"/>'.encode(), SIZE),
    Case(
        "animation-sets-href",
        lambda u, p: svg(
            f'<a><set attributeName="href" to="{u}/anim"/><animate attributeName="fill" values="red;blue" dur="1s"/><circle r="9"/></a>'
        ),
    ),
    Case(
        "nested-svg-data-uri",
        lambda u, p: svg(
            '<image width="50" height="50" href="data:image/svg+xml;utf8,&lt;svg xmlns=&quot;http://www.w3.org/2000/svg&quot;&gt;&lt;image href=&quot;file:///etc/passwd&quot;/&gt;&lt;/svg&gt;"/>'
        ),
    ),
    Case(
        "embedded-png-with-author",
        lambda u, p: svg(f'<image width="50" height="50" href="{_png_with_author()}"/>'),
    ),
    Case("malformed-xml", lambda u, p: svg("<g><rect></g>"), DAMAGED),
    Case(
        "html-root",
        lambda u, p: b'<?xml version="1.0"?><html><svg xmlns="http://www.w3.org/2000/svg"/></html>',
        DAMAGED,
    ),
    Case(
        "svg-without-namespace",
        lambda u, p: b'<svg width="10" height="10"><rect width="5" height="5"/></svg>',
        DAMAGED,
    ),
    Case(
        "css-comments",
        lambda u, p: svg(
            "<style>/* made by Ivan Petrov, ~/ClientsSecret/ */ .a{fill:red} /* .b{} */</style>"
            '<circle class="a" r="9" style="fill:red /* Ivan */; stroke:blue"/>'
        ),
    ),
    Case(
        "cdata-script-and-comments",
        lambda u, p: svg('<!-- Ivan Petrov --><script><![CDATA[fetch("x")]]></script>'),
    ),
    Case(
        "link-to-listener",
        lambda u, p: svg(f'<a href="{u}/go" xlink:href="{u}/go2"><circle r="9"/></a>'),
    ),
    Case(
        "textpath-external",
        lambda u, p: svg(
            f'<text><textPath href="{u}/p.svg#path">hi</textPath><tref href="{u}/t"/></text>'
        ),
    ),
    Case(
        "script-src", lambda u, p: svg(f'<script href="{u}/x.js"/><script xlink:href="{u}/y.js"/>')
    ),
    Case(
        "pattern-self-reference",
        lambda u, p: svg(
            '<pattern id="p" width="10" height="10"><rect width="5" height="5" fill="url(#p)"/></pattern><rect width="100" height="100" fill="url(#p)"/>'
        ),
    ),
    Case(
        "xml-base",
        lambda u, p: svg(f'<g xml:base="{u}/"><image href="i.png" width="9" height="9"/></g>'),
    ),
    Case("pdf-two-pages", lambda u, p: pdf_drawing(pages=2), frozenset({Refusal.PDF_PAGES})),
    Case(
        "pdf-no-page",
        lambda u, p: pdf_drawing(pages=0, identify=False),
        frozenset({Refusal.PDF_PAGES}),
    ),
    Case("pdf-encrypted", _encrypted, frozenset({Refusal.PDF_ENCRYPTED})),
    Case("pdf-actions-links-attachments", _pdf_with(_actions)),
    Case("pdf-placed-photo-metadata", _pdf_with(_placed_photos)),
    Case("pdf-inline-photo-metadata", _pdf_with(_inline_photo)),
    Case("pdf-jpeg2000-photo-metadata", _pdf_with(_jpeg2000_photo)),
    Case("pdf-external-references", _pdf_with(_external_form)),
    Case(
        "pdf-truncated",
        lambda u, p: pdf_drawing()[:300],
        DAMAGED | frozenset({Refusal.PDF_PAGES}),
        may_render=True,
    ),
    Case(
        "pdf-zero-mediabox",
        lambda u, p: pdf_drawing(extra=_zero_box),
        SIZE | DAMAGED,
        may_render=True,
    ),
    Case("pdf-huge-page", lambda u, p: pdf_drawing(size=(14400, 14400))),
    Case("pdf-flate-bomb", _pdf_with(_flate_bomb), COMPLEX | SIZE, may_render=True),
    Case(
        "postscript-ai",
        lambda u, p: (
            b"%!PS-Adobe-3.0\n%%Creator: Adobe Illustrator(R) 24.0\n%%For: (Ivan Petrov)\n%%EndComments\n"
        ),
        frozenset({Refusal.POSTSCRIPT}),
    ),
    Case(
        "eps",
        lambda u, p: (
            b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n(/etc/passwd) (r) file\n"
        ),
        frozenset({Refusal.POSTSCRIPT}),
    ),
)
