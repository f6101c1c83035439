"""Every page the accessibility sweep reads, and how a browser gets to it.

A page is an address (built from the seeded ids) read by a visitor or by the staff account
(every role), or a few steps in the browser for pages that follow a form: the form with its
errors, the receipt, the claim link's refusal and deletion, a new invitation, error pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from tests.a11y.site import MAX_CONTENT_LENGTH, Site
from tests.factories import series_png, store_work

VISITOR, STAFF = "visitor", "staff"


@dataclass(frozen=True)
class Swept:
    """One page of the sweep: who reads it, where, and how the browser gets there."""

    name: str
    who: str
    path: str = ""  # a format string over the seeded ids
    endpoint: str | None = None  # for pages reached by steps; else read from ``path``
    steps: Callable | None = None  # (page, site) -> None, ends on the page to check
    status: int = 200
    # Has scripts (or <noscript>): read with JavaScript off as well. A page without either is
    # the same document both ways, read once; the sweep checks which pages have them.
    scripted: bool = False

    def address(self, site: Site) -> str:
        """Return the page's address with the seeded ids filled in."""
        return self.path.format(**site.ids)


def post_navigation(page, path: str, data: dict[str, str] | bytes) -> None:
    """Open ``path`` as a form post of ``data`` (what a browser sends when a form is sent)."""

    def as_post(route) -> None:
        """Turn the navigation into the POST a form would make."""
        body = data if isinstance(data, bytes) else urlencode(data)
        headers = {**route.request.headers, "content-type": "application/x-www-form-urlencoded"}
        route.continue_(method="POST", post_data=body, headers=headers)

    page.route(f"**{path}", as_post)
    try:
        page.goto(path)
    finally:
        page.unroute(f"**{path}", as_post)


def csrf_token(page) -> str:
    """Return the session's form token, read from the staff account page."""
    page.goto("/account")
    return page.locator("input[name='csrf_token']").first.get_attribute("value")


def submit_with_errors(page, site: Site) -> None:
    """Send the submission form without an image: it comes back with the problem listed."""
    page.goto("/submit")
    page.fill("input[name='credit']", "Maria K.")
    page.check("input[name='consent_publish']")
    page.check("input[name='consent_print']")
    page.click("main button[type='submit']")
    page.wait_for_load_state()


def receipt(page, site: Site) -> None:
    """Send a good submission and land on its receipt, claim link shown once."""
    page.goto("/submit")
    page.set_input_files(
        "input[name='images-0-file']",
        files=[{"name": "sticker.png", "mimeType": "image/png", "buffer": series_png(9)}],
    )
    page.fill("input[name='credit']", "Maria K.")
    page.check("input[name='consent_publish']")
    page.check("input[name='consent_print']")
    page.click("main button[type='submit']")
    page.wait_for_url(re.compile(r"/submit/receipt$"))


def claim_refused(page, site: Site) -> None:
    """Ask to withdraw without ticking the confirmation: the claim page says why not."""
    page.goto(f"/claim/{site.ids['claim']}")
    page.click("form[action$='/withdraw'] button[type='submit']")
    page.wait_for_load_state()


def claim_deleted(page, site: Site) -> None:
    """Delete a fresh entry through its claim link, confirmation ticked."""
    token = f"a11ydeleted{site.ids.setdefault('deleted', 0):030d}"
    site.ids["deleted"] += 1
    store_work(claim_token=token, app=site.app)
    page.goto(f"/claim/{token}")
    page.check("form[action$='/delete'] input[type='checkbox']")
    page.click("form[action$='/delete'] button[type='submit']")
    page.wait_for_load_state()


def invite_created(page, site: Site) -> None:
    """Invite a curator from the users page: the link is shown once."""
    page.goto("/admin/users")
    form = page.locator("form[action$='/admin/invites']")
    form.locator("input[type='checkbox']").first.check()
    form.locator("button[type='submit']").click()
    page.wait_for_url(re.compile(r"/admin/invites/new$"))


def expired_form(page, site: Site) -> None:
    """Send the login form without its token (an expired page): 400."""
    post_navigation(page, "/login", {"login": "x", "password": "y"})


def upload_too_large(page, site: Site) -> None:
    """Send more than the largest request the site takes: 413."""
    post_navigation(page, "/submit", b"x" * (MAX_CONTENT_LENGTH + 1024))


def refused_vote(page, site: Site) -> None:
    """Vote on a work the curator declared a conflict with: 403."""
    token = csrf_token(page)
    post_navigation(
        page,
        f"/curate/works/{site.ids['conflicted']}/vote",
        {"csrf_token": token, "score": "3"},
    )


