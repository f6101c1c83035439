"""Operator commands: their output is a public, scripted interface."""

from __future__ import annotations

import os
import time

from gallery.extensions import db
from gallery.files import get_storage
from gallery.models import Entry, Licence, Work


def add_work(title: str, credit: str, token: str) -> Work:
    """Add a work row (with its entry) directly."""
    entry = Entry(credit=credit, licence=Licence.CAMPAIGN, claim_hash=token.ljust(64, "0"))
    work = Work(
        title=title,
        file_token=token,
        master_ext="png",
        derivative_widths="320",
        width=400,
        height=300,
        content_sha256="0" * 64,
        phash="0" * 16,
    )
    entry.works.append(work)
    db.session.add(entry)
    db.session.commit()
    return work


def test_works_list_prints_id_status_title_credit_votes_mean_tab_separated_oldest_first(
    app, runner
):
    """One line per work, no header, tab separated; anonymous shows as 'anonymous'.

    After the four original columns: the number of votes and the mean score (two decimals,
    blank without votes).
    """
    from gallery.models import Role, User, Vote

    with app.app_context():
        first = add_work("Dove\tof peace", "Ann", "tokA").id
        second = add_work("", "", "tokB").id
        for login, score in (("c1", 4), ("c2", 5), ("c3", 5)):
            user = User(login=login, password_hash="x", roles=Role.CURATOR.value)
            db.session.add(user)
            db.session.flush()
            db.session.add(Vote(user_id=user.id, work_id=first, score=score))
        db.session.commit()
    result = runner.invoke(args=["works", "list"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"{first}\tnew\tDove of peace\tAnn\t3\t4.67",
        f"{second}\tnew\t\tanonymous\t0\t",
    ]


def test_storage_sweep_removes_old_orphans_and_rows_without_files(app, runner):
    """Old files no row owns go; fresh ones stay (a form may still use them); broken rows go."""
    with app.app_context():
        storage = get_storage()
        add_work("kept", "Ann", "tokA")
        storage.write("files/tokA.png", b"x")
        storage.write("files/tokA-w320.webp", b"x")
        add_work("broken", "Bob", "tokB")  # no files at all
        storage.write("files/orphan.png", b"x")
        storage.write("files/fresh.png", b"x")
        old = time.time() - 3 * 24 * 3600
        os.utime(storage.path("files/orphan.png"), (old, old))
    result = runner.invoke(args=["storage", "sweep"])
    assert result.exit_code == 0, result.output
    assert "removed file\tfiles/orphan.png" in result.output
    assert "missing files/tokB.png" in result.output
    assert "1 orphan files, 1 works without files" in result.output
    with app.app_context():
        assert sorted(get_storage().keys()) == [
            "files/fresh.png",
            "files/tokA-w320.webp",
            "files/tokA.png",
        ]
        assert [w.title for w in db.session.scalars(db.select(Work))] == ["kept"]
