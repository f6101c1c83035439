"""In a real browser: the claim link is never sent as a Referer, and is gone after deleting."""

from __future__ import annotations

import pytest

from tests.browser import CHROMIUM_FLAGS, chromium_path
from tests.factories import store_work

CLAIM = "browserclaimbrowserclaimbrowserclaimbrows"


class Referers:
    """Wrap the served app to note the Referer of every request the browser makes."""

    def __init__(self, wsgi_app) -> None:
        """Serve through ``wsgi_app``, starting with no requests seen."""
        self.wsgi_app = wsgi_app
        self.seen: list[tuple[str, str, str]] = []

    def __call__(self, environ, start_response):
        """Note method, path and Referer, then answer as the app does."""
        referer = environ.get("HTTP_REFERER", "")
        self.seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], referer))
        return self.wsgi_app(environ, start_response)


def test_the_claim_link_is_never_sent_as_a_referer(page, live_app):
    """Images, stylesheet, links, the language switcher, saving and deleting: no Referer."""
    store_work(claim_token=CLAIM, title="Secret bird", app=live_app)
    recorder = Referers(live_app.wsgi_app)
    live_app.wsgi_app = recorder
    claim = f"/claim/{CLAIM}"

    page.goto(claim)
    page.click("header nav a[href='/']")  # the gallery link in the site header
    page.go_back()
    page.click("nav.languages a[lang='ru']")
    page.wait_for_url(f"**{claim}")
    page.click("form[action$='" + claim + "'] button[type='submit']")  # save changes
    page.wait_for_url(f"**{claim}")
    page.check("form[action$='/delete'] input[name='confirm']")
    page.click("form[action$='/delete'] button[type='submit']")
    page.wait_for_url(f"**{claim}/delete")

    paths = [path for _method, path, _referer in recorder.seen]
    assert f"{claim}/delete" in paths and any(p.startswith(f"{claim}/works/") for p in paths)
    assert any(p.startswith("/static/") for p in paths) and "/" in paths
    assert [(m, p, r) for m, p, r in recorder.seen if r] == []


@pytest.fixture
def caching_browser(browser):
    """A second Chromium with its back/forward cache on (Playwright turns it off by default)."""
    caching = browser.browser_type.launch(
        executable_path=chromium_path(),
        args=CHROMIUM_FLAGS,
        ignore_default_args=["--disable-back-forward-cache"],
    )
    yield caching
    caching.close()


def test_after_deleting_going_back_shows_nothing_of_the_entry(caching_browser, live_app):
    """Back after deleting asks the site again and finds nothing: the claim page is no-store,
    and the delete answer changes the session cookie, so Chromium's back/forward cache (which
    keeps no-store pages only while cookies stay the same) does not bring it back."""
    store_work(claim_token=CLAIM, title="Secret bird", app=live_app)
    context = caching_browser.new_context(base_url=live_app.config["LIVE_URL"])
    try:
        page = context.new_page()
        claim = f"/claim/{CLAIM}"
        page.goto(claim)
        assert "Secret bird" in page.content()
        page.check("form[action$='/delete'] input[name='confirm']")
        page.click("form[action$='/delete'] button[type='submit']")
        page.wait_for_url(f"**{claim}/delete")
        # A page restored from the back/forward cache fires no "load": wait for less.
        page.go_back(wait_until="commit")
        page.wait_for_function("() => document.readyState === 'complete'")
        assert page.url.endswith(claim)
        assert "Secret bird" not in page.content()
        assert "does not exist" in page.content()
    finally:
        context.close()
