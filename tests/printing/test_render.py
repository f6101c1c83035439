"""Rendering a planned export: read the PDF back and check it against the plan, to 0.1 mm."""

from __future__ import annotations

import pdfplumber
import pikepdf
import pytest

from gallery.printing.engine import raster, render
from gallery.printing.engine.glabels import glabels_default_dir, import_glabels
from gallery.printing.engine.options import CreditPlacement, ExportOptions
from gallery.printing.engine.plan import plan_export
from gallery.printing.engine.render import MAX_SHEETS, CacheFetcher, RefusedURLError, render_export
from tests.printing.render_kit import (
    assert_matches_plan,
    builtin_layouts,
    mm,
    save_checked,
    spaced_layout,
    store,
    works,
)

BUILTIN = sorted(builtin_layouts())
# Real gLabels templates of different shapes and makers: (file, template id prefix).
GLABELS = [
    ("avery-iso-templates.xml", "glabels-avery-l7163"),
    ("avery-us-templates.xml", "glabels-avery-5160"),
    ("avery-us-templates.xml", "glabels-avery-5294"),
    ("herma-iso-templates.xml", "glabels-herma-4606"),
    ("herma-iso-templates.xml", "glabels-herma-4283"),
    ("zweckform-iso-templates.xml", "glabels-zweckform-4732"),
    ("zweckform-iso-templates.xml", "glabels-zweckform-3654"),
]


def _options(layout, **changes) -> ExportOptions:
    """Return the layout's defaults with ``changes``."""
    return layout.defaults.replace(**changes)


def _items(sources, copies: int = 2):
    """Return plan items: every source ``copies`` times."""
    return [(s, copies) for s in sources]


def _render(tmp_path, layout, options, *, name="out.pdf", copies=2, **kw):
    """Plan and render the five test works on ``layout``; return (storage, sheets, pdf path)."""
    storage = kw.pop("storage", None) or store(tmp_path)
    sources = kw.pop("sources", None) or works(storage)
    sheets = plan_export(layout, _items(sources, copies), options)
    data = render_export(layout, sheets, options, storage=storage, title="Stickers", **kw)
    return storage, sheets, save_checked(tmp_path, name, data)


@pytest.mark.parametrize("layout_id", BUILTIN)
def test_builtin_layouts_render_as_planned(tmp_path, layout_id):
    """Every built-in layout renders page size, images and credits exactly where planned."""
    layout = builtin_layouts()[layout_id]
    options = _options(layout)
    _, sheets, path = _render(tmp_path, layout, options)
    assert_matches_plan(path, layout, sheets, options)


def test_credit_under_the_sticker(tmp_path):
    """With credits under the stickers the line sits below the cell, still inside the sheet."""
    layout = spaced_layout()
    options = _options(layout, credit=CreditPlacement.UNDER)
    _, sheets, path = _render(tmp_path, layout, options, copies=1)
    assert_matches_plan(path, layout, sheets, options)
    placed = [p for s in sheets for p in s.placements if p.credit_box]
    assert placed and all(p.credit_box.y >= p.trim_box.bottom for p in placed)


def _glabels_layouts():
    """Return (file, id) pairs for the real gLabels templates, or a skip marker."""
    folder = glabels_default_dir()
    if folder is None:
        return [
            pytest.param(None, None, marks=pytest.mark.skip(reason="glabels-data not installed"))
        ]
    return [(folder / name, prefix) for name, prefix in GLABELS]


@pytest.mark.parametrize(("template_file", "layout_id"), _glabels_layouts())
def test_glabels_layouts_render_as_planned(tmp_path, template_file, layout_id):
    """Layouts imported from real gLabels templates render exactly as planned too."""
    layouts = {layout.id: layout for layout in import_glabels(template_file)}
    matches = sorted(i for i in layouts if i == layout_id or i.startswith(layout_id + "-"))
    assert matches, f"{layout_id} not among {len(layouts)} imported templates"
    layout = layouts[matches[0]]
    options = _options(layout)
    _, sheets, path = _render(tmp_path, layout, options, copies=1)
    assert_matches_plan(path, layout, sheets, options)


def test_credits_in_any_script_are_real_text(tmp_path):
    """Cyrillic and Arabic credits are extractable text; HTML in a credit is printed as text."""
    layout = builtin_layouts()["avery-l7163"]
    _, _, path = _render(tmp_path, layout, _options(layout, credits_page=False), copies=1)
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Иван Петров" in text
    assert "محمد" in text or "محمد"[::-1] in text
    assert "<b>Bold</b> & Co" in text


def test_credits_page_lists_every_work(tmp_path):
    """The last page names every work and every credited artist, once."""
    layout = builtin_layouts()["avery-l7163"]
    options = _options(layout, credits_page=True)
    storage = store(tmp_path)
    sources = works(storage)
    sheets = plan_export(layout, _items(sources, 3), options)
    data = render_export(layout, sheets, options, storage=storage, credits_heading="Авторы")
    path = save_checked(tmp_path, "credits.pdf", data)
    with pdfplumber.open(path) as pdf:
        last = pdf.pages[-1].extract_text()
        assert not pdf.pages[-1].images
    assert last.startswith("Авторы")
    for source in sources:
        assert last.count(source.title) == 1
        if source.credit and source.credit.isascii():
            assert source.credit in last


