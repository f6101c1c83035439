"""Print commands: `layouts list`, `layouts import-glabels` and `export` (tests/test_cli.py
already owns the module name test_cli, hence this file's name)."""

from __future__ import annotations

import pytest

from gallery.extensions import db
from gallery.models import Export, ExportState, WorkState, WorkStatus
from gallery.printing.engine.glabels import glabels_default_dir
from tests.factories import store_work
from tests.printing.export_kit import (
    A4,
    LAYOUT,
    pdf_pages,
    sharp_jpeg,
    small_png,
)
from tests.printing.render_kit import TOL_MM

TEMPLATE = """<?xml version="1.0"?>
<Glabels-templates>
  <Template brand="Acme" part="ST-12" size="A4" _description="Sticker sheet">
    <Label-rectangle id="0" width="60mm" height="40mm" round="2mm">
      <Layout nx="3" ny="2" x0="10mm" y0="20mm" dx="65mm" dy="45mm"/>
    </Label-rectangle>
  </Template>
</Glabels-templates>
"""


def _rows(result) -> list[list[str]]:
    """Split a tab-separated listing into rows of cells."""
    assert result.exit_code == 0, result.output
    return [line.split("\t") for line in result.stdout.splitlines()]


def test_layouts_list_prints_id_name_page_size_and_labels_per_sheet(runner):
    """One tab-separated line per layout, no header; --search narrows by brand, part, name."""
    rows = _rows(runner.invoke(args=["layouts", "list"]))
    assert len(rows) == 12 and all(len(row) == 4 for row in rows)
    by_id = {row[0]: row for row in rows}
    assert by_id[LAYOUT] == [LAYOUT, "A4 sticker paper, 6 squares 90 × 90 mm", "A4", "6"]
    assert by_id["avery-5160"][2:] == ["US Letter", "30"]
    found = _rows(runner.invoke(args=["layouts", "list", "--search", "avery L7163"]))
    assert [row[0] for row in found] == ["avery-l7163"]


def test_import_glabels_from_a_file_adds_searchable_layouts(runner, tmp_path):
    """A small template file is imported into the instance folder and listed right away."""
    source = tmp_path / "acme-templates.xml"
    source.write_text(TEMPLATE)
    result = runner.invoke(args=["layouts", "import-glabels", str(source)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "1 layouts imported"
    assert (tmp_path / "imported-layouts" / "glabels-acme-st-12.toml").is_file()
    [row] = _rows(runner.invoke(args=["layouts", "list", "--search", "acme st-12"]))
    assert row[0] == "glabels-acme-st-12" and row[2:] == ["A4", "6"]


@pytest.mark.skipif(
    glabels_default_dir() is None,
    reason="glabels-data not installed; apt-get install glabels-data",
)
def test_import_glabels_from_the_installed_templates(runner):
    """Without a path the machine's gLabels templates are imported (well over a thousand)."""
    result = runner.invoke(args=["layouts", "import-glabels"])
    assert result.exit_code == 0, result.output
    count = int(result.stdout.split()[0])
    assert count > 1000
    rows = _rows(runner.invoke(args=["layouts", "list", "--search", "avery l7160"]))
    assert {"avery-l7160", "glabels-avery-l7160"} <= {row[0] for row in rows}


def test_export_writes_the_pdf_and_warns_about_low_resolution_on_stderr(app, runner, tmp_path):
    """--selected exports the selected, consented works; a small image is a warning, not a stop."""
    sharp = store_work(
        image=sharp_jpeg(), credit="Jane Doe", title="Sunrise", state=WorkState.SELECTED, app=app
    ).id
    small = store_work(
        image=small_png(), credit="", title="Tiny", state=WorkState.SELECTED, app=app
    ).id
    store_work(image=sharp_jpeg(), credit="Not Chosen", state=WorkStatus.SHORTLISTED, app=app)
    out = tmp_path / "sheet.pdf"
    result = runner.invoke(
        args=["export", "--layout", LAYOUT, "--selected", "--copies", "2", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"warning: work {small} (Tiny) prints at" in result.stderr
    assert f"work {sharp}" not in result.stderr
    assert result.stdout.startswith(f"{out}\t1 sheets\t")
    pages = pdf_pages(out.read_bytes())
    assert len(pages) == 2
    width, height, text = pages[0]
    assert abs(width - A4[0]) < TOL_MM and abs(height - A4[1]) < TOL_MM
    assert text.count("Jane Doe") == 2 and "Not Chosen" not in text
    assert "Anonymous" in pages[1][2] and "Tiny" in pages[1][2]
    with app.app_context():
        export = db.session.query(Export).one()
        assert export.state is ExportState.DONE and export.created_by_id is None


def test_export_options_from_the_command_line(app, runner, tmp_path):
    """--no-credits-page, --credit off, --fill and --start-at shape the PDF."""
    store_work(image=sharp_jpeg(), credit="Jane Doe", state=WorkState.SELECTED, app=app)
    out = tmp_path / "filled.pdf"
    args = ["export", "--layout", LAYOUT, "--selected", "--fill", "--start-at", "3"]
    args += ["--credit", "off", "--no-credits-page", "--bleed", "1", "--output", str(out)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    pages = pdf_pages(out.read_bytes())
    assert len(pages) == 1 and "Jane Doe" not in pages[0][2]
    with app.app_context():
        options = db.session.query(Export).one().option_values
    assert (options["start_at"], options["bleed_mm"], options["credit"]) == (3, 1.0, "off")
    assert options["credits_page"] is False and options["crop_marks"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layout", "no-such-sheet", "--work", "1"], "unknown layout 'no-such-sheet'"),
        (["--layout", LAYOUT, "--work", "999"], "There is no work 999."),
        (["--layout", LAYOUT, "--work", "{refused}"], "did not agree to print"),
        (["--layout", LAYOUT], "give either --selected or one or more --work ID"),
    ],
)
def test_export_refuses_clearly_with_a_non_zero_exit(app, runner, tmp_path, args, message):
    """Unknown layout, unknown work and a work without print consent stop the command."""
    refused = store_work(
        image=sharp_jpeg(), consent_print=False, state=WorkState.SELECTED, app=app
    ).id
    out = tmp_path / "never.pdf"
    args = [a.format(refused=refused) for a in args]
    result = runner.invoke(args=["export", *args, "--output", str(out)])
    assert result.exit_code != 0
    assert message in result.stderr
    assert not out.exists()
