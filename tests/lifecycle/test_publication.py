"""The most eye-catching works are printed *and* stay on the public site."""

from __future__ import annotations

from gallery.extensions import db
from gallery.models import Export
from tests.factories import store_work
from tests.lifecycle.conftest import LAYOUT, big_png


def test_published_then_selected_stays_public_and_goes_to_export_selected(
    app, client, runner, tmp_path
):
    """`works set-status ID published` then `… selected`: on the site and in the export."""
    art = store_work(image=big_png((200, 40, 40)), credit="Both Ways", state="new", app=app)
    for decision in ("published", "selected"):
        result = runner.invoke(args=["works", "set-status", str(art.id), decision])
        assert result.exit_code == 0, result.output
    assert client.get(f"/works/{art.id}").status_code == 200
    assert "Both Ways" in client.get("/").get_data(as_text=True)
    result = runner.invoke(
        args=["export", "--layout", LAYOUT, "--selected", "--output", str(tmp_path / "s.pdf")]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        export = db.session.scalars(db.select(Export)).one()
        assert export.item_list == [(art.id, 1)]
    # Taking it out of print leaves it public; taking it off the site leaves nothing public.
    runner.invoke(args=["works", "set-status", str(art.id), "unselected"])
    assert client.get(f"/works/{art.id}").status_code == 200
    nothing = runner.invoke(
        args=["export", "--layout", LAYOUT, "--selected", "--output", str(tmp_path / "n.pdf")]
    )
    assert nothing.exit_code == 1 and "no works are selected for print" in nothing.output
    runner.invoke(args=["works", "set-status", str(art.id), "unpublished"])
    assert client.get(f"/works/{art.id}").status_code == 404
