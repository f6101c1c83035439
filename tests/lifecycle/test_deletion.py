"""Delete means gone: every file made from a work goes with it, by whichever path it is deleted.

A gallery is set up holding every kind of artifact: master, print source and WebP previews
(intake), print rasters, an export PDF holding the work and another work, a sticker pack of
that export with its preview, and a second export and pack without the work. After the work
is deleted, no stored file holds its pixels or its credit, and the other work's files stay.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from gallery.curation.duplicates import merge_works
from gallery.curation.operations import remove_entry, remove_work
from gallery.extensions import db
from gallery.models import Deletion, DeletionReason, Entry, Export, ExportState, Licence, Work
from gallery.ops.retention import apply_retention
from gallery.storage import keys as filekeys
from tests.conftest import csrf_token_in
from tests.factories import set_state, store_pack, store_work
from tests.lifecycle.conftest import (
    big_png,
    export_singles,
    export_works,
    files_holding,
    folder_holding,
    packs,
    stored_keys,
)
from tests.public.mirror.conftest import run_mirror

RED, BLUE = (201, 17, 99), (10, 90, 220)
RED_CREDIT = "Redacted Artist"
RED_TITLE = "Red Title Only Its Artist Knows"
# The red work's private claim link (the artist's own way to delete it).
RED_CLAIM = "claim-token-of-the-red-work"
EVERYWHERE = "published+selected"


@pytest.fixture
def gallery(app, runner, tmp_path):
    """Two artists' works, exports and packs; the red one is to be deleted."""
    red = store_work(
        image=big_png(RED),
        credit=RED_CREDIT,
        licence=Licence.CC_BY,
        claim_token=RED_CLAIM,
        state=EVERYWHERE,
        app=app,
    )
    blue = store_work(
        image=big_png(BLUE), credit="Blue Keeper", licence=Licence.CC_BY, state=EVERYWHERE, app=app
    )
    blue_keys_before = stored_keys(app)
    shared = export_works(app, runner, tmp_path, red.id, blue.id)
    alone = export_works(app, runner, tmp_path, blue.id)
    singles = export_singles(app, runner, tmp_path, red.id, blue.id)
    shared_pack = store_pack(export=shared, title="Both of them", app=app)
    alone_pack = store_pack(export=alone, title="Blue only", app=app)
    assert shared_pack.preview_key and alone_pack.preview_key, "pdftoppm makes the pack preview"
    everything = stored_keys(app)
    with app.app_context():
        red_work = db.session.get(Work, red.id)
        red_keys = {k for k in everything if red_work.file_token in k}
        kinds = {
            "intake": set(red_work.file_keys()),
            "print source": {red_work.print_source_key},
            "print rasters": {
                k
                for k in everything
                if k.startswith(filekeys.print_cache_prefix(red.id, red_work.file_token))
            },
            "export PDF": {db.session.get(Export, shared).pdf_key},
            "singles PDF": {db.session.get(Export, singles).pdf_key},
            "credits file": {db.session.get(Export, singles).credits_key},
            "singles outline": {
                k for k in everything if f"{red.id}-{red_work.file_token}-single-" in k
            },
        }
    assert all(kinds.values()), f"every kind of artifact exists: {kinds}"
    assert files_holding(app, RED, RED_CREDIT), "the check finds the red work before deletion"
    return {
        "red": red,
        "blue": blue,
        "shared": shared,
        "alone": alone,
        "singles": singles,
        "shared_pack": shared_pack.id,
        "alone_pack": alone_pack.id,
        "red_keys": red_keys,
        "blue_intake": blue_keys_before - red_keys,
    }


