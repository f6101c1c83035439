"""The most eye-catching works are printed *and* stay on the public site."""

from __future__ import annotations

from gallery.extensions import db
from gallery.models import Export
from tests.lifecycle.conftest import LAYOUT, submit_artwork


def test_published_then_selected_stays_public_and_goes_to_export_selected(
    app, client, runner, tmp_path
):
    """`works set-status ID published` then `… selected`: on the site and in the export."""
    art = submit_artwork(app, colour=(200, 40, 40), credit="Both Ways", state="new")
    for decision in ("published", "selected"):
        result = runner.invoke(args=["works", "set-status", str(art.work_id), decision])
        assert result.exit_code == 0, result.output
    assert client.get(f"/works/{art.work_id}").status_code == 200
    assert "Both Ways" in client.get("/").get_data(as_text=True)
    result = runner.invoke(
        args=["export", "--layout", LAYOUT, "--selected", "--output", str(tmp_path / "s.pdf")]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        export = db.session.scalars(db.select(Export)).one()
        assert export.item_list == [(art.work_id, 1)]
    # Taking it out of print leaves it public; taking it off the site leaves nothing public.
    runner.invoke(args=["works", "set-status", str(art.work_id), "unselected"])
    assert client.get(f"/works/{art.work_id}").status_code == 200
    nothing = runner.invoke(
        args=["export", "--layout", LAYOUT, "--selected", "--output", str(tmp_path / "n.pdf")]
    )
    assert nothing.exit_code == 1 and "no works are selected for print" in nothing.output
    runner.invoke(args=["works", "set-status", str(art.work_id), "unpublished"])
    assert client.get(f"/works/{art.work_id}").status_code == 404
