"""Make a finished sticker PDF a PDF/X-4 file: CMYK output intent, XMP identification, no
device RGB, nothing active.

PDF/X-4 (ISO 15930-7) is what print shops' preflight expects. Every export gets:

- an ``OutputIntent`` of subtype ``GTS_PDFX`` embedding a CMYK characterisation (the shipped
  FOGRA39 profile, or ``PRINT_CMYK_PROFILE``);
- XMP metadata naming ``pdfxid:GTS_PDFXVersion`` = ``PDF/X-4``, ``pdf:Trapped`` = ``False``,
  a neutral title and the day it was made; nothing about who made it or with what;
- colour that is either device CMYK/grey (which means the output intent) or ICC-based: every
  ``DeviceRGB`` image, fill and transparency group is tagged sRGB, or with ``cmyk`` converted
  to the press profile (the rasters themselves were converted by ``raster.py``);
- no outlines, open actions, additional actions, JavaScript or embedded files.

This module loads pikepdf and is imported only by the renderers, never at app start-up.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import lru_cache
from html import escape
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, String
from PIL import Image, ImageCms

from gallery.printing.engine import raster

PDFX_VERSION = "PDF/X-4"
# The characterisation the shipped profile was made from, registered at the ICC under this name.
DEFAULT_CONDITION = ("FOGRA39", "Coated FOGRA39 (ISO 12647-2:2004)")
REGISTRY = "http://www.color.org"
_RGB_OPS = {"rg": "k", "RG": "K"}


def default_profile_path() -> Path:
    """Return the shipped CMYK profile (``print_profiles/gallery-fogra39.icc`` in the repo)."""
    return Path(__file__).resolve().parents[3] / "print_profiles" / "gallery-fogra39.icc"


@lru_cache(maxsize=4)
def _read_profile(path: str) -> bytes:
    """Read and check a CMYK output profile once per process."""
    data = Path(path).read_bytes()
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
    except (OSError, ImageCms.PyCMSError) as exc:
        raise ValueError(f"{path}: not an ICC profile ({exc})") from exc
    if profile.profile.xcolor_space.strip() != "CMYK":
        space = profile.profile.xcolor_space.strip()
        raise ValueError(f"{path}: a CMYK output profile is needed, this one is {space}")
    return data


def cmyk_profile(path: str | Path | None = None) -> bytes:
    """Return the bytes of the CMYK profile at ``path`` (default: the shipped FOGRA39 one)."""
    return _read_profile(str(path or default_profile_path()))


def output_condition(icc: bytes) -> tuple[str, str]:
    """Return (OutputConditionIdentifier, Info) naming the printing condition of ``icc``."""
    if icc == cmyk_profile():
        return DEFAULT_CONDITION
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        label = (ImageCms.getProfileDescription(profile) or "").strip()
    except (OSError, ImageCms.PyCMSError):
        label = ""
    return "Custom", (label or "CMYK press profile")[:120]


def make_pdfx(pdf: Pdf, *, icc: bytes, title: str, cmyk: bool, made: date | None = None) -> None:
    """Turn ``pdf`` (open, about to be saved) into PDF/X-4 with ``icc`` as its output intent."""
    _drop_active_content(pdf)
    _tag_rgb(pdf, icc if cmyk else None)
    identifier, info = output_condition(icc)
    profile = _icc_stream(pdf, icc, 4)
    pdf.Root.OutputIntents = Array(
        [
            Dictionary(
                Type=Name.OutputIntent,
                S=Name.GTS_PDFX,
                OutputConditionIdentifier=String(identifier),
                OutputCondition=String(info),
                Info=String(info),
                RegistryName=String(REGISTRY),
                DestOutputProfile=pdf.make_indirect(profile),
            )
        ]
    )
    pdf.trailer.Info = pdf.make_indirect(
        Dictionary(
            Title=String(title or "Stickers"),
            Trapped=Name("/False"),
            GTS_PDFXVersion=String(PDFX_VERSION),
        )
    )
    day = made or datetime.now(UTC).date()
    stream = pikepdf.Stream(pdf, xmp_packet(title or "Stickers", day, _document_id(pdf)))
    stream["/Type"] = Name.Metadata
    stream["/Subtype"] = Name.XML
    pdf.Root.Metadata = pdf.make_indirect(stream)


def save(pdf: Pdf) -> bytes:
    """Save a PDF/X-4 document: PDF 1.6, a content-derived file ID, metadata left readable."""
    out = io.BytesIO()
    # Object streams are PDF 1.5; compressing streams leaves the XMP packet alone (qpdf never
    # compresses /Metadata), so plain-text readers still find the PDF/X identification.
    pdf.save(out, deterministic_id=True, compress_streams=True, force_version="1.6")
    return out.getvalue()


def xmp_packet(title: str, made: date, document_id: str) -> bytes:
    """Return the XMP packet identifying a PDF/X-4 file; it names no person and no tool."""
    day = made.isoformat()
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
   <xmp:CreateDate>{day}</xmp:CreateDate>
   <xmp:ModifyDate>{day}</xmp:ModifyDate>
   <xmp:MetadataDate>{day}</xmp:MetadataDate>
   <xmpMM:DocumentID>uuid:{document_id}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{document_id}</xmpMM:InstanceID>
   <xmpMM:VersionID>1</xmpMM:VersionID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   <pdf:Trapped>False</pdf:Trapped>
   <pdfxid:GTS_PDFXVersion>{PDFX_VERSION}</pdfxid:GTS_PDFXVersion>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return body.encode("utf-8")


def _document_id(pdf: Pdf) -> str:
    """Return a UUID derived from the pages' content, so the same export gets the same id."""
    digest = hashlib.sha256()
    for page in pdf.pages:
        digest.update(repr([float(v) for v in page.obj.MediaBox]).encode())
        for stream in _contents(page.obj):
            digest.update(stream.read_raw_bytes())
    return str(uuid.UUID(bytes=digest.digest()[:16], version=4))


