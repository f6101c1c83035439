"""Curators, printers and visitors in a real browser, against the real server."""

from __future__ import annotations

import re

from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Licence, Vote, Work, WorkState
from gallery.submissions.images import store_upload
from gallery.submissions.operations import Credit, create_entry
from tests.conftest import image_bytes, make_staff
from tests.factories import set_state


def add_works(app, count: int, *, status: WorkState = WorkState.NEW) -> list[int]:
    """Create ``count`` one-work entries (distinct images) with every consent; return ids."""
    ids = []
    with app.app_context():
        for n in range(count):
            image = store_upload(
                image_bytes("PNG", (900, 900), colour=(40 + 50 * n, 200 - 30 * n, 90))
            )
            entry, _ = create_entry(
                credit=Credit(f"Художник {n}", "", True, True, False, Licence.CC_BY),
                contact="",
                wants_contact=False,
                note="",
                images=[(image, f"Work {n}")],
            )
            set_state(entry.works[0], status)
            db.session.commit()
            ids.append(entry.works[0].id)
    return ids


def log_in(page, staff) -> None:
    """Log in through the login form."""
    page.goto("/login")
    page.fill("input[name='login']", staff.login)
    page.fill("input[name='password']", staff.password)
    page.click("main button[type='submit']")
    page.wait_for_load_state()


def test_curator_votes_with_the_keyboard_and_selects_a_work(page, live_app):
    """Keys 1–5 vote and move on to the next work; a decider then selects one for print."""
    first, _second, third = add_works(live_app, 3)
    curator = make_staff(live_app, "curator", decider=True)
    log_in(page, curator)
    page.goto(f"/curate/works/{first}")
    with page.expect_navigation():
        page.keyboard.press("4")
    # "Score then advance": the next work to judge is another one.
    assert not page.url.endswith(f"/curate/works/{first}")
    with page.expect_navigation():
        page.keyboard.press("2")
    with live_app.app_context():
        votes = {(v.work_id, v.score) for v in db.session.scalars(select(Vote))}
    assert (first, 4) in votes and len(votes) == 2

    page.goto(f"/curate/works/{third}")
    page.keyboard.press("?")
    assert page.locator("#keys").get_attribute("open") is not None
    page.click("form[action*='/decide'] button[value='selected']")
    page.wait_for_load_state()
    with live_app.app_context():
        assert db.session.get(Work, third).state is WorkState.SELECTED
    assert "Decision log" in page.content()


def test_printer_previews_exports_and_downloads_then_a_visitor_gets_the_pack(
    page, browser, live_app
):
    """Preview at true size, export with a progress bar, download; publish; visitor downloads."""
    # Published on the site and selected for print: a pack of them may be public.
    add_works(live_app, 2, status=WorkState.PUBLISHED_SELECTED)
    printer = make_staff(live_app, "printer")
    log_in(page, printer)
    page.goto("/print")
    page.click("button:has-text('Preview')")
    page.wait_for_selector("svg image")
    assert page.locator("svg image").count() == 2
    page.click("button:has-text('Create PDF')")
    page.wait_for_url(re.compile(r"/print/exports/\d+$"))
    page.wait_for_selector("a:has-text('Download PDF')", timeout=120_000)
    with page.expect_download() as download_info:
        page.click("a:has-text('Download PDF')")
    pdf = download_info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")

    page.click("a:has-text('Publish as a sticker pack')")
    page.fill("input[name='title']", "Solidarity pack")
    page.click("main button:has-text('Publish')")
    page.wait_for_url(re.compile(r"/packs/\d+$"))
    pack_url = page.url

    with live_app.app_context():
        title = db.session.scalars(select(Work)).first().title
    visitor = browser.new_context(base_url=live_app.config["LIVE_URL"], accept_downloads=True)
    try:
        public = visitor.new_page()
        public.goto("/")
        assert title in public.content()
        public.goto(pack_url)
        assert "100" in public.content()  # "print at 100 %, no fit-to-page"
        with public.expect_download() as pack_download:
            public.click("a[href$='/download']")
        assert pack_download.value.path().read_bytes() == pdf
    finally:
        visitor.close()
