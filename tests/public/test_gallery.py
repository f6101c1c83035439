"""The public gallery, work pages, artist pages and image URLs show only what may be shown."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from gallery.extensions import db
from gallery.models import Entry, Licence, Work, WorkState
from tests.factories import make_decision, make_work

# Every state but the two that include the publication decision.
HIDDEN_STATUSES = [
    s for s in WorkState if s not in (WorkState.PUBLISHED, WorkState.PUBLISHED_SELECTED)
]


def page(client, path: str, **kwargs) -> str:
    """GET ``path`` and return its HTML, asserting it is found."""
    response = client.get(path, **kwargs)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_published_consented_work_is_shown_with_credit_title_and_licence(client, app):
    """The gallery shows the work's title, credit (linked to the artist page) and licence."""
    work = make_work(
        state=WorkState.PUBLISHED,
        title="Red fist",
        credit="Maria K.",
        licence=Licence.CC_BY_SA,
        files=True,
        app=app,
    )
    html = page(client, "/")
    assert "Red fist" in html
    assert 'href="/artists/Maria%20K."' in html
    assert "Creative Commons Attribution-ShareAlike 4.0" in html
    assert 'href="https://creativecommons.org/licenses/by-sa/4.0/"' in html
    assert f'href="/works/{work.id}"' in html
    # The call to action of the home page stays.
    assert 'href="/submit"' in html


def test_gallery_images_are_lazy_webp_derivatives_with_size_attributes(client, app):
    """Each card has a srcset of WebP derivatives, width/height and lazy loading."""
    work = make_work(state=WorkState.PUBLISHED, widths=(320, 640), files=True, app=app)
    html = page(client, "/")
    img = re.search(r"<img [^>]*srcset=[^>]*>", html, re.S).group(0)
    assert f"/works/{work.id}/320.webp 320w" in img
    assert f"/works/{work.id}/640.webp 640w" in img
    assert 'loading="lazy"' in img
    assert 'width="640"' in img and 'height="480"' in img
    assert work.file_token not in html, "storage names never appear in public pages"


@pytest.mark.parametrize("status", HIDDEN_STATUSES, ids=lambda s: s.value)
def test_unpublished_work_is_never_shown(client, app, status):
    """A work in any other status is absent from every public page, the feed and images."""
    work = make_work(
        state=status, title="Secret draft", credit="Hidden Artist", files=True, app=app
    )
    assert "Secret draft" not in page(client, "/")
    assert "Secret draft" not in page(client, "/feed.atom")
    assert client.get(f"/works/{work.id}").status_code == 404
    assert client.get("/artists/Hidden%20Artist").status_code == 404
    assert client.get(f"/works/{work.id}/320.webp").status_code == 404


def test_published_work_without_publish_consent_is_never_shown(client, app):
    """Published by mistake without consent: still nowhere public."""
    work = make_work(
        state=WorkState.PUBLISHED,
        consent_publish=False,
        title="No consent",
        credit="Careful Artist",
        files=True,
        app=app,
    )
    assert "No consent" not in page(client, "/")
    assert "No consent" not in page(client, "/feed.atom")
    assert client.get(f"/works/{work.id}").status_code == 404
    assert client.get("/artists/Careful%20Artist").status_code == 404
    assert client.get(f"/works/{work.id}/320.webp").status_code == 404


def test_revoking_consent_hides_a_published_work_at_once(client, app):
    """The artist revokes consent: gallery, work page, artist page, feed and image all refuse."""
    work = make_work(
        state=WorkState.PUBLISHED, title="Was public", credit="Changed Mind", files=True, app=app
    )
    assert "Was public" in page(client, "/")
    assert client.get(f"/works/{work.id}/320.webp").status_code == 200
    with app.app_context():
        db.session.get(Entry, work.entry_id).consent_publish = False
        db.session.commit()
    assert "Was public" not in page(client, "/")
    assert "Was public" not in page(client, "/feed.atom")
    assert client.get(f"/works/{work.id}").status_code == 404
    assert client.get("/artists/Changed%20Mind").status_code == 404
    assert client.get(f"/works/{work.id}/320.webp").status_code == 404


def test_image_url_serves_only_listed_webp_widths_never_the_original(client, app):
    """Known derivative widths are served, cacheable and inert; anything else is 404."""
    work = make_work(state=WorkState.PUBLISHED, widths=(320, 640), files=True, app=app)
    response = client.get(f"/works/{work.id}/640.webp")
    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=" in response.headers["Cache-Control"]
    assert b"original master" not in response.data
    for width in (1200, 1280, 0, 321):
        assert client.get(f"/works/{work.id}/{width}.webp").status_code == 404
    assert client.get(f"/works/{work.id}/640.png").status_code == 404


def test_gallery_is_newest_first_by_publication_decision(client, app, when):
    """A work published later comes first, even if it was uploaded earlier."""
    first = make_work(
        state=WorkState.PUBLISHED, title="Uploaded first, published last", files=True, app=app
    )
    make_decision(work=first, created_at=when(2025, 6, 1), app=app)
    last = make_work(
        state=WorkState.PUBLISHED, title="Uploaded last, published first", files=True, app=app
    )
    make_decision(work=last, created_at=when(2025, 5, 1), app=app)
    html = page(client, "/")
    assert html.index("Uploaded first, published last") < html.index(
        "Uploaded last, published first"
    )


def test_gallery_is_paginated(client, app):
    """More works than fit on a page continue on the next page; a page past the end is 404."""
    from gallery.public.queries import PER_PAGE

    for n in range(PER_PAGE + 1):
        make_work(
            state=WorkState.PUBLISHED,
            title=f"Work number {n:03d}",
            widths=(320,),
            files=True,
            app=app,
        )
    first = page(client, "/")
    assert "Work number 000" not in first
    assert 'href="/?page=2"' in first
    second = page(client, "/?page=2")
    assert "Work number 000" in second
    assert client.get("/?page=3").status_code == 404


