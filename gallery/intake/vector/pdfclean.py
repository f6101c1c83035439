"""Rewrite an untrusted one-page PDF without anything that names the artist or acts on its own.

Runs inside the confined render worker (imported by ``worker.py`` as a plain module: pikepdf
and the standard library only). Gone: the Info dictionary (Author, Creator, Producer, dates),
every XMP ``/Metadata`` stream, Illustrator's ``/PieceInfo`` private data (the whole editable
.ai file, with its paths and user names), thumbnails, JavaScript, actions, annotations and
links, forms, outlines, named destinations, embedded files, structure trees (alt texts),
page labels, external references (reference XObjects, OPI links to image files). Layer
(optional content) names are renamed ``Layer 1``, ``Layer 2`` … The file is written again
with a file ID derived from its content, unencrypted.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Name


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
