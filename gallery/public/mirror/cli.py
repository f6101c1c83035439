"""The ``mirror`` command: the public site as static files in a folder."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import current_app, url_for
from flask.cli import with_appcontext


def _web_address(value: str | None, name: str) -> str | None:
    """Return ``value`` if it is an http(s) address with a host, else stop with a usage error."""
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"not an http(s) address: {value}", param_hint=name)
    return value


@click.command("mirror")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--base-url",
    help="The address DEST is served at (https://mirror.example/): absolute links in the "
    "Atom feed. Without it the feed's links are relative (xml:base).",
)
@click.option(
    "--submit-url",
    help="Where \"Submit artwork\" leads: the live site's /submit. Default: the live site's "
    "own /submit when SERVER_NAME is set, else the link is left out and pages say so.",
)
@click.option(
    "--file-links",
    is_flag=True,
    help="Links name index.html, so the copy can be browsed from a disk (file://).",
)
@click.option(
    "--full",
    is_flag=True,
    help="Trust nothing the last run remembers: make every file again, compare it with DEST "
    "and remove anything else there (after DEST was changed by hand).",
)
@with_appcontext
def mirror_command(
    dest: Path, base_url: str | None, submit_url: str | None, file_links: bool, full: bool
) -> None:
    """Write the public site, in every language, as static files into DEST.

    DEST is new, empty, or the folder of an earlier mirror: only changed files are written,
    and files that are no longer public (withdrawn, deleted …) are removed.
    """
    from gallery.public.mirror.links import LinkStyle, MirrorError
    from gallery.public.mirror.operations import mirror_site

    base_url = _web_address(base_url, "--base-url")
    if base_url is not None and not base_url.endswith("/"):
        base_url += "/"
    submit_url = _web_address(submit_url, "--submit-url")
    if submit_url is None and current_app.config.get("SERVER_NAME"):
        submit_url = url_for("submissions.submit", _external=True)
    style = LinkStyle(file_links=file_links, base_url=base_url, submit_url=submit_url)
    try:
        report = mirror_site(dest, style=style, full=full)
    except MirrorError as error:
        raise click.ClickException(str(error)) from error
    if submit_url is None:
        click.echo("note\tno --submit-url: pages leave out the submit link and say so")
    click.echo(
        f"mirrored\t{report.works} works\t{report.packs} packs\t{report.languages} languages"
        f"\t{report.files} files\t{report.written} written\t{report.removed} removed"
    )


commands = (mirror_command,)