def _contents(page: pikepdf.Dictionary) -> list[pikepdf.Stream]:
    """Return the content streams of a page."""
    contents = page.get("/Contents")
    if contents is None:
        return []
    return list(contents) if isinstance(contents, Array) else [contents]


def _drop_active_content(pdf: Pdf) -> None:
    """Remove outlines, actions, JavaScript and embedded files: a print file does nothing."""
    for key in ("/Outlines", "/OpenAction", "/AA", "/Names", "/PageMode", "/AcroForm"):
        if key in pdf.Root:
            del pdf.Root[key]
    for page in pdf.pages:
        for key in ("/AA", "/Annots"):
            if key in page.obj:
                del page.obj[key]


# --- device RGB -------------------------------------------------------------------------


def _tag_rgb(pdf: Pdf, cmyk_icc: bytes | None) -> None:
    """Replace DeviceRGB everywhere: by ICC-based sRGB, or with ``cmyk_icc`` by device CMYK."""
    srgb = pdf.make_indirect(Array([Name.ICCBased, _srgb_stream(pdf)]))
    convert = _rgb_to_cmyk(cmyk_icc) if cmyk_icc else None
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        _fix_holder(pdf, page.obj, srgb, convert, seen)


def _srgb_stream(pdf: Pdf) -> pikepdf.Stream:
    """Return an ICC stream of the sRGB profile the rasters were converted to."""
    stream = _icc_stream(pdf, raster.srgb_icc(), 3)
    stream["/Alternate"] = Name.DeviceRGB
    return pdf.make_indirect(stream)


def _icc_stream(pdf: Pdf, icc: bytes, components: int) -> pikepdf.Stream:
    """Return an ICC profile stream, deflated once per process rather than at every save."""
    stream = pikepdf.Stream(pdf, b"")
    stream.write(_deflated(icc), filter=Name.FlateDecode)
    stream["/N"] = components
    return stream


@lru_cache(maxsize=8)
def _deflated(data: bytes) -> bytes:
    """Return ``data`` deflated, fast (profiles are the same in every export, once a process)."""
    return zlib.compress(data, 1)


def _rgb_to_cmyk(icc: bytes):
    """Return a function mapping sRGB components (0..1) to press CMYK (0..1)."""
    cache: dict[tuple[float, ...], tuple[float, ...]] = {}

    def convert(rgb: tuple[float, ...]) -> tuple[float, ...]:
        """Convert one colour through the press profile (cached: few colours repeat a lot)."""
        if rgb not in cache:
            # The transform is built on the first colour met (most files have none to convert).
            transform = raster.cmyk_transform(icc)
            pixel = Image.new("RGB", (1, 1), tuple(round(max(0.0, min(1.0, c)) * 255) for c in rgb))
            out = ImageCms.applyTransform(pixel, transform).getpixel((0, 0))
            cache[rgb] = tuple(round(v / 255, 4) for v in out)
        return cache[rgb]

    return convert