def delete_through_claim_link(app, client, work) -> None:
    """The artist ticks "Yes, I am sure" and deletes the entry through the private link.

    Only the red work is ever deleted here: its link takes ``RED_CLAIM``.
    """
    claim = f"/claim/{RED_CLAIM}"
    token = csrf_token_in(client.get(claim).get_data(as_text=True))
    response = client.post(f"{claim}/delete", data={"csrf_token": token, "confirm": "y"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def delete_as_moderator(app, client, work) -> None:
    """A deciding curator deletes the entry as spam (domain function behind the button)."""
    with app.app_context():
        remove_entry(entry=db.session.get(Entry, work.entry_id))
        db.session.commit()


def delete_one_work_as_moderator(app, client, work) -> None:
    """A deciding curator deletes the work alone."""
    with app.app_context():
        remove_work(work=db.session.get(Work, work.id))
        db.session.commit()


def delete_by_retention(app, client, work) -> None:
    """The work was declined; the retention period after the call ends."""
    from datetime import UTC, datetime

    with app.app_context():
        set_state(db.session.get(Work, work.id), "declined")
        db.session.commit()
        apply_retention(closed_on=datetime.now(UTC).date(), days=0)
        db.session.commit()


def delete_as_duplicate(app, client, work) -> None:
    """Curators merge the red work into another copy: the red one is deleted."""
    with app.app_context():
        keep = db.session.scalars(select(Work).where(Work.id != work.id)).first()
        merge_works(keep=keep, drop=db.session.get(Work, work.id))
        db.session.commit()


PATHS = {
    "artist": (delete_through_claim_link, DeletionReason.ARTIST),
    "moderation-entry": (delete_as_moderator, DeletionReason.MODERATION),
    "moderation-work": (delete_one_work_as_moderator, DeletionReason.MODERATION),
    "retention": (delete_by_retention, DeletionReason.RETENTION),
    "duplicate": (delete_as_duplicate, DeletionReason.DUPLICATE),
}


@pytest.mark.parametrize("path", PATHS)
def test_deleting_a_work_leaves_no_file_holding_its_pixels_or_credit(
    app, client, printer, gallery, path, tmp_path
):
    """Every artifact kind goes at once (a static mirror's copy on its next run), the other
    artist's stay, the ledger records it."""
    red = gallery["red"]
    with app.app_context():
        # A low-resolution warning names the work's title on the export page until it goes.
        shared = db.session.get(Export, gallery["shared"])
        shared.warnings = json.dumps([{"work_id": red.id, "title": RED_TITLE, "dpi": 120}])
        db.session.commit()
    assert RED_TITLE in printer.get(f"/print/exports/{gallery['shared']}").get_data(as_text=True)
    mirror = tmp_path / "mirror"
    run_mirror(app, mirror)
    assert folder_holding(mirror, RED, RED_CREDIT), "the mirror held the work's page and pack"
    delete, reason = PATHS[path]
    delete(app, client, red)

    remaining = stored_keys(app)
    assert not remaining & gallery["red_keys"], "no file named after the work remains"
    assert files_holding(app, RED, RED_CREDIT) == [], "no file shows its pixels or its credit"
    run_mirror(app, mirror)
    assert folder_holding(mirror, RED, RED_CREDIT) == [], "the next mirror run forgets it"
    assert folder_holding(mirror, BLUE, "Blue Keeper"), "the other artist stays in the mirror"
    # The other work keeps its files, its own export and its pack.
    assert gallery["blue_intake"] <= remaining
    assert printer.get(f"/print/exports/{gallery['alone']}/download").status_code == 200
    assert app.test_client().get(f"/packs/{gallery['alone_pack']}/download").status_code == 200
    # The export that held the red work is gone with its pack; the printer sees why.
    assert packs(app) == [gallery["alone_pack"]]
    gone = printer.get(f"/print/exports/{gallery['shared']}/download")
    assert gone.status_code == 410
    page = printer.get(f"/print/exports/{gallery['shared']}").get_data(as_text=True)
    assert "an artist deleted a work in it" in page
    assert RED_TITLE not in page
    # The singles export and its separate credits file naming the artist went too.
    assert printer.get(f"/print/exports/{gallery['singles']}/credits").status_code == 410
    with app.app_context():
        export = db.session.get(Export, gallery["shared"])
        assert export.state is ExportState.REMOVED and export.pdf_key is None
        assert (export.warnings, export.preflight) == ("[]", "{}")
        singles = db.session.get(Export, gallery["singles"])
        assert singles.state is ExportState.REMOVED
        assert singles.pdf_key is None and singles.credits_key is None
        assert singles.credits_digest is None and singles.preflight == "{}"
        assert db.session.get(Work, red.id) is None
        ledger = db.session.scalars(select(Deletion)).all()
        assert [(d.work_id, d.reason) for d in ledger] == [(red.id, reason)]


def test_storage_sweep_finds_nothing_left_after_a_deletion(app, client, runner, gallery):
    """Nothing of the deleted work is left for the sweeper, even past the grace period."""
    delete_through_claim_link(app, client, gallery["red"])
    app.config["PENDING_UPLOAD_SECONDS"] = -1
    result = runner.invoke(args=["storage", "sweep", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "0 orphan files, 0 works without files"


@pytest.mark.parametrize("change", ["withdrawn", "print consent revoked"])
def test_withdrawal_or_revoked_print_consent_makes_exports_undownloadable(
    app, printer, gallery, change
):
    """The export holding the work refuses with the reason; the other export still works."""
    red = gallery["red"]
    with app.app_context():
        work = db.session.get(Work, red.id)
        if change == "withdrawn":
            set_state(work, "withdrawn")
        else:
            work.entry.consent_print = False
        db.session.commit()
    refused = printer.get(f"/print/exports/{gallery['shared']}/download")
    assert refused.status_code == 409
    assert f"Work {red.id} in this export was withdrawn" in refused.get_data(as_text=True)
    for part in ("download", "credits"):
        # A die-cut singles export: neither its PDF nor its credits file is handed out.
        assert printer.get(f"/print/exports/{gallery['singles']}/{part}").status_code == 409
    listing = printer.get("/print/exports").get_data(as_text=True)
    assert f"/print/exports/{gallery['shared']}/download" not in listing
    assert printer.get(f"/print/exports/{gallery['alone']}/download").status_code == 200
    status = printer.get(f"/print/exports/{gallery['shared']}/status").get_json()
    assert "download" not in status and "withdrawn" in status["error"]
    anonymous = app.test_client()
    assert anonymous.get(f"/packs/{gallery['shared_pack']}/download").status_code == 404
