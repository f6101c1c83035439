"""The Atom feed lists newly published works and packs, with absolute URLs on this site only."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from gallery.models import WorkState
from tests.conftest import csrf_token_in
from tests.factories import make_decision, make_export, make_work

NS = {"atom": "http://www.w3.org/2005/Atom"}


def read_feed(client) -> ET.Element:
    """GET the feed, check its type and return the parsed document."""
    response = client.get("/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.data)  # noqa: S314 - our own feed, parsed to check it


def entries(feed: ET.Element) -> dict[str, ET.Element]:
    """Return the feed's entries by title."""
    return {e.findtext("atom:title", namespaces=NS): e for e in feed.findall("atom:entry", NS)}


def test_feed_parses_and_lists_the_published_work(client, app, when):
    """A published, consented work is an entry with its page, author and publication time."""
    work = make_work(
        state=WorkState.PUBLISHED, title="Red fist", credit="Maria K.", files=True, app=app
    )
    make_decision(work=work, created_at=when(2025, 4, 2, 10), app=app)
    feed = read_feed(client)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.findtext("atom:id", namespaces=NS) == "http://gallery.test/"
    entry = entries(feed)["Red fist"]
    assert entry.find("atom:link", NS).get("href") == f"http://gallery.test/works/{work.id}"
    assert entry.findtext("atom:author/atom:name", namespaces=NS) == "Maria K."
    assert entry.findtext("atom:updated", namespaces=NS) == "2025-04-02T10:00:00Z"


def test_feed_omits_hidden_works(client, app):
    """Unpublished and unconsented works are not in the feed."""
    make_work(state=WorkState.SELECTED, title="Draft", files=True, app=app)
    make_work(
        state=WorkState.PUBLISHED, title="No consent", consent_publish=False, files=True, app=app
    )
    make_work(state=WorkState.PUBLISHED, title="Shown", files=True, app=app)
    assert set(entries(read_feed(client))) == {"Shown"}


def test_feed_escapes_text_and_links_only_to_this_site(client, app):
    """Markup in titles stays text; every link is absolute on this host; no artist links."""
    make_work(
        state=WorkState.PUBLISHED,
        title='<b>&"bold"</b>',
        credit="A & B",
        credit_url="https://artist.example/",
        files=True,
        app=app,
    )
    feed = read_feed(client)
    assert '<b>&"bold"</b>' in entries(feed)
    hrefs = [link.get("href") for link in feed.iter("{http://www.w3.org/2005/Atom}link")]
    assert hrefs and all(h.startswith("http://gallery.test/") for h in hrefs)


def test_feed_lists_published_packs_with_the_pdf(client, app, login_user_as):
    """A published pack is an entry whose enclosure is the anonymous download."""
    export = make_export(app=app)
    login_user_as(client, app, "printer")
    path = f"/packs/new?export={export.id}"
    token = csrf_token_in(client.get(path).get_data(as_text=True))
    client.post(path, data={"csrf_token": token, "title": "Spring pack", "description": ""})
    entry = entries(read_feed(app.test_client()))["Sticker pack: Spring pack"]
    enclosure = entry.find("atom:link[@rel='enclosure']", NS)
    assert enclosure.get("href") == "http://gallery.test/packs/1/download"
    assert enclosure.get("type") == "application/pdf"


def test_empty_feed_is_valid(client):
    """With nothing published, the feed still parses and has its required elements."""
    feed = read_feed(client)
    assert feed.findtext("atom:updated", namespaces=NS)
    assert feed.findall("atom:entry", NS) == []
