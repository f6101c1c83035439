"""Render mirror pages with the live site's own templates, in one request context.

The context is an anonymous visitor's GET of the home page whose URL adapter is the mirror's
``MirrorLinks``: templates, template helpers and the feed build their links as they always
do and get relative ones. Pages are rendered one language at a time (``force_locale``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager

from flask import Flask, render_template
from flask_babel import force_locale

from gallery.models import Pack
from gallery.public.feed import build_feed, feed_items
from gallery.public.mirror.links import MirrorLinks
from gallery.public.queries import PublicWork

# Without an address of its own the feed's links are relative to the feed file.
RELATIVE_FEED_BASE = "./"


class Renderer:
    """Turns (language, page folder, template, context) into the bytes of a mirror file."""

    def __init__(self, app: Flask, links: MirrorLinks) -> None:
        """Render for ``app`` with ``links`` building every address."""
        self.app = app
        self.links = links
        self._language: str | None = None
        self._locale = ExitStack()

    @contextmanager
    def active(self) -> Iterator[Renderer]:
        """Hold the request context every page is rendered in."""
        with self.app.test_request_context("/") as context, self._locale:
            context.url_adapter = self.links
            yield self
        self._language = None

    def page(self, language: str, directory: str, template: str, **context: object) -> bytes:
        """Return the page in ``directory`` of ``language`` rendered from ``template``."""
        self._speak(language)
        self.links.place(language, directory)
        html = render_template(template, static_copy=True, **context)
        return html.encode("utf-8")

    def feed(self, language: str, works: Iterable[PublicWork], packs: Iterable[Pack]) -> bytes:
        """Return the Atom feed of ``language``, beside its home page."""
        self._speak(language)
        self.links.place(language, "")
        base = None if self.links.style.base_url else RELATIVE_FEED_BASE
        return build_feed(feed_items(works, packs), language=language, xml_base=base)

    def _speak(self, language: str) -> None:
        """Switch the rendering language when it changes (pages come grouped by language)."""
        if language != self._language:
            self._locale.close()
            self._locale.enter_context(force_locale(language))
            self._language = language
