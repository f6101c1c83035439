"""Print commands: ``flask --app wsgi layouts …``, ``presets …``, ``export …`` and
``preflight FILE.pdf``.

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
from gallery.models import Export, ExportKind, ExportState
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


SHEET_ONLY = {
    "--fill": "fill",
    "--start-at": "start_at",
    "--no-credits-page": "no_credits_page",
    "--crop-marks": "crop_marks",
    "--cut-lines": "cut_lines",
}


@click.command("export")
@click.option("--layout", "layout_id", help="Layout id (see `layouts list`), for sheets.")
@click.option("--singles", is_flag=True, help="Die-cut singles: one sticker per page.")
@click.option("--size", type=float, help="Singles: longer side of the cut path in mm.")
@click.option("--shape", type=click.Choice(["rect", "rounded", "circle"]), help="Singles shape.")
@click.option("--preset", "preset_id", help="Print-shop preset id (see `presets list`).")
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
@click.option("--cmyk", is_flag=True, help="Convert the art to the press CMYK profile.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--credits",
    "credits_output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Singles: also write the credits PDF here.",
)
@with_appcontext
def export_command(**given) -> None:
    """Write a print-ready PDF/X-4 file, exactly as the web export makes it: sticker sheets on
    a layout, or die-cut singles for a print shop (one sticker per page)."""
    _check_choice(given)
    ids = [w.id for w in operations.printable_works()] if given["selected"] else given["work_ids"]
    if not ids:
        raise click.ClickException("no works are selected for print")
    preset = _preset(given["preset_id"])
    locale = current_app.config["BABEL_DEFAULT_LOCALE"]
    try:
        with force_locale(locale):
            if given["singles"]:
                export = _start_singles(given, preset, list(ids), locale)
            else:
                export = _start_sheets(given, preset, list(ids), locale)
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
    _report(export)
    storage = get_storage()
    given["output"].write_bytes(storage.read(export.pdf_key))
    if given["credits_output"] and export.credits_key:
        given["credits_output"].write_bytes(storage.read(export.credits_key))
    unit = "pages" if export.kind is ExportKind.SINGLES else "sheets"
    click.echo(
        f"{given['output']}\t{export.sheets} {unit}\t{export.pdf_size} bytes\texport {export.id}"
    )


def _check_choice(given: dict) -> None:
    """Refuse option combinations that mean nothing (sheets options on singles and back)."""
    if given["selected"] == bool(given["work_ids"]):
        raise click.UsageError("give either --selected or one or more --work ID")
    if given["singles"]:
        if given["layout_id"]:
            raise click.UsageError("--singles makes one sticker per page: leave out --layout")
        if given["size"] is None:
            raise click.UsageError("--singles needs --size MM (the longer side of the cut)")
        unused = [flag for flag, name in SHEET_ONLY.items() if given[name]]
        if given["credit"] == "under":
            unused.append("--credit under")
        if unused:
            raise click.UsageError(f"not with --singles: {', '.join(unused)}")
    else:
        if not given["layout_id"]:
            raise click.UsageError("give --layout ID for sheets, or --singles --size MM")
        unused = [f for f, n in (("--size", "size"), ("--shape", "shape")) if given[n]]
        if given["credits_output"]:
            unused.append("--credits (sheets hold a credits page)")
        if unused:
            raise click.UsageError(f"only with --singles: {', '.join(unused)}")


def _preset(preset_id: str | None):
    """Return the preset named on the command line (or None); stop on an unknown id."""
    if not preset_id:
        return None
    preset = catalog.get_preset(preset_id)
    if preset is None:
        raise click.ClickException(f"unknown preset {preset_id!r}; see `presets list`")
    return preset


def _start_singles(given: dict, preset, ids: list[int], locale: str) -> Export:
    """Queue a die-cut singles export from the command line's choices."""
    from gallery.printing import singles_ops

    preset = preset or catalog.get_preset(singles_ops.DEFAULT_PRESET)
    values = _given(
        size_mm=given["size"],
        shape=given["shape"],
        bleed_mm=given["bleed"],
        credit=given["credit"],
        cmyk=True if given["cmyk"] else None,
    )
    options = singles_ops.singles_options(values, preset)
    return singles_ops.start_singles(
        items=[(i, given["copies"]) for i in ids], options=options, by=None, language=locale
    )