PAGES = [
    # The public site.
    Swept("home", VISITOR, "/"),
    Swept("work", VISITOR, "/works/{published}"),
    Swept("artist", VISITOR, "/artists/Maria%20K."),
    Swept("packs", VISITOR, "/packs"),
    Swept("pack", VISITOR, "/packs/{pack}"),
    Swept("call", VISITOR, "/call"),
    # The artist's side.
    Swept("submit", VISITOR, "/submit"),
    Swept("submit-errors", VISITOR, endpoint="submissions.submit", steps=submit_with_errors),
    Swept("receipt", VISITOR, endpoint="submissions.receipt", steps=receipt),
    Swept("claim", VISITOR, "/claim/{claim}"),
    Swept("claim-refused", VISITOR, endpoint="claim.show", steps=claim_refused),
    Swept("claim-deleted", VISITOR, endpoint="claim.delete", steps=claim_deleted),
    # Staff accounts.
    Swept("login", VISITOR, "/login"),
    Swept("invite", VISITOR, "/invite/{invite}"),
    Swept("account", STAFF, "/account"),
    # Curation.
    Swept("curate", STAFF, "/curate"),
    Swept("curate-filtered", STAFF, "/curate?status=new&unvoted=1&sort=newest"),
    Swept("curate-duplicates", STAFF, "/curate?duplicates=1&transparent=1"),
    Swept("curate-work", STAFF, "/curate/works/{judged}", scripted=True),
    Swept("curate-work-conflict", STAFF, "/curate/works/{conflicted}", scripted=True),
    Swept("curate-work-published", STAFF, "/curate/works/{published}", scripted=True),
    Swept("coverage", STAFF, "/curate/coverage"),
    Swept("ranking", STAFF, "/curate/ranking"),
    Swept("pairs", STAFF, "/curate/pairs?pool=judging", scripted=True),
    Swept("pairs-shortlist-empty", STAFF, "/curate/pairs?pool=shortlisted", scripted=True),
    Swept("pairs-ranking", STAFF, "/curate/pairs/ranking?pool=judging"),
    # Printing and packs.
    Swept("print", STAFF, "/print", scripted=True),
    Swept("singles", STAFF, "/print/singles"),
    Swept("exports", STAFF, "/print/exports", scripted=True),
    Swept("export-running", STAFF, "/print/exports/{running}", scripted=True),
    Swept("export-done", STAFF, "/print/exports/{done}", scripted=True),
    Swept("export-singles", STAFF, "/print/exports/{singles}", scripted=True),
    Swept("pack-new", STAFF, "/packs/new?export={unpacked}"),
    Swept("pack-staff", STAFF, "/packs/{pack}"),
    # Administration.
    Swept("admin-users", STAFF, "/admin/users"),
    Swept("admin-user", STAFF, "/admin/users/{other}"),
    Swept("admin-invite-created", STAFF, endpoint="admin.invite_created", steps=invite_created),
    Swept("admin-contacts", STAFF, "/admin/contacts"),
    Swept("admin-call", STAFF, "/admin/call"),
    # Error pages, each as a real request makes it (429 through the sweep's own route).
    Swept("error-400", VISITOR, endpoint="", steps=expired_form, status=400),
    Swept("error-403", STAFF, endpoint="", steps=refused_vote, status=403),
    Swept("error-404", VISITOR, "/no-such-page", status=404),
    Swept("error-404-refused", STAFF, "/print/exports/{running}/download", status=404),
    Swept("error-405", VISITOR, "/logout", status=405),
    Swept("error-409", STAFF, "/print/exports/{blocked}/download", status=409),
    Swept("error-410", STAFF, "/print/exports/{removed}/download", status=410),
    Swept("error-413", VISITOR, endpoint="", steps=upload_too_large, status=413),
    Swept("error-429", VISITOR, "/a11y-sweep/status/429", status=429),
]

# GET routes that answer no HTML page of their own, and why.
NOT_PAGES = {
    "static": "style sheets and scripts",
    "public.work_image": "an image",
    "public.set_language": "a redirect back to the page",
    "curation.image": "an image",
    "claim.image": "an image",
    "printing.work_image": "an image",
    "printing.preview": "a part of /print (swapped in by print.js), swept there",
    "printing.preview_svg": "an SVG sheet",
    "printing.export_status": "JSON",
    "printing.download_export": "a PDF (its refusals are swept as error pages)",
    "printing.download_credits": "a PDF",
    "packs.download": "a PDF",
    "packs.preview": "an image",
    "submissions.kept_preview": "an image",
    "curation.next_work": "a redirect to the next work",
    "admin.index": "a redirect to the users page",
    "feed.atom": "an Atom feed",
    "ops.healthz": "JSON",
    "a11y_errors.status_page": "the sweep's own error trigger",
    "a11y_errors.refused_page": "the sweep's own error trigger",
}
