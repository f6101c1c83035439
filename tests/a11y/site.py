"""The site the accessibility sweep reads: a live app on loopback, seeded once with real data.

Everything a page can show is there: published works with images, an entry with a claim link,
votes, comparisons, comments and a declared conflict, exports running, done (sheets and
singles with preflight results), removed and blocked, a published pack, an open invitation,
a call text, a private contact. Rows come from ``tests.factories``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l

from gallery.accounts.operations import create_invite
from gallery.extensions import db
from gallery.liveness import worker_name
from gallery.models import Export, ExportKind, ExportState, Licence, PairPool, User, WorkState
from gallery.models.base import utcnow
from gallery.public.content import CALL, save_page
from gallery.refusals import Refused
from tests.browser import served
from tests.factories import (
    Staff,
    make_comment,
    make_comparison,
    make_conflict,
    make_decision,
    make_export,
    make_staff,
    make_user,
    make_vote,
    series_png,
    store_pack,
    store_work,
)

CLAIM = "a11ysweepclaimlinka11ysweepclaimlinka11ys"
# Small enough that the sweep can send a body over it; large enough for its own uploads.
MAX_CONTENT_LENGTH = 3 * 1024 * 1024

# Only status pages with no reachable trigger in a sweep's few requests: 429 needs dozens of
# posts from one address. The real error handler and template answer them.
error_pages = Blueprint("a11y_errors", __name__)


@error_pages.route("/a11y-sweep/status/<int:code>")
def status_page(code: int):
    """Answer with the error page of ``code``, as the app's own handler renders it."""
    abort(code)


@error_pages.route("/a11y-sweep/refused/<int:code>")
def refused_page(code: int):
    """Answer with a refusal of ``code``, as the app's own handler renders it."""
    raise Refused(_l("You do not have permission to do this."), status=code)


@dataclass
class Site:
    """The served app, its address, the staff account and the ids pages are built from."""

    app: object
    url: str
    staff: Staff
    ids: dict[str, object] = field(default_factory=dict)


# Over the test defaults (tests/conftest.py): served on loopback under its own address, jobs
# run inline, a running export stays held, requests small enough to send one too large.
SETTINGS = {
    "SERVER_NAME": None,
    "SUBMIT_MIN_SECONDS": 0,
    "JOB_BACKEND": "sync",
    "JOB_STALE_SECONDS": 10**6,
    "MAX_CONTENT_LENGTH": MAX_CONTENT_LENGTH,
    "LOG_FORMAT": "none",
}


@contextmanager
def served_site(folder: Path, **overrides) -> Iterator[Site]:
    """Serve a seeded app on loopback for the duration of the block."""
    from tests.conftest import running_app  # conftest imports tests.browser: import late

    with running_app(folder, **{**SETTINGS, **overrides}) as app:
        app.register_blueprint(error_pages)
        with served(app) as url:
            staff = make_staff(app, "admin", "curator", "printer", decider=True, login="sweeper")
            site = Site(app, url, staff)
            with app.app_context():
                site.ids = seed(db.session.get(User, staff.id))
            yield site


def seed(me: User) -> dict[str, object]:
    """Store every kind of row a page shows; return the ids the sweep's addresses need."""
    other = make_user("curator", login="second-curator")
    published = [
        store_work(
            image=series_png(n, (400, 400)),
            title=f"Solidarity {n}",
            credit="Maria K.",
            credit_url="https://artist.example/maria",
            licence=Licence.CC_BY,
            state=WorkState.PUBLISHED_SELECTED,
            claim_token=CLAIM if n == 0 else None,
        )
        for n in range(3)
    ]
    judged = [
        store_work(image=series_png(n + 3, (400, 400)), title=f"New {n}", state=WorkState.NEW)
        for n in range(3)
    ]
    shortlisted = store_work(
        image=series_png(6, (400, 400)),
        title="Shortlisted",
        state=WorkState.SHORTLISTED,
        contact="maria@example.org",
        wants_contact=True,
        note="Please tell me when it is printed.",
    )
    withdrawn = store_work(image=series_png(7, (400, 400)), state=WorkState.WITHDRAWN)
    make_vote(user=other, work=judged[0], score=4)
    make_vote(user=me, work=judged[1], score=2)
    make_comparison(user=other, left=judged[0], right=judged[1])
    make_comparison(user=me, left=judged[1], right=judged[2], pool=PairPool.JUDGING)
    make_comment(user=other, work=judged[0], body="Strong colours, reads well from afar.")
    make_comment(user=me, work=judged[0], body="Agreed; the text is small though.")
    make_conflict(user=me, work=judged[2])
    make_decision(work=published[0], by=me)

    work_ids = [work.id for work in published]
    done = make_export(works=work_ids, copies=2, created_by_id=me.id)
    pack = store_pack(export=done, title="Spring pack", description="Stickers for the march.")
    unpacked = make_export(works=work_ids[:1], created_by_id=me.id)
    running = make_export(
        works=work_ids,
        state=ExportState.RUNNING,
        progress=1,
        total=3,
        worker=worker_name(),
        heartbeat_at=utcnow(),
        created_by_id=me.id,
    )
    singles = make_export(
        works=work_ids,
        kind=ExportKind.SINGLES,
        layout_id="singles",
        layout_name="Die-cut singles",
        preflight=json.dumps(PREFLIGHT),
        warnings=json.dumps([{"work_id": work_ids[1], "title": "Solidarity 1", "dpi": 150}]),
        created_by_id=me.id,
    )
    # A singles order keeps its sticker size among its options (make_export stores none).
    db.session.get(Export, singles.id).options = json.dumps({"size_mm": 60, "min_dpi": 300})
    removed = make_export(works=(), state=ExportState.REMOVED, with_pdf=False)
    blocked = make_export(works=[withdrawn.id])
    for language in ("en", "ru"):
        save_page(
            slug=CALL,
            language=language,
            title="Call for works",
            body="Send us your designs.\n\nEvery sticker credits its artist.",
            by=me,
        )
    _invite, invite_token = create_invite(by=me, roles=["curator"], decider=False)
    db.session.commit()
    return {
        "published": published[0].id,
        "judged": judged[0].id,
        "conflicted": judged[2].id,
        "shortlisted": shortlisted.id,
        "done": done.id,
        "unpacked": unpacked.id,
        "running": running.id,
        "singles": singles.id,
        "removed": removed.id,
        "blocked": blocked.id,
        "pack": pack.id,
        "invite": invite_token,
        "me": me.id,
        "other": other.id,
        "claim": CLAIM,
    }


# What a preflight of a singles order stores: passes, a warning and failures, both files.
PREFLIGHT = {
    "pdf": [
        {"check": "file", "status": "ok", "code": "readable", "values": {}},
        {"check": "pdfx", "status": "fail", "code": "no_pdfx", "values": {}},
        {"check": "fonts", "status": "ok", "code": "fonts_ok", "values": {"count": 2}},
        {"check": "colour", "status": "fail", "code": "device_rgb", "values": {"count": 3}},
    ],
    "credits": [
        {"check": "file", "status": "ok", "code": "readable", "values": {}},
        {"check": "fonts", "status": "ok", "code": "no_fonts", "values": {}},
    ],
}