def _start_sheets(given: dict, preset, ids: list[int], locale: str) -> Export:
    """Queue a sticker-sheet export from the command line's choices."""
    layout = catalog.get_layout(given["layout_id"])
    if layout is None:
        raise click.ClickException(f"unknown layout {given['layout_id']!r}; see `layouts list`")
    chosen = {**(preset.option_values() if preset else {})}
    chosen |= _given(
        start_at=given["start_at"],
        bleed_mm=given["bleed"],
        credit=given["credit"],
        credits_page=False if given["no_credits_page"] else None,
        crop_marks=True if given["crop_marks"] else None,
        cut_lines=True if given["cut_lines"] else None,
        cmyk=True if given["cmyk"] else None,
    )
    options = operations.export_options(layout, chosen)
    return operations.start_export(
        layout=layout,
        items=[(i, given["copies"]) for i in ids],
        options=options,
        fill=given["fill"],
        by=None,
        language=locale,
    )


def _report(export: Export) -> None:
    """Tell stderr about low resolution, cut spacing and every preflight result not ok."""
    for warning in export.warning_list:
        kind = warning.get("kind", "resolution")
        if kind == "resolution":
            click.echo(
                f"warning: work {warning['work_id']} ({cell(warning['title'])}) prints at "
                f"{warning['dpi']} dpi, below {current_app.config['PRINT_MIN_DPI']} dpi",
                err=True,
            )
        else:
            what = "two cut paths are" if kind == "cut_gap" else "a cut path is"
            where = "apart" if kind == "cut_gap" else "from the sheet edge"
            click.echo(
                f"warning: on sheet {warning['sheet']} {what} {warning['mm']} mm {where}, "
                f"less than the {warning['min']:g} mm shops ask for",
                err=True,
            )
    from gallery.printing.engine.preflight import REASONS

    for part, results in export.preflight_results.items():
        for item in results:
            if item["status"] != "ok":
                reason = REASONS[item["code"]] % item["values"]
                click.echo(
                    f"preflight {part}: {item['status']}\t{item['check']}\t{reason}", err=True
                )


@click.command("preflight")
@click.argument("pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--preset", "preset_id", help="Check against this print-shop preset's limits.")
@with_appcontext
def preflight_command(pdf: Path, preset_id: str | None) -> None:
    """Check any PDF as a sticker print shop would: one line per check (status, check, reason,
    tab separated); exit status 1 when a check fails."""
    # pikepdf and the checks load only for this command.
    from gallery.printing.engine.preflight import Limits, failed, preflight

    preset = _preset(preset_id)
    min_ppi = int(current_app.config["PRINT_MIN_DPI"])
    if preset is None:
        limits = Limits(min_ppi=min_ppi)
    else:
        limits = Limits(
            cut_spot=preset.cut_spot,
            min_cut_gap_mm=preset.min_cut_gap_mm,
            min_edge_mm=preset.min_edge_mm,
            min_ppi=preset.min_dpi or min_ppi,
            requires_cut=preset.requires_cut,
        )
    checks = preflight(pdf, limits)
    for check in checks:
        click.echo(check.line())
    if failed(checks):
        raise SystemExit(1)


presets_cli = AppGroup("presets", help="List print-shop presets.")


@presets_cli.command("list")
def list_presets() -> None:
    """Print one line per preset: id, name, colour (cmyk or rgb), specification."""
    for preset in sorted(catalog.all_presets().values(), key=lambda p: p.id):
        row = (preset.id, preset.name, "cmyk" if preset.cmyk else "rgb", preset.specification)
        click.echo("\t".join(cell(v) for v in row))


commands = (layouts_cli, presets_cli, export_command, preflight_command)
