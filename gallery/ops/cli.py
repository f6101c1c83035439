"""Operator commands: ``backup``, ``restore``, ``retention``, ``doctor``, ``jobs worker``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from gallery.cli import echo_checks
from gallery.extensions import db


@click.command("backup")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    help="Then remove older backups beside DEST, keeping the newest N (DEST included).",
)
@with_appcontext
def backup_command(dest: Path, keep: int | None) -> None:
    """Write a consistent backup of database and files into DEST (new or empty folder)."""
    from gallery.ops.backup import BackupError, backup, rotate

    try:
        summary = backup(dest)
        removed = rotate(dest, keep) if keep is not None else []
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    for path in removed:
        click.echo(f"removed backup\t{path}")
    click.echo(
        f"backed up\t{summary.entries} entries\t{summary.works} works\t{summary.files} files"
    )


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--deletions",
    "ledgers",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A deletions.json of a newer backup: delete its works again (repeatable).",
)
@with_appcontext
def restore_command(source: Path, ledgers: tuple[Path, ...]) -> None:
    """Restore a backup from SOURCE into an empty database and upload store, then verify it.

    Works deleted after the backup was taken (recorded in SOURCE, in newer backups beside it
    or in --deletions files) are deleted again.
    """
    from gallery.ops.backup import BackupError, restore, verify

    try:
        summary = restore(source, ledgers=ledgers)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    problems = verify(source)
    for problem in problems:
        click.echo(f"problem\t{problem}", err=True)
    if summary.forgotten:
        click.echo(f"deleted again\t{summary.forgotten} works deleted after the backup")
    click.echo(f"restored\t{summary.entries} entries\t{summary.works} works\t{summary.files} files")
    if problems:
        raise click.ClickException(f"{len(problems)} problems after restore")


@click.command("retention")
@click.option("--closed-on", help="Day the call closed, YYYY-MM-DD (default: CALL_CLOSED_ON).")
@click.option("--days", type=int, help="Days to keep after closing (default: RETENTION_DAYS).")
@with_appcontext
def retention_command(closed_on: str | None, days: int | None) -> None:
    """Delete declined works and erase private contacts N days after the call closed."""
    from gallery.ops.retention import apply_retention

    closed = closed_on or current_app.config.get("CALL_CLOSED_ON")
    if not closed:
        raise click.UsageError("give --closed-on YYYY-MM-DD or set GALLERY_CALL_CLOSED_ON")
    try:
        closed_day = date.fromisoformat(str(closed))
    except ValueError as error:
        raise click.UsageError(f"not a date: {closed}") from error
    keep = days if days is not None else int(current_app.config["RETENTION_DAYS"])
    report = apply_retention(closed_on=closed_day, days=keep)
    db.session.commit()
    click.echo(
        f"deleted works\t{report.works_deleted}\terased contacts\t{report.contacts_erased}"
        f"\tdeleted entries\t{report.entries_deleted}"
    )


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check this set-up for several processes or machines: one line per check, ok/warn/fail."""
    from gallery.ops.doctor import run_checks

    echo_checks(run_checks(current_app._get_current_object()))


@click.group("jobs")
def jobs_cli() -> None:
    """Background job workers."""


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run exports from the Redis queue (JOB_BACKEND=rq); start as many as you like."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    from gallery.ops.housekeeping import start_sweeping

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.UsageError("set GALLERY_REDIS_URL (and GALLERY_JOB_BACKEND=rq)")
    # Start-up housekeeping, then a sweep every little while: a job whose worker died on any
    # host is failed even when nobody looks at it.
    start_sweeping(current_app._get_current_object())
    connection = Redis.from_url(url)
    queue = Queue(current_app.config["JOB_QUEUE"], connection=connection)
    # SimpleWorker runs jobs in this process, inside the app context the command set up;
    # a forking worker would share the parent's database connections with its children.
    SimpleWorker([queue], connection=connection).work(burst=burst, with_scheduler=False)


commands = (backup_command, restore_command, retention_command, doctor_command, jobs_cli)
