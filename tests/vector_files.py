"""Drawings for the vector tests: real-looking editor exports that name their artist.

Each export carries what its editor really writes (Inkscape's sodipodi/inkscape attributes
and absolute export paths, Illustrator's i:/x: data, data-name layer names and PGF blob,
Affinity's serif:id, RDF/XMP metadata, PDF Info, XMP and PieceInfo) with the artist's name
and home folder in it, so a test can check that none of it survives.
"""

from __future__ import annotations

import base64
import io
import struct

import pikepdf
from PIL import Image

ARTIST = "Ivan Petrov"
HOME = "/home/ivanpetrov"
# Strings from the exports above that must never reach a stored or served file.
IDENTIFYING = (
    b"Ivan",
    b"Petrov",
    b"ivanpetrov",
    b"/home/",
    b"/Users/",
    b"sodipodi",
    b"inkscape",
    b"Illustrator",
    b"adobe",
    b"serif.com",
    b"xmpmeta",
    b"rdf:",
    b"Creator",
    b"Author",
    b"Exif\0\0",  # a camera's EXIF block (Artist, serial numbers, GPS)
    b"Photoshop 3.0",  # IPTC by-line and Photoshop resources
    b"ICC_PROFILE",  # an embedded profile, described by its owner
    b"CAMSERIAL0451",
    b"Maidan",  # where the photo was taken (EXIF GPS area)
    b"ClientsSecret",  # a folder named in a CSS comment
)
INK = (200, 30, 60)  # the red every test drawing shows


def inkscape_svg() -> bytes:
    """An Inkscape 1.3 'Inkscape SVG' save of a sticker: gradient, text, layers, metadata."""
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->

<svg
   width="80mm"
   height="80mm"
   viewBox="0 0 80 80"
   version="1.1"
   id="svg_ivan_petrov"
   inkscape:version="1.3.2 (091e20ef0f, 2023-11-25)"
   sodipodi:docname="freedom-sticker-ivan-petrov.svg"
   inkscape:export-filename="{HOME}/Stickers/freedom.png"
   inkscape:export-xdpi="300"
   inkscape:export-ydpi="300"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:xlink="http://www.w3.org/1999/xlink"
   xmlns="http://www.w3.org/2000/svg"
   xmlns:svg="http://www.w3.org/2000/svg"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
   xmlns:cc="http://creativecommons.org/ns#"
   xmlns:dc="http://purl.org/dc/elements/1.1/">
  <title id="title1">{ARTIST} — freedom sticker</title>
  <desc id="desc1">Drawn by {ARTIST}, {HOME}/Stickers</desc>
  <sodipodi:namedview id="namedview1" pagecolor="#ffffff" bordercolor="#000000"
     inkscape:zoom="2.1" inkscape:cx="151" inkscape:cy="151" inkscape:window-width="1920"
     inkscape:window-height="1011" inkscape:current-layer="layer_ivan" inkscape:document-units="mm" />
  <defs id="defs1">
    <linearGradient inkscape:collect="always" id="linearGradientIvan1">
      <stop style="stop-color:#c81e3c;stop-opacity:1" offset="0" id="stop1" />
      <stop style="stop-color:#f0a000;stop-opacity:1" offset="1" id="stop2" />
    </linearGradient>
    <linearGradient inkscape:collect="always" xlink:href="#linearGradientIvan1"
       id="linearGradient2" x1="10" y1="10" x2="70" y2="70" gradientUnits="userSpaceOnUse" />
  </defs>
  <metadata id="metadata1">
    <rdf:RDF>
      <cc:Work rdf:about="">
        <dc:title>freedom</dc:title>
        <dc:creator><cc:Agent><dc:title>{ARTIST}</dc:title></cc:Agent></dc:creator>
        <dc:rights><cc:Agent><dc:title>{ARTIST} 2024</dc:title></cc:Agent></dc:rights>
      </cc:Work>
    </rdf:RDF>
  </metadata>
  <!-- draft for the campaign, {ARTIST}, do not share -->
  <g inkscape:label="Layer of {ARTIST}" inkscape:groupmode="layer" id="layer_ivan">
    <rect style="fill:rgb{INK};fill-opacity:1;stroke:none" id="rect_ivan_petrov_base"
       width="60" height="60" x="10" y="10" rx="6" ry="6"
       inkscape:label="base drawn by {ARTIST}" />
    <circle style="fill:url(#linearGradient2);stroke:#000000;stroke-width:1"
       id="path_petrov_sketch" cx="40" cy="40" r="18" sodipodi:type="arc" />
    <text xml:space="preserve" style="font-size:9px;font-family:'DejaVu Sans';fill:#ffffff"
       x="40" y="70" text-anchor="middle" id="text_ivan"><tspan sodipodi:role="line"
       id="tspan1" x="40" y="70">FREE</tspan></text>
  </g>
