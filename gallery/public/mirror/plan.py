"""Every file of a mirror: its path, what it is made from, and how to make it.

``source`` is a digest of everything a file is made from: the public facts a page shows
(``work_digest``, ``pack_digest``), a stored file's key. When it equals the one in the last
manifest, the file is not even made, which is what makes a run after one change fast.
``render_version`` covers what every page depends on besides the data: the code, templates,
translations, style sheet, settings and link style, so an upgrade renders everything again
(and still writes only the files whose bytes changed). The style sheet has no source: it is
read and compared every time.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from flask import Flask

from gallery.public.feed import FEED_SIZE
from gallery.public.mirror.links import FEED, LinkStyle, MirrorError, file_path, join, page_dir
from gallery.public.mirror.render import Renderer
from gallery.public.mirror.site import PublicSite, digest, pack_digest, work_digest
from gallery.public.queries import MORE_BY_ARTIST, PublicWork
from gallery.storage.files import get_storage
from gallery.storage.store import StorageError

#: Raise to make every mirror render everything again (the manifest's format changed).
FORMAT = "sticker-gallery mirror 1"
#: The only static file public pages use; a template linking another one fails the mirror.
STYLE_SHEET = "style.css"
_SETTINGS = ("LANGUAGES", "BABEL_DEFAULT_LOCALE", "BABEL_DEFAULT_TIMEZONE")
_CONFIG_IN_TEMPLATES = re.compile(r"\bconfig\.([A-Z][A-Z0-9_]*)")


class Output(NamedTuple):
    """One file of the mirror (a tuple: a large mirror plans some 60,000 of them)."""

    path: str
    #: What the file is made from (a digest), or None when it is always made and compared.
    source: str | None
    make: Callable[[], bytes]


def plan_site(
    site: PublicSite, renderer: Renderer, *, languages: Iterable[str], version: str
) -> list[Output]:
    """Return every file of the mirror: shared files first, then each language's pages."""
    outputs = [*_style_sheet(renderer.app), *_images(site), *_pack_files(site)]
    digests = {shown.work.id: work_digest(shown) for shown in site.works}
    for language in languages:
        outputs += _pages(site, renderer, language, digests=digests, version=version)
    return outputs


def page_folders(outputs: Iterable[Output]) -> set[str]:
    """Return the folders of the pages among ``outputs`` (what page links may lead to)."""
    return {o.path.removesuffix("index.html").rstrip("/") for o in outputs if _is_page(o)}


def _is_page(output: Output) -> bool:
    """Tell whether ``output`` is a page (``…/index.html``)."""
    return output.path == "index.html" or output.path.endswith("/index.html")


def _style_sheet(app: Flask) -> list[Output]:
    """Return the style sheet, read from the app's static folder."""
    path = Path(app.static_folder or "static") / STYLE_SHEET
    return [Output(file_path("static", filename=STYLE_SHEET), None, path.read_bytes)]


def _stored(key: str) -> Callable[[], bytes]:
    """Return a maker that reads ``key`` from the file store."""

    def read() -> bytes:
        """Return the stored bytes, or say which file is missing."""
        try:
            return get_storage().read(key)
        except (StorageError, OSError) as error:
            raise MirrorError(
                f"the stored file {key} is missing ({error}); `storage sweep` finds and "
                "deletes works whose files are gone"
            ) from error

    return read


def _images(site: PublicSite) -> list[Output]:
    """Return every WebP size the live site serves of every public work."""
    outputs = []
    for shown in site.works:
        work = shown.work
        for width in work.widths:
            key = work.derivative_key(width)
            path = file_path("public.work_image", work_id=work.id, width=width)
            # Stored files never change under a key: the key's digest stands for the bytes.
            outputs.append(Output(path, digest("stored", key), _stored(key)))
    return outputs


def _pack_files(site: PublicSite) -> list[Output]:
    """Return the PDF and the first-sheet preview of every public pack."""
    outputs = []
    for pack in site.packs:
        pdf = pack.export.pdf_key
        path = file_path("packs.download", pack_id=pack.id)
        outputs.append(Output(path, digest("stored", pdf), _stored(pdf)))
        preview = pack.preview_key
        if preview:
            path = file_path("packs.preview", pack_id=pack.id)
            outputs.append(Output(path, digest("stored", preview), _stored(preview)))
    return outputs


