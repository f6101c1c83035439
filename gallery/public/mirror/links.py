"""Where each page and file of the mirror lives, and the relative links between them.

The live templates build every address with ``url_for``. While the mirror renders, the
request context's URL adapter is a ``MirrorLinks``: the same calls then give the target's
path relative to the page being written (``../../works/5/``), so the copy works under any path
prefix on any static server and, with ``file_links``, straight from a disk. A link to
anything the mirror does not hold is an error, never a broken link.

Layout: the default language at the top (``index.html``, ``works/5/index.html``), every other
language under its code (``ru/works/5/index.html``); images, pack files and the style sheet
once, shared by every language (``works/5/640.webp``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache
from typing import Any

from gallery.packs.operations import download_name


class MirrorError(Exception):
    """The mirror cannot be written as asked; the message says why."""


@dataclass(frozen=True)
class LinkStyle:
    """How the mirror writes links, chosen by the operator."""

    #: Links name ``index.html`` (for ``file://``) instead of ending in the folder's ``/``.
    file_links: bool = False
    #: Where the mirror is served (ends in "/"): absolute links where a page asks for them.
    base_url: str | None = None
    #: Where "Submit artwork" leads; None leaves the link out.
    submit_url: str | None = None


_PAGES: dict[str, Callable[..., str]] = {
    "public.index": lambda page=1: "" if int(page) == 1 else f"page/{int(page)}",
    "public.work": lambda work_id: f"works/{int(work_id)}",
    "public.artist": lambda credit: artist_dir(credit),
    "pages.call": lambda: "call",
    "packs.index": lambda: "packs",
    "packs.show": lambda pack_id: f"packs/{int(pack_id)}",
}
_FILES: dict[str, Callable[..., str]] = {
    "public.work_image": lambda work_id, width: f"works/{int(work_id)}/{int(width)}.webp",
    "packs.preview": lambda pack_id: f"packs/{int(pack_id)}/preview.webp",
    "packs.download": lambda pack_id: f"packs/{int(pack_id)}/{download_name(pack_id)}",
    "static": lambda filename: f"static/{_plain_name(filename)}",
}
FEED = "feed.atom"
_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$")


def page_dir(endpoint: str, **values: Any) -> str:
    """Return the folder of a page inside its language's root ("" for the home page)."""
    return _place(_PAGES, endpoint, values)


def file_path(endpoint: str, **values: Any) -> str:
    """Return the path of a file every language shares (an image, a pack's PDF, a style sheet)."""
    return _place(_FILES, endpoint, values)


def _place(table: dict[str, Callable[..., str]], endpoint: str, values: dict) -> str:
    """Return where ``endpoint`` with ``values`` lives, or raise ``MirrorError``."""
    if endpoint not in table:
        raise MirrorError(f"the mirror holds no copy of {endpoint}")
    try:
        return table[endpoint](**values)
    except (TypeError, ValueError) as error:
        raise MirrorError(f"cannot place {endpoint} with {sorted(values)}: {error}") from error


def _plain_name(filename: str) -> str:
    """Return a static file's name if it is one plain name (no folders, no dot names)."""
    if not _NAME.match(filename):
        raise ValueError(f"not a plain file name: {filename!r}")
    return filename


@cache
def artist_dir(credit: str) -> str:
    """Return the folder of an artist page: readable ASCII from the credit and a hash of it.

    Credits are free text; a folder name must be safe on every disk (no "/" or "..", short,
    and distinct on disks that ignore case or Unicode normalisation), so the exact credit is
    kept only as its hash.
    """
    digest = hashlib.sha256(credit.encode("utf-8")).hexdigest()[:16]
    ascii_words = unicodedata.normalize("NFKD", credit).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_words.lower()).strip("-")[:40].strip("-")
    return f"artists/{slug}-{digest}" if slug else f"artists/{digest}"


def join(*parts: str) -> str:
    """Join path parts, leaving out empty ones."""
    return "/".join(part for part in parts if part)


class MirrorLinks:
    """A URL adapter for the request context: ``url_for`` answers with mirror links.

    ``place`` names the page being written; ``build`` (what ``url_for`` calls) returns the
    target relative to it. The language switcher (``public.set_language``) leads to the same
    page in the other language; the submit form to ``LinkStyle.submit_url``.
    """

    def __init__(self, *, languages: Collection[str], default: str, style: LinkStyle) -> None:
        """Set the languages (``default`` at the top of DEST) and the link style."""
        self.languages = frozenset(languages)
        self.default = default
        self.style = style
        self.pages: frozenset[str] = frozenset()
        self.files: frozenset[str] = frozenset()
        self.place(default, "")

    def root(self, language: str) -> str:
        """Return the folder of ``language``'s pages ("" for the default language)."""
        if language not in self.languages:
            raise MirrorError(f"not a language of this site: {language!r}")
        return "" if language == self.default else language

    def hold(self, *, pages: Collection[str], files: Collection[str]) -> None:
        """Name every page folder and file the mirror holds: links may lead only there."""
        self.pages, self.files = frozenset(pages), frozenset(files)

    def place(self, language: str, directory: str) -> None:
        """Write links as seen from the page in ``directory`` of ``language``."""
        self.language, self.directory = language, directory
        here = join(self.root(language), directory)
        self._here = here.split("/") if here else []

    def build(
        self,
        endpoint: str,
        values: dict | None = None,
        method: str | None = None,
        url_scheme: str | None = None,
        force_external: bool = False,
        **_ignored: Any,
    ) -> str | None:
        """Return the link to ``endpoint`` from the current page (what ``url_for`` returns)."""
        values = dict(values or {})
        if endpoint == "public.set_language":
            target = join(self.root(str(values.get("code"))), self.directory)
            return self._link(self._held(target, self.pages), page=True, external=False)
        if endpoint == "submissions.submit":
            # The form lives on the live site only; without its address templates say so.
            return self.style.submit_url
        if endpoint == "feed.atom":
            target = join(self.root(self.language), FEED)
            return self._link(self._held(target, self.files), page=False, external=force_external)
        if endpoint in _PAGES:
            target = join(self.root(self.language), page_dir(endpoint, **values))
            return self._link(self._held(target, self.pages), page=True, external=force_external)
        target = self._held(file_path(endpoint, **values), self.files)
        return self._link(target, page=False, external=force_external)

    def _held(self, target: str, held: frozenset[str]) -> str:
        """Return ``target`` if the mirror holds it, else raise (a link would be broken)."""
        if target not in held:
            here = join(self.root(self.language), self.directory) or "the home page"
            raise MirrorError(f"{here} links to {target or 'the home page'}, not in the mirror")
        return target

    def _link(self, target: str, *, page: bool, external: bool) -> str:
        """Return the link to ``target``: relative to the current page, or absolute."""
        index = "index.html" if self.style.file_links else ""
        if external and self.style.base_url:
            tail = (f"{target}/" if target else "") + index if page else target
            return self.style.base_url + tail
        # Up to the folder both share, then down: "../59/" from works/60 to works/59.
        parts = target.split("/") if target else []
        shared = 0
        for mine, theirs in zip(self._here, parts, strict=False):
            if mine != theirs:
                break
            shared += 1
        down = "/".join(parts[shared:])
        tail = (f"{down}/" if down else "") + index if page else down
        return "../" * (len(self._here) - shared) + tail or "./"
