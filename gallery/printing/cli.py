"""Print commands: ``flask --app wsgi layouts …`` and ``flask --app wsgi export …``.

Each is a thin call into the catalogue or the export operations; listings are tab separated
with no header, problems go to stderr with a non-zero exit status.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale

from gallery import jobs
from gallery.cli import cell
from gallery.extensions import db
from gallery.models import Export, ExportState
from gallery.printing import catalog, operations
from gallery.printing.engine.glabels import glabels_default_dir, import_glabels, write_imported
from gallery.storage.files import get_storage

layouts_cli = AppGroup("layouts", help="List and import sticker-sheet layouts.")


@layouts_cli.command("list")
@click.option("--search", default="", help="Only layouts whose brand, part or name match.")
def list_layouts(search: str) -> None:
    """Print one line per layout: id, name, page size, labels per sheet (tab separated)."""
    for layout in catalog.find_layouts(search):
        row = (layout.id, layout.name, layout.page_size, layout.labels_per_sheet)
        click.echo("\t".join(cell(v) for v in row))


@layouts_cli.command("import-glabels")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def import_glabels_command(path: Path | None) -> None:
    """Import gLabels templates (a file or folder; default: where glabels-data installs them)."""
    source = path or glabels_default_dir()
    if source is None:
        raise click.ClickException(
            "no gLabels templates found: install glabels-data or give a file or folder"
        )
    layouts = import_glabels(source)
    written = write_imported(layouts, catalog.import_dir())
    catalog.forget()
    click.echo(f"{written} layouts imported")


def _given(**options) -> dict:
    """Return the options given on the command line; the others keep the layout's defaults."""
    return {key: value for key, value in options.items() if value is not None}


@click.command("export")
@click.option("--layout", "layout_id", required=True, help="Layout id (see `layouts list`).")
@click.option("--selected", is_flag=True, help="Every work selected for print.")
@click.option("--work", "work_ids", multiple=True, type=int, help="A work id (repeatable).")
@click.option("--copies", default=1, type=click.IntRange(1, operations.MAX_COPIES))
@click.option("--fill", is_flag=True, help="Repeat the works until the last sheet is full.")
@click.option("--start-at", type=int, help="First free label on a partly used sheet.")
@click.option("--bleed", type=float, help="Bleed in mm.")
@click.option("--credit", type=click.Choice(["on", "under", "off"]), help="Credit line place.")
@click.option("--no-credits-page", is_flag=True, help="Leave out the credits page.")
@click.option("--crop-marks", is_flag=True)
@click.option("--cut-lines", is_flag=True)
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(
    layout_id: str,
    selected: bool,
    work_ids: tuple[int, ...],
    copies: int,
    fill: bool,
    start_at: int | None,
    bleed: float | None,
    credit: str | None,
    no_credits_page: bool,
    crop_marks: bool,
    cut_lines: bool,
    output: Path,
) -> None:
    """Write a print-ready sticker-sheet PDF, exactly as the web export makes it."""
    layout = catalog.get_layout(layout_id)
    if layout is None:
        raise click.ClickException(f"unknown layout {layout_id!r}; see `layouts list`")
    if selected == bool(work_ids):
        raise click.UsageError("give either --selected or one or more --work ID")
    ids = [w.id for w in operations.printable_works()] if selected else list(work_ids)
    if not ids:
        raise click.ClickException("no works are selected for print")
    chosen = _given(
        start_at=start_at,
        bleed_mm=bleed,
        credit=credit,
        credits_page=False if no_credits_page else None,
        crop_marks=True if crop_marks else None,
        cut_lines=True if cut_lines else None,
    )
    try:
        options = operations.export_options(layout, chosen)
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            export = operations.start_export(
                layout=layout,
                items=[(i, copies) for i in ids],
                options=options,
                fill=fill,
                by=None,
                language=current_app.config["BABEL_DEFAULT_LOCALE"],
            )
    except operations.ExportRefused as refused:
        raise click.ClickException("\n".join(refused.messages())) from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    # The terminal waits for its PDF whatever JOB_BACKEND the web app uses.
    jobs.run_job("export", export.id)
    export = db.session.get(Export, export.id)
    if export is None or export.state is not ExportState.DONE or not export.pdf_key:
        reason = export.error if export is not None else "the export disappeared"
        raise click.ClickException(f"the PDF could not be made: {reason}")
    for warning in export.warning_list:
        click.echo(
            f"warning: work {warning['work_id']} ({cell(warning['title'])}) prints at "
            f"{warning['dpi']} dpi, below {options.min_dpi} dpi",
            err=True,
        )
    output.write_bytes(get_storage().read(export.pdf_key))
    click.echo(f"{output}\t{export.sheets} sheets\t{export.pdf_size} bytes\texport {export.id}")


commands = (layouts_cli, export_command)
