"""What the artist's browser keeps of the form, the receipt and the claim link: nothing.

Every answer on the artist's pages says ``Cache-Control: no-store`` (refusals and errors
too), the claim pages load and send nothing anywhere else, and deleting the entry tells the
browser to forget what it cached or stored of the site.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest

from gallery import create_app
from gallery.models import WorkState
from tests.conftest import csrf_token_in
from tests.factories import store_work
from tests.page_audit import audit, is_local
from tests.submissions.conftest import Artist, hidden_value

SVG = b"<svg xmlns='http://www.w3.org/2000/svg'/>"
CLAIM = "ownlinkownlinkownlinkownlinkownlinkownlink"


def session_of(app, client) -> dict:
    """Return what the client's session cookie holds (it is signed, not encrypted)."""
    cookie = client.get_cookie("session", domain="gallery.test")
    if cookie is None:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def claimed(app) -> str:
    """Store a published work whose claim link takes ``CLAIM``; return the claim path."""
    store_work(claim_token=CLAIM, title="Hidden title", state=WorkState.PUBLISHED, app=app)
    return f"/claim/{CLAIM}"


def answers_on_the_artists_pages(app, client, make_image) -> list[tuple[str, int, object]]:
    """Walk the artist's pages through every kind of answer; return (what, status, response)."""
    artist = Artist(client)
    seen = [("form", 200, client.get("/submit")), ("form HEAD", 200, client.head("/submit"))]
    refused = artist.submit([(make_image(), "good.png"), (SVG, "bad.svg")])
    seen.append(("refused form", 422, refused))
    kept = re.search(r'src="(/submit/kept/[^"]+)"', refused.get_data(as_text=True)).group(1)
    seen.append(("kept image", 200, client.get(kept)))
    seen.append(("unknown kept image", 404, client.get("/submit/kept/forged.token")))
    seen.append(("honeypot", 400, artist.submit([], website="x")))
    seen.append(("no form token", 400, client.post("/submit", data={"credit": "x"})))
    sent = artist.submit([(make_image(colour=(9, 9, 9)), "a.png")])
    seen.append(("sent", 303, sent))
    seen.append(("receipt", 200, client.get("/submit/receipt")))
    seen.append(("receipt again", 302, client.get("/submit/receipt")))
    claim = claimed(app)
    page = client.get(claim)
    token = csrf_token_in(page.get_data(as_text=True))
    image = re.search(r'src="(/claim/[^"]+\.webp)"', page.get_data(as_text=True)).group(1)
    seen += [
        ("claim page", 200, page),
        ("claim image", 200, client.get(image)),
        ("claim image of another size", 404, client.get(image.replace(".webp", "0.webp"))),
        ("bad edit", 422, client.post(claim, data={"csrf_token": token, "credit": ""})),
        ("edit", 303, client.post(claim, data={"csrf_token": token, "credit": "M", **CONSENT})),
        ("withdraw unticked", 303, client.post(f"{claim}/withdraw", data={"csrf_token": token})),
        ("no such address", 404, client.get(f"{claim}/works/1/x.webp")),
        ("wrong method", 405, client.get(f"{claim}/delete")),
        ("unknown claim", 404, client.get("/claim/guessed")),
        ("delete", 200, client.post(f"{claim}/delete", data={"csrf_token": token, "confirm": "y"})),
        ("deleted claim", 404, client.get(claim)),
    ]
    app.config["MAX_CONTENT_LENGTH"] = 1000
    seen.append(("too large", 413, client.post("/submit", data={"x": "y" * 5000})))
    return seen


CONSENT = {"consent_publish": "y", "consent_print": "y", "licence": "campaign"}


def test_no_answer_on_the_artists_pages_is_ever_stored(app, client, make_image):
    """Pages, images, redirects, refusals and errors alike: Cache-Control: no-store."""
    seen = answers_on_the_artists_pages(app, client, make_image)
    assert [(what, r.status_code) for what, _, r in seen] == [(w, s) for w, s, _ in seen]
    for what, _status, response in seen:
        assert response.headers.get("Cache-Control") == "no-store", what


def test_rate_limited_form_is_never_stored_either(app, make_image):
    """The 429 the limiter answers before the view runs says no-store too."""
    limited = create_app({**app.config, "RATELIMIT_ENABLED": True, "SUBMIT_RATE_LIMIT": "1/hour"})
    artist = Artist(limited.test_client())
    assert artist.submit([]).status_code == 422
    response = artist.submit([])
    assert response.status_code == 429
    assert response.headers["Cache-Control"] == "no-store"