def test_calibration_offset_moves_images_exactly(tmp_path):
    """A calibration offset moves every image by exactly that offset."""
    layout = builtin_layouts()["avery-l7163"]
    storage = store(tmp_path)
    sources = works(storage)
    boxes = []
    for n, (dx, dy) in enumerate([(0.0, 0.0), (1.3, -0.7)]):
        options = _options(layout, offset_x_mm=dx, offset_y_mm=dy)
        _, _, path = _render(
            tmp_path, layout, options, name=f"cal{n}.pdf", storage=storage, sources=sources
        )
        with pdfplumber.open(path) as pdf:
            boxes.append([(mm(i["x0"]), mm(i["top"])) for i in pdf.pages[0].images])
    assert len(boxes[0]) == len(boxes[1]) > 0
    for (x0, y0), (x1, y1) in zip(boxes[0], boxes[1], strict=True):
        assert abs((x1 - x0) - 1.3) < 0.01 and abs((y1 - y0) + 0.7) < 0.01


def test_reexport_never_decodes_masters_again(tmp_path):
    """A second export of the same plan uses the cache only: no decode, masters not even read."""
    layout = builtin_layouts()["avery-l7163"]
    options = _options(layout)
    storage, sheets, first = _render(tmp_path, layout, options)
    decoded = raster.decode_count
    for key in list(storage.keys("works/")):
        storage.delete(key)
    again = render_export(layout, sheets, options, storage=storage, title="Stickers")
    assert raster.decode_count == decoded
    second = save_checked(tmp_path, "again.pdf", again)
    with pdfplumber.open(first) as a, pdfplumber.open(second) as b:
        boxes = [
            [(i["x0"], i["top"], i["x1"], i["bottom"]) for i in p.pages[0].images] for p in (a, b)
        ]
    assert boxes[0] == boxes[1]


def test_progress_is_reported_per_sheet(tmp_path):
    """Progress is called once per sheet and once when the PDF is done."""
    layout = builtin_layouts()["plain-a4-6-square-90"]
    calls: list[tuple[int, int]] = []
    _, sheets, _ = _render(
        tmp_path, layout, _options(layout), copies=3, progress=lambda d, t: calls.append((d, t))
    )
    total = len(sheets) + 1
    assert len(sheets) > 1
    assert calls == [(n, total) for n in range(1, total + 1)]


def test_too_many_sheets_are_refused(tmp_path):
    """A single call renders at most MAX_SHEETS sheets."""
    layout = builtin_layouts()["plain-a4-6-square-90"]
    storage = store(tmp_path)
    sources = works(storage)
    options = _options(layout)
    per = layout.labels_per_sheet
    sheets = plan_export(layout, [(sources[0], per * (MAX_SHEETS + 1))], options, max_sheets=1000)
    with pytest.raises(ValueError, match="sheets"):
        render_export(layout, sheets, options, storage=storage)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.org/font.woff",
        "https://example.org/a.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "gallery-print:works/photoAAA.jpg",
        "gallery-print:print-cache/../works/photoAAA.jpg",
        "gallery-print:/etc/passwd",
        "gallery-print:print-cache/x.txt",
    ],
)
def test_fetcher_refuses_anything_but_print_rasters(tmp_path, url):
    """The URL fetcher only serves print-cache rasters from storage."""
    storage = store(tmp_path)
    works(storage)
    with pytest.raises(RefusedURLError):
        CacheFetcher(storage).fetch(url)


def test_fetcher_serves_a_cached_raster(tmp_path):
    """A print-cache key is served with its image type."""
    storage = store(tmp_path)
    storage.write("print-cache/1-a-10x10-r0.png", b"\x89PNG fake")
    response = CacheFetcher(storage).fetch("gallery-print:print-cache/1-a-10x10-r0.png")
    assert response.read() == b"\x89PNG fake"
    assert response.content_type == "image/png"


def test_no_identifying_metadata(tmp_path):
    """Only a neutral title and the PDF/X-4 identification: no Producer, Creator or Author,
    in /Info or in the XMP."""
    layout = builtin_layouts()["avery-l7163"]
    _, _, path = _render(tmp_path, layout, _options(layout), copies=1)
    with pikepdf.open(path) as pdf:
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        assert info == {"/Title": "Stickers", "/Trapped": "/False", "/GTS_PDFXVersion": "PDF/X-4"}
        xmp = pdf.Root.Metadata.read_bytes().decode()
        with pdf.open_metadata() as meta:
            assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
            assert meta["pdf:Trapped"] == "False"
            assert meta["dc:title"] == "Stickers"
        raw = path.read_bytes()
    for trace in ("Creator", "Producer", "Author", "creator", "WeasyPrint", "pikepdf", "@"):
        assert trace not in xmp
    assert b"WeasyPrint" not in raw and b"pikepdf" not in raw.lower()


def test_embedded_images_are_small_derivatives(tmp_path):
    """A big master is embedded at its printed size: the PDF stays far smaller than the master."""
    layout = builtin_layouts()["avery-l7163"]
    storage = store(tmp_path)
    sources = works(storage)
    _, _, path = _render(tmp_path, layout, _options(layout), storage=storage, sources=sources)
    with pikepdf.open(path) as pdf:
        for page in pdf.pages[:1]:
            for _, image in page.get_images().items():
                pil = pikepdf.PdfImage(image).as_pil_image()
                assert max(pil.size) <= 800
    assert path.stat().st_size < 2_000_000


def test_sheets_rendered_in_parts_share_each_image_once(tmp_path):
    """Sheets are rendered a few at a time; the joined PDF still embeds each raster once."""
    layout = builtin_layouts()["plain-a4-6-square-90"]
    options = _options(layout)
    _, sheets, path = _render(tmp_path, layout, options, copies=3)
    assert len(sheets) > render.CHUNK_SHEETS
    rasters = {
        raster.print_image_key(p.sticker, p.image_px, rotated=p.rotated)
        for sheet in sheets
        for p in sheet.placements
    }
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == len(sheets) + 1
        images = {image.objgen for page in pdf.pages for image in page.get_images().values()}
    assert len(images) == len(rasters)
    assert_matches_plan(path, layout, sheets, options)
