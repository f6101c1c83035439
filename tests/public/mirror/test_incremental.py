"""The same data gives the same bytes; a run writes only what changed; the manifest tells all."""

from __future__ import annotations

import hashlib
import json

import pytest

from gallery.extensions import db
from gallery.models import Entry, Pack, Work
from gallery.public.content import CALL, save_page
from gallery.public.mirror import operations
from gallery.public.mirror.links import MirrorError, artist_dir
from gallery.public.mirror.writer import MirrorFolder
from tests.factories import make_user, make_work
from tests.public.mirror.conftest import run_mirror, stamps, tree


def changed(before: dict, after: dict) -> set[str]:
    """Return the files added, removed or rewritten between two ``stamps``."""
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def test_the_same_data_gives_byte_identical_mirrors(app, site, tmp_path):
    """Two mirrors of the same data, made apart, are the same files with the same bytes."""
    first, second = tmp_path / "first", tmp_path / "second"
    run_mirror(app, first, base_url="https://mirror.example/")
    run_mirror(app, second, base_url="https://mirror.example/")
    assert tree(first) == tree(second)


def test_a_run_with_nothing_changed_rewrites_nothing(app, site, tmp_path):
    """Second run: no file written, none touched (same inode and mtime), manifest too."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    before = stamps(dest)
    report = run_mirror(app, dest)
    assert (report.written, report.removed) == (0, 0)
    assert stamps(dest) == before


def test_one_change_rewrites_only_the_files_that_show_it(app, site, tmp_path):
    """A new title rewrites the work's pages, the pages listing it, the feeds, the manifest."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    before = stamps(dest)
    retitled, *others = site["named"][1], site["named"][0], site["named"][2]
    with app.app_context():
        db.session.get(Work, retitled.id).title = "Open hands, second edition"
        db.session.commit()
    report = run_mirror(app, dest)
    expected = {"manifest.json"}
    for root in ("", "ru/"):
        expected |= {
            f"{root}works/{retitled.id}/index.html",
            *(f"{root}works/{other.id}/index.html" for other in others),  # "More by"
            f"{root}{artist_dir('Maria K.')}/index.html",
            f"{root}index.html",
            f"{root}feed.atom",
        }
    assert changed(before, stamps(dest)) == expected
    assert report.written == len(expected) - 1
    fresh = tmp_path / "fresh"
    run_mirror(app, fresh)
    assert tree(fresh) == tree(dest), "an updated mirror is the mirror made from scratch"


def test_a_new_work_adds_its_files_and_leaves_the_images_of_the_others(app, site, tmp_path):
    """Publishing one more work writes its page and images; no other image is touched."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    before = stamps(dest)
    new = make_work(state="published", title="Fresh", credit="New One", files=True, app=app)
    run_mirror(app, dest)
    touched = changed(before, stamps(dest))
    assert {f"works/{new.id}/{w}.webp" for w in new.widths} <= touched
    assert not {p for p in touched if p.endswith(".webp") and f"works/{new.id}/" not in p}
    assert not {p for p in touched if p.endswith((".pdf", ".css"))}


def test_the_manifest_lists_every_file_with_its_sha256(app, site, tmp_path):
    """Every file but the manifest itself, with its size and hex SHA-256, and nothing else."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    files = tree(dest)
    manifest = json.loads(files.pop("manifest.json"))["files"]
    assert set(manifest) == set(files)
    for path, data in files.items():
        assert manifest[path]["sha256"] == hashlib.sha256(data).hexdigest(), path
        assert manifest[path]["size"] == len(data), path


def test_files_nobody_asked_for_are_removed_and_a_foreign_folder_is_refused(app, site, tmp_path):
    """DEST belongs to the mirror; a folder holding something else is never emptied."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest, full=True)
    (dest / "works" / "stray.html").write_text("left by hand")
    report = run_mirror(app, dest, full=True)
    assert report.removed == 1 and not (dest / "works" / "stray.html").exists()
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(MirrorError, match="not empty and holds no mirror"):
        run_mirror(app, foreign)
    assert (foreign / "notes.txt").read_text() == "mine"


def test_full_restores_a_file_changed_by_hand_and_rewrites_nothing_else(app, site, tmp_path):
    """The manifest is trusted; --full compares every file with what it should be."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    home = dest / "index.html"
    original = home.read_bytes()
    home.write_bytes(b"defaced")
    (dest / "call" / "index.html").unlink()
    before = stamps(dest)
    report = run_mirror(app, dest, full=True)
    assert report.written == 2
    assert changed(before, stamps(dest)) == {"index.html", "call/index.html"}
    assert home.read_bytes() == original


def test_a_run_stopped_half_way_is_finished_by_the_next(app, site, tmp_path, monkeypatch):
    """A crash leaves the unfinished mark; the next run walks DEST and ends as a fresh one."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    with app.app_context():
        db.session.get(Entry, site["named"][0].entry_id).credit = "Maria Kovaleva"
        db.session.commit()
    made = operations._bring_up_to_date
    calls = []

    def crash_after_a_few(folder, output):
        """Bring a few files up to date, then fail like a full disk."""
        calls.append(output.path)
        if len(calls) > 40:
            raise OSError("disk full")
        return made(folder, output)

    monkeypatch.setattr(operations, "_bring_up_to_date", crash_after_a_few)
    with pytest.raises(OSError):
        run_mirror(app, dest)
    monkeypatch.undo()
    assert (dest / ".mirror-unfinished").exists()
    (dest / "works" / ".tmp-index.html.4242").write_text("half a page")
    run_mirror(app, dest)
    fresh = tmp_path / "fresh"
    run_mirror(app, fresh)
    assert tree(dest) == tree(fresh)


def test_two_runs_never_write_one_folder_at_once(app, site, tmp_path):
    """While one run holds DEST, another is refused (cron runs that overlap)."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    with MirrorFolder(dest), pytest.raises(MirrorError, match="another mirror run"):
        run_mirror(app, dest)


def test_a_new_call_text_and_a_renamed_pack_rewrite_their_pages_only(app, site, tmp_path):
    """The admin's Russian call text rewrites ru/call/; a pack's new title its pages and feeds."""
    dest = tmp_path / "mirror"
    run_mirror(app, dest)
    before = stamps(dest)
    with app.app_context():
        admin = make_user("admin")
        save_page(slug=CALL, language="ru", title="Приём", body="Новый текст.", by=admin)
        db.session.get(Pack, site["pack"].id).title = "Autumn pack"
        db.session.commit()
    run_mirror(app, dest)
    pack = site["pack"].id
    expected = {"manifest.json", "ru/call/index.html"}
    for root in ("", "ru/"):
        expected |= {f"{root}packs/index.html", f"{root}packs/{pack}/index.html"}
        expected.add(f"{root}feed.atom")
    assert changed(before, stamps(dest)) == expected
    assert "Новый текст." in (dest / "ru" / "call" / "index.html").read_text()
