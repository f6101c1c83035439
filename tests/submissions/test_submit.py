"""The public submission form, seen from the artist's browser."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import func, select

from gallery.extensions import db
from gallery.models import Entry, Work, WorkStatus
from gallery.storage.files import get_storage


def stored_files(app) -> list[str]:
    """Return every key in the app's file store."""
    with app.app_context():
        return list(get_storage().keys())


def count(app, model) -> int:
    """Return how many rows ``model`` has."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_form_needs_no_account_and_asks_each_consent_separately(client):
    """The form is public and has three separate consent boxes and a licence choice."""
    html = client.get("/submit").get_data(as_text=True)
    assert 'name="consent_publish"' in html
    assert 'name="consent_print"' in html
    assert 'name="consent_social"' in html
    assert 'name="licence"' in html and "CC BY 4.0" in html
    assert 'name="website"' in html  # honeypot present, hidden by CSS


def test_head_answers_like_get(app, client):
    """HEAD /submit gets the form's status and headers without a body, and sends nothing."""
    get = client.get("/submit")
    head = client.head("/submit")
    assert head.status_code == get.status_code == 200
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.get_data() == b""
    assert count(app, Entry) == 0


def test_submitting_two_images_creates_one_entry_and_a_claim_link(app, artist, make_image):
    """Two images sharing one credit become one entry with two works, titles kept in order."""
    response = artist.submit(
        [(make_image("JPEG", (900, 600)), "a.jpg", "First"), (make_image("PNG"), "b.png", "Второй")]
    )
    assert response.status_code == 303
    claim = artist.claim_url(response)
    assert claim.startswith("/claim/")
    with app.app_context():
        entry = db.session.scalars(select(Entry)).one()
        assert entry.credit == "Maria K."
        assert [w.title for w in entry.works] == ["First", "Второй"]
        assert entry.works[0].width == 900 and entry.works[0].status == WorkStatus.NEW
        # Only the hash of the token is stored.
        assert claim.rsplit("/", 1)[-1] not in entry.claim_hash
    # Master plus derivatives per work are on disk.
    assert len([k for k in stored_files(app) if k.endswith((".jpg", ".png"))]) == 2


def test_receipt_is_shown_only_once(artist, client, make_image):
    """The claim token is shown once; reloading the receipt no longer shows it."""
    response = artist.submit([(make_image(), "a.png")])
    artist.claim_url(response)
    again = client.get("/submit/receipt")
    assert again.status_code == 302 and "/claim/" not in again.get_data(as_text=True)


def test_title_is_never_taken_from_the_file_name(app, artist, make_image):
    """An image without a title stays untitled, whatever its file name says."""
    artist.submit([(make_image(), "my-secret-name.png")])
    with app.app_context():
        assert db.session.scalars(select(Work)).one().title == ""


def test_refused_image_is_named_and_the_others_are_kept(app, artist, make_image):
    """One bad file: the form comes back naming it; the good image need not be uploaded again."""
    response = artist.submit(
        [
            (make_image(), "good.png", "Good"),
            (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "bad.svg"),
        ],
        credit="Ana",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Image 2" in html and "bad.svg" in html and "SVG" in html
    assert 'value="Ana"' in html and 'value="Good"' in html
    assert count(app, Work) == 0
    # Send again without re-choosing the good file: its kept token brings it back.
    from tests.submissions.conftest import hidden_value

    kept = hidden_value(html, "images-0-pending")
    tokens = {
        "csrf_token": hidden_value(html, "csrf_token"),
        "started": hidden_value(html, "started"),
    }
    again = artist.submit([], tokens=tokens, **{"images-0-pending": kept, "images-0-title": "Good"})
    assert again.status_code == 303
    with app.app_context():
        assert [w.title for w in db.session.scalars(select(Work))] == ["Good"]


def test_heic_gets_advice_on_exporting_a_jpeg(artist):
    """An iPhone HEIC photo is refused with a way out."""
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    html = artist.submit([(heic, "IMG_0001.HEIC")]).get_data(as_text=True)
    assert "HEIC" in html and "JPEG" in html and "Most Compatible" in html


def test_a_big_png_is_also_stored_reduced_for_print_and_owned_by_its_work(app, artist):
    """Exports read the intake's reduced copy; it belongs to the work like its other files."""
    image = Image.new("RGBA", (4900, 90), (20, 120, 60, 255))
    image.putpixel((3, 3), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    response = artist.submit([(buffer.getvalue(), "wide.png", "Wide")])
    assert response.status_code == 303
    with app.app_context():
        work = db.session.scalars(select(Work)).one()
        assert work.print_factor == 3
        assert work.print_source_key in work.file_keys()
        assert sorted(stored_files(app)) == sorted(work.file_keys())
        printable = Image.open(io.BytesIO(get_storage().read(work.print_source_key)))
        assert printable.size == (1634, 30)


def test_gps_and_comments_never_reach_the_stored_master(app, artist):
    """EXIF (with GPS) and comments are stripped from what is stored."""
    image = Image.new("RGB", (500, 400), (10, 120, 200))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (55.0, 45.0, 0.0)}  # GPS IFD
    exif[0x010F] = "SecretCam"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"made at home, street 5")
    assert artist.submit([(buffer.getvalue(), "gps.jpg")]).status_code == 303
    with app.app_context():
        work = db.session.scalars(select(Work)).one()
        data = get_storage().read(work.master_key)
    assert b"SecretCam" not in data and b"street 5" not in data and b"gps.jpg" not in data
    assert not Image.open(io.BytesIO(data)).getexif()


