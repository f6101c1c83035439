"""Operator commands: their output is a public, scripted interface."""

from __future__ import annotations

import io
import os
import re
import time

from PIL import Image

from gallery.extensions import db
from gallery.models import ExportState, Work
from gallery.storage.files import get_storage
from tests.factories import make_export, make_pack, make_user, make_vote, make_work


def test_works_list_prints_id_status_title_credit_votes_mean_tab_separated_oldest_first(
    app, runner
):
    """One line per work, no header, tab separated; anonymous shows as 'anonymous'.

    After the four original columns: the number of votes and the mean score (two decimals,
    blank without votes), then the pairwise strength (blank without comparisons).
    """
    with app.app_context():
        first = make_work(title="Dove\tof peace", credit="Ann", file_token="tokA", widths=(320,)).id
        second = make_work(title="", credit="", file_token="tokB", widths=(320,)).id
        for score in (4, 5, 5):
            make_vote(user=make_user("curator"), work=first, score=score)
    result = runner.invoke(args=["works", "list"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"{first}\tnew\tDove of peace\tAnn\t3\t4.67\t",
        f"{second}\tnew\t\tanonymous\t0\t\t",
    ]


def test_works_list_seventh_column_is_the_stored_pairwise_strength(app, runner):
    """θ with two decimals once the ranking stored it; blank for works never compared."""
    from gallery.curation.pairwise.operations import refresh_strengths
    from gallery.models import Comparison, ComparisonOutcome, PairPool

    with app.app_context():
        ids = [
            make_work(title=f"w{n}", credit="Ann", file_token=f"tok{n}", widths=(320,)).id
            for n in range(4)
        ]
        for left, right in ((0, 1), (1, 2), (0, 2)):
            db.session.add(
                Comparison(
                    left_id=ids[left],
                    right_id=ids[right],
                    outcome=ComparisonOutcome.LEFT,
                    pool=PairPool.JUDGING,
                )
            )
        db.session.commit()
        before = [
            line.split("\t") for line in runner.invoke(args=["works", "list"]).output.splitlines()
        ]
        refresh_strengths()
        db.session.commit()
    rows = [line.split("\t") for line in runner.invoke(args=["works", "list"]).output.splitlines()]
    assert [len(row) for row in rows] == [7] * 4
    assert [row[6] for row in before] == [""] * 4  # nothing stored until the ranking is fitted
    strengths = [row[6] for row in rows]
    assert re.fullmatch(r"-?\d+\.\d\d", strengths[0]) and strengths[3] == ""
    assert float(strengths[0]) > 0 > float(strengths[2])
    assert strengths[1] == "0.00"  # one win, one loss: the exact middle, never "-0.00"
    assert [row[:6] for row in rows][3] == [str(ids[3]), "new", "w3", "Ann", "0", ""]


def test_storage_sweep_removes_old_orphans_and_rows_without_files(app, runner):
    """Old files no row owns go; fresh ones stay (a form may still use them); broken rows go."""
    with app.app_context():
        storage = get_storage()
        make_work(title="kept", credit="Ann", file_token="tokA", widths=(320,))
        storage.write("files/tokA.png", b"x")
        storage.write("files/tokA-w320.webp", b"x")
        storage.write("files/tokA-print.png", b"x")
        make_work(title="broken", credit="Bob", file_token="tokB", widths=(320,))  # no files at all
        storage.write("files/orphan.png", b"x")
        storage.write("files/fresh.png", b"x")
        old = time.time() - 3 * 24 * 3600
        os.utime(storage.path("files/orphan.png"), (old, old))
        os.utime(storage.path("files/tokA-print.png"), (old, old))  # owned however old
    result = runner.invoke(args=["storage", "sweep"])
    assert result.exit_code == 0, result.output
    assert "removed file\tfiles/orphan.png" in result.output
    assert "missing files/tokB.png" in result.output
    assert "1 orphan files, 1 works without files" in result.output
    with app.app_context():
        assert sorted(get_storage().keys()) == [
            "files/fresh.png",
            "files/tokA-print.png",
            "files/tokA-w320.webp",
            "files/tokA.png",
        ]
        assert [w.title for w in db.session.scalars(db.select(Work))] == ["kept"]


def test_print_files_of_a_deleted_work_go_at_the_next_sweep_however_fresh(app, runner):
    """An export still rendering when its work was deleted may write a raster after the
    deletion; no form waits for such a file, so the sweep removes it without a grace period."""
    with app.app_context():
        storage = get_storage()
        work = make_work(title="kept", credit="Ann", file_token="tokA", widths=(320,))
        for key in work.file_keys():
            storage.write(key, b"x")
        kept = f"print-cache/{work.id}-tokA-100x100-r0.jpg"
        late = f"print-cache/{work.id + 1}-tokGone-100x100-r0.jpg"
        storage.write(kept, b"x")
        storage.write(late, b"x")
    result = runner.invoke(args=["storage", "sweep"])
    assert result.exit_code == 0, result.output
    assert f"removed file\t{late}" in result.output
    with app.app_context():
        keys = set(get_storage().keys())
    assert kept in keys and late not in keys


def test_storage_sweep_knows_every_folder_the_app_writes(app, runner):
    """Orphans go from every folder (and from unknown ones); files rows own stay, however old."""
    with app.app_context():
        storage = get_storage()
        work = make_work(title="kept", credit="Ann", file_token="tokA", widths=(320,))
        for key in work.file_keys():
            storage.write(key, b"x")
        export = make_export(state=ExportState.QUEUED, pdf_key="exports/own.pdf")
        make_pack(export=export, title="P", published=False, preview_key="packs/own-preview.webp")
        make_export(
            state=ExportState.DONE,
            with_pdf=False,
            pdf_key="exports/singles.pdf",
            credits_key="exports/singles-credits.pdf",
        )
        owned = {
            *work.file_keys(),
            f"print-cache/{work.id}-tokA-100x100-r0.jpg",
            f"print-cache/{work.id}-tokA-single-0123456789abcdef.json",
            "exports/own.pdf",
            "exports/singles.pdf",
            "exports/singles-credits.pdf",
            "packs/own-preview.webp",
        }
        orphans = {
            f"print-cache/{work.id + 1}-tokZ-100x100-r0.jpg",
            f"print-cache/{work.id}-tokOther-100x100-r0.jpg",
            f"print-cache/{work.id + 1}-tokZ-single-0123456789abcdef.json",
            "exports/stranger.pdf",
            "exports/stranger-credits.pdf",
            "packs/stranger-preview.webp",
            "health/probe-left",
            "elsewhere/unknown.bin",
        }
        old = time.time() - 3 * 24 * 3600
        for key in owned | orphans:
            storage.write(key, b"x")
            os.utime(storage.path(key), (old, old))
    result = runner.invoke(args=["storage", "sweep"])
    assert result.exit_code == 0, result.output
    removed = {line.split("\t")[1] for line in result.output.splitlines() if "\t" in line}
    assert removed == orphans
    with app.app_context():
        assert set(get_storage().keys()) == owned


def test_works_list_status_shows_both_decisions(app, runner):
    """An accepted work's status column names its decisions: published, selected or both."""
    for n, state in enumerate(("published+selected", "selected", "published", "declined")):
        make_work(title=state, credit="Ann", file_token=f"tok{n}", state=state, app=app)
    result = runner.invoke(args=["works", "list"])
    rows = [line.split("\t") for line in result.output.splitlines()]
    assert [(row[1], row[2]) for row in rows] == [
        ("published+selected", "published+selected"),
        ("selected", "selected"),
        ("published", "published"),
        ("declined", "declined"),
    ]


def _old_work(storage, token: str, image: Image.Image | None, fmt: str = "PNG") -> int:
    """Store a master the way uploads did before print sources existed; return the work id."""
    ext = "png" if fmt == "PNG" else "jpg"
    size = image.size if image is not None else (5000, 50)
    work = make_work(
        title=token, credit="Ann", file_token=token, master_ext=ext, size=size, widths=(320,)
    )
    buffer = io.BytesIO()
    if image is not None:
        image.save(buffer, fmt)
    storage.write(work.master_key, buffer.getvalue() or b"not an image")
    return work.id


def test_storage_print_sources_gives_big_old_works_their_print_source(app, runner):
    """Big masters get one, small ones need none, a broken one is reported; reruns do nothing."""
    with app.app_context():
        storage = get_storage()
        wide = Image.new("RGBA", (4900, 40), (10, 200, 30, 255))
        png = _old_work(storage, "tokP", wide)
        jpeg = _old_work(storage, "tokJ", Image.new("RGB", (2401, 30), (200, 10, 10)), "JPEG")
        small = _old_work(storage, "tokS", Image.new("RGB", (2400, 30)))
        broken = _old_work(storage, "tokB", None)
    result = runner.invoke(args=["storage", "print-sources"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"made\t{png}\t3\tfiles/tokP-print.png",
        f"made\t{jpeg}\t2\tfiles/tokJ-print.jpg",
        f"failed\t{broken}\tUnidentifiedImageError",
        "2 print sources made, 1 failed",
    ]
    with app.app_context():
        factors = {w.id: w.print_factor for w in db.session.scalars(db.select(Work))}
        assert factors == {png: 3, jpeg: 2, small: 1, broken: 1}
        made = Image.open(io.BytesIO(get_storage().read("files/tokP-print.png")))
        assert made.size == (1634, 14) and made.getpixel((5, 5)) == (10, 200, 30, 255)
    again = runner.invoke(args=["storage", "print-sources"])
    assert again.output.splitlines()[-1] == "0 print sources made, 1 failed"
