"""Die-cut singles from the terminal and on /print/singles, print-shop presets, and the sheet
cut-spacing warnings printers see on the page and on stderr."""

from __future__ import annotations

import io

import pdfplumber
import pikepdf
import pytest

from gallery.extensions import db
from gallery.models import Export, ExportKind, ExportState, WorkState
from tests.conftest import csrf_token_in, log_in_as
from tests.factories import store_work
from tests.printing.export_kit import (
    form_query,
    sharp_jpeg,
    singles_form,
    small_png,
)
from tests.printing.render_kit import mm, png_master


@pytest.fixture
def works(app):
    """A credited photo, a credited transparent work and an anonymous photo, selected."""
    return [
        store_work(
            image=sharp_jpeg(),
            credit="Jane Doe",
            title="Sunrise",
            state=WorkState.SELECTED,
            app=app,
        ).id,
        store_work(
            image=png_master((1600, 1200)),
            credit="Ivan Petrov",
            title="Blob",
            state=WorkState.SELECTED,
            app=app,
        ).id,
        store_work(
            image=sharp_jpeg(), credit="", title="Nameless", state=WorkState.SELECTED, app=app
        ).id,
    ]


def test_export_singles_command_writes_both_files(app, runner, works, tmp_path):
    """`export --singles --size 50 --selected --copies 2` writes one page per copy and the
    credits file; the export is listed as singles with its preflight stored."""
    out, credits = tmp_path / "singles.pdf", tmp_path / "credits.pdf"
    args = ["export", "--singles", "--size", "50", "--selected", "--copies", "2"]
    result = runner.invoke(args=[*args, "--output", str(out), "--credits", str(credits)])
    assert result.exit_code == 0, result.output
    path, pages, _size, export = result.stdout.strip().split("\t")
    assert (path, pages) == (str(out), "6 pages") and export.startswith("export ")
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 6
        for page in pdf.pages:
            trim = [mm(float(v)) for v in page.TrimBox]
            assert abs(max(trim[2] - trim[0], trim[3] - trim[1]) - 50) < 0.05
    with pdfplumber.open(credits) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "Jane Doe" in text and "Ivan Petrov" in text and "Anonymous" in text
    with app.app_context():
        row = db.session.get(Export, int(export.split()[1]))
        assert row.kind is ExportKind.SINGLES and row.state is ExportState.DONE
        results = row.preflight_results
        assert {item["status"] for item in results["pdf"]} == {"ok"}
        assert {item["status"] for item in results["credits"]} == {"ok"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--singles", "--size", "50", "--layout", "avery-l7160"], "leave out --layout"),
        (["--singles"], "--singles needs --size"),
        (["--singles", "--size", "50", "--crop-marks"], "not with --singles: --crop-marks"),
        (["--singles", "--size", "50", "--credit", "under"], "--credit under"),
        (["--layout", "avery-l7160", "--size", "50"], "only with --singles: --size"),
        ([], "give --layout ID for sheets, or --singles --size MM"),
    ],
)
def test_export_refuses_choices_that_mean_nothing(runner, works, tmp_path, extra, message):
    """Sheet options on singles and back stop with a usage message (exit status 2)."""
    args = ["export", "--selected", "--output", str(tmp_path / "x.pdf"), *extra]
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    assert message in result.output


def test_export_singles_refuses_a_size_out_of_range_and_an_unknown_preset(runner, works, tmp_path):
    """Bad values stop with a message and exit status 1; nothing is written."""
    out = tmp_path / "x.pdf"
    base = ["export", "--singles", "--selected", "--output", str(out)]
    result = runner.invoke(args=[*base, "--size", "5"])
    assert result.exit_code == 1 and "size_mm" in result.output
    result = runner.invoke(args=[*base, "--size", "50", "--preset", "nope"])
    assert result.exit_code == 1 and "unknown preset 'nope'" in result.output
    assert not out.exists()


def test_presets_list_names_each_presets_specification(runner):
    """One line per preset: id, name, colour, the public specification it follows."""
    result = runner.invoke(args=["presets", "list"])
    assert result.exit_code == 0, result.output
    rows = {line.split("\t")[0]: line.split("\t") for line in result.stdout.splitlines()}
    assert {"generic-die-cut", "home"} <= set(rows)
    assert rows["generic-die-cut"][2] == "cmyk" and rows["home"][2] == "rgb"
    assert all("ISO 15930-7" in row[3] for row in rows.values())


