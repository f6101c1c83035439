"""WCAG 2.2 AA, checked by axe-core on every page, in every language, at two widths, with and
without JavaScript.

axe-core comes bundled in axe-playwright-python and is injected into each page; nothing is
fetched at run time, and the pages may still make no request to another host. Each (width,
JavaScript, visitor or staff) combination has one browser context and one page, reused for
every page and language; the site is seeded once for the module. A page with no script and no
``<noscript>`` is the same document with JavaScript off, so only pages with them are read
both ways (the test checks which pages have them).

``GALLERY_TEST_A11Y_LANGUAGES=en,ru`` narrows the languages (the PostgreSQL pass does).
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from gallery.config import Defaults
from tests.a11y.pages import NOT_PAGES, PAGES, STAFF, Swept
from tests.a11y.site import Site, served_site
from tests.browser import log_in_page

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": TAGS},
    # Target size (2.5.8) is off by default in axe-core: WCAG 2.2 AA asks for it.
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}
WIDTHS = (320, 1280)

# On PostgreSQL a psycopg connection of the served app is now and then collected unclosed in
# the middle of the sweep (not seen with SQLite; cause not found yet). The warning would fail
# whichever page the collection happens on; the pages' results do not depend on it.
pytestmark = pytest.mark.filterwarnings(
    "ignore:<psycopg.Connection object at .*> was deleted while still open:ResourceWarning"
)


def languages() -> list[str]:
    """Return the languages to sweep: the app's, or those GALLERY_TEST_A11Y_LANGUAGES names."""
    offered = list(Defaults.LANGUAGES)
    wanted = os.environ.get("GALLERY_TEST_A11Y_LANGUAGES", "").strip()
    if not wanted:
        return offered
    chosen = [code.strip() for code in wanted.split(",") if code.strip()]
    unknown = sorted(set(chosen) - set(offered))
    if unknown:
        raise ValueError(f"GALLERY_TEST_A11Y_LANGUAGES names languages not offered: {unknown}")
    return chosen


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    """The seeded site, served on loopback for the whole module."""
    with served_site(tmp_path_factory.mktemp("a11y")) as site:
        yield site


@pytest.fixture(scope="module")
def tabs(browser, site):
    """Open one page per (width, JavaScript, reader) on first use; close them at the end."""
    opened: dict[tuple[int, bool, str], object] = {}
    outside: list[str] = []

    def watch(request) -> None:
        """Remember any request that leaves the site (watched, not intercepted: interception
        would turn the browser's cache off and slow every request of the sweep)."""
        if not request.url.startswith((site.url, "data:")):
            outside.append(request.url)

    def tab(width: int, js: bool, who: str):
        """Return the page for this combination, logged in for staff."""
        key = (width, js, who)
        if key not in opened:
            context = browser.new_context(
                base_url=site.url,
                viewport={"width": width, "height": 900},
                java_script_enabled=js,
            )
            context.on("request", watch)
            page = context.new_page()
            page.set_default_timeout(20_000)
            if who == STAFF:
                log_in_page(page, site.staff)
            opened[key] = page
        return opened[key]

    yield tab
    for page in opened.values():
        page.context.close()
    assert outside == [], f"pages made requests to other hosts: {outside}"


def report(violations: list[dict]) -> str:
    """Describe each violation: rule, impact, help, and the selectors of the elements."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
    return "\n".join(lines)


# With JavaScript off the page runs none of its own code, and the browser fires no timers, but
# Playwright may still evaluate and promise callbacks still run: axe-core's timers are given
# to promise callbacks so that it can finish. The page's own scripts never ran.
TIMERS_AS_PROMISES = """() => {
  const later = (fn, _ms, ...args) => { Promise.resolve().then(() => fn(...args)); return 0; };
  window.setTimeout = later;
  window.clearTimeout = () => {};
  window.requestAnimationFrame = (fn) => later(fn, 0, 0);
  window.requestIdleCallback = (fn) => later(fn, 0, {timeRemaining: () => 50, didTimeout: false});
}"""


def axe_violations(page, *, js: bool) -> list[dict]:
    """Run axe-core (bundled with axe-playwright-python) on ``page``; return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    if not js:
        page.evaluate(TIMERS_AS_PROMISES)
    return Axe().run(page, options=AXE_OPTIONS).response["violations"]


# The ids that more than one element of the page carries.
REPEATED_IDS = """() => {
  const seen = {};
  for (const { id } of document.querySelectorAll("[id]")) seen[id] = (seen[id] || 0) + 1;
  return Object.keys(seen).filter((id) => seen[id] > 1).sort();
}"""

# Every page with JavaScript on; those with scripts again with it off.
CASES = [
    pytest.param(swept, js, id=f"{swept.name}-{'js' if js else 'nojs'}")
    for swept in PAGES
    for js in ((True, False) if swept.scripted else (True,))
]


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{w}px" for w in WIDTHS])
@pytest.mark.parametrize("lang", languages())
@pytest.mark.parametrize(("swept", "js"), CASES)
def test_page_has_no_axe_violations(tabs, site, swept: Swept, js: bool, lang, width):
    """The page, as this reader sees it, breaks none of the WCAG 2.2 A/AA rules axe checks."""
    page = tabs(width, js, swept.who)
    page.context.add_cookies([{"name": "lang", "value": lang, "url": site.url}])
    if swept.steps is not None:
        swept.steps(page, site)
    else:
        response = page.goto(swept.address(site))
        assert response.status == swept.status, (swept.name, response.status, page.url)
    assert page.locator("html").get_attribute("lang") == lang
    if swept.path:
        assert urlsplit(page.url).path == urlsplit(swept.address(site)).path, page.url
    if swept.status != 200:
        assert page.title().startswith(str(swept.status)), page.title()
    scripted = page.locator("script, noscript").count() > 0
    assert scripted == swept.scripted, (
        f"{swept.name}: scripts or <noscript> {'found' if scripted else 'gone'}: "
        f"set scripted={scripted} in tests/a11y/pages.py (sweeps it with JavaScript off too)"
    )
    violations = axe_violations(page, js=js)
    where = f"{swept.name} ({page.url}), {lang}, {width}px, JavaScript {'on' if js else 'off'}"
    assert violations == [], f"axe-core violations on {where}:\n{report(violations)}"
    # axe-core no longer checks this (WCAG 2.2 dropped 4.1.1), but a repeated id still points
    # a label, a skip link or an error summary at the wrong element.
    repeated = page.evaluate(REPEATED_IDS)
    assert repeated == [], f"ids used more than once on {where}: {', '.join(repeated)}"


def test_the_sweep_lists_every_html_page(site):
    """Each GET route of every blueprint is swept, or named as answering no HTML page."""
    adapter = site.app.url_map.bind("gallery.test")
    swept = set()
    for page in PAGES:
        if page.endpoint is not None:
            swept.add(page.endpoint)
        else:
            path = urlsplit(page.address(site)).path
            swept.add(adapter.match(path)[0] if page.status == 200 else "")
    routes = {rule.endpoint for rule in site.app.url_map.iter_rules() if "GET" in rule.methods}
    missing = routes - swept - set(NOT_PAGES)
    assert missing == set(), f"HTML pages the axe sweep does not read: {sorted(missing)}"
    assert set(NOT_PAGES) <= routes, sorted(set(NOT_PAGES) - routes)
