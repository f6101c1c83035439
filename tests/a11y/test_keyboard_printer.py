"""A printer previews, makes and downloads an export with the keyboard alone (Russian pages)."""

from __future__ import annotations

from gallery.models import ExportState, Licence, WorkState
from tests.a11y.keyboard import (
    assert_focus_shown,
    live_text,
    log_in_by_keyboard,
    tab_to,
    wait_for_new_announcement,
)
from tests.a11y.test_keyboard_curators import russian
from tests.factories import make_export, make_staff, series_png, store_work

BLEED = "input[name='bleed_mm']"


def change_bleed(page, value: str) -> None:
    """Replace the bleed with ``value`` by typing, as a printer does."""
    page.keyboard.press("Control+A")
    page.keyboard.type(value)


def test_a_printer_makes_and_downloads_an_export_by_keyboard(page, live_app):
    """Preview by Enter (the preview takes focus); a changed option refreshes the preview in
    place with focus kept and the update said; a failed refresh is said assertively; Create
    PDF leads to the export, whose progress and end are said and whose download link takes
    focus when it is swapped in; Enter downloads the PDF."""
    for n in range(2):
        store_work(
            image=series_png(n),
            title=f"Работа {n}",
            licence=Licence.CC_BY,
            state=WorkState.PUBLISHED_SELECTED,
            app=live_app,
        )
    russian(page, live_app)
    log_in_by_keyboard(page, make_staff(live_app, "printer"))
    page.goto("/print")

    tab_to(page, "#print-choices > button[type='submit']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert assert_focus_shown(page, "the preview")["text"] == "Предпросмотр"
    assert page.locator("#print-preview svg image").count() == 2

    # A refresh that fails is an error: said at once (assertive), the old preview stays.
    page.route("**/print/preview?*", lambda route: route.abort())
    tab_to(page, BLEED, backwards=True)
    change_bleed(page, "2")
    said = wait_for_new_announcement(page, "", assertive=True)
    assert said.startswith("Не удалось обновить предпросмотр"), said
    page.unroute("**/print/preview?*")

    before = live_text(page)
    change_bleed(page, "1")
    assert wait_for_new_announcement(page, before) == "Предпросмотр обновлён."
    assert assert_focus_shown(page, "after the live preview")["name"] == "bleed_mm"

    tab_to(page, "form.print-start button[type='submit']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    state = assert_focus_shown(page, "the export page")
    assert state["where"] == "H1" and state["text"].startswith("Экспорт")
    followed = page.locator("progress[data-status-url]").count() == 1
    if followed:
        # Progress, then the end, each said anew; the download link then has focus.
        said = [wait_for_new_announcement(page, "")]
        while "готов" not in said[-1]:
            said.append(wait_for_new_announcement(page, said[-1]))
        assert all(text.startswith("Экспорт") for text in said), said
        page.wait_for_function("() => document.activeElement.matches('a.button')")
    else:  # made before the page was shown: nothing to follow, the link is reached by Tab
        tab_to(page, "a.button")
    state = assert_focus_shown(page, "the download link")
    assert state["text"] == "Скачать PDF", state
    with page.expect_download(timeout=120_000) as download:
        page.keyboard.press("Enter")
    assert download.value.path().read_bytes().startswith(b"%PDF")


def test_the_exports_list_swaps_in_a_finished_export_and_leaves_focus_where_it_is(page, live_app):
    """An export ending while the printer reads the list: its row is swapped in place (the
    page is not reloaded), its end is said, and focus stays on the link the printer is on;
    a printer whose focus is in that row is taken to its download link instead."""
    work = store_work(image=series_png(0), state=WorkState.PUBLISHED_SELECTED, app=live_app)
    others = make_export(works=[work], state=ExportState.RUNNING, progress=1, total=2, app=live_app)
    mine = make_export(works=[work], state=ExportState.RUNNING, progress=1, total=2, app=live_app)
    russian(page, live_app)
    log_in_by_keyboard(page, make_staff(live_app, "printer"))
    page.goto("/print/exports")
    page.evaluate("() => { window.stillTheSamePage = true; }")

    # Reading the top of the page when another export ends: focus and place stay.
    tab_to(page, "main a[href='/print']")
    finish(live_app, others.id)
    said = wait_for_new_announcement(page, "")
    while "готов" not in said:
        said = wait_for_new_announcement(page, said)
    assert said == f"Экспорт {others.id} готов, его можно скачать.", said
    page.wait_for_selector(f"#export-{others.id} a.button")
    assert page.evaluate("() => window.stillTheSamePage === true")
    state = assert_focus_shown(page, "the list after another export ended")
    assert state["text"] == "Новый экспорт", state

    # In the row of the export that ends: its download link takes focus.
    tab_to(page, f"#export-{mine.id} a[href='/print/exports/{mine.id}']")
    finish(live_app, mine.id)
    page.wait_for_function("() => document.activeElement.matches('a.button')")
    state = assert_focus_shown(page, "the download link of the row that ended")
    assert state["text"] == "Скачать PDF", state
    assert page.evaluate("() => window.stillTheSamePage === true")


def finish(app, export_id: int) -> None:
    """Mark a running export done with a stored PDF, as its job does when it ends."""
    from gallery.extensions import db
    from gallery.models import Export
    from gallery.storage.files import get_storage
    from tests.factories.files import pdf_bytes

    with app.app_context():
        export = db.session.get(Export, export_id)
        data = pdf_bytes(pages=2)
        export.pdf_key = f"exports/export-{export_id}.pdf"
        get_storage().write(export.pdf_key, data)
        export.pdf_size, export.sheets = len(data), 2
        export.progress = export.total = 2
        export.state = ExportState.DONE
        db.session.commit()
