"""Decisions: consent rules, the log, bulk actions with refusals, withdrawn works, the CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gallery.curation.operations import DecisionRefused, decide, decide_many
from gallery.extensions import db
from gallery.models import Decision, DecisionAction, DecisionSource, Work, WorkState, WorkStatus
from tests.curation.pages import post
from tests.factories import make_entry, make_user, make_work


def _log(work_id: int) -> list[tuple]:
    """Return (user, source, action, state after) of a work's decisions, oldest first."""
    rows = db.session.scalars(
        select(Decision).where(Decision.work_id == work_id).order_by(Decision.id)
    )
    return [(d.user_id, d.source, d.action, d.state) for d in rows]


def test_decide_sets_the_state_and_logs_who_what_and_the_result(ctx):
    """Each change is one log row; taking the same decision again changes nothing."""
    decider = make_user("curator", decider=True)
    work = make_work()
    first = decide(work=work, action=DecisionAction.SHORTLISTED, by=decider)
    decide(work=work, action=DecisionAction.PUBLISHED, by=decider)
    assert decide(work=work, action=DecisionAction.PUBLISHED, by=decider) is None
    db.session.commit()
    assert work.state == WorkState.PUBLISHED
    assert first.created_at is not None
    assert _log(work.id) == [
        (decider.id, DecisionSource.WEB, DecisionAction.SHORTLISTED, WorkState.SHORTLISTED),
        (decider.id, DecisionSource.WEB, DecisionAction.PUBLISHED, WorkState.PUBLISHED),
    ]


def test_publishing_and_selecting_for_print_are_separate_decisions(ctx):
    """A work can be both; each can be taken back on its own; shortlisting takes back both."""
    decider = make_user("curator", decider=True)
    work = make_work()
    decide(work=work, action=DecisionAction.PUBLISHED, by=decider)
    decide(work=work, action=DecisionAction.SELECTED, by=decider)
    assert (work.status, work.published, work.selected) == (WorkStatus.ACCEPTED, True, True)
    assert work.state == WorkState.PUBLISHED_SELECTED
    decide(work=work, action=DecisionAction.UNPUBLISHED, by=decider)
    assert work.state == WorkState.SELECTED
    decide(work=work, action=DecisionAction.UNSELECTED, by=decider)
    # Neither decision left: the work is back among those being judged.
    assert work.state == WorkState.SHORTLISTED
    decide(work=work, action=DecisionAction.SELECTED, by=decider)
    decide(work=work, action=DecisionAction.PUBLISHED, by=decider)
    decide(work=work, action=DecisionAction.DECLINED, by=decider)
    assert (work.status, work.published, work.selected) == (WorkStatus.DECLINED, False, False)
    db.session.commit()
    assert [action for _u, _s, action, _state in _log(work.id)] == [
        DecisionAction.PUBLISHED,
        DecisionAction.SELECTED,
        DecisionAction.UNPUBLISHED,
        DecisionAction.UNSELECTED,
        DecisionAction.SELECTED,
        DecisionAction.PUBLISHED,
        DecisionAction.DECLINED,
    ]


def test_the_database_refuses_a_decision_without_an_accepted_work(ctx):
    """Published or selected works are accepted, and accepted works carry a decision."""
    from sqlalchemy.exc import IntegrityError

    work = make_work()
    work.published = True
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    work = db.session.get(Work, work.id)
    work.status = WorkStatus.ACCEPTED
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize(
    ("action", "consents", "message"),
    [
        (DecisionAction.PUBLISHED, {"consent_publish": False}, "did not allow publishing"),
        (DecisionAction.SELECTED, {"consent_print": False}, "did not allow printing"),
    ],
)
def test_consent_is_required_to_publish_and_to_select_for_print(ctx, action, consents, message):
    """Without the artist's consent the decision is refused with a reason, nothing logged."""
    decider = make_user("curator", decider=True)
    work = make_work(**consents)
    with pytest.raises(DecisionRefused) as refused:
        decide(work=work, action=action, by=decider)
    assert message in str(refused.value.reason)
    assert work.status == WorkStatus.NEW
    assert _log(work.id) == []


def test_withdrawn_works_are_refused(ctx):
    """A withdrawn work stays withdrawn, whatever the decision."""
    decider = make_user("admin")
    withdrawn = make_work(state=WorkStatus.WITHDRAWN)
    for action in DecisionAction:
        with pytest.raises(DecisionRefused, match="withdrew"):
            decide(work=withdrawn, action=action, by=decider)
    assert withdrawn.state == WorkState.WITHDRAWN


def test_curators_without_the_deciding_right_are_refused(ctx):
    """A plain curator cannot decide, even through the domain function."""
    work = make_work()
    with pytest.raises(DecisionRefused, match="right to decide"):
        decide(work=work, action=DecisionAction.SHORTLISTED, by=make_user("curator"))


def test_decide_many_proceeds_with_the_allowed_and_lists_the_refused(ctx):
    """Mixed consent: publishable works are published, the others come back with reasons."""
    decider = make_user("curator", decider=True)
    ok = make_entry(works=2).works
    no_publish = make_work(consent_publish=False)
    withdrawn = make_work(state=WorkStatus.WITHDRAWN)
    outcome = decide_many(
        works=[*ok, no_publish, withdrawn], action=DecisionAction.PUBLISHED, by=decider
    )
    db.session.commit()
    assert [w.id for w in outcome.decided] == [w.id for w in ok]
    refused = {work.id: str(reason) for work, reason in outcome.refused}
    assert set(refused) == {no_publish.id, withdrawn.id}
    assert "did not allow publishing" in refused[no_publish.id]
    assert "withdrew" in refused[withdrawn.id]
    assert no_publish.status == WorkStatus.NEW
    assert all(w.state == WorkState.PUBLISHED for w in ok)


