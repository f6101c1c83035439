"""SecureDrop's directory scanner, as it applies to a web app, over every public route.

The scanner (securedrop.org ``scanner/scanner.py``) checks a landing page for: no cookies, no
CDN, no analytics, no server software or version, a CSP of the site itself, nosniff,
framing denied, Cache-Control no-store, Referrer-Policy no-referrer, no third-party assets
and no clickable onion address. Here every route of the URL map that answers a visitor
without an account is requested (routes with parameters get a published work, an artist, a
pack, a claim link, a kept image and an invitation), and each answer is held to those checks,
plus a restrictive Permissions-Policy and Onion-Location on public pages only. Checks left out
on purpose, with the reason, are listed in gallery/security.py and the README.

Cookies: a visitor who only reads gets none. Pages holding a form (the submission form, the
claim page, login, an invitation) set the session cookie their form token lives in: a cookie
for this browser session only, HttpOnly, SameSite=Lax, holding nothing but that token. The
language switcher (``/language/<code>``) sets ``lang`` because the visitor asked for it, and
nothing else.
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from flask import url_for

from gallery.accounts.operations import create_invite
from gallery.extensions import db
from gallery.models import Licence, WorkState
from gallery.public.content import CALL, save_page
from tests.conftest import running_app
from tests.factories import image_bytes, make_export, make_user, store_pack, store_work
from tests.page_audit import POWERFUL_FEATURES, audit, directives, is_local, permissions
from tests.submissions.conftest import Artist

ONION = "http://" + "o" * 56 + ".onion"
ARTIST_ONION = "http://" + "p" * 56 + ".onion/portfolio"
CLAIM = "scannerclaimscannerclaimscannerclaimscann"

# What a visitor can open, by endpoint. A new route must be added here or answer strangers
# with the login page or 403, so that nobody forgets to hold it to the checks.
PUBLIC = {
    "public.index",
    "public.work",
    "public.artist",
    "public.work_image",
    "public.set_language",
    "pages.call",
    "feed.atom",
    "packs.index",
    "packs.show",
    "packs.download",
    "packs.preview",
    "submissions.submit",
    "submissions.receipt",
    "submissions.kept_preview",
    "claim.show",
    "claim.image",
    "accounts.login",
    "accounts.accept_invite",
    "ops.healthz",
    "static",
}
FORM_PAGES = {"submissions.submit", "claim.show", "accounts.login", "accounts.accept_invite"}
ARTIST_PAGES = {
    "submissions.submit",
    "submissions.receipt",
    "submissions.kept_preview",
    "claim.show",
    "claim.image",
}
ONION_PAGES = {
    "public.index",
    "public.work",
    "public.artist",
    "pages.call",
    "packs.index",
    "packs.show",
}
ANALYTICS = re.compile(
    r"ga\.js|analytics\.js|gtag\(|googletagmanager|google-analytics|quant\.js|chartbeat|"
    r"beacon\.js|krxd\.net|scorecardresearch|matomo|piwik|plausible|umami|hotjar|"
    r"mc\.yandex|metrika|fbq\(|connect\.facebook",
    re.IGNORECASE,
)
CDN = re.compile(
    r"cdnjs|jsdelivr|unpkg|googleapis|gstatic|cloudflare|akamai|fastly|bootstrapcdn|"
    r"cloudfront|stackpath",
    re.IGNORECASE,
)
CDN_HEADERS = {"cf-ray", "cf-cache-status", "x-amz-cf-id", "x-served-by", "x-cache", "via"}
SOFTWARE = re.compile(r"werkzeug|gunicorn|python|flask|nginx|apache|\d+\.\d+", re.IGNORECASE)


def seed(app) -> dict:
    """Store what the routes with parameters need; return the values by parameter name."""
    work = store_work(
        state=WorkState.PUBLISHED,
        credit="Maria K.",
        credit_url="https://artist.example/me",
        licence=Licence.CC_BY,
        claim_token=CLAIM,
        app=app,
    )
    store_work(state=WorkState.PUBLISHED, credit="Onion artist", credit_url=ARTIST_ONION, app=app)
    pack = store_pack(export=make_export(works=[work.id], app=app), app=app)
    with app.app_context():
        admin = make_user("admin")
        body = f"Send your works, or use our onion service {ONION} in Tor Browser."
        save_page(slug=CALL, language="en", title="Call", body=body, by=admin)
        _invite, invite = create_invite(by=admin, roles=["curator"], decider=False)
        db.session.commit()
    return {
        "work_id": work.id,
        "width": work.widths[0],
        "credit": "Maria K.",
        "pack_id": pack.id,
        "code": "ru",
        "filename": "style.css",
        "invite": invite,
    }


def kept_image(client) -> str:
    """Send a form with one good and one refused image; return the kept image's address."""
    page = Artist(client).submit([(image_bytes(), "good.png"), (b"<svg/>", "bad.svg")])
    return re.search(r'src="(/submit/kept/[^"]+)"', page.get_data(as_text=True)).group(1)


