"""Curators, printers and visitors in a real browser, against the real server."""

from __future__ import annotations

import re

from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Licence, Vote, Work, WorkState
from tests.browser import export_and_download, log_in_page
from tests.factories import make_staff, series_png, store_work


def test_curator_votes_with_the_keyboard_and_selects_a_work(page, live_app):
    """Keys 1–5 vote and move on to the next work; a decider then selects one for print."""
    first, _second, third = (
        store_work(
            image=series_png(n),
            title=f"Work {n}",
            credit=f"Художник {n}",
            licence=Licence.CC_BY,
            app=live_app,
        ).id
        for n in range(3)
    )
    curator = make_staff(live_app, "curator", decider=True)
    log_in_page(page, curator)
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
    for n in range(2):
        store_work(
            image=series_png(n),
            title=f"Work {n}",
            credit=f"Художник {n}",
            licence=Licence.CC_BY,
            state=WorkState.PUBLISHED_SELECTED,
            app=live_app,
        )
    printer = make_staff(live_app, "printer")
    log_in_page(page, printer)
    page.goto("/print")
    pdf = export_and_download(page, stickers=2)
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
