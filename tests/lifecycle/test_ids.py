"""Ids that leave the database are never handed out again, so no old reference (a pack, a
release, a link, the deletion ledger) can ever point at a stranger's later work."""

from __future__ import annotations

from sqlalchemy import Integer, inspect, select, text

from gallery.curation.operations import decide, release_decisions
from gallery.extensions import db
from gallery.models import DecisionAction, Work
from gallery.submissions.operations import delete_entry, find_entry_by_claim
from gallery.submissions.status import artist_status
from tests.factories import store_pack, store_work
from tests.lifecycle.conftest import big_png, export_works

RED, BLUE, GREEN = (201, 17, 99), (10, 90, 220), (30, 160, 40)
EVERYWHERE = "published+selected"
# The claim link of the work a test deletes as its artist.
GONE = "claim-token-of-the-deleted-work"


def id_tables() -> list[str]:
    """Return the tables whose primary key is one integer ``id`` column."""
    return [
        table.name
        for table in db.metadata.sorted_tables
        if [c.name for c in table.primary_key.columns] == ["id"]
        and isinstance(table.c.id.type, Integer)
    ]


def assert_ids_never_reused(connection) -> None:
    """Check every id table: SQLite says AUTOINCREMENT, PostgreSQL draws from a sequence."""
    tables = id_tables()
    assert {"entries", "works", "decisions", "exports", "packs", "deletions"} <= set(tables)
    if connection.dialect.name == "sqlite":
        for name in tables:
            sql = connection.execute(
                text("SELECT sql FROM sqlite_master WHERE type='table' AND name=:n"), {"n": name}
            ).scalar_one()
            assert "AUTOINCREMENT" in sql.upper(), f"{name} may hand out a deleted row's id"
    else:
        columns = inspect(connection)
        for name in tables:
            (column,) = [c for c in columns.get_columns(name) if c["name"] == "id"]
            drawn = "nextval" in str(column.get("default") or "") or column.get("identity")
            assert drawn, f"{name}.id is not drawn from a sequence"


def test_every_table_with_an_id_never_reuses_it(app):
    """The schema the app creates keeps ids unique forever."""
    with app.app_context(), db.engine.connect() as connection:
        assert_ids_never_reused(connection)


def test_a_deleted_entry_in_a_pack_never_comes_back_through_a_new_submission(
    app, client, runner, tmp_path
):
    """The artist deletes the newest entry, which was in a published pack; the next
    submission gets new ids, and the old pack stays gone with the deleted artwork."""
    keep = store_work(image=big_png(BLUE), credit="Stays", state=EVERYWHERE, app=app)
    gone = store_work(
        image=big_png(RED), credit="Deleted Artist", claim_token=GONE, state=EVERYWHERE, app=app
    )
    pack = store_pack(
        export=export_works(app, runner, tmp_path, keep.id, gone.id), title="P", app=app
    )
    assert pack.preview_key, "pdftoppm makes the pack preview"
    pack_id = pack.id
    assert client.get(f"/packs/{pack_id}/download").status_code == 200
    with app.app_context():
        delete_entry(find_entry_by_claim(GONE))
        db.session.commit()
    newcomer = store_work(image=big_png(GREEN), credit="Newcomer", state=EVERYWHERE, app=app)
    assert newcomer.id > gone.id and newcomer.entry_id > gone.entry_id
    assert client.get(f"/packs/{pack_id}").status_code == 404
    assert client.get(f"/packs/{pack_id}/download").status_code == 404
    assert "Deleted Artist" not in client.get("/feed.atom").get_data(as_text=True)


def test_a_decision_after_a_release_never_takes_a_released_decision_id(app):
    """A release shows artists decisions up to an id. The newest released decision belongs to
    a work that is then deleted; a later decision must not reuse its id and show early."""
    waiting = store_work(image=big_png(BLUE), credit="Waiting", state="new", app=app)
    deleted = store_work(
        image=big_png(RED), credit="Deleted", claim_token=GONE, state="new", app=app
    )
    with app.app_context():
        decide(work=db.session.get(Work, deleted.id), action=DecisionAction.DECLINED, by=None)
        release_decisions(by=None)
        delete_entry(find_entry_by_claim(GONE))
        db.session.commit()
        decide(work=db.session.get(Work, waiting.id), action=DecisionAction.DECLINED, by=None)
        db.session.commit()
        work = db.session.scalar(select(Work).where(Work.id == waiting.id))
        assert artist_status(work) == "Received", "not released yet"
