"""`mirror DEST` writes the whole public site, in every language, from the live templates."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from gallery.extensions import db
from gallery.models import Export, Pack, Work
from gallery.public.mirror.links import artist_dir
from gallery.storage.files import get_storage
from tests.factories import MASTER_BYTES
from tests.public.mirror.conftest import (
    CYRILLIC_CREDIT,
    HOSTILE_CREDIT,
    links_of,
    pages,
    run_mirror,
    tree,
)


class MainText(HTMLParser):
    """The words inside ``<main>``, as a visitor reads them."""

    def __init__(self) -> None:
        """Start outside ``<main>``."""
        super().__init__()
        self.inside = False
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        """Note entering ``<main>``."""
        self.inside = self.inside or tag == "main"

    def handle_endtag(self, tag) -> None:
        """Note leaving ``<main>``."""
        if tag == "main":
            self.inside = False

    def handle_data(self, data) -> None:
        """Keep the words shown inside ``<main>``."""
        if self.inside:
            self.words += data.split()


def main_text(html: str) -> list[str]:
    """Return the words of a page's ``<main>``."""
    parser = MainText()
    parser.feed(html)
    return parser.words


def test_every_public_page_in_every_language(app, site, tmp_path):
    """Default language at the top, Russian under ru/, each page a folder's index.html."""
    dest = tmp_path / "mirror"
    report = run_mirror(app, dest)
    files = tree(dest)
    pack = site["pack"]
    for root in ("", "ru/"):
        assert f"{root}index.html" in files
        assert f"{root}call/index.html" in files
        assert f"{root}packs/index.html" in files
        assert f"{root}packs/{pack.id}/index.html" in files
        assert f"{root}feed.atom" in files
        for work in site["works"]:
            assert f"{root}works/{work.id}/index.html" in files
        for credit in ("Maria K.", HOSTILE_CREDIT, CYRILLIC_CREDIT):
            assert f"{root}{artist_dir(credit)}/index.html" in files
    assert '<html lang="en">' in files["index.html"].decode()
    russian = files["ru/index.html"].decode()
    assert '<html lang="ru">' in russian and "Галерея стикеров" in russian
    assert (report.works, report.packs, report.languages) == (6, 1, 2)
    assert report.files == len(files) - 1 == report.written  # all but the manifest, all new


def test_images_pdf_and_preview_are_the_files_the_live_site_serves(app, client, site, tmp_path):
    """Every WebP size of every work, the pack's PDF and preview: byte for byte; no master."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    files = tree(dest)
    for work in site["works"]:
        assert work.widths, "works have previews"
        for width in work.widths:
            live = client.get(f"/works/{work.id}/{width}.webp")
            assert live.status_code == 200
            assert files[f"works/{work.id}/{width}.webp"] == live.data
    pack = site["pack"]
    assert files[f"packs/{pack.id}/sticker-pack-{pack.id}.pdf"] == (
        client.get(f"/packs/{pack.id}/download").data
    )
    with app.app_context():
        row = db.session.get(Pack, pack.id)
        assert files[f"packs/{pack.id}/preview.webp"] == get_storage().read(row.preview_key)
    assert not [path for path, data in files.items() if MASTER_BYTES in data]


def test_pages_show_what_the_live_site_shows(app, client, site, tmp_path):
    """The same templates: a page's visible text is the live page's, word for word."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest, submit_url="https://stickers.example/submit")
    files = pages(dest)
    work, pack = site["named"][1], site["pack"]
    pairs = {
        f"/works/{work.id}": f"works/{work.id}/index.html",
        "/artists/Maria%20K.": f"{artist_dir('Maria K.')}/index.html",
        "/packs": "packs/index.html",
        f"/packs/{pack.id}": f"packs/{pack.id}/index.html",
        "/call": "call/index.html",
        "/": "index.html",
    }
    for live, copy in pairs.items():
        response = client.get(live)
        assert response.status_code == 200, live
        assert main_text(files[copy]) == main_text(response.get_data(as_text=True)), live
    russian = app.test_client()
    russian.set_cookie("lang", "ru", domain="gallery.test")
    live = russian.get(f"/works/{work.id}").get_data(as_text=True)
    assert main_text(files[f"ru/works/{work.id}/index.html"]) == main_text(live)


