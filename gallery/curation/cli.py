"""Curation commands: ``flask --app wsgi works …`` (output tab-separated, for scripts)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from gallery.cli import cell
from gallery.curation.operations import DECISIONS
from gallery.extensions import db

works_cli = AppGroup("works", help="Inspect and decide on works.")


@works_cli.command("list")
def list_works() -> None:
    """Print one line per work, oldest first (tab separated): id, status, title, credit,
    votes, mean score, pairwise strength."""
    from gallery.curation.scores.works import work_rows

    for row in work_rows():
        click.echo("\t".join(cell(v) for v in row))


@works_cli.command("set-status")
@click.argument("work_id", type=int)
@click.argument("status", type=click.Choice([s.value for s in DECISIONS]))
def set_status(work_id: int, status: str) -> None:
    """Decide on a work from the terminal, with the same rules as the curation pages.

    Publishing and selecting for print are separate decisions: ``published`` then
    ``selected`` leaves the work on the site and in ``export --selected``; ``unpublished``
    and ``unselected`` take either back, ``shortlisted`` and ``declined`` take both back.
    """
    from gallery.curation.operations import DecisionRefused, decide
    from gallery.models import DecisionAction, Work

    work = db.session.get(Work, work_id)
    if work is None:
        raise click.ClickException(f"no work with id {work_id}")
    before = work.state
    try:
        decision = decide(work=work, action=DecisionAction(status), by=None)
    except DecisionRefused as refused:
        # The terminal has no request to pick a language from: use the site's default.
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            reason = str(refused.reason)
        raise click.ClickException(f"work {work_id}: refused: {reason}") from None
    db.session.commit()
    if decision is None:
        click.echo(f"{work_id}\t{status}\tunchanged")
    else:
        click.echo(f"{work_id}\t{before.value} -> {work.state.value}")


@works_cli.command("find-duplicates")
def find_duplicates() -> None:
    """Flag look-alike works (perceptual hashes close) that are not flagged yet."""
    from gallery.curation.duplicates import find_all_near_duplicates

    pairs = find_all_near_duplicates()
    db.session.commit()
    for pair in pairs:
        click.echo(f"{pair.first_id}\t{pair.second_id}\t{pair.distance}")
    click.echo(f"{len(pairs)} new near-duplicate pairs")


curation_cli = AppGroup("curation", help="See how far the jury is.")


@curation_cli.command("coverage")
@click.option("--all", "show_all", is_flag=True, help="List every work being judged.")
def coverage_command(show_all: bool) -> None:
    """Print the jury's progress, tab separated, as the coverage page shows it.

    Lines: ``judging`` N; ``min-votes`` N; ``covered`` N; ``votes`` n works (n = 0 … then
    "N+"); ``never-compared`` N; ``comparisons`` N; then ``work`` id votes comparisons title
    for each work short of votes (every work being judged with --all), fewest votes first;
    then ``curator`` login votes to-judge comparisons comments conflicts.
    """
    from gallery.curation.deliberation.coverage import coverage, min_votes, works_short_of_votes

    wanted = min_votes()
    figures = coverage(min_votes=wanted)
    lines = [("judging", figures.judging), ("min-votes", wanted), ("covered", figures.covered)]
    lines += [("votes", n, count) for n, count in enumerate(figures.by_votes[:-1])]
    lines += [("votes", f"{wanted}+", figures.covered)]
    lines += [("never-compared", figures.never_compared), ("comparisons", figures.comparisons)]
    rows, _total = works_short_of_votes(min_votes=None if show_all else wanted, size=None)
    lines += [("work", r.work.id, r.votes, r.comparisons, r.work.title) for r in rows]
    lines += [
        ("curator", c.login, c.votes, c.to_judge, c.comparisons, c.comments, c.conflicts)
        for c in figures.curators
    ]
    for line in lines:
        click.echo("\t".join(cell(v) for v in line))


commands = (works_cli, curation_cli)