def _key(obj: pikepdf.Object) -> tuple[int, int] | None:
    """Return an indirect object's id, or None for a direct one."""
    return obj.objgen if obj.is_indirect else None


def _fix_holder(pdf: Pdf, holder, srgb, convert, seen) -> None:
    """Fix a page or form: its group, its content stream and every resource it uses."""
    group = holder.get("/Group")
    if group is not None and group.get("/CS") == Name.DeviceRGB:
        group.CS = Name.DeviceCMYK if convert else srgb
    resources = holder.get("/Resources")
    if isinstance(holder, pikepdf.Stream):
        _fix_stream(pdf, holder, convert)
    elif "/Contents" in holder:
        for stream in _contents(holder):
            _fix_stream(pdf, stream, convert, seen)
    if resources is None:
        resources = holder.Resources = Dictionary()
    if convert is None:
        colour_spaces = resources.get("/ColorSpace")
        if colour_spaces is None:
            colour_spaces = resources.ColorSpace = Dictionary()
        colour_spaces.GallerySRGB = srgb
    for xobject in _values(resources.get("/XObject")):
        key = _key(xobject)
        if key in seen:
            continue
        if key:
            seen.add(key)
        if xobject.get("/Subtype") == Name.Image:
            _fix_image(xobject, srgb)
        elif xobject.get("/Subtype") == Name.Form:
            _fix_holder(pdf, xobject, srgb, convert, seen)
    for shading in _values(resources.get("/Shading")):
        if shading.get("/ColorSpace") == Name.DeviceRGB:
            shading.ColorSpace = srgb
    for pattern in _values(resources.get("/Pattern")):
        if pattern.get("/PatternType") == 1 and _key(pattern) not in seen:
            seen.add(_key(pattern))
            _fix_holder(pdf, pattern, srgb, convert, seen)
        elif _shading_space(pattern) == Name.DeviceRGB:
            pattern.Shading.ColorSpace = srgb
    for state in _values(resources.get("/ExtGState")):
        mask = state.get("/SMask")
        if isinstance(mask, Dictionary) and mask.get("/G") is not None and _key(mask.G) not in seen:
            seen.add(_key(mask.G))
            _fix_holder(pdf, mask.G, srgb, convert, seen)


def _shading_space(pattern) -> pikepdf.Object | None:
    """Return the colour space of a shading pattern's shading, if it has one."""
    shading = pattern.get("/Shading")
    return shading.get("/ColorSpace") if shading is not None else None


def _values(dictionary) -> Iterator[pikepdf.Object]:
    """Yield the values of a resource dictionary (none when it is missing)."""
    if dictionary is None:
        return
    for name in list(dictionary.keys()):
        yield dictionary[name]


def _fix_image(image: pikepdf.Stream, srgb) -> None:
    """Tag a DeviceRGB image (and any RGB /Alternate chain) as sRGB."""
    if image.get("/ColorSpace") == Name.DeviceRGB:
        image.ColorSpace = srgb


def _fix_stream(pdf: Pdf, stream: pikepdf.Stream, convert, seen=None) -> None:
    """Rewrite ``rg``/``RG`` and ``/DeviceRGB cs`` in one content stream (once, when shared)."""
    if seen is not None and stream.is_indirect:
        if stream.objgen in seen:
            return
        seen.add(stream.objgen)
    data = stream.read_bytes()
    if b"rg" not in data and b"RG" not in data and b"DeviceRGB" not in data:
        return
    changed = False
    out = []
    for operands, operator in pikepdf.parse_content_stream(stream):
        op = str(operator)
        if op in _RGB_OPS and len(operands) == 3:
            rgb = tuple(float(v) for v in operands)
            changed = True
            if convert is not None:
                out.append((list(convert(rgb)), pikepdf.Operator(_RGB_OPS[op])))
            else:
                space = "cs" if op == "rg" else "CS"
                out.append(([Name.GallerySRGB], pikepdf.Operator(space)))
                out.append((list(rgb), pikepdf.Operator("sc" if op == "rg" else "SC")))
            continue
        if op in ("cs", "CS") and operands and operands[0] == Name.DeviceRGB:
            changed = True
            if convert is not None:
                # A later sc/SC would give three numbers to a CMYK space: refuse quietly by
                # keeping RGB tagged instead (our renderers never write this form).
                raise ValueError("DeviceRGB set with cs/CS cannot be converted to CMYK")
            out.append(([Name.GallerySRGB], operator))
            continue
        out.append((operands, operator))
    if changed:
        stream.write(pikepdf.unparse_content_stream(out))
