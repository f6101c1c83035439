"""Artists send drawings (SVG, PDF, an Illustrator .ai) through the public form."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Entry, Work
from gallery.storage.files import get_storage
from tests.conftest import log_in_as
from tests.vector_corpus import CASES
from tests.vector_files import IDENTIFYING, illustrator_svg, inkscape_svg, pdf_drawing

VECTOR_NOTE = "vector: sharp at any size"


def every_stored_file(app) -> dict[str, bytes]:
    """Return every stored file by key."""
    with app.app_context():
        storage = get_storage()
        return {key: storage.read(key) for key in storage.keys()}


def test_inkscape_svg_and_illustrator_pdf_become_vector_works(app, artist, client):
    """Both are accepted, the receipt and claim page say they print sharp at any size."""
    response = artist.submit(
        [(inkscape_svg(), "freedom.svg", "Freedom"), (pdf_drawing(), "freedom-poster.ai", "Poster")]
    )
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert receipt.count(VECTOR_NOTE) == 2
    assert "prints sharp up to" not in receipt
    with app.app_context():
        works = db.session.scalars(select(Work).order_by(Work.position)).all()
        assert [w.vector_ext for w in works] == ["svg", "pdf"]
        keys = [w.vector_key for w in works]
    files = every_stored_file(app)
    assert all(key in files for key in keys)
    assert files[keys[0]].startswith(b"<?xml") and files[keys[1]].startswith(b"%PDF")
    for key, data in files.items():
        for needle in IDENTIFYING:
            assert needle not in data, (key, needle)


def test_claim_page_shows_the_vector_note(app, artist, client):
    """The artist's private page says the same as the receipt."""
    response = artist.submit([(illustrator_svg(), "sticker.svg")])
    claim = client.get(artist.claim_url(response)).get_data(as_text=True)
    assert VECTOR_NOTE in claim


def test_curators_see_vector_in_print_suitability(app, artist, client):
    """The curators' work page says a drawing is sharp at any size, every real size sharp."""
    artist.submit([(inkscape_svg(), "freedom.svg")])
    log_in_as(client, app, "curator")
    with app.app_context():
        work_id = db.session.scalars(select(Work.id)).one()
    html = client.get(f"/curate/works/{work_id}").get_data(as_text=True)
    assert "Vector (SVG): sharp at any size." in html
    assert "may look soft" not in html


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (pdf_drawing(pages=3), "catalogue.pdf", ("3 pages", "single-page PDF")),
        (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 9 9\n", "logo.eps", ("single-page PDF",)),
        (
            b"%!PS-Adobe-3.0\n%%Creator: Adobe Illustrator(R) 8.0\n",
            "old.ai",
            ("Adobe Illustrator (PostScript)", "SVG"),
        ),
    ],
    ids=["three-page pdf", "eps", "postscript ai"],
)
def test_unusable_drawing_says_how_to_export_and_keeps_the_rest(
    app, artist, make_image, data, name, words
):
    """A 422 naming the file, how to export it, the form and the other image kept."""
    response = artist.submit(
        [(make_image(), "good.png", "Good"), (data, name, "Bad")], credit="Ana"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert name in html and all(word in html for word in words), html
    assert 'value="Ana"' in html and 'value="Good"' in html
    assert "Kept." in html
    with app.app_context():
        assert db.session.scalars(select(Entry)).first() is None


def test_the_refusal_is_in_russian_for_a_russian_artist(artist, client):
    """Messages about drawings are translated like every other refusal."""
    client.set_cookie("lang", "ru", domain="gallery.test")
    response = artist.submit([(pdf_drawing(pages=2), "two.pdf")])
    assert response.status_code == 422
    assert "одностраничный PDF" in response.get_data(as_text=True)


def test_a_kept_drawing_comes_back_with_its_source(app, artist, make_image):
    """A drawing kept from a refused form keeps its vector source when the form is sent again."""
    from tests.submissions.conftest import hidden_value

    first = artist.submit([(inkscape_svg(), "ok.svg", "Ok"), (b"%!PS", "bad.eps")])
    html = first.get_data(as_text=True)
    assert first.status_code == 422 and "Kept. Vector: sharp at any size." in html
    tokens = {
        "csrf_token": hidden_value(html, "csrf_token"),
        "started": hidden_value(html, "started"),
    }
    kept = hidden_value(html, "images-0-pending")
    again = artist.submit([], tokens=tokens, **{"images-0-pending": kept, "images-0-title": "Ok"})
    assert again.status_code == 303
    with app.app_context():
        work = db.session.scalars(select(Work)).one()
        assert work.vector_ext == "svg" and get_storage().exists(work.vector_key)


HOSTILE = [
    case
    for case in CASES
    if case.name
    in {
        "xxe-file",
        "billion-laughs",
        "use-bomb",
        "gzip-bomb",
        "pdf-two-pages",
        "pdf-encrypted",
        "script-and-onload",
        "probe-files-every-way",
        "pdf-actions-links-attachments",
        "pdf-placed-photo-metadata",
        "css-comments",
    }
]


@pytest.mark.parametrize("case", HOSTILE, ids=lambda case: case.name)
def test_hostile_drawings_through_the_form_never_fail_the_server(app, artist, tmp_path, case):
    """Through the web: a 422 with a message and no entry, or a work whose files name no one."""
    (tmp_path / "probe.png").write_bytes(b"")
    response = artist.submit([(case.build("http://127.0.0.1:9", tmp_path), "drawing.svg")])
    with app.app_context():
        entries = db.session.scalars(select(Entry)).all()
    if case.renders:
        assert response.status_code == 303
        assert len(entries) == 1
        for key, data in every_stored_file(app).items():
            for needle in IDENTIFYING:
                assert needle not in data, (key, needle)
    else:
        assert response.status_code == 422
        assert 'role="alert"' in response.get_data(as_text=True)
        assert entries == []
