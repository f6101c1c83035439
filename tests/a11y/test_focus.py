"""Where focus goes when a page loads after an action, without JavaScript."""

from __future__ import annotations

import lxml.html

from tests.conftest import csrf_token_in, log_in_as
from tests.factories import make_works


def test_a_pair_answered_without_javascript_is_said_on_the_next_page(app, client):
    """The next pair's page opens on "Answer saved.", which takes focus (autofocus)."""
    log_in_as(client, app, "curator")
    make_works(count=3, app=app)
    html = client.get("/curate/pairs?pool=judging").get_data(as_text=True)
    page = lxml.html.fromstring(html)
    left, right = (page.xpath(f"//input[@name='{side}']/@value")[0] for side in ("left", "right"))
    response = client.post(
        "/curate/pairs/answer?pool=judging",
        data={"csrf_token": csrf_token_in(html), "left": left, "right": right, "winner": left},
    )
    assert response.status_code == 303
    following = lxml.html.fromstring(
        client.get(response.headers["Location"]).get_data(as_text=True)
    )
    focused = following.xpath("//*[@autofocus]")
    assert [(e.get("role"), e.text_content()) for e in focused] == [("status", "Answer saved.")]