def _pages(
    site: PublicSite, renderer: Renderer, language: str, *, digests: dict[int, str], version: str
) -> list[Output]:
    """Return every page of ``language`` and its feed."""
    root = renderer.links.root(language)
    catalogue = site.catalogue

    def page(directory: str, source: str | None, template: str, **context) -> Output:
        """Return the page in ``directory``, rendered from ``template`` only when needed."""
        path = join(root, directory, "index.html")
        return Output(path, source, lambda: renderer.page(language, directory, template, **context))

    def showing(*parts: object, works: Iterable[PublicWork]) -> str:
        """Return the digest of a page of ``language`` showing ``works``."""
        return digest(version, language, *parts, *(digests[s.work.id] for s in works))

    def others(one: PublicWork) -> list[PublicWork]:
        """Return the artist's other works a work page shows (as the live view asks)."""
        credit = one.entry.credit
        return catalogue.works_by_credit(credit, exclude=one.work.id, limit=MORE_BY_ARTIST)

    def work_page(one: PublicWork) -> Output:
        """Return the page of one work; its other works are looked up again when rendered."""
        directory = page_dir("public.work", work_id=one.work.id)
        source = showing("work", digests[one.work.id], works=others(one))
        path = join(root, directory, "index.html")
        template = "public/work.html"
        return Output(
            path,
            source,
            lambda: renderer.page(language, directory, template, shown=one, others=others(one)),
        )

    outputs = []
    for listing in catalogue.gallery_pages():
        directory = page_dir("public.index", page=listing.page)
        source = showing("gallery", listing.page, listing.pages, listing.total, works=listing.items)
        outputs.append(page(directory, source, "public/index.html", works=listing))
    outputs += [work_page(one) for one in site.works]
    for credit in site.artists():
        works = catalogue.works_by_credit(credit)
        source = showing("artist", credit, works=works)
        directory = page_dir("public.artist", credit=credit)
        outputs.append(page(directory, source, "public/artist.html", credit=credit, works=works))
    call = site.calls[language]
    source = digest(version, language, "call", call and (call.title, call.body))
    outputs.append(page(page_dir("pages.call"), source, "public/call.html", page=call))
    # As an anonymous visitor sees them: no hidden packs, no staff buttons.
    packs = [pack_digest(pack) for pack in site.packs]
    listing = {"packs": site.packs, "hidden": [], "blocked": {}, "button": None}
    source = digest(version, language, "packs", *packs)
    outputs.append(page(page_dir("packs.index"), source, "packs/index.html", **listing))
    for pack, shown_pack in zip(site.packs, packs, strict=True):
        directory = page_dir("packs.show", pack_id=pack.id)
        visitor = {"manage": False, "button": None, "blocked": None}
        source = digest(version, language, "pack", shown_pack)
        outputs.append(page(directory, source, "packs/show.html", pack=pack, **visitor))
    newest = site.works[:FEED_SIZE]
    source = showing("feed", *packs[:FEED_SIZE], works=newest)
    feed = Output(join(root, FEED), source, lambda: renderer.feed(language, newest, site.packs))
    outputs.append(feed)
    return outputs


def render_version(app: Flask, style: LinkStyle) -> str:
    """Return a digest of what every page depends on besides the data."""
    package = Path(app.root_path)
    templates = Path(app.root_path, app.template_folder or "templates").resolve()
    static = Path(app.static_folder or "static")
    sources = [
        *sorted(package.rglob("*.py")),
        *sorted(templates.rglob("*.html")),
        *sorted((package / "translations").rglob("*.mo")),
        static / STYLE_SHEET,
    ]
    hashed = hashlib.sha256(FORMAT.encode())
    names = set(_SETTINGS)
    for path in sources:
        data = path.read_bytes()
        hashed.update(f"\0{path.name}\0{len(data)}\0".encode())
        hashed.update(data)
        if path.suffix == ".html":
            names.update(_CONFIG_IN_TEMPLATES.findall(data.decode("utf-8")))
    settings = {name: app.config.get(name) for name in sorted(names)}
    choices = [settings, style.file_links, style.base_url, style.submit_url]
    hashed.update(json.dumps(choices, sort_keys=True, default=str).encode())
    return hashed.hexdigest()
