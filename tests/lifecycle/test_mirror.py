"""A static mirror holds only what is public, and the next run forgets what stopped being.

The mirror asks the lifecycle's publication rule and the pack rule, like the live site. Works
in every other state are seeded with titles, credits and colours of their own; none of that
text and none of those pixels may reach any file of the mirror, its manifest included.
"""

from __future__ import annotations

import pytest

from gallery.extensions import db
from gallery.lifecycle.deletion import delete_works
from gallery.models import DeletionReason, Work
from gallery.public.mirror.links import LinkStyle, artist_dir
from gallery.public.mirror.operations import mirror_site
from tests.factories import image_bytes, make_export, make_pack, set_state, store_work
from tests.lifecycle.conftest import folder_holding

SHOWN = ((20, 160, 90), "Shown Title Q7", "Shown Artist Q7")
HIDDEN = {
    "new": ((201, 17, 99), "Unseen Title K1", "Hidden Artist K1"),
    "shortlisted": ((240, 200, 10), "Unseen Title K2", "Hidden Artist K2"),
    "selected": ((120, 40, 200), "Unseen Title K3", "Hidden Artist K3"),
    "declined": ((10, 90, 220), "Unseen Title K4", "Hidden Artist K4"),
    "withdrawn": ((250, 120, 0), "Unseen Title K5", "Hidden Artist K5"),
    "no consent": ((0, 200, 200), "Unseen Title K6", "Hidden Artist K6"),
}
DELETED = ((140, 70, 20), "Unseen Title K7", "Hidden Artist K7")


def mirror(app, dest):
    """Run the mirror of ``app`` into ``dest``."""
    with app.app_context():
        return mirror_site(dest, style=LinkStyle(base_url="https://mirror.example/"))


def seed(app, colour, title, credit, state="published", **entry):
    """Store a work through the real intake: a PNG in ``colour`` with its own title, credit."""
    image = image_bytes("PNG", (480, 360), colour=colour)
    return store_work(image=image, title=title, credit=credit, state=state, app=app, **entry)


def traces(dest, colour, title, credit) -> list[str]:
    """Return the files of ``dest`` holding the work's pixels, title, credit or artist folder."""
    found = folder_holding(dest, colour, title) + folder_holding(dest, colour, credit)
    folder = artist_dir(credit).encode()
    found += [str(p) for p in dest.rglob("*") if p.is_file() and folder in p.read_bytes()]
    return sorted(set(found))


def test_nothing_that_is_not_public_reaches_a_mirror(app, tmp_path):
    """Unpublished, selected-only, declined, withdrawn, unconsented, deleted: no text, no pixel."""
    shown = seed(app, *SHOWN)
    hidden = {}
    for state, (colour, title, credit) in HIDDEN.items():
        if state == "no consent":
            hidden[state] = seed(app, colour, title, credit, consent_publish=False)
        else:
            hidden[state] = seed(app, colour, title, credit, state=state)
    deleted = seed(app, *DELETED)
    # A pack holding a work that is not public is not public either (the pack rule).
    export = make_export(works=[hidden["withdrawn"].id], app=app)
    make_pack(export=export, title="Unseen Pack K8", app=app)
    dest = tmp_path / "mirror"
    mirror(app, dest)
    assert traces(dest, *DELETED), "the check finds a public work"
    with app.app_context():
        delete_works([db.session.get(Work, deleted.id)], reason=DeletionReason.ARTIST)
        db.session.commit()
    report = mirror(app, dest)
    assert report.works == 1 and report.packs == 0
    for colour, title, credit in [*HIDDEN.values(), DELETED]:
        assert traces(dest, colour, title, credit) == [], title
    assert folder_holding(dest, (0, 0, 0), "Unseen Pack K8") == []
    for work in [*hidden.values(), deleted]:
        assert not (dest / "works" / str(work.id)).exists()
        assert not (dest / "ru" / "works" / str(work.id)).exists()
    assert traces(dest, *SHOWN), "the public work is there"
    assert (dest / "works" / str(shown.id) / "index.html").exists()


def _withdraw(work: Work) -> None:
    """The artist withdraws the work."""
    set_state(work, "withdrawn")


def _revoke_consent(work: Work) -> None:
    """The artist takes back the consent to publish."""
    work.entry.consent_publish = False


def _take_off_the_site(work: Work) -> None:
    """A curator takes the work off the site."""
    set_state(work, "declined")


def _delete(work: Work) -> None:
    """The work is deleted, with every artifact of it."""
    delete_works([work], reason=DeletionReason.ARTIST)


CHANGES = {
    "withdrawn": _withdraw,
    "publication consent revoked": _revoke_consent,
    "taken off the site": _take_off_the_site,
    "deleted": _delete,
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_work_that_stops_being_public_leaves_the_next_mirror(app, tmp_path, change):
    """Its pages, images, artist page, feed entry and the pack holding it go on the next run;
    the other artist's work and pack stay."""
    leaving = seed(app, *HIDDEN["new"], state="published+selected")
    staying = seed(app, *SHOWN, state="published+selected")
    make_pack(export=make_export(works=[leaving.id, staying.id], app=app), title="Both", app=app)
    make_pack(export=make_export(works=[staying.id], app=app), title="Alone", app=app)
    dest = tmp_path / "mirror"
    before = mirror(app, dest)
    assert before.packs == 2 and traces(dest, *HIDDEN["new"])
    with app.app_context():
        CHANGES[change](db.session.get(Work, leaving.id))
        db.session.commit()
    report = mirror(app, dest)
    assert traces(dest, *HIDDEN["new"]) == []
    assert report.removed >= 2 * 2 + len(leaving.widths)  # its page twice, artist twice, images
    assert report.packs == 1 and not (dest / "packs" / "1").exists()
    assert (dest / "packs" / "2" / "sticker-pack-2.pdf").exists()
    assert traces(dest, *SHOWN)


def test_revoked_print_consent_takes_the_pack_out_and_leaves_the_work(app, tmp_path):
    """A pack is printed matter: without print consent it leaves; the work stays on the site."""
    work = seed(app, *SHOWN, state="published+selected")
    make_pack(export=make_export(works=[work.id], app=app), title="Printed K9", app=app)
    dest = tmp_path / "mirror"
    mirror(app, dest)
    assert folder_holding(dest, (0, 0, 0), "Printed K9")
    with app.app_context():
        db.session.get(Work, work.id).entry.consent_print = False
        db.session.commit()
    mirror(app, dest)
    assert folder_holding(dest, (0, 0, 0), "Printed K9") == []
    assert not (dest / "packs" / "1").exists()
    assert (dest / "works" / str(work.id) / "index.html").exists()
