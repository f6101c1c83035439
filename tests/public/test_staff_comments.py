"""Curators' comments never leave the curators' pages: no public page, feed or artist page
shows them, nor who declared a conflict."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from gallery.models import Licence, WorkState
from tests.factories import make_comment, make_conflict, make_user, make_work

REMARK = "Xqzv curators-only remark"
DECLARER = "declarer-xqzv"
CLAIM = "claim-token-of-the-discussed-work"


def crawl(client, starts: list[str], limit: int = 80) -> dict[str, str]:
    """Fetch ``starts`` and every page of this site they link to, as a visitor would."""
    seen: dict[str, str] = {}
    queue = list(starts)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        body = (
            response.get_data(as_text=True)
            if response.mimetype.startswith(("text", "application/atom"))
            else ""
        )
        seen[path] = body
        for href in re.findall(r'href="([^"#]+)', body):
            parts = urlsplit(urljoin(f"http://gallery.test{path}", href.replace("&amp;", "&")))
            if parts.netloc == "gallery.test" and not parts.path.startswith("/static/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def test_comments_never_reach_a_public_page_the_feed_or_the_artist(app, client):
    """A published, discussed work: every page a visitor or its artist can reach is clean."""
    work = make_work(
        state=WorkState.PUBLISHED,
        title="Discussed",
        credit="Vera",
        licence=Licence.CC_BY,
        files=True,
        claim_token=CLAIM,
        app=app,
    )
    curator = make_user("curator", login=DECLARER, app=app)
    make_comment(user=curator.id, work=work.id, body=REMARK, app=app)
    make_conflict(user=make_user("curator", app=app).id, work=work.id, app=app)
    make_conflict(user=curator.id, work=make_work(app=app).id, app=app)
    pages = crawl(client, ["/", "/feed.atom", "/call", "/packs", f"/claim/{CLAIM}"])
    assert f"/works/{work.id}" in pages and "/artists/Vera" in pages, "the crawl saw the work"
    assert "Discussed" in pages["/feed.atom"], "the feed lists the work"
    for path, body in pages.items():
        assert REMARK not in body, path
        assert DECLARER not in body, path