def test_bulk_form_in_the_gallery_decides_ticked_works_and_lists_refusals(
    app, client, login_user_as
):
    """One form, many checkboxes: the allowed proceed, each refused work is named with why."""
    login_user_as(client, app, "curator", decider=True)
    with app.app_context():
        a, b = (w.id for w in make_entry(works=2).works)
        no_print = make_work(consent_print=False)
        no_print_id, no_print_title = no_print.id, no_print.title
    grid = client.get("/curate").get_data(as_text=True)
    assert 'form="bulk"' in grid and 'id="bulk"' in grid
    response = post(
        client,
        "/curate",
        "/curate/bulk",
        {"status": "selected", "works": [str(a), str(b), str(no_print_id)]},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "2 works decided." in html
    assert f"Not changed: {no_print_title}" in html and "did not allow printing" in html
    with app.app_context():
        states = {w.id: w.state for w in db.session.scalars(select(Work))}
    assert states == {a: WorkState.SELECTED, b: WorkState.SELECTED, no_print_id: WorkState.NEW}


def test_only_deciders_see_and_use_decisions(app, client, login_user_as):
    """A plain curator sees no decision form or checkboxes and gets 403 on the actions."""
    login_user_as(client, app, "curator")
    with app.app_context():
        work_id = make_work().id
    page = f"/curate/works/{work_id}"
    html = client.get(page).get_data(as_text=True)
    assert "Publish on the site" not in html and 'name="status"' not in html
    assert 'form="bulk"' not in client.get("/curate").get_data(as_text=True)
    assert post(client, page, f"{page}/decide", {"status": "shortlisted"}).status_code == 403
    assert post(client, page, "/curate/bulk", {"status": "declined"}).status_code == 403
    assert post(client, page, "/curate/release").status_code == 403


def test_the_work_page_shows_the_decision_log_and_refusals(app, client, login_user_as):
    """Deciding through the page logs it; the log table names who, from and to."""
    staff = login_user_as(client, app, "curator", decider=True)
    with app.app_context():
        work_id = make_work(consent_publish=False).id
    page = f"/curate/works/{work_id}"
    assert "No decision yet." in client.get(page).get_data(as_text=True)
    post(client, page, f"{page}/decide", {"status": "shortlisted"})
    refused = post(client, page, f"{page}/decide", {"status": "published"}, follow_redirects=True)
    assert "did not allow publishing" in refused.get_data(as_text=True)
    html = client.get(page).get_data(as_text=True)
    log = html[html.index("Decision log") :]
    assert staff.login in log and "Shortlist" in log and "Shortlisted" in log
    with app.app_context():
        assert [row[3] for row in _log(work_id)] == [WorkState.SHORTLISTED]


def test_the_work_page_offers_publishing_and_printing_as_two_decisions(app, client, login_user_as):
    """Publish, then select: both show, and each has its own way back."""
    login_user_as(client, app, "curator", decider=True)
    with app.app_context():
        work_id = make_work().id
    page = f"/curate/works/{work_id}"
    html = client.get(page).get_data(as_text=True)
    assert 'value="published"' in html and 'value="selected"' in html
    assert 'value="unpublished"' not in html
    post(client, page, f"{page}/decide", {"status": "published"})
    post(client, page, f"{page}/decide", {"status": "selected"})
    html = client.get(page).get_data(as_text=True)
    assert "Published and selected for print" in html
    assert 'value="unpublished"' in html and 'value="unselected"' in html
    assert 'value="published"' not in html and 'value="selected"' not in html
    post(client, page, f"{page}/decide", {"status": "unpublished"})
    with app.app_context():
        assert db.session.get(Work, work_id).state == WorkState.SELECTED


def test_cli_set_status_applies_the_same_rules_and_logs_cli(app, runner):
    """Allowed: status changes, logged with no user as "cli". Refused: message, exit 1."""
    with app.app_context():
        ok = make_work().id
        no_print = make_work(consent_print=False).id
        withdrawn = make_work(state=WorkStatus.WITHDRAWN).id
    result = runner.invoke(args=["works", "set-status", str(ok), "published"])
    assert result.exit_code == 0, result.output
    assert result.output == f"{ok}\tnew -> published\n"
    both = runner.invoke(args=["works", "set-status", str(ok), "selected"])
    assert both.output == f"{ok}\tpublished -> published+selected\n"
    again = runner.invoke(args=["works", "set-status", str(ok), "selected"])
    assert again.output == f"{ok}\tselected\tunchanged\n"
    refused = runner.invoke(args=["works", "set-status", str(no_print), "selected"])
    assert refused.exit_code == 1
    assert "did not allow printing" in refused.output
    assert runner.invoke(args=["works", "set-status", str(withdrawn), "declined"]).exit_code == 1
    missing = runner.invoke(args=["works", "set-status", "999", "declined"])
    assert missing.exit_code == 1 and "no work with id 999" in missing.output
    assert runner.invoke(args=["works", "set-status", str(ok), "withdrawn"]).exit_code == 2
    with app.app_context():
        assert _log(ok) == [
            (None, DecisionSource.CLI, DecisionAction.PUBLISHED, WorkState.PUBLISHED),
            (None, DecisionSource.CLI, DecisionAction.SELECTED, WorkState.PUBLISHED_SELECTED),
        ]
        assert _log(no_print) == [] and _log(withdrawn) == []
