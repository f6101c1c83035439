"""An artist submits through the real form in a real browser."""

from __future__ import annotations

from tests.browser import send_submission
from tests.factories import image_bytes


def test_artist_submits_two_images_and_follows_the_claim_link(page, tmp_path):
    """Two files, a credit and consents → receipt with a private link → the entry page."""
    first = tmp_path / "poster.jpg"
    second = tmp_path / "sticker.png"
    first.write_bytes(image_bytes("JPEG", (800, 600)))
    second.write_bytes(image_bytes("PNG", (500, 500), colour=(20, 160, 90)))

    send_submission(page, [first, second], credit="Маша К.", titles=["Солидарность"])
    claim_url = page.input_value("input[readonly]")
    assert "/claim/" in claim_url
    page.goto(claim_url)
    assert page.locator(".claim-works li").count() == 2
    assert "Солидарность" in page.content()
    # Previews are real images the browser could decode (once it has loaded them).
    # A function, not an expression: Playwright evals a bare expression, which the CSP forbids.
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.claim-works img')).every(i => i.complete)"
    )
    widths = page.eval_on_selector_all(
        ".claim-works img", "imgs => imgs.map(i => i.complete && i.naturalWidth)"
    )
    assert all(w and w > 0 for w in widths)