def test_links_are_relative_and_pages_need_no_app(app, site, tmp_path):
    """No address starts at the server's root; no script, form, staff link or session."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    for path, html in pages(dest).items():
        found = links_of(html)
        assert not {"script", "form", "input", "button", "iframe"} & found.tags, path
        for address in found.links + found.loads:
            assert not address.startswith("/"), (path, address)
            if address.startswith("http"):
                assert address.startswith(
                    ("https://creativecommons.org/", "https://artist.example/")
                ), (path, address)
        assert "/login" not in html and "csrf" not in html, path


def test_language_switcher_leads_to_the_same_page_in_the_other_language(app, site, tmp_path):
    """From works/N/ the switcher leads to ru/works/N/ and back; from the home to ru/ and back."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    files = pages(dest)
    work = site["named"][0]
    english = files[f"works/{work.id}/index.html"]
    russian = files[f"ru/works/{work.id}/index.html"]
    assert f'hreflang="ru" href="../../ru/works/{work.id}/"' in english
    assert 'hreflang="en" href="../../../works/' + f'{work.id}/"' in russian
    assert 'hreflang="ru" href="ru/"' in files["index.html"]
    assert 'hreflang="en" href="../"' in files["ru/index.html"]


def test_file_links_name_index_html(app, site, tmp_path):
    """With file_links (for file://) every page link ends in index.html."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest, file_links=True)
    for path, html in pages(dest).items():
        for address in links_of(html).links:
            if address.startswith("http"):
                continue
            assert address.endswith(("index.html", ".atom", ".pdf", ".css")), (path, address)


def test_submit_link_goes_to_the_live_site_or_is_left_out_with_a_note(app, site, tmp_path):
    """--submit-url leads every "Submit artwork" there; without one the pages say why."""
    with_link, without = tmp_path / "with", tmp_path / "without"
    run_mirror(app, with_link, submit_url="https://stickers.example/submit")
    run_mirror(app, without)
    home = pages(with_link)["index.html"]
    assert home.count('href="https://stickers.example/submit"') == 2  # menu and call to action
    assert 'href="https://stickers.example/submit"' in pages(with_link)["call/index.html"]
    for path, html in pages(without).items():
        assert "Submit artwork" not in html and "/submit" not in html, path
    note = "This copy of the gallery cannot receive works"
    assert note in pages(without)["index.html"] and note in pages(without)["call/index.html"]
    assert "Эта копия галереи не принимает работы" in pages(without)["ru/index.html"]


def test_artist_folders_are_one_safe_name_whatever_the_credit(app, site, tmp_path):
    """Slashes, dots, percent signs and Cyrillic stay inside artists/; no folder for the
    anonymous work or a credit made of dots."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    folders = {p.name for p in (dest / "artists").iterdir()}
    assert len(folders) == 3
    assert all(re.fullmatch(r"[a-z0-9-]{1,57}", name) for name in folders), folders
    assert not (dest / "admin").exists()
    assert artist_dir(HOSTILE_CREDIT).startswith("artists/admin-2f-users-x-y-")
    assert artist_dir(CYRILLIC_CREDIT) != artist_dir("маша к.")


def test_a_hidden_pack_and_its_files_stay_out(app, site, tmp_path):
    """A pack printers hid is not mirrored: no page, PDF, preview or mention."""
    with app.app_context():
        pack = db.session.get(Pack, site["pack"].id)
        pack.published = False
        pdf_key = db.session.get(Export, pack.export_id).pdf_key
        db.session.commit()
    dest = tmp_path / "mirror"
    report = run_mirror(app, dest)
    files = tree(dest)
    assert report.packs == 0
    assert not [path for path in files if path.startswith(("packs/1/", "ru/packs/1/"))]
    with app.app_context():
        pdf = get_storage().read(pdf_key)
    assert not [path for path, data in files.items() if b"Spring pack" in data or data == pdf]


def test_the_work_pages_list_the_artists_other_works_like_the_live_site(app, site, tmp_path):
    """ "More by" on a work page holds the same works, in the same order, as the live page."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    first = site["named"][0]
    html = pages(dest)[f"works/{first.id}/index.html"]
    listed = re.findall(r'<p class="work-title"><a href="\.\./(\d+)/">', html)
    with app.app_context():
        others = [w.id for w in db.session.scalars(db.select(Work).order_by(Work.id.desc()))]
    named = [w.id for w in site["named"]]
    assert listed == [str(i) for i in others if i in named and i != first.id]