def test_work_page_shows_large_image_and_other_works_by_the_same_credit(client, app):
    """The work page lists the artist's other published works, not hidden ones or others'."""
    work = make_work(
        state=WorkState.PUBLISHED,
        title="Main work",
        credit="Maria K.",
        widths=(320, 640, 1280),
        files=True,
        app=app,
    )
    make_work(
        state=WorkState.PUBLISHED, title="Sister work", credit="Maria K.", files=True, app=app
    )
    make_work(
        state=WorkState.SELECTED, title="Hidden sister", credit="Maria K.", files=True, app=app
    )
    make_work(
        state=WorkState.PUBLISHED_SELECTED,
        title="Printed sister",
        credit="Maria K.",
        files=True,
        app=app,
    )
    make_work(
        state=WorkState.PUBLISHED,
        title="Stranger's work",
        credit="Someone Else",
        files=True,
        app=app,
    )
    html = page(client, f"/works/{work.id}")
    assert "<h1>Main work</h1>" in html
    assert f"/works/{work.id}/1280.webp 1280w" in html
    assert "Sister work" in html
    assert "Printed sister" in html, "a work selected for print stays published"
    assert "Hidden sister" not in html
    assert "Stranger" not in html


def test_artist_page_matches_the_credit_exactly(client, app):
    """/artists/<credit> lists that credit's works only; the name is one URL-quoted segment."""
    credit = "Ольга / O&K?"
    make_work(state=WorkState.PUBLISHED, title="Hers", credit=credit, files=True, app=app)
    make_work(state=WorkState.PUBLISHED, title="Near miss", credit="Ольга", files=True, app=app)
    html = page(client, "/")
    assert f'href="/artists/{quote(credit, safe="&").replace("&", "&amp;")}"' in html
    artist = page(client, f"/artists/{quote(credit, safe='')}")
    assert "Hers" in artist and "Near miss" not in artist
    assert client.get("/artists/%D0%9E%D0%BB%D1%8C%D0%B3%D0%B0%20").status_code == 404


def test_anonymous_works_are_shown_without_a_name_or_artist_page(client, app):
    """An anonymous work appears with no credit and links to no artist page."""
    work = make_work(state=WorkState.PUBLISHED, title="Nameless", credit="", files=True, app=app)
    html = page(client, "/")
    assert "Nameless" in html
    assert "anonymous" in html
    assert 'href="/artists/' not in html
    assert 'href="/artists/' not in page(client, f"/works/{work.id}")
    assert client.get("/artists/").status_code == 404


def test_artist_link_is_a_plain_navigation_link_without_referrer(client, app):
    """The artist's own link is shown with rel nofollow/noopener/noreferrer/ugc."""
    make_work(
        state=WorkState.PUBLISHED, credit_url="https://maria.example/portfolio", files=True, app=app
    )
    html = page(client, "/")
    link = re.search(r'<a href="https://maria\.example/portfolio"[^>]*>', html).group(0)
    assert 'rel="nofollow noopener noreferrer ugc"' in link


def test_a_non_web_credit_link_is_not_rendered(client, app):
    """A stored javascript: link (never accepted by the form) is still not shown as a link."""
    make_work(state=WorkState.PUBLISHED, credit_url="javascript:alert(1)", files=True, app=app)
    assert "javascript:" not in page(client, "/")


def test_an_artists_onion_address_is_shown_as_text_never_as_a_link(client, app):
    """Outside Tor Browser an onion link fails and its lookup may betray the visitor."""
    onion = "http://" + "b" * 56 + ".onion/me"
    work = make_work(state=WorkState.PUBLISHED, credit_url=onion, files=True, app=app)
    for path in ("/", f"/works/{work.id}", "/artists/Ann%20Artist"):
        html = page(client, path)
        assert f'<span class="onion" translate="no">{onion}</span>' in html, path
        assert f'href="{onion}' not in html, path


def test_user_text_is_escaped(client, app):
    """Titles and credits are text, never markup."""
    work = make_work(
        state=WorkState.PUBLISHED,
        title="<script>alert(1)</script>",
        credit='<b onmouseover="x">Bold</b>',
        files=True,
        app=app,
    )
    for path in ("/", f"/works/{work.id}"):
        html = page(client, path)
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;" in html
        assert "<b onmouseover" not in html


def test_dates_and_licences_are_translated(client, app, when):
    """In Russian the licence name is translated and the deed links to its Russian page."""
    work = make_work(state=WorkState.PUBLISHED, licence=Licence.CC_BY, files=True, app=app)
    make_decision(work=work, created_at=when(2025, 3, 14), app=app)
    client.set_cookie("lang", "ru", domain="gallery.test")
    html = page(client, f"/works/{work.id}")
    assert 'href="https://creativecommons.org/licenses/by/4.0/deed.ru"' in html
    assert '<html lang="ru">' in html
    assert "2025" in html


def test_works_of_other_entries_stay_separate(app):
    """The public query joins each work to its own entry's consent."""
    from gallery.public.queries import find_public_work

    shown = make_work(state=WorkState.PUBLISHED, credit="A", files=True, app=app)
    hidden = make_work(
        state=WorkState.PUBLISHED, credit="A", consent_publish=False, files=True, app=app
    )
    with app.app_context():
        assert find_public_work(shown.id) is not None
        assert find_public_work(hidden.id) is None
        assert db.session.get(Work, hidden.id).state == WorkState.PUBLISHED
