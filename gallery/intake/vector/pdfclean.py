"""Rewrite an untrusted one-page PDF without anything that names the artist or acts on its own.

Runs inside the confined render worker (imported by ``worker.py`` as a plain module: pikepdf
and the standard library only). Gone: the Info dictionary (Author, Creator, Producer, dates),
every XMP ``/Metadata`` stream, Illustrator's ``/PieceInfo`` private data (the whole editable
.ai file, with its paths and user names), thumbnails, JavaScript, actions, annotations and
links, forms, outlines, named destinations, embedded files, structure trees (alt texts),
page labels, external references (reference XObjects, OPI links to image files). Layer
(optional content) names are renamed ``Layer 1``, ``Layer 2`` … Photos placed in the drawing
(JPEG and JPEG 2000 images, inline ones too) lose their EXIF, GPS, XMP, IPTC, ICC texts and
comments, their pictures copied unchanged (``rasterclean.py``). The file is written again
with a file ID derived from its content, unencrypted.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Name

if __package__:  # imported by the app's tests as part of the package
    from . import rasterclean
else:  # in the worker, the modules beside this one are plain modules
    import rasterclean


def _words(text: str) -> frozenset[str]:
    """Return the whitespace-separated names in ``text``."""
    return frozenset(text.split())


MAX_OBJECTS = 500_000

_ROOT_KEYS = _words(
    """
    /Metadata /PieceInfo /Names /OpenAction /AA /AcroForm /Outlines /StructTreeRoot
    /MarkInfo /PageLabels /Threads /URI /SpiderInfo /Perms /Legal /Collection /Dests /Lang
    /Extensions /AF /DSS /Requirements
    """
)
_PAGE_KEYS = _words(
    """
    /Annots /AA /PieceInfo /Metadata /Thumb /B /StructParents /Tabs /Trans /ID /PZ
    /LastModified /AF /SeparationInfo /TemplateInstantiated
    """
)
# Keys dropped from every dictionary and stream in the file.
_ANY_KEYS = ("/Metadata", "/PieceInfo", "/LastModified", "/OPI", "/Ref", "/AF")


class PdfError(Exception):
    """The PDF is refused: ``reason`` is one of the intake's refusal values."""

    def __init__(self, reason: str, **detail: object) -> None:
        """Keep the reason and details for the parent process."""
        super().__init__(reason)
        self.reason, self.detail = reason, detail


def clean_pdf(data: bytes) -> bytes:
    """Return the cleaned single-page PDF, or raise PdfError."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise PdfError("pdf_encrypted") from None
    except Exception:
        raise PdfError("damaged") from None
    with pdf:
        pages = len(pdf.pages)
        if pages != 1:
            raise PdfError("pdf_pages", pages=pages)
        if len(pdf.objects) > MAX_OBJECTS:
            raise PdfError("vector_too_complex", what="objects")
        _strip(pdf)
        out = io.BytesIO()
        pdf.save(
            out,
            encryption=False,
            deterministic_id=True,
            fix_metadata_version=False,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
        )
    return out.getvalue()


def _strip(pdf: pikepdf.Pdf) -> None:
    """Remove metadata, private data, actions and external references in place."""
    if Name.Info in pdf.trailer:
        del pdf.trailer[Name.Info]
    root = pdf.Root
    for key in _ROOT_KEYS:
        if key in root:
            del root[key]
    _rename_layers(root)
    page = pdf.pages[0].obj
    for key in _PAGE_KEYS:
        if key in page:
            del page[key]
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream | pikepdf.Dictionary):
            for key in _ANY_KEYS:
                if key in obj:
                    del obj[key]
        if isinstance(obj, pikepdf.Stream):
            _clean_photo(obj)
    _clean_inline_photos(pdf)


def _rename_layers(root: pikepdf.Dictionary) -> None:
    """Give optional-content groups neutral names: editors use the artist's layer names."""
    props = root.get("/OCProperties")
    if not isinstance(props, pikepdf.Dictionary):
        return
    for number, group in enumerate(props.get("/OCGs", []), start=1):
        if isinstance(group, pikepdf.Dictionary):
            group.Name = pikepdf.String(f"Layer {number}")
    default = props.get("/D")
    if isinstance(default, pikepdf.Dictionary):
        for key in ("/Name", "/Creator", "/Order", "/RBGroups", "/Locked", "/AS"):
            if key in default:
                del default[key]


# What strips each kind of photo; other image filters (Flate, LZW, CCITT …) carry pixels only.
_PHOTO_FILTERS = {"/DCTDecode": rasterclean.strip_jpeg, "/JPXDecode": rasterclean.strip_jpx}
_INLINE_NAMES = {"/DCT": "/DCTDecode", "/AHx": "/ASCIIHexDecode", "/A85": "/ASCII85Decode"}
_INLINE_NAMES |= {"/Fl": "/FlateDecode", "/LZW": "/LZWDecode", "/RL": "/RunLengthDecode"}


