"""The call for works: an admin's text per language, a built-in default, safe rendering."""

from __future__ import annotations

import pytest

from gallery.extensions import db
from gallery.models import Page
from tests.conftest import csrf_token_in


def save_call(client, language: str, *, title: str = "", body: str = ""):
    """Send the admin's call-for-works form for ``language``."""
    path = f"/admin/call?language={language}"
    token = csrf_token_in(client.get(path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, "title": title, "body": body})


def visit(app, language: str) -> str:
    """Return the call page as a visitor reading in ``language`` sees it."""
    visitor = app.test_client()
    visitor.set_cookie("lang", language, domain="gallery.test")
    response = visitor.get("/call")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def admin(client, app, login_user_as):
    """The test client, logged in as an admin."""
    login_user_as(client, app, "admin")
    return client


def test_default_call_links_to_the_form(app):
    """Without an admin text the built-in call shows, with the way to submit."""
    html = visit(app, "en")
    assert "<h1>Call for works</h1>" in html
    assert "What to send" in html
    assert 'href="/submit"' in html


def test_admin_text_shows_in_its_language_and_the_other_falls_back(admin, app):
    """A Russian text is shown to Russian readers; English readers keep the default."""
    response = save_call(admin, "ru", title="Открытый призыв", body="Присылайте стикеры.")
    assert response.status_code == 303
    russian = visit(app, "ru")
    assert "<h1>Открытый призыв</h1>" in russian
    assert "<p>Присылайте стикеры.</p>" in russian
    assert 'href="/submit"' in russian
    english = visit(app, "en")
    assert "Открытый призыв" not in english
    assert "What to send" in english


def test_emptying_the_text_brings_back_the_default(admin, app):
    """Saving an empty text shows the built-in call again; one row per language is kept."""
    save_call(admin, "en", title="Ours", body="Our own words.")
    assert "Our own words." in visit(app, "en")
    save_call(admin, "en", title="Ours", body="")
    assert "What to send" in visit(app, "en")
    with app.app_context():
        assert len(db.session.scalars(db.select(Page)).all()) == 1


def test_admin_text_is_escaped_and_split_into_paragraphs(admin, app):
    """Plain text only: markup is escaped, blank lines make paragraphs, nothing is linked."""
    body = "First <script>alert(1)</script>\nsame paragraph\n\nSee https://evil.example now"
    save_call(admin, "en", title="<i>Call</i>", body=body)
    html = visit(app, "en")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<h1>&lt;i&gt;Call&lt;/i&gt;</h1>" in html
    assert "<br>\nsame paragraph</p>" in html
    assert "<p>See https://evil.example now</p>" in html
    assert 'href="https://evil.example' not in html


def test_only_admins_edit_the_call(client, app, login_user_as):
    """Visitors are sent to log in; curators and printers get 403."""
    response = client.get("/admin/call")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_user_as(client, app, "curator", "printer")
    assert client.get("/admin/call").status_code == 403


def test_unknown_language_is_404(admin):
    """Only the site's languages have a text."""
    assert admin.get("/admin/call?language=pl").status_code == 404


def test_every_language_gets_its_own_call_text(app, admin):
    """The editor offers each shipped language, and each visitor reads the text of theirs."""
    editor = admin.get("/admin/call").get_data(as_text=True)
    for language in app.config["LANGUAGES"]:
        assert f"language={language}" in editor, language
        response = save_call(admin, language, title=f"Call {language}", body=f"Body {language}.")
        assert response.status_code in (302, 303), language
    for language in app.config["LANGUAGES"]:
        page = visit(app, language)
        assert f"Call {language}" in page and f"Body {language}." in page
