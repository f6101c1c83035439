"""Artists see "received" until an admin releases decisions, then the released decision."""

from __future__ import annotations

from gallery.curation.operations import decide, release_decisions
from gallery.extensions import db
from gallery.models import DecisionAction, Work
from tests.curation.pages import post
from tests.factories import make_entry, make_user, make_work, set_state

TOKEN = "claim-token-for-release-tests"


def _statuses(client) -> list[str]:
    """Return the status lines of the claim page, in work order."""
    html = client.get(f"/claim/{TOKEN}").get_data(as_text=True)
    return [part.split("<br>")[0].strip() for part in html.split("Status:")[1:]]


def test_decisions_show_only_after_release_and_later_ones_wait(app, client):
    """Before release: "Received". After: the decision. A decision after release stays hidden."""
    with app.app_context():
        ids = [w.id for w in make_entry(works=3, claim_token=TOKEN).works]
        admin = make_user("admin")
        works = [db.session.get(Work, i) for i in ids]
        decide(work=works[0], action=DecisionAction.PUBLISHED, by=admin)
        decide(work=works[1], action=DecisionAction.DECLINED, by=admin)
        db.session.commit()
    assert _statuses(client) == ["Received", "Received", "Received"]
    with app.app_context():
        release_decisions(by=None)
        db.session.commit()
    assert _statuses(client) == ["Published", "Not selected", "Received"]
    with app.app_context():
        admin = make_user("admin")
        decide(work=db.session.get(Work, ids[2]), action=DecisionAction.SELECTED, by=admin)
        decide(work=db.session.get(Work, ids[0]), action=DecisionAction.SHORTLISTED, by=admin)
        decide(work=db.session.get(Work, ids[2]), action=DecisionAction.PUBLISHED, by=admin)
        db.session.commit()
    # Taken after the release: the artist still sees the released state.
    assert _statuses(client) == ["Published", "Not selected", "Received"]
    with app.app_context():
        release_decisions(by=None)
        db.session.commit()
    assert _statuses(client) == [
        "Shortlisted",
        "Not selected",
        "Published and selected for print",
    ]


def test_admin_releases_with_one_button_on_the_curation_page(app, client, login_user_as):
    """The button is admin-only and releases everything decided so far."""
    login_user_as(client, app, "admin", "curator")
    with app.app_context():
        ids = [make_work(claim_token=TOKEN).id]
    page = f"/curate/works/{ids[0]}"
    post(client, page, f"{page}/decide", {"status": "published"})
    artist = app.test_client()
    assert _statuses(artist) == ["Received"]
    assert "Release decisions to artists" in client.get("/curate").get_data(as_text=True)
    response = post(client, "/curate", "/curate/release", follow_redirects=True)
    assert "Decisions are released" in response.get_data(as_text=True)
    assert _statuses(artist) == ["Published"]


def test_withdrawn_shows_withdrawn_whatever_was_released(app, client):
    """The artist's own withdrawal always shows."""
    with app.app_context():
        ids = [make_work(claim_token=TOKEN).id]
        work = db.session.get(Work, ids[0])
        decide(work=work, action=DecisionAction.PUBLISHED, by=None)
        release_decisions(by=None)
        set_state(work, "withdrawn")
        db.session.commit()
    assert _statuses(client) == ["Withdrawn"]
