"""Operator commands: ``flask --app wsgi works …`` and ``flask --app wsgi storage …``.

Each command is a thin call into a domain function; output is tab-separated for scripts.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from gallery.accounts.cli import user_cli
from gallery.extensions import db

works_cli = AppGroup("works", help="Inspect and decide on works.")
storage_cli = AppGroup("storage", help="Maintain the file store.")


def _cell(value: object) -> str:
    """Format one column: no tabs or newlines inside a cell."""
    return " ".join(str(value).split())


@works_cli.command("list")
def list_works() -> None:
    """Print one line per work, oldest first: id, status, title, credit (tab separated)."""
    from gallery.works import work_rows

    for row in work_rows():
        click.echo("\t".join(_cell(v) for v in row))


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


def register_cli(app: Flask) -> None:
    """Attach the command groups to ``app``."""
    app.cli.add_command(works_cli)
    app.cli.add_command(storage_cli)
    app.cli.add_command(user_cli)