def _as_list(value: object) -> list:
    """A filter or decode-parameter entry as a list (a single one or an array)."""
    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def _photo_cleaner(filters: list):
    """Return the stripper for a JPEG or JPEG 2000 filter chain, None for other data."""
    names = [_INLINE_NAMES.get(str(f), str(f)) for f in filters]
    found = [name for name in names if name in _PHOTO_FILTERS]
    if not found:
        return None
    if len(found) > 1 or names[-1] != found[0]:
        raise PdfError("damaged")  # a photo codec must be the last filter
    return _PHOTO_FILTERS[found[0]]


def _strip_photo(strip, data: bytes) -> bytes:
    """Run a stripper; data it cannot walk is refused, never stored as it came."""
    try:
        return strip(data)
    except (ValueError, IndexError):
        raise PdfError("damaged") from None


def _clean_photo(stream: pikepdf.Stream) -> None:
    """Rewrite a JPEG or JPEG 2000 stream without metadata (earlier filters undone)."""
    filters = _as_list(stream.get("/Filter"))
    strip = _photo_cleaner(filters)
    if strip is None:
        return
    parms = _as_list(stream.get("/DecodeParms"))
    last = parms[-1] if len(parms) == len(filters) else None
    if len(filters) > 1:
        # Let qpdf undo the filters before the photo codec (Flate, ASCII85 …) only.
        stream.Filter = pikepdf.Array(filters[:-1])
        if "/DecodeParms" in stream:
            stream.DecodeParms = pikepdf.Array(parms[:-1])
        data = stream.read_bytes()
    else:
        data = stream.read_raw_bytes()
    if "/DecodeParms" in stream:
        del stream.DecodeParms
    keep = last if isinstance(last, pikepdf.Dictionary) else None
    stream.write(_strip_photo(strip, data), filter=Name(str(filters[-1])), decode_parms=keep)


def _content_streams(pdf: pikepdf.Pdf) -> list:
    """The page and every form, tiling pattern and Type 3 glyph: where inline images live."""
    found: list = [pdf.pages[0]]
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and (
            obj.get("/Subtype") == Name.Form or obj.get("/PatternType") == 1
        ):
            found.append(obj)
        elif isinstance(obj, pikepdf.Dictionary) and isinstance(
            obj.get("/CharProcs"), pikepdf.Dictionary
        ):
            found.extend(obj.CharProcs.values())
    return found


def _clean_inline_photos(pdf: pikepdf.Pdf) -> None:
    """Rewrite content streams whose inline images are JPEGs, without their metadata."""
    for holder in _content_streams(pdf):
        stream = holder if isinstance(holder, pikepdf.Stream) else None
        parts = [stream] if stream is not None else _as_list(holder.obj.get("/Contents"))
        data = b"\n".join(part.read_bytes() for part in parts)
        if b"ID" not in data or b"BI" not in data:
            continue  # parsing every content stream would cost seconds on big drawings
        rewritten = _without_inline_metadata(pdf, holder)
        if rewritten is None:
            continue
        if stream is not None:
            stream.write(rewritten)
        else:
            holder.obj.Contents = pdf.make_stream(rewritten)


def _without_inline_metadata(pdf: pikepdf.Pdf, holder) -> bytes | None:
    """Return the content with its inline JPEGs stripped, or None when it has none."""
    try:
        instructions = pikepdf.parse_content_stream(holder)
    except pikepdf.PdfError:
        raise PdfError("damaged") from None
    parts, run, changed = [], [], False
    for instruction in instructions:
        image = instruction.operands[0] if str(instruction.operator) == "INLINE IMAGE" else None
        strip = _photo_cleaner(_as_list(image.obj.get("/Filter"))) if image else None
        if strip is None:
            run.append(instruction)
            continue
        parts += [pikepdf.unparse_content_stream(run), _inline_photo(pdf, image, strip)]
        run, changed = [], True
    return b"\n".join([*parts, pikepdf.unparse_content_stream(run)]) if changed else None


def _inline_photo(pdf: pikepdf.Pdf, image, strip) -> bytes:
    """Write one inline JPEG again (full key names, binary data) without its metadata."""
    header = image.obj.copy()
    filters = [Name(_INLINE_NAMES.get(str(f), str(f))) for f in _as_list(header.get("/Filter"))]
    parms = _as_list(header.get("/DecodeParms"))
    carrier = pdf.make_stream(image.read_raw_bytes())
    if len(filters) > 1:
        carrier.Filter = pikepdf.Array(filters[:-1])
        if parms:
            carrier.DecodeParms = pikepdf.Array(parms[:-1])
    data = _strip_photo(strip, carrier.read_bytes())
    header.Filter = filters[-1]
    if "/DecodeParms" in header:
        last = parms[-1] if len(parms) == len(filters) else None
        if isinstance(last, pikepdf.Dictionary):
            header.DecodeParms = last
        else:
            del header.DecodeParms
    return b"BI " + header.unparse()[2:-2].strip() + b" ID " + data + b"\nEI"