def test_credit_or_anonymous_is_required(app, artist, make_image):
    """An empty credit without the anonymous box is refused; with it, the entry is anonymous."""
    refused = artist.submit([(make_image(), "a.png")], credit="")
    assert refused.status_code == 422 and "anonymous" in refused.get_data(as_text=True)
    accepted = artist.submit([(make_image(), "a.png")], credit="Someone", anonymous="y")
    assert accepted.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Entry)).one().is_anonymous


def test_at_least_one_image_and_one_use_are_required(artist, make_image):
    """An entry without images, or without permission to publish or print, is refused."""
    assert "at least one image" in artist.submit([]).get_data(as_text=True)
    response = artist.submit([(make_image(), "a.png")], consent_publish="", consent_print="")
    assert response.status_code == 422
    assert "printing as stickers" in response.get_data(as_text=True)


def test_only_web_links_are_accepted_as_credit_link(artist, make_image):
    """A javascript: link is refused with a clear message."""
    response = artist.submit([(make_image(), "a.png")], credit_url="javascript:alert(1)")
    assert response.status_code == 422
    assert "https://" in response.get_data(as_text=True)


def test_the_same_image_twice_in_one_entry_is_refused(app, artist, make_image):
    """Exact duplicates within one entry are caught by content hash."""
    data = make_image()
    response = artist.submit([(data, "a.png"), (data, "b.png")])
    assert response.status_code == 422
    assert "same image as image 1" in response.get_data(as_text=True)


def test_hostile_file_names_are_shown_escaped_and_never_stored(app, artist):
    """A file name with HTML in it appears only escaped in the error, nowhere on disk."""
    name = "<img src=x onerror=alert(1)>.png"
    html = artist.submit([(b"<html>hi</html>", name)]).get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x" in html
    assert not any("img" in key for key in stored_files(app))


def test_bidi_overrides_are_removed_from_credits(app, artist, make_image):
    """A credit cannot use right-to-left overrides to disguise itself."""
    artist.submit([(make_image(), "a.png")], credit="\u202eevil\u202c Name")
    with app.app_context():
        assert db.session.scalars(select(Entry)).one().credit == "evil Name"


def test_honeypot_refuses_and_stores_nothing(app, artist, make_image):
    """A filled honeypot is refused with 400 and nothing is stored."""
    response = artist.submit([(make_image(), "a.png")], website="http://spam.example")
    assert response.status_code == 400
    assert count(app, Entry) == 0 and stored_files(app) == []


def test_a_form_sent_too_quickly_is_refused_but_keeps_the_input(app, artist, make_image):
    """The time trap refuses a form sent within the minimum time, keeping what was typed."""
    app.config["SUBMIT_MIN_SECONDS"] = 60
    response = artist.submit([(make_image(), "a.png", "Kept title")], credit="Quick")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "too quickly" in html
    assert 'value="Quick"' in html and count(app, Entry) == 0


def test_a_forged_time_token_is_refused(app, artist, make_image):
    """A time token not signed by the app is refused."""
    tokens = artist.form_tokens()
    tokens["started"] = "1.0.forged"
    response = artist.submit([(make_image(), "a.png")], tokens=tokens)
    assert response.status_code == 422 and count(app, Entry) == 0


def test_posting_without_csrf_token_is_refused(app, client, make_image):
    """Every POST needs the CSRF token."""
    response = client.post("/submit", data={"credit": "x"})
    assert response.status_code == 400 and count(app, Entry) == 0


def test_rate_limit_per_client(app, make_image):
    """Past the operator's limit, the form answers 429 with an explanation."""
    from gallery import create_app
    from tests.submissions.conftest import Artist

    limited = create_app(
        {**app.config, "RATELIMIT_ENABLED": True, "SUBMIT_RATE_LIMIT": "2 per hour"}
    )
    artist = Artist(limited.test_client())
    responses = [artist.submit([]) for _ in range(3)]
    assert [r.status_code for r in responses] == [422, 422, 429]
    assert "Too many attempts" in responses[2].get_data(as_text=True)


def test_request_too_large_is_a_clear_413(app, client):
    """A request over MAX_CONTENT_LENGTH is refused with an explanation."""
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/submit", data={"x": "y" * 5000})
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)


def test_the_operator_can_lower_the_images_per_entry(app, client):
    """With MAX_IMAGES_PER_ENTRY=2 the form offers two image slots and says so."""
    app.config["MAX_IMAGES_PER_ENTRY"] = 2
    html = client.get("/submit").get_data(as_text=True)
    assert html.count('type="file"') == 2
    assert "Send 1 to 2 images" in html
