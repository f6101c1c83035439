"""`flask --app wsgi mirror DEST`: what the operator types and reads."""

from __future__ import annotations

from gallery.extensions import db
from gallery.models import Work
from gallery.storage.files import get_storage
from tests.public.mirror.conftest import pages


def test_the_command_mirrors_and_says_what_it_did(app, runner, site, tmp_path):
    """One tab-separated line; a second run writes nothing."""
    dest = tmp_path / "mirror"
    first = runner.invoke(args=["mirror", str(dest)])
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[-1] == (
        "mirrored\t6 works\t1 packs\t2 languages\t46 files\t46 written\t0 removed"
    )
    again = runner.invoke(args=["mirror", str(dest)])
    assert again.output.splitlines()[-1].endswith("\t46 files\t0 written\t0 removed")


def test_the_submit_link_defaults_to_the_live_site_when_it_knows_its_address(
    app, runner, site, tmp_path
):
    """With SERVER_NAME set the live /submit is the default; without it, a note."""
    dest = tmp_path / "mirror"
    runner.invoke(args=["mirror", str(dest)])
    assert 'href="http://gallery.test/submit"' in pages(dest)["index.html"]
    app.config["SERVER_NAME"] = None
    bare = tmp_path / "bare"
    result = runner.invoke(args=["mirror", str(bare)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("note\tno --submit-url")
    assert "/submit" not in pages(bare)["index.html"]


def test_bad_addresses_and_foreign_folders_are_refused_with_a_reason(runner, site, tmp_path):
    """A base URL must be an http(s) address; a folder that is no mirror is left alone."""
    bad = runner.invoke(args=["mirror", str(tmp_path / "m"), "--base-url", "mirror.example"])
    assert bad.exit_code == 2 and "not an http(s) address: mirror.example" in bad.output
    script = runner.invoke(args=["mirror", str(tmp_path / "m"), "--submit-url", "javascript:x"])
    assert script.exit_code == 2 and "--submit-url" in script.output
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "letter.txt").write_text("keep me")
    refused = runner.invoke(args=["mirror", str(foreign)])
    assert refused.exit_code == 1 and "holds no mirror" in refused.output
    assert (foreign / "letter.txt").exists()


def test_a_missing_stored_file_stops_the_run_with_its_name(app, runner, site, tmp_path):
    """A work whose preview vanished from the store: a clear error, not a traceback."""
    work = site["named"][0]
    with app.app_context():
        get_storage().delete(db.session.get(Work, work.id).derivative_key(work.widths[0]))
    result = runner.invoke(args=["mirror", str(tmp_path / "mirror")])
    assert result.exit_code == 1
    assert "is missing" in result.output and "storage sweep" in result.output