</svg>
""".encode()


def illustrator_svg() -> bytes:
    """An Illustrator 'Save As SVG' without DOCTYPE entities, with i:/x: data and the PGF blob."""
    pgf = base64.b64encode(f"%AI private data {ARTIST} {HOME}/Documents/freedom.ai".encode())
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!-- Generator: Adobe Illustrator 27.5.0, SVG Export Plug-In . SVG Version: 6.00 Build 0)  -->
<svg version="1.1" id="Ivan_x5F_Petrov_x5F_Layer_1" xmlns="http://www.w3.org/2000/svg"
   xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:x="adobe:ns:meta/"
   xmlns:i="http://ns.adobe.com/AdobeIllustrator/10.0/"
   xmlns:graph="http://ns.adobe.com/Graphs/1.0/" x="0px" y="0px" viewBox="0 0 300 200"
   style="enable-background:new 0 0 300 200;" xml:space="preserve" i:viewOrigin="0 600"
   i:rulerOrigin="0 0" i:pageBounds="0 792 612 0">
<style type="text/css">
	.st0{{fill:url(#SVGID_1_);}}
	.st1{{fill:rgb{INK};}}
	.st2{{font-family:'MyriadPro-Regular';font-size:28px;fill:#FFFFFF;}}
</style>
<metadata>
	<sfw xmlns="http://ns.adobe.com/SaveForWeb/1.0/">
		<slices></slices>
		<sliceSourceBounds bottomLeftOrigin="true" height="200" width="300" x="0" y="0"></sliceSourceBounds>
	</sfw>
	<x:xmpmeta><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
	<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{ARTIST}</dc:creator>
	</rdf:Description></rdf:RDF></x:xmpmeta>
</metadata>
<switch>
	<foreignObject requiredExtensions="http://ns.adobe.com/AdobeIllustrator/10.0/" x="0" y="0"
		width="1" height="1"></foreignObject>
	<g i:extraneous="self">
		<g id="Ivan_x27_s_x5F_artwork" data-name="{ARTIST}'s artwork" i:layer="yes"
			i:dimmedPercent="50" i:rgbTrio="#4F008000FFFF">
			<linearGradient id="SVGID_1_" gradientUnits="userSpaceOnUse" x1="0" y1="0" x2="300"
				y2="200"><stop offset="0" style="stop-color:#C81E3C"/>
				<stop offset="1" style="stop-color:#F0A000"/></linearGradient>
			<rect x="10" y="10" class="st1" width="280" height="180"/>
			<ellipse class="st0" cx="150" cy="100" rx="90" ry="60"/>
			<text transform="matrix(1 0 0 1 95 110)" class="st2">FREE</text>
		</g>
	</g>
</switch>
<i:pgf id="adobe_illustrator_pgf">
	<![CDATA[
	{pgf.decode()}
	]]>
</i:pgf>
</svg>
""".encode()


def affinity_svg() -> bytes:
    """An Affinity Designer export: SVG 1.1 DOCTYPE (external, never fetched) and serif:id."""
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg width="100%" height="100%" viewBox="0 0 400 400" version="1.1"
  xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
  xml:space="preserve" xmlns:serif="http://www.serif.com/"
  style="fill-rule:evenodd;clip-rule:evenodd;stroke-linejoin:round;stroke-miterlimit:2;">
  <g id="Artboard-of-Ivan-Petrov" serif:id="Artboard of {ARTIST}">
    <circle cx="200" cy="200" r="180" style="fill:rgb{INK};"/>
    <path id="ivan-petrov-star" serif:id="star by {ARTIST}"
      d="M200,60L240,170L350,170L260,230L290,340L200,270L110,340L140,230L50,170L160,170Z"
      style="fill:#fff;"/>
  </g>
