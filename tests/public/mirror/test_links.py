"""Every link and image of the mirror leads to one of its files, under any path prefix."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.factories import make_works
from tests.public.mirror.conftest import links_of, pages, resolve, run_mirror, tree

ATOM = "{http://www.w3.org/2005/Atom}"


def followed(dest: Path, *, prefix: str) -> tuple[set[str], list[str]]:
    """Follow every link from the home page; return the files reached and any broken links."""
    files = tree(dest)
    seen, broken, queue = {"index.html"}, [], ["index.html"]
    while queue:
        page = queue.pop()
        found = links_of(files[page].decode())
        for address in found.links + found.loads:
            target = resolve(dest, page, address, prefix=prefix)
            if target is None:
                continue  # another site: a licence deed or the artist's own page
            if target not in files:
                broken.append(f"{page}: {address}")
            elif target not in seen:
                seen.add(target)
                if target.endswith(".html"):
                    queue.append(target)
    return seen, broken


@pytest.mark.parametrize("prefix", ["/", "/some/prefix/", "/a/b/c/mirror/"])
def test_every_link_and_image_resolves_under_any_prefix(app, site, tmp_path, prefix):
    """Served under any folder, no link or image is broken and every page is reachable."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    seen, broken = followed(dest, prefix=prefix)
    assert broken == []
    unreached = set(tree(dest)) - seen - {"manifest.json"}
    assert unreached == set(), "every file of the mirror is linked from its pages"


def test_both_languages_are_reached_from_the_home_page(app, site, tmp_path):
    """Following links from index.html reaches every Russian page too."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    seen, _ = followed(dest, prefix="/")
    russian = {path for path in pages(dest) if path.startswith("ru/")}
    assert russian and russian <= seen
    assert "ru/feed.atom" in seen


def test_file_links_resolve_on_a_disk(app, site, tmp_path):
    """With file_links every page link names a file that exists (file:// has no index)."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest, file_links=True)
    files = tree(dest)
    for page, html in pages(dest).items():
        found = links_of(html)
        for address in found.links + found.loads:
            if address.startswith("http"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), address))
            assert target in files, f"{page}: {address}"


def test_feed_links_are_relative_with_xml_base_or_absolute_with_a_base_url(app, site, tmp_path):
    """Without --base-url the feed says xml:base and its links resolve inside the mirror;
    with it every link is absolute on that address. Ids are absolute either way."""
    relative, absolute = tmp_path / "relative", tmp_path / "absolute"
    run_mirror(app, relative)
    run_mirror(app, absolute, base_url="https://mirror.example/stickers/")
    for feed_path in ("feed.atom", "ru/feed.atom"):
        feed = ET.fromstring(tree(relative)[feed_path])  # noqa: S314 - our own feed
        assert feed.get("{http://www.w3.org/XML/1998/namespace}base") == "./"
        hrefs = [link.get("href") for link in feed.iter(f"{ATOM}link")]
        assert hrefs and all(resolve(relative, feed_path, h) in tree(relative) for h in hrefs)
        ids = [node.text for node in feed.iter(f"{ATOM}id")]
        assert ids and all(i.startswith("urn:uuid:") for i in ids)
        feed = ET.fromstring(tree(absolute)[feed_path])  # noqa: S314 - our own feed
        hrefs = [link.get("href") for link in feed.iter(f"{ATOM}link")]
        assert all(h.startswith("https://mirror.example/stickers/") for h in hrefs)
        root = "https://mirror.example/stickers/" + ("ru/" if feed_path.startswith("ru") else "")
        assert f"{root}feed.atom" in hrefs
    english = ET.fromstring(tree(absolute)["feed.atom"])  # noqa: S314 - our own feed
    titles = [e.findtext(f"{ATOM}title") for e in english.iter(f"{ATOM}entry")]
    assert "Sticker pack: Spring pack" in titles and "Red fist" in titles


def test_gallery_pages_beyond_the_first_are_linked_both_ways(app, tmp_path):
    """25 works fill two gallery pages: page/2/ and ru/page/2/, linked from and to the home."""
    make_works(count=25, state="published", files=True, app=app)
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    files = pages(dest)
    assert {"page/2/index.html", "ru/page/2/index.html"} <= set(files)
    assert 'rel="next" href="page/2/"' in files["index.html"]
    assert 'rel="prev" href="../../"' in files["page/2/index.html"]
    seen, broken = followed(dest, prefix="/mirror/")
    assert broken == [] and "ru/page/2/index.html" in seen


def test_an_empty_gallery_is_still_a_site(app, tmp_path):
    """No work, no pack: home, call, packs and feed in both languages, the same each time."""
    first, second = tmp_path / "first", tmp_path / "second"
    run_mirror(app, first)
    run_mirror(app, second)
    assert tree(first) == tree(second)
    assert {"index.html", "ru/call/index.html", "packs/index.html"} <= set(pages(first))
    assert b"<updated>1970-01-01T00:00:00Z</updated>" in tree(first)["feed.atom"]
