"""Visitors' privacy: no page loads anything from another host, and the headers are present.

The rule, precisely: nothing a browser fetches by itself — ``src``, ``srcset``, ``<link href>``,
CSS ``url()``/``@import``, form ``action``, embeds, meta refresh — may point to another host,
and no script or inline style exists at all. Plain ``<a href>`` navigation links to another
host are allowed only for Creative Commons licence deeds and the artist's own credit link,
and must carry ``rel="… noreferrer …"``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from gallery.models import Licence, WorkState
from tests.conftest import csrf_token_in
from tests.factories import make_export, make_work
from tests.page_audit import audit, is_local

ALLOWED_LINK_HOSTS = {"creativecommons.org", "artist.example"}
URL_IN_CSS = re.compile(r"url\(\s*['\"]?([^'\")\s]+)|@import\s+['\"]([^'\"]+)", re.I)


@pytest.fixture
def site(app, client, login_user_as):
    """A site with a published work (artist link, CC licence), an anonymous one and a pack."""
    work = make_work(
        state=WorkState.PUBLISHED,
        credit="Maria K.",
        credit_url="https://artist.example/me",
        licence=Licence.CC_BY,
        files=True,
        app=app,
    )
    make_work(
        state=WorkState.PUBLISHED,
        credit="",
        licence=Licence.CC0,
        title="Anonymous one",
        files=True,
        app=app,
    )
    export = make_export(app=app)
    login_user_as(client, app, "printer")
    path = f"/packs/new?export={export.id}"
    token = csrf_token_in(client.get(path).get_data(as_text=True))
    client.post(path, data={"csrf_token": token, "title": "Pack", "description": "Hi"})
    token = csrf_token_in(client.get("/").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    return [
        "/",
        f"/works/{work.id}",
        "/artists/Maria%20K.",
        "/call",
        "/packs",
        "/packs/1",
        "/submit",
        "/no-such-page",
    ]


@pytest.mark.parametrize("language", ["en", "ru", "uk", "de", "fr", "es"])
def test_public_pages_make_no_request_to_another_host(app, site, language):
    """Every public page, in every language, fetches only from this site."""
    visitor = app.test_client()
    visitor.set_cookie("lang", language, domain="gallery.test")
    for path in site:
        response = visitor.get(path)
        assert response.status_code in (200, 404), path
        html = response.get_data(as_text=True)
        assert f'<html lang="{language}">' in html, path
        found = audit(html)
        assert found.forbidden == [], path
        assert [url for url in found.fetches if not is_local(url)] == [], path
        for url, rel in found.links:
            if not is_local(url):
                assert urlsplit(url).hostname in ALLOWED_LINK_HOSTS, (path, url)
                assert "noreferrer" in rel.split(), (path, url)


def test_the_external_links_are_exactly_the_deed_and_the_artist(app, site):
    """The checker sees the allowed links, so the test above is not vacuous."""
    found = audit(app.test_client().get(site[1]).get_data(as_text=True))
    hosts = {urlsplit(url).hostname for url, _ in found.links if not is_local(url)}
    assert hosts == {"creativecommons.org", "artist.example"}
    assert any("/works/" in url for url in found.fetches)


def test_stylesheet_loads_nothing_from_another_host(client):
    """The stylesheet has no external url() or @import (fonts are the system's)."""
    with client.get("/static/style.css") as response:
        css = response.get_data(as_text=True)
    for match in URL_IN_CSS.finditer(css):
        url = match.group(1) or match.group(2)
        assert is_local(url), url


def test_privacy_headers_on_every_public_page(app, site):
    """CSP 'self' without other hosts, no referrer, no framing, no sniffing: on every page."""
    visitor = app.test_client()
    for path in [*site, "/feed.atom", "/works/1/320.webp", "/packs/1/download"]:
        response = visitor.get(path)
        csp = response.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp, path
        assert "http" not in csp, path
        assert response.headers.get("Referrer-Policy") == "no-referrer", path
        assert response.headers.get("X-Content-Type-Options") == "nosniff", path
        if response.mimetype == "text/html":
            assert "default-src 'self'" in csp, path
            assert "script-src 'self'" in csp, path


def test_public_pages_set_no_cookies_for_visitors(app, site):
    """Reading the site leaves no session cookie that could tie visits together."""
    visitor = app.test_client()
    for path in site:
        if path == "/submit":
            continue  # the submission form needs a session for its CSRF token
        response = visitor.get(path)
        assert "Set-Cookie" not in response.headers, path
