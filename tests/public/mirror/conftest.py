"""A small public gallery, the mirror command run on it, and ways to look at what it wrote."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from gallery.models import Licence, WorkState
from gallery.public.mirror.links import LinkStyle
from gallery.public.mirror.operations import MirrorReport, mirror_site
from tests.factories import make_decision, make_export, make_work, store_pack

# Credits a folder name must survive: slashes, dots, percent signs, Cyrillic, length.
HOSTILE_CREDIT = "../../admin/%2F users?x#y"
CYRILLIC_CREDIT = "Маша К."


@pytest.fixture(autouse=True)
def two_languages(app):
    """Mirror in English and Russian: the counts below stay readable and the runs quick.

    The browser test mirrors every shipped language.
    """
    app.config["LANGUAGES"] = ("en", "ru")


def run_mirror(app, dest: Path, *, full: bool = False, **style) -> MirrorReport:
    """Mirror ``app``'s public site into ``dest`` (``style``: LinkStyle's fields)."""
    with app.app_context():
        return mirror_site(dest, style=LinkStyle(**style), full=full)


def tree(dest: Path) -> dict[str, bytes]:
    """Return every file below ``dest`` by its relative path."""
    return {p.relative_to(dest).as_posix(): p.read_bytes() for p in dest.rglob("*") if p.is_file()}


def stamps(dest: Path) -> dict[str, tuple[int, int]]:
    """Return each file's (inode, mtime in ns): a rewritten file changes one or both."""
    found = {}
    for path in dest.rglob("*"):
        if path.is_file():
            status = path.stat()
            found[path.relative_to(dest).as_posix()] = (status.st_ino, status.st_mtime_ns)
    return found


def pages(dest: Path) -> dict[str, str]:
    """Return every HTML page of the mirror as text."""
    return {
        path: data.decode()
        for path, data in tree(dest).items()
        if path == "index.html" or path.endswith("/index.html")
    }


class Links(HTMLParser):
    """Collect a page's links (``a``, ``link``) and everything it loads (``src``, ``srcset``)."""

    def __init__(self) -> None:
        """Start with nothing found."""
        super().__init__()
        self.links: list[str] = []
        self.loads: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the addresses of one tag."""
        values = {name: value or "" for name, value in attrs}
        self.tags.add(tag)
        if tag in ("a", "link") and "href" in values:
            self.links.append(values["href"])
        if "src" in values:
            self.loads.append(values["src"])
        if "srcset" in values:
            self.loads += [p.split()[0] for p in values["srcset"].split(",") if p.strip()]


def links_of(html: str) -> Links:
    """Return the parsed links of ``html``."""
    parser = Links()
    parser.feed(html)
    return parser


def resolve(dest: Path, page: str, href: str, *, prefix: str = "/some/prefix/") -> str | None:
    """Return the file of DEST that ``href`` on ``page`` leads to when DEST is served under
    ``prefix``; None for an address outside the mirror (another site)."""
    base = f"http://mirror.test{prefix}{page}"
    target = urlsplit(urljoin(base, href))
    if target.netloc != "mirror.test":
        return None
    path = unquote(target.path)
    assert path.startswith(prefix), f"{page}: {href} leads outside the mirror's prefix"
    inside = path[len(prefix) :]
    if inside == "" or inside.endswith("/"):
        inside += "index.html"
    return inside


@pytest.fixture
def site(app):
    """Published works by a named artist (three), an anonymous one, hostile and Cyrillic
    credits, a CC licence with the artist's own link, and a published pack with its preview.
    """
    named = [
        make_work(
            state=WorkState.PUBLISHED,
            title=title,
            credit="Maria K.",
            credit_url="https://artist.example/maria",
            licence=Licence.CC_BY,
            widths=(320, 640, 1280),
            files=True,
            app=app,
        )
        for title in ("Red fist", "Open hands", "Night bus")
    ]
    anonymous = make_work(
        state=WorkState.PUBLISHED, title="No name", credit="", files=True, app=app
    )
    hostile = make_work(
        state=WorkState.PUBLISHED, title="Odd credit", credit=HOSTILE_CREDIT, files=True, app=app
    )
    cyrillic = make_work(
        state=WorkState.PUBLISHED, title="Солидарность", credit=CYRILLIC_CREDIT, files=True, app=app
    )
    works = [*named, anonymous, hostile, cyrillic]
    for day, work in enumerate(works, start=1):
        make_decision(work=work, created_at=_day(day), app=app)
    export = make_export(works=[named[0].id, named[1].id], app=app)
    pack = store_pack(export=export, title="Spring pack", description="Print at 100 %.", app=app)
    return {"works": works, "named": named, "anonymous": anonymous, "pack": pack}


def _day(day: int):
    """Return noon of ``day`` March 2025 (UTC): publication times in a fixed order."""
    from datetime import UTC, datetime

    return datetime(2025, 3, day, 12, tzinfo=UTC)


WORK_PAGE = re.compile(r"^(?:[a-z]{2}/)?works/(\d+)/index\.html$")