def test_public_pages_keep_their_own_caching(app, client):
    """The rule covers the artist's addresses only: a public image stays cacheable."""
    work = store_work(state=WorkState.PUBLISHED, app=app)
    response = client.get(f"/works/{work.id}/{work.widths[0]}.webp")
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")


def test_deleting_tells_the_browser_to_forget_the_site_but_not_its_cookies(app, client):
    """Clear-Site-Data drops cache and storage; the language and a staff login stay."""
    claim = claimed(app)
    client.set_cookie("lang", "ru", domain="gallery.test")
    token = csrf_token_in(client.get(claim).get_data(as_text=True))
    response = client.post(f"{claim}/delete", data={"csrf_token": token, "confirm": "y"})
    assert response.status_code == 200
    directives = {d.strip() for d in response.headers["Clear-Site-Data"].split(",")}
    assert directives == {'"cache"', '"storage"'}
    # Only the delete answer carries it: withdrawing keeps the entry and the pages.
    other = claimed_again(app)
    token = csrf_token_in(client.get(other).get_data(as_text=True))
    data = {"withdraw-csrf_token": token, "withdraw-confirm": "y"}
    withdrawn = client.post(f"{other}/withdraw", data=data)
    assert "Clear-Site-Data" not in withdrawn.headers


def claimed_again(app) -> str:
    """Store a second entry with a claim link of its own; return its path."""
    store_work(claim_token="second" * 7, app=app)
    return "/claim/" + "second" * 7


def test_deleting_drops_the_entrys_traces_from_the_session(app, client, make_image):
    """A receipt not yet opened holds the claim link in the session cookie, the form token
    served the claim pages: deleting drops both (the language cookie stays)."""
    client.set_cookie("lang", "ru", domain="gallery.test")
    artist = Artist(client)
    assert artist.submit([(make_image(), "a.png")]).status_code == 303
    receipt = session_of(app, client)["submission_receipt"]
    claim = f"/claim/{receipt['token']}"
    token = csrf_token_in(client.get(claim).get_data(as_text=True))
    client.post(f"{claim}/delete", data={"csrf_token": token, "confirm": "y"})
    held = session_of(app, client)
    assert "submission_receipt" not in held and receipt["token"] not in str(held)
    assert "csrf_token" not in held
    assert client.get_cookie("lang", domain="gallery.test").value == "ru"


def test_deleting_keeps_the_receipt_of_another_entry(app, client, make_image):
    """Only this entry's receipt is dropped; one for a newer entry is still shown once."""
    claim = claimed(app)
    assert Artist(client).submit([(make_image(), "a.png")]).status_code == 303
    token = csrf_token_in(client.get(claim).get_data(as_text=True))
    client.post(f"{claim}/delete", data={"csrf_token": token, "confirm": "y"})
    assert "submission_receipt" in session_of(app, client)
    assert client.get("/submit/receipt").status_code == 200


def test_claim_pages_load_and_send_nothing_anywhere_else(app, client, make_image):
    """Receipt, claim page and the deleted page: every address is this site's own; the link
    appears only in the claim page's own forms and images and in the language switcher,
    which comes back to it; nothing is scripted, framed or styled from elsewhere."""
    artist = Artist(client)
    receipt = client.get(artist.submit([(make_image(), "a.png")]).headers["Location"])
    claim = re.search(r'value="https?://gallery\.test(/claim/[^"]+)"', receipt.text).group(1)
    token = claim.rsplit("/", 1)[1]
    page = client.get(claim)
    csrf = hidden_value(page.text, "csrf_token")
    deleted = client.post(f"{claim}/delete", data={"csrf_token": csrf, "confirm": "y"})
    for what, response in (("receipt", receipt), ("claim", page), ("deleted", deleted)):
        found = audit(response.text)
        assert found.forbidden == [], what
        addresses = found.fetches + [url for url, _rel in found.links]
        assert addresses, what
        for address in addresses:
            parts = urlsplit(address)
            assert parts.scheme in ("", "http") and is_local(address), (what, address)
            if token in unquote(address):
                own = parts.path.startswith(claim)
                switcher = parts.path.startswith("/language/") and unquote(parts.query) == (
                    f"next={claim}"
                )
                assert own or switcher, (what, address)
    assert 'name="referrer" content="no-referrer"' in page.text


@pytest.mark.parametrize("path", ["/submit", "/claim/guessed"])
def test_artists_pages_send_no_referrer(client, path):
    """Referrer-Policy: no-referrer on the artist's pages, found or not."""
    assert client.get(path).headers["Referrer-Policy"] == "no-referrer"
