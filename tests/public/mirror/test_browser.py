"""A real browser reads the mirror from a plain static server under a path prefix, and from disk.

Done when: every link and image works, nothing is fetched from another host, both languages
are reached by following links.
"""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest

from tests.public.mirror.conftest import run_mirror

PREFIX = "/campaign/stickers/"
SUBMIT = "https://stickers.example/submit"
# Files a browser downloads rather than shows: fetched, not navigated to.
DOWNLOADS = (".pdf", ".atom", ".webp", ".css")


class QuietFiles(SimpleHTTPRequestHandler):
    """Python's plain static file server, without a log line per request."""

    def log_message(self, *args) -> None:
        """Stay silent."""


@pytest.fixture
def served(tmp_path):
    """Serve ``tmp_path/www`` on loopback; yield (www folder, base URL)."""
    www = tmp_path / "www"
    www.mkdir()
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietFiles, directory=str(www))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def guarded(browser):
    """A browser context that refuses and remembers every request to another origin."""
    context = browser.new_context()
    outside: list[str] = []
    yield context, outside
    context.close()


def _guard(origin: str, outside: list[str]):
    """Return a route handler letting only ``origin`` (and file://) through."""

    def guard(route) -> None:
        """Abort and remember a request that leaves the mirror's server."""
        url = route.request.url
        if url.startswith((origin, "file://")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    return guard


def _eager_images(page) -> list[str]:
    """Load every image of the page now; return those that failed."""
    page.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    return page.eval_on_selector_all(
        "img", "imgs => imgs.filter(i => !(i.naturalWidth > 0)).map(i => i.currentSrc || i.src)"
    )


def test_a_browser_follows_every_link_and_image_under_a_path_prefix(app, site, served, guarded):
    """From the home page, every page of every language, every image and file is there."""
    app.config["LANGUAGES"] = ("en", "ru", "uk", "de", "fr", "es")
    www, origin = served
    run_mirror(app, www / PREFIX.strip("/"), submit_url=SUBMIT)
    context, outside = guarded
    context.route("**/*", _guard(origin, outside))
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    start = origin + PREFIX
    queue, seen, languages, fetched = [start], {start}, set(), set()
    while queue:
        url = queue.pop()
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        languages.add(page.get_attribute("html", "lang"))
        assert _eager_images(page) == [], url
        candidates = page.eval_on_selector_all(
            "img[srcset]", "imgs => imgs.flatMap(i => i.srcset.split(',')).map(s => s.trim())"
        )
        for candidate in candidates:
            fetched.add(urljoin(url, candidate.split()[0]))
        hrefs = page.eval_on_selector_all("a[href], link[href]", "ls => ls.map(l => l.href)")
        for href in (urldefrag(h).url for h in hrefs):
            if not href.startswith(origin):
                assert href.startswith(
                    ("https://creativecommons.org/", "https://artist.example/", SUBMIT)
                ), (url, href)
            elif not href.startswith(start):
                pytest.fail(f"{url} links outside the mirror's folder: {href}")
            elif href.endswith(DOWNLOADS):
                fetched.add(href)
            elif href not in seen:
                seen.add(href)
                queue.append(href)
    for url in sorted(fetched):
        assert context.request.get(url).status == 200, url
    assert languages == set(app.config["LANGUAGES"])
    assert any(url.startswith(f"{start}ru/works/") for url in seen)
    assert any(url.endswith(".pdf") for url in fetched)
    assert len(seen) == len(languages) * (
        1 + 6 + 3 + 3
    )  # home, works, artists, call + packs + pack
    assert errors == [] and outside == []


def test_a_browser_reads_the_file_links_mirror_from_a_disk(app, site, tmp_path, guarded):
    """With --file-links, file:// pages lead to each other: switcher, a work, its image."""
    dest = tmp_path / "usb-stick" / "stickers"
    run_mirror(app, dest, file_links=True)
    context, outside = guarded
    context.route("**/*", _guard("file://", outside))
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto((dest / "index.html").as_uri())
    page.click("nav.languages a[hreflang='ru']")
    assert page.url == (dest / "ru" / "index.html").as_uri()
    assert page.get_attribute("html", "lang") == "ru"
    work = site["named"][0]
    page.click(f"a[href='works/{work.id}/index.html'] >> nth=0")
    assert (
        Path(page.url.removeprefix("file://"))
        == dest / "ru" / "works" / str(work.id) / "index.html"
    )
    assert _eager_images(page) == []
    page.click("nav.languages a[hreflang='en']")
    assert page.url == (dest / "works" / str(work.id) / "index.html").as_uri()
    assert outside == []
