"""The headers every answer carries, the onion service's header, and servers that stay unnamed."""

from __future__ import annotations

import re
import socket

import pytest

from gallery import create_app
from gallery.models import WorkState
from gallery.security import onion_origin
from tests.factories import store_work
from tests.page_audit import POWERFUL_FEATURES, directives, permissions
from tests.servers import flask_run, gunicorn

ONION = "http://" + "a" * 56 + ".onion"


@pytest.fixture
def answers(app, client):
    """One answer of each kind: page, image, JSON, feed, stylesheet, redirect, 404, 405."""
    work = store_work(state=WorkState.PUBLISHED, app=app)
    answers = {
        "page": client.get("/"),
        "image": client.get(f"/works/{work.id}/{work.widths[0]}.webp"),
        "json": client.get("/healthz"),
        "feed": client.get("/feed.atom"),
        "stylesheet": client.get("/static/style.css"),
        "redirect to login": client.get("/curate"),
        "not found": client.get("/no-such-page"),
        "wrong method": client.post("/call"),
        "form": client.get("/submit"),
    }
    for response in answers.values():
        response.close()  # a file answer holds its file open until closed; headers stay
    return answers


def test_every_answer_denies_every_powerful_feature(answers):
    """Permissions-Policy names each feature with an empty allowlist: not even this site."""
    for what, response in answers.items():
        policy = permissions(response)
        assert set(POWERFUL_FEATURES) <= set(policy), (what, set(POWERFUL_FEATURES) - set(policy))
        assert set(policy.values()) == {"()"}, what


def test_every_answer_is_for_this_site_alone(answers):
    """No other origin may embed, frame or open our answers, nor read policy files."""
    for what, response in answers.items():
        headers = response.headers
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin", what
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", what
        assert headers["X-Frame-Options"] == "DENY", what
        assert headers["X-Permitted-Cross-Domain-Policies"] == "none", what
        assert headers["Referrer-Policy"] == "no-referrer", what
        assert headers["X-Content-Type-Options"] == "nosniff", what


def test_pages_allow_only_the_site_itself(answers):
    """The page CSP: the site's own files, no inline code, nothing framed, no base, no plugins."""
    csp = directives(answers["page"].headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    for name in ("frame-ancestors", "object-src", "base-uri", "frame-src", "worker-src"):
        assert csp[name] == ["'none'"], name
    assert csp["form-action"] == ["'self'"]
    for sources in csp.values():
        assert not [s for s in sources if s not in ("'self'", "'none'", "data:")], sources
    image_csp = directives(answers["image"].headers["Content-Security-Policy"])
    assert image_csp["default-src"] == ["'none'"] and "sandbox" in image_csp


def test_onion_location_setting_must_be_an_onion_origin():
    """A typo fails at start; a trailing slash is forgiven; empty means no header."""
    assert onion_origin(ONION + "/") == ONION
    assert onion_origin("") == ""
    for wrong in ("https://example.org", ONION + "/path", "abc.onion", "http://short.onion"):
        with pytest.raises(ValueError, match="GALLERY_ONION_LOCATION"):
            onion_origin(wrong)


@pytest.fixture
def onion_app(app):
    """The test app with an onion service configured."""
    return create_app({**app.config, "ONION_LOCATION": ONION})


def test_public_pages_name_the_onion_service_with_their_own_address(app, onion_app):
    """Tor Browser is offered the same page on the onion service, query included."""
    work = store_work(state=WorkState.PUBLISHED, credit="Маша / К", app=app)
    visitor = onion_app.test_client()
    pages = ["/", "/?page=1", f"/works/{work.id}", "/call", "/packs"]
    for path in pages:
        assert visitor.get(path).headers["Onion-Location"] == ONION + path, path
    artist = visitor.get(f"/works/{work.id}").text
    artist_page = re.search(r'href="(/artists/[^"]+)"', artist).group(1)
    assert visitor.get(artist_page).headers["Onion-Location"] == ONION + artist_page


def test_only_public_pages_name_the_onion_service(app, onion_app, login_user_as):
    """Never on the artist's pages, staff pages, files, the feed, errors or redirects."""
    work = store_work(state=WorkState.PUBLISHED, claim_token="c" * 43, app=app)
    visitor = onion_app.test_client()
    quiet = [
        "/submit",
        "/claim/" + "c" * 43,
        f"/works/{work.id}/{work.widths[0]}.webp",
        "/feed.atom",
        "/healthz",
        "/login",
        "/curate",
        "/no-such-page",
        "/works/999",
        "/language/ru?next=/",
    ]
    for path in quiet:
        assert "Onion-Location" not in visitor.get(path).headers, path
    staff = onion_app.test_client()
    login_user_as(staff, onion_app, "curator", "printer", "admin")
    for path in ("/curate", "/print", "/admin/users", "/account"):
        response = staff.get(path)
        assert response.status_code == 200 and "Onion-Location" not in response.headers, path


def test_no_onion_header_on_the_onion_site_or_without_the_setting(app, onion_app):
    """On the onion address itself the header has nothing to offer; unset, it never appears."""
    # Without SERVER_NAME, so that the app answers for the onion host.
    any_host = create_app({**onion_app.config, "SERVER_NAME": None})
    on_onion = any_host.test_client().get("/", headers={"Host": ONION.split("//")[1]})
    assert on_onion.status_code == 200 and "Onion-Location" not in on_onion.headers
    assert "Onion-Location" not in app.test_client().get("/").headers


# --- Real servers: the Server header names neither the software nor its version. ---

GOOD_REQUEST = b"GET /call HTTP/1.1\r\nHost: gallery.test\r\nConnection: close\r\n\r\n"
MISSING = b"GET /no-such-page HTTP/1.1\r\nHost: gallery.test\r\nConnection: close\r\n\r\n"
# More header lines than either server takes: refused by the server before the app sees it.
REFUSED = b"GET / HTTP/1.1\r\nHost: gallery.test\r\n" + b"X-Many: 1\r\n" * 200 + b"\r\n"
SOFTWARE = re.compile(r"werkzeug|gunicorn|python|\d+\.\d+", re.IGNORECASE)


def raw_head(port: int, request: bytes) -> tuple[str, dict[str, str]]:
    """Send ``request`` as bytes and return the status line and headers of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                break
            data += chunk
    status, *lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


def assert_unnamed(port: int) -> None:
    """A page, a 404 and a request the server itself refuses: no Server header, no version."""
    statuses = []
    for request in (GOOD_REQUEST, MISSING, REFUSED):
        status, headers = raw_head(port, request)
        statuses.append(status.split()[1])
        assert "server" not in headers, (status, headers)
        assert "x-powered-by" not in headers
        assert not [v for n, v in headers.items() if n != "date" and SOFTWARE.search(v)], headers
    assert statuses[:2] == ["200", "404"] and statuses[2] in ("400", "431"), statuses


def test_development_server_does_not_name_itself(app, tmp_path):
    """`flask run` (scripts/run.sh) sends no Server header (Werkzeug and Python versions)."""
    with flask_run(app, tmp_path / "stderr.log") as port:
        assert_unnamed(port)


def test_gunicorn_example_does_not_name_itself(app, tmp_path):
    """gunicorn with deploy/gunicorn.conf.py sends no Server header either."""
    with gunicorn(app, tmp_path / "stderr.log") as port:
        assert_unnamed(port)
