"""Every form's errors are tied to their fields, the first takes focus, a summary links them;
a refused image's message names the image. Read from the HTML, as assistive technology does."""

from __future__ import annotations

import lxml.html
import pytest

from gallery.accounts.operations import create_invite
from gallery.extensions import db
from gallery.models import WorkState
from tests.a11y.test_keyboard_artist import HEIC
from tests.conftest import csrf_token_in, log_in_as
from tests.factories import make_entry, make_export, make_vote, make_work, series_png
from tests.submissions.conftest import Artist

PASSWORD = "a long enough password 1"


def first_error(html: str, field_id: str, *, summary: bool = True) -> str:
    """Assert ``field_id`` is the page's only autofocus, is marked invalid, is described by its
    error messages and (``summary``) is linked from the error summary; return their text."""
    page = lxml.html.fromstring(html)
    field = page.get_element_by_id(field_id)
    assert field.get("aria-invalid") == "true", lxml.html.tostring(field)
    described = [page.get_element_by_id(i) for i in field.get("aria-describedby", "").split()]
    errors = [e for e in described if "error" in (e.get("class") or "")]
    assert errors, f"{field_id} names no error in aria-describedby"
    assert [e.get("id") for e in page.xpath("//*[@autofocus]")] == [field_id]
    if summary:
        links = page.xpath("//*[contains(@class, 'error-summary')]//a/@href")
        assert f"#{field_id}" in links, links
    return " ".join(e.text_content() for e in errors)


def post_form(client, path: str, data: dict, *, page: str | None = None):
    """POST ``data`` to ``path`` with the CSRF token of the form shown at ``page``."""
    token = csrf_token_in(client.get(page or path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **data})


def test_login_errors_are_tied_to_their_fields(app, client):
    """Empty: the login field takes focus (only it); a wrong password: the password field."""
    empty = post_form(client, "/login", {"login": "", "password": ""})
    assert "This field is required" in first_error(empty.get_data(as_text=True), "login")
    wrong = post_form(client, "/login", {"login": "nobody", "password": "wrong password"})
    assert "not right" in first_error(wrong.get_data(as_text=True), "password")


@pytest.mark.parametrize(
    ("content", "name", "said"),
    [
        (HEIC, "holiday.heic", "HEIC"),
        (b"just some words", "notes.txt", "not an image"),
        (series_png(1), "copy.png", "same image as image 1"),
    ],
)
def test_a_refused_image_is_named_focused_and_described(client, content, name, said):
    """The second image is refused: its file input takes focus and is described by a message
    that names the file; the summary links to it."""
    response = Artist(client).submit([(series_png(1), "first.png"), (content, name)])
    assert response.status_code == 422
    message = first_error(response.get_data(as_text=True), "images-1-file")
    assert name in message and said in message


def test_a_form_problem_without_a_field_focuses_the_summary(client):
    """No image at all: the summary takes focus and leads to the first file input."""
    response = Artist(client).submit([])
    page = lxml.html.fromstring(response.get_data(as_text=True))
    assert [e.get("class") for e in page.xpath("//*[@autofocus]")] == ["problems error-summary"]
    assert page.xpath("//*[contains(@class, 'error-summary')]//a/@href") == ["#images-0-file"]


def test_text_fields_of_the_artist_forms(app, client):
    """The submission form and the claim page tie a too long credit to its field."""
    response = Artist(client).submit([(series_png(1), "first.png")], credit="x" * 200)
    assert first_error(response.get_data(as_text=True), "credit")
    entry = make_entry(app=app, claim_token="claim-token-for-a11y")
    claim = f"/claim/{'claim-token-for-a11y'}"
    data = {"credit": "y" * 200, "licence": "campaign", "titles-0": entry.works[0].title}
    response = post_form(client, claim, data)
    assert first_error(response.get_data(as_text=True), "credit")


def test_staff_forms_tie_their_errors(app, client):
    """Account password, invitation, roles, the call, a comment, a pack, print and singles."""
    admin = log_in_as(client, app, "admin", "curator", "printer")
    cases = [
        (
            "/account/password",
            {"current": "wrong", "new_password": PASSWORD, "confirm": PASSWORD},
            "/account",
            "current",
        ),
        ("/admin/invites", {}, "/admin/users", "roles-0"),
        (f"/admin/users/{admin.id}/roles", {}, f"/admin/users/{admin.id}", "roles-0"),
        ("/admin/call?language=en", {"title": "t" * 300, "body": "b"}, None, "title"),
    ]
    for path, data, page, field_id in cases:
        response = post_form(client, path, data, page=page)
        assert response.status_code != 303, path  # shown again with its errors
        assert first_error(response.get_data(as_text=True), field_id), path
    export = make_export(works=[make_work(app=app, state=WorkState.PUBLISHED_SELECTED)], app=app)
    pack = f"/packs/new?export={export.id}"
    response = post_form(client, pack, {"title": "", "description": ""})
    assert first_error(response.get_data(as_text=True), "title")
    # The work page has many small forms and no summary: the comment box itself takes focus.
    work = make_work(app=app)
    make_vote(user=admin.id, work=work, app=app)
    page = f"/curate/works/{work.id}"
    response = post_form(client, f"{page}/comments", {"body": " "}, page=page)
    assert "write something" in first_error(response.get_data(as_text=True), "body", summary=False)
    for path, field_id in (
        ("/print?defaults_for=avery-l7160&layout=avery-l7160&start_at=0", "start_at"),
        ("/print/singles?defaults_for=generic-die-cut&preset=generic-die-cut&size_mm=1", "size_mm"),
    ):
        assert first_error(client.get(path).get_data(as_text=True), field_id), path


def test_an_invitation_with_differing_passwords(app, client):
    """The confirmation field takes focus with its error."""
    with app.app_context():
        _invite, token = create_invite(by=None, roles=["printer"], decider=False, hours=1)
        db.session.commit()
    data = {"login": "newcomer", "new_password": PASSWORD, "confirm": "other"}
    response = post_form(client, f"/invite/{token}", data)
    assert "differ" in first_error(response.get_data(as_text=True), "confirm")


def test_a_vote_refused_is_said_as_an_alert_that_takes_focus(app, client):
    """A score out of range comes back as an error message (role alert) with focus."""
    log_in_as(client, app, "curator")
    work = make_work(app=app)
    response = post_form(
        client, f"/curate/works/{work.id}/vote", {"score": "9"}, page=f"/curate/works/{work.id}"
    )
    page = lxml.html.fromstring(client.get(response.headers["Location"]).get_data(as_text=True))
    focused = page.xpath("//*[@autofocus]")
    assert [(e.get("class"), e.get("role")) for e in focused] == [("flash error", "alert")]
