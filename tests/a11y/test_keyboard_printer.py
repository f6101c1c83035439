"""A printer previews, makes and downloads an export with the keyboard alone (Russian pages)."""

from __future__ import annotations

from gallery.models import Licence, WorkState
from tests.a11y.keyboard import (
    assert_focus_shown,
    live_text,
    log_in_by_keyboard,
    tab_to,
    wait_for_new_announcement,
)
from tests.a11y.test_keyboard_curators import russian
from tests.factories import make_staff, series_png, store_work

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