</svg>
""".encode()


def _content(width: float, height: float) -> bytes:
    """A page content stream: a red rounded shape, a gradient-like band and text."""
    return (
        f"q 0.784 0.118 0.235 rg 10 10 {width - 20} {height - 20} re f Q\n"
        f"q 0.94 0.63 0 rg {width / 2} {height / 2} m {width - 30} {height / 2} "
        f"{width - 30} {height - 30} {width / 2} {height - 30} c f Q\n"
        "BT /F1 28 Tf 1 1 1 rg 40 40 Td (FREE) Tj ET\n"
    ).encode()


def pdf_drawing(
    *,
    pages: int = 1,
    size: tuple[float, float] = (283.5, 170.1),  # 100 × 60 mm
    identify: bool = True,
    extra=None,
) -> bytes:
    """A drawing as an Illustrator-style PDF (.ai with PDF content), artist details included.

    ``extra(pdf, page)`` may add more (actions, links, attachments) before saving.
    """
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    for _ in range(pages):
        page = pdf.add_blank_page(page_size=size)
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(_content(*size))
    if identify:
        _identify(pdf)
    if extra is not None:
        extra(pdf, pdf.pages[0])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _identify(pdf: pikepdf.Pdf) -> None:
    """Add what Illustrator writes: Info, XMP, PieceInfo private data, thumbnail, layer names."""
    pdf.docinfo["/Author"] = ARTIST
    pdf.docinfo["/Creator"] = "Adobe Illustrator 27.5 (Macintosh)"
    pdf.docinfo["/Producer"] = "Adobe PDF library 17.00"
    pdf.docinfo["/Title"] = f"freedom — {ARTIST}"
    xmp = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f"<dc:creator>{ARTIST}</dc:creator><xmp:CreatorTool>Adobe Illustrator 27.5</xmp:CreatorTool>"
        '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()
    pdf.Root.Metadata = pdf.make_stream(xmp, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    private = pdf.make_stream(f"%AI12_CompressedData {ARTIST} {HOME}/Documents/freedom.ai".encode())
    page = pdf.pages[0].obj
    page.PieceInfo = pikepdf.Dictionary(
        Illustrator=pikepdf.Dictionary(
            LastModified=pikepdf.String("D:20240101120000"),
            Private=pikepdf.Dictionary(AIPrivateData1=private, RoundtripVersion=27),
        )
    )
    page.Metadata = pdf.make_stream(xmp)
    page.Thumb = pdf.make_stream(
        b"\x00" * 12, Width=2, Height=2, BitsPerComponent=8, ColorSpace=pikepdf.Name.DeviceRGB
    )
    layer = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name=pikepdf.String(f"{ARTIST} sketch layer"))
    )
    pdf.Root.OCProperties = pikepdf.Dictionary(
        OCGs=pikepdf.Array([layer]),
        D=pikepdf.Dictionary(Order=pikepdf.Array([layer]), Name=pikepdf.String(f"{ARTIST} config")),
    )


def png_data_uri(colour: tuple[int, int, int], *, note: str = "") -> str:
    """A small PNG as a data: URI, with a text chunk holding ``note`` (metadata to strip)."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    if note:
        info.add_text("Author", note)
    out = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(out, "PNG", pnginfo=info)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def probe_png(path, colour=(255, 0, 255)) -> None:
    """Write a solid ``colour`` PNG at ``path``: if it ever shows in a render, a file was read."""
    Image.new("RGB", (64, 64), colour).save(path, "PNG")


def _icc_named(owner: str) -> bytes:
    """A tiny ICC profile (header and one desc tag) whose description names ``owner``."""
    text = owner.encode() + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * 79
    size = 128 + 4 + 12 + len(desc)
    header = struct.pack(">I4s", size, b"none") + b"\x02\x10\0\0" + b"mntrRGB XYZ "
    header += bytes(12) + b"acsp" + bytes(128 - 40)
    return header + struct.pack(">I4sII", 1, b"desc", 144, len(desc)) + desc


def _segment(marker: int, body: bytes) -> bytes:
    """One JPEG marker segment."""
    return bytes((0xFF, marker)) + struct.pack(">H", len(body) + 2) + body


def photo_jpeg(colour: tuple[int, int, int] = INK, size: int = 64) -> bytes:
    """A camera JPEG naming its photographer every way cameras and editors do.

    EXIF (Artist, camera serial, GPS with a place name), an XMP packet, IPTC by-line in a
    Photoshop block, an ICC profile whose description names the artist, a comment, and bytes
    after the end of the image.
    """
    from PIL import Image

    exif = Image.Exif()
    exif[0x013B] = ARTIST  # Artist
    exif[0x010F] = "Canon"  # Make
    exif.get_ifd(0x8769)[0xA431] = "CAMSERIAL0451"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (50.0, 27.0, 0.0)
    gps[0x1C] = b"ASCII\0\0\0Maidan Nezalezhnosti"  # GPSAreaInformation
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(
        out, "JPEG", quality=90, exif=exif, comment=f"photo by {ARTIST}, {HOME}".encode()
    )
    data = out.getvalue()
    xmp = (
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
        b"xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><dc:creator>"
        + ARTIST.encode()
        + b"</dc:creator></rdf:RDF></x:xmpmeta>"
    )
    iptc = b"\x1c\x02\x50" + struct.pack(">H", len(ARTIST)) + ARTIST.encode()  # 2:80 By-line
    resource = b"8BIM\x04\x04\0\0" + struct.pack(">I", len(iptc)) + iptc
    extra = (
        _segment(0xE1, xmp)
        + _segment(0xED, b"Photoshop 3.0\0" + resource)
        + _segment(0xE2, b"ICC_PROFILE\0\x01\x01" + _icc_named(ARTIST))
    )
    return data[:2] + extra + data[2:] + f"trailer {ARTIST}".encode()


def photo_jp2(colour: tuple[int, int, int] = INK, size: int = 64) -> bytes:
    """A JPEG 2000 photo with a codestream comment and an XMP box after its header."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(
        out, "JPEG2000", no_jp2=False, comment=f"photo by {ARTIST}".encode()
    )
    data = out.getvalue()
    xmp = f"<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>{ARTIST}</dc:creator></x:xmpmeta>"
    box = struct.pack(">I4s", len(xmp) + 8, b"xml ") + xmp.encode()
    header_end = data.index(b"jp2c") - 4
    return data[:header_end] + box + data[header_end:]