def receipt(client):
    """Send a good form and return the receipt the artist sees (with the claim link)."""
    sent = Artist(client).submit([(image_bytes(colour=(5, 90, 200)), "a.png")])
    return client.get(sent.headers["Location"])


def address_of(app, rule, values: dict, kept: str) -> str:
    """Build the address of ``rule`` with seeded values (1 for staff-only ids)."""
    if rule.endpoint == "submissions.kept_preview":
        return kept
    arguments = {name: values.get(name, 1) for name in rule.arguments}
    if "token" in arguments:
        arguments["token"] = values["invite"] if rule.endpoint.startswith("accounts") else CLAIM
    with app.test_request_context():
        return url_for(rule.endpoint, **arguments)


def is_staff_only(response) -> bool:
    """Tell whether an anonymous request was sent to log in or refused."""
    location = response.headers.get("Location", "")
    return response.status_code in (401, 403) or urlsplit(location).path == "/login"


def scan_every_route(app, values: dict) -> dict[str, object]:
    """Request every GET route as a new visitor; return the public answers by endpoint."""
    artist = app.test_client()
    kept = kept_image(artist)
    answers = {"submissions.receipt (shown)": receipt(artist)}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        response = app.test_client().get(address_of(app, rule, values, kept))
        response.get_data()  # kept for the checks; then the file answers let go of their file
        response.close()
        if not is_staff_only(response):
            answers[rule.endpoint] = response
    return answers


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    """The app (knowing its onion service) and every public answer, scanned once."""
    with running_app(tmp_path_factory.mktemp("scanner"), ONION_LOCATION=ONION) as app:
        yield app, scan_every_route(app, seed(app))


@pytest.fixture
def answers(scanned):
    """Every public answer, by endpoint."""
    return scanned[1]


def endpoint_of(name: str) -> str:
    """Return the endpoint an answer's name stands for."""
    return name.split(" ", 1)[0]


def test_the_sweep_covers_every_public_route_and_finds_them_working(answers):
    """Each public route is scanned, and answers as a visitor would see it."""
    assert {endpoint_of(name) for name in answers} == PUBLIC
    for name, response in answers.items():
        expected = {"public.set_language": 303, "submissions.receipt": 302}.get(name, 200)
        assert response.status_code == expected, (name, response.status_code)


def test_no_cookie_for_visitors_who_only_read(scanned, answers):
    """Reading sets no cookie; forms set only their session cookie; the switcher only lang."""
    for name, response in answers.items():
        cookies = SimpleCookie()
        for header in response.headers.getlist("Set-Cookie"):
            cookies.load(header)
        endpoint = endpoint_of(name)
        if endpoint == "public.set_language":
            assert list(cookies) == ["lang"] and cookies["lang"].value == "ru"
            assert cookies["lang"]["httponly"] and cookies["lang"]["samesite"] == "Lax"
        elif endpoint in FORM_PAGES:
            assert list(cookies) == ["session"], name
            session = cookies["session"]
            assert session["httponly"] and session["samesite"] == "Lax", name
            assert not session["expires"] and not session["max-age"], name
            app = scanned[0]
            held = app.session_interface.get_signing_serializer(app).loads(session.value)
            # The form token, and Flask-Login's note that nobody logged in here.
            assert "csrf_token" in held and set(held) <= {"csrf_token", "_fresh"}, (name, held)
        elif name != "submissions.receipt (shown)":
            assert not cookies, (name, list(cookies))


