"""One commit per request: a view's work is kept when it returns, dropped when it refuses."""

from __future__ import annotations

import pytest
from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from gallery.errors import flash_refusal
from gallery.extensions import csrf, db
from gallery.models import Page
from gallery.refusals import Refused
from gallery.transaction import after_commit

ran: list[str] = []


def _write(slug: str) -> None:
    """Flush a row the way a domain function does (never committing)."""
    db.session.add(Page(slug=slug, language="en", body="x"))
    db.session.flush()


@pytest.fixture
def routes(app):
    """Views that write and then return, refuse, abort or crash."""
    ran.clear()

    def kept():
        _write("kept")
        after_commit(lambda: ran.append("after commit"))
        return "ok"

    def refused():
        _write("refused")
        after_commit(lambda: ran.append("never"))
        raise Refused(_l("Not as things stand."))

    def shown():
        _write("shown")
        after_commit(lambda: ran.append("never"))
        try:
            raise Refused(_l("Not as things stand."))
        except Refused as refusal:
            flash_refusal(refusal)  # a view keeping the user on its page with the reason
        _write("after the refusal")
        return "the form again, with the reason", 409

    def aborted():
        _write("aborted")
        abort(400)

    def crashed():
        _write("crashed")
        raise RuntimeError("boom")

    for view in (kept, refused, shown, aborted, crashed):
        csrf.exempt(view)
        app.add_url_rule(f"/test/{view.__name__}", view.__name__, view, methods=["POST"])
    return app


def stored(app) -> list[str]:
    """Return the slugs of the rows that reached the database."""
    with app.app_context():
        return list(db.session.scalars(select(Page.slug)))


def test_a_view_that_returns_is_committed_then_what_waited_runs(routes, client):
    """The work is committed after the view, and the waiting callback runs after that."""
    assert client.post("/test/kept").status_code == 200
    assert stored(routes) == ["kept"]
    assert ran == ["after commit"]


@pytest.mark.parametrize(("path", "status"), [("refused", 409), ("aborted", 400), ("crashed", 500)])
def test_a_view_that_refuses_aborts_or_crashes_keeps_nothing(routes, client, path, status):
    """Nothing flushed before the refusal is stored; callbacks waiting for a commit never run."""
    response = client.post(f"/test/{path}")
    assert response.status_code == status
    assert stored(routes) == []
    assert ran == []


def test_a_refusal_answers_json_to_clients_that_ask(routes, client):
    """Scripts get the reasons as JSON with the refusal's status."""
    response = client.post("/test/refused", headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert response.get_json() == {
        "error": "Not as things stand.",
        "reasons": ["Not as things stand."],
    }


def test_a_refusal_shown_on_the_views_own_page_drops_what_came_before_it(routes, client):
    """What the refused operation had flushed goes; what the view writes afterwards stays."""
    response = client.post("/test/shown")
    assert response.status_code == 409
    assert stored(routes) == ["after the refusal"]
    assert ran == []
