"""Retention removes declined works and private contacts after the call closes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from gallery.extensions import db
from gallery.models import Entry, Work, WorkStatus
from gallery.storage.files import get_storage
from tests.factories import store_work


def test_nothing_happens_before_the_retention_period_ends(app):
    """Inside the period, declined works and contacts stay."""
    from gallery.ops.retention import apply_retention

    with app.app_context():
        store_work()
        work = db.session.scalars(select(Work)).one()
        work.status = WorkStatus.DECLINED
        work.entry.contact = "me@example.org"
        db.session.commit()
        report = apply_retention(closed_on=date(2030, 1, 1), days=30, today=date(2030, 1, 20))
        assert report.works_deleted == 0
        assert db.session.scalars(select(Entry)).one().contact == "me@example.org"


def test_after_the_period_declined_works_and_contacts_are_gone(app, runner):
    """After the period: declined works deleted with their files, contacts erased, others kept."""
    with app.app_context():
        store_work(title="w1")
        store_work(title="w2")
        declined, kept = db.session.scalars(select(Work).order_by(Work.id)).all()
        declined.status = WorkStatus.DECLINED
        kept.entry.contact = "keep-me-private@example.org"
        declined_keys = declined.file_keys()
        db.session.commit()
    today = datetime.now(UTC).date().isoformat()
    result = runner.invoke(args=["retention", "--closed-on", today, "--days", "0"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "deleted works\t1\terased contacts\t1\tdeleted entries\t1"
    with app.app_context():
        assert [w.title for w in db.session.scalars(select(Work))] == ["w2"]
        assert db.session.scalars(select(Entry)).one().contact == ""
        assert not any(get_storage().exists(k) for k in declined_keys)


def test_retention_needs_a_closing_date(runner):
    """Without a closing date the command explains what to give."""
    result = runner.invoke(args=["retention"])
    assert result.exit_code != 0 and "--closed-on" in result.output
