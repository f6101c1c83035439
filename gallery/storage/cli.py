"""Storage commands: ``flask --app wsgi storage …`` (output tab-separated, for scripts)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from PIL import Image

from gallery.cli import echo_checks
from gallery.extensions import db

storage_cli = AppGroup("storage", help="Maintain the file store.")


@storage_cli.command("init")
def init() -> None:
    """Create the bucket when it is missing, then check writing, reading and deleting a file."""
    from gallery.storage.files import get_storage
    from gallery.storage.probe import bucket_check, probe

    storage = get_storage()
    store = bucket_check(storage, create=True)
    echo_checks([store] if store.failed else [store, *probe(storage)])


@storage_cli.command("sweep")
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
def sweep(dry_run: bool) -> None:
    """Remove files without rows and report rows without files."""
    from gallery.storage.sweep import sweep_storage

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


commands = (storage_cli,)
