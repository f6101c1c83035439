"""Jury progress: works short of votes, votes per work, comparisons, each curator's counts;
the same figures from `flask --app wsgi curation coverage`."""

from __future__ import annotations

import re

from gallery.models import ComparisonOutcome
from tests.factories import (
    make_comment,
    make_comparison,
    make_conflict,
    make_user,
    make_vote,
    make_work,
)


def jury(app) -> dict:
    """Curators ann and bob, five works being judged (one declined aside), some judgements.

    Votes: w0 ×3, w1 ×2, w2 ×1, w3 and w4 none. Comparisons: w0–w1 (ann), w1–w2 (bob), and a
    skip w3–w4 that does not count. Bob declared a conflict with w4's entry; ann commented.
    """
    ann = make_user("curator", login="ann", app=app)
    bob = make_user("curator", login="bob", app=app)
    cid = make_user("curator", "admin", login="cid", app=app)
    make_user("printer", login="pat", app=app)
    works = [make_work(title=f"w{n}", app=app) for n in range(5)]
    make_work(title="done", state="declined", app=app)
    for user, work in ((ann, 0), (bob, 0), (cid, 0), (ann, 1), (bob, 1), (ann, 2)):
        make_vote(user=user.id, work=works[work].id, app=app)
    make_comparison(user=ann.id, left=works[0].id, right=works[1].id, app=app)
    make_comparison(user=bob.id, left=works[1].id, right=works[2].id, app=app)
    make_comparison(
        user=ann.id, left=works[3].id, right=works[4].id, outcome=ComparisonOutcome.SKIP, app=app
    )
    make_conflict(user=bob.id, work=works[4].id, app=app)
    make_comment(user=ann.id, work=works[0].id, app=app)
    return {"works": [w.id for w in works]}


def test_the_page_shows_who_did_what_and_which_works_lack_votes(app, client, login_user_as):
    """Fewest votes first; per-curator counts; a way into "Judge the next work"."""
    ids = jury(app)["works"]
    login_user_as(client, app, "curator")
    html = client.get("/curate/coverage").get_data(as_text=True)
    assert "Works being judged: 5; with 3 votes or more: 1; with fewer: 4." in html
    assert 'href="/curate/next"' in html
    listed = [int(i) for i in re.findall(r'<a href="/curate/works/(\d+)">w\d', html)]
    assert listed == [ids[3], ids[4], ids[2], ids[1]]  # 0, 0 votes; then 1; then 2
    rows = re.findall(r"<tr><td>(\w+)</td>" + r'<td class="number">(\d+)</td>' * 5, html)
    # By login; the last row is the test's own account, which has done nothing yet.
    assert rows[:3] == [
        ("ann", "3", "2", "1", "1", "0"),
        ("bob", "2", "2", "1", "0", "1"),
        ("cid", "1", "4", "0", "0", "0"),
    ]
    assert len(rows) == 4 and rows[3][1:] == ("0", "5", "0", "0", "0")
    assert "pat" not in [row[0] for row in rows], "printers are not on the jury"
    histogram = re.findall(r'<tr><td>([^<]+)</td><td class="number">(\d+)</td></tr>', html)
    assert histogram == [("0", "2"), ("1", "1"), ("2", "1"), ("3 or more", "1")]
    assert "2 comparisons so far (skips not counted)." in html
    assert "2 works being judged have never been compared." in html
    every = client.get("/curate/coverage?all=1").get_data(as_text=True)
    assert len(re.findall(r'<a href="/curate/works/(\d+)">w\d', every)) == 5


def test_the_threshold_is_a_setting(app, client, login_user_as):
    """COVERAGE_MIN_VOTES=1: only the two works nobody voted on are short."""
    ids = jury(app)["works"]
    app.config["COVERAGE_MIN_VOTES"] = 1
    login_user_as(client, app, "admin")
    html = client.get("/curate/coverage").get_data(as_text=True)
    assert "with 1 votes or more: 3; with fewer: 2." in html
    listed = [int(i) for i in re.findall(r'<a href="/curate/works/(\d+)">w\d', html)]
    assert listed == [ids[3], ids[4]]


def test_printers_are_refused_and_visitors_sent_to_log_in(app, client, login_user_as):
    """Curators and admins only."""
    assert client.get("/curate/coverage").status_code == 302
    login_user_as(client, app, "printer")
    assert client.get("/curate/coverage").status_code == 403


def test_the_command_prints_the_same_figures_tab_separated(app, runner):
    """One line per figure, no header; work lines fewest votes first; curators by login."""
    ids = jury(app)["works"]
    result = runner.invoke(args=["curation", "coverage"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "judging\t5",
        "min-votes\t3",
        "covered\t1",
        "votes\t0\t2",
        "votes\t1\t1",
        "votes\t2\t1",
        "votes\t3+\t1",
        "never-compared\t2",
        "comparisons\t2",
        f"work\t{ids[3]}\t0\t0\tw3",
        f"work\t{ids[4]}\t0\t0\tw4",
        f"work\t{ids[2]}\t1\t1\tw2",
        f"work\t{ids[1]}\t2\t2\tw1",
        "curator\tann\t3\t2\t1\t1\t0",
        "curator\tbob\t2\t2\t1\t0\t1",
        "curator\tcid\t1\t4\t0\t0\t0",
    ]
    every = runner.invoke(args=["curation", "coverage", "--all"]).output.splitlines()
    assert f"work\t{ids[0]}\t3\t1\tw0" in every


def test_works_list_keeps_its_seven_columns(app, runner):
    """The new figures live in their own command: `works list` is unchanged."""
    jury(app)
    lines = runner.invoke(args=["works", "list"]).output.splitlines()
    assert [len(line.split("\t")) for line in lines] == [7] * 6