def test_sheet_cut_lines_on_touching_labels_warn_on_stderr(runner, works, tmp_path):
    """Cut paths closer than 2 mm are a warning (stderr), not a failure: exit status 0."""
    args = ["export", "--layout", "avery-l7160", "--cut-lines", "--selected", "--copies", "3"]
    result = runner.invoke(args=[*args, "--output", str(tmp_path / "sheet.pdf")])
    assert result.exit_code == 0, result.output
    assert "warning: on sheet 1 two cut paths are 0.0 mm apart" in result.stderr
    assert "preflight pdf: warn\tcut-gap\t" in result.stderr
    assert "fail" not in result.stderr


def test_sheet_export_with_cmyk_and_the_home_preset(app, runner, works, tmp_path):
    """`--preset home` keeps sRGB art; `--cmyk` converts it; both name the CMYK intent."""
    for extra, space in ((["--preset", "home"], "/ICCBased"), (["--cmyk"], "/DeviceCMYK")):
        out = tmp_path / f"sheet{len(extra)}.pdf"
        args = ["export", "--layout", "plain-a4-6-square-90", "--selected", "--output", str(out)]
        result = runner.invoke(args=[*args, *extra])
        assert result.exit_code == 0, result.output
        with pikepdf.open(out) as pdf:
            images = list(pdf.pages[0].get_images().values())
            assert images
            for image in images:
                found = image.ColorSpace if space == "/DeviceCMYK" else image.ColorSpace[0]
                assert str(found) == space


