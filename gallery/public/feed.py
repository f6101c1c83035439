"""The Atom feed of newly published works and sticker packs."""

from __future__ import annotations

import itertools
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Response, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from gallery.caching import shared_cache
from gallery.models import Pack
from gallery.packs.operations import published_packs
from gallery.public.display import licence_name
from gallery.public.queries import PublicWork, recent_public_works

ATOM = "http://www.w3.org/2005/Atom"
XML = "http://www.w3.org/XML/1998/namespace"
EMPTY_FEED_UPDATED = datetime(1970, 1, 1, tzinfo=UTC)
# Relative links name entries in ids as urn:uuid:<uuid5 of this prefix and the link>.
ID_NAMESPACE = "sticker-gallery:"
FEED_SIZE = 50
# Characters XML 1.0 cannot carry at all; dropped rather than producing a feed nobody can read.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class FeedItem:
    """One entry of the feed."""

    url: str
    title: str
    author: str
    summary: str
    updated: datetime
    enclosure: tuple[str, int | None] | None = None


@shared_cache
def atom():
    """Return the feed of the newest works and packs as Atom XML."""
    items = feed_items(recent_public_works(limit=FEED_SIZE), published_packs())
    body = build_feed(items, language=str(get_locale()))
    response = Response(body, mimetype="application/atom+xml")
    # The titles are in the visitor's language, which comes from the cookie or the browser.
    response.headers["Vary"] = "Cookie, Accept-Language"
    return response


def feed_items(works: Iterable[PublicWork], packs: Iterable[Pack]) -> list[FeedItem]:
    """Return the newest of ``works`` and ``packs`` (each newest first) as feed entries."""
    items = [_work_item(shown) for shown in itertools.islice(works, FEED_SIZE)]
    items += [_pack_item(pack) for pack in itertools.islice(packs, FEED_SIZE)]
    return sorted(items, key=lambda i: i.updated, reverse=True)[:FEED_SIZE]


def _work_item(shown: PublicWork) -> FeedItem:
    """Return a public work as a feed entry."""
    credit = shown.entry.credit or _("Anonymous")
    return FeedItem(
        url=url_for("public.work", work_id=shown.work.id, _external=True),
        title=shown.work.title or _("Untitled"),
        author=credit,
        summary=_(
            "By %(credit)s. Licence: %(licence)s.",
            credit=credit,
            licence=licence_name(shown.entry.licence),
        ),
        updated=shown.published_at,
    )


def _pack_item(pack: Pack) -> FeedItem:
    """Return a published sticker pack as a feed entry, with the PDF as enclosure."""
    download = url_for("packs.download", pack_id=pack.id, _external=True)
    return FeedItem(
        url=url_for("packs.show", pack_id=pack.id, _external=True),
        title=_("Sticker pack: %(title)s", title=pack.title),
        author=_("Sticker gallery"),
        summary=pack.description,
        updated=pack.published_at or pack.created_at,
        enclosure=(download, pack.export.pdf_size),
    )


def build_feed(items: list[FeedItem], *, language: str, xml_base: str | None = None) -> bytes:
    """Return the Atom document for ``items`` (ElementTree escapes every text).

    With ``xml_base`` the links are relative to it (a static mirror that does not know its
    own address), and the ids, which Atom wants absolute, are names made from the links.
    """
    ET.register_namespace("", ATOM)
    attributes = {f"{{{XML}}}lang": language}
    if xml_base is not None:
        attributes[f"{{{XML}}}base"] = xml_base
    feed = ET.Element(f"{{{ATOM}}}feed", attributes)
    home = url_for("public.index", _external=True)
    _sub(feed, "id", _atom_id(home))
    _sub(feed, "title", _("Sticker gallery"))
    _sub(feed, "subtitle", _("New stickers and sticker packs"))
    # An empty feed has a fixed time, so the same content always gives the same document.
    _sub(feed, "updated", _stamp(items[0].updated if items else EMPTY_FEED_UPDATED))
    _link(feed, url_for("feed.atom", _external=True), rel="self", type="application/atom+xml")
    _link(feed, home, rel="alternate", type="text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _sub(author, "name", _("Sticker gallery"))
    for item in items:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _sub(entry, "id", _atom_id(item.url))
        _sub(entry, "title", item.title)
        _sub(entry, "updated", _stamp(item.updated))
        _link(entry, item.url, rel="alternate", type="text/html")
        if item.enclosure:
            href, length = item.enclosure
            extra = {"length": str(length)} if length else {}
            _link(entry, href, rel="enclosure", type="application/pdf", **extra)
        entry_author = ET.SubElement(entry, f"{{{ATOM}}}author")
        _sub(entry_author, "name", item.author)
        if item.summary:
            _sub(entry, "summary", item.summary)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    """Add an Atom child element holding plain ``text``."""
    child = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    child.text = _NOT_XML.sub("", str(text))
    return child


def _link(parent: ET.Element, href: str, **attributes: str) -> None:
    """Add an Atom link element."""
    ET.SubElement(parent, f"{{{ATOM}}}link", {"href": href, **attributes})


def _atom_id(url: str) -> str:
    """Return ``url`` as an Atom id: itself when absolute, else a stable name made from it."""
    if urlsplit(url).scheme:
        return url
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, ID_NAMESPACE + url)}"


def _stamp(moment: datetime) -> str:
    """Return an RFC 3339 timestamp in UTC (stored times without a zone are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
