"""Sticker packs: printers publish finished exports; anyone downloads them without an account."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest

from gallery.extensions import db
from gallery.models import ExportState, Pack, Work, WorkState
from gallery.storage.files import get_storage
from tests.conftest import csrf_token_in
from tests.factories import make_export, make_pack, make_work, set_state


def publish(client, export_id: int, **fields):
    """Send the "publish a pack" form for ``export_id`` as the logged-in client."""
    path = f"/packs/new?export={export_id}"
    token = csrf_token_in(client.get(path).get_data(as_text=True))
    data = {"csrf_token": token, "title": "Spring pack", "description": "", **fields}
    return client.post(path, data=data)


def press(client, pack_id: int, action: str):
    """Press a staff button (publish, unpublish, delete) on the pack page."""
    token = csrf_token_in(client.get(f"/packs/{pack_id}").get_data(as_text=True))
    return client.post(f"/packs/{pack_id}/{action}", data={"csrf_token": token})


@pytest.fixture
def printer(client, app, login_user_as):
    """The test client, logged in as a printer."""
    login_user_as(client, app, "printer")
    return client


def all_packs(app) -> list[SimpleNamespace]:
    """Return every pack in the database as plain values."""
    with app.app_context():
        return [
            SimpleNamespace(**{c.key: getattr(p, c.key) for c in Pack.__table__.columns})
            for p in db.session.scalars(db.select(Pack))
        ]


def only_pack(app) -> SimpleNamespace:
    """Return the single pack in the database."""
    packs = all_packs(app)
    assert len(packs) == 1
    return packs[0]


def test_printer_publishes_a_finished_export_and_anyone_downloads_it(printer, app):
    """The pack page shows paper, sheets and the print instruction; the PDF downloads."""
    export = make_export(sheets=2, app=app)
    response = publish(
        printer, export.id, title="Spring <pack>", description="For walls.\n\nAnd lamp posts."
    )
    assert response.status_code == 303
    pack = only_pack(app)
    assert pack.published and pack.published_at is not None
    assert (pack.page_width_mm, pack.page_height_mm) == (210.0, 297.0)
    printer.post(
        "/logout", data={"csrf_token": csrf_token_in(printer.get("/").get_data(as_text=True))}
    )

    anonymous = app.test_client()
    html = anonymous.get(f"/packs/{pack.id}").get_data(as_text=True)
    assert "Spring &lt;pack&gt;" in html
    assert "<p>For walls.</p>" in html and "<p>And lamp posts.</p>" in html
    assert "A4 (210 × 297 mm)" in html
    assert "Avery L7160" in html
    assert "2 sheets" in html
    assert "Print at 100 %, no fit-to-page." in html
    assert "Spring &lt;pack&gt;" in anonymous.get("/packs").get_data(as_text=True)

    download = anonymous.get(f"/packs/{pack.id}/download")
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.data.startswith(b"%PDF")


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pack_page_shows_a_preview_of_the_first_sheet(printer, app):
    """Publishing renders sheet 1 once; the preview is served as WebP."""
    publish(printer, make_export(app=app).id)
    pack = only_pack(app)
    assert pack.preview_key
    with app.app_context():
        assert get_storage().exists(pack.preview_key)
    html = printer.get(f"/packs/{pack.id}").get_data(as_text=True)
    assert f'src="/packs/{pack.id}/preview.webp"' in html
    preview = app.test_client().get(f"/packs/{pack.id}/preview.webp")
    assert preview.status_code == 200 and preview.mimetype == "image/webp"
    assert preview.data[:4] == b"RIFF"


def test_without_pdftoppm_the_pack_is_published_without_preview(printer, app, monkeypatch):
    """No renderer on the server: the pack still works, with no picture and a note to staff."""
    monkeypatch.setattr("gallery.packs.operations.shutil.which", lambda name: None)
    response = publish(printer, make_export(app=app).id)
    pack = only_pack(app)
    assert pack.published and pack.preview_key is None
    page = printer.get(response.headers["Location"]).get_data(as_text=True)
    assert "no preview could be made" in page
    assert "preview.webp" not in page
    assert printer.get(f"/packs/{pack.id}/preview.webp").status_code == 404


def test_unpublished_pack_is_404_for_the_public(printer, app):
    """A hidden pack: page, preview and download all 404 for visitors; staff still see it."""
    publish(printer, make_export(app=app).id)
    pack = only_pack(app)
    assert press(printer, pack.id, "unpublish").status_code == 303
    anonymous = app.test_client()
    for path in (
        f"/packs/{pack.id}",
        f"/packs/{pack.id}/download",
        f"/packs/{pack.id}/preview.webp",
    ):
        assert anonymous.get(path).status_code == 404, path
    assert "Spring pack" not in anonymous.get("/packs").get_data(as_text=True)
    assert "Spring pack" not in anonymous.get("/feed.atom").get_data(as_text=True)
    assert printer.get(f"/packs/{pack.id}").status_code == 200
    assert press(printer, pack.id, "publish").status_code == 303
    assert anonymous.get(f"/packs/{pack.id}/download").status_code == 200


def test_deleting_a_pack_keeps_the_export(printer, app):
    """Delete removes the pack and its preview; the printers' export and PDF stay."""
    export = make_export(app=app)
    publish(printer, export.id)
    pack = only_pack(app)
    pack_id, preview_key = pack.id, pack.preview_key
    assert press(printer, pack_id, "delete").status_code == 303
    assert all_packs(app) == []
    with app.app_context():
        assert get_storage().exists(export.pdf_key)
        assert not preview_key or not get_storage().exists(preview_key)
    assert app.test_client().get(f"/packs/{pack_id}/download").status_code == 404