def test_singles_page_plans_and_starts_an_export(app, printer, works):
    """The page lists the selected works ticked, each sticker's cut and size; "Create PDF"
    makes the export, whose page offers both files and shows the preflight."""
    page = printer.get("/print/singles")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count('name="work"') >= 3 and "round its outline" in html
    assert "Sticker print shop, die-cut singles" in html
    response = printer.post("/print/singles", data=singles_form(csrf_token_in(html), works))
    assert response.status_code == 303, response.get_data(as_text=True)
    shown = printer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Die-cut singles, 60 mm" in shown and "6 stickers, one per page" in shown
    assert "Preflight" in shown and "Cut spot colour" in shown and "failed" not in shown
    export_id = int(response.headers["Location"].rsplit("/", 1)[1])
    pdf = printer.get(f"/print/exports/{export_id}/download")
    credits = printer.get(f"/print/exports/{export_id}/credits")
    assert pdf.status_code == credits.status_code == 200
    assert f"credits-{export_id}-singles.pdf" in credits.headers["Content-Disposition"]
    with pdfplumber.open(io.BytesIO(credits.data)) as document:
        assert "Ivan Petrov" in document.pages[0].extract_text()
    with pikepdf.open(io.BytesIO(pdf.data)) as document:
        assert len(document.pages) == 6
        image = next(iter(document.pages[0].get_images().values()))
        assert image.ColorSpace == pikepdf.Name.DeviceCMYK
    listing = printer.get("/print/exports").get_data(as_text=True)
    assert f"/print/exports/{export_id}/credits" in listing


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"size_mm": "5"}, "Number must be between 10 and 300."),
        ({"preset": "nope", "defaults_for": "nope"}, "Choose one of the print shops."),
        ({"work": []}, "Choose at least one work."),
    ],
)
def test_singles_form_refuses_bad_choices_with_422(printer, works, changes, message):
    """Bad input comes back on the page with a specific message, never a 500."""
    token = csrf_token_in(printer.get("/print/singles").get_data(as_text=True))
    response = printer.post("/print/singles", data=singles_form(token, works, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_singles_page_is_for_printers_only(app, client, works):
    """Curators without the printer role get 403; visitors are sent to log in."""
    assert client.get("/print/singles").status_code in (302, 303)
    log_in_as(client, app, "curator")
    assert client.get("/print/singles").status_code == 403


def test_print_preview_warns_about_cut_lines_on_touching_labels(printer, works):
    """The sheet preview says when cut lines come closer than shops allow."""
    copies = dict.fromkeys(works, 3)  # two rows of labels: touching top to bottom
    query = form_query("avery-l7160", works, copies, cut_lines="y", bleed_mm="0")
    html = printer.get("/print/preview", query_string=query).get_data(as_text=True)
    assert "Cut lines close together" in html
    assert "two cut lines are 0 mm apart" in html


def test_low_resolution_singles_are_warned_about(app, printer):
    """A small image at a large size is named with its resolution."""
    small = store_work(image=small_png(), title="Tiny", state=WorkState.SELECTED, app=app).id
    html = printer.get(
        "/print/singles", query_string={"work": str(small), "size_mm": "100", **_query()}
    ).get_data(as_text=True)
    assert "“Tiny”" in html and "dpi" in html


def _query() -> dict:
    """Return the hidden fields a sent singles form carries."""
    return {
        "preset": "generic-die-cut",
        "defaults_for": "generic-die-cut",
        "shape": "rounded",
        "bleed_mm": "2",
        "credit": "on",
    }


def test_singles_cannot_become_a_sticker_pack(app, runner, works, tmp_path, client):
    """Packs are sheets for volunteers' printers: a singles export is not offered as one."""
    args = [
        "export",
        "--singles",
        "--size",
        "40",
        "--selected",
        "--output",
        str(tmp_path / "s.pdf"),
    ]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    export_id = int(result.stdout.strip().rsplit(" ", 1)[-1])
    log_in_as(client, app, "printer")
    page = client.get(f"/print/exports/{export_id}").get_data(as_text=True)
    assert "/packs/new" not in page
    assert client.get(f"/packs/new?export={export_id}").status_code == 404


def test_an_identical_order_reuses_its_credits_file_until_a_credit_changes(
    app, runner, works, tmp_path
):
    """The same order again hands out the same credits file; once an artist changes their
    credit, the next export names the new credit."""

    def export(name: str) -> bytes:
        credits = tmp_path / f"{name}-credits.pdf"
        args = ["export", "--singles", "--size", "40", "--selected"]
        args += ["--output", str(tmp_path / f"{name}.pdf"), "--credits", str(credits)]
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        return credits.read_bytes()

    first, again = export("first"), export("again")
    assert again == first
    with app.app_context():
        from gallery.models import Work

        db.session.get(Work, works[0]).entry.credit = "Jane Q. Doe"
        db.session.commit()
    changed = export("changed")
    with pdfplumber.open(io.BytesIO(changed)) as pdf:
        assert "Jane Q. Doe" in pdf.pages[0].extract_text()
    with app.app_context():
        digests = [
            e.credits_digest for e in db.session.scalars(db.select(Export).order_by(Export.id))
        ]
    assert digests[0] == digests[1] != digests[2]


def test_an_export_failing_preflight_is_not_offered(app, runner, works, tmp_path, monkeypatch):
    """When preflight fails, the export fails with the reason: no file is offered, the
    command exits 1 and the export page says why."""
    from gallery.printing.engine import preflight as engine

    real = engine.preflight

    def broken(source, limits=None):
        """Pretend the output intent went missing."""
        return [engine.Check("output-intent", engine.FAIL, "no_intent"), *real(source, limits)[3:]]

    monkeypatch.setattr(engine, "preflight", broken)
    out = tmp_path / "x.pdf"
    args = ["export", "--singles", "--size", "40", "--selected", "--output", str(out)]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "preflight failed: fail output-intent no PDF/X output intent" in result.output
    assert not out.exists()
    with app.app_context():
        export = db.session.scalars(db.select(Export)).one()
        assert export.state is ExportState.FAILED and export.pdf_key is None
    client = app.test_client()
    log_in_as(client, app, "printer")
    page = client.get(f"/print/exports/{export.id}").get_data(as_text=True)
    assert "The PDF failed preflight, so it is not offered" in page
    assert client.get(f"/print/exports/{export.id}/download").status_code == 404


def test_a_shops_own_cmyk_profile_replaces_the_shipped_one(app, runner, works, tmp_path):
    """GALLERY_PRINT_CMYK_PROFILE names the output intent (and conversion) of every export."""
    from tests.printing.icc_kit import cmyk_profile

    profile = tmp_path / "shop.icc"
    profile.write_bytes(cmyk_profile("Shop press"))
    app.config["PRINT_CMYK_PROFILE"] = str(profile)
    out = tmp_path / "s.pdf"
    args = ["export", "--singles", "--size", "40", "--selected", "--cmyk", "--output", str(out)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    with pikepdf.open(out) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.DestOutputProfile.read_bytes() == profile.read_bytes()
        assert str(intent.Info) == "Shop press"
