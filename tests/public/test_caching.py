"""Anonymous public pages and images may be kept by any cache, briefly; nothing personal may."""

from __future__ import annotations

import pytest

from gallery.models import WorkState
from gallery.storage.files import get_storage
from tests.conftest import csrf_token_in
from tests.factories import make_export, make_pack, make_work, webp_bytes

PUBLIC = "public, max-age=300"


@pytest.fixture
def public(app):
    """A published work (with an artist page) and a published pack with a preview; their URLs."""
    work = make_work(state=WorkState.PUBLISHED, credit="Maria K.", files=True, app=app)
    with app.app_context():
        get_storage().write("packs/cachetest-preview.webp", webp_bytes())
    pack = make_pack(
        export=make_export(app=app), preview_key="packs/cachetest-preview.webp", app=app
    )
    return {
        "pages": [
            "/",
            f"/works/{work.id}",
            "/artists/Maria%20K.",
            "/call",
            "/packs",
            f"/packs/{pack.id}",
            "/feed.atom",
        ],
        "files": [
            f"/works/{work.id}/{work.widths[0]}.webp",
            f"/packs/{pack.id}/preview.webp",
            f"/packs/{pack.id}/download",
        ],
    }


def test_anonymous_public_pages_and_files_are_cacheable_by_anyone_for_five_minutes(app, public):
    """Pages vary with the language choice; images and PDFs are the same for everyone."""
    visitor = app.test_client()
    for path in public["pages"]:
        response = visitor.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == PUBLIC, path
        assert {"Cookie", "Accept-Language"} <= set(response.vary), path
    for path in public["files"]:
        response = visitor.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == PUBLIC, path
        assert "Accept-Language" not in response.vary, path


def test_a_visitor_who_chose_a_language_still_gets_cacheable_pages(app, public):
    """The language cookie is not personal: the cache keeps one copy per language."""
    visitor = app.test_client()
    visitor.set_cookie("lang", "ru", domain="gallery.test")
    response = visitor.get("/")
    assert response.headers["Cache-Control"] == PUBLIC
    assert "Cookie" in response.vary


@pytest.mark.parametrize(("seconds", "header"), [(120, "public, max-age=120"), (3600, None)])
def test_the_setting_sets_the_time_and_ten_minutes_is_the_most(app, public, seconds, header):
    """GALLERY_PUBLIC_CACHE_SECONDS chooses the time; more than 600 is lowered to 600."""
    app.config["PUBLIC_CACHE_SECONDS"] = seconds
    response = app.test_client().get(public["pages"][1])
    assert response.headers["Cache-Control"] == (header or "public, max-age=600")


def test_zero_turns_shared_caching_off(app, public):
    """With 0 no answer is public."""
    app.config["PUBLIC_CACHE_SECONDS"] = 0
    visitor = app.test_client()
    for path in public["pages"] + public["files"]:
        assert "public" not in visitor.get(path).headers.get("Cache-Control", ""), path


def test_staff_never_get_a_public_answer(app, client, public, login_user_as):
    """Logged in, the same pages and images are private (a printer's /packs lists hidden
    packs)."""
    login_user_as(client, app, "printer")
    for path in public["pages"] + public["files"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"].startswith("private"), path


def test_artist_pages_forms_errors_and_cookies_are_never_public(app, public):
    """The submit form (a session), a claim link, a 404, a language switch: none is public."""
    visitor = app.test_client()
    submit = visitor.get("/submit")
    assert "public" not in submit.headers.get("Cache-Control", "")
    claim = app.test_client().get("/claim/not-a-real-token")
    assert "public" not in claim.headers.get("Cache-Control", "")
    missing = app.test_client().get("/works/999999")
    assert missing.status_code == 404
    assert "public" not in missing.headers.get("Cache-Control", "")
    switch = app.test_client().get("/language/ru?next=/")
    assert "public" not in switch.headers.get("Cache-Control", "")


def test_a_page_showing_a_message_for_one_person_is_private(app, client, public, login_user_as):
    """Right after logging out, the home page says so: that page is for this visitor only."""
    login_user_as(client, app, "curator")
    token = csrf_token_in(client.get("/account").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    response = client.get("/")
    assert "You are logged out." in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "private"