@pytest.mark.parametrize(
    ("state", "with_pdf"),
    [
        (ExportState.QUEUED, False),
        (ExportState.RUNNING, False),
        (ExportState.FAILED, False),
        (ExportState.DONE, False),
    ],
)
def test_only_finished_exports_with_a_pdf_become_packs(printer, app, state, with_pdf):
    """An export still running, failed, or without its PDF cannot be published."""
    export = make_export(state=state, with_pdf=with_pdf, app=app)
    assert printer.get(f"/packs/new?export={export.id}").status_code == 404
    assert printer.get("/packs/new").status_code == 404


def test_an_export_becomes_one_pack_only(printer, app):
    """Publishing the same export again leads to the existing pack."""
    export = make_export(app=app)
    publish(printer, export.id)
    again = printer.get(f"/packs/new?export={export.id}")
    assert again.status_code == 303
    assert again.headers["Location"].endswith(f"/packs/{only_pack(app).id}")


def test_a_pack_needs_a_title(printer, app):
    """The form comes back when the title is empty."""
    response = publish(printer, make_export(app=app).id, title="")
    assert response.status_code == 200
    assert all_packs(app) == []


def test_visitors_and_curators_cannot_publish_or_remove_packs(client, app, login_user_as):
    """Anonymous visitors are sent to log in; a curator gets 403."""
    export = make_export(app=app)
    response = client.get(f"/packs/new?export={export.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_user_as(client, app, "curator")
    assert client.get(f"/packs/new?export={export.id}").status_code == 403
    token = csrf_token_in(client.get("/").get_data(as_text=True))
    assert client.post("/packs/1/delete", data={"csrf_token": token}).status_code == 403


def test_admin_may_publish_packs(client, app, login_user_as):
    """Admins hold every staff right, packs included."""
    login_user_as(client, app, "admin")
    assert publish(client, make_export(app=app).id).status_code == 303


def _revoke_print_consent(app, work_id: int) -> None:
    """Do what the artist's claim link does when they untick "you may print my works"."""
    with app.app_context():
        db.session.get(Work, work_id).entry.consent_print = False
        db.session.commit()


def test_a_pack_leaves_the_public_site_when_an_artist_revokes_print_consent(printer, app):
    """List, page, download and feed drop it at once; staff see why and cannot republish it."""
    kept, revoked = (
        make_work(state=WorkState.PUBLISHED, files=True, app=app),
        make_work(state=WorkState.PUBLISHED, files=True, app=app),
    )
    export = make_export(works=(kept.id, revoked.id), app=app)
    assert publish(printer, export.id).status_code == 303
    pack = only_pack(app)
    anonymous = app.test_client()
    assert anonymous.get(f"/packs/{pack.id}/download").status_code == 200

    _revoke_print_consent(app, revoked.id)

    assert anonymous.get(f"/packs/{pack.id}").status_code == 404
    assert anonymous.get(f"/packs/{pack.id}/download").status_code == 404
    assert "Spring pack" not in anonymous.get("/packs").get_data(as_text=True)
    assert "Spring pack" not in anonymous.get("/feed.atom").get_data(as_text=True)
    staff_list = printer.get("/packs").get_data(as_text=True)
    assert f"work {revoked.id} is not published on the site" in staff_list
    assert press(printer, pack.id, "unpublish").status_code == 303
    refused = press(printer, pack.id, "publish")
    assert refused.status_code == 409
    assert f"work {revoked.id} is not published on the site" in refused.get_data(as_text=True)
    assert not only_pack(app).published


def test_an_export_holding_a_withdrawn_work_cannot_become_a_pack(printer, app):
    """The publish form refuses with the work's number and stores nothing."""
    work = make_work(state=WorkState.PUBLISHED, files=True, app=app)
    export = make_export(works=(work.id,), app=app)
    with app.app_context():
        set_state(db.session.get(Work, work.id), "withdrawn")
        db.session.commit()
    response = publish(printer, export.id)
    assert response.status_code == 409
    assert f"work {work.id} is not published on the site" in response.get_data(as_text=True)
    assert all_packs(app) == []


@pytest.mark.parametrize(
    ("state", "consent"),
    [
        (WorkState.NEW, False),
        (WorkState.NEW, True),
        (WorkState.SELECTED, True),
        (WorkState.DECLINED, True),
        (WorkState.SHORTLISTED, True),
        (WorkState.PUBLISHED, False),
    ],
    ids=[
        "unconsented-undecided",
        "undecided",
        "selected-only",
        "declined",
        "shortlisted",
        "published-without-consent",
    ],
)
def test_a_printer_alone_cannot_make_an_unpublished_work_public(printer, app, state, consent):
    """A work with print consent goes into an export, but a pack of it is refused unless the
    artist consented to publication and a curator published it: no page, download, preview or
    feed entry, even for a pack published earlier."""
    work = make_work(
        state=state, consent_publish=consent, title="Not for the public", files=True, app=app
    )
    export = make_export(works=(work.id,), app=app)
    response = publish(printer, export.id)
    assert response.status_code == 409
    assert f"work {work.id} is not published on the site" in response.get_data(as_text=True)
    assert all_packs(app) == []
    # A pack made earlier, when the work was still public, is hidden by the same rule.
    pack_id = make_pack(export=export, title="Old pack", app=app).id
    anonymous = app.test_client()
    for path in (
        f"/packs/{pack_id}",
        f"/packs/{pack_id}/download",
        f"/packs/{pack_id}/preview.webp",
    ):
        assert anonymous.get(path).status_code == 404, path
    assert "Old pack" not in anonymous.get("/packs").get_data(as_text=True)
    assert "Old pack" not in anonymous.get("/feed.atom").get_data(as_text=True)
