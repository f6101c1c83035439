"""Every ``next=`` target keeps the visitor on this site, however the address is dressed up."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import csrf_token_in, log_in_as

SITE = "gallery.test"

# Raw query-string values, as they would appear in a crafted link.
OFF_SITE = [
    "/%09/evil.example",  # browsers drop tabs: //evil.example
    "/%09%09/evil.example",
    "%09//evil.example",
    "/%5Cevil.example",  # backslash: /\evil.example
    "%5C%5Cevil.example",
    "/%5C/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "//evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "///evil.example",
    "https://evil.example/",
    "https:evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "%20//evil.example",
    "%00//evil.example",
    "/%00/evil.example",
    "/%0B/evil.example",
    "/%0C/evil.example",
    "/%7F/evil.example",
    "/%C2%85/evil.example",  # NEL, a C1 control
    "/%C2%A0/evil.example",  # no-break space
    "/%E3%80%80/evil.example",  # ideographic space
    "/%E2%80%A8/evil.example",  # line separator
    "%252F%252Fevil.example",  # encoded twice
    "/%252F%252Fevil.example",
]
LINE_BREAKS = ["/%0d%0a/x", "/%0a/evil.example", "/%0d/evil.example", "/x%0d%0aSet-Cookie:%20a=b"]
LOCAL = ["/submit", "/works/3?x=1", "/curate?sort=score&page=2", "/artists/%D0%90%D0%BD%D1%8F"]


def browser_host(location: str, base: str) -> str | None:
    """Return the host a browser lands on following ``location`` from ``base``.

    Like the WHATWG URL parser: control characters and spaces at the ends are trimmed, tabs
    and line breaks anywhere removed, and a backslash read as a slash (http and https).
    """
    location = location.strip("".join(chr(c) for c in range(0x21)))
    location = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    return urlsplit(urljoin(base, location)).hostname


def assert_stays_on_site(response, base: str) -> None:
    """A redirect whose target a browser would resolve to this site."""
    assert response.status_code in (302, 303), response.status_code
    assert browser_host(response.headers["Location"], base) == SITE, response.headers["Location"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_language_switcher_never_leaves_the_site(client, target):
    """The switcher sets the cookie and goes home instead of following the crafted target."""
    response = client.get(f"/language/ru?next={target}")
    assert_stays_on_site(response, "http://gallery.test/language/ru")
    assert response.headers["Location"] == "/"
    assert "lang=ru" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("target", LOCAL)
def test_language_switcher_goes_back_to_the_page(client, target):
    """An ordinary local page is where the visitor returns."""
    response = client.get("/language/ru", query_string={"next": urlsplit(target).path})
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == urlsplit(target).path


@pytest.mark.parametrize("target", LINE_BREAKS)
def test_a_line_break_in_the_target_is_a_clear_400(client, target):
    """CR or LF gets an explanation, never a 500."""
    response = client.get(f"/language/ru?next={target}")
    assert response.status_code == 400
    assert "not a valid address" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers or "a=b" not in response.headers["Set-Cookie"]


def test_the_400_speaks_the_visitors_language(client):
    """A Russian reader gets the refusal in Russian."""
    client.set_cookie("lang", "ru", domain=SITE)
    response = client.get("/language/en?next=/%0d%0a/x")
    assert response.status_code == 400
    assert "Ссылка повреждена" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", OFF_SITE + LINE_BREAKS)
def test_login_never_leaves_the_site(app, client, target):
    """A logged-in visitor opening the login page lands on a page of this site (or a 400)."""
    log_in_as(client, app, "curator")
    response = client.get(f"/login?next={target}")
    if "%0d" in target.lower() or "%0a" in target.lower():
        assert response.status_code == 400
    else:
        assert_stays_on_site(response, "http://gallery.test/login")
        assert response.headers["Location"] == "/curate"


@pytest.mark.parametrize("target", ["/%09/evil.example", "/%5Cevil.example", "%2F%2Fevil.example"])
def test_login_form_never_leaves_the_site(app, target):
    """Logging in through a crafted link lands on the staff member's own page."""
    from tests.factories import make_staff

    staff = make_staff(app, "curator")
    client = app.test_client()
    token = csrf_token_in(client.get("/login").get_data(as_text=True))
    response = client.post(
        f"/login?next={target}",
        data={"csrf_token": token, "login": staff.login, "password": staff.password},
    )
    assert_stays_on_site(response, "http://gallery.test/login")
    assert response.headers["Location"] == "/curate"


@pytest.mark.parametrize("target", [*OFF_SITE[:12], *LINE_BREAKS[:1]])
def test_blind_mode_switch_never_leaves_the_site(app, client, target):
    """Blind mode goes back to the grid, and a refused target changes nothing."""
    log_in_as(client, app, "curator")
    token = csrf_token_in(client.get("/curate").get_data(as_text=True))
    response = client.post(f"/curate/blind?next={target}", data={"csrf_token": token})
    if "%0d" in target:
        assert response.status_code == 400
        return
    assert_stays_on_site(response, "http://gallery.test/curate/blind")
    assert urlsplit(response.headers["Location"]).path == "/curate"