def test_no_third_party_scripts_styles_images_fonts_or_frames(answers):
    """Everything a page loads is the site's own: no script, style, image, font or frame
    from anywhere else, no inline code, nothing from a CDN or an analytics service."""
    html_pages = 0
    for name, response in answers.items():
        assert not CDN_HEADERS & {h.lower() for h in response.headers.keys()}, name
        if not response.mimetype.startswith("text/") and "xml" not in response.mimetype:
            continue
        text = response.get_data(as_text=True)
        assert not ANALYTICS.search(text), name
        if response.mimetype != "text/html":
            continue
        html_pages += 1
        found = audit(text)
        assert [url for url in found.fetches if not is_local(url)] == [], name
        assert found.forbidden == [], name
        assert not [url for url in found.fetches if CDN.search(url)], name
        for url, rel in found.links:
            if not is_local(url):
                assert "noreferrer" in rel.split(), (name, url)
    assert html_pages >= 12
    css = answers["static"].get_data(as_text=True)  # /static/style.css
    assert "@import" not in css and "@font-face" not in css
    assert not [u for u in re.findall(r"url\(\s*['\"]?([^'\")\s]+)", css) if not is_local(u)]


def test_policies_of_the_site_itself_on_every_answer(answers):
    """CSP of the site alone, nosniff, framing denied, no referrer, every feature denied."""
    for name, response in answers.items():
        headers = response.headers
        csp = directives(headers.get("Content-Security-Policy", ""))
        assert csp.get("default-src") in (["'self'"], ["'none'"]), name
        assert csp.get("frame-ancestors") == ["'none'"], name
        sources = [source for values in csp.values() for source in values]
        assert not [s for s in sources if s not in ("'self'", "'none'", "data:")], name
        if response.mimetype == "text/html":
            assert csp.get("object-src") == ["'none'"] and csp.get("base-uri") == ["'none'"]
        assert headers.get("X-Content-Type-Options") == "nosniff", name
        assert headers.get("X-Frame-Options") == "DENY", name
        assert headers.get("Referrer-Policy") == "no-referrer", name
        policy = permissions(response)
        assert all(policy.get(feature) == "()" for feature in POWERFUL_FEATURES), name


def test_no_server_software_or_version_in_any_header(answers):
    """The app adds no Server or X-Powered-By header, and no header names software.

    The servers' own Server header is checked in tests/test_security_headers.py.
    """
    for name, response in answers.items():
        assert "Server" not in response.headers and "X-Powered-By" not in response.headers
        named = [
            (header, value)
            for header, value in response.headers.items()
            if header not in ("Date", "ETag", "Content-Length", "Set-Cookie", "Onion-Location")
            and not header.startswith(("X-RateLimit", "Retry-After"))
            and SOFTWARE.search(value)
        ]
        assert named == [], name


def test_the_artists_pages_are_never_stored(answers):
    """Cache-Control: no-store on the form, the receipt, kept images and the claim link."""
    for name, response in answers.items():
        if endpoint_of(name) in ARTIST_PAGES:
            assert response.headers.get("Cache-Control") == "no-store", name


def test_no_clickable_onion_address(answers):
    """Onion addresses (the call's own, an artist's) are text: never in a link."""
    shown = 0
    for name, response in answers.items():
        if response.mimetype != "text/html":
            continue
        text = response.get_data(as_text=True)
        shown += text.count(".onion")
        hosts = [urlsplit(url).hostname or "" for url, _rel in audit(text).links]
        assert not [host for host in hosts if host.endswith(".onion")], name
    assert shown >= 2  # the seeded addresses are on the pages, as text


def test_onion_location_on_public_pages_only(answers):
    """Tor Browser is pointed at the onion service from public pages, from nowhere else."""
    naming = {name for name, response in answers.items() if "Onion-Location" in response.headers}
    assert naming == ONION_PAGES
    for name in naming:
        assert answers[name].headers["Onion-Location"].startswith(ONION + "/"), name
