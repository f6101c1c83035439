"""Every route that is not public refuses anonymous visitors and staff without the right role.

The routes come from ``app.url_map``, so new blueprints are covered as soon as they are
registered. A route that is neither in PUBLIC nor in REQUIRED fails the test: decide which
role it needs and add it to the table.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from urllib.parse import urlsplit

import pytest

from gallery.models import Role
from tests.conftest import csrf_token_in, log_in
from tests.factories import make_staff

# Endpoints anyone may use (object checks such as "published" or a claim token happen inside).
PUBLIC = [
    "static",
    "public.*",
    "submissions.*",
    "claim.*",
    "feed.*",
    "ops.healthz",
    "pages.call",
    "packs.index",
    "packs.show",
    "packs.download",
    "packs.preview",
    "accounts.login",
    "accounts.accept_invite",
]

# The role each other endpoint needs; None means any logged-in staff member. First match wins,
# so specific patterns come before the blueprint-wide ones.
REQUIRED: list[tuple[str, Role | None]] = [
    ("accounts.admin_*", Role.ADMIN),
    ("accounts.*", None),
    ("admin.*", Role.ADMIN),
    ("pages.edit_*", Role.ADMIN),
    ("curation.*", Role.CURATOR),
    ("printing.*", Role.PRINTER),
    ("packs.*", Role.PRINTER),
]

# Someone holding every role except the one needed (admins pass every check, so no admin role).
WRONG_ROLES: dict[Role, tuple[tuple[str, ...], bool]] = {
    Role.ADMIN: (("curator", "printer"), True),
    Role.CURATOR: (("printer",), False),
    Role.PRINTER: (("curator",), True),
}

DUMMY = {
    "IntegerConverter": 999_999,
    "FloatConverter": 1.5,
    "UnicodeConverter": "dummy",
    "PathConverter": "dummy/path",
    "UUIDConverter": "00000000-0000-0000-0000-000000000000",
}


def is_public(endpoint: str) -> bool:
    """Tell whether ``endpoint`` is on the public allow-list."""
    return any(fnmatchcase(endpoint, pattern) for pattern in PUBLIC)


def required_role(endpoint: str) -> tuple[bool, Role | None]:
    """Return (known, role) for a non-public endpoint."""
    for pattern, role in REQUIRED:
        if fnmatchcase(endpoint, pattern):
            return True, role
    return False, None


def dummy_value(converter):
    """Return a value the converter accepts (ids that surely do not exist)."""
    items = getattr(converter, "items", None)
    if items:
        return sorted(items)[0]
    return DUMMY.get(type(converter).__name__, "1")


def requests_to_check(app):
    """Yield (endpoint, method, path) for every non-public route and method."""
    for rule in app.url_map.iter_rules():
        if is_public(rule.endpoint):
            continue
        values = {name: dummy_value(conv) for name, conv in rule._converters.items()}
        built = rule.build(values, append_unknown=False)
        assert built, f"cannot build {rule.rule}"
        path = built[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, path


def csrf_header(client, page: str) -> dict[str, str]:
    """Return a CSRF header so POSTs reach the permission check instead of the CSRF check."""
    return {"X-CSRFToken": csrf_token_in(client.get(page).get_data(as_text=True))}


def sends_to_login(response) -> bool:
    """Tell whether an anonymous request was refused: login redirect, 401 or 403."""
    if response.status_code in (401, 403):
        return True
    location = response.headers.get("Location", "")
    return response.status_code in (302, 303) and urlsplit(location).path == "/login"


def test_every_route_is_public_or_has_a_required_role(app):
    """A new route must be classified here before it ships."""
    unknown = sorted({e for e, _m, _p in requests_to_check(app) if not required_role(e)[0]})
    assert not unknown, f"add these endpoints to PUBLIC or REQUIRED in {__file__}: {unknown}"


def anonymous_failures(app, client) -> tuple[list[str], set[str]]:
    """Walk every non-public route anonymously; return what let us in, and what was checked."""
    headers = csrf_header(client, "/login")
    failures, checked = [], set()
    for endpoint, method, path in requests_to_check(app):
        response = client.open(path, method=method, headers=headers)
        checked.add(endpoint)
        if not sends_to_login(response):
            failures.append(f"{method} {path} ({endpoint}) -> {response.status_code}")
    return failures, checked


def wrong_role_failures(app, role: Role) -> tuple[list[str], int]:
    """Walk the routes needing ``role`` as staff without it; return what did not answer 403."""
    roles, decider = WRONG_ROLES[role]
    client = app.test_client()
    log_in(client, make_staff(app, *roles, decider=decider))
    headers = csrf_header(client, "/account")
    failures, checked = [], 0
    for endpoint, method, path in requests_to_check(app):
        if required_role(endpoint) != (True, role):
            continue
        checked += 1
        response = client.open(path, method=method, headers=headers)
        if response.status_code != 403:
            failures.append(f"{method} {path} ({endpoint}) -> {response.status_code}")
    return failures, checked


def test_anonymous_visitors_are_refused_everywhere_but_public_pages(app, client):
    """Never a 200 without logging in: a redirect to the login page, 401 or 403."""
    failures, checked = anonymous_failures(app, client)
    assert {"accounts.account", "accounts.logout", "admin.users", "admin.contacts"} <= checked
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", list(WRONG_ROLES), ids=str)
def test_staff_without_the_role_get_403(app, role):
    """Each route needing ``role`` answers 403 to staff holding every other role."""
    failures, checked = wrong_role_failures(app, role)
    if role is Role.ADMIN:
        assert checked, "no admin routes were found"
    assert not failures, "\n".join(failures)


def test_the_walk_catches_an_unguarded_route(app, client):
    """Self-check: a route someone forgot to protect is reported, not silently passed."""
    app.add_url_rule("/admin/leak/<int:item_id>", "admin.leak", lambda item_id: "secret")
    app.add_url_rule("/brand-new", "newthing.page", lambda: "secret")
    failures, _checked = anonymous_failures(app, client)
    assert any("admin.leak" in failure for failure in failures)
    failures, _count = wrong_role_failures(app, Role.ADMIN)
    assert any("admin.leak" in failure for failure in failures)
    with pytest.raises(AssertionError, match=r"newthing\.page"):
        test_every_route_is_public_or_has_a_required_role(app)
