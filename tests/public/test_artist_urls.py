"""An artist page's address stays under /artists/, whatever the credit says."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

import pytest

from gallery.models import WorkState
from tests.factories import make_work

BASE = "http://gallery.test/"
NASTY = [
    "../../admin/users",
    "a/../../x",
    "%2e%2e/x",
    "%2E%2e/%2e%2E/admin",
    ".%2e/admin",
    "./.",
    "../",
    "/../admin",
    "..\\..\\admin",
    "what?next=/admin",
    "a#b/../..",
    "/leading and trailing/",
    "a//b",
    "50% off",
]
# How browsers (WHATWG URL) read path segments: %2e is a dot, so these are "." and "..".
_SINGLE_DOT = {".", "%2e"}
_DOUBLE_DOT = {"..", ".%2e", "%2e.", "%2e%2e"}


def browser_resolve(href: str, base: str = BASE) -> str:
    """Return the path a browser requests for ``href`` on a page at ``base``."""
    href = href.replace("\\", "/")  # http(s) URLs read a backslash as a slash
    parts = urlsplit(href)
    segments = []
    for segment in parts.path.split("/"):
        lowered = segment.lower()
        segments.append(
            "." if lowered in _SINGLE_DOT else ".." if lowered in _DOUBLE_DOT else segment
        )
    return urlsplit(urljoin(base, "/".join(segments))).path


def artist_link(page: str) -> str | None:
    """Return the first artist page link in ``page``, if any."""
    match = re.search(r'<a href="(/artists/[^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


@pytest.mark.parametrize("credit", NASTY)
def test_the_artist_link_stays_under_artists_and_shows_the_artist(app, client, credit):
    """From the gallery and a work page, the link resolves to one segment under /artists/."""
    make_work(
        state=WorkState.PUBLISHED, title="Someone else's", credit="Other", files=True, app=app
    )
    # The newest, so shown first.
    work = make_work(
        state=WorkState.PUBLISHED, title="Their work", credit=credit, files=True, app=app
    )
    for page in ("/", f"/works/{work.id}"):
        link = artist_link(client.get(page).get_data(as_text=True))
        assert link is not None, page
        for base in (BASE, urljoin(BASE, page)):
            path = browser_resolve(link, base)
            assert path.startswith("/artists/") and "/" not in path[len("/artists/") :], path
        artist = client.get(browser_resolve(link))
        assert artist.status_code == 200, link
        shown = artist.get_data(as_text=True)
        assert re.search(r"<h1>(.*?)</h1>", shown).group(1) == html.escape(credit)
        assert "Their work" in shown and "Someone else" not in shown


@pytest.mark.parametrize("credit", [".", "..", "...", "...."])
def test_credits_of_dots_only_get_no_artist_link(app, client, credit):
    """A credit that would be a dot segment links nowhere (the work is still shown)."""
    make_work(state=WorkState.PUBLISHED, title="Dotty", credit=credit, files=True, app=app)
    page = client.get("/").get_data(as_text=True)
    assert "Dotty" in page and artist_link(page) is None


def test_older_links_with_plain_slashes_still_find_the_artist(app, client):
    """A link made before the credit was encoded as one segment still works."""
    make_work(state=WorkState.PUBLISHED, title="Shared", credit="O / K", files=True, app=app)
    assert "Shared" in client.get("/artists/O%20/%20K").get_data(as_text=True)


@pytest.mark.parametrize("credit", ["../../admin/users", "%2e%2e/x", "a/../../x"])
def test_switching_language_on_an_artist_page_comes_back_to_it(app, client, credit):
    """The switcher's way back is the artist page again, not where its dots would lead."""
    make_work(state=WorkState.PUBLISHED, title="Their work", credit=credit, files=True, app=app)
    link = artist_link(client.get("/").get_data(as_text=True))
    page = client.get(browser_resolve(link)).get_data(as_text=True)
    switch = re.search(r'<a lang="ru"[^>]*href="([^"]*)"', page).group(1)
    back = client.get(html.unescape(switch)).headers["Location"]
    path = browser_resolve(back, urljoin(BASE, "/language/ru"))
    assert path.startswith("/artists/") and "/" not in path[len("/artists/") :], back
    assert "Their work" in client.get(path).get_data(as_text=True)
