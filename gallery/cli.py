"""Operator commands: ``flask --app wsgi works …`` and ``flask --app wsgi storage …``.

Each command is a thin call into a domain function; output is tab-separated for scripts.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from PIL import Image

from gallery.accounts.cli import user_cli
from gallery.curation.operations import DECISIONS
from gallery.extensions import db
from gallery.printing.cli import register_print_cli

works_cli = AppGroup("works", help="Inspect and decide on works.")
storage_cli = AppGroup("storage", help="Maintain the file store.")


def _cell(value: object) -> str:
    """Format one column: no tabs or newlines inside a cell."""
    return " ".join(str(value).split())


@works_cli.command("list")
def list_works() -> None:
    """Print one line per work, oldest first (tab separated): id, status, title, credit,
    votes, mean score, pairwise strength."""
    from gallery.works import work_rows

    for row in work_rows():
        click.echo("\t".join(_cell(v) for v in row))


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


@storage_cli.command("sweep")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
def sweep(dry_run: bool) -> None:
    """Remove files without rows and report rows without files."""
    from gallery.sweep import sweep_storage

    report = sweep_storage(dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    for key in report.orphan_files:
        click.echo(f"{verb} file\t{key}")
    for work_id, key in report.missing_files:
        click.echo(f"{verb if not dry_run else 'would remove'} work\t{work_id}\tmissing {key}")
    if not dry_run:
        db.session.commit()
    click.echo(
        f"{len(report.orphan_files)} orphan files, {len(report.missing_files)} works without files"
    )


@storage_cli.command("print-sources")
def print_sources() -> None:
    """Make the reduced print source of every big work stored before print sources existed."""
    from sqlalchemy import select

    from gallery.models import Work
    from gallery.submissions.images import add_print_source

    made = failed = 0
    ids = db.session.scalars(select(Work.id).where(Work.print_factor == 1).order_by(Work.id))
    for work_id in list(ids):
        work = db.session.get(Work, work_id)
        try:
            factor = add_print_source(work)
            db.session.commit()  # one work at a time: an interrupted run keeps what it made
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            db.session.rollback()
            failed += 1
            click.echo(f"failed\t{work_id}\t{type(exc).__name__}")
            continue
        if factor:
            made += 1
            click.echo(f"made\t{work_id}\t{factor}\t{work.print_source_key}")
    click.echo(f"{made} print sources made, {failed} failed")


def register_cli(app: Flask) -> None:
    """Attach the command groups to ``app``."""
    app.cli.add_command(works_cli)
    app.cli.add_command(storage_cli)
    register_print_cli(app)
    from gallery.ops.cli import register_ops_cli

    register_ops_cli(app)
    app.cli.add_command(user_cli)
